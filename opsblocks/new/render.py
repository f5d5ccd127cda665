"""The interview's `Answers` as commented YAML: the blueprint, with every option written out
and each capability commented with what its tool provisions, and the stack config."""

from __future__ import annotations

import os
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from opsblocks import catalog
from opsblocks.new.clouds import CLOUD_SETUP
from opsblocks.new.interview import Answers
from opsblocks.new.questions import describe_environment
from opsblocks.new.yamltext import dump, flow
from opsblocks.program import CONFIG_KEY
from opsblocks.schema import SCHEMA_FILE


def schema_reference(folder: Path, root: Path | None) -> str | None:
    """The project's JSON Schema relative to `folder`, for the editor; None outside a project."""
    if root is None or not folder.resolve().is_relative_to(root):
        return None
    schema = root / SCHEMA_FILE
    if not schema.is_file():
        return None
    return Path(os.path.relpath(schema, folder.resolve())).as_posix()


def render(answers: Answers, schema: str | None) -> str:
    cloud = answers.cloud
    document = CommentedMap()
    document["name"] = answers.name
    document["cloud"] = cloud.value
    document["region"] = answers.region
    document["environment"] = answers.environment.value
    capabilities = CommentedMap()
    for capability, tool in answers.tools.items():
        spec = CommentedMap(tool=tool.name)
        spec["options"] = CommentedMap({k: flow(v) for k, v in answers.options[capability].items()})
        capabilities[capability.value] = spec
        others = [t.name for t in catalog.tools(cloud, capability) if t != tool]
        alternatives = (f"other {cloud} tools: {', '.join(others)}" if others
                        else f"the only {capability} tool on {cloud} so far")  # fmt: skip
        note = f"{capability}: {tool.description}\n({alternatives})"
        capabilities.yaml_set_comment_before_after_key(capability.value, before=note, indent=2)
    document["capabilities"] = capabilities
    header = [] if schema is None else [f"yaml-language-server: $schema={schema}"]
    header.append(f"{answers.name}: an MLOps platform on {cloud}, from `opsblocks new`.")
    header.append("Every option is written out with its value.")
    document.yaml_set_start_comment("\n".join(header))
    document.yaml_add_eol_comment("prefixes every resource name", "name")
    document.yaml_add_eol_comment(describe_environment(answers.environment), "environment")
    return dump(document)


def stack_text(answers: Answers, path: Path, root: Path, stack: str) -> str:
    region_key = CLOUD_SETUP[answers.cloud].region_key
    config = CommentedMap()
    config[CONFIG_KEY] = path.resolve().relative_to(root).as_posix()
    config[region_key] = answers.region
    document = CommentedMap(config=config)
    document.yaml_set_start_comment(
        f"`pulumi up -s {stack}` deploys this blueprint. The blueprint decides the region;\n"
        f"{region_key} is set to the same value for the Pulumi CLI and must agree with it."
    )
    return dump(document)

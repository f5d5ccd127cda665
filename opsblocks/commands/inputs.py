"""What several commands start from: the blueprint (a file or a stack's) and its recording."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path

from opsblocks import blueprint, stacks
from opsblocks.blueprint import Blueprint
from opsblocks.errors import OpsblocksError
from opsblocks.preview import Graph
from opsblocks.stacks import StackConfig


@dataclass(frozen=True)
class Target:
    """A blueprint, its file, and the config of the stack that deploys it (empty for a bare
    file)."""

    blueprint: Blueprint
    file: Path
    config: StackConfig = field(default_factory=StackConfig)


def target_of(file: Path | None, stack: str | None) -> Target:
    """The blueprint FILE, or the one `stacks/Pulumi.<stack>.yaml` names with that stack's
    config, checked as `pulumi up` checks it before anything registers."""
    if (file is None) == (stack is None):
        raise OpsblocksError("give a blueprint file or --stack NAME (one of them)")
    if file is not None:
        return Target(blueprint.load(file), file)
    assert stack is not None
    root = stacks.project_root()
    path = stacks.blueprint_of(root, stack)
    bp = blueprint.load(path)
    config = stacks.config_of(root, stack)
    from opsblocks import program

    stack_path = stacks.stack_file(root, stack).relative_to(root)
    program.check_stack_config(bp, str(path.relative_to(root)), config.get, stack=str(stack_path))
    return Target(bp, path, config)


def record(target: Target, *, readable: bool = False) -> Graph:
    """The resources `pulumi up` would register, recorded offline with the stack's config.

    A bare blueprint file has no stack: the settings every stack must give (the GCP project)
    are recorded as known only at `up`, as they are, rather than left out. `readable` records
    with stand-ins for what only the cloud knows (`opsblocks.placeholders`), so the policy
    documents built from ARNs and ids can be read: what `opsblocks check` needs, never shown
    as a preview."""
    from opsblocks import placeholders, preview, program, providers

    package = program.PROVIDER_PACKAGES[target.blueprint.cloud.value]
    unknown = placeholders.PROJECT if readable else preview.UNKNOWN
    defaults = {f"{package}:{key}": unknown for key in providers.REQUIRED.get(package, ())}
    graph = preview.record(
        lambda: program.build(target.blueprint),
        config={**defaults, **target.config.values},
        secret_keys=target.config.secret_keys,
        invokes=placeholders.INVOKES if readable else None,
        outputs=placeholders.outputs if readable else None,
    )
    # Everything allocated so far lives until the command exits: keep the garbage collector
    # from rescanning it on every later collection (pricing, rendering).
    gc.freeze()
    return graph

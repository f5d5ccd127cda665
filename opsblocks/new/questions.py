"""The questions of `opsblocks new`, each with the check that accepts or refuses its answer.

The checks reuse the blueprint's own validators (names, regions, tool options), so an answer
accepted here is one the blueprint accepts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError

from opsblocks import blueprint, catalog
from opsblocks.environment import PROFILES
from opsblocks.errors import BlueprintError, value_message
from opsblocks.model import Capability, Cloud, Environment
from opsblocks.new.asking import AnswerError, Question
from opsblocks.new.clouds import CLOUD_SETUP, clouds
from opsblocks.new.target import Target
from opsblocks.new.yamltext import as_text, parse_value
from opsblocks.yamlsource import Source

NONE = "none"
"""The tool answer that leaves a capability out."""


def cloud_question() -> Question[Cloud]:
    offered = clouds()
    return Question(
        "Cloud",
        check_cloud,
        flag="--cloud ",
        default=offered[0].value,
        choices=tuple((c.value, f"{len(catalog.tools(c))} tools") for c in offered),
    )


def check_cloud(text: str) -> Cloud:
    offered = clouds()
    if text in offered:
        return Cloud(text)
    known = "no tools yet" if text in {c.value for c in Cloud} else "not a cloud"
    raise AnswerError(f"{known} (choose: {', '.join(offered)})")


def name_question(cloud: Cloud, where: Target) -> Question[str]:
    def check(text: str) -> str:
        name = check_name(cloud, text)
        where.check_free(where.blueprint_file(name))
        return name

    return Question(
        "Name", check, flag="NAME", help="lowercase letters, digits and hyphens; it prefixes "
        "every resource name", missing="required: the blueprint's name",
    )  # fmt: skip


def check_name(cloud: Cloud, text: str) -> str:
    return _check_field(cloud, "name", {"name": text, "region": CLOUD_SETUP[cloud].default_region})


def region_question(cloud: Cloud, name: str) -> Question[str]:
    return Question(
        "Region",
        lambda text: check_region(cloud, name, text),
        flag="--region",
        default=CLOUD_SETUP[cloud].default_region,
    )


def check_region(cloud: Cloud, name: str, text: str) -> str:
    return _check_field(cloud, "region", {"name": name, "region": text})


def _check_field(cloud: Cloud, checked: str, fields: dict[str, str]) -> str:
    """Check one answer with the blueprint's own validator, on an otherwise valid blueprint."""
    data: dict[str, Any] = {**fields, "cloud": cloud.value, "capabilities": {}}
    try:
        blueprint.validate(data, Source(file=Path(checked), tree=None, data=data))
    except BlueprintError as exc:
        if exc.field != checked:
            raise
        raise AnswerError(exc.message) from None
    return fields[checked]


def environment_question() -> Question[Environment]:
    return Question(
        "Environment",
        check_environment,
        flag="--environment ",
        default=Environment.dev.value,
        choices=tuple((e.value, describe_environment(e)) for e in Environment),
    )


def check_environment(text: str) -> Environment:
    try:
        return Environment(text)
    except ValueError:
        raise AnswerError(f"not an environment (choose: {', '.join(Environment)})") from None


def describe_environment(environment: Environment) -> str:
    profile = PROFILES[environment]
    data = "protected" if profile.protect_data else "deletable"
    return (f"{profile.availability_zones} AZs, {profile.log_retention_days}-day logs, "
            f"stateful resources {data}")  # fmt: skip


def tool_question(
    cloud: Cloud, capability: Capability, chosen: Sequence[catalog.Tool] = ()
) -> Question[catalog.Tool | None]:
    """Offers the tools that work with those `chosen` before."""
    offered = compatible(cloud, capability, chosen)
    needed_by = [c for c in Capability if capability in catalog.requirements(cloud, c)]
    leave_out = f"leave {capability} out" + (
        f" ({and_list(needed_by)} need{'s' if len(needed_by) == 1 else ''} it)" if needed_by else ""
    )
    return Question(
        f"{capability} tool",
        lambda text: check_tool(cloud, capability, text, chosen),
        flag=f"--tool {capability}=",
        default=_widest(cloud, capability, chosen, offered).name if offered else NONE,
        choices=(*((t.name, t.description) for t in offered), (NONE, leave_out)),
    )


def _widest(
    cloud: Cloud,
    capability: Capability,
    chosen: Sequence[catalog.Tool],
    offered: Sequence[catalog.Tool],
) -> catalog.Tool:
    """The default: the offered tool that leaves the most later capabilities a tool to choose
    (the first in catalog order among equals), so an alternative that gives less (a registry
    without a model package group) never becomes the default by its name."""
    later = list(Capability)[list(Capability).index(capability) + 1 :]
    return max(offered, key=lambda tool: sum(bool(compatible(cloud, c, [*chosen, tool]))
                                             for c in later))  # fmt: skip


def compatible(
    cloud: Cloud, capability: Capability, chosen: Sequence[catalog.Tool]
) -> list[catalog.Tool]:
    return [t for t in catalog.tools(cloud, capability) if not catalog.unmet(t, chosen)]


def check_tool(
    cloud: Cloud, capability: Capability, text: str, chosen: Sequence[catalog.Tool] = ()
) -> catalog.Tool | None:
    if text == NONE:
        return None
    offered = compatible(cloud, capability, chosen)
    for tool in offered:
        if tool.name == text:
            return tool
    for tool in catalog.tools(cloud, capability):
        if tool.name == text:
            needs = ", ".join(kind.__name__ for kind in catalog.unmet(tool, chosen))
            choose = ", ".join(t.name for t in offered) or NONE
            raise AnswerError(f"{text} needs {needs}, which the tools chosen before do not "
                              f"give (choose: {choose})")  # fmt: skip
    elsewhere = sorted(
        {t.cloud.value for t in catalog.tools(capability=capability) if t.name == text}
    )
    hint = f"; it is a {' and '.join(elsewhere)} tool" if elsewhere else ""
    raise AnswerError(f"not available on {cloud} "
                      f"(choose: {', '.join(t.name for t in offered)}){hint}")  # fmt: skip


def option_question(
    capability: Capability,
    tool: catalog.Tool,
    option: str,
    answered: Mapping[str, Any] | None = None,
) -> Question[Any]:
    """Asked with the earlier answer (when asked again) or the option's default."""
    info = tool.options.model_fields[option]
    if answered is not None and option in answered:
        default: str | None = as_text(answered[option])
    else:
        default = (
            None if info.is_required() else as_text(info.get_default(call_default_factory=True))
        )
    about = (info.description or "").rstrip(".")
    if get_origin(info.annotation) is Literal:
        about = "; ".join(filter(None, (about, f"choose: {', '.join(get_args(info.annotation))}")))
    return Question(
        f"{capability}.{option}",
        lambda text: check_option(tool, option, text),
        flag=f"--set {capability}.{option}=",
        default=default,
        help=about,
        missing=f"required by {tool.name}{f': {about}' if about else ''}; "
        f"or leave {capability} out: --tool {capability}=none",
    )


def check_option(tool: catalog.Tool, option: str, text: str) -> Any:
    """The typed YAML value, if it is right for this option on its own."""
    value = parse_value(text)
    try:
        tool.options.model_validate({option: value})
    except ValidationError as exc:
        mine = [e for e in exc.errors(include_url=False) if e["loc"][:1] == (option,)]
        if mine:
            raise AnswerError(value_message(mine[0])) from None
    return value


def check_options(tool: catalog.Tool, values: Mapping[str, Any]) -> dict[str, Any]:
    """All the tool's options, defaults included, once they are right together."""
    try:
        return tool.options.model_validate(values).model_dump()
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"])
        message = value_message(error)
        raise AnswerError(f"{where}: {message}" if where else message) from None


def and_list(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return " and ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])} and {items[-1]}"

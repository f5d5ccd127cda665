"""The interview: every question in order, each answered by a flag or else by the
`Interviewer`, into the `Answers` a blueprint is rendered from.

The order: cloud, name, region, environment, then per capability in build order its tool and
that tool's options. A capability whose requirements are left out is left out too."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from components.options import asked
from opsblocks import catalog
from opsblocks.errors import OpsblocksError
from opsblocks.model import Capability, Cloud, Environment
from opsblocks.new.asking import AnswerError, Interviewer, Question
from opsblocks.new.questions import (
    NONE,
    and_list,
    check_options,
    cloud_question,
    environment_question,
    name_question,
    option_question,
    region_question,
    tool_question,
)
from opsblocks.new.target import Target

T = TypeVar("T")


@dataclass(frozen=True)
class Flags:
    """The answers the command line gives; what is absent is asked, or takes its default."""

    name: str | None = None
    cloud: str | None = None
    region: str | None = None
    environment: str | None = None
    tools: Mapping[Capability, str] = field(default_factory=dict)
    """--tool CAPABILITY=TOOL"""
    options: Mapping[Capability, Mapping[str, str]] = field(default_factory=dict)
    """--set CAPABILITY.OPTION=VALUE, values as typed (YAML)"""

    @classmethod
    def parse(
        cls,
        name: str | None = None,
        cloud: str | None = None,
        region: str | None = None,
        environment: str | None = None,
        tools: Sequence[str] = (),
        sets: Sequence[str] = (),
    ) -> Flags:
        chosen: dict[Capability, str] = {}
        for text in tools:
            key, _, tool = text.partition("=")
            capability = _capability(key, f"--tool {text}", "CAPABILITY=TOOL")
            if not tool:
                raise OpsblocksError(
                    f"--tool {text}: expected CAPABILITY=TOOL (or CAPABILITY=none)"
                )
            if capability in chosen:
                raise OpsblocksError(f"--tool {text}: given twice for {capability}")
            chosen[capability] = tool
        options: dict[Capability, dict[str, str]] = {}
        for text in sets:
            key, equals, value = text.partition("=")
            cap, _, option = key.partition(".")
            capability = _capability(cap, f"--set {text}", "CAPABILITY.OPTION=VALUE")
            if not equals or not option:
                raise OpsblocksError(f"--set {text}: expected CAPABILITY.OPTION=VALUE")
            if option in options.setdefault(capability, {}):
                raise OpsblocksError(f"--set {text}: given twice for {capability}.{option}")
            options[capability][option] = value
        return cls(name, cloud, region, environment, chosen, options)


def _capability(text: str, flag: str, syntax: str) -> Capability:
    try:
        return Capability(text)
    except ValueError:
        names = ", ".join(Capability)
        raise OpsblocksError(f"{flag}: expected {syntax}; '{text}' is not a capability "
                             f"(choose: {names})") from None  # fmt: skip


@dataclass(frozen=True)
class Answers:
    name: str
    cloud: Cloud
    region: str
    environment: Environment
    tools: dict[Capability, catalog.Tool]
    """The chosen tools in build order; a capability left out is absent."""
    options: dict[Capability, dict[str, Any]]
    """Every option of each chosen tool, defaults included, as the blueprint holds them."""


def interview(flags: Flags, asker: Interviewer, where: Target) -> Answers:
    """Every question in order: a flag answers it, else `asker`. A refused flag is an error
    that names it; the wizard asks again when an answer it was given is refused."""

    def answer(question: Question[T], given: str | None) -> T:
        if given is None:
            return asker.ask(question)
        try:
            return question.check(given)
        except AnswerError as exc:
            with_value = question.flag.endswith(("=", " "))
            raise exc.on_flag(question.flag + given if with_value else question.flag) from None

    cloud = answer(cloud_question(), flags.cloud)
    name = answer(name_question(cloud, where), flags.name)
    region = answer(region_question(cloud, name), flags.region)
    environment = answer(environment_question(), flags.environment)
    tools: dict[Capability, catalog.Tool] = {}
    options: dict[Capability, dict[str, Any]] = {}
    for capability in Capability:
        if not catalog.tools(cloud, capability):
            continue
        given = flags.tools.get(capability)
        lacking = [need for need in catalog.requirements(cloud, capability) if need not in tools]
        if lacking and given not in (None, NONE):
            raise OpsblocksError(f"--tool {capability}={given}: {capability} needs "
                                 f"{and_list(lacking)}, which {_is(lacking)} left out")  # fmt: skip
        if lacking:
            if given is None:
                asker.tell(f"{capability}: left out, it needs {and_list(lacking)}")
            continue
        tool = answer(tool_question(cloud, capability, list(tools.values())), given)
        if tool is not None:
            tools[capability] = tool
            options[capability] = _options(capability, tool, flags, asker, answer)
    for capability, given_options in flags.options.items():
        if capability not in tools:
            option, value = next(iter(given_options.items()))
            raise OpsblocksError(f"--set {capability}.{option}={value}: {capability} is left "
                                 "out of the blueprint")  # fmt: skip
    return Answers(name, Cloud(cloud), region, environment, tools, options)


def _options(
    capability: Capability,
    tool: catalog.Tool,
    flags: Flags,
    asker: Interviewer,
    answer: Callable[[Question[Any], str | None], Any],
) -> dict[str, Any]:
    """The options given by --set, then those the tool asks for; every option, checked."""
    fields = tool.options.model_fields
    given = flags.options.get(capability, {})
    for option, text in given.items():
        if option not in fields:
            raise OpsblocksError(f"--set {capability}.{option}={text}: not an option of "
                                 f"{tool.name} (choose: {', '.join(fields)})")  # fmt: skip
    values = {o: answer(option_question(capability, tool, o), t) for o, t in given.items()}
    to_ask = [o for o, f in fields.items() if asked(f) and o not in given]
    while True:
        for option in to_ask:
            values[option] = asker.ask(option_question(capability, tool, option, values))
        try:
            return check_options(tool, values)
        except AnswerError as exc:
            if not (asker.interactive and to_ask):
                flags_given = " ".join(f"--set {capability}.{o}={t}" for o, t in given.items())
                raise exc.on_flag(flags_given or f"{capability} options") from None
            asker.tell(f"{capability} options: {exc}; once more:")


def _is(items: Sequence[str]) -> str:
    return "is" if len(items) == 1 else "are"

"""The blueprint: pydantic models built from the catalog, and the YAML loader.

One model per cloud (a union discriminated on `cloud`); in each, one optional field per
capability holding a union of that cloud's tools discriminated on `tool`, each with its own
options model. So the schema is exact per cloud, and every error has a path back to a YAML line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import AfterValidator, BaseModel, Field, TypeAdapter, ValidationError, create_model

from components.options import Options
from opsblocks import catalog, naming
from opsblocks.contracts import Contract
from opsblocks.errors import BlueprintError, value_message
from opsblocks.model import Capability, Cloud, Environment, Strict
from opsblocks.tags import check_azure_tags, check_gcp_labels, check_user_tags
from opsblocks.yamlsource import Source, parse

Tags = Annotated[dict[str, str], AfterValidator(check_user_tags)]


class ToolSpec(Strict):
    """`capabilities.<capability>`: the tool, and its options."""

    tool: str
    options: Options


class Usage(Strict):
    """Monthly usage assumptions for the cost preview; what is left out is shown as
    "depends on usage" and not counted in the total."""

    storage_gb: float | None = Field(None, ge=0, description="GB stored in the platform's buckets.")
    training_hours: float | None = Field(
        None, ge=0, description="Hours of training jobs per month (on the training instance type)."
    )
    build_minutes: float | None = Field(None, ge=0, description="CI/CD build minutes per month.")
    log_gb: float | None = Field(None, ge=0, description="GB of logs ingested per month.")
    monitoring_hours: float | None = Field(
        None, ge=0, description="Hours of model-monitoring jobs per month."
    )


def _known_rule(rule: str) -> str:
    from opsblocks.check.registry import ids

    if rule not in ids():
        raise ValueError(f"'{rule}' is not a rule (see `opsblocks rules`)")
    return rule


class Waiver(Strict):
    """A rule that does not apply to this platform, and why: shown in every check output."""

    rule: Annotated[str, AfterValidator(_known_rule)] = Field(
        description="The rule's id, e.g. OB-AWS-S3-001."
    )
    reason: str = Field(
        min_length=10, description="Why the rule does not apply here; shown with the waiver."
    )


def _one_waiver_a_rule(waivers: list[Waiver]) -> list[Waiver]:
    seen = [w.rule for w in waivers]
    twice = sorted({rule for rule in seen if seen.count(rule) > 1})
    if twice:
        raise ValueError(f"{', '.join(twice)} waived more than once")
    return waivers


class Checks(Strict):
    """What `opsblocks check` and the policy pack leave aside for this blueprint."""

    waive: Annotated[list[Waiver], AfterValidator(_one_waiver_a_rule)] = Field(
        default_factory=list, description="Rules waived, each with its reason."
    )


class Blueprint(Strict):
    """Fields every cloud shares; `capabilities` is typed per cloud by the subclasses."""

    name: str = Field(description="Lowercase name, the prefix of every resource name.")
    cloud: Cloud
    region: str
    environment: Environment = Field(
        Environment.dev, description="dev | staging | prod: sizes, protection, retention."
    )
    tags: Tags = Field(default_factory=dict, description="Extra tags on every resource.")
    capabilities: BaseModel
    usage: Usage = Field(default_factory=Usage, description="Assumptions for the cost preview.")
    checks: Checks = Field(
        default_factory=Checks, description="Rules of `opsblocks check` waived, with reasons."
    )

    def tools(self) -> dict[Capability, ToolSpec]:
        """The capabilities this blueprint uses, in build order."""
        present = {Capability(field): spec for field, spec in self.capabilities if spec is not None}
        return {cap: present[cap] for cap in Capability if cap in present}


_REGION_CHECKS = {
    Cloud.aws: naming.check_aws_region,
    Cloud.azure: naming.check_azure_region,
    Cloud.gcp: naming.check_gcp_region,
}
_TAG_CHECKS = {
    Cloud.aws: check_user_tags,
    Cloud.azure: check_azure_tags,
    Cloud.gcp: check_gcp_labels,
}


def _class_name(*parts: str) -> str:
    return "".join(p.replace("-", " ").title().replace(" ", "") for p in parts)


# Models built from the catalog at import time: typing constructs made from runtime values,
# which static checkers cannot follow, hence `Any`.
def _literal(value: str) -> Any:
    return Literal[value]


def _tagged_union(models: Sequence[type[BaseModel]], tag: str) -> Any:
    return Annotated[Union[tuple(models)], Field(discriminator=tag)]  # noqa: UP007


def _tool_spec_model(tool: catalog.Tool) -> type[ToolSpec]:
    return create_model(
        _class_name(tool.cloud, tool.name, "Spec"),
        __base__=ToolSpec,
        __doc__=tool.description,
        tool=(_literal(tool.name), Field(description=tool.description)),
        options=(tool.options, Field(default_factory=tool.options)),
    )


def _capabilities_model(cloud: Cloud) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for capability in Capability:
        specs = [_tool_spec_model(t) for t in catalog.tools(cloud, capability)]
        if specs:
            fields[capability.value] = (_tagged_union(specs, "tool") | None, None)
    return create_model(_class_name(cloud, "Capabilities"), __base__=Strict, **fields)


def _cloud_model(cloud: Cloud) -> type[Blueprint]:
    return create_model(
        _class_name(cloud, "Blueprint"),
        __base__=Blueprint,
        name=(Annotated[str, AfterValidator(naming.check_blueprint_name)], ...),
        cloud=(_literal(cloud), ...),
        region=(Annotated[str, AfterValidator(_REGION_CHECKS[cloud])], ...),
        tags=(
            Annotated[dict[str, str], AfterValidator(_TAG_CHECKS[cloud])],
            Field(default_factory=dict, description="Extra tags (GCP: labels) on every resource."),
        ),
        capabilities=(_capabilities_model(cloud), ...),
    )


CLOUD_MODELS: dict[Cloud, type[Blueprint]] = {
    cloud: _cloud_model(cloud) for cloud in Cloud if catalog.tools(cloud)
}
ADAPTER: TypeAdapter[Blueprint] = TypeAdapter(_tagged_union(list(CLOUD_MODELS.values()), "cloud"))


def load(path: Path | str) -> Blueprint:
    """Read and validate a blueprint file; every problem is a BlueprintError with file:line."""
    source = parse(Path(path))
    return validate(source.data, source)


def validate(data: Any, source: Source) -> Blueprint:
    if not isinstance(data, Mapping):
        raise BlueprintError(
            "a blueprint is a mapping with name, cloud, region and capabilities",
            location=source.location(()),
        )
    try:
        blueprint = ADAPTER.validate_python(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise _describe(errors[0], data, source).counting(len(errors) - 1) from None
    _check_names(blueprint, source)
    _check_requirements(blueprint, source)
    _check_environment(blueprint, source)
    return blueprint


def _check_requirements(blueprint: Blueprint, source: Source) -> None:
    """Every tool gets what it needs from the blueprint's other tools: a capability left out,
    or a tool that does not give what another one needs, fails here with the tool's line."""
    chosen = {cap: catalog.find(blueprint.cloud, cap, spec.tool)
              for cap, spec in blueprint.tools().items()}  # fmt: skip
    for capability, tool in chosen.items():
        unmet = catalog.unmet(tool, chosen.values())
        offered = [(kind, catalog.givers(blueprint.cloud, kind)) for kind in unmet]
        missing = [c for c in Capability
                   if any(g.capability is c for _, found in offered for g in found)
                   and c not in chosen]  # fmt: skip
        if missing:
            raise _error(
                source,
                ("capabilities", capability.value),
                f"needs {' and '.join(m.value for m in missing)} in the blueprint too "
                f"({capability.value} uses their outputs)",
            )
        for kind, found in offered:
            other = next((chosen[g.capability] for g in found if g.capability in chosen), None)
            where = (
                f"the {other.capability} tool {other.name} does not give it"
                if other
                else ("no tool of this cloud gives it")
            )
            choose = f" (choose: {', '.join(g.name for g in found)})" if found else ""
            raise _error(
                source,
                ("capabilities", capability.value, "tool"),
                f"{tool.name} needs {_describe_contract(kind)}; {where}{choose}",
            )


def _describe_contract(kind: type[Contract]) -> str:
    """`AwsModelRegistry (A SageMaker model package group, ...)`: the first sentence of its
    docstring (every contract has one of its own: `tests/opsblocks/test_catalog.py`)."""
    paragraph = " ".join((kind.__doc__ or "").split("\n\n")[0].split())
    return f"{kind.__name__} ({paragraph.split('. ')[0].rstrip('.')})"


def _check_names(blueprint: Blueprint, source: Source) -> None:
    """The cloud's naming limits, with those of the chosen tools (names they derive from the
    blueprint's name): too long fails here, not at `pulumi up`."""
    rules = naming.CLOUD_RULES[blueprint.cloud.value] + tuple(
        rule
        for capability, spec in blueprint.tools().items()
        for rule in catalog.find(blueprint.cloud, capability, spec.tool).names
    )
    try:
        naming.check_length(blueprint.name, blueprint.cloud.value, rules)
    except ValueError as exc:
        raise _error(source, ("name",), str(exc)) from None


def _check_environment(blueprint: Blueprint, source: Source) -> None:
    """Options that cannot work in the blueprint's environment (e.g. agents with no path into
    a private prod network) fail here, not at `pulumi up`."""
    for capability, spec in blueprint.tools().items():
        problem = spec.options.environment_problem(blueprint.environment)
        if problem:
            option, why = problem
            raise _error(source, ("capabilities", capability.value, "options", option), why)


def _describe(error: Any, data: Mapping[str, Any], source: Source) -> BlueprintError:
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx", {})
    # Discriminated unions put the tag in the path: ('aws', 'capabilities', 'training',
    # 'sagemaker-pipelines', 'options', ...). Drop the tags to get the YAML path.
    path = _yaml_path(loc)
    if kind == "union_tag_invalid" and not path:
        return _error(source, ("cloud",), f"'{ctx['tag']}' is not supported (choose: {_clouds()})")
    if kind == "union_tag_not_found" and not path:
        return _error(source, ("cloud",), f"required (choose: {_clouds()})")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        cloud = Cloud(data["cloud"])
        capability = Capability(str(path[-1]))
        choices = ", ".join(catalog.tool_names(cloud, capability))
        if kind == "union_tag_not_found":
            return _error(source, (*path, "tool"), f"required (choose: {choices})")
        tag = ctx["tag"]
        elsewhere = [t.cloud.value for t in catalog.tools(capability=capability) if t.name == tag]
        hint = f"; it belongs to {' and '.join(elsewhere)}" if elsewhere else ""
        return _error(
            source,
            (*path, "tool"),
            f"'{tag}' is not available on {cloud} (choose: {choices}){hint}",
        )
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc[:-1])
        return _error(source, path, f"unknown field (allowed: {', '.join(allowed)})")
    if kind == "missing":
        return _error(source, path, "required field is missing")
    return _error(source, path, value_message(error))


def _error(source: Source, path: tuple[str | int, ...], message: str) -> BlueprintError:
    field = ".".join(str(p) for p in path)
    return BlueprintError(message, field=field, location=source.location(path))


def _yaml_path(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    path = list(loc[1:])  # loc[0] is the cloud tag
    if len(path) > 2 and path[0] == "capabilities":
        del path[2]  # the tool tag
    return tuple(path)


def _clouds() -> str:
    return ", ".join(CLOUD_MODELS)


def _allowed_fields(loc: tuple[str | int, ...]) -> list[str]:
    """The fields of the model at `loc`, a pydantic path that includes the union tags."""
    if not loc:
        return list(Blueprint.model_fields)
    models: list[type[BaseModel]] = [CLOUD_MODELS[Cloud(str(loc[0]))]]
    for part in loc[1:]:
        if part not in models[0].model_fields:  # a discriminated union: `part` is the tag
            models = [m for m in models if _tool_literal(m) == part]
        else:
            models = _models_in(models[0].model_fields[str(part)].annotation)
    return list(models[0].model_fields)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


def _tool_literal(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("tool")
    args = get_args(field.annotation) if field else ()
    return args[0] if len(args) == 1 and isinstance(args[0], str) else None

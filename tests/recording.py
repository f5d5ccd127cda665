"""The recording-mocks helper every Pulumi test uses.

`run()` sets a fresh RecordingMonitor (no state leaks between tests), runs the code that
registers resources and, like `@pulumi.runtime.test`, waits until every registration has
finished before it returns the graph. Assertions then run in the test body on what was
*sent*, so a test cannot pass without checking anything.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from inspect import signature
from typing import Any, TypeVar

# Readable stand-ins for what only the cloud knows, shared with `opsblocks check`.
from opsblocks.placeholders import ACCOUNT_ID as ACCOUNT_ID
from opsblocks.placeholders import INVOKES as TEST_INVOKES
from opsblocks.placeholders import PROJECT as PROJECT
from opsblocks.placeholders import PROJECT_NUMBER as PROJECT_NUMBER
from opsblocks.placeholders import RESOURCE_GROUP as RESOURCE_GROUP
from opsblocks.placeholders import SUBSCRIPTION as SUBSCRIPTION
from opsblocks.placeholders import TENANT as TENANT
from opsblocks.placeholders import azure_outputs as azure_outputs
from opsblocks.placeholders import outputs as fake_outputs
from opsblocks.preview import Graph, Resource, record


def run(build: Callable[[], object], invokes: dict[str, dict[str, Any]] | None = None) -> Graph:
    """Record everything `build` registers (its return value is ignored)."""

    def program() -> dict[str, Any]:
        build()
        return {}

    graph = record(
        program,
        stack="test",
        invokes=TEST_INVOKES if invokes is None else invokes,
        outputs=fake_outputs,
        # What every GCP stack must set (pulumi up refuses one without it).
        config={"gcp:project": PROJECT},
    )
    deprecated = [w for w in graph.warnings if "deprecated" in w]
    assert not deprecated, f"deprecated resource or argument used: {deprecated}"
    return graph


C = TypeVar("C")


def resolved(make: Callable[[], C], names: Iterable[str]) -> tuple[C, dict[str, Any]]:
    """The component `make` builds and its outputs `names` (those it has: an optional output
    may be None), resolved as the wiring reads them."""
    found: dict[str, Any] = {}
    made: list[C] = []

    def build() -> None:
        component = make()
        made.append(component)
        for name in names:
            output = getattr(component, name)
            if output is not None:
                output.apply(lambda value, name=name: found.__setitem__(name, value))

    run(build)
    return made[0], found


def custom(graph: Graph) -> list[Resource]:
    return [r for r in graph.resources if r.custom]


def policies(graph: Graph) -> Iterator[tuple[Resource, dict[str, Any]]]:
    """Every IAM-shaped JSON document the graph sends, with its resource."""
    for resource in custom(graph):
        for key in ("policy", "assumeRolePolicy"):
            value = resource.inputs.get(key)
            if isinstance(value, str) and value.startswith("{"):
                document = json.loads(value)
                if "Statement" in document:  # not e.g. an ECR lifecycle policy
                    yield resource, document


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def leaves(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """(key, value) of every leaf of recorded inputs: the mapping key it stands under (a list's
    items take the list's key)."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from leaves(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v, key)
    else:
        yield key, value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# Where a resource keeps its tags, by SDK argument and recorded (camelCase) input, per cloud.
# GCP's monitoring resources have `user_labels` (their `labels` are settings, such as a
# channel's address); a GCP `tags` argument is something else (a list, or resource tags).
TAG_FIELDS = {
    "aws": {"tags": "tags"},
    "gcp": {"user_labels": "userLabels", "labels": "labels"},
    "azure-native": {"tags": "tags"},
    "azuredevops": {"tags": "tags"},
}


@cache
def tag_field(type_token: str) -> str | None:
    """The recorded input that holds a resource's tags (AWS) or labels (GCP), if it has one."""
    package, module_path, class_name = type_token.split(":")
    module = module_path.split("/")[0]
    sdk = {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure-native": "pulumi_azure_native",
           "azuredevops": "pulumi_azuredevops"}.get(package)  # fmt: skip
    if sdk is None:
        return None
    owner = importlib.import_module(sdk if module == "index" else f"{sdk}.{module}")
    parameters = signature(getattr(owner, class_name)._internal_init).parameters
    fields = TAG_FIELDS[package].items()
    return next((recorded for arg, recorded in fields if arg in parameters), None)


def is_taggable(type_token: str) -> bool:
    """Whether the SDK class behind a type token takes tags (AWS) or labels (GCP)."""
    return tag_field(type_token) is not None


def taggable(graph: Graph) -> list[Resource]:
    """The custom resources whose SDK class takes `tags`."""
    return [r for r in custom(graph) if is_taggable(r.type)]


def tags_of(resource: Resource) -> dict[str, str]:
    """The resource's tags (AWS) or labels (GCP)."""
    field = tag_field(resource.type)
    found: dict[str, str] = resource.inputs.get(field, {}) if field else {}
    return found


def untagged(graph: Graph, tags: Mapping[str, str]) -> list[str]:
    """Names of the taggable resources whose tags (GCP: labels) lack any of `tags`."""
    return [r.name for r in taggable(graph) if not tags_of(r).items() >= tags.items()]


def strays(graph: Graph, component_type: str) -> list[str]:
    """Names of the resources that do not descend from the one component of `component_type`.

    A resource descends only through components: one parented to a custom resource instead
    of a component is a stray too.
    """
    [component] = graph.of_type(component_type)
    by_urn = graph.by_urn()

    def descends(resource: Resource) -> bool:
        parent = resource.parent
        while parent is not None and parent != component.urn:
            if by_urn[parent].custom:
                return False
            parent = by_urn[parent].parent
        return parent == component.urn

    return [r.name for r in graph.resources if r is not component and not descends(r)]


def arm_id(type_token: str, name: str) -> str:
    """The ARM id the recording gives the Azure resource `name` of `type_token`."""
    found: str = azure_outputs(type_token, name)["id"]
    return found


A = TypeVar("A")


def args_of(args_type: type[A], *, checked: bool = True, **values: Any) -> A:
    """A component's Args from flat values, as a blueprint gives them: the values that are the
    tool's options go into its validated options model, the rest are the Args' own.
    `checked=False` builds the model without validating it, so a test reaches a component's
    own refusal of a value the blueprint's validation would refuse already."""
    import dataclasses
    import sys

    fields = dataclasses.fields(args_type)  # type: ignore[arg-type]
    declared = next(str(f.type) for f in fields if f.name == "options")
    options_type = vars(sys.modules[args_type.__module__])[declared]
    options = {key: values.pop(key) for key in list(values) if key in options_type.model_fields}
    model = options_type(**options) if checked else options_type.model_construct(**options)
    return args_type(**values, options=model)

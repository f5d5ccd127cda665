"""Offline preview: run the real program under a recording mock monitor.

`pulumi up` and `opsblocks preview` run the same `program.build`; here Pulumi's mock monitor
stands in for the engine, and every registration is recorded: type, name, parent, inputs,
protect, retain_on_delete, dependencies. Values only the cloud knows stay unknown.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import mocks, rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from opsblocks.program import PROJECT

# Provider functions the program may call. Offline nothing knows the account id, the zone
# names or the registry of an AWS-managed image: their results stay wholly unknown (None), as
# values known only after `pulumi up`. Any other invoke is a bug and fails loudly.
OFFLINE_INVOKES: dict[str, dict[str, Any] | None] = {
    "aws:index/getCallerIdentity:getCallerIdentity": None,
    "aws:index/getAvailabilityZones:getAvailabilityZones": None,
    "aws:ec2/getVpc:getVpc": None,
    "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage": None,
    "azure-native:authorization:getClientConfig": None,
    "azure-native:keyvault:getKey": None,
    "azure-native:containerservice:getManagedCluster": None,
    "azure-native:containerservice:listManagedClusterUserCredentials": None,
    "gcp:organizations/getProject:getProject": None,
    "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": None,
    "gcp:bigquery/getDefaultServiceAccount:getDefaultServiceAccount": None,
}


class UnexpectedInvoke(Exception):
    """The program called a provider function the recorder does not know: add it above."""


@dataclass
class Resource:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]
    protect: bool
    retain_on_delete: bool
    dependencies: list[str]
    provider: str | None
    ignore_changes: list[str] = field(default_factory=list)
    """Input paths `pulumi up` leaves alone once created (e.g. what auto-scaling owns)."""
    aliases: list[str] = field(default_factory=list)
    """A component's former `type::name`s: a stack that has it (and what is under it) under
    one keeps it, no replacement. (Provider SDKs alias their own renamed classes; not shown.)"""

    @property
    def is_component(self) -> bool:
        return not self.custom and not self.type.startswith("pulumi:providers:")


@dataclass
class Graph:
    resources: list[Resource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def by_urn(self) -> dict[str, Resource]:
        return {r.urn: r for r in self.resources}

    def children(self, urn: str | None) -> list[Resource]:
        return [r for r in self.resources if r.parent == urn]

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str, kind: str = "") -> Resource:
        """The one custom resource called `name`; `kind` (e.g. "Role") tells namesakes apart."""
        matches = [r for r in self.resources if r.name == name and r.custom
                   and r.type.endswith(f":{kind}" if kind else "")]  # fmt: skip
        if len(matches) != 1:
            kinds = ", ".join(r.type for r in matches)
            raise KeyError(f"{len(matches)} custom resources are named {name!r} ({kinds})")
        return matches[0]


FakeOutputs = Callable[[str, str, Mapping[str, Any]], dict[str, Any]]
"""(type, name, inputs) -> outputs the cloud would return; tests use it to make ARNs readable. Under
the key RESOURCE_ID, the resource's own id (default: `<name>-id`)."""
RESOURCE_ID = "__resource_id__"


class _AnswerInvokes(mocks.Mocks):
    def __init__(self, invokes: Mapping[str, dict[str, Any] | None], outputs: FakeOutputs | None):
        self.invokes = invokes
        self.outputs = outputs

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = _echoed(args.inputs)
        if self.outputs is None:
            # No id, no outputs beyond the inputs: the rest is known only after `pulumi up`.
            return "", inputs
        made_up = dict(self.outputs(args.typ, args.name, inputs))
        resource_id = made_up.pop(RESOURCE_ID, f"{args.name}-id")
        return str(resource_id), {**made_up, **inputs}

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        answer = self.invokes.get(args.token)
        if answer is None:
            raise UnexpectedInvoke(f"unexpected invoke {args.token}({args.args})")
        return dict(answer), []


def _echoed(inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs as the resource's outputs, in the shape the provider answers them.

    Azure takes a resource's user-assigned identities as a list of ids and answers them as a
    map from id to details; echoed as a list, they would break reading any output."""
    identity = inputs.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        ids = [i for i in identity["userAssignedIdentities"] if isinstance(i, str)]
        answered = {**identity, "userAssignedIdentities": {key: {} for key in ids}}
        return {**inputs, "identity": answered}
    return inputs


class RecordingMonitor(mocks.MockMonitor):
    def __init__(
        self,
        invokes: Mapping[str, dict[str, Any] | None] | None = None,
        outputs: FakeOutputs | None = None,
    ):
        self.invokes = OFFLINE_INVOKES if invokes is None else invokes
        super().__init__(_AnswerInvokes(self.invokes, outputs))
        self.graph = Graph()

    def Invoke(self, request: Any) -> Any:
        if request.tok in self.invokes and self.invokes[request.tok] is None:
            # What the engine answers while a result cannot be known yet.
            return resource_pb2.ResourceInvokeResponse(unknown=True)
        return super().Invoke(request)

    def RegisterResource(self, request: Any) -> Any:
        # MockMonitor.RegisterResource, with the inputs deserialized once for both the mocks
        # and the record.
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == ROOT_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        answered_id, state = self.mocks.new_resource(
            mocks.MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
        )
        resource_id = answered_id or ""  # empty: the id is known only after `pulumi up`
        # What the engine does: outputs the provider marks secret come back as secrets.
        secret = {rpc._special_sig_key: rpc._special_secret_sig}
        for key in request.additionalSecretOutputs:
            if key in state:
                state = {**state, key: {**secret, "value": state[key]}}
        self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, resource_id, state)
        self.graph.resources.append(_recorded(request, urn, inputs))
        state_proto = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=state_proto)


def _recorded(request: Any, urn: str, inputs: dict[str, Any]) -> Resource:
    parent = engine_urn(request.parent) if request.parent else ""
    return Resource(
        urn=engine_urn(urn),
        type=request.type,
        name=request.name,
        parent=parent if parent and _type_of(parent) != ROOT_TYPE else None,
        custom=request.custom,
        inputs=_plain(inputs),
        protect=request.protect if request.HasField("protect") else False,
        retain_on_delete=request.retainOnDelete if request.HasField("retainOnDelete") else False,
        dependencies=sorted({engine_urn(d) for d in request.dependencies}),
        provider=request.provider or None,
        ignore_changes=list(request.ignoreChanges),
        aliases=[] if request.custom else _former_names(request),
    )


def _former_names(request: Any) -> list[str]:
    """`type::name` of each alias a component registers with (what it was called before)."""
    specs = (alias.spec for alias in request.aliases if alias.HasField("spec"))
    return sorted({f"{s.type or request.type}::{s.name or request.name}" for s in specs})


ROOT_TYPE = "pulumi:pulumi:Stack"


def _type_of(urn: str) -> str:
    """urn:pulumi:<stack>::<project>::<parent types$>type::<name> -> type"""
    return urn.split("::")[2].split("$")[-1]


def engine_urn(urn: str) -> str:
    """The URN as the Pulumi engine writes it: the mock puts the root stack type in the chain."""
    return urn.replace(f"::{ROOT_TYPE}$", "::")


class _WarningLog(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def record(
    build: Callable[[], Mapping[str, Any]],
    *,
    stack: str = "preview",
    invokes: Mapping[str, dict[str, Any] | None] | None = None,
    outputs: FakeOutputs | None = None,
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
) -> Graph:
    """Run `build` (which registers resources and returns stack outputs) and record it."""
    monitor = RecordingMonitor(invokes, outputs)
    logger = logging.getLogger(f"opsblocks.preview.{id(monitor)}")
    logger.propagate = False
    logger.addHandler(_WarningLog(monitor.graph.warnings))
    pulumi.runtime.set_mocks(
        monitor.mocks, project=PROJECT, stack=stack, preview=True, logger=logger, monitor=monitor
    )
    pulumi.runtime.set_all_config({**(config or {})}, list(secret_keys or []))
    SETTINGS.rpc_manager.clear()
    SETTINGS.outputs.clear()

    async def program() -> None:
        outputs = build()
        for key, value in outputs.items():
            monitor.graph.outputs[key] = _plain(
                await pulumi.Output.from_input(value).future(with_unknowns=True)
            )

    # A preview imports the SDK's resource modules and registers every resource: hundreds of
    # thousands of long-lived objects that the cyclic collector would scan over and over while
    # freeing almost nothing (a quarter of the preview's time, measured). Pause it meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _sync_await(run_pulumi_func(lambda: _sync_await(program())))
    finally:
        if collecting:
            gc.enable()
    return monitor.graph


def _plain(value: Any) -> Any:
    """Recorded values as JSON-ready data; unknowns become UNKNOWN, secrets stay hidden."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping) and value.get(rpc._special_sig_key) == rpc._special_secret_sig:
        return SECRET
    if isinstance(value, Mapping):
        # Sorted: the engine's property maps come in no fixed order, the record must.
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _Unknown(str):
    """Marks a value known only after `pulumi up`; serialises as a readable string."""

    __slots__ = ()


UNKNOWN = _Unknown("(known after up)")
SECRET = "[secret]"

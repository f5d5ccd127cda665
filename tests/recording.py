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

from opsblocks.preview import RESOURCE_ID, Graph, Resource, record

ACCOUNT_ID = "123456789012"
PROJECT = "opsblocks-test"
PROJECT_NUMBER = "424242424242"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
TENANT = "00000000-0000-0000-0000-0000000000aa"
RESOURCE_GROUP = "fraud-prod"
TEST_INVOKES: dict[str, dict[str, Any]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": {
        "accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/test",
        "id": ACCOUNT_ID, "userId": "AIDTEST"},
    "aws:index/getAvailabilityZones:getAvailabilityZones": {
        "names": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "zoneIds": ["use1-az1", "use1-az2", "use1-az4"], "id": "us-east-1", "groupNames": []},
    "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage": {
        "registryPath": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        "registryId": "683313688378", "id": "683313688378"},
    "azure-native:authorization:getClientConfig": {
        "clientId": "00000000-0000-0000-0000-0000000000c1", "objectId": "deployer-object-id",
        "subscriptionId": SUBSCRIPTION, "tenantId": TENANT},
    "gcp:organizations/getProject:getProject": {
        "projectId": PROJECT, "number": PROJECT_NUMBER, "name": PROJECT,
        "id": f"projects/{PROJECT}",
        "orgId": "", "folderId": "", "billingAccount": "", "labels": {}, "effectiveLabels": {},
        "pulumiLabels": {}, "autoCreateNetwork": False, "deletionPolicy": "PREVENT",
        "tags": {}},
    "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": {
        "emailAddress": f"service-{PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com",
        "member": f"serviceAccount:service-{PROJECT_NUMBER}"
                  "@gs-project-accounts.iam.gserviceaccount.com",
        "id": PROJECT, "project": PROJECT},
    "gcp:bigquery/getDefaultServiceAccount:getDefaultServiceAccount": {
        "email": f"bq-{PROJECT_NUMBER}@bigquery-encryption.iam.gserviceaccount.com",
        "member": f"serviceAccount:bq-{PROJECT_NUMBER}@bigquery-encryption.iam.gserviceaccount.com",
        "id": PROJECT, "project": PROJECT},
}  # fmt: skip


def fake_outputs(
    type_token: str, name: str, inputs: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What the cloud would return, made up but readable, so policies that embed ARNs can be
    inspected: `arn:aws:<service>:us-east-1:123456789012:<name>`."""
    if type_token.startswith(("azure-native:", "azuredevops:")):
        return azure_outputs(type_token, name, inputs or {})
    if type_token.startswith("gcp:"):
        email = f"{name}@{PROJECT}.iam.gserviceaccount.com"
        service = (inputs or {}).get("service")
        if type_token == "gcp:projects/serviceIdentity:ServiceIdentity" and service:
            # A service agent, as Google names it: service-<number>@gcp-sa-<service>.iam...
            email = (
                f"service-{PROJECT_NUMBER}@gcp-sa-{service.split('.')[0]}.iam.gserviceaccount.com"
            )
        return {"id": f"projects/{PROJECT}/{name}", "name": name, "email": email, "etag": "etag"}
    service = type_token.split(":")[1].split("/")[0]
    outputs = {"arn": f"arn:aws:{service}:us-east-1:{ACCOUNT_ID}:{name}"}
    if type_token == "aws:s3/bucket:Bucket":
        outputs["bucket"] = name  # the physical name, auto-named from the logical one
    return outputs


# Where an Azure resource's physical name is among its inputs, most specific first.
AZURE_NAME_INPUTS = (
    "name", "resourceName", "deploymentName", "computeName", "keyName", "accountName",
    "registryName", "endpointName", "vaultName", "workspaceName",
)  # fmt: skip


def azure_outputs(
    type_token: str, name: str, inputs: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """ARM-shaped ids in one subscription and resource group (as `.id` and the `id` output), so
    role-assignment scopes and role definition ids can be inspected; identities get readable
    principal and client ids; Azure DevOps objects what the service would answer."""
    package, module, kind = type_token.split(":")
    if package == "azuredevops":
        made_up: dict[str, Any] = {
            "BuildDefinition": {RESOURCE_ID: "42"},
            "ServiceEndpointAzureRM": {
                "workloadIdentityFederationIssuer": f"https://login.microsoftonline.com/{TENANT}/v2.0",
                "workloadIdentityFederationSubject":
                    f"/eid1/c/pub/t/tenant/a/app/sc/organization/{name}-id"},
            "Git": {"remoteUrl": f"https://dev.azure.com/acme/_git/{name}"},
            "Group": {"originId": f"{name}-origin", "descriptor": f"vssgp.{name}"},
        }.get(kind, {})  # fmt: skip
        return made_up
    group = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
    if kind == "ResourceGroup":
        arm_id = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{name}"
    else:
        arm_id = f"{group}/providers/Microsoft.{module}/{kind}/{name}"
    given = inputs or {}
    own = kind[0].lower() + kind[1:] + "Name"
    physical = next((given[k] for k in (own, *AZURE_NAME_INPUTS) if isinstance(given.get(k), str)),
                    name)  # fmt: skip
    outputs: dict[str, Any] = {RESOURCE_ID: arm_id, "id": arm_id, "name": physical}
    if kind == "UserAssignedIdentity":
        outputs |= {"principalId": f"{name}-principal", "clientId": f"{name}-client",
                    "tenantId": TENANT}  # fmt: skip
    return outputs


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

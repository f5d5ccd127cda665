"""Readable stand-ins for the values only the cloud knows (account, project, ids, ARNs).

A preview shows such values as unknown. To check what a policy document allows, the rules need
its structure, and a policy built from an ARN is wholly unknown in a preview: `opsblocks check`
(and the tests) record the program with these stand-ins instead, made up but shaped as the
cloud answers them, so the documents can be read. No stand-in is ever deployed or shown as real.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from opsblocks.preview import RESOURCE_ID

ACCOUNT_ID = "123456789012"
PROJECT = "opsblocks-test"
PROJECT_NUMBER = "424242424242"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
TENANT = "00000000-0000-0000-0000-0000000000aa"
RESOURCE_GROUP = "fraud-prod"
AKS_ISSUER = f"https://eastus.oic.prod-aks.azure.com/{TENANT}/00000000-0000-0000-0000-0000000000a5/"
# An AKS cluster's user credentials: a kubeconfig, base64-encoded as AKS lists it.
AKS_KUBECONFIG = base64.b64encode(
    b"apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: Q0EtREFUQQ==\n"
    b"    server: https://fraud-prod-aks-00000000.hcp.eastus.azmk8s.io:443\n  name: fraud\n"
).decode()
INVOKES: dict[str, dict[str, Any]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": {
        "accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/test",
        "id": ACCOUNT_ID, "userId": "AIDTEST"},
    "aws:index/getAvailabilityZones:getAvailabilityZones": {
        "names": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "zoneIds": ["use1-az1", "use1-az2", "use1-az4"], "id": "us-east-1", "groupNames": []},
    "aws:ec2/getVpc:getVpc": {"id": "vpc-placeholder", "cidrBlock": "10.0.0.0/16"},
    "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage": {
        "registryPath": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        "registryId": "683313688378", "id": "683313688378"},
    "azure-native:authorization:getClientConfig": {
        "clientId": "00000000-0000-0000-0000-0000000000c1", "objectId": "deployer-object-id",
        "subscriptionId": SUBSCRIPTION, "tenantId": TENANT},
    "azure-native:keyvault:getKey": {
        "name": "platform-cmk",
        "keyUri": "https://fraud-a1b2c3.vault.azure.net/keys/platform-cmk",
        "keyUriWithVersion": "https://fraud-a1b2c3.vault.azure.net/keys/platform-cmk/0a1b2c3d"},
    "azure-native:containerservice:getManagedCluster": {
        "name": "existing-aks", "location": "eastus",
        "oidcIssuerProfile": {"enabled": True, "issuerURL": AKS_ISSUER},
        "securityProfile": {"workloadIdentity": {"enabled": True}}},
    "azure-native:containerservice:listManagedClusterUserCredentials": {
        "kubeconfigs": [{"name": "clusterUser", "value": AKS_KUBECONFIG}]},
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


def outputs(type_token: str, name: str, inputs: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What the cloud would return, made up but readable, so policies that embed ARNs can be
    read: `arn:aws:<service>:us-east-1:123456789012:<name>` (a preview.FakeOutputs)."""
    if type_token == "random:index/randomPassword:RandomPassword":
        # Made up, never a real password; the provider marks it secret, so records show
        # "[secret]" wherever it flows.
        return {"result": f"{name}-generated", "bcryptHash": f"{name}-hash"}
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

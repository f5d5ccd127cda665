"""MLflow on Kubernetes, on every cloud, as `pulumi up` would register it: the shipped MLflow
blueprints as they are (dev) and made prod. Per cloud the resources differ; what must hold is
the same: a pinned chart, a private database encrypted with the platform key and protected in
prod, no credential in any plain input, and the server's identity bound to its service account
only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from components.portable.mlflow.component import CHART_VERSION, NAMESPACE, SERVICE_ACCOUNT
from opsblocks import blueprint, program
from opsblocks.preview import SECRET, Graph, Resource
from tests.platforms import recorded
from tests.recording import leaves, run

ROOT = Path(__file__).parents[2]
CLOUDS = ("aws", "azure", "gcp")
DATABASE = {
    "aws": "aws:rds/instance:Instance",
    "azure": "azure-native:dbforpostgresql:Server",
    "gcp": "gcp:sql/databaseInstance:DatabaseInstance",
}
CREDENTIAL_KEYS = ("password", "secretaccesskey", "accountkey", "connectionstring", "clientsecret")


def prod(tmp_path: Path, cloud: str) -> Graph:
    """The shipped blueprint in prod: no API endpoint reachable from the internet there."""
    data = YAML(typ="safe").load(ROOT / "blueprints" / f"{cloud}-mlflow.yaml")
    data["environment"] = "prod"
    data["capabilities"]["kubernetes"].get("options", {}).pop("public_access_cidrs", None)
    path = tmp_path / f"{cloud}-mlflow-prod.yaml"
    path.write_text(json.dumps(data))
    bp = blueprint.load(path)
    return run(lambda: program.build(bp))


@pytest.fixture(params=[(c, e) for c in CLOUDS for e in ("dev", "prod")],
                ids=lambda p: f"{p[0]}-{p[1]}")  # fmt: skip
def platform(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, bool, Graph]:
    cloud, env = request.param
    if env == "dev":
        return cloud, False, recorded(ROOT / "blueprints" / f"{cloud}-mlflow.yaml")[1]
    return cloud, True, prod(tmp_path, cloud)


def test_the_chart_is_pinned(platform: tuple[str, bool, Graph]) -> None:
    _, _, graph = platform
    # The cluster's own add-ons (the EKS Cluster Autoscaler) are in kube-system.
    [release] = [r for r in graph.of_type("kubernetes:helm.sh/v3:Release")
                 if r.inputs["namespace"] != "kube-system"]  # fmt: skip
    assert (release.inputs["chart"], release.inputs["version"]) == ("mlflow", CHART_VERSION)
    assert release.inputs["namespace"] == NAMESPACE


def test_the_database_is_private_encrypted_and_protected_in_prod(
    platform: tuple[str, bool, Graph],
) -> None:
    cloud, is_prod, graph = platform
    [database] = graph.of_type(DATABASE[cloud])
    sent = database.inputs
    if cloud == "aws":
        assert sent["publiclyAccessible"] is False
        assert sent["storageEncrypted"] is True and sent["kmsKeyId"]
    elif cloud == "azure":
        assert sent["network"]["publicNetworkAccess"] == "Disabled"
        # The platform key in prod (the dev vault, without purge protection, takes none).
        assert ("dataEncryption" in sent and sent["dataEncryption"]["type"] == "AzureKeyVault") is (
            is_prod
        )
    else:
        assert sent["settings"]["ipConfiguration"]["ipv4Enabled"] is False
        assert sent["encryptionKeyName"]
    assert (database.protect, database.retain_on_delete) == (is_prod, is_prod)


def test_no_credential_is_sent_in_the_clear(platform: tuple[str, bool, Graph]) -> None:
    _, _, graph = platform
    found = [(r.urn, key, value) for r in graph.resources if r.custom
             for key, value in leaves(r.inputs)
             if key.lower().replace("_", "").endswith(CREDENTIAL_KEYS)]  # fmt: skip
    assert found  # the database's and the server's generated passwords
    assert all(value == SECRET for _, _, value in found), found


def bindings(cloud: str, graph: Graph) -> list[Resource]:
    kinds = {"aws": "aws:eks/podIdentityAssociation:PodIdentityAssociation",
             "azure": "azure-native:managedidentity:FederatedIdentityCredential",
             "gcp": "gcp:serviceaccount/iAMMember:IAMMember"}  # fmt: skip
    # The cluster's own add-ons (the EKS Cluster Autoscaler) are bound in kube-system.
    return [r for r in graph.of_type(kinds[cloud]) if r.inputs.get("namespace") != "kube-system"]


def test_the_server_identity_is_bound_to_its_service_account_only(
    platform: tuple[str, bool, Graph],
) -> None:
    cloud, _, graph = platform
    [binding] = bindings(cloud, graph)
    sent = binding.inputs
    if cloud == "aws":
        assert (sent["namespace"], sent["serviceAccount"]) == (NAMESPACE, SERVICE_ACCOUNT)
    elif cloud == "azure":
        assert sent["subject"] == f"system:serviceaccount:{NAMESPACE}:{SERVICE_ACCOUNT}"
        assert sent["audiences"] == ["api://AzureADTokenExchange"]
    else:
        assert sent["role"] == "roles/iam.workloadIdentityUser"
        assert sent["member"].endswith(f".svc.id.goog[{NAMESPACE}/{SERVICE_ACCOUNT}]")

"""The worked example of the portable layer: one component, written once against cloud-neutral
inputs, deployed with each cloud's adapter."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from components.portable import adapters
from components.portable.inputs import WorkloadIdentity
from components.portable.shared.namespace import PortableNamespace, PortableNamespaceArgs
from tests.recording import run

LABELS = {"opsblocks-blueprint": "fraud", "opsblocks-capability": "registry"}
IDENTITIES = {
    "aws": (adapters.aws_identity(), {}, {}),
    "gcp": (adapters.gcp_identity("fraud-mlflow@p.iam.gserviceaccount.com"),
            {"iam.gke.io/gcp-service-account": "fraud-mlflow@p.iam.gserviceaccount.com"}, {}),
    "azure": (adapters.azure_identity("00000000-0000-0000-0000-0000000000cd"),
              {"azure.workload.identity/client-id": "00000000-0000-0000-0000-0000000000cd"},
              {"azure.workload.identity/use": "true"}),
}  # fmt: skip


@pytest.mark.parametrize("cloud", IDENTITIES)
def test_one_component_binds_each_clouds_identity(cloud: str) -> None:
    identity, annotations, pod_labels = IDENTITIES[cloud]
    found: list[PortableNamespace] = []

    def build() -> None:
        found.append(PortableNamespace("mlflow", PortableNamespaceArgs(
            labels=LABELS, namespace="mlflow", identity=identity)))  # fmt: skip

    graph = run(build)

    account = graph.named("mlflow-service-account").inputs
    assert account["metadata"]["annotations"] == annotations
    assert account["metadata"]["name"] == "runner"
    assert account["metadata"]["labels"] == LABELS
    assert account["metadata"]["namespace"] == "mlflow"
    assert account["automountServiceAccountToken"] is False
    assert found[0].pod_labels == pod_labels


def test_the_namespace_holds_pods_to_the_restricted_standard() -> None:
    identity = WorkloadIdentity(service_account_annotations={})
    graph = run(lambda: PortableNamespace("kfp", PortableNamespaceArgs(
        labels=LABELS, namespace="kubeflow", identity=identity)))  # fmt: skip

    labels = graph.named("kfp-namespace").inputs["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
        assert labels[f"pod-security.kubernetes.io/{mode}-version"] == "v1.33"
    assert labels.items() >= LABELS.items()


def test_no_label_given_weakens_the_standard() -> None:
    identity = WorkloadIdentity(service_account_annotations={})
    weakening = {**LABELS, "pod-security.kubernetes.io/enforce": "privileged"}
    graph = run(lambda: PortableNamespace("kfp", PortableNamespaceArgs(
        labels=weakening, namespace="kubeflow", identity=identity)))  # fmt: skip

    labels = graph.named("kfp-namespace").inputs["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def test_portable_components_import_no_clouds_sdk() -> None:
    root = Path(__file__).parents[3] / "components" / "portable"
    paths = sorted(root.rglob("*.py"))
    assert len(paths) >= 4
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(("pulumi_aws", "pulumi_gcp", "pulumi_azure")), path
                assert not name.startswith(("components.aws", "components.gcp",
                                            "components.azure")), path  # fmt: skip

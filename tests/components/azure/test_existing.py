"""AzureExistingKubernetes: an AKS cluster the user runs: only the Kubernetes provider, from the
stack's settings, and the cluster's OIDC issuer for workload identity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from components.azure.existing.component import (
    AzureExistingKubernetes,
    AzureExistingKubernetesArgs,
    issuer,
)
from components.azure.existing.options import ExistingAksOptions
from opsblocks import blueprint, program
from opsblocks.placeholders import AKS_ISSUER
from opsblocks.preview import Graph, record
from tests.recording import TEST_INVOKES, fake_outputs, resolved, run

VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
OPTIONS: dict[str, Any] = {"cluster_name": "my-aks", "resource_group": "rg", "vnet_id": VNET,
                           "subnet_id": f"{VNET}/subnets/endpoints"}  # fmt: skip
OUTPUTS = ("cluster_name", "oidc_issuer_url", "vnet_id", "subnet_id")
PROVIDER = "pulumi:providers:kubernetes"
GET_CLUSTER = "azure-native:containerservice:getManagedCluster"


def existing(**settings: object) -> Graph:
    args = AzureExistingKubernetesArgs(
        options=ExistingAksOptions(**OPTIONS), provider_settings=settings
    )
    return run(lambda: AzureExistingKubernetes("k8s", args))


def test_nothing_but_the_kubernetes_provider_is_created() -> None:
    graph = existing()
    assert [(r.type, r.name) for r in graph.resources if r.custom] == [(PROVIDER, "k8s-kubernetes")]


def test_the_provider_takes_the_settings_it_is_handed() -> None:
    [provider] = existing(context="my-aks", namespace="tools").of_type(PROVIDER)
    assert (provider.inputs["context"], provider.inputs["namespace"]) == ("my-aks", "tools")


def test_the_provider_gets_the_stacks_kubernetes_context(tmp_path: Path) -> None:
    path = tmp_path / "existing.yaml"
    path.write_text(
        "name: fraud\ncloud: azure\nregion: eastus\nenvironment: prod\ncapabilities:\n"
        "  kubernetes:\n    tool: existing\n    options:\n"
        + "".join(f"      {key}: {value}\n" for key, value in OPTIONS.items())
    )
    bp = blueprint.load(path)
    graph = record(lambda: program.build(bp), invokes=TEST_INVOKES, outputs=fake_outputs,
                   config={"kubernetes:context": "my-aks"})  # fmt: skip
    [provider] = graph.of_type(PROVIDER)
    assert provider.inputs["context"] == "my-aks"
    assert provider.parent is not None and provider.parent.endswith("::fraud-kubernetes")


def test_outputs_are_the_clusters_issuer_and_the_given_network() -> None:
    args = AzureExistingKubernetesArgs(options=ExistingAksOptions(**OPTIONS))
    _, found = resolved(lambda: AzureExistingKubernetes("k8s", args), OUTPUTS)
    assert found == {"cluster_name": "my-aks", "oidc_issuer_url": AKS_ISSUER,
                     "vnet_id": VNET, "subnet_id": f"{VNET}/subnets/endpoints"}  # fmt: skip


def test_a_cluster_without_an_oidc_issuer_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match="--enable-oidc-issuer --enable-workload-identity"):
        issuer("my-aks", None, None)


def test_a_cluster_with_an_issuer_but_no_workload_identity_is_refused_with_the_fix() -> None:
    cluster = TEST_INVOKES[GET_CLUSTER]
    args = AzureExistingKubernetesArgs(options=ExistingAksOptions(**OPTIONS))
    for security in ({}, {"workloadIdentity": {"enabled": False}}):
        invokes = TEST_INVOKES | {GET_CLUSTER: cluster | {"securityProfile": security}}
        with pytest.raises(Exception, match="no workload identity: az aks update") as refused:
            run(lambda: AzureExistingKubernetes("k8s", args), invokes=invokes)
        assert "\n" not in str(refused.value).strip()


def test_options_refuse_what_is_not_an_arm_id() -> None:
    with pytest.raises(ValidationError, match="subnet_id"):
        ExistingAksOptions(**OPTIONS | {"subnet_id": "endpoints"})
    with pytest.raises(ValidationError, match="vnet_id"):
        ExistingAksOptions(**OPTIONS | {"vnet_id": f"{VNET}/subnets/x"})

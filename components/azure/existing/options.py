"""Options of the existing tool on Azure (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.options import ASK, Options

SUBNET_ID = (
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/"
    r"virtualNetworks/[^/]+/subnets/[^/]+$"
)
VNET_ID = r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+$"  # noqa: E501


class ExistingAksOptions(Options):
    """An AKS cluster you already run. It must have the OIDC issuer and workload identity on
    (`az aks update --enable-oidc-issuer --enable-workload-identity`): tools bind their pods'
    service accounts to managed identities through it. The stack's `kubernetes:*` settings
    say how to reach it (`pulumi config set kubernetes:context <context>`; with Entra ID, a
    kubeconfig converted by `kubelogin convert-kubeconfig -l azurecli`)."""

    cluster_name: Annotated[str, ASK] = Field(
        ..., min_length=1, max_length=63, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        description="The AKS cluster's name: its OIDC issuer is read from it at each up.",
    )  # fmt: skip
    resource_group: Annotated[str, ASK] = Field(
        ..., min_length=1, max_length=90, pattern=r"^[-\w.()]*[-\w()]$",
        description="The cluster's resource group.",
    )  # fmt: skip
    vnet_id: Annotated[str, ASK] = Field(
        ..., pattern=VNET_ID,
        description="The VNet the cluster's nodes run in (its ARM id): the private DNS zones of "
        "the tools' services link to it.",
    )  # fmt: skip
    subnet_id: Annotated[str, ASK] = Field(
        ..., pattern=SUBNET_ID,
        description="A subnet the pods reach (its ARM id), with room for the private endpoints "
        "of the tools' services (not a subnet delegated to a service).",
    )  # fmt: skip

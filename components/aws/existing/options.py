"""Options of the existing tool on aws (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.options import ASK, Options


class ExistingKubernetesOptions(Options):
    """An EKS cluster the user already has, reached through the stack's `kubernetes:*`
    settings (`pulumi config set kubernetes:context <context>`). The cluster must run the EKS
    Pod Identity Agent add-on (`eks-pod-identity-agent`): the platform's tools get their AWS
    roles through Pod Identity associations on this cluster."""

    cluster_name: Annotated[str, ASK] = Field(
        ...,
        pattern=r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$",
        description="The EKS cluster's name (Pod Identity associations name it).",
    )
    node_security_group_id: str | None = Field(
        None,
        pattern=r"^sg-[0-9a-f]{8,17}$",
        description="The security group the cluster's nodes carry (its cluster security "
        "group), which databases admit; none: they admit the foundation's network.",
    )

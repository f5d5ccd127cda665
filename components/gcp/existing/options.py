"""Options of the existing tool on GCP (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.options import ASK, Options


class ExistingGkeOptions(Options):
    """A GKE cluster you already run, which the platform's Kubernetes tools install onto.

    The cluster must already have Workload Identity Federation for GKE enabled (its pool is
    `<project>.svc.id.goog`, and its node pools use the GKE metadata server); opsblocks creates
    nothing in the cluster's project for it. `pulumi up` reaches the cluster through the
    stack's `kubernetes:*` settings (`pulumi config set kubernetes:context <context>`); without
    them, through the context `gcloud container clusters get-credentials` writes for it.
    """

    cluster_name: Annotated[str, ASK] = Field(
        ...,
        pattern=r"^[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?$",
        description="The GKE cluster's name.",
    )
    location: Annotated[str, ASK] = Field(
        ...,
        pattern=r"^[a-z]+-[a-z]+[0-9]+(?:-[a-z])?$",
        description="The cluster's region (regional cluster) or zone (zonal cluster).",
    )
    project: str | None = Field(
        None,
        pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$",
        description="The cluster's project, when not the platform's (the stack's gcp:project).",
    )

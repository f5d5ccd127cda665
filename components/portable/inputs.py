"""The cloud-neutral inputs of portable tools: what a tool on Kubernetes needs from the cloud it
runs on, whichever cloud that is (its identity here; the object store, the database and the
cluster come with the tools that need them). Each cloud's adapter (`adapters.py`) fills them in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi


@dataclass(frozen=True, kw_only=True)
class WorkloadIdentity:
    """The cloud identity a tool's pods act as, bound through the cluster's workload identity:
    no static key is ever handed to a pod."""

    service_account_annotations: Mapping[str, pulumi.Input[str]]
    """What the Kubernetes service account carries to name the cloud identity."""
    pod_labels: Mapping[str, str] = field(default_factory=dict)
    """What the pods using the service account must carry (AKS asks for one)."""

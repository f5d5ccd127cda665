"""What capabilities give each other, typed, with no cloud SDK import.

A tool *gives* one contract when it is built (its outputs, e.g. a registry's artifact URI) and
may *promise* more before anything is built, from its options alone (a quality gate's
threshold, the address alerts go to). Tools say which contracts they *need* (the blueprint must
hold a tool that gives them, checked at `validate`) and which they *use* when present. The
program hands each tool what the tools before it gave; no tool reads another tool's options.

The capability contracts below hold what every cloud gives; each cloud's module subclasses
them with the fields only its services have. Outputs are `pulumi.Output` values, named here
only for the type checker: importing a contract imports neither Pulumi nor a cloud SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pulumi

    Out = pulumi.Output[str]
    In = pulumi.Input[str]
    StackOutputs = dict[str, pulumi.Input[str] | None]
    """What the stack exports; None where a value does not apply (exported as null)."""


@dataclass(frozen=True, kw_only=True)
class Contract:
    """Something a tool gives the tools after it."""

    def outputs(self) -> StackOutputs:
        """What the stack exports of it (`pulumi stack output`)."""
        return {}


@dataclass(frozen=True, kw_only=True)
class QualityGate(Contract):
    """Promised by a validation tool: what a model must score to be registered or deployed."""

    metric: str
    threshold: float
    direction: Literal["maximize", "minimize"]
    automatic_approval: bool = False
    """A model that passes is approved without a person (where the cloud approves models)."""


@dataclass(frozen=True, kw_only=True)
class Alerts(Contract):
    """Promised by a monitoring tool: where every capability's alerts go."""

    email: str | None


@dataclass(frozen=True, kw_only=True)
class Released(Contract):
    """Promised by a CI/CD tool: its deploy stage releases models to serving, so serving
    prepares for endpoints created by the pipeline rather than by `pulumi up`."""


@dataclass(frozen=True, kw_only=True)
class Data(Contract):
    """Where training reads its data."""

    data_uri: Out


@dataclass(frozen=True, kw_only=True)
class KubernetesHost(Contract):
    """A Kubernetes cluster that tools running on Kubernetes install onto, and the one
    Kubernetes provider of the program that reaches it (everything on the cluster uses it)."""

    provider: pulumi.ProviderResource
    cluster_name: Out

    def outputs(self) -> StackOutputs:
        return {"kubernetes_cluster": self.cluster_name}


@dataclass(frozen=True, kw_only=True)
class Registry(Contract):
    """Where model artifacts are kept."""

    artifact_uri: Out


@dataclass(frozen=True, kw_only=True)
class ImageRegistry(Registry):
    """Where models and their serving images are kept (the cloud's model registry)."""

    image_repository: Out


@dataclass(frozen=True, kw_only=True)
class MlflowTracking(Registry):
    """An MLflow tracking server and model registry: clients log runs and register models at
    `tracking_uri`; artifacts go to `artifact_uri`."""

    tracking_uri: Out

    def outputs(self) -> StackOutputs:
        return {"mlflow_tracking_uri": self.tracking_uri,
                "mlflow_artifact_uri": self.artifact_uri}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Training(Contract):
    """The training pipeline (and, per cloud, the identity it runs as)."""

    pipeline: Out


@dataclass(frozen=True, kw_only=True)
class Serving(Contract):
    """The endpoint models are served from."""

    endpoint: Out


@dataclass(frozen=True, kw_only=True)
class Validation(Contract):
    """The quality gate's own resources (its alert)."""


@dataclass(frozen=True, kw_only=True)
class Monitoring(Contract):
    """What watches serving."""


@dataclass(frozen=True, kw_only=True)
class Cicd(Contract):
    """The pipeline that tests, trains and deploys the model repository."""

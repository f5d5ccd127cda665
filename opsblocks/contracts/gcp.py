"""What GCP tools give each other (see `opsblocks.contracts`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from opsblocks.contracts import (
    Cicd,
    Contract,
    Data,
    ImageRegistry,
    KubernetesHost,
    Monitoring,
    Serving,
    Training,
    Validation,
)

if TYPE_CHECKING:
    from opsblocks.contracts import In, Out, StackOutputs


@dataclass(frozen=True, kw_only=True)
class GcpFoundation(Contract):
    """The project, key, access logs and network every tool shares."""

    project: Out
    """The project id, once its APIs are enabled and its service agents may use the key: every
    component sets `project=` from it, which orders the first `up` of a CMEK platform."""
    kms_key_id: Out
    access_log_bucket: Out
    network_id: Out
    subnet_id: Out

    def outputs(self) -> StackOutputs:
        return {"project": self.project, "kms_key_id": self.kms_key_id}


@dataclass(frozen=True, kw_only=True)
class GcpData(Data):
    """Cloud Storage zones and a BigQuery dataset (`dataset_id`, within the project)."""

    raw_bucket: Out
    curated_bucket: Out
    dataset_id: Out

    def outputs(self) -> StackOutputs:
        return {"raw_bucket": self.raw_bucket, "curated_bucket": self.curated_bucket,
                "data_uri": self.data_uri, "dataset_id": self.dataset_id}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class GcpModelRegistry(ImageRegistry):
    """The Docker repository (`repository_id`, within project and region) and the artifact
    bucket."""

    repository_id: Out
    artifact_bucket: Out

    def outputs(self) -> StackOutputs:
        return {"image_repository_url": self.image_repository,
                "model_artifact_uri": self.artifact_uri}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class GcpPipeline(Training):
    """Vertex AI Pipelines (`pipeline` is the pipeline's name), run on a schedule."""

    pipeline_root_uri: Out
    service_account_email: Out
    """The account every run executes as."""
    template_repository_id: Out
    """The KFP repository CI/CD uploads the templates to (drift checks start from it too)."""
    scheduler_job_name: Out
    """The Cloud Scheduler job of the scheduled run."""

    def outputs(self) -> StackOutputs:
        return {"training_pipeline": self.pipeline, "pipeline_root": self.pipeline_root_uri,
                "training_service_account": self.service_account_email}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class GcpEndpoint(Serving):
    """A Vertex AI endpoint (`endpoint` is its id) and its request-response log."""

    prediction_log_table: Out
    deploy_settings: Out
    """JSON: what the CI/CD deploy step deploys models with (endpoint, sizes, identity)."""

    def outputs(self) -> StackOutputs:
        return {"endpoint_id": self.endpoint, "prediction_log_table": self.prediction_log_table}


@dataclass(frozen=True, kw_only=True)
class GcpGate(Validation):
    """The alert policy on failed quality-gate runs."""

    alert_policy_name: Out

    def outputs(self) -> StackOutputs:
        return {"gate_alert_policy": self.alert_policy_name}


@dataclass(frozen=True, kw_only=True)
class GcpEndpointMonitoring(Monitoring):
    """The monitoring dashboard and the notification channel alerts go to."""

    dashboard_url: Out
    notification_channel: Out | None
    """None without an alert address."""

    def outputs(self) -> StackOutputs:
        # Exported without an alert address too, as null.
        return {"dashboard_url": self.dashboard_url,
                "notification_channel": self.notification_channel}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class GcpCicd(Cicd):
    """One service account per duty: the train account starts runs, the deploy account
    deploys (None without serving)."""

    service_account_email: Out
    deploy_service_account_email: Out | None

    def outputs(self) -> StackOutputs:
        found: StackOutputs = {"cicd_service_account": self.service_account_email}
        if self.deploy_service_account_email is not None:
            found["cicd_deploy_service_account"] = self.deploy_service_account_email
        return found


@dataclass(frozen=True, kw_only=True)
class GcpFederatedCicd(GcpCicd):
    """The two accounts, and the workload identity provider an external CI system (GitHub
    Actions) exchanges its tokens at."""

    workload_identity_provider: Out
    """`projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`:
    what `google-github-actions/auth` takes as `workload_identity_provider`."""

    def outputs(self) -> StackOutputs:
        return super().outputs() | {
            "cicd_workload_identity_provider": self.workload_identity_provider
        }


@dataclass(frozen=True, kw_only=True)
class GcpKubernetes(KubernetesHost):
    """A GKE cluster, created or existing, with Workload Identity: a Kubernetes service account
    acts as a Google service account that grants it `roles/iam.workloadIdentityUser` in
    `workload_pool` (`<project>.svc.id.goog`)."""

    workload_pool: In


@dataclass(frozen=True, kw_only=True)
class GcpPlatformKubernetes(GcpKubernetes):
    """A GKE cluster the blueprint creates on the platform's own VPC, so its pods reach the
    platform's private services (Cloud SQL's private IP); an existing cluster runs in a network
    of its own, often another project."""

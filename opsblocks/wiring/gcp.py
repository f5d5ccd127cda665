"""GCP: the foundation, then data, registry, training, serving, validation, monitoring, CI/CD.

Every component sets `project=` from the foundation's `project` output, which resolves only
once the APIs are enabled and the service agents may use the key: that is what orders the
first `pulumi up` of a CMEK platform on GCP.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

from opsblocks import catalog
from opsblocks.blueprint import Blueprint
from opsblocks.environment import profile
from opsblocks.model import Capability, Cloud, Environment
from opsblocks.providers import stack_settings
from opsblocks.tags import platform_labels

# The APIs each tool needs, enabled by the foundation before anything uses them.
TOOL_APIS: dict[str, tuple[str, ...]] = {
    "gcs-bigquery": ("storage.googleapis.com", "bigquery.googleapis.com"),
    "vertex-model-registry": ("artifactregistry.googleapis.com", "aiplatform.googleapis.com"),
    "vertex-pipelines": ("aiplatform.googleapis.com", "cloudscheduler.googleapis.com",
                         "notebooks.googleapis.com", "iam.googleapis.com"),
    "vertex-endpoint": ("aiplatform.googleapis.com", "bigquery.googleapis.com"),
    "vertex-quality-gate": ("monitoring.googleapis.com", "logging.googleapis.com"),
    "vertex-model-monitoring": ("monitoring.googleapis.com", "cloudscheduler.googleapis.com"),
    "cloud-build": ("cloudbuild.googleapis.com", "secretmanager.googleapis.com",
                    "iam.googleapis.com", "pubsub.googleapis.com", "logging.googleapis.com"),
    "github-actions": ("iam.googleapis.com", "iamcredentials.googleapis.com", "sts.googleapis.com"),
}  # fmt: skip


def build(bp: Blueprint) -> dict[str, pulumi.Input[Any]]:
    env = profile(bp.environment)
    tools = bp.tools()
    # The blueprint decides the region; the project (required), impersonation and the rest of
    # the provider's settings come from the stack's gcp config.
    provider = gcp.Provider(
        "gcp", **stack_settings("gcp", gcp.ProviderArgs, decided={"region": bp.region})
    )
    opts = pulumi.ResourceOptions(providers=[provider])

    def labels(capability: str, tool: str) -> dict[str, str]:
        return platform_labels(blueprint=bp.name, environment=bp.environment.value,
                               capability=capability, tool=tool, extra=bp.tags)  # fmt: skip

    def physical(role: str, separator: str = "-") -> str:
        """Ids GCP requires up front: unique per blueprint and environment. With "_" (BigQuery
        dataset ids: letters, digits and underscores only) the name's hyphens become "_" too."""
        parts = (bp.name, bp.environment.value, role)
        return separator.join(part.replace("-", separator) for part in parts if part)

    def make(capability: Capability, **inputs: Any) -> Any:
        spec = tools[capability]
        component, args = catalog.find(Cloud.gcp, capability, spec.tool).load()
        options = spec.options.model_dump()
        return component(
            f"{bp.name}-{capability.value}",
            args(labels=labels(capability.value, spec.tool), **inputs, **options),
            opts,
        )

    foundation_cls, foundation_args = catalog.foundation(Cloud.gcp).load()
    base = foundation_cls(
        bp.name,
        foundation_args(
            labels=labels("foundation", "foundation"),
            region=bp.region,
            apis=sorted({api for spec in tools.values() for api in TOOL_APIS[spec.tool]}),
            protect=env.protect_data,
        ),
        opts,
    )
    common = {"project": base.project, "region": bp.region}
    stores = {**common, "kms_key_id": base.kms_key_id, "access_log_bucket": base.access_log_bucket,
              "protect": env.protect_data}  # fmt: skip
    network = {"network_id": base.network_id, "subnet_id": base.subnet_id}
    monitoring_options = tools.get(Capability.monitoring)
    alert_email = monitoring_options.options.alert_email if monitoring_options else None  # type: ignore[attr-defined]
    outputs: dict[str, pulumi.Input[Any]] = {"project": base.project, "kms_key_id": base.kms_key_id}

    if Capability.data in tools:
        data = make(Capability.data, **stores, dataset_id=physical("data", "_"))
        outputs |= {"raw_bucket": data.raw_bucket, "curated_bucket": data.curated_bucket,
                    "data_uri": data.data_uri, "dataset_id": data.dataset_id}  # fmt: skip

    if Capability.registry in tools:
        registry = make(Capability.registry, **stores, repository_id=physical("images"))
        outputs |= {"image_repository_url": registry.repository_url,
                    "model_artifact_uri": registry.artifact_uri}  # fmt: skip

    training = None
    if Capability.training in tools:
        gate = tools.get(Capability.validation)
        training = make(
            Capability.training,
            **stores,
            **network,
            pipeline_name=physical("training"),
            service_account_id=f"{bp.name}-pipeline",
            data_bucket_names=[data.raw_bucket, data.curated_bucket],
            data_uri=data.data_uri,
            dataset_id=data.dataset_id,
            artifact_bucket=registry.artifact_bucket,
            artifact_uri=registry.artifact_uri,
            repository_id=registry.repository_id,
            quality_metric=gate.options.metric if gate else None,  # type: ignore[attr-defined]
            quality_threshold=gate.options.threshold if gate else None,  # type: ignore[attr-defined]
            quality_direction=gate.options.direction if gate else "maximize",  # type: ignore[attr-defined]
        )
        outputs |= {"training_pipeline": training.pipeline_name,
                    "pipeline_root": training.pipeline_root_uri,
                    "training_service_account": training.service_account_email}  # fmt: skip

    serving = None
    if Capability.serving in tools:
        serving = make(
            Capability.serving,
            **stores,
            **network,
            endpoint_name=physical(""),
            service_account_id=f"{bp.name}-serving",
            private_default=bp.environment is Environment.prod,
            artifact_bucket=registry.artifact_bucket,
            repository_id=registry.repository_id,
            prediction_dataset_id=physical("predictions", "_"),
        )
        outputs |= {"endpoint_id": serving.endpoint_id,
                    "prediction_log_table": serving.prediction_log_table}  # fmt: skip

    if Capability.validation in tools:
        assert training is not None  # REQUIRES guarantees it; narrows the type
        validation = make(
            Capability.validation,
            **common,
            pipeline_name=training.pipeline_name,
            alert_email=alert_email,
        )
        outputs |= {"gate_alert_policy": validation.alert_policy_name}

    if Capability.monitoring in tools:
        assert serving is not None  # REQUIRES guarantees it; narrows the type
        monitoring = make(
            Capability.monitoring,
            **stores,
            endpoint_id=serving.endpoint_id,
            prediction_log_table=serving.prediction_log_table,
            service_account_id=f"{bp.name}-monitor",
            template_repository_id=training.template_repository_id if training else None,
            pipeline_root_uri=training.pipeline_root_uri if training else None,
            # A training schedule that cannot start its run pages the monitoring channel.
            scheduler_job_names=[training.scheduler_job_name] if training else [],
        )
        outputs |= {"dashboard_url": monitoring.dashboard_url,
                    "notification_channel": monitoring.notification_channel}  # fmt: skip

    if Capability.cicd in tools:
        assert training is not None  # REQUIRES guarantees it; narrows the type
        # Cloud Build runs the builds itself: it encrypts the runs it starts and reads the
        # scheduled run; github-actions federates GitHub's identity in its own identity pool.
        per_tool = {
            "cloud-build": {"account_prefix": bp.name,
                            "kms_key_id": base.kms_key_id, "pipeline_name": training.pipeline_name,
                            "scheduler_job_name": training.scheduler_job_name},
            "github-actions": {"account_prefix": bp.name, "pool_id": physical("gh")},
        }  # fmt: skip
        cicd = make(
            Capability.cicd,
            **common,
            **per_tool[tools[Capability.cicd].tool],
            protect=env.protect_data,
            repository_id=registry.repository_id,
            template_repository_id=training.template_repository_id,
            pipeline_root_uri=training.pipeline_root_uri,
            training_service_account=training.service_account_email,
            deploy_settings=serving.deploy_settings if serving else None,
        )
        # One account per duty: the train account starts runs, the deploy account deploys.
        outputs |= {"cicd_service_account": cicd.service_account_email}
        if serving is not None:
            outputs["cicd_deploy_service_account"] = cicd.deploy_service_account_email
    return outputs

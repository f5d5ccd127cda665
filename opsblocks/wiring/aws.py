"""AWS: the foundation, then data, registry, training, serving, validation, monitoring, CI/CD.

Each capability's component receives the outputs of the ones before it (never the component
itself), so components stay independent and changing one capability's options never
replaces another capability's resources.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from opsblocks import catalog
from opsblocks.blueprint import Blueprint
from opsblocks.environment import profile
from opsblocks.model import Capability, Cloud
from opsblocks.providers import stack_settings
from opsblocks.tags import platform_tags


def build(bp: Blueprint) -> dict[str, pulumi.Input[Any]]:
    env = profile(bp.environment)
    tools = bp.tools()
    # The blueprint decides the region, whatever the shell's AWS_REGION says; the rest of the
    # provider's settings (profile, assume-role, allowed accounts, ...) come from the stack.
    provider = aws.Provider(
        "aws", **stack_settings("aws", aws.ProviderArgs, decided={"region": bp.region})
    )
    opts = pulumi.ResourceOptions(providers=[provider])

    def tags(capability: str, tool: str) -> dict[str, str]:
        return platform_tags(blueprint=bp.name, environment=bp.environment.value,
                             capability=capability, tool=tool, extra=bp.tags)  # fmt: skip

    def physical(role: str) -> str:
        """Names AWS requires up front: unique per blueprint and environment."""
        return f"{bp.name}-{bp.environment.value}{'-' + role if role else ''}"

    def make(capability: Capability, **inputs: Any) -> Any:
        spec = tools[capability]
        component, args = catalog.find(Cloud.aws, capability, spec.tool).load()
        options = spec.options.model_dump()
        return component(
            f"{bp.name}-{capability.value}",
            args(tags=tags(capability.value, spec.tool), **inputs, **options),
            opts,
        )

    foundation_cls, foundation_args = catalog.foundation(Cloud.aws).load()
    base = foundation_cls(
        bp.name,
        foundation_args(
            tags=tags("foundation", "foundation"),
            region=bp.region,
            protect=env.protect_data,
            availability_zones=env.availability_zones,
            log_retention_days=env.log_retention_days,
        ),
        opts,
    )
    outputs: dict[str, pulumi.Input[Any]] = {"kms_key_arn": base.kms_key_arn, "vpc_id": base.vpc_id}
    stores = {"kms_key_arn": base.kms_key_arn, "access_log_bucket": base.access_log_bucket,
              "protect": env.protect_data}  # fmt: skip
    network = {"subnet_ids": base.private_subnet_ids, "security_group_id": base.security_group_id}
    alert_email = (
        tools[Capability.monitoring].options.alert_email  # type: ignore[attr-defined]
        if Capability.monitoring in tools
        else None
    )

    if Capability.data in tools:
        data = make(Capability.data, **stores, database_name=physical("data"))
        outputs |= {"raw_bucket": data.raw_bucket, "curated_bucket": data.curated_bucket,
                    "data_uri": data.data_uri, "glue_database": data.glue_database}  # fmt: skip

    if Capability.registry in tools:
        registry = make(Capability.registry, **stores, model_package_group_name=physical("models"))
        outputs |= {"model_package_group": registry.model_package_group_name,
                    "image_repository_url": registry.repository_url,
                    "model_artifact_uri": registry.artifact_uri}  # fmt: skip

    if Capability.training in tools:
        gate = tools.get(Capability.validation)
        training = make(
            Capability.training,
            **network,
            region=bp.region,
            kms_key_arn=base.kms_key_arn,
            pipeline_name=physical("training"),
            data_bucket_arns=[data.raw_bucket_arn, data.curated_bucket_arn],
            data_uri=data.data_uri,
            artifact_bucket_arn=registry.artifact_bucket_arn,
            artifact_uri=registry.artifact_uri,
            model_package_group_name=registry.model_package_group_name,
            model_package_group_arn=registry.model_package_group_arn,
            repository_arn=registry.repository_arn,
            **_quality_gate(gate.options if gate else None),
        )
        outputs |= {"training_pipeline": training.pipeline_name,
                    "training_role_arn": training.role_arn}  # fmt: skip

    serving = None
    if Capability.serving in tools:
        serving = make(
            Capability.serving,
            **stores,
            **network,
            region=bp.region,
            endpoint_name=physical(""),
            artifact_bucket_arn=registry.artifact_bucket_arn,
            repository_arn=registry.repository_arn,
            # The deploy stage serves the model packages training registers, with its image.
            released_by_cicd=Capability.cicd in tools,
            training_image_uri=getattr(
                tools[Capability.training].options if Capability.training in tools else None,
                "image_uri",
                None,
            ),
        )
        outputs |= {"endpoint_name": serving.endpoint_name, "capture_uri": serving.capture_uri}

    if Capability.validation in tools:
        validation = make(
            Capability.validation,
            kms_key_arn=base.kms_key_arn,
            model_package_group_name=registry.model_package_group_name,
            pipeline_name=training.pipeline_name,
            alert_email=alert_email,
        )
        outputs |= {"gate_topic_arn": validation.topic_arn}

    monitoring = None
    if Capability.monitoring in tools:
        assert serving is not None  # REQUIRES guarantees it; narrows the type
        monitoring = make(
            Capability.monitoring,
            **network,
            region=bp.region,
            kms_key_arn=base.kms_key_arn,
            endpoint_name=serving.endpoint_name,
            endpoint_deployed=serving.deployed,
            capture_uri=serving.capture_uri,
            capture_bucket_arn=serving.capture_bucket_arn,
        )
        outputs |= {"alert_topic_arn": monitoring.topic_arn,
                    "dashboard_url": monitoring.dashboard_url}  # fmt: skip

    if Capability.cicd in tools:
        cicd = make(
            Capability.cicd,
            **stores,
            region=bp.region,
            log_retention_days=env.log_retention_days,
            connection_name=physical(""),
            training_pipeline_name=training.pipeline_name,
            training_pipeline_arn=training.pipeline_arn,
            repository_url=registry.repository_url,
            repository_arn=registry.repository_arn,
            model_package_group_name=registry.model_package_group_name,
            model_package_group_arn=registry.model_package_group_arn,
            model_artifact_uri=registry.artifact_uri,
            model_artifact_bucket_arn=registry.artifact_bucket_arn,
            endpoint_name=serving.endpoint_name if serving else None,
            serving_role_arn=serving.role_arn if serving else None,
            serving_parameter_name=serving.deploy_parameter_name if serving else None,
            # An endpoint the deploy stage creates gets the schedule Pulumi cannot create.
            monitoring_parameter_name=monitoring.schedule_parameter_name if monitoring else None,
            monitoring_role_arn=monitoring.schedule_role_arn if monitoring else None,
        )
        outputs |= {"cicd_pipeline": cicd.pipeline_name,
                    "git_connection_arn": cicd.connection_arn}  # fmt: skip
        if cicd.release_pipeline_name is not None:
            outputs["cicd_release_pipeline"] = cicd.release_pipeline_name
    return outputs


def _quality_gate(options: Any) -> dict[str, Any]:
    """The validation tool's thresholds, compiled into the training pipeline's condition step."""
    if options is None:
        return {"quality_metric": None, "model_approval_status": "PendingManualApproval"}
    return {
        "quality_metric": options.metric,
        "quality_threshold": options.threshold,
        "quality_direction": options.direction,
        "model_approval_status": (
            "Approved" if options.approval == "automatic" else "PendingManualApproval"
        ),
    }

"""Serving capability on AWS: a SageMaker real-time endpoint with data capture and auto-scaling.

With `model_data_url` the model, endpoint configuration, endpoint and auto-scaling are created
now. Without it there is nothing to serve yet: the execution role, the data-capture bucket and
the deploy settings (an SSM parameter) are ready, and the CI/CD deploy stage creates the
endpoint from the latest approved model package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.sagemaker_endpoint.options import SageMakerEndpointOptions
from components.aws.sagemaker_endpoint.role import execution_role_statements
from components.aws.shared import iam
from components.aws.shared.instance_storage import volume_key
from components.aws.shared.sagemaker_access import (
    DEFAULT_IMAGE_REPOSITORY,
    DEFAULT_IMAGE_TAG,
    VARIANT,
)
from components.aws.shared.secure_bucket import AwsSecureBucket, AwsSecureBucketArgs

# Add capacity quickly under load; remove it slowly so the count does not flap. Published
# in the deploy settings too, so an endpoint the CI/CD deploy stage creates scales the same.
SCALE_OUT_COOLDOWN = 60
SCALE_IN_COOLDOWN = 300


@dataclass(frozen=True, kw_only=True)
class AwsSagemakerEndpointServingArgs:
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str]
    """Encrypts the captured requests and the instance volumes (EBS-backed instance types:
    those with local NVMe storage encrypt it in hardware and refuse a key)."""
    access_log_bucket: pulumi.Input[str]
    protect: bool = False
    """Protect and retain the data-capture bucket (prod)."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Private subnets the model runs in."""
    security_group_id: pulumi.Input[str]
    region: str
    endpoint_name: str
    """Explicit name: monitoring and the deploy stage refer to the endpoint by it."""
    artifact_bucket_arn: pulumi.Input[str]
    """Registry bucket the model artifacts are read from."""
    repository_arn: pulumi.Input[str]
    """Registry repository the inference images are pulled from."""
    released_by_cicd: bool = False
    """Whether a CI/CD deploy stage points the endpoint at new configurations; Pulumi then
    leaves the endpoint's configuration to it after creating the endpoint."""
    training_image_uri: str | None = None
    """Image training registers model packages with (the deploy stage serves them); None
    means the SageMaker XGBoost image of the region."""
    options: SageMakerEndpointOptions = field(default_factory=SageMakerEndpointOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AwsSagemakerEndpointServing(pulumi.ComponentResource):
    endpoint_name: pulumi.Output[str]
    """The endpoint's explicit name, whether it exists now or after the deploy stage."""
    capture_uri: pulumi.Output[str]
    """`s3://<capture bucket>/`: captured requests and responses, for monitoring."""
    capture_bucket_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    """Execution role of the model: the deploy stage passes it to CreateModel."""
    deployed: bool
    """Whether the endpoint exists now (a model was given) rather than after the deploy stage."""
    deploy_parameter_name: pulumi.Output[str]
    """SSM parameter holding the deploy settings as JSON."""

    def __init__(
        self,
        name: str,
        args: AwsSagemakerEndpointServingArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AwsSagemakerEndpointServing", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        capture = AwsSecureBucket(
            f"{name}-capture",
            AwsSecureBucketArgs(tags=tags, kms_key_arn=args.kms_key_arn,
                                access_log_bucket=args.access_log_bucket, protect=args.protect),
            opts=child,
        )  # fmt: skip
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        default_image = aws.sagemaker.get_prebuilt_ecr_image_output(
            repository_name=DEFAULT_IMAGE_REPOSITORY, image_tag=DEFAULT_IMAGE_TAG,
            opts=pulumi.InvokeOutputOptions(parent=self)).registry_path  # fmt: skip
        image = args.options.image_uri or default_image
        role_statements = execution_role_statements(
            region=args.region, partition=iam.aws_partition(args.region), account_id=account_id,
            kms_key_arn=args.kms_key_arn, artifact_bucket_arn=args.artifact_bucket_arn,
            capture_bucket_arn=capture.arn, model_data_url=args.options.model_data_url,
            repository_arn=args.repository_arn,
            images=[image, args.training_image_uri or default_image],
            subnet_ids=args.subnet_ids, security_group_id=args.security_group_id,
        )  # fmt: skip
        role, role_policy = iam.service_role(f"{name}-role", "sagemaker.amazonaws.com",
                                             iam.document(*role_statements), tags,
                                             parent=self)  # fmt: skip
        # Everything the CI/CD deploy stage needs to create the endpoint from a model package.
        deploy_settings = {
            "endpoint_name": args.endpoint_name, "variant_name": VARIANT,
            "instance_type": args.options.instance_type,
            "min_instances": args.options.min_instances,
            "max_instances": args.options.max_instances,
            "invocations_per_instance": args.options.invocations_per_instance,
            "capture_percent": args.options.capture_percent, "capture_uri": capture.uri,
            # The volume key (None on local NVMe storage) and the data-capture key.
            "kms_key_arn": volume_key(args.options.instance_type, args.kms_key_arn),
            "capture_kms_key_arn": args.kms_key_arn, "role_arn": role.arn,
            "subnet_ids": args.subnet_ids, "security_group_id": args.security_group_id,
            "scaling_policy_name": _scaling_policy_name(args.endpoint_name),
            "scale_out_cooldown": SCALE_OUT_COOLDOWN, "scale_in_cooldown": SCALE_IN_COOLDOWN,
            "tags": tags,
        }  # fmt: skip
        parameter = aws.ssm.Parameter(
            f"{name}-deploy-settings",
            name=f"/opsblocks/{args.endpoint_name}/serving",
            type="String",
            description=f"opsblocks {name}: how the CI/CD deploy stage creates the endpoint",
            # Names and sizes, nothing sensitive: kept readable in state and in the preview.
            insecure_value=pulumi.Output.json_dumps(deploy_settings),
            tags=tags,
            opts=child,
        )

        # Decided on the plain blueprint value, so the set of resources is known before `up`.
        self.deployed = args.options.model_data_url is not None
        self.endpoint_name = pulumi.Output.from_input(args.endpoint_name)
        if args.options.model_data_url is not None:
            model = self._model(
                name, args, args.options.model_data_url, image, role.arn, role_policy
            )
            self.endpoint_name = self._endpoint(name, args, model, capture.uri).name
        self.capture_uri = capture.uri
        self.capture_bucket_arn = capture.arn
        self.role_arn = role.arn
        self.deploy_parameter_name = parameter.name
        self.register_outputs({"endpoint_name": self.endpoint_name, "capture_uri": self.capture_uri,
                               "role_arn": self.role_arn, "deployed": self.deployed,
                               "deploy_parameter_name": self.deploy_parameter_name})  # fmt: skip

    def _model(
        self, name: str, args: AwsSagemakerEndpointServingArgs, model_data_url: str,
        image: pulumi.Input[str], role_arn: pulumi.Output[str], role_policy: aws.iam.RolePolicy,
    ) -> aws.sagemaker.Model:  # fmt: skip
        return aws.sagemaker.Model(
            f"{name}-model",
            execution_role_arn=role_arn,
            primary_container=aws.sagemaker.ModelPrimaryContainerArgs(
                image=image, model_data_url=model_data_url
            ),
            vpc_config=aws.sagemaker.ModelVpcConfigArgs(
                subnets=args.subnet_ids, security_group_ids=[args.security_group_id]
            ),
            # The container only answers requests: it makes no network calls of its own.
            enable_network_isolation=True,
            tags=dict(args.tags),
            # CreateModel checks that the role can already read the artifact and the image.
            # Replaced while the deploy stage may still serve it: SageMaker keeps it.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[role_policy], retain_on_delete=args.released_by_cicd
            ),
        )

    def _endpoint(
        self, name: str, args: AwsSagemakerEndpointServingArgs, model: aws.sagemaker.Model,
        capture_uri: pulumi.Output[str],
    ) -> aws.sagemaker.Endpoint:  # fmt: skip
        """Endpoint configuration, endpoint and target-tracking auto-scaling of its variant."""
        child = pulumi.ResourceOptions(parent=self)
        sagemaker, scaling = aws.sagemaker, aws.appautoscaling
        config = sagemaker.EndpointConfiguration(
            f"{name}-config",
            kms_key_arn=volume_key(args.options.instance_type, args.kms_key_arn),
            production_variants=[sagemaker.EndpointConfigurationProductionVariantArgs(
                variant_name=VARIANT, model_name=model.name,
                instance_type=args.options.instance_type,
                initial_instance_count=args.options.min_instances, initial_variant_weight=1.0)],
            data_capture_config=sagemaker.EndpointConfigurationDataCaptureConfigArgs(
                enable_capture=args.options.capture_percent > 0,
                initial_sampling_percentage=args.options.capture_percent,
                destination_s3_uri=capture_uri,
                kms_key_id=args.kms_key_arn,
                capture_options=[
                    sagemaker.EndpointConfigurationDataCaptureConfigCaptureOptionArgs(capture_mode=mode)
                    for mode in ("Input", "Output")]),
            tags=dict(args.tags),
            # SageMaker: never delete a configuration an endpoint uses. Once the deploy stage
            # owns the endpoint, Pulumi cannot know whether it still uses this one.
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=args.released_by_cicd),
        )  # fmt: skip
        # The deploy stage releases a model by pointing the endpoint at a new configuration;
        # the next `up` must not point it back at this one (and roll back the model).
        released = ["endpointConfigName"] if args.released_by_cicd else []
        endpoint = sagemaker.Endpoint(
            f"{name}-endpoint", name=args.endpoint_name, endpoint_config_name=config.name,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=released),
        )  # fmt: skip
        target = scaling.Target(
            f"{name}-scaling-target",
            service_namespace="sagemaker",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            resource_id=f"endpoint/{args.endpoint_name}/variant/{VARIANT}",
            min_capacity=args.options.min_instances,
            max_capacity=args.options.max_instances,
            tags=dict(args.tags),
            # The variant can only be registered once the endpoint exists.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[endpoint]),
        )
        metric = (
            scaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs
        )
        tracking = scaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
            target_value=float(args.options.invocations_per_instance),
            predefined_metric_specification=metric(
                predefined_metric_type="SageMakerVariantInvocationsPerInstance"
            ),
            scale_out_cooldown=SCALE_OUT_COOLDOWN,
            scale_in_cooldown=SCALE_IN_COOLDOWN,
        )
        scaling.Policy(
            f"{name}-scaling-policy",
            # Named as the deploy stage names its own: re-putting it updates, not duplicates.
            name=_scaling_policy_name(args.endpoint_name),
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=tracking,
            opts=child,
        )
        return endpoint


def _scaling_policy_name(endpoint_name: str) -> str:
    return f"{endpoint_name}-invocations"

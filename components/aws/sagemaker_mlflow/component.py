"""Registry capability on AWS with SageMaker managed MLflow: a tracking server, the bucket its
artifacts go to, the role the server works as and the policy its clients need.

Clients (notebooks, training jobs, CI) log runs and register models at the server's ARN (the
`sagemaker-mlflow` plugin signs MLflow's requests with AWS credentials) and write artifacts to
the bucket themselves, so `client_policy_arn` gives both: the MLflow actions on this server
only, and the artifact prefix of the bucket with the platform key.

The server's role is the one the SageMaker guide describes ("Set up IAM permissions for
MLflow": trusted by sagemaker.amazonaws.com, S3 Get/Put/List and, for automatic model
registration, AddTags and the model package actions), scoped: S3 on the artifact prefix of
this bucket only, the platform key through S3 only, the model registry rights only when
`automatic_model_registration` is on. Nothing deletes artifacts: MLflow keeps them after a
run is deleted, and versioning keeps what is overwritten.

The server holds the experiments, runs and registered models in a store SageMaker manages:
deleting or replacing it (a new name, role or MLflow version) loses them, so it is protected
and retained in prod like the bucket.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.sagemaker_mlflow.options import SageMakerMlflowOptions
from components.aws.shared import iam
from components.aws.shared.secure_bucket import AwsSecureBucket, AwsSecureBucketArgs

ARTIFACT_PREFIX = "mlflow"
"""Where in the bucket the server keeps artifacts (CreateMlflowTrackingServer ArtifactStoreUri)."""
MODEL_REGISTRATION_ACTIONS = (
    "sagemaker:AddTags", "sagemaker:CreateModelPackageGroup", "sagemaker:CreateModelPackage",
    "sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackageGroup",
)  # fmt: skip
"""What automatic model registration needs, as the SageMaker MLflow guide lists it."""
APPROVING_ACTIONS = ("sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage")
"""The actions that can set a model package's approval status."""


@dataclass(frozen=True, kw_only=True)
class AwsSagemakerMlflowRegistryArgs:
    tags: Mapping[str, str]
    region: str
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key encrypting the artifacts."""
    access_log_bucket: pulumi.Input[str]
    protect: bool = False
    """Protect and retain the tracking server and the artifact bucket (prod)."""
    tracking_server_name: str
    """Explicit name: it is part of the server's ARN, which clients use as tracking URI."""
    options: SageMakerMlflowOptions = field(default_factory=SageMakerMlflowOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AwsSagemakerMlflowRegistry(pulumi.ComponentResource):
    tracking_server_arn: pulumi.Output[str]
    """The tracking URI clients set (`mlflow.set_tracking_uri(arn)`, sagemaker-mlflow plugin)."""
    tracking_server_url: pulumi.Output[str]
    """The server's MLflow UI (opened through a presigned URL)."""
    artifact_uri: pulumi.Output[str]
    """`s3://<bucket>/mlflow`: where runs' artifacts and logged models are kept."""
    artifact_bucket_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    """The role the tracking server works as."""
    client_policy_arn: pulumi.Output[str]
    """Managed policy to attach to the roles that use the server."""

    def __init__(
        self,
        name: str,
        args: AwsSagemakerMlflowRegistryArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:AwsSagemakerMlflowRegistry", name, {}, opts)
        tags = dict(args.tags)
        partition = iam.aws_partition(args.region)
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id

        artifacts = AwsSecureBucket(
            f"{name}-artifacts",
            AwsSecureBucketArgs(
                tags=tags,
                kms_key_arn=args.kms_key_arn,
                access_log_bucket=args.access_log_bucket,
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        store = Store(artifacts.arn, args.kms_key_arn, args.region)
        statements = [*store.write(), *store.use_key()]
        if args.options.automatic_model_registration:
            statements += register_models(partition, args.region, account_id)
        role, role_policy = iam.service_role(
            f"{name}-server-role",
            "sagemaker.amazonaws.com",
            iam.document(*statements),
            tags,
            parent=self,
            description=f"opsblocks {name}: MLflow tracking server {args.tracking_server_name}",
        )
        artifact_uri = pulumi.Output.concat("s3://", artifacts.bucket, f"/{ARTIFACT_PREFIX}")
        options = args.options
        server = aws.sagemaker.MlflowTrackingServer(
            f"{name}-server",
            tracking_server_name=args.tracking_server_name,
            artifact_store_uri=artifact_uri,
            role_arn=role.arn,
            tracking_server_size=options.size,
            mlflow_version=options.mlflow_version,
            automatic_model_registration=options.automatic_model_registration,
            weekly_maintenance_window_start=options.maintenance_window,
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                # SageMaker checks the role as it creates the server: its policy comes first.
                depends_on=[role_policy],
                protect=args.protect,
                retain_on_delete=args.protect,
            ),
        )
        client = aws.iam.Policy(
            f"{name}-client",
            description=f"opsblocks {name}: use the MLflow tracking server "
            f"{args.tracking_server_name} and write its artifacts",
            policy=iam.document(use_server(server.arn), *store.write(), *store.use_key()),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.tracking_server_arn = server.arn
        self.tracking_server_url = server.tracking_server_url
        self.artifact_uri = artifact_uri
        self.artifact_bucket_arn = artifacts.arn
        self.role_arn = role.arn
        self.client_policy_arn = client.arn
        self.register_outputs(
            {
                "tracking_server_arn": self.tracking_server_arn,
                "tracking_server_url": self.tracking_server_url,
                "artifact_uri": self.artifact_uri,
                "artifact_bucket_arn": self.artifact_bucket_arn,
                "role_arn": self.role_arn,
                "client_policy_arn": self.client_policy_arn,
            }
        )


@dataclass(frozen=True)
class Store:
    """The artifact prefix of the bucket, and the key it is encrypted with."""

    bucket_arn: pulumi.Input[str]
    key_arn: pulumi.Input[str]
    region: str

    def write(self) -> list[iam.Statement]:
        """Read and write the artifact prefix, list the bucket; no delete (S3 Get/Put/List of
        the SageMaker MLflow guide, narrowed to this bucket and the objects MLflow uses)."""
        objects = pulumi.Output.concat(self.bucket_arn, f"/{ARTIFACT_PREFIX}/*")
        return [
            iam.allow(["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
                       "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], [objects]),
            # Not narrowed by s3:prefix: HeadBucket, which S3 clients send first, needs
            # ListBucket and carries no prefix. The bucket holds nothing but the artifacts.
            iam.allow(["s3:ListBucket", "s3:GetBucketLocation"], [self.bucket_arn]),
        ]  # fmt: skip

    def use_key(self) -> list[iam.Statement]:
        """Encrypt and decrypt artifacts with the platform key, only as S3 asks for it
        (SSE-KMS: GenerateDataKey to write, Decrypt to read)."""
        return [
            iam.allow(["kms:Decrypt", "kms:GenerateDataKey"], [self.key_arn],
                      Condition={"StringEquals": {"kms:ViaService":
                                                  f"s3.{self.region}.amazonaws.com"}}),
        ]  # fmt: skip


def register_models(
    partition: str, region: str, account_id: pulumi.Input[str]
) -> list[iam.Statement]:
    """Automatic model registration: model package groups (named after the MLflow models, so
    any name) and their packages, in this account and region only; never approved by the
    server: a package it creates or updates with the status Approved is denied (approval is
    a person's decision, and what a release deploys)."""
    prefix = pulumi.Output.concat(f"arn:{partition}:sagemaker:{region}:", account_id, ":")
    return [
        iam.allow(MODEL_REGISTRATION_ACTIONS,
                  [pulumi.Output.concat(prefix, "model-package-group/*"),
                   pulumi.Output.concat(prefix, "model-package/*")]),
        {"Effect": "Deny", "Action": list(APPROVING_ACTIONS), "Resource": "*",
         "Condition": {"StringEquals": {"sagemaker:ModelApprovalStatus": "Approved"}}},
    ]  # fmt: skip


def use_server(server_arn: pulumi.Input[str]) -> iam.Statement:
    """Every MLflow action on this server, the UI's presigned URL and the server's description
    (the sagemaker-mlflow plugin and the console); no other server, no server administration."""
    return iam.allow(
        ["sagemaker-mlflow:*", "sagemaker:CreatePresignedMlflowTrackingServerUrl",
         "sagemaker:DescribeMlflowTrackingServer"],
        [server_arn],
    )  # fmt: skip

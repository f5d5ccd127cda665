"""Registry capability on AWS with MLflow: the portable MLflow tracking server and model registry
on the blueprint's EKS cluster, over AWS's managed services.

- backend store: PostgreSQL on RDS (`database.py`), private, reached from the cluster only;
- the basic-auth database beside it: created from the cluster by the portable server (RDS
  creates only the instance's first database);
- passwords: generated, kept in Secrets Manager under the platform key (`secrets.py`), handed
  to the server only as Pulumi secrets (the portable component puts them in Kubernetes Secrets);
- artifacts: a bucket of its own, proxied by the server (clients need no AWS credentials);
- the server's AWS identity: EKS Pod Identity, scoped to that bucket (`identity.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.mlflow import database
from components.aws.mlflow.identity import IdentityInputs, server_identity
from components.aws.mlflow.options import MlflowRegistryOptions
from components.aws.mlflow.secrets import generated_password, stored_secret
from components.aws.mlflow.sizing import sizing
from components.aws.shared.secure_bucket import AwsSecureBucket, AwsSecureBucketArgs
from components.portable.adapters import aws_identity
from components.portable.mlflow.component import (
    NAMESPACE,
    SERVICE_ACCOUNT,
    MlflowDatabase,
    MlflowServer,
    MlflowServerArgs,
)

ARTIFACT_PREFIX = "mlflow"


@dataclass(frozen=True, kw_only=True)
class AwsMlflowRegistryArgs:
    tags: Mapping[str, str]
    labels: Mapping[str, str]
    """The platform's labels, for the Kubernetes objects."""
    region: str
    kms_key_arn: pulumi.Input[str]
    access_log_bucket: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    """The private subnets the database runs in."""
    cluster_name: pulumi.Input[str]
    node_security_group_id: pulumi.Input[str] | None
    """The group the cluster's nodes (and pods) carry, which the database admits; None: the
    VPC's range."""
    database_identifier: str
    """The RDS instance identifier, unique per account and region: it names the environment."""
    log_retention_days: int = 30
    prod: bool = False
    """Sizes default to prod's (Multi-AZ, two server replicas, 30 days of backups)."""
    protect: bool = False
    """Protect and retain the database, its logs and the artifact bucket; deletion protection
    and a final snapshot for the database (prod)."""
    options: MlflowRegistryOptions = field(default_factory=MlflowRegistryOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class AwsMlflowRegistry(pulumi.ComponentResource):
    tracking_uri: pulumi.Output[str]
    """The server's in-cluster URL: clients log runs and register models there."""
    artifact_uri: pulumi.Output[str]
    """`s3://<bucket>/mlflow`: where the server keeps artifacts (clients go through it)."""
    artifact_bucket_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    """The role the server's pods act as."""
    database_endpoint: pulumi.Output[str]
    database_secret_arn: pulumi.Output[str]
    """Secrets Manager: the database's connection and password."""
    admin_secret_arn: pulumi.Output[str]
    """Secrets Manager: the MLflow admin's password."""

    def __init__(
        self, name: str, args: AwsMlflowRegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:AwsMlflowRegistry", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        size = sizing(args.options, args.prod)

        db_password = generated_password(f"{name}-db-password", self)
        admin_password = generated_password(f"{name}-admin-password", self)
        db = database.postgres(
            name,
            database.DatabaseInputs(
                identifier=args.database_identifier,
                tags=tags,
                kms_key_arn=args.kms_key_arn,
                vpc_id=args.vpc_id,
                subnet_ids=args.subnet_ids,
                client_security_group_id=args.node_security_group_id,
                log_retention_days=args.log_retention_days,
                protect=args.protect,
                sizing=size,
                password=db_password.result,
            ),
            self,
        )
        db_secret = stored_secret(
            f"{name}-db-secret",
            "opsblocks MLflow database: connection and password",
            _connection(db, db_password.result),
            args.kms_key_arn,
            tags,
            args.protect,
            self,
        )
        admin_secret = stored_secret(
            f"{name}-admin-secret",
            "opsblocks MLflow: the admin's password (basic auth)",
            admin_password.result,
            args.kms_key_arn,
            tags,
            args.protect,
            self,
        )
        artifacts = AwsSecureBucket(
            f"{name}-artifacts",
            AwsSecureBucketArgs(
                tags=tags,
                kms_key_arn=args.kms_key_arn,
                access_log_bucket=args.access_log_bucket,
                protect=args.protect,
            ),
            opts=child,
        )
        role, association = server_identity(
            f"{name}-server-role",
            IdentityInputs(
                cluster_name=args.cluster_name,
                namespace=NAMESPACE,
                service_account=SERVICE_ACCOUNT,
                bucket_arn=artifacts.arn,
                kms_key_arn=args.kms_key_arn,
                region=args.region,
                tags=tags,
            ),
            self,
        )
        artifact_uri = pulumi.Output.concat("s3://", artifacts.bucket, f"/{ARTIFACT_PREFIX}")
        # EKS gives a pod AWS credentials only when its service account is associated as the
        # pod is created: the server's release (and its pods' environment) waits for the
        # association.
        region = association.association_arn.apply(lambda _: args.region)
        server = MlflowServer(
            f"{name}-server",
            MlflowServerArgs(
                labels=args.labels,
                # Pod Identity binds the role by namespace and service account (the
                # association): the service account carries no annotation.
                identity=aws_identity(),
                database=MlflowDatabase(
                    host=db.address,
                    name=database.DATABASE,
                    user=db.username,
                    password=db_password.result,
                    port=database.PORT,
                ),
                artifacts_destination=artifact_uri,
                admin_password=admin_password.result,
                environment={"AWS_REGION": region, "AWS_DEFAULT_REGION": region},
                replicas=size.replicas,
                after=[association],
                # RDS creates only the instance's first database: the server's namespace
                # creates the basic-auth one before the chart is installed.
                create_auth_database=True,
            ),
            opts=child,
        )

        self.tracking_uri = server.tracking_uri
        self.artifact_uri = artifact_uri
        self.artifact_bucket_arn = artifacts.arn
        self.role_arn = role.arn
        self.database_endpoint = db.endpoint
        self.database_secret_arn = db_secret.arn
        self.admin_secret_arn = admin_secret.arn
        self.register_outputs(
            {
                "tracking_uri": self.tracking_uri,
                "artifact_uri": self.artifact_uri,
                "role_arn": self.role_arn,
                "database_endpoint": self.database_endpoint,
                "database_secret_arn": self.database_secret_arn,
                "admin_secret_arn": self.admin_secret_arn,
            }
        )


def _connection(db: aws.rds.Instance, password: pulumi.Output[str]) -> pulumi.Output[str]:
    """The database's connection as RDS documents it for Secrets Manager (rotation reads it)."""
    return pulumi.Output.json_dumps(
        {
            "engine": "postgres",
            "host": db.address,
            "port": database.PORT,
            "dbname": database.DATABASE,
            "username": db.username,
            "password": password,
        }
    )

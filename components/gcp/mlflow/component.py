"""Registry capability on GCP with MLflow: the tracking server and model registry on the GKE
cluster, over Cloud SQL for PostgreSQL and a bucket of its own.

The server is the portable `MlflowServer` (a pinned Helm chart, restricted pods, a ClusterIP
service). What GCP gives it:
- the backend store: Cloud SQL for PostgreSQL on a private IP of the foundation's VPC, TLS
  only, encrypted with the platform key, daily backups and point-in-time recovery, deletion
  protection in prod (`database.py`); the `mlflow` database, the basic-auth app's own one, and
  the MLflow user with a generated password;
- the passwords (the database user's, the MLflow admin's): generated, kept in Secret Manager
  under the platform key (`secrets.py`), passed on only as Pulumi secrets;
- the artifact store: a secure bucket (CMEK, versioned, no public access, access logs);
- the server's identity through GKE Workload Identity, no key: a Google service account that
  the server's Kubernetes service account (`mlflow/mlflow`) may act as, allowed to read and
  write objects in the artifact bucket and nothing else. Cloud Storage encrypts with the key
  through its own service agent, so the server needs no grant on the key.

Artifacts are proxied by the server (`--serve-artifacts`): clients need no Google credentials,
only the tracking URI (in-cluster) and the admin's password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from components.gcp.mlflow.database import Postgres, PostgresArgs, postgres
from components.gcp.mlflow.options import MlflowOptions
from components.gcp.mlflow.secrets import Vault, VaultArgs
from components.gcp.shared.secure_bucket import GcpSecureBucket, GcpSecureBucketArgs
from components.portable.adapters import gcp_identity
from components.portable.mlflow.component import (
    AUTH_DATABASE_SUFFIX,
    NAMESPACE,
    SERVICE_ACCOUNT,
    MlflowDatabase,
    MlflowServer,
    MlflowServerArgs,
)

DATABASE = "mlflow"
AUTH_DATABASE = f"{DATABASE}{AUTH_DATABASE_SUFFIX}"
"""The basic-auth app's users and permissions, on the same instance."""
DATABASE_USER = "mlflow"
ARTIFACT_PREFIX = "mlflow"
OBJECT_USER = "roles/storage.objectUser"
"""Read, write, list and delete objects; unlike objectAdmin, no say over their IAM policies."""
WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"


@dataclass(frozen=True, kw_only=True)
class GcpMlflowRegistryArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    """Project id from the foundation: resolves once the APIs and the key are ready."""
    region: str
    kms_key_id: pulumi.Input[str]
    """The platform key: database, secrets and artifact bucket."""
    access_log_bucket: pulumi.Input[str]
    protect: bool = False
    """Protect and retain the database and the bucket, with deletion protection (prod)."""
    production: bool = False
    """Production defaults: high availability, 30 days of backups, the larger tier."""
    network_id: pulumi.Input[str]
    """The foundation's VPC, with Private Services Access: the database's private IP is in it."""
    workload_pool: pulumi.Input[str]
    """The cluster's Workload Identity pool, `<project>.svc.id.goog`."""
    service_account_id: str
    """The server's Google service account id (6-30 characters)."""
    database_password_secret: str
    """Secret Manager secret id of the database user's password."""
    admin_password_secret: str
    """Secret Manager secret id of the MLflow admin's password."""
    options: MlflowOptions = field(default_factory=MlflowOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class GcpMlflowRegistry(pulumi.ComponentResource):
    tracking_uri: pulumi.Output[str]
    """In-cluster URL of the tracking server and model registry."""
    artifact_uri: pulumi.Output[str]
    """`gs://<bucket>/mlflow`: where the server keeps the artifacts it proxies."""
    artifact_bucket: pulumi.Output[str]
    service_account_email: pulumi.Output[str]
    """The Google service account the server acts as."""
    database_instance: pulumi.Output[str]
    """The Cloud SQL instance's name."""

    def __init__(
        self, name: str, args: GcpMlflowRegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:GcpMlflowRegistry", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = dict(args.labels)

        vault = Vault(f"{name}-secrets", VaultArgs(labels=labels, project=args.project,
                                                   region=args.region, kms_key_id=args.kms_key_id,
                                                   protect=args.protect), self)  # fmt: skip
        database_password = vault.password("db-password", args.database_password_secret)
        admin_password = vault.password("admin-password", args.admin_password_secret)
        store = postgres(
            name,
            PostgresArgs(labels=labels, project=args.project, region=args.region,
                         kms_key_id=args.kms_key_id, network_id=args.network_id,
                         sizing=args.options.sizing(args.production),
                         storage_gb=args.options.storage_gb, databases=(DATABASE, AUTH_DATABASE),
                         user=DATABASE_USER, password=database_password,
                         protect=args.protect),
            self,
        )  # fmt: skip
        artifacts = GcpSecureBucket(
            f"{name}-artifacts",
            GcpSecureBucketArgs(labels=labels, project=args.project, region=args.region,
                                kms_key_id=args.kms_key_id,
                                access_log_bucket=args.access_log_bucket, protect=args.protect),
            opts=child,
        )  # fmt: skip
        account, grants = self._identity(name, args, artifacts.bucket)
        destination = pulumi.Output.concat("gs://", artifacts.bucket, f"/{ARTIFACT_PREFIX}")
        server = MlflowServer(
            f"{name}-server",
            MlflowServerArgs(
                labels=labels,
                identity=gcp_identity(account.email),
                database=self._database(store, database_password),
                artifacts_destination=destination,
                admin_password=admin_password,
                # The storage client's project when the metadata server is not asked for it.
                environment={"GOOGLE_CLOUD_PROJECT": args.project},
                replicas=args.options.replicas,
                # The pods start only once their identity may act and reach the bucket.
                after=grants,
            ),
            opts=child,
        )

        self.tracking_uri = server.tracking_uri
        self.artifact_uri = destination
        self.artifact_bucket = artifacts.bucket
        self.service_account_email = account.email
        self.database_instance = store.instance.name
        self.register_outputs(
            {"tracking_uri": self.tracking_uri, "artifact_uri": self.artifact_uri,
             "artifact_bucket": self.artifact_bucket,
             "service_account_email": self.service_account_email,
             "database_instance": self.database_instance}
        )  # fmt: skip

    def _identity(
        self, name: str, args: GcpMlflowRegistryArgs, bucket: pulumi.Output[str]
    ) -> tuple[gcp.serviceaccount.Account, list[pulumi.Resource]]:
        """The server's Google service account, the Kubernetes service account allowed to act
        as it, and its one grant: objects in the artifact bucket."""
        child = pulumi.ResourceOptions(parent=self)
        account = gcp.serviceaccount.Account(
            f"{name}-identity",
            project=args.project,
            account_id=args.service_account_id,
            display_name="MLflow tracking server",
            description=f"opsblocks {name}: the MLflow server's pods (GKE Workload Identity)",
            opts=child,
        )
        binding = gcp.serviceaccount.IAMMember(
            f"{name}-identity-workload",
            service_account_id=account.name,
            role=WORKLOAD_IDENTITY_USER,
            member=pulumi.Output.concat(
                "serviceAccount:", args.workload_pool, f"[{NAMESPACE}/{SERVICE_ACCOUNT}]"
            ),
            opts=child,
        )
        objects = gcp.storage.BucketIAMMember(
            f"{name}-identity-artifacts",
            bucket=bucket,
            role=OBJECT_USER,
            member=pulumi.Output.concat("serviceAccount:", account.email),
            opts=child,
        )
        return account, [binding, objects]

    @staticmethod
    def _database(store: Postgres, password: pulumi.Output[str]) -> MlflowDatabase:
        return MlflowDatabase(host=store.host, name=DATABASE, user=store.user, password=password)

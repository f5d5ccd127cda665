"""mlflow: the MLflow tracking server and model registry on the GKE cluster, over Cloud SQL for
PostgreSQL, Secret Manager and a bucket, reached through Workload Identity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.gcp.mlflow.options import MlflowOptions
from opsblocks.contracts import MlflowTracking
from opsblocks.contracts.gcp import GcpPlatformKubernetes
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from opsblocks.wiring.gcp import GcpSite


def build(site: GcpSite, options: MlflowOptions) -> MlflowTracking:
    from components.gcp.mlflow.component import GcpMlflowRegistry, GcpMlflowRegistryArgs

    host = site.need(GcpPlatformKubernetes)
    registry = GcpMlflowRegistry(
        site.name,
        GcpMlflowRegistryArgs(
            labels=site.labels,
            **site.stores,
            production=site.prod,
            network_id=site.network["network_id"],
            workload_pool=host.workload_pool,
            service_account_id=site.account_id("mlflow"),
            database_password_secret=site.physical("mlflow-db-password"),
            admin_password_secret=site.physical("mlflow-admin-password"),
            options=options,
        ),
        site.on(host),
    )
    return MlflowTracking(tracking_uri=registry.tracking_uri, artifact_uri=registry.artifact_uri)


TOOL = Tool(
    cloud=Cloud.gcp,
    capability=Capability.registry,
    name="mlflow",
    description="MLflow tracking server and model registry on GKE: Cloud SQL for PostgreSQL "
    "(private, CMEK), Secret Manager, artifact bucket, Workload Identity",
    options=MlflowOptions,
    component="components.gcp.mlflow.component:GcpMlflowRegistry",
    build=build,
    proposed=False,
    gives=MlflowTracking,
    needs=(GcpPlatformKubernetes,),
    apis=(
        "sqladmin.googleapis.com",
        "secretmanager.googleapis.com",
        "iam.googleapis.com",
    ),
    names=(
        NameRule("service account", 30, "-mlflow", autonamed=False),
        NameRule("Secret Manager secret", 255, "-staging-mlflow-admin-password", autonamed=False),
        NameRule("Cloud Storage bucket", 63, "-registry-artifacts"),
        # Instance ids: at most 98 characters with the project id (up to 30) and its colon.
        NameRule("Cloud SQL instance", 67, "-registry-db"),
    ),
    main_types=(
        "gcp.sql.DatabaseInstance",
        "gcp.storage.Bucket",
        "gcp.secretmanager.Secret",
        "kubernetes.helm.sh.Release",
    ),
    coverage={"high_availability": True, "replicas": 2},
)

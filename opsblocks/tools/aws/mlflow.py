"""mlflow: the MLflow tracking server and model registry on the blueprint's EKS cluster, with
PostgreSQL on RDS, artifacts in S3 and EKS Pod Identity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.mlflow.options import MlflowRegistryOptions
from opsblocks.contracts import MlflowTracking
from opsblocks.contracts.aws import AwsPlatformKubernetes
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool

if TYPE_CHECKING:
    from collections.abc import Mapping

    from opsblocks.wiring.aws import AwsSite

PLATFORM_TAG = "opsblocks:"


def kubernetes_labels(tags: Mapping[str, str]) -> dict[str, str]:
    """The platform's tags as Kubernetes labels: `opsblocks-<key>` (a label key takes no
    colon). The blueprint's own tags stay off: their values need not be valid label values."""
    return {f"opsblocks-{key.removeprefix(PLATFORM_TAG)}": value
            for key, value in tags.items() if key.startswith(PLATFORM_TAG)}  # fmt: skip


def build(site: AwsSite, options: MlflowRegistryOptions) -> MlflowTracking:
    from components.aws.mlflow.component import AwsMlflowRegistry, AwsMlflowRegistryArgs

    host = site.need(AwsPlatformKubernetes)
    registry = AwsMlflowRegistry(
        site.name,
        AwsMlflowRegistryArgs(
            tags=site.tags,
            labels=kubernetes_labels(site.tags),
            region=site.region,
            **site.stores,
            vpc_id=site.foundation.vpc_id,
            subnet_ids=site.foundation.subnet_ids,
            cluster_name=host.cluster_name,
            node_security_group_id=host.node_security_group_id,
            database_identifier=site.physical("mlflow"),
            log_retention_days=site.env.log_retention_days,
            prod=site.prod,
            options=options,
        ),
        site.on(host),
    )
    return MlflowTracking(artifact_uri=registry.artifact_uri, tracking_uri=registry.tracking_uri)


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.registry,
    name="mlflow",
    description="MLflow tracking server and model registry on EKS: PostgreSQL on RDS, "
    "artifacts in S3, EKS Pod Identity",
    options=MlflowRegistryOptions,
    component="components.aws.mlflow.component:AwsMlflowRegistry",
    build=build,
    proposed=False,
    gives=MlflowTracking,
    needs=(AwsPlatformKubernetes,),
    names=(
        NameRule("RDS DB instance identifier", 63, "-staging-mlflow", autonamed=False),
        NameRule("IAM role", 64, "-registry-server-role"),
        NameRule("S3 bucket", 63, "-registry-artifacts"),
    ),
    main_types=(
        "kubernetes.helm.sh.Release",
        "aws.rds.Instance",
        "aws.s3.Bucket",
        "aws.secretsmanager.Secret",
    ),
    coverage={"high_availability": True},
)

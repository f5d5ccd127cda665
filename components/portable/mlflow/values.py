"""The MLflow chart's values and the server's network policy, as plain functions: what the
chart is told and what the pods may reach, readable (and tested) without Pulumi.

Keys follow the chart's values.yaml at CHART_VERSION (community-charts/helm-charts,
charts/mlflow). No password is ever a value: the chart reads them from the Secrets named here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pulumi

CHART = "mlflow"
CHART_REPOSITORY = "https://community-charts.github.io/helm-charts"
CHART_VERSION = "1.12.0"
"""The chart's latest documented release (its Chart.yaml: version 1.12.0, appVersion 3.14.0)."""
IMAGE_REPOSITORY = "burakince/mlflow"
IMAGE_TAG = "3.14.0"
"""The chart's own appVersion: MLflow with the PostgreSQL, S3, GCS and Azure Blob clients, but
without `azure-identity` (community-charts/helm-charts#423), which Azure workload identity
needs: a server on Azure runs an image that has it (MlflowServerArgs.image).

Raising it (or giving another image) migrates the database schema: the chart runs
`mlflow db upgrade` in an init container before the new server starts, and neither Helm's
atomic rollback nor a `pulumi up` back to the old tag undoes a migration; the old server may not
start on the new schema. Take a database backup first (an RDS, Cloud SQL or Azure PostgreSQL
snapshot, or a point-in-time restore mark) so the old version can be restored with its data."""
TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
"""An OCI image tag."""
REPOSITORY = re.compile(r"[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?")
"""An image repository, its registry host (and port) included."""
NAMESPACE = "mlflow"
SERVICE_ACCOUNT = "mlflow"
PORT = 5000
RELEASE = "mlflow"
"""The Helm release and, through fullnameOverride, the Deployment and Service: `mlflow`."""
ADMIN_USER = "admin"
AUTH_DATABASE_SUFFIX = "_auth"
"""The basic-auth app's users and permissions live in `<database>_auth`, on the same server."""
DATABASE_SECRET = "mlflow-database"
ADMIN_SECRET = "mlflow-admin"
USERNAME_KEY, PASSWORD_KEY = "username", "password"
RUN_AS = 1001
"""The image's non-root user (the chart's default securityContext)."""

SELECTOR = {"app.kubernetes.io/name": CHART, "app.kubernetes.io/instance": RELEASE}
"""The chart's selector labels on the server's pods (its _helpers.tpl `mlflow.selectorLabels`)."""

RESOURCES = {
    "requests": {"cpu": "250m", "memory": "1Gi"},
    "limits": {"cpu": "1", "memory": "2Gi"},
}
"""A small server: two uvicorn workers. The chart gives its init containers the same."""
WORKERS = "2"

SECCOMP = {"type": "RuntimeDefault"}
POD_SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": RUN_AS,
    "runAsGroup": RUN_AS,
    "fsGroup": RUN_AS,
    "fsGroupChangePolicy": "OnRootMismatch",
    "seccompProfile": SECCOMP,
}
CONTAINER_SECURITY = {
    "allowPrivilegeEscalation": False,
    "privileged": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "runAsUser": RUN_AS,
    "runAsGroup": RUN_AS,
    "seccompProfile": SECCOMP,
}
"""The restricted Pod Security Standard, for the server and the chart's init containers (which
take the same securityContext). The root filesystem is read-only: the chart mounts /tmp."""


def image_parts(image: str | None) -> tuple[str, str]:
    """(repository, tag) of `repository:tag`; None: the pinned default. Refuses, in one line,
    an image without a pinned tag (a registry's port is not a tag)."""
    if image is None:
        return IMAGE_REPOSITORY, IMAGE_TAG
    repository, _, tag = image.rpartition(":")
    if not REPOSITORY.fullmatch(repository) or "/" in tag or not TAG.fullmatch(tag):
        raise ValueError(f"mlflow image: {image!r} is not repository:tag")
    if tag == "latest":
        raise ValueError(f"mlflow image: {image!r} is not pinned; name a version tag")
    return repository, tag


def auth_database(name: str) -> str:
    """The basic-auth app's database on the tracking database's server."""
    return f"{name}{AUTH_DATABASE_SUFFIX}"


def service_host(namespace: str) -> str:
    return f"{RELEASE}.{namespace}.svc.cluster.local"


def allowed_hosts(namespace: str) -> list[str]:
    """Host headers the server accepts (MLflow 3's DNS-rebinding guard admits only localhost and
    private IPs by default, and a list given replaces that default): the Service's in-cluster
    names, and `localhost` and `127.0.0.1` for `kubectl port-forward` (whichever local port it
    picks), each with and without the port. MLflow compares a pattern with `*` by fnmatch
    (`localhost:*` admits `localhost:8080`), any other exactly. /health is exempt, so probes
    pass."""
    names = [
        RELEASE,
        f"{RELEASE}.{namespace}",
        f"{RELEASE}.{namespace}.svc",
        service_host(namespace),
        "localhost",
        "127.0.0.1",
    ]
    return [host for name in names for host in (name, f"{name}:*")]


def chart_values(
    *,
    namespace: str,
    pod_labels: Mapping[str, str],
    database_host: pulumi.Input[str],
    database_port: int,
    database_name: str,
    artifacts_destination: pulumi.Input[str],
    environment: Mapping[str, pulumi.Input[str]],
    replicas: int,
    image: str | None = None,
) -> dict[str, object]:
    """`image` (repository:tag; None: IMAGE_REPOSITORY:IMAGE_TAG) runs the server and the
    schema migration."""
    repository, tag = image_parts(image)
    existing_database = {
        "name": DATABASE_SECRET,
        "usernameKey": USERNAME_KEY,
        "passwordKey": PASSWORD_KEY,
    }
    return {
        "fullnameOverride": RELEASE,
        "replicaCount": replicas,
        "image": {"repository": repository, "tag": tag},
        "initImages": {"mlflowDbMigration": {"repository": repository, "tag": tag}},
        "serviceAccount": {"create": False, "name": SERVICE_ACCOUNT},
        "extraPodLabels": dict(pod_labels),
        "podSecurityContext": POD_SECURITY,
        "securityContext": CONTAINER_SECURITY,
        "service": {"enabled": True, "type": "ClusterIP", "port": PORT, "containerPort": PORT},
        "ingress": {"enabled": False},
        "httpRoute": {"enabled": False},
        "telemetry": {"enabled": False},
        "backendStore": {
            # Upgrades the schema before the server starts, so a new pinned image needs no
            # manual `mlflow db upgrade`.
            "databaseMigration": True,
            "postgres": {
                "enabled": True,
                "host": database_host,
                "port": database_port,
                "database": database_name,
            },
            "existingDatabaseSecret": existing_database,
        },
        "artifactRoot": {
            # The server proxies every artifact upload and download: only its identity
            # touches the bucket, clients need no cloud credentials.
            "proxiedArtifactStorage": True,
            "defaultArtifactsDestination": artifacts_destination,
        },
        "auth": {
            "enabled": True,
            "appName": "basic-auth",
            "defaultPermission": "NO_PERMISSIONS",
            "existingAdminSecret": {
                "name": ADMIN_SECRET,
                "usernameKey": USERNAME_KEY,
                "passwordKey": PASSWORD_KEY,
            },
            "postgres": {
                "enabled": True,
                "host": database_host,
                "port": database_port,
                "database": auth_database(database_name),
                "existingSecret": existing_database,
            },
        },
        "serverAllowedHosts": allowed_hosts(namespace),
        "extraArgs": {"workers": WORKERS},
        # libpq reads PGSSLMODE for every connection the server opens (tracking and auth
        # databases); the chart passes only the host, port and database as PG* variables.
        "extraEnvVars": {**environment, "PGSSLMODE": "require"},
        "resources": RESOURCES,
    }

"""The MLflow basic-auth database, `<name>_auth` on the same RDS server: RDS creates only the
instance's first database, and the server is reachable from the cluster alone, so a Job in the
server's namespace creates the second one with psql (once; it does nothing when the database
exists). Its pod meets the restricted Pod Security Standard the namespace enforces."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s

PSQL_IMAGE = "postgres:17.6-alpine"
"""Pinned: the client of the server's major version (17); only psql is used."""
POSTGRES_UID = 70
"""The image's `postgres` user: the pod runs as it, never as root."""
PASSWORD_KEY = "password"

SCRIPT = """\
exists=$(psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$AUTH_DATABASE'")
[ "$exists" = 1 ] || psql -c "CREATE DATABASE \\"$AUTH_DATABASE\\""
"""


def auth_database(
    name: str,
    *,
    namespace: pulumi.Input[str],
    labels: Mapping[str, str],
    host: pulumi.Input[str],
    port: int,
    database: str,
    auth_database_name: str,
    user: pulumi.Input[str],
    password: pulumi.Input[str],
    parent: pulumi.Resource,
) -> k8s.batch.v1.Job:
    child = pulumi.ResourceOptions(parent=parent)
    secret = k8s.core.v1.Secret(
        f"{name}-credentials",
        metadata=k8s.meta.v1.ObjectMetaArgs(namespace=namespace, labels=dict(labels)),
        string_data={PASSWORD_KEY: pulumi.Output.secret(password)},
        opts=child,
    )
    environment = [
        k8s.core.v1.EnvVarArgs(name="PGHOST", value=host),
        k8s.core.v1.EnvVarArgs(name="PGPORT", value=str(port)),
        k8s.core.v1.EnvVarArgs(name="PGDATABASE", value=database),
        k8s.core.v1.EnvVarArgs(name="PGUSER", value=user),
        k8s.core.v1.EnvVarArgs(name="PGSSLMODE", value="require"),
        k8s.core.v1.EnvVarArgs(name="AUTH_DATABASE", value=auth_database_name),
        k8s.core.v1.EnvVarArgs(
            name="PGPASSWORD",
            value_from=k8s.core.v1.EnvVarSourceArgs(
                secret_key_ref=k8s.core.v1.SecretKeySelectorArgs(
                    name=secret.metadata.name, key=PASSWORD_KEY
                )
            ),
        ),
    ]
    container = k8s.core.v1.ContainerArgs(
        name="create-database",
        image=PSQL_IMAGE,
        command=["/bin/sh", "-ec", SCRIPT],
        env=environment,
        resources=k8s.core.v1.ResourceRequirementsArgs(
            requests={"cpu": "50m", "memory": "64Mi"}, limits={"memory": "128Mi"}
        ),
        security_context=k8s.core.v1.SecurityContextArgs(
            allow_privilege_escalation=False,
            read_only_root_filesystem=True,
            capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
        ),
    )
    return k8s.batch.v1.Job(
        name,
        metadata=k8s.meta.v1.ObjectMetaArgs(namespace=namespace, labels=dict(labels)),
        spec=k8s.batch.v1.JobSpecArgs(
            backoff_limit=10,
            template=k8s.core.v1.PodTemplateSpecArgs(
                metadata=k8s.meta.v1.ObjectMetaArgs(labels=dict(labels)),
                spec=k8s.core.v1.PodSpecArgs(
                    restart_policy="OnFailure",
                    automount_service_account_token=False,
                    security_context=k8s.core.v1.PodSecurityContextArgs(
                        run_as_non_root=True,
                        run_as_user=POSTGRES_UID,
                        run_as_group=POSTGRES_UID,
                        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
                    ),
                    containers=[container],
                ),
            ),
        ),
        opts=child,
    )

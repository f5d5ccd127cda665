"""The basic-auth database, `<database>_auth` on the tracking database's server, for a cloud
whose database API creates only one database (RDS): a Job in the server's namespace creates it
with psql (once; it does nothing when the database exists) before the chart is installed. It
signs in as the server's own user, from the Secret the chart reads, over TLS; its pod meets the
restricted Pod Security Standard the namespace enforces."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s

PSQL_IMAGE = "postgres:17.6-alpine"
"""Pinned: psql of PostgreSQL 17 (the major the clouds' databases run; psql reaches older
servers too). Only the client is used."""
POSTGRES_UID = 70
"""The alpine image's `postgres` user: the pod runs as it, never as root."""
TIMEOUT = "10m"
"""How long `pulumi up` waits for the Job to complete (a new database takes seconds)."""

SCRIPT = """\
exists=$(psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$AUTH_DATABASE'")
[ "$exists" = 1 ] || psql -c "CREATE DATABASE \\"$AUTH_DATABASE\\""
"""


def _from_secret(variable: str, secret: pulumi.Input[str], key: str) -> k8s.core.v1.EnvVarArgs:
    return k8s.core.v1.EnvVarArgs(
        name=variable,
        value_from=k8s.core.v1.EnvVarSourceArgs(
            secret_key_ref=k8s.core.v1.SecretKeySelectorArgs(name=secret, key=key)
        ),
    )


def auth_database_job(
    name: str,
    *,
    namespace: pulumi.Input[str],
    labels: Mapping[str, str],
    host: pulumi.Input[str],
    port: int,
    database: str,
    auth_database: str,
    secret: k8s.core.v1.Secret,
    username_key: str,
    password_key: str,
    parent: pulumi.Resource,
) -> k8s.batch.v1.Job:
    """The Job; `pulumi up` waits until it has completed (the provider's Job await)."""
    secret_name = secret.metadata.name
    environment = [
        k8s.core.v1.EnvVarArgs(name="PGHOST", value=host),
        k8s.core.v1.EnvVarArgs(name="PGPORT", value=str(port)),
        k8s.core.v1.EnvVarArgs(name="PGDATABASE", value=database),
        k8s.core.v1.EnvVarArgs(name="PGSSLMODE", value="require"),
        k8s.core.v1.EnvVarArgs(name="AUTH_DATABASE", value=auth_database),
        _from_secret("PGUSER", secret_name, username_key),
        _from_secret("PGPASSWORD", secret_name, password_key),
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
            run_as_non_root=True,
            capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
            seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
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
        opts=pulumi.ResourceOptions(
            parent=parent, custom_timeouts=pulumi.CustomTimeouts(create=TIMEOUT, update=TIMEOUT)
        ),
    )

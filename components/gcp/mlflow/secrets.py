"""Generated passwords, kept in Secret Manager under the platform key.

Each password is a `RandomPassword` (a Pulumi secret in state and in every input it flows
to) stored as a secret version, replicated only in the platform's region and encrypted with
the platform key, which Secret Manager's service agent is granted first. Operators read it
there (the database's break-glass login, the MLflow admin's password); the server gets it from
the Kubernetes Secret the portable component makes, never from a plain input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from components.gcp.mlflow.database import ENCRYPTER

SECRET_MANAGER = "secretmanager.googleapis.com"
PASSWORD_LENGTH = 32


@dataclass(frozen=True, kw_only=True)
class VaultArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    region: str
    kms_key_id: pulumi.Input[str]
    protect: bool


class Vault:
    """Secret Manager with the platform key: its agent's grant, then the secrets."""

    def __init__(self, name: str, args: VaultArgs, parent: pulumi.Resource) -> None:
        self.name, self.args, self.parent = name, args, parent
        agent = gcp.projects.ServiceIdentity(
            f"{name}-agent-secretmanager",
            project=args.project,
            service=SECRET_MANAGER,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        self.grant = gcp.kms.CryptoKeyIAMMember(
            f"{name}-key-secretmanager",
            crypto_key_id=args.kms_key_id,
            role=ENCRYPTER,
            member=pulumi.Output.concat("serviceAccount:", agent.email),
            opts=pulumi.ResourceOptions(parent=parent),
        )

    def password(self, role: str, secret_id: str) -> pulumi.Output[str]:
        """A new password `{name}-{role}`, stored as secret `secret_id`; the password, secret."""
        args, child = self.args, pulumi.ResourceOptions(parent=self.parent)
        # Letters and digits only: the password goes into connection URIs unescaped.
        password = random.RandomPassword(
            f"{self.name}-{role}",
            length=PASSWORD_LENGTH,
            special=False,
            min_lower=4,
            min_upper=4,
            min_numeric=4,
            opts=child,
        )
        # Secret wherever it flows, whatever engine runs the program (the engine marks the
        # result secret; a mock engine does not).
        value = pulumi.Output.secret(password.result)
        replica = gcp.secretmanager.SecretReplicationUserManagedReplicaArgs(
            location=args.region,
            customer_managed_encryption=gcp.secretmanager.SecretReplicationUserManagedReplicaCustomerManagedEncryptionArgs(
                kms_key_name=args.kms_key_id
            ),
        )
        secret = gcp.secretmanager.Secret(
            f"{self.name}-{role}",
            project=args.project,
            secret_id=secret_id,
            replication=gcp.secretmanager.SecretReplicationArgs(
                user_managed=gcp.secretmanager.SecretReplicationUserManagedArgs(replicas=[replica])
            ),
            deletion_protection=args.protect,
            labels=dict(args.labels),
            opts=pulumi.ResourceOptions(parent=self.parent, depends_on=[self.grant]),
        )
        gcp.secretmanager.SecretVersion(
            f"{self.name}-{role}-value",
            project=args.project,
            secret=secret.id,
            secret_data=value,
            opts=child,
        )
        return value

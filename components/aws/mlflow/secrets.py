"""Generated passwords, kept in Secrets Manager under the platform key: where an operator reads
them (the database's, for maintenance; the MLflow admin's, to sign in and create users)."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws
import pulumi_random as random

PASSWORD_LENGTH = 40
"""Letters and digits only: the password goes into a PostgreSQL URI unescaped, and RDS refuses
/, @, " and spaces. 40 of 62 symbols is over 230 bits."""


def generated_password(name: str, parent: pulumi.Resource) -> random.RandomPassword:
    return random.RandomPassword(
        name,
        length=PASSWORD_LENGTH,
        special=False,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def stored_secret(
    name: str,
    description: str,
    value: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    tags: Mapping[str, str],
    protect: bool,
    parent: pulumi.Resource,
) -> aws.secretsmanager.Secret:
    """A secret and its current version; `value` must be a Pulumi secret."""
    secret = aws.secretsmanager.Secret(
        name,
        description=description,
        kms_key_id=kms_key_arn,
        # A deleted secret can be restored for this many days (30 is the most AWS allows).
        recovery_window_in_days=30 if protect else 7,
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    aws.secretsmanager.SecretVersion(
        name,
        secret_id=secret.id,
        secret_string=pulumi.Output.secret(value),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return secret

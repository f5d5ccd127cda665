"""A 2nd-gen Cloud Build connection to GitHub that is complete when it is created.

Google's GitHub connection takes the installation of the Cloud Build GitHub App
(`app_installation_id`) and a GitHub token in Secret Manager (`authorizer_credential`); with
both it needs no console step, so the repository and triggers on it work on the first
`pulumi up`. The Cloud Build service agent reads the token: it gets access to that secret only.
The secret is in the blueprint's project (its Secret Manager API is enabled by the foundation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp


@dataclass(frozen=True, kw_only=True)
class GithubConnectionArgs:
    project: pulumi.Input[str]
    region: str
    installation_id: int
    """Installation of the Cloud Build GitHub App on the repository's owner."""
    token_secret: str
    """Secret Manager secret (its name, in `project`) with a GitHub token (`repo`, `read:user`)."""
    token_version: int = 1
    protect: bool = False
    labels: Mapping[str, str]


def github_connection(
    name: str, args: GithubConnectionArgs, parent: pulumi.Resource
) -> gcp.cloudbuildv2.Connection:
    """Connection `{name}-github`, complete on creation; children of `parent`."""
    # The connection reads the GitHub token as the Cloud Build service agent: it may read
    # that one secret.
    agent = gcp.projects.ServiceIdentity(
        f"{name}-agent",
        project=args.project,
        service="cloudbuild.googleapis.com",
        opts=pulumi.ResourceOptions(parent=parent),
    )
    token = gcp.secretmanager.SecretIamMember(
        f"{name}-agent-token",
        project=args.project,
        secret_id=args.token_secret,
        role="roles/secretmanager.secretAccessor",
        member=pulumi.Output.concat("serviceAccount:", agent.email),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return gcp.cloudbuildv2.Connection(
        f"{name}-github",
        project=args.project,
        location=args.region,
        github_config=gcp.cloudbuildv2.ConnectionGithubConfigArgs(
            app_installation_id=args.installation_id,
            authorizer_credential=gcp.cloudbuildv2.ConnectionGithubConfigAuthorizerCredentialArgs(
                oauth_token_secret_version=pulumi.Output.concat(
                    "projects/",
                    args.project,
                    "/secrets/",
                    args.token_secret,
                    f"/versions/{args.token_version}",
                )
            ),
        ),
        annotations=dict(args.labels),
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=[token],
            protect=args.protect,
            retain_on_delete=args.protect,
        ),
    )

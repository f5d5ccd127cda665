"""CI/CD capability on GCP for GitHub Actions: Workload Identity Federation, no keys.

GitHub Actions workflows of the blueprint's repository, running on its branch, exchange their
OIDC token for the deploy service account's credentials (`google-github-actions/auth` with
`workload_identity_provider` and `service_account` set to this component's outputs; the
workflow needs `permissions: id-token: write`). No service account key exists anywhere.

The deploy account has the same narrow grants as the Cloud Build account: push the training
image, upload the pipeline templates, start the pipeline as the training account, deploy to
the endpoint as the serving account.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gcp.cicd_identity import CicdIdentityArgs, cicd_identity

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
POOL_ID = re.compile(r"^(?!gcp-)[a-z0-9-]{4,32}$")


def attribute_condition(repository: str, branch: str) -> str:
    """CEL: only tokens of workflows in `repository` running on `branch` are accepted."""
    return (
        f"assertion.repository == {json.dumps(repository)} && "
        f"assertion.ref == {json.dumps('refs/heads/' + branch)}"
    )


@dataclass(frozen=True, kw_only=True)
class GcpGithubActionsCicdArgs:
    labels: Mapping[str, str]
    """No resource here takes labels; accepted like every component's."""
    project: pulumi.Input[str]
    region: str
    protect: bool = False
    """Protect the identity pool: a deleted pool's id stays taken for 30 days."""
    service_account_id: str
    """Account id of the deploy service account (6-30 characters)."""
    pool_id: str
    """Workload identity pool id: 4-32 lowercase letters, digits and hyphens."""
    repository_id: pulumi.Input[str]
    """Artifact Registry repository the workflows push the training image to."""
    template_repository_id: pulumi.Input[str]
    """The training capability's KFP repository: the workflows upload the templates to it."""
    pipeline_root_uri: pulumi.Input[str]
    training_service_account: pulumi.Input[str]
    deploy_settings: pulumi.Input[str] | None = None
    """The serving capability's JSON: its service account is the one the workflows deploy as;
    None: no serving capability, no grant on a serving account."""
    repository: str
    """GitHub repository as owner/name."""
    branch: str = "main"


class GcpGithubActionsCicd(pulumi.ComponentResource):
    service_account_email: pulumi.Output[str]
    """`service_account` of the `google-github-actions/auth` step."""
    workload_identity_provider: pulumi.Output[str]
    """`workload_identity_provider` of the `google-github-actions/auth` step (its full name)."""

    def __init__(
        self, name: str, args: GcpGithubActionsCicdArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:GcpGithubActionsCicd", name, {}, opts)
        if not POOL_ID.fullmatch(args.pool_id):
            raise ValueError(
                f"pool_id '{args.pool_id}' is not a workload identity pool id "
                "(4-32 lowercase letters, digits and hyphens, not starting gcp-)"
            )
        child = pulumi.ResourceOptions(parent=self)

        pool = gcp.iam.WorkloadIdentityPool(
            f"{name}-pool",
            project=args.project,
            workload_identity_pool_id=args.pool_id,
            display_name=args.pool_id,
            description=f"GitHub Actions of {args.repository}",
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        provider = gcp.iam.WorkloadIdentityPoolProvider(
            f"{name}-github",
            project=args.project,
            workload_identity_pool_id=pool.workload_identity_pool_id,
            workload_identity_pool_provider_id="github",
            display_name="GitHub Actions",
            oidc=gcp.iam.WorkloadIdentityPoolProviderOidcArgs(issuer_uri=GITHUB_ISSUER),
            attribute_mapping={
                "google.subject": "assertion.sub",
                "attribute.repository": "assertion.repository",
                "attribute.ref": "assertion.ref",
            },
            # Any GitHub repository can mint a token from this issuer: only the blueprint's
            # repository, on its branch, gets through.
            attribute_condition=attribute_condition(args.repository, args.branch),
            opts=child,
        )

        identity = cicd_identity(
            f"{name}-deploy",
            CicdIdentityArgs(
                project=args.project,
                region=args.region,
                account_id=args.service_account_id,
                description=f"GitHub Actions workflows of {args.repository}",
                repository_id=args.repository_id,
                template_repository_id=args.template_repository_id,
                pipeline_root_uri=args.pipeline_root_uri,
                training_service_account=args.training_service_account,
                deploy_settings=args.deploy_settings,
            ),
            self,
        )
        gcp.serviceaccount.IAMMember(
            f"{name}-deploy-federated",
            service_account_id=identity.account.name,
            role="roles/iam.workloadIdentityUser",
            member=pulumi.Output.concat(
                "principalSet://iam.googleapis.com/",
                pool.name,
                "/attribute.repository/",
                args.repository,
            ),
            opts=child,
        )

        self.service_account_email = identity.account.email
        self.workload_identity_provider = provider.name
        self.register_outputs(
            {
                "service_account_email": self.service_account_email,
                "workload_identity_provider": self.workload_identity_provider,
            }
        )

"""CI/CD capability on GCP for GitHub Actions: Workload Identity Federation, no keys.

GitHub Actions workflows of the blueprint's repository, running on its branch, exchange their
OIDC token for a service account's credentials (`google-github-actions/auth` with
`workload_identity_provider` and `service_account` set to this component's outputs; the
workflow needs `permissions: id-token: write`). No service account key exists anywhere.

Separation of duties: a job gets an account only through a GitHub environment. Jobs in the
train environment get the train account (push the training image, upload the templates, start
pipeline runs as the training account; it cannot deploy); jobs in the deploy environment get
the deploy account (deploy to the endpoint as the serving account). Jobs in no environment,
such as the tests, get nothing. The approval is the deploy environment's protection rules
(required reviewers, this branch only), which live in the repository's settings, not in its
code. GitHub's default subject format is assumed (`repo:<owner>/<name>:environment:<env>`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gcp.github_actions.options import GcpGithubActionsOptions
from components.gcp.shared.cicd_identity import CicdIdentity, CicdIdentityArgs, Duty, cicd_identity

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
POOL_ID = re.compile(r"^(?!gcp-)[a-z0-9-]{4,32}$")


def environment_subject(repository: str, environment: str) -> str:
    """The `sub` claim of a GitHub Actions job of `repository` running in `environment`."""
    return f"repo:{repository}:environment:{environment}"


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
    account_ids: Mapping[Duty, str]
    """Account id of each duty's account: train and deploy are used (6-30 characters)."""
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
    options: GcpGithubActionsOptions
    """The tool's options, as the blueprint gave them (validated)."""


class GcpGithubActionsCicd(pulumi.ComponentResource):
    service_account_email: pulumi.Output[str]
    """`service_account` of the auth step in the train environment's jobs."""
    deploy_service_account_email: pulumi.Output[str] | None
    """`service_account` of the auth step in the deploy environment's jobs; None: no serving."""
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
            description=f"GitHub Actions of {args.options.repository}",
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
            attribute_condition=attribute_condition(args.options.repository, args.options.branch),
            opts=child,
        )

        duties: list[Duty] = ["train"]
        if args.deploy_settings is not None:
            duties.append("deploy")
        environments = {
            "train": args.options.train_environment,
            "deploy": args.options.deploy_environment,
        }
        identities: dict[str, CicdIdentity] = {}
        for duty in duties:
            identities[duty] = cicd_identity(
                f"{name}-{duty}",
                CicdIdentityArgs(
                    project=args.project,
                    region=args.region,
                    account_id=args.account_ids[duty],
                    description=f"GitHub Actions {duty} jobs of {args.options.repository}",
                    repository_id=args.repository_id,
                    template_repository_id=args.template_repository_id,
                    pipeline_root_uri=args.pipeline_root_uri,
                    training_service_account=args.training_service_account,
                    deploy_settings=args.deploy_settings,
                ),
                duty,
                self,
            )
            # Only the jobs of the duty's environment (the provider admits this repository's
            # branch only) may act as the account.
            gcp.serviceaccount.IAMMember(
                f"{name}-{duty}-federated",
                service_account_id=identities[duty].account.name,
                role="roles/iam.workloadIdentityUser",
                member=pulumi.Output.concat(
                    "principal://iam.googleapis.com/",
                    pool.name,
                    "/subject/",
                    environment_subject(args.options.repository, environments[duty]),
                ),
                opts=child,
            )

        self.service_account_email = identities["train"].account.email
        self.deploy_service_account_email = (
            identities["deploy"].account.email if "deploy" in identities else None
        )
        self.workload_identity_provider = provider.name
        self.register_outputs(
            {
                "service_account_email": self.service_account_email,
                "deploy_service_account_email": self.deploy_service_account_email,
                "workload_identity_provider": self.workload_identity_provider,
            }
        )

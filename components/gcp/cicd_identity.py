"""The service account a CI/CD tool acts as, with the narrow grants both GCP tools need.

Cloud Build and GitHub Actions do the same work (push the training image, upload the pipeline
templates, start the training pipeline, deploy to the endpoint), so they get the same grants:
writer on the image repository and on the template repository, object admin on the
pipeline-root bucket, Vertex AI user and Cloud Scheduler viewer on the project, and the right
to act as the training (and serving) service account only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp


def bucket_of(uri: str) -> str:
    """`gs://<bucket>/<path>` -> `<bucket>`."""
    if not uri.startswith("gs://"):
        raise ValueError(f"'{uri}' is not a gs:// URI")
    return uri.removeprefix("gs://").split("/")[0]


def repository_name(repository_id: str) -> str:
    """`projects/<p>/locations/<l>/repositories/<name>` (or `<name>` alone) -> `<name>`."""
    return repository_id.rstrip("/").split("/")[-1]


def deploy_setting(deploy_settings: str, key: str) -> str:
    """One value of the serving capability's `deploy_settings` JSON, e.g. `service_account`."""
    settings = json.loads(deploy_settings)
    if key not in settings:
        raise ValueError(f"deploy_settings have no '{key}' (found: {', '.join(sorted(settings))})")
    return str(settings[key])


def account_name(project: pulumi.Input[str], email: pulumi.Input[str]) -> pulumi.Output[str]:
    """The fully qualified name IAM expects of a service account it grants on."""
    return pulumi.Output.concat("projects/", project, "/serviceAccounts/", email)


@dataclass(frozen=True, kw_only=True)
class CicdIdentityArgs:
    project: pulumi.Input[str]
    region: str
    account_id: str
    description: str
    repository_id: pulumi.Input[str]
    template_repository_id: pulumi.Input[str]
    pipeline_root_uri: pulumi.Input[str]
    training_service_account: pulumi.Input[str]
    deploy_settings: pulumi.Input[str] | None = None
    """The serving capability's JSON; its `service_account` is the one deployed models run as."""


@dataclass(frozen=True)
class CicdIdentity:
    account: gcp.serviceaccount.Account
    member: pulumi.Output[str]
    """`serviceAccount:<email>`, for further grants."""
    grants: list[pulumi.Resource]
    """What must exist before a build may run as the account."""


def cicd_identity(name: str, args: CicdIdentityArgs, parent: pulumi.Resource) -> CicdIdentity:
    """A dedicated service account `{name}-sa` and its grants `{name}-...`, children of `parent`."""
    child = pulumi.ResourceOptions(parent=parent)
    account = gcp.serviceaccount.Account(
        f"{name}-sa",
        project=args.project,
        account_id=args.account_id,
        display_name=args.account_id,
        description=args.description,
        opts=child,
    )
    member = pulumi.Output.concat("serviceAccount:", account.email)
    repositories = {
        "images": pulumi.Output.from_input(args.repository_id).apply(repository_name),
        "templates": pulumi.Output.from_input(args.template_repository_id).apply(repository_name),
    }
    grants: list[pulumi.Resource] = [
        gcp.artifactregistry.RepositoryIamMember(
            f"{name}-{role}-writer",
            project=args.project,
            location=args.region,
            repository=repository,
            role="roles/artifactregistry.writer",
            member=member,
            opts=child,
        )
        for role, repository in repositories.items()
    ]
    grants += [
        gcp.storage.BucketIAMMember(
            f"{name}-pipeline-root",
            bucket=pulumi.Output.from_input(args.pipeline_root_uri).apply(bucket_of),
            role="roles/storage.objectAdmin",
            member=member,
            opts=child,
        ),
        # Vertex AI has no IAM on pipeline jobs, models or endpoints: starting a pipeline job,
        # reading the model registry and deploying to an endpoint are granted on the project.
        gcp.projects.IAMMember(
            f"{name}-vertex-user",
            project=args.project,
            role="roles/aiplatform.user",
            member=member,
            opts=child,
        ),
        # The training run starts from the scheduled run's request (its parameters); Cloud
        # Scheduler has no IAM on single jobs: reading them is granted on the project.
        gcp.projects.IAMMember(
            f"{name}-scheduler-viewer",
            project=args.project,
            role="roles/cloudscheduler.viewer",
            member=member,
            opts=child,
        ),
    ]
    # Pipeline jobs run as the training account, deployed models as the serving account: the
    # CI/CD account may act as these two only (never as the project's other accounts).
    acts_as = {"training": args.training_service_account}
    if args.deploy_settings is not None:
        acts_as["serving"] = pulumi.Output.from_input(args.deploy_settings).apply(
            lambda settings: deploy_setting(settings, "service_account")
        )
    grants += [
        gcp.serviceaccount.IAMMember(
            f"{name}-acts-as-{role}",
            service_account_id=account_name(args.project, email),
            role="roles/iam.serviceAccountUser",
            member=member,
            opts=child,
        )
        for role, email in acts_as.items()
    ]
    return CicdIdentity(account=account, member=member, grants=grants)

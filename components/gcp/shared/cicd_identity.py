"""The service accounts a CI/CD tool acts as, one per duty, each with the narrow grants of its duty.

Separation of duties: the account that runs the repository's tests may do nothing (a build's
logs aside); the train account pushes the training image, uploads the pipeline templates and
starts pipeline runs as the training account, but cannot deploy (a custom role with the
pipeline-job permissions only: `aiplatform.user` would let it deploy to the endpoint); the
deploy account reads the run and deploys to the endpoint as the serving account, and can
change no image, template or training run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_gcp as gcp

from components.gcp.shared.custom_role import custom_role_id, project_custom_role
from components.gcp.shared.uris import bucket_of


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


Duty = Literal["test", "train", "deploy"]

# What starting a pipeline run takes (Vertex AI documents metadataStores.get for creating a
# pipeline job); nothing that touches models or endpoints.
PIPELINE_STARTER_PERMISSIONS = (
    "aiplatform.metadataStores.get",
    "aiplatform.pipelineJobs.create",
    "aiplatform.pipelineJobs.get",
)


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


def cicd_identity(
    name: str, args: CicdIdentityArgs, duty: Duty, parent: pulumi.Resource
) -> CicdIdentity:
    """A dedicated service account `{name}-sa` with the grants `{name}-...` of one duty."""
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
    # The test account runs the repository's tests: it gets no grant at all.
    grants = (
        _train_grants(name, args, member, child)
        if duty == "train"
        else _deploy_grants(name, args, member, child)
        if duty == "deploy"
        else []
    )
    return CicdIdentity(account=account, member=member, grants=grants)


def _train_grants(
    name: str, args: CicdIdentityArgs, member: pulumi.Output[str], child: pulumi.ResourceOptions
) -> list[pulumi.Resource]:
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
    # Vertex AI has no IAM on pipeline jobs: starting one is granted on the project, through a
    # role that holds the pipeline-job permissions only.
    starter, starts_pipelines = project_custom_role(
        f"{name}-pipeline-starter",
        f"{name}-starts-pipelines",
        project=args.project,
        role_id=custom_role_id(args.account_id),
        title=f"Start the pipeline runs of {args.account_id}",
        permissions=PIPELINE_STARTER_PERMISSIONS,
        member=member,
        opts=child,
    )
    grants += [
        starter,
        starts_pipelines,
        gcp.storage.BucketIAMMember(
            f"{name}-pipeline-root",
            bucket=pulumi.Output.from_input(args.pipeline_root_uri).apply(bucket_of),
            role="roles/storage.objectAdmin",
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
        # Pipeline jobs run as the training account: the train account may act as it only.
        gcp.serviceaccount.IAMMember(
            f"{name}-acts-as-training",
            service_account_id=account_name(args.project, args.training_service_account),
            role="roles/iam.serviceAccountUser",
            member=member,
            opts=child,
        ),
    ]
    return grants


def _deploy_grants(
    name: str, args: CicdIdentityArgs, member: pulumi.Output[str], child: pulumi.ResourceOptions
) -> list[pulumi.Resource]:
    if args.deploy_settings is None:
        raise ValueError("a deploy identity needs the serving capability's deploy_settings")
    serving = pulumi.Output.from_input(args.deploy_settings).apply(
        lambda settings: deploy_setting(settings, "service_account")
    )
    return [
        # Vertex AI has no IAM on models or endpoints: reading the run and the model registry
        # and deploying to the endpoint are granted on the project.
        gcp.projects.IAMMember(
            f"{name}-vertex-user",
            project=args.project,
            role="roles/aiplatform.user",
            member=member,
            opts=child,
        ),
        # The deploy build checks the test build of the run's commit; Cloud Build has no IAM
        # on single builds: reading them is granted on the project.
        gcp.projects.IAMMember(
            f"{name}-builds-viewer",
            project=args.project,
            role="roles/cloudbuild.builds.viewer",
            member=member,
            opts=child,
        ),
        # Deployed models run as the serving account: the deploy account may act as it only.
        gcp.serviceaccount.IAMMember(
            f"{name}-acts-as-serving",
            service_account_id=account_name(args.project, serving),
            role="roles/iam.serviceAccountUser",
            member=member,
            opts=child,
        ),
    ]

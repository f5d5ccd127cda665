"""CI/CD capability on GCP: Cloud Build triggers on a 2nd-gen GitHub connection.

Every push to the branch starts three builds: test (pytest); train (test again, build and push
the training image, upload templates/ to the pipeline root and the compiled templates to the
training capability's template repository, then run the pipeline with the parameters of the
training capability's scheduled run and wait for it); and, when the blueprint serves a model,
deploy (the newest registered model to the endpoint, on the serving capability's machine type
and replica bounds), which waits for a person's approval before it touches production. The
builds run as a dedicated service account with narrow grants and log to Cloud Logging only;
their steps are in `cloud_build_steps`.

The GitHub connection needs one manual step. Without `github_app_installation_id` it is created
empty: open Cloud Build > Repositories (2nd gen) in the console and finish setting it up
(authorize GitHub, install the Cloud Build app on the repository) before the first build. With
the id of an existing installation of the Cloud Build GitHub App it is bound to that
installation, and the console only asks for the OAuth authorization. opsblocks keeps no GitHub
token: the console stores it in Secret Manager, as the Cloud Build service agent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gcp import cloud_build_steps as steps
from components.gcp.cicd_identity import CicdIdentityArgs, cicd_identity, repository_name


@dataclass(frozen=True, kw_only=True)
class GcpCloudBuildCicdArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    region: str
    kms_key_id: pulumi.Input[str]
    """Encrypts the pipeline jobs the train build starts."""
    protect: bool = False
    """Protect and retain the GitHub connection: its console set-up cannot be replayed."""
    service_account_id: str
    """Account id of the build service account (6-30 characters)."""
    repository_id: pulumi.Input[str]
    """Artifact Registry repository the train build pushes the training image to."""
    template_repository_id: pulumi.Input[str]
    """The training capability's KFP repository: the train build uploads the templates to it."""
    pipeline_root_uri: pulumi.Input[str]
    """`gs://<bucket>/...`: the train build uploads templates/ there."""
    pipeline_name: pulumi.Input[str]
    """Package of the pipeline template and display name of the models it registers."""
    scheduler_job_name: pulumi.Input[str]
    """The training capability's scheduled run: the train build starts a run with its request."""
    training_service_account: pulumi.Input[str]
    """E-mail of the account the pipeline jobs run as."""
    deploy_settings: pulumi.Input[str] | None = None
    """The serving capability's JSON (endpoint, machine type, replica bounds, service account)
    the deploy build deploys with; None: no deploy trigger."""
    repository: str
    """GitHub repository as owner/name."""
    branch: str = "main"
    github_app_installation_id: int | None = None
    """Installation of the Cloud Build GitHub App; None: install it from the console."""


class GcpCloudBuildCicd(pulumi.ComponentResource):
    service_account_email: pulumi.Output[str]
    """The account every build runs as."""
    connection_name: pulumi.Output[str]
    """The GitHub connection: finish setting it up once in the console."""
    trigger_ids: pulumi.Output[dict[str, str]]
    """Stage (test, train, deploy) -> trigger id."""

    def __init__(
        self, name: str, args: GcpCloudBuildCicdArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:GcpCloudBuildCicd", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = dict(args.labels)

        identity = cicd_identity(
            f"{name}-build",
            CicdIdentityArgs(
                project=args.project,
                region=args.region,
                account_id=args.service_account_id,
                description=f"Cloud Build builds of {args.repository}",
                repository_id=args.repository_id,
                template_repository_id=args.template_repository_id,
                pipeline_root_uri=args.pipeline_root_uri,
                training_service_account=args.training_service_account,
                deploy_settings=args.deploy_settings,
            ),
            self,
        )
        # A build that runs as a user-managed account writes its logs as that account; log
        # entries are written to the project's log buckets, so the role exists only there.
        log_writer = gcp.projects.IAMMember(
            f"{name}-build-log-writer",
            project=args.project,
            role="roles/logging.logWriter",
            member=identity.member,
            opts=child,
        )

        connection = self._connection(name, args, labels)
        repository = gcp.cloudbuildv2.Repository(
            f"{name}-repository",
            project=args.project,
            location=args.region,
            name=args.repository.split("/")[1],
            parent_connection=connection.name,
            remote_uri=f"https://github.com/{args.repository}.git",
            annotations=labels,
            opts=child,
        )

        values = _substitutions(args, labels)
        stages = ["test", "train"] + (["deploy"] if args.deploy_settings is not None else [])
        triggers = {
            stage: gcp.cloudbuild.Trigger(
                f"{name}-{stage}",
                project=args.project,
                location=args.region,
                description=f"opsblocks {name}: {stage} on every push to {args.branch}",
                service_account=identity.account.id,
                repository_event_config=gcp.cloudbuild.TriggerRepositoryEventConfigArgs(
                    repository=repository.id,
                    push=gcp.cloudbuild.TriggerRepositoryEventConfigPushArgs(
                        branch=f"^{re.escape(args.branch)}$"
                    ),
                ),
                build=_build(stage),
                substitutions={key: values[key] for key in steps.substitutions(stage)} or None,
                # Nothing reaches production before a person approves the build.
                approval_config=(
                    gcp.cloudbuild.TriggerApprovalConfigArgs(approval_required=True)
                    if stage == "deploy"
                    else None
                ),
                # A first build must not start before its account may work.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[*identity.grants, log_writer]),
            )
            for stage in stages
        }

        self.service_account_email = identity.account.email
        self.connection_name = connection.name
        self.trigger_ids = pulumi.Output.all(
            **{stage: trigger.trigger_id for stage, trigger in triggers.items()}
        )
        self.register_outputs(
            {
                "service_account_email": self.service_account_email,
                "connection_name": self.connection_name,
                "trigger_ids": self.trigger_ids,
            }
        )

    def _connection(
        self, name: str, args: GcpCloudBuildCicdArgs, labels: dict[str, str]
    ) -> gcp.cloudbuildv2.Connection:
        # The console set-up stores GitHub's OAuth token as a secret that the Cloud Build
        # service agent creates: Google documents Secret Manager Admin on the project for it
        # (the secret does not exist beforehand, so nothing narrower can be granted).
        agent = gcp.projects.ServiceIdentity(
            f"{name}-agent",
            project=args.project,
            service="cloudbuild.googleapis.com",
            opts=pulumi.ResourceOptions(parent=self),
        )
        secrets = gcp.projects.IAMMember(
            f"{name}-agent-secrets",
            project=args.project,
            role="roles/secretmanager.admin",
            member=pulumi.Output.concat("serviceAccount:", agent.email),
            opts=pulumi.ResourceOptions(parent=self),
        )
        installed = args.github_app_installation_id is not None
        return gcp.cloudbuildv2.Connection(
            f"{name}-github",
            project=args.project,
            location=args.region,
            github_config=(
                gcp.cloudbuildv2.ConnectionGithubConfigArgs(
                    app_installation_id=args.github_app_installation_id
                )
                if installed
                else None
            ),
            annotations=labels,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[secrets],
                protect=args.protect,
                retain_on_delete=args.protect,
                # What the console adds must survive the next `pulumi up`.
                ignore_changes=[
                    "githubConfig.authorizerCredential" if installed else "githubConfig"
                ],
            ),
        )


def _substitutions(
    args: GcpCloudBuildCicdArgs, labels: dict[str, str]
) -> dict[str, pulumi.Input[str]]:
    root = pulumi.Output.from_input(args.pipeline_root_uri).apply(lambda uri: uri.rstrip("/"))
    images = pulumi.Output.from_input(args.repository_id).apply(repository_name)
    templates = pulumi.Output.from_input(args.template_repository_id).apply(repository_name)
    values: dict[str, pulumi.Input[str]] = {
        steps.REGION: args.region,
        steps.PIPELINE_ROOT: root,
        steps.PIPELINE_NAME: args.pipeline_name,
        steps.SCHEDULER_JOB: args.scheduler_job_name,
        steps.TRAINING_SA: args.training_service_account,
        steps.KMS_KEY: args.kms_key_id,
        steps.LABELS: json.dumps(labels, sort_keys=True),
        steps.IMAGE: pulumi.Output.concat(
            f"{args.region}-docker.pkg.dev/", args.project, "/", images, "/training"
        ),
        steps.TEMPLATE_REPOSITORY: pulumi.Output.concat(
            f"https://{args.region}-kfp.pkg.dev/", args.project, "/", templates
        ),
    }
    if args.deploy_settings is not None:
        deploy = pulumi.Output.from_input(args.deploy_settings).apply(steps.deploy_substitutions)
        values |= {key: deploy[key] for key in steps.DEPLOY_SETTINGS}
    return values


def _build(stage: str) -> gcp.cloudbuild.TriggerBuildArgs:
    return gcp.cloudbuild.TriggerBuildArgs(
        steps=[
            gcp.cloudbuild.TriggerBuildStepArgs(
                id=step.id,
                name=step.image,
                entrypoint=step.entrypoint,
                args=step.args,
                envs=step.envs,
            )
            for step in steps.BUILDS[stage]
        ],
        timeout=steps.TIMEOUTS[stage],
        options=gcp.cloudbuild.TriggerBuildOptionsArgs(logging="CLOUD_LOGGING_ONLY"),
    )

"""CI/CD capability on GCP: Cloud Build triggers on a 2nd-gen GitHub connection.

Every push to the branch starts two builds: test (pytest), as an account that may do nothing
else; and train (build and push the training image, upload templates/ to the pipeline root and
the compiled templates to the training capability's template repository, then start the
pipeline with the parameters of the training capability's scheduled run, and end), as an
account that may start runs but not deploy. When the blueprint serves a model, the run's
completion event (its Vertex AI pipeline log, routed to a Pub/Sub topic) starts the deploy
build, which waits for a person's approval and then deploys exactly the model that run
registered (on the serving capability's machine type and replica bounds), as an account that
may deploy but change no image, template or run. Every build is inline in its trigger: the
repository cannot change what a build runs or skip the approval. The builds log to Cloud
Logging only; their steps are in `steps`.

The GitHub connection is complete on the first `pulumi up`: it is bound to an installation of
the Cloud Build GitHub App (`github_app_installation_id`) and authorized with a GitHub token
the blueprint's owner stored in Secret Manager (`github_token_secret`), which the
Cloud Build service agent may read, and nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gcp.cloud_build import steps
from components.gcp.cloud_build.connection import GithubConnectionArgs, github_connection
from components.gcp.cloud_build.events import runs_done_topic
from components.gcp.cloud_build.options import CloudBuildOptions
from components.gcp.shared.cicd_identity import (
    CicdIdentity,
    CicdIdentityArgs,
    Duty,
    cicd_identity,
    repository_name,
)
from components.gcp.shared.pipeline_job import template_repository_url


@dataclass(frozen=True, kw_only=True)
class GcpCloudBuildCicdArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    region: str
    kms_key_id: pulumi.Input[str]
    """Encrypts the pipeline jobs the train build starts and the run-completion topic."""
    protect: bool = False
    """Protect and retain the GitHub connection."""
    account_ids: Mapping[Duty, str]
    """Account id of each build's account: test, train and deploy (6-30 characters)."""
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
    options: CloudBuildOptions
    """The tool's options, as the blueprint gave them (validated)."""


class GcpCloudBuildCicd(pulumi.ComponentResource):
    service_account_email: pulumi.Output[str]
    """The account the train build runs as (it starts the pipeline runs)."""
    deploy_service_account_email: pulumi.Output[str] | None
    """The account the deploy build runs as; None: no serving capability, no deploy build."""
    connection_name: pulumi.Output[str]
    """The GitHub connection."""
    trigger_ids: pulumi.Output[dict[str, str]]
    """Stage (test, train, deploy) -> trigger id."""

    def __init__(
        self, name: str, args: GcpCloudBuildCicdArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:GcpCloudBuildCicd", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = dict(args.labels)

        stages: list[Duty] = ["test", "train"]
        if args.deploy_settings is not None:
            stages.append("deploy")
        identities = {stage: self._identity(name, args, stage) for stage in stages}

        connection = github_connection(
            name,
            GithubConnectionArgs(
                project=args.project,
                region=args.region,
                installation_id=args.options.github_app_installation_id,
                token_secret=args.options.github_token_secret,
                token_version=args.options.github_token_version,
                protect=args.protect,
                labels=labels,
            ),
            self,
        )
        repository = gcp.cloudbuildv2.Repository(
            f"{name}-repository",
            project=args.project,
            location=args.region,
            name=args.options.repository.split("/")[1],
            parent_connection=connection.name,
            remote_uri=f"https://github.com/{args.options.repository}.git",
            annotations=labels,
            opts=child,
        )
        push = gcp.cloudbuild.TriggerRepositoryEventConfigArgs(
            repository=repository.id,
            push=gcp.cloudbuild.TriggerRepositoryEventConfigPushArgs(
                branch=f"^{re.escape(args.options.branch)}$"
            ),
        )
        values = _substitutions(args, labels)
        # The deploy build starts from the completion event of a run, never from a push.
        done = (
            runs_done_topic(name, args.project, args.pipeline_name, args.kms_key_id, labels, self)
            if "deploy" in identities
            else None
        )
        pushed = f"on every push to {args.options.branch}"
        when = {"test": pushed, "train": pushed, "deploy": "after a train run, once approved"}
        triggers: dict[str, gcp.cloudbuild.Trigger] = {}
        for stage, identity in identities.items():
            triggers[stage] = gcp.cloudbuild.Trigger(
                f"{name}-{stage}",
                project=args.project,
                location=args.region,
                description=f"opsblocks {name}: {stage} {when[stage]}",
                service_account=identity.account.id,
                repository_event_config=push if stage != "deploy" else None,
                pubsub_config=(
                    gcp.cloudbuild.TriggerPubsubConfigArgs(topic=done.id)
                    if done is not None and stage == "deploy"
                    else None
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
                opts=pulumi.ResourceOptions(parent=self, depends_on=identity.grants),
            )
            if stage == "test":
                # The deploy build checks that the tests of the run's commit passed.
                values[steps.TEST_TRIGGER] = triggers["test"].trigger_id

        self.service_account_email = identities["train"].account.email
        self.deploy_service_account_email = (
            identities["deploy"].account.email if "deploy" in identities else None
        )
        self.connection_name = connection.name
        self.trigger_ids = pulumi.Output.all(
            **{stage: trigger.trigger_id for stage, trigger in triggers.items()}
        )
        self.register_outputs(
            {
                "service_account_email": self.service_account_email,
                "deploy_service_account_email": self.deploy_service_account_email,
                "connection_name": self.connection_name,
                "trigger_ids": self.trigger_ids,
            }
        )

    def _identity(self, name: str, args: GcpCloudBuildCicdArgs, stage: Duty) -> CicdIdentity:
        identity = cicd_identity(
            f"{name}-{stage}",
            CicdIdentityArgs(
                project=args.project,
                region=args.region,
                account_id=args.account_ids[stage],
                description=f"Cloud Build {stage} builds of {args.options.repository}",
                repository_id=args.repository_id,
                template_repository_id=args.template_repository_id,
                pipeline_root_uri=args.pipeline_root_uri,
                training_service_account=args.training_service_account,
                deploy_settings=args.deploy_settings,
            ),
            stage,
            self,
        )
        # A build that runs as a user-managed account writes its logs as that account; log
        # entries are written to the project's log buckets, so the role exists only there.
        log_writer = gcp.projects.IAMMember(
            f"{name}-{stage}-log-writer",
            project=args.project,
            role="roles/logging.logWriter",
            member=identity.member,
            opts=pulumi.ResourceOptions(parent=self),
        )
        grants = [*identity.grants, log_writer]
        if stage == "deploy":
            # The deploy build compares the run's parameters with the training schedule's:
            # Cloud Scheduler has no IAM on single jobs, reading them is granted on the project.
            grants.append(gcp.projects.IAMMember(
                f"{name}-{stage}-scheduler-viewer",
                project=args.project,
                role="roles/cloudscheduler.viewer",
                member=identity.member,
                opts=pulumi.ResourceOptions(parent=self),
            ))  # fmt: skip
        return CicdIdentity(identity.account, identity.member, grants)


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
        steps.TEMPLATE_REPOSITORY: pulumi.Output.all(args.project, templates).apply(
            lambda found: template_repository_url(args.region, found[0], found[1])
        ),
    }
    if args.deploy_settings is not None:
        deploy = pulumi.Output.from_input(args.deploy_settings).apply(steps.deploy_substitutions)
        values |= {key: deploy[key] for key in steps.DEPLOY_SETTINGS}
        # The completion event is the run's log entry: its resource names the pipeline job.
        values[steps.PIPELINE_JOB] = "$(body.message.data.resource.labels.pipeline_job_id)"
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

"""Training capability on GCP: Vertex AI Pipelines, run on a schedule as a dedicated identity.

CI/CD compiles the training pipeline under `pipeline_name` and uploads it, tagged `latest`, to
this component's KFP template repository (Artifact Registry: the only template source the
Vertex REST API accepts). Cloud Scheduler starts a run of that template on `schedule`, as the
pipeline service account, CMEK-encrypted, peered to the platform network, writing to the
pipeline-root bucket; the run's parameters carry the data, the hyperparameters and the
validation tool's quality gate (see `vertex_pipelines.job`). Training steps log to a
CMEK-encrypted TensorBoard; `workbench` adds a private notebook instance for the team.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import pulumi
import pulumi_gcp as gcp

from components.gcp.shared import pipeline_job
from components.gcp.shared.custom_role import (
    PIPELINE_RUN_PERMISSIONS,
    custom_role_id,
    project_custom_role,
)
from components.gcp.shared.dataset import dataset_reader
from components.gcp.shared.secure_bucket import GcpSecureBucket, GcpSecureBucketArgs
from components.gcp.vertex_pipelines import job
from components.gcp.vertex_pipelines.options import VertexPipelinesOptions
from components.gcp.vertex_pipelines.workbench import workbench

OBJECT_VIEWER = "roles/storage.objectViewer"
OBJECT_ADMIN = "roles/storage.objectAdmin"


@dataclass(frozen=True, kw_only=True)
class GcpVertexPipelinesTrainingArgs:
    labels: Mapping[str, str]
    project: pulumi.Input[str]
    region: str
    kms_key_id: pulumi.Input[str]
    """Encrypts the pipeline root, the templates, the TensorBoard, every run and the notebook."""
    access_log_bucket: pulumi.Input[str]
    protect: bool = False
    """Protect and retain the stateful resources (buckets, repository, TensorBoard, notebook)."""
    network_id: pulumi.Input[str]
    """VPC the runs are peered to (it needs Private Services Access)."""
    subnet_id: pulumi.Input[str]
    """Private subnet of the Workbench instance."""
    pipeline_name: str
    """Display name of every run and package name of the template CI/CD uploads."""
    service_account_id: str
    """Account id of the pipeline identity, e.g. fraud-pipeline."""
    workbench_account_id: str
    """Account id of the notebook's identity (with `workbench`), e.g. fraud-workbench."""
    data_bucket_names: Sequence[pulumi.Input[str]]
    """Buckets the pipeline and the notebook may read."""
    data_uri: pulumi.Input[str]
    dataset_id: pulumi.Input[str]
    """BigQuery dataset (id within `project`) the pipeline and the notebook may read."""
    artifact_bucket: pulumi.Input[str]
    artifact_uri: pulumi.Input[str]
    """Where runs write model artifacts (parameter artifact_uri)."""
    repository_id: pulumi.Input[str]
    """Artifact Registry repository of the blueprint's images; the pipeline may pull from it."""
    quality_metric: str | None = None
    """Metric the pipeline gates registration on; None: no validation tool, no gate."""
    quality_threshold: float | None = None
    quality_direction: str = "maximize"
    options: VertexPipelinesOptions = field(default_factory=VertexPipelinesOptions)
    """The tool's options, as the blueprint gave them (validated)."""


class GcpVertexPipelinesTraining(pulumi.ComponentResource):
    service_account_email: pulumi.Output[str]
    """Identity of every run (and of the scheduler that starts them)."""
    pipeline_name: pulumi.Output[str]
    pipeline_root_uri: pulumi.Output[str]
    """`gs://<bucket>/`: runs write their outputs here."""
    template_uri: pulumi.Output[str]
    """Template every scheduled run starts from; CI/CD uploads it."""
    template_repository_id: pulumi.Output[str]
    """KFP repository (id within project and region) of the templates: CI/CD uploads them,
    the scheduled runs and the monitoring drift check start from them."""
    tensorboard_id: pulumi.Output[str]
    scheduler_job_name: pulumi.Output[str]
    """Cloud Scheduler job of the scheduled run: CI/CD starts its runs with the job's request."""

    def __init__(
        self,
        name: str,
        args: GcpVertexPipelinesTrainingArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("opsblocks:index:GcpVertexPipelinesTraining", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        labels = dict(args.labels)

        account = gcp.serviceaccount.Account(
            f"{name}-pipeline",
            account_id=args.service_account_id,
            display_name=f"opsblocks {name}: Vertex AI pipeline runs",
            project=args.project,
            opts=child,
        )
        member = pulumi.Output.concat("serviceAccount:", account.email)
        root = GcpSecureBucket(
            f"{name}-root",
            GcpSecureBucketArgs(labels=labels, project=args.project, region=args.region,
                                kms_key_id=args.kms_key_id,
                                access_log_bucket=args.access_log_bucket, protect=args.protect),
            opts=child,
        )  # fmt: skip
        templates = gcp.artifactregistry.Repository(
            f"{name}-templates",
            repository_id=f"{args.pipeline_name}-templates",
            format="KFP",
            location=args.region,
            description=f"opsblocks {name}: compiled templates of {args.pipeline_name}",
            kms_key_name=args.kms_key_id,
            labels=labels,
            project=args.project,
            opts=stateful,
        )
        tensorboard = gcp.vertex.AiTensorboard(
            f"{name}-tensorboard",
            display_name=args.pipeline_name,
            description=f"opsblocks {name}: training runs of {args.pipeline_name}",
            encryption_spec=gcp.vertex.AiTensorboardEncryptionSpecArgs(
                kms_key_name=args.kms_key_id
            ),
            labels=labels,
            project=args.project,
            region=args.region,
            opts=stateful,
        )

        self._read_data(f"{name}-pipeline", member, args)
        for store, bucket in (("root", root.bucket), ("artifacts", args.artifact_bucket)):
            gcp.storage.BucketIAMMember(f"{name}-pipeline-writes-{store}", bucket=bucket,
                                        role=OBJECT_ADMIN, member=member, opts=child)  # fmt: skip
        for store, repository in (("images", args.repository_id),
                                  ("templates", templates.repository_id)):  # fmt: skip
            gcp.artifactregistry.RepositoryIamMember(
                f"{name}-pipeline-reads-{store}", repository=repository, location=args.region,
                project=args.project, role="roles/artifactregistry.reader", member=member,
                opts=child)  # fmt: skip
        # Vertex AI has no IAM below the project on jobs and models: a custom role on the
        # project with what a run needs, not `aiplatform.user`, which could deploy to the
        # endpoint and skip the approved deploy build.
        _, run_pipelines = project_custom_role(
            f"{name}-pipeline-runner", f"{name}-pipeline-runs-jobs", project=args.project,
            role_id=custom_role_id(args.service_account_id, "runs"),
            title=f"Pipeline runs of {args.pipeline_name}", permissions=PIPELINE_RUN_PERMISSIONS,
            member=member, opts=child)  # fmt: skip
        # The scheduler calls Vertex as this account, and the run executes as this account:
        # the account may act as itself, and as no other.
        act_as_itself = gcp.serviceaccount.IAMMember(
            f"{name}-pipeline-acts-as-itself", service_account_id=account.name,
            role="roles/iam.serviceAccountUser", member=member, opts=child)  # fmt: skip

        if args.options.workbench:
            notebook_identity = workbench(
                self,
                name,
                project=args.project,
                region=args.region,
                kms_key_id=args.kms_key_id,
                network_id=args.network_id,
                subnet_id=args.subnet_id,
                account_id=args.workbench_account_id,
                machine_type=args.options.workbench_machine_type,
                protect=args.protect,
                labels=labels,
            )
            self._read_data(f"{name}-workbench", notebook_identity, args)

        # Checked here, not inside apply: a gate without a threshold fails at construction.
        gate = job.quality_gate_parameters(
            args.quality_metric, args.quality_threshold, args.quality_direction
        )
        scheduled_run = partial(
            job.scheduled_run, region=args.region, labels=labels, quality_gate=gate,
            pipeline_name=args.pipeline_name, machine_type=args.options.machine_type,
            hyperparameters=args.options.hyperparameters)  # fmt: skip

        project_number = gcp.organizations.get_project_output(
            project_id=args.project, opts=pulumi.InvokeOutputOptions(parent=self)
        ).number
        template_uri = pulumi.Output.all(args.project, templates.repository_id).apply(
            lambda v: pipeline_job.template_uri(
                pipeline_job.template_repository_url(args.region, v[0], v[1]), args.pipeline_name
            )
        )
        run = pulumi.Output.all(
            project=args.project, project_number=project_number, kms_key_name=args.kms_key_id,
            service_account=account.email, pipeline_root=root.uri, template_uri=template_uri,
            data_uri=args.data_uri, dataset_id=args.dataset_id, artifact_uri=args.artifact_uri,
            tensorboard=tensorboard.id, network_id=args.network_id,
        )  # fmt: skip
        scheduler = gcp.cloudscheduler.Job(
            f"{name}-schedule",
            description=f"opsblocks {name}: scheduled run of {args.pipeline_name}",
            schedule=args.options.schedule,
            time_zone=args.options.time_zone,
            http_target=gcp.cloudscheduler.JobHttpTargetArgs(
                uri=pulumi.Output.from_input(args.project).apply(
                    lambda project: pipeline_job.pipelines_endpoint(args.region, project)
                ),
                http_method="POST",
                headers={"Content-Type": "application/json"},
                body=run.apply(lambda known: pipeline_job.encoded_body(scheduled_run(**known))),
                oauth_token=gcp.cloudscheduler.JobHttpTargetOauthTokenArgs(
                    service_account_email=account.email, scope=pipeline_job.CLOUD_PLATFORM
                ),
            ),
            project=args.project,
            region=args.region,
            # The first run must find the account's permissions in place.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[run_pipelines, act_as_itself]),
        )

        self.service_account_email = account.email
        self.pipeline_name = pulumi.Output.from_input(args.pipeline_name)
        self.pipeline_root_uri = root.uri
        self.template_uri = template_uri
        self.template_repository_id = templates.repository_id
        self.tensorboard_id = tensorboard.id
        self.scheduler_job_name = scheduler.name
        self.register_outputs(
            {
                "service_account_email": self.service_account_email,
                "pipeline_name": self.pipeline_name,
                "pipeline_root_uri": self.pipeline_root_uri,
                "template_uri": self.template_uri,
                "template_repository_id": self.template_repository_id,
                "tensorboard_id": self.tensorboard_id,
                "scheduler_job_name": self.scheduler_job_name,
            }
        )

    def _read_data(
        self, prefix: str, member: pulumi.Output[str], args: GcpVertexPipelinesTrainingArgs
    ) -> None:
        """Read access to the blueprint's data: each data bucket, the dataset, BigQuery jobs."""
        child = pulumi.ResourceOptions(parent=self)
        for index, bucket in enumerate(args.data_bucket_names):
            gcp.storage.BucketIAMMember(f"{prefix}-reads-data-{index}", bucket=bucket,
                                        role=OBJECT_VIEWER, member=member, opts=child)  # fmt: skip
        # A `DatasetAccess` entry: the dataset's explicit `accesses` rule out IAM members.
        dataset_reader(f"{prefix}-reads-dataset", project=args.project, dataset_id=args.dataset_id,
                       service_account_email=member.apply(lambda m: m.split(":", 1)[1]),
                       parent=self)  # fmt: skip
        # BigQuery jobs (queries, reads of the dataset) exist only at project level.
        gcp.projects.IAMMember(f"{prefix}-runs-queries", project=args.project,
                               role="roles/bigquery.jobUser", member=member,
                               opts=child)  # fmt: skip

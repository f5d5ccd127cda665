"""The drift check of the GCP monitoring capability: its identity and its schedule.

The drift check is a Vertex AI pipeline run that compares the logged predictions (the
serving capability's BigQuery request-response log) with the training data. A Cloud
Scheduler job starts it on its `schedule`: the run starts from the template `drift` (tag
`latest`) that CI/CD uploads to the training capability's KFP repository (the Vertex REST
API takes templates from Artifact Registry only) and writes its outputs under the pipeline
root. It runs as the monitoring service account, which may read the prediction dataset, that
repository and that bucket, and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gcp.shared.custom_role import (
    PIPELINE_RUN_BASICS,
    custom_role_id,
    project_custom_role,
)
from components.gcp.shared.dataset import dataset_reader
from components.gcp.shared.pipeline_job import (
    CLOUD_PLATFORM,
    pipelines_endpoint,
    template_repository_url,
    template_uri,
)
from components.gcp.shared.uris import bucket_of
from components.gcp.vertex_model_monitoring.documents import (
    DRIFT_TEMPLATE,
    dataset_of,
    drift_run_body,
)


@dataclass(frozen=True, kw_only=True)
class DriftCheck:
    """What the monitoring component gives its drift check."""

    labels: Mapping[str, str]
    project: pulumi.Input[str]
    region: str
    kms_key_id: pulumi.Input[str]
    """Encrypts the drift-check pipeline runs."""
    service_account_id: str
    """Account id of the identity the drift checks run as (6-30 characters)."""
    prediction_log_table: pulumi.Input[str]
    """`bq://<project>.<dataset>.<table>`: the endpoint's request-response log."""
    schedule: str
    """unix-cron, in UTC."""
    threshold: float


def drift_identity(
    parent: pulumi.Resource, name: str, check: DriftCheck
) -> tuple[gcp.serviceaccount.Account, list[pulumi.Resource]]:
    """The drift checks' service account and its grants: read the log, run pipelines."""
    child = pulumi.ResourceOptions(parent=parent)
    account = gcp.serviceaccount.Account(f"{name}-identity", project=check.project,
                                         account_id=check.service_account_id,
                                         display_name=f"opsblocks {name}: drift checks",
                                         opts=child)  # fmt: skip
    member = pulumi.Output.concat("serviceAccount:", account.email)
    grants: list[pulumi.Resource] = [
        dataset_reader(
            f"{name}-read-predictions",
            project=check.project,
            dataset_id=pulumi.Output.from_input(check.prediction_log_table).apply(dataset_of),
            service_account_email=account.email,
            parent=parent,
        )
    ]
    # Project-level, because GCP offers nothing narrower: pipeline jobs and BigQuery query
    # jobs are created under the project and exist only once started, so no resource-level
    # grant can precede them. Data access stays limited to the dataset above. Running the
    # drift pipeline takes a custom role, not `aiplatform.user`, which could deploy to the
    # endpoint around the approved deploy build.
    _, run_pipelines = project_custom_role(
        f"{name}-drift-runner", f"{name}-run-pipelines", project=check.project,
        role_id=custom_role_id(check.service_account_id, "runs"),
        title=f"Drift-check runs of {name}", permissions=PIPELINE_RUN_BASICS,
        member=member, opts=child)  # fmt: skip
    grants += [
        run_pipelines,
        gcp.projects.IAMMember(f"{name}-query", project=check.project,
                               role="roles/bigquery.jobUser", member=member, opts=child),
    ]  # fmt: skip
    # A pipeline run names the account it runs as: the caller needs actAs on it. The
    # scheduled run calls as the account itself, so it may act as itself, and nobody else.
    grants.append(
        gcp.serviceaccount.IAMMember(f"{name}-act-as-itself", service_account_id=account.name,
                                     role="roles/iam.serviceAccountUser", member=member,
                                     opts=child)
    )  # fmt: skip
    return account, grants


def drift_check(parent: pulumi.Resource, name: str, check: DriftCheck,
                template_repository_id: pulumi.Input[str], pipeline_root_uri: pulumi.Input[str],
                account: gcp.serviceaccount.Account,
                grants: list[pulumi.Resource]) -> gcp.cloudscheduler.Job:  # fmt: skip
    """Cloud Scheduler starts a drift-check pipeline run on its `schedule`."""
    child = pulumi.ResourceOptions(parent=parent)
    member = pulumi.Output.concat("serviceAccount:", account.email)
    root = pulumi.Output.from_input(pipeline_root_uri)
    # Reads the template: from the training capability's template repository only.
    template_grant = gcp.artifactregistry.RepositoryIamMember(
        f"{name}-read-templates", project=check.project, location=check.region,
        repository=template_repository_id, role="roles/artifactregistry.reader",
        member=member, opts=child)  # fmt: skip
    # Writes the run's outputs (overwriting them on a retry): on the pipeline-root bucket only.
    bucket_grant = gcp.storage.BucketIAMMember(f"{name}-pipeline-root",
                                               bucket=root.apply(bucket_of),
                                               role="roles/storage.objectUser", member=member,
                                               opts=child)  # fmt: skip
    run = pulumi.Output.all(
        template_uri=pulumi.Output.all(check.project, template_repository_id).apply(
            lambda found: template_uri(
                template_repository_url(check.region, found[0], found[1]), DRIFT_TEMPLATE
            )
        ),
        pipeline_root_uri=root, prediction_table=check.prediction_log_table,
        service_account=account.email, kms_key_id=check.kms_key_id,
    )  # fmt: skip
    return gcp.cloudscheduler.Job(
        f"{name}-drift-check",
        project=check.project,
        region=check.region,
        description=f"opsblocks {name}: starts a drift-check pipeline run",
        schedule=check.schedule,
        time_zone="Etc/UTC",
        http_target=gcp.cloudscheduler.JobHttpTargetArgs(
            uri=pulumi.Output.from_input(check.project).apply(
                lambda project: pipelines_endpoint(check.region, project)
            ),
            http_method="POST",
            headers={"Content-Type": "application/json"},
            body=run.apply(
                lambda known: drift_run_body(
                    **known, drift_threshold=check.threshold, labels=check.labels
                )
            ),
            oauth_token=gcp.cloudscheduler.JobHttpTargetOauthTokenArgs(
                service_account_email=account.email, scope=CLOUD_PLATFORM
            ),
        ),
        # Creating a run is not idempotent: a retried request could start two runs.
        retry_config=gcp.cloudscheduler.JobRetryConfigArgs(retry_count=0),
        # The first run must find the account's permissions in place.
        opts=pulumi.ResourceOptions(
            parent=parent, depends_on=[*grants, template_grant, bucket_grant]
        ),
    )

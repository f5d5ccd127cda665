"""The log filters of the GCP alert policies: plain functions, plain tests."""

from __future__ import annotations

from components.gcp.shared.log_alerts import failed_attempts_filter, failed_runs_filter


def test_failed_runs_of_one_pipeline_do_not_match_another_pipeline_with_a_longer_name() -> None:
    found = failed_runs_filter("fraud-prod-training")

    # `<pipeline>-<timestamp>`: a digit after the dash, so `fraud-prod-training-v2-…` is out.
    assert 'resource.labels.pipeline_job_id=~"^fraud-prod-training-[0-9]"' in found
    assert "severity>=ERROR" in found


def test_failed_runs_match_the_documented_pipeline_name_label_whatever_the_generated_run_id() -> (
    None
):
    found = failed_runs_filter("fraud-prod-training")

    # Cloud Logging's platform-log index lists `pipeline_name` among the labels of
    # `pipeline_job_events`; the REST API documents no format for the ids it generates.
    assert found.endswith(
        '(labels.pipeline_name="fraud-prod-training" '
        'OR resource.labels.pipeline_job_id=~"^fraud-prod-training-[0-9]" '
        'OR resource.labels.pipeline_job_id=~"^fraud-prod-training-ci-")'
    )


def test_failed_runs_include_the_runs_the_train_build_started() -> None:
    found = failed_runs_filter("fraud-prod-training")

    # The train build names its runs `<pipeline>-ci-<commit>-<time>`: a quality gate that fails
    # in a CI run alerts too.
    assert 'OR resource.labels.pipeline_job_id=~"^fraud-prod-training-ci-")' in found


def test_failed_attempts_name_each_scheduler_job_by_its_id() -> None:
    found = failed_attempts_filter(
        ["projects/p/locations/us-central1/jobs/fraud-schedule", "fraud-drift-check"]
    )

    assert found == (
        'resource.type="cloud_scheduler_job" '
        'AND resource.labels.job_id=("fraud-schedule" OR "fraud-drift-check") AND severity>=ERROR'
    )

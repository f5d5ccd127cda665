"""The scheduled Vertex AI run as plain data: template URI, request, body, workbench naming."""

from __future__ import annotations

import base64
import json

import pytest

from components.gcp.shared import pipeline_job
from components.gcp.vertex_pipelines import job
from components.gcp.vertex_pipelines.workbench import checked_account_id, workbench_zone


def test_template_uri_names_the_package_and_tag_in_the_kfp_repository() -> None:
    host = pipeline_job.template_repository_url("europe-west4", "acme-ml", "fraud-templates")

    assert host == "https://europe-west4-kfp.pkg.dev/acme-ml/fraud-templates"
    assert (
        pipeline_job.template_uri(host, "fraud-prod-training")
        == f"{host}/fraud-prod-training/latest"
    )


def test_network_is_named_by_project_number() -> None:
    network = job.network_name("424242", "projects/acme-ml/global/networks/fraud-vpc")

    assert network == "projects/424242/global/networks/fraud-vpc"


def test_gate_parameters_carry_metric_threshold_and_direction() -> None:
    expected = {"quality_metric": "auc", "quality_threshold": 0.8, "quality_direction": "maximize"}
    assert job.quality_gate_parameters("auc", 0.8, "maximize") == expected
    assert job.quality_gate_parameters(None, None, "maximize") == {}


@pytest.mark.parametrize(
    ("threshold", "direction", "error"),
    [(None, "maximize", "no threshold"), (0.8, "upwards", "not maximize or minimize")],
)
def test_an_incomplete_gate_is_refused(threshold: float | None, direction: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        job.quality_gate_parameters("auc", threshold, direction)


def test_encoded_body_is_base64_json() -> None:
    request = job.pipeline_job_request(
        display_name="p", template_uri="t", pipeline_root="gs://r/", parameters={"a": 1},
        kms_key_name="k", service_account="sa", network="n", labels={"team": "risk"},
    )  # fmt: skip

    decoded = json.loads(base64.b64decode(pipeline_job.encoded_body(request)))
    assert decoded == request
    assert decoded["runtimeConfig"] == {"gcsOutputDirectory": "gs://r/",
                                        "parameterValues": {"a": 1}}  # fmt: skip


def test_workbench_account_is_taken_as_given() -> None:
    assert checked_account_id("fraud-workbench") == "fraud-workbench"


def test_workbench_account_over_30_characters_is_refused() -> None:
    with pytest.raises(ValueError, match="31 characters"):
        checked_account_id("blueprint-of-21-chars-workbench")


def test_workbench_zone_is_one_every_region_has() -> None:
    assert workbench_zone("us-east1") == "us-east1-b"

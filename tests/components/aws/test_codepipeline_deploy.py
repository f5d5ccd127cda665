"""The deploy stage serves an endpoint as `pulumi up` would: its buildspec's request builder,
run on the settings the serving capability publishes, against what the serving capability
sends for an endpoint it creates itself."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from components.aws.codepipeline.buildspecs import DEPLOY
from tests.components.aws.test_sagemaker_endpoint import MODEL, TAGS, serving

OPTIONS = {"instance_type": "ml.c5.xlarge", "min_instances": 2, "max_instances": 6,
           "invocations_per_instance": 300, "capture_percent": 20}  # fmt: skip
PACKAGE = "arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-prod-models/3"


def deploy_requests(tmp_path: Path, **options: Any) -> dict[str, Any]:
    """Run the deploy buildspec's Python (the heredoc) on the published settings."""
    published = (
        serving(**OPTIONS | options).named("serving-deploy-settings").inputs["insecureValue"]
    )
    (tmp_path / "settings.json").write_text(published)
    [command] = YAML(typ="safe").load(DEPLOY)["phases"]["build"]["commands"]
    script = re.search(r"<<'PY'\n(.*?)\nPY\n", command, re.DOTALL)
    assert script is not None
    subprocess.run([sys.executable, "-I", "-", PACKAGE, "fraud-prod-20260101000000"],
                   input=script.group(1), text=True, cwd=tmp_path, check=True)  # fmt: skip
    names = ("model", "config", "tags", "scaling-tags", "scaling")
    found = {name: json.loads((tmp_path / f"{name}.json").read_text()) for name in names}
    found["settings"] = json.loads(published)
    return found


@pytest.mark.parametrize("instance_type", ["ml.c5.xlarge", "ml.g5.xlarge"])
def test_endpoint_configuration_equals_the_one_pulumi_creates(
    tmp_path: Path, instance_type: str
) -> None:
    requests = deploy_requests(tmp_path, instance_type=instance_type)
    options = OPTIONS | {"instance_type": instance_type}
    created = serving(model_data_url=MODEL, **options).named("serving-config").inputs
    [variant] = created["productionVariants"]
    [sent] = requests["config"]["ProductionVariants"]
    capture = created["dataCaptureConfig"]

    assert (sent["VariantName"], sent["InstanceType"], sent["InitialInstanceCount"],
            sent["InitialVariantWeight"]) == (variant["variantName"], variant["instanceType"],
                                              variant["initialInstanceCount"],
                                              variant["initialVariantWeight"])  # fmt: skip
    # No volume key on local NVMe storage (ml.g5): CreateEndpointConfig refuses one there.
    assert requests["config"].get("KmsKeyId") == created.get("kmsKeyArn")
    assert requests["config"]["DataCaptureConfig"] == {
        "EnableCapture": capture["enableCapture"],
        "InitialSamplingPercentage": capture["initialSamplingPercentage"],
        "DestinationS3Uri": capture["destinationS3Uri"], "KmsKeyId": capture["kmsKeyId"],
        "CaptureOptions": [{"CaptureMode": o["captureMode"]} for o in capture["captureOptions"]],
    }  # fmt: skip
    assert requests["model"]["EnableNetworkIsolation"] is True
    assert requests["model"]["Containers"] == [{"ModelPackageName": PACKAGE}]


def test_auto_scaling_equals_the_one_pulumi_gives_an_endpoint_it_creates(tmp_path: Path) -> None:
    requests = deploy_requests(tmp_path)
    graph = serving(model_data_url=MODEL, **OPTIONS)
    target = graph.named("serving-scaling-target").inputs
    policy = graph.named("serving-scaling-policy").inputs
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    settings = requests["settings"]

    # `max_instances` did nothing for an endpoint the deploy stage created: it does now.
    assert (settings["min_instances"], settings["max_instances"]) == (
        target["minCapacity"],
        target["maxCapacity"],
    )
    assert settings["scaling_policy_name"] == policy["name"]
    assert requests["scaling"] == {
        "TargetValue": tracking["targetValue"],
        "PredefinedMetricSpecification": {"PredefinedMetricType": tracking[
            "predefinedMetricSpecification"]["predefinedMetricType"]},
        "ScaleOutCooldown": tracking["scaleOutCooldown"],
        "ScaleInCooldown": tracking["scaleInCooldown"],
    }  # fmt: skip
    for flag in (
        "--min-capacity",
        "--max-capacity",
        "--policy-name",
        "--target-tracking-scaling-policy-configuration file://scaling.json",
    ):
        assert flag in DEPLOY
    assert 'resource-id "$RESOURCE_ID"' in DEPLOY
    assert target["resourceId"] == "endpoint/fraud-prod/variant/" + settings["variant_name"]


def test_what_the_deploy_stage_creates_carries_the_serving_tags(tmp_path: Path) -> None:
    requests = deploy_requests(tmp_path)
    tags = [{"Key": key, "Value": value} for key, value in TAGS.items()]

    assert requests["model"]["Tags"] == requests["config"]["Tags"] == requests["tags"] == tags
    assert requests["scaling-tags"] == TAGS
    assert "--tags file://tags.json" in DEPLOY and "--tags file://scaling-tags.json" in DEPLOY


def test_the_monitoring_schedule_is_created_once_from_the_published_requests() -> None:
    for call in (
        "create-data-quality-job-definition --cli-input-json file://job.json",
        "create-monitoring-schedule --cli-input-json file://schedule.json",
        "describe-monitoring-schedule",
    ):
        assert call in DEPLOY
    assert 'if [ -n "${MONITORING_PARAMETER_NAME:-}" ]' in DEPLOY

"""AwsSagemakerEndpointServing: the endpoint now with a model, its settings for CI/CD without."""

from __future__ import annotations

import json
from typing import Any

from components.aws.sagemaker_endpoint.component import (
    AwsSagemakerEndpointServing,
    AwsSagemakerEndpointServingArgs,
)
from opsblocks.preview import Graph
from tests.recording import (
    ACCOUNT_ID,
    TEST_INVOKES,
    args_of,
    as_list,
    run,
    statements,
)

KEY = "arn:aws:kms:us-east-1:123456789012:key/serving"
TAGS = {"team": "risk", "opsblocks:capability": "serving"}
MODEL = "s3://fraud-models/model.tar.gz"
ARTIFACTS = "arn:aws:s3:::fraud-artifacts"
REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/fraud"
XGBOOST_REPOSITORY = "arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-xgboost"
COMPONENT = "opsblocks:index:AwsSagemakerEndpointServing"
DEPLOYED_TYPES = {
    "aws:sagemaker/model:Model", "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    "aws:sagemaker/endpoint:Endpoint", "aws:appautoscaling/target:Target",
    "aws:appautoscaling/policy:Policy",
}  # fmt: skip
# Actions AWS authorizes only on Resource "*"; nothing else may be granted on "*".
UNSCOPABLE = {
    "ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
}  # fmt: skip


def build(**overrides: Any) -> AwsSagemakerEndpointServing:
    args: dict[str, Any] = {
        "tags": TAGS, "kms_key_arn": KEY, "access_log_bucket": "access-logs",
        "subnet_ids": ["subnet-a", "subnet-b"], "security_group_id": "sg-1",
        "region": "us-east-1", "endpoint_name": "fraud-prod",
        "artifact_bucket_arn": ARTIFACTS, "repository_arn": REPOSITORY,
    }  # fmt: skip
    return AwsSagemakerEndpointServing(
        "serving", args_of(AwsSagemakerEndpointServingArgs, **args | overrides)
    )


def serving(**overrides: Any) -> Graph:
    return run(lambda: build(**overrides))


def role_statements(graph: Graph) -> list[dict[str, Any]]:
    return statements(json.loads(graph.named("serving-role", "RolePolicy").inputs["policy"]))


def test_without_a_model_no_endpoint_is_created_but_role_capture_bucket_and_settings_are() -> None:
    graph = serving()

    assert not {r.type for r in graph.resources} & DEPLOYED_TYPES
    assert graph.named("serving-role", "Role")
    assert graph.named("serving-capture", "Bucket")
    settings = graph.named("serving-deploy-settings").inputs
    assert (settings["name"], settings["type"]) == ("/opsblocks/fraud-prod/serving", "String")


def test_deployed_says_whether_the_endpoint_exists_now() -> None:
    components: list[AwsSagemakerEndpointServing] = []
    run(lambda: components.extend([build(), build(model_data_url=MODEL)]))

    assert [c.deployed for c in components] == [False, True]


def test_with_a_model_the_endpoint_has_the_explicit_name() -> None:
    graph = serving(model_data_url=MODEL)

    assert {r.type for r in graph.resources} >= DEPLOYED_TYPES
    assert graph.named("serving-endpoint").inputs["name"] == "fraud-prod"


def test_model_is_network_isolated_in_the_private_subnets() -> None:
    model = serving(model_data_url=MODEL).named("serving-model").inputs

    assert model["enableNetworkIsolation"] is True
    assert model["vpcConfig"] == {"subnets": ["subnet-a", "subnet-b"], "securityGroupIds": ["sg-1"]}
    registry_path = TEST_INVOKES["aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage"]
    assert model["primaryContainer"] == {"image": registry_path["registryPath"],
                                         "modelDataUrl": MODEL}  # fmt: skip


def test_model_serves_the_given_image() -> None:
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud:1.0"
    model = serving(model_data_url=MODEL, image_uri=image).named("serving-model").inputs

    assert model["primaryContainer"]["image"] == image


def test_endpoint_config_uses_the_key_and_captures_to_the_capture_bucket() -> None:
    graph = serving(model_data_url=MODEL, capture_percent=25, instance_type="ml.c5.xlarge")
    config = graph.named("serving-config")

    assert config.inputs["kmsKeyArn"] == KEY
    capture = config.inputs["dataCaptureConfig"]
    assert (capture["kmsKeyId"], capture["initialSamplingPercentage"]) == (KEY, 25)
    assert [o["captureMode"] for o in capture["captureOptions"]] == ["Input", "Output"]
    # The bucket name is known only after `up`: the URI must come from the capture bucket.
    assert graph.named("serving-capture", "Bucket").urn in config.dependencies
    [variant] = config.inputs["productionVariants"]
    assert (variant["instanceType"], variant["initialInstanceCount"]) == ("ml.c5.xlarge", 1)


def test_autoscaling_follows_the_options() -> None:
    graph = serving(model_data_url=MODEL, min_instances=2, max_instances=6,
                    invocations_per_instance=300)  # fmt: skip

    target = graph.named("serving-scaling-target").inputs
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 6)
    assert target["resourceId"] == "endpoint/fraud-prod/variant/AllTraffic"
    tracking = graph.named("serving-scaling-policy").inputs[
        "targetTrackingScalingPolicyConfiguration"
    ]
    assert tracking["targetValue"] == 300
    assert tracking["predefinedMetricSpecification"] == {
        "predefinedMetricType": "SageMakerVariantInvocationsPerInstance"
    }


def test_role_grants_nothing_on_every_resource_but_what_aws_cannot_scope() -> None:
    for statement in role_statements(serving(model_data_url=MODEL)):
        actions = as_list(statement["Action"])
        assert not any("*" in action for action in actions), statement
        if "*" in as_list(statement["Resource"]):
            assert set(actions) <= UNSCOPABLE, statement


def test_role_writes_only_captures_pulls_only_its_images_and_stays_in_its_network() -> None:
    granted = {
        (a, r) for s in role_statements(serving()) for a in s["Action"] for r in s["Resource"]
    }
    ec2 = f"arn:aws:ec2:us-east-1:{ACCOUNT_ID}:"

    assert {r for a, r in granted if a == "s3:PutObject"} == {
        f"arn:aws:s3:us-east-1:{ACCOUNT_ID}:serving-capture",
        f"arn:aws:s3:us-east-1:{ACCOUNT_ID}:serving-capture/*",
    }
    assert ("s3:GetObject", f"{ARTIFACTS}/*") in granted
    assert {r for a, r in granted if a == "ecr:BatchGetImage"} == {REPOSITORY, XGBOOST_REPOSITORY}
    assert {r for a, r in granted if a == "ec2:CreateNetworkInterface"} == {
        f"{ec2}network-interface/*", f"{ec2}security-group/sg-1",
        f"{ec2}subnet/subnet-a", f"{ec2}subnet/subnet-b",
    }  # fmt: skip


def test_capture_bucket_is_protected_only_when_protect() -> None:
    assert serving(protect=True).named("serving-capture", "Bucket").protect
    assert not any(r.protect for r in serving(model_data_url=MODEL).resources)


def test_deploy_settings_tell_the_deploy_stage_how_to_size_the_endpoint() -> None:
    settings = serving(instance_type="ml.c5.xlarge", min_instances=3, capture_percent=20).named(
        "serving-deploy-settings"
    )
    value = json.loads(settings.inputs["insecureValue"])  # readable: not stored as a secret
    assert (value["instance_type"], value["min_instances"]) == ("ml.c5.xlarge", 3)
    assert value["capture_percent"] == 20
    assert value["endpoint_name"] == settings.inputs["name"].split("/")[2]


def granted(graph: Graph) -> set[tuple[str, str]]:
    return {
        (a, r) for s in role_statements(graph) for a in as_list(s["Action"])
        for r in as_list(s["Resource"])
    }  # fmt: skip


def test_role_reads_exactly_the_model_it_serves_wherever_it_is() -> None:
    model = "s3://shared-models/fraud/v3/model.tar.gz"
    reads = {r for a, r in granted(serving(model_data_url=model)) if a == "s3:GetObject"}

    assert "arn:aws:s3:::shared-models/fraud/v3/model.tar.gz" in reads
    assert not any(r.startswith("arn:aws:s3:::shared-models") and r.endswith("*") for r in reads)


def test_role_may_pull_the_aws_owned_default_image_it_serves() -> None:
    pulled = {r for a, r in granted(serving(model_data_url=MODEL)) if a == "ecr:BatchGetImage"}

    assert pulled == {REPOSITORY, XGBOOST_REPOSITORY}


def test_role_may_pull_the_given_image_and_the_image_training_registers_packages_with() -> None:
    image = "210987654321.dkr.ecr.us-east-1.amazonaws.com/inference:1.0"
    trained = "123456789012.dkr.ecr.us-east-1.amazonaws.com/trainer:7"
    graph = serving(model_data_url=MODEL, image_uri=image, training_image_uri=trained)
    pulled = {r for a, r in granted(graph) if a == "ecr:BatchGetImage"}

    assert pulled == {
        REPOSITORY,
        "arn:aws:ecr:us-east-1:210987654321:repository/inference",
        "arn:aws:ecr:us-east-1:123456789012:repository/trainer",
    }


def test_endpoint_keeps_the_configuration_the_deploy_stage_switched_it_to() -> None:
    # The deploy stage points the endpoint at a new configuration: the next `pulumi up` must not
    # switch it back to the configuration (and model) Pulumi created first.
    endpoint = serving(model_data_url=MODEL, released_by_cicd=True).named("serving-endpoint")

    assert endpoint.ignore_changes == ["endpointConfigName"]


def test_without_a_deploy_stage_pulumi_rolls_out_a_new_configuration() -> None:
    endpoint = serving(model_data_url=MODEL).named("serving-endpoint")

    assert endpoint.ignore_changes == []


def test_model_and_configuration_are_kept_while_the_deploy_stage_may_still_serve_them() -> None:
    # With the endpoint left to the deploy stage, a replaced model or configuration may still be
    # the one it serves: SageMaker says not to delete a configuration in use.
    released = serving(model_data_url=MODEL, released_by_cicd=True)
    alone = serving(model_data_url=MODEL)

    for name in ("serving-model", "serving-config"):
        assert released.named(name).retain_on_delete is True
        assert alone.named(name).retain_on_delete is False


def test_role_may_publish_the_instance_metrics_the_dashboard_shows() -> None:
    # SageMaker's CreateModel role permissions include cloudwatch:PutMetricData: the endpoint's
    # instances publish CPU and memory under /aws/sagemaker/Endpoints with the role.
    [metrics] = [
        s for s in role_statements(serving()) if "cloudwatch:PutMetricData" in as_list(s["Action"])
    ]
    assert as_list(metrics["Resource"]) == ["*"]
    assert metrics["Condition"] == {"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}}


def test_local_storage_instances_get_no_volume_key_but_captured_data_keeps_it() -> None:
    # CreateEndpointConfig fails with a KmsKeyId on instance types with local NVMe storage.
    graph = serving(model_data_url=MODEL, instance_type="ml.g4dn.xlarge")
    config = graph.named("serving-config").inputs
    settings = json.loads(graph.named("serving-deploy-settings").inputs["insecureValue"])

    assert config.get("kmsKeyArn") is None
    assert config["dataCaptureConfig"]["kmsKeyId"] == KEY
    assert settings["kms_key_arn"] is None
    assert settings["capture_kms_key_arn"] == KEY


def test_ebs_instances_encrypt_their_volumes_with_the_key() -> None:
    graph = serving(model_data_url=MODEL, instance_type="ml.m5.large")
    settings = json.loads(graph.named("serving-deploy-settings").inputs["insecureValue"])

    assert graph.named("serving-config").inputs["kmsKeyArn"] == KEY
    assert settings["kms_key_arn"] == settings["capture_kms_key_arn"] == KEY

"""AzureMlOnlineEndpointServing: the endpoint, and "blue" with its auto-scale and traffic."""

from __future__ import annotations

import inspect
import sys
from typing import Any

import pulumi_azure_native as azure_native
import pytest

from components.azure.azureml_online_endpoint.component import (
    AzureMlOnlineEndpointServing,
    AzureMlOnlineEndpointServingArgs,
)
from components.azure.azureml_online_endpoint.deployment import ENDPOINT_API_VERSION
from components.azure.shared.common import ENDPOINT_TYPE
from opsblocks.preview import Graph
from tests.recording import (
    RESOURCE_GROUP,
    SUBSCRIPTION,
    args_of,
    resolved,
    run,
    strays,
)

COMPONENT = "opsblocks:index:AzureMlOnlineEndpointServing"
ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint"
TAGS = {"team": "risk", "opsblocks:capability": "serving"}
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
IDENTITY = f"{GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fraud-platform"
MODEL = "azureml://registries/fraud-models/models/fraud/versions/3"
NAME = "fraud-prod-a1b2c3"
SCORING_URI = f"https://{NAME}.westeurope.inference.ml.azure.com/score"
DEPLOYMENT_ID = (
    f"{GROUP}/providers/Microsoft.machinelearningservices/OnlineDeployment/serving-deployment"
)
OUTPUTS = ("endpoint_name", "endpoint_id", "scoring_uri", "deploy_settings")


def arguments(*, checked: bool = True, **overrides: Any) -> AzureMlOnlineEndpointServingArgs:
    args: dict[str, Any] = {
        "tags": TAGS, "resource_group_name": RESOURCE_GROUP, "location": "westeurope",
        "unique_suffix": "a1b2c3", "endpoint_prefix": "fraud-prod-",
        "workspace_name": "fraud-prod-ws", "identity_id": IDENTITY,
    }  # fmt: skip
    return args_of(AzureMlOnlineEndpointServingArgs, checked=checked, **args | overrides)


def serving(**overrides: Any) -> Graph:
    return run(lambda: AzureMlOnlineEndpointServing("serving", arguments(**overrides)))


def outputs(**overrides: Any) -> tuple[AzureMlOnlineEndpointServing, dict[str, Any]]:
    """The component and its resolved outputs, as the wiring reads them."""
    return resolved(
        lambda: AzureMlOnlineEndpointServing("serving", arguments(**overrides)),
        (*OUTPUTS, "deployment_id"),
    )


def ignored_changes(**overrides: Any) -> dict[str, list[str]]:
    """`ignore_changes` of each registered resource, by name."""
    return {r.name: r.ignore_changes for r in serving(**overrides).resources}


def endpoint(graph: Graph) -> dict[str, Any]:
    return graph.named("serving-endpoint", "OnlineEndpoint").inputs


def deployment(graph: Graph) -> dict[str, Any]:
    return graph.named("serving-deployment", "OnlineDeployment").inputs


def test_endpoint_is_named_prefix_and_suffix_in_the_workspace() -> None:
    sent = endpoint(serving())

    assert sent["endpointName"] == NAME
    assert (sent["workspaceName"], sent["resourceGroupName"]) == ("fraud-prod-ws", RESOURCE_GROUP)
    assert sent["location"] == "westeurope"


def test_endpoint_takes_entra_id_tokens_only_and_runs_as_the_platform_identity() -> None:
    sent = endpoint(serving())

    assert sent["properties"]["authMode"] == "AADToken"
    assert "keys" not in sent["properties"]
    assert sent["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [IDENTITY]}


@pytest.mark.parametrize(
    ("private_default", "private", "access"),
    [(True, None, "Disabled"), (False, None, "Enabled"), (True, False, "Enabled"),
     (False, True, "Disabled")],
)  # fmt: skip
def test_private_endpoint_refuses_public_network_access(
    private_default: bool, private: bool | None, access: str
) -> None:
    graph = serving(private_default=private_default, private=private, model=MODEL)

    assert endpoint(graph)["properties"]["publicNetworkAccess"] == access
    # Legacy network isolation, not set: the workspace's managed network governs the egress.
    # The SDK sends its default, Enabled (the service's default), whatever `private` says.
    egress = deployment(graph)["properties"].get("egressPublicNetworkAccess", "Enabled")
    assert egress == "Enabled"


def test_private_output_is_the_plain_decision() -> None:
    assert outputs(private_default=True)[0].private is True
    assert outputs(private_default=True, private=False)[0].private is False


@pytest.mark.parametrize("model", [None, MODEL])
def test_endpoint_is_created_without_traffic_and_never_updated_without_it(
    model: str | None,
) -> None:
    # An update of the typed endpoint would PUT it without the traffic CI/CD routed:
    # Pulumi ignores every later change of what it sends; the template carries them.
    assert "traffic" not in endpoint(serving(model=model))["properties"]
    assert ignored_changes(model=model)["serving-endpoint"] == ["tags", "identity", "properties"]


def nested(properties: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The outer template's one resource (the nested deployment) and the endpoint it PUTs."""
    [inner] = properties["template"]["resources"]
    [resource] = inner["properties"]["template"]["resources"]
    return inner, resource


@pytest.mark.parametrize("model", [None, MODEL])
def test_later_updates_keep_the_traffic_the_endpoint_has(model: str | None) -> None:
    graph = serving(model=model)
    properties = graph.named("serving-traffic", "Deployment").inputs["properties"]
    inner, resource = nested(properties)
    passed = inner["properties"]["parameters"]
    live = f"reference(variables('endpointId'), '{ENDPOINT_API_VERSION}')"
    endpoint_id = (f"[resourceId('{ENDPOINT_TYPE}', parameters('workspaceName'), "
                   "parameters('endpointName'))]")  # fmt: skip

    assert properties["template"]["variables"] == {"endpointId": endpoint_id}
    initial = "parameters('initialTraffic')"
    # The outer template reads the live traffic; the nested one PUTs what it was handed.
    assert passed["traffic"] == {"value": (
        f"[if(contains({live}, 'traffic'), if(empty({live}.traffic), "
        f"{initial}, {live}.traffic), {initial})]")}  # fmt: skip
    assert passed["mirrorTraffic"] == {"value": (
        f"[if(contains({live}, 'mirrorTraffic'), if(empty({live}.mirrorTraffic), json('{{}}'), "
        f"{live}.mirrorTraffic), json('{{}}'))]")}  # fmt: skip
    assert resource["properties"]["traffic"] == "[parameters('traffic')]"
    assert resource["properties"]["mirrorTraffic"] == "[parameters('mirrorTraffic')]"
    assert graph.named("serving-endpoint").urn in graph.named("serving-traffic").dependencies


def test_no_template_resource_references_itself() -> None:
    # ARM refuses a template resource whose properties call reference() on that resource.
    properties = serving(model=MODEL).named("serving-traffic", "Deployment").inputs["properties"]
    inner, resource = nested(properties)

    assert [r["type"] for r in properties["template"]["resources"]] == [
        "Microsoft.Resources/deployments"]  # fmt: skip
    assert inner["properties"]["expressionEvaluationOptions"] == {"scope": "inner"}
    assert inner["properties"]["mode"] == "Incremental"
    assert resource["type"] == ENDPOINT_TYPE
    assert "reference(" not in str(inner["properties"]["template"])
    assert inner["properties"]["template"]["parameters"].keys() == (
        inner["properties"]["parameters"].keys())  # fmt: skip


def test_without_a_model_traffic_is_left_to_the_deploy_stage() -> None:
    graph = serving()
    parameters = graph.named("serving-traffic", "Deployment").inputs["properties"]["parameters"]

    assert [r.name for r in graph.resources if r.custom] == ["serving-endpoint", "serving-traffic"]
    assert parameters["initialTraffic"] == {"value": {}}
    assert outputs()[0].deployment_id is None


def test_a_model_is_deployed_as_blue_on_managed_instances() -> None:
    graph = serving(model=MODEL, instance_type="Standard_E4s_v3", min_instances=2, max_instances=5)
    sent = deployment(graph)
    properties = sent["properties"]

    assert (sent["deploymentName"], sent["endpointName"]) == ("blue", NAME)
    assert (sent["workspaceName"], sent["location"]) == ("fraud-prod-ws", "westeurope")
    assert (properties["endpointComputeType"], properties["model"]) == ("Managed", MODEL)
    assert properties["instanceType"] == "Standard_E4s_v3"
    assert sent["sku"] == {"name": "Default", "capacity": 2}
    assert properties["scaleSettings"] == {"scaleType": "Default"}
    assert properties["appInsightsEnabled"] is True


def test_deployment_collects_inputs_and_outputs_for_the_model_monitor() -> None:
    collections = deployment(serving(model=MODEL))["properties"]["dataCollector"]["collections"]

    assert set(collections) == {"model_inputs", "model_outputs"}
    assert all(c["dataCollectionMode"] == "Enabled" for c in collections.values())


def test_deployment_probes_state_the_azure_ml_defaults() -> None:
    properties = deployment(serving(model=MODEL))["properties"]
    default = {"initialDelay": "PT10S", "period": "PT10S", "timeout": "PT2S",
               "successThreshold": 1, "failureThreshold": 30}  # fmt: skip

    assert properties["livenessProbe"] == default
    assert properties["readinessProbe"] == default


def test_deployment_waits_for_the_endpoint_and_leaves_its_size_to_auto_scale() -> None:
    graph = serving(model=MODEL)

    assert graph.named("serving-endpoint").urn in graph.named("serving-deployment").dependencies
    assert ignored_changes(model=MODEL)["serving-deployment"] == ["sku.capacity"]


def test_auto_scale_keeps_the_deployment_between_min_and_max_on_cpu() -> None:
    sent = serving(model=MODEL, min_instances=2, max_instances=6).named("serving-autoscale").inputs
    [profile] = sent["profiles"]
    triggers = [(r["metricTrigger"], r["scaleAction"]) for r in profile["rules"]]

    assert sent["targetResourceUri"] == DEPLOYMENT_ID
    assert (sent["enabled"], sent["location"]) == (True, "westeurope")
    assert profile["capacity"] == {"minimum": "2", "maximum": "6", "default": "2"}
    assert [(t["metricName"], t["metricResourceUri"], t["timeWindow"]) for t, _ in triggers] == [
        ("CpuUtilizationPercentage", DEPLOYMENT_ID, "PT5M")] * 2  # fmt: skip
    assert [(t["operator"], t["threshold"], a["direction"], a["value"]) for t, a in triggers] == [
        ("GreaterThan", 70, "Increase", "1"), ("LessThan", 30, "Decrease", "1")]  # fmt: skip


def test_traffic_goes_to_blue_once_it_exists_and_survives_the_template_deployment() -> None:
    graph = serving(model=MODEL)
    traffic = graph.named("serving-traffic", "Deployment")
    parameters = traffic.inputs["properties"]["parameters"]

    # Only while the endpoint has no traffic: after that, the deploy stage's routing stays.
    assert parameters["initialTraffic"] == {"value": {"blue": 100}}
    assert graph.named("serving-deployment").urn in traffic.dependencies
    assert traffic.retain_on_delete is True
    # Incremental: Complete would delete the rest of the resource group.
    assert traffic.inputs["properties"]["mode"] == "Incremental"


def test_traffic_template_declares_the_same_endpoint_as_the_typed_resource() -> None:
    graph = serving(model=MODEL, private_default=True)
    sent = endpoint(graph)
    properties = graph.named("serving-traffic", "Deployment").inputs["properties"]
    inner, resource = nested(properties)
    values = {key: p["value"] for key, p in properties["parameters"].items()}
    settings = ("workspaceName", "endpointName", "location", "identityId", "tags")

    assert resource["type"] == "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
    assert resource["apiVersion"] == ENDPOINT_API_VERSION
    assert {k: v for k, v in resource["properties"].items()
            if k not in ("traffic", "mirrorTraffic")} == sent["properties"]  # fmt: skip
    assert resource["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": {"[parameters('identityId')]": {}},
    }
    assert values == {
        "workspaceName": sent["workspaceName"],
        "endpointName": sent["endpointName"],
        "location": sent["location"],
        "identityId": IDENTITY,
        "tags": sent["tags"],
        "initialTraffic": {"blue": 100},
    }
    assert properties["template"]["parameters"].keys() == values.keys()
    assert {k: inner["properties"]["parameters"][k] for k in settings} == {
        k: {"value": f"[parameters('{k}')]"} for k in settings}  # fmt: skip
    assert (resource["location"], resource["tags"]) == (
        "[parameters('location')]", "[parameters('tags')]")  # fmt: skip


def test_template_api_version_is_the_one_of_the_typed_endpoint() -> None:
    module = sys.modules[azure_native.machinelearningservices.OnlineEndpoint.__module__]

    assert f"Uses Azure REST API version {ENDPOINT_API_VERSION}." in inspect.getsource(module)


def test_the_endpoint_is_never_declared_a_second_time_as_a_generic_resource() -> None:
    # azure-native refuses to create a resource that exists ("cannot create already existing").
    assert not serving(model=MODEL).of_type("azure-native:resources:Resource")


def test_nothing_is_protected_and_only_the_traffic_template_is_retained() -> None:
    graph = serving(model=MODEL)

    assert not [r.name for r in graph.resources if r.protect]
    assert [r.name for r in graph.resources if r.retain_on_delete] == ["serving-traffic"]


@pytest.mark.parametrize("model", [None, MODEL])
def test_every_resource_belongs_to_the_component(model: str | None) -> None:
    assert strays(serving(model=model), COMPONENT) == []


def test_outputs_name_the_endpoint_and_blue() -> None:
    component, found = outputs(model=MODEL)

    assert found["endpoint_name"] == NAME
    assert found["endpoint_id"] == (
        f"{GROUP}/providers/Microsoft.machinelearningservices/OnlineEndpoint/serving-endpoint"
    )
    assert found["scoring_uri"] == SCORING_URI
    assert component.deployment_name == "blue"
    assert found["deployment_id"] == DEPLOYMENT_ID


def test_deploy_settings_tell_the_deploy_stage_what_to_create() -> None:
    component, found = outputs(instance_type="Standard_F8s_v2", min_instances=3, max_instances=8)

    assert component.deployment_name == "blue"
    assert found["deploy_settings"] == {
        "endpoint_name": NAME, "deployment_name": "blue", "instance_type": "Standard_F8s_v2",
        "min_instances": 3, "max_instances": 8}  # fmt: skip


@pytest.mark.parametrize("prefix", ["9fraud", "fraud_prod", "f" * 27, ""])
def test_a_prefix_that_cannot_make_an_endpoint_name_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="endpoint_prefix"):
        AzureMlOnlineEndpointServing("serving", arguments(endpoint_prefix=prefix))


def test_longest_prefix_makes_a_32_character_name() -> None:
    assert len(endpoint(serving(endpoint_prefix="f" * 26))["endpointName"]) == 32


def test_scale_bounds_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="min_instances"):
        AzureMlOnlineEndpointServing(
            "serving", arguments(checked=False, min_instances=3, max_instances=2)
        )

"""Estimates of Azure platforms against hand-computed costs.

The graphs are made by hand, with the inputs the Azure components send (camelCase, as
recorded), so each pricer is checked on exactly the shape it reads. Every expected amount is
computed here from the list prices the book cites, never read back from the estimator: the
sourced ones of ../shared/reference/list-prices.md (#12 Standard_DS3_v2 $0.293/h eastus, #13
Container Registry $0.167 / $0.667 / $1.667 a day, #15 Log Analytics $2.30/GB eastus),
Infracost's Azure price tests (named where used) and the book's estimates (marked ~). Hourly
items run 730 h a month; per-day items 730 / 24 = 30.4167 days.
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from opsblocks import blueprint
from opsblocks.blueprint import Blueprint, Usage
from opsblocks.cost.azure_usage import DAYS_PER_MONTH, duration_days, duration_minutes
from opsblocks.cost.book import load_book
from opsblocks.cost.estimate import estimate
from opsblocks.cost.model import Estimate, Kind, Line, ResourceCost
from opsblocks.cost.render import cost_cell
from opsblocks.errors import CostError
from opsblocks.preview import Graph, Resource

NAME = "fraud"
ML = "azure-native:machinelearningservices"
DEPLOYMENT, ENDPOINT, COMPUTE = f"{ML}:OnlineDeployment", f"{ML}:OnlineEndpoint", f"{ML}:Compute"
SCHEDULE, ACCOUNT = f"{ML}:Schedule", "azure-native:storage:StorageAccount"
Child = tuple[str, str, str, dict[str, Any]]
"""(capability or "foundation", type, name, inputs) of a resource in a made-up platform."""
BLUEPRINT = """\
name: fraud
cloud: azure
region: eastus
environment: prod
capabilities:
  data: {tool: adls}
  registry: {tool: azureml-registry}
  training: {tool: azureml}
  serving:
    tool: azureml-online-endpoint
    options: {instance_type: Standard_DS3_v2, min_instances: 3, max_instances: 4}
  validation: {tool: azureml-quality-gate}
  monitoring: {tool: azureml-model-monitor}
  cicd: {tool: azure-devops}
"""


@pytest.fixture(scope="module")
def bp(tmp_path_factory: pytest.TempPathFactory) -> Blueprint:
    path = tmp_path_factory.mktemp("azure") / "fraud.yaml"
    path.write_text(BLUEPRINT)
    return blueprint.load(path)


def with_usage(bp: Blueprint, **usage: float) -> Blueprint:
    return bp.model_copy(update={"usage": Usage(**usage)})


def urn(type_token: str, name: str) -> str:
    return f"urn:pulumi:prod::opsblocks::{type_token}::{name}"


def resource(type_token: str, name: str, parent: str | None, inputs: dict[str, Any]) -> Resource:
    return Resource(urn=urn(type_token, name), type=type_token, name=name, parent=parent,
                    custom=not type_token.startswith("opsblocks:"), inputs=inputs, protect=False,
                    retain_on_delete=False, dependencies=[], provider=None)  # fmt: skip


def platform(*children: Child) -> Graph:
    """The children, each under its capability's top-level component, as the wiring builds
    them."""
    components = {}
    for capability in ("foundation", "data", "registry", "training", "serving", "validation",
                       "monitoring", "cicd"):  # fmt: skip
        name = NAME if capability == "foundation" else f"{NAME}-{capability}"
        components[capability] = resource(f"opsblocks:index:{capability.title()}", name, None, {})
    made = [resource(t, n, components[c].urn, inputs) for c, t, n, inputs in children]
    return Graph(resources=[*components.values(), *made])


def of_type(costed: Estimate, type_token: str) -> list[ResourceCost]:
    return [r for r in costed.resources if r.type == type_token]


def named(costed: Estimate, name: str) -> ResourceCost:
    [found] = [r for r in costed.resources if r.name == name]
    return found


def only(costed: Estimate, name: str) -> Line:
    [line] = named(costed, name).lines
    return line


def deployment(size: str = "Standard_DS3_v2", capacity: float = 2.0) -> Child:
    inputs = {"properties": {"endpointComputeType": "Managed", "instanceType": size},
              "sku": {"name": "Default", "capacity": capacity}}  # fmt: skip
    return ("serving", DEPLOYMENT, "fraud-serving-deployment", inputs)


ENDPOINT_CHILD: Child = ("serving", ENDPOINT, "fraud-serving-endpoint", {"properties": {}})


def cluster(capability: str = "training", **settings: Any) -> Child:
    inputs = {"properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "Standard_DS3_v2", "vmPriority": "Dedicated",
        "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 4}} | settings}}  # fmt: skip
    return (capability, COMPUTE, f"fraud-{capability}-cluster", inputs)


def account(capability: str, sku: str = "Standard_ZRS") -> Child:
    inputs = {"sku": {"name": sku}, "kind": "StorageV2", "accessTier": "Hot",
              "isHnsEnabled": capability == "data"}  # fmt: skip
    return (capability, ACCOUNT, f"fraud-{capability}-account", inputs)


def monitor_schedule(name: str = "fraud-monitoring-drift") -> Child:
    action = {"actionType": "CreateMonitor", "monitorDefinition": {"computeConfiguration": {
        "computeType": "ServerlessSpark", "instanceType": "standard_e4s_v3"}}}  # fmt: skip
    return ("monitoring", SCHEDULE, name, {"properties": {"action": action}})


# -- serving --------------------------------------------------------------------------------


def test_two_ds3_v2_deployment_instances_cost_427_78(bp: Blueprint) -> None:
    costed = estimate(bp, platform(deployment(), ENDPOINT_CHILD))
    instances = only(costed, "fraud-serving-deployment")
    assert instances.name == "Instances (2 x Standard_DS3_v2)"
    assert (instances.kind, instances.quantity, instances.unit) == (Kind.hourly, 1460, "hours")
    assert instances.monthly_cost == Decimal("427.780")  # 2 x 730 h x $0.293 (#12)
    assert not instances.estimate
    assert named(costed, "fraud-serving-deployment").capability == "serving"
    assert urn(ENDPOINT, "fraud-serving-endpoint") in costed.free  # priced on its deployment


def test_without_a_deployment_the_endpoint_carries_what_ci_cd_deploys(bp: Blueprint) -> None:
    instances = only(estimate(bp, platform(ENDPOINT_CHILD)), "fraud-serving-endpoint")
    assert instances.name == "Instances (deployed by CI/CD): 3 x Standard_DS3_v2"
    assert instances.monthly_cost == Decimal("641.670")  # 3 (min_instances) x 730 h x $0.293


def test_westeurope_instances_are_flagged_estimates(bp: Blueprint) -> None:
    costed = estimate(bp, platform(deployment()), price_region="westeurope")
    instances = only(costed, "fraud-serving-deployment")
    assert instances.monthly_cost == Decimal("500.780")  # 2 x 730 h x ~$0.343 (eastus + 17%)
    assert instances.estimate


def test_westeurope_sizes_of_the_ml_cluster_golden_are_sourced(bp: Blueprint) -> None:
    costed = estimate(bp, platform(deployment("Standard_E4s_v3", 1)), price_region="westeurope")
    instances = only(costed, "fraud-serving-deployment")
    # 730 h x $0.32: machine_learning_compute_cluster_test (West Europe), $233.60 for 730 h
    assert instances.monthly_cost == Decimal("233.60")
    assert not instances.estimate


def test_a_vm_size_without_a_price_is_an_error_naming_the_fix(bp: Blueprint) -> None:
    with pytest.raises(CostError) as caught:
        estimate(bp, platform(deployment("Standard_ND96asr_v4")))
    message = str(caught.value)
    assert message.startswith("serving: fraud-serving-deployment ")
    assert "no azureml-vm price for Standard_ND96asr_v4 in eastus" in message
    assert "--prices FILE" in message


# -- registry -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "cost"),
    [
        ("Basic", "5.0795889"),  # $0.167 x 30.4167 days (#13; the golden: $5.00 for 30 days)
        ("Standard", "20.2879389"),  # $0.667 x 30.4167
        ("Premium", "50.7046389"),  # $1.667 x 30.4167 (the golden: $50.00 for 30 days)
    ],
)
def test_a_container_registry_costs_its_tier_by_the_day(
    bp: Blueprint, tier: str, cost: str
) -> None:
    acr: Child = ("registry", "azure-native:containerregistry:Registry", "fraud-registry-acr",
           {"sku": {"name": tier}})  # fmt: skip
    line = only(estimate(bp, platform(acr)), "fraud-registry-acr")
    assert (line.name, line.unit, line.quantity) == (f"Registry usage ({tier})", "days",
                                                     Decimal("30.4167"))  # fmt: skip
    assert line.monthly_cost == Decimal(cost)
    assert not line.estimate


def test_a_month_is_730_hours_of_days() -> None:
    assert (Decimal(730) / 24).quantize(Decimal("0.0001")) == DAYS_PER_MONTH


def test_an_ml_registry_pays_for_the_container_registry_it_creates(bp: Blueprint) -> None:
    region = {"location": "eastus",
              "acrDetails": [{"systemCreatedAcrAccount": {"acrAccountSku": "Premium"}}],
              "storageAccountDetails": [{"systemCreatedStorageAccount": {
                  "storageAccountType": "Standard_ZRS"}}]}  # fmt: skip
    registry: Child = ("registry", f"{ML}:Registry", "fraud-registry-ml-registry",
                       {"regionDetails": [region]})  # fmt: skip
    acr, storage = named(estimate(bp, platform(registry)), "fraud-registry-ml-registry").lines
    assert acr.name == "System-created container registry (Premium)"
    assert acr.monthly_cost == Decimal("50.7046389")  # $1.667 x 30.4167 days (#13)
    assert not acr.estimate
    assert (storage.name, storage.quantity, storage.unit_price) == (
        "System-created storage (Hot ZRS)", None, Decimal("0.0225"))  # fmt: skip


def test_an_ml_registry_that_names_no_registry_is_assumed_premium(bp: Blueprint) -> None:
    registry: Child = ("registry", f"{ML}:Registry", "fraud-registry-ml-registry", {})
    acr, storage = named(estimate(bp, platform(registry)), "fraud-registry-ml-registry").lines
    assert acr.name == "System-created container registry (Premium, assumed)"
    assert acr.monthly_cost == Decimal("50.7046389")
    assert acr.estimate
    assert storage.name == "System-created storage (Hot LRS)"


# -- data, logs, keys, network ---------------------------------------------------------------


def test_500_gb_are_priced_once_on_the_data_lake_at_its_redundancy(bp: Blueprint) -> None:
    graph = platform(account("training", "Standard_LRS"), account("data"))
    accounts = of_type(estimate(with_usage(bp, storage_gb=500), graph), ACCOUNT)
    assert [a.name for a in accounts if a.lines] == ["fraud-data-account"]
    [line] = named(estimate(with_usage(bp, storage_gb=500), graph), "fraud-data-account").lines
    assert line.name == "Storage, ADLS Gen2 Hot ZRS (all platform storage accounts)"
    assert (line.kind, line.usage_key) == (Kind.usage, "storage_gb")
    assert line.monthly_cost == Decimal("11.2500")  # 500 GB x ~$0.0225
    assert line.estimate


def test_without_a_data_lake_storage_is_priced_on_the_first_account(bp: Blueprint) -> None:
    graph = platform(account("training", "Standard_LRS"))
    line = only(estimate(with_usage(bp, storage_gb=100), graph), "fraud-training-account")
    assert line.name == "Storage, Blob Hot LRS (all platform storage accounts)"
    assert line.monthly_cost == Decimal("1.800")  # 100 GB x ~$0.018


def test_10_gb_of_logs_cost_23_00_in_eastus_and_29_90_in_westeurope(bp: Blueprint) -> None:
    logs: Child = ("foundation", "azure-native:operationalinsights:Workspace", "fraud-logs",
            {"sku": {"name": "PerGB2018"}})  # fmt: skip
    with_logs = with_usage(bp, log_gb=10)
    eastus = only(estimate(with_logs, platform(logs)), "fraud-logs")
    assert eastus.monthly_cost == Decimal("23.00")  # 10 GB x $2.30 (#15)
    westeurope = only(estimate(with_logs, platform(logs), price_region="westeurope"), "fraud-logs")
    assert westeurope.monthly_cost == Decimal("29.90")  # 10 GB x $2.99 (log_analytics golden)
    assert not eastus.estimate and not westeurope.estimate


def cmk(kty: str = "RSA", size: int = 3072, rotate: str | None = "P90D") -> Child:
    actions = [{"trigger": {"timeAfterCreate": rotate}, "action": {"type": "Rotate"}},
               {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}]  # fmt: skip
    policy = {"rotationPolicy": {"lifetimeActions": actions}} if rotate else {}
    return ("foundation", "azure-native:keyvault:Key", "fraud-cmk",
            {"properties": {"kty": kty, "keySize": size, **policy}})  # fmt: skip


def test_the_key_costs_its_rotations_and_its_operations(bp: Blueprint) -> None:
    rotations, operations = named(estimate(bp, platform(cmk())), "fraud-cmk").lines
    assert rotations.name == "Scheduled rotations (every 90 days)"
    assert rotations.quantity == Decimal("0.34")  # 30.4167 days / 90, to the hundredth
    assert rotations.monthly_cost == Decimal("0.3400")  # x ~$1.00 per rotation
    assert rotations.estimate
    assert operations.name == "Key operations (RSA 3072)"
    assert (operations.quantity, operations.unit_price) == (None, Decimal("0.15"))  # golden
    assert cost_cell(operations) == "depends on usage: $0.15 per 10K operations *"


def test_an_rsa_2048_key_without_rotation_costs_basic_operations(bp: Blueprint) -> None:
    [operations] = named(estimate(bp, platform(cmk(size=2048, rotate=None))), "fraud-cmk").lines
    assert operations.unit_price == Decimal("0.03")  # key_vault_key_test golden (eastus)


def test_hsm_keys_are_not_priced_yet(bp: Blueprint) -> None:
    with pytest.raises(CostError, match="RSA-HSM \\(HSM-protected\\) keys are not priced yet"):
        estimate(bp, platform(cmk(kty="RSA-HSM")))


def test_private_endpoints_and_zones_cost_7_30_and_0_50(bp: Blueprint) -> None:
    graph = platform(
        ("foundation", "azure-native:network:PrivateEndpoint", "fraud-vault-endpoint", {}),
        ("foundation", "azure-native:privatedns:PrivateZone", "fraud-dns-blob", {}),
        ("foundation", "azure-native:privatedns:VirtualNetworkLink", "fraud-dns-blob-link", {}),
    )
    costed = estimate(bp, graph)
    assert only(costed, "fraud-vault-endpoint").monthly_cost == Decimal("7.30")  # 730 h x ~$0.01
    assert only(costed, "fraud-dns-blob").monthly_cost == Decimal("0.50")  # ~$0.50 per zone
    assert urn("azure-native:privatedns:VirtualNetworkLink", "fraud-dns-blob-link") in costed.free


def test_each_private_endpoint_rule_of_the_managed_network_costs_a_private_endpoint(
    bp: Blueprint,
) -> None:
    endpoint = {"type": "PrivateEndpoint"}
    rules = {"data-lake-blob": endpoint, "ml-registry": endpoint,
             "azure-monitor": {"type": "ServiceTag"}}  # fmt: skip
    workspace = ("training", "azure-native:machinelearningservices:Workspace", "fraud-workspace",
                 {"managedNetwork": {"outboundRules": rules}})  # fmt: skip
    lines = named(estimate(bp, platform(workspace)), "fraud-workspace").lines
    assert [line.name for line in lines] == ["Managed private endpoint (data-lake-blob)",
                                             "Managed private endpoint (ml-registry)"]  # fmt: skip
    assert sum(line.monthly_cost for line in lines) == Decimal("14.60")  # 2 x 730 h x ~$0.01


def test_a_workspace_without_private_endpoint_rules_costs_nothing(bp: Blueprint) -> None:
    workspace = ("training", "azure-native:machinelearningservices:Workspace", "fraud-workspace",
                 {"managedNetwork": {"isolationMode": "AllowInternetOutbound"}})  # fmt: skip
    assert named(estimate(bp, platform(workspace)), "fraud-workspace").lines == ()


# -- training -------------------------------------------------------------------------------


def test_40_training_hours_on_the_cluster_cost_11_72(bp: Blueprint) -> None:
    costed = estimate(with_usage(bp, training_hours=40), platform(cluster()))
    line = only(costed, "fraud-training-cluster")
    assert (line.name, line.usage_key) == ("Training jobs (Standard_DS3_v2)", "training_hours")
    assert line.monthly_cost == Decimal("11.720")  # 40 h x $0.293 (#12)


def test_a_cluster_that_keeps_nodes_pays_for_them_around_the_clock(bp: Blueprint) -> None:
    graph = platform(cluster(scaleSettings={"minNodeCount": 1}, vmPriority="LowPriority"))
    costed = estimate(with_usage(bp, training_hours=40), graph)
    floor, jobs = named(costed, "fraud-training-cluster").lines
    assert floor.name == "Minimum nodes (1 x Standard_DS3_v2, always on at the dedicated rate)"
    assert floor.monthly_cost == Decimal("213.890")  # 730 h x $0.293: an upper bound
    assert jobs.monthly_cost == Decimal("11.720")


def test_training_hours_are_priced_on_the_training_cluster_only(bp: Blueprint) -> None:
    graph = platform(cluster("validation"), cluster())
    costed = estimate(with_usage(bp, training_hours=40), graph)
    assert only(costed, "fraud-training-cluster").monthly_cost == Decimal("11.720")
    other = only(costed, "fraud-validation-cluster")
    assert (other.name, other.quantity, other.usage_key) == (
        "Jobs (Standard_DS3_v2)", None, None)  # fmt: skip


def test_a_compute_instance_runs_around_the_clock_as_an_upper_bound(bp: Blueprint) -> None:
    notebook: Child = ("training", COMPUTE, "fraud-training-notebook", {"properties": {
        "computeType": "ComputeInstance", "properties": {
            "vmSize": "Standard_DS3_v2", "idleTimeBeforeShutdown": "PT60M"}}})  # fmt: skip
    line = only(estimate(bp, platform(notebook)), "fraud-training-notebook")
    assert line.name == "VM (Standard_DS3_v2, always on; it stops after 60 idle min)"
    assert (line.kind, line.monthly_cost) == (Kind.hourly, Decimal("213.890"))  # 730 h x $0.293


# -- monitoring, validation, CI/CD ------------------------------------------------------------


def test_30_monitoring_hours_of_serverless_spark_are_priced_once(bp: Blueprint) -> None:
    graph = platform(monitor_schedule("fraud-monitoring-a"), monitor_schedule("fraud-monitoring-b"))
    costed = estimate(with_usage(bp, monitoring_hours=30), graph)
    line = only(costed, "fraud-monitoring-a")
    assert line.name == "Monitoring jobs, serverless Spark (standard_e4s_v3)"
    assert line.monthly_cost == Decimal("17.160")  # 30 h x ~$0.572
    assert line.estimate
    assert named(costed, "fraud-monitoring-b").lines == ()


def test_a_schedule_that_starts_a_job_is_free(bp: Blueprint) -> None:
    gate: Child = ("validation", SCHEDULE, "fraud-validation-schedule",
            {"properties": {"action": {"actionType": "CreateJob"}}})  # fmt: skip
    costed = estimate(with_usage(bp, monitoring_hours=30), platform(gate))
    assert costed.free[-1] == urn(SCHEDULE, "fraud-validation-schedule")


def metric_alert(name: str, scopes: int, criteria: list[dict[str, Any]], **more: Any) -> Child:
    inputs = {"scopes": [f"scope-{i}" for i in range(scopes)], "enabled": True,
              "criteria": {"odataType": "Microsoft.Azure.Monitor.MultipleResourceMultipleMetric"
                           "Criteria", "allOf": criteria}} | more  # fmt: skip
    return ("monitoring", "azure-native:monitor:MetricAlert", name, inputs)


def test_metric_alerts_cost_0_10_per_time_series(bp: Blueprint) -> None:
    """The cases of Infracost's monitor_metric_alert_test (eastus)."""
    dimensions = [{"name": "ApiName", "operator": "Include", "values": ["X"]},
                  {"name": "ApiName", "operator": "Include", "values": ["Y"]}]  # fmt: skip
    static = {"criterionType": "StaticThresholdCriterion", "dimensions": dimensions}
    dynamic = {"criterionType": "DynamicThresholdCriterion",
               "dimensions": [{"name": "ApiName", "values": ["*"]}]}  # fmt: skip
    graph = platform(
        metric_alert("fraud-multi", 2, [static, static]),
        metric_alert("fraud-dynamic", 1, [dynamic]),
        metric_alert("fraud-disabled", 1, [static], enabled=False),
    )
    costed = estimate(bp, graph)
    multi = only(costed, "fraud-multi")
    # 2 scopes x 2 criteria x 2 values of the dimension ApiName, as the golden counts them
    assert multi.name == "Metrics monitoring (8 time series)"
    assert multi.monthly_cost == Decimal("0.80")  # the golden's example-multi
    assert [line.monthly_cost for line in named(costed, "fraud-dynamic").lines] == [
        Decimal("0.10"), Decimal("0.10")]  # fmt: skip
    assert urn("azure-native:monitor:MetricAlert", "fraud-disabled") in costed.free


@pytest.mark.parametrize(
    ("frequency", "region", "cost", "estimated"),
    [
        ("PT1M", "westeurope", "3.00", False),  # monitor_scheduled_query_rules_alert_v2_test
        ("PT5M", "westeurope", "1.50", False),
        ("PT10M", "westeurope", "1.00", False),
        ("P1D", "westeurope", "0.50", False),  # billed at the 15-minute rate, as in the golden
        ("PT5M", "eastus", "1.50", True),
    ],
)
def test_log_alert_rules_cost_by_evaluation_frequency(
    bp: Blueprint, frequency: str, region: str, cost: str, estimated: bool
) -> None:
    rule: Child = ("validation", "azure-native:monitor:ScheduledQueryRule", "fraud-failed-runs",
            {"evaluationFrequency": frequency, "enabled": True})  # fmt: skip
    line = only(estimate(bp, platform(rule), price_region=region), "fraud-failed-runs")
    assert (line.monthly_cost, line.estimate) == (Decimal(cost), estimated)


def test_a_daily_log_alert_says_which_rate_it_is_billed_at(bp: Blueprint) -> None:
    rule: Child = ("validation", "azure-native:monitor:ScheduledQueryRule", "fraud-failed-runs",
            {"evaluationFrequency": "P1D"})  # fmt: skip
    line = only(estimate(bp, platform(rule)), "fraud-failed-runs")
    assert line.name == (
        "Log alert rule (evaluated every 1440 minutes, billed at the 15-minute rate)"
    )


PIPELINE: Child = (
    "cicd",
    "azuredevops:index/buildDefinition:BuildDefinition",
    "fraud-cicd-pipeline",
    {},
)


@pytest.mark.parametrize(("minutes", "cost"), [(1000, None), (1800, None), (2500, "40.00")])
def test_builds_beyond_1800_minutes_need_a_40_dollar_parallel_job(
    bp: Blueprint, minutes: int, cost: str | None
) -> None:
    costed = estimate(with_usage(bp, build_minutes=minutes), platform(PIPELINE))
    if cost is None:
        assert urn(PIPELINE[1], PIPELINE[2]) in costed.free  # the free parallel job's minutes
    else:
        line = only(costed, "fraud-cicd-pipeline")
        assert line.name == "Extra Microsoft-hosted parallel job (2,500 build minutes a month)"
        assert line.monthly_cost == Decimal(cost)


def test_without_build_minutes_the_parallel_job_depends_on_usage(bp: Blueprint) -> None:
    line = only(estimate(bp, platform(PIPELINE)), "fraud-cicd-pipeline")
    assert (line.quantity, line.usage_key, line.unit_price) == (None, "build_minutes",
                                                                Decimal("40.00"))  # fmt: skip


# -- the whole estimate ---------------------------------------------------------------------


def test_a_production_platform_costs_the_sum_of_its_lines(bp: Blueprint) -> None:
    graph = platform(
        ("foundation", "azure-native:resources:ResourceGroup", "fraud-resource-group", {}),
        cmk(),
        ("foundation", "azure-native:keyvault:Vault", "fraud-vault", {}),
        ("foundation", "azure-native:operationalinsights:Workspace", "fraud-logs", {}),
        ("foundation", "azure-native:network:PrivateEndpoint", "fraud-vault-endpoint", {}),
        account("data"),
        ("registry", "azure-native:containerregistry:Registry", "fraud-registry-acr",
         {"sku": {"name": "Premium"}}),
        cluster(),
        deployment(),
        ENDPOINT_CHILD,
        monitor_schedule(),
        PIPELINE,
    )  # fmt: skip
    usage = {"storage_gb": 500, "training_hours": 40, "log_gb": 10, "monitoring_hours": 30}
    costed = estimate(with_usage(bp, **usage), graph)
    expected = (
        Decimal("0.34")  # key rotations (~$1.00 each)
        + Decimal("23.00")  # 10 GB of logs (#15)
        + Decimal("7.30")  # the vault's private endpoint (~)
        + Decimal("11.25")  # 500 GB ADLS Hot ZRS (~)
        + Decimal("50.7046389")  # Premium registry (#13)
        + Decimal("11.72")  # 40 training hours (#12)
        + Decimal("427.78")  # 2 deployment instances (#12)
        + Decimal("17.16")  # 30 serverless Spark hours (~)
    )  # fmt: skip
    assert costed.monthly_cost == expected == Decimal("549.2546389")
    assert costed.unpriced == ()
    assert costed.by_capability()["serving"] == Decimal("427.780")
    assert urn("azure-native:resources:ResourceGroup", "fraud-resource-group") in costed.free


def test_a_type_the_book_does_not_list_is_unpriced_not_zero(bp: Blueprint) -> None:
    cosmos: Child = ("data", "azure-native:cosmosdb:DatabaseAccount", "fraud-cosmos", {})
    costed = estimate(bp, platform(cosmos))
    assert costed.unpriced == ((urn(cosmos[1], cosmos[2]), cosmos[1]),)


def test_a_region_without_prices_names_the_priced_regions(bp: Blueprint) -> None:
    sweden = bp.model_copy(update={"region": "swedencentral"})
    with pytest.raises(CostError, match=r"\(it has: eastus, westeurope\)"):
        estimate(sweden, platform())


def test_a_prices_file_overrides_a_price(bp: Blueprint, tmp_path: Path) -> None:
    path = tmp_path / "negotiated.yaml"
    path.write_text(
        "cloud: azure\nskus:\n  azureml-vm:\n    unit: hours\n    taken: 2026-12-01\n"
        "    source: our agreement\n    prices:\n"
        "      Standard_DS3_v2: {eastus: 0.25, westeurope: 0.30}\n"
    )
    costed = estimate(bp, platform(deployment()), book=load_book("azure", path))
    assert only(costed, "fraud-serving-deployment").monthly_cost == Decimal("365.00")  # 1460 h


@pytest.mark.parametrize(
    ("text", "days"), [("P90D", "90"), ("P1Y", "365"), ("P2W", "14"), ("P3M", "91.2501")]
)
def test_rotation_periods_are_read_as_days(text: str, days: str) -> None:
    assert duration_days(text) == Decimal(days)


@pytest.mark.parametrize(
    ("text", "minutes"), [("PT5M", 5), ("PT1H", 60), ("P1D", 1440), ("PT", None), ("5m", None)]
)
def test_frequencies_are_read_as_minutes(text: str, minutes: int | None) -> None:
    assert duration_minutes(text) == minutes

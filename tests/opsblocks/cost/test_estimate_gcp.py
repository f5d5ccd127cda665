"""Estimates of GCP platforms against hand-computed costs.

Every expected amount is computed here from the list prices the book cites, never read back
from the estimator: the sourced ones of ../shared/reference/list-prices.md (#16 Vertex
training n1-standard-4 $0.21849885/h, #17 Vertex prediction n1-standard-4 $0.219/node-hour,
#18 Cloud Storage Standard $0.020/GB-month, all us-central1) and the book's estimates, named
where they are used. Hourly items run 730 h a month.
"""

import base64
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from opsblocks import blueprint, program
from opsblocks.blueprint import Blueprint, Usage
from opsblocks.cost.book import load_book
from opsblocks.cost.estimate import estimate
from opsblocks.cost.gcp_usage import runs_per_month
from opsblocks.cost.model import Estimate, Kind, Line, ResourceCost
from opsblocks.errors import CostError
from opsblocks.preview import UNKNOWN, Graph, Resource, record
from tests.recording import run

ROOT = Path(__file__).parents[3]
VERTEX = ROOT / "blueprints" / "gcp-vertex.yaml"
MINIMAL = ROOT / "blueprints" / "gcp-minimal.yaml"
ENDPOINT = "gcp:vertex/aiEndpoint:AiEndpoint"
SCHEDULER = "gcp:cloudscheduler/job:Job"
BUCKET = "gcp:storage/bucket:Bucket"


def load(tmp_path: Path, text: str, name: str = "bp.yaml") -> Blueprint:
    path = tmp_path / name
    path.write_text(text)
    return blueprint.load(path)


@pytest.fixture(scope="module")
def platform() -> tuple[Blueprint, Graph]:
    """The shipped production blueprint: 2 x n1-standard-4 replicas, 500 GB, 40 h, 1000 min."""
    bp = blueprint.load(VERTEX)
    return bp, run(lambda: program.build(bp))


@pytest.fixture(scope="module")
def minimal() -> tuple[Blueprint, Graph]:
    """The shipped dev blueprint in europe-west4, without usage assumptions."""
    bp = blueprint.load(MINIMAL)
    return bp, run(lambda: program.build(bp))


def with_usage(bp: Blueprint, **usage: float) -> Blueprint:
    return bp.model_copy(update={"usage": Usage(**usage)})


def of_type(costed: Estimate, type_token: str) -> list[ResourceCost]:
    return [r for r in costed.resources if r.type == type_token]


def named(costed: Estimate, name: str) -> ResourceCost:
    [found] = [r for r in costed.resources if r.name == name]
    return found


def cost(resources: list[ResourceCost]) -> Decimal:
    return sum((r.monthly_cost for r in resources), Decimal(0))


def line(resource: ResourceCost, starts: str) -> Line:
    [found] = [candidate for candidate in resource.lines if candidate.name.startswith(starts)]
    return found


# -- serving --------------------------------------------------------------------------------


def test_an_endpoint_of_two_n1_standard_4_replicas_costs_319_74(
    platform: tuple[Blueprint, Graph],
) -> None:
    [endpoint] = of_type(estimate(*platform), ENDPOINT)
    [nodes] = endpoint.lines
    assert nodes.name == "Prediction nodes (models deployed by CI/CD): 2 x n1-standard-4"
    assert (nodes.kind, nodes.quantity, nodes.unit) == (Kind.hourly, Decimal(1460), "hours")
    assert nodes.monthly_cost == Decimal("319.74")  # 2 x 730 h x $0.219 (#17)
    assert not nodes.estimate
    assert endpoint.capability == "serving"


def test_offline_the_endpoint_is_priced_from_the_serving_options(tmp_path: Path) -> None:
    """The endpoint is created empty: the replicas CI/CD deploys come from the options."""
    text = VERTEX.read_text().replace(
        "{machine_type: n1-standard-4, min_replicas: 2, max_replicas: 4}",
        "{machine_type: n1-standard-8, min_replicas: 3, max_replicas: 4}",
    )
    bp = load(tmp_path, text)
    [endpoint] = of_type(estimate(bp, record(lambda: program.build(bp))), ENDPOINT)
    [nodes] = endpoint.lines
    assert nodes.name.endswith(": 3 x n1-standard-8")
    assert nodes.monthly_cost == Decimal("959.22")  # 3 x 730 h x ~$0.438 (estimate)
    assert nodes.estimate


def test_a_machine_type_without_a_price_is_an_error_naming_the_fix(tmp_path: Path) -> None:
    text = VERTEX.read_text().replace(
        "{machine_type: n1-standard-4, min_replicas: 2",
        "{machine_type: c2-standard-60, min_replicas: 2",
    )
    bp = load(tmp_path, text)
    with pytest.raises(CostError) as caught:
        estimate(bp, record(lambda: program.build(bp)))
    message = str(caught.value)
    assert message.startswith("serving: demand-forecast-serving-endpoint ")
    assert "no vertex-prediction price for c2-standard-60 in us-central1" in message
    assert "--prices FILE" in message


# -- data and registry ----------------------------------------------------------------------


def test_500_gb_of_gcs_standard_cost_10_00_once_for_all_buckets(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    buckets = of_type(estimate(with_usage(bp, storage_gb=500), graph), BUCKET)
    assert len(buckets) == len(graph.of_type(BUCKET)) > 1
    [priced] = [b for b in buckets if b.lines]
    assert priced.name == f"{bp.name}-data-curated"
    assert cost(buckets) == Decimal("10.00")  # 500 GB x $0.020 (#18)
    assert not priced.lines[0].estimate


def test_storage_in_registries_datasets_and_metadata_depends_on_usage(
    platform: tuple[Blueprint, Graph],
) -> None:
    costed = estimate(*platform)
    for type_token in ("gcp:artifactregistry/repository:Repository",
                       "gcp:bigquery/dataset:Dataset", "gcp:vertex/aiMetadataStore:AiMetadataStore",
                       "gcp:vertex/aiTensorboard:AiTensorboard"):  # fmt: skip
        resources = of_type(costed, type_token)
        assert resources, type_token
        for resource in resources:
            [storage] = resource.lines
            assert (storage.kind, storage.quantity, storage.unit) == (
                Kind.usage, None, "GB-months"), resource.name  # fmt: skip
    [images] = [r for r in of_type(costed, "gcp:artifactregistry/repository:Repository")
                if r.capability == "registry"]  # fmt: skip
    assert images.lines[0].unit_price == Decimal("0.10")  # (#19)


# -- training -------------------------------------------------------------------------------


def test_40_training_hours_on_n1_standard_4_cost_8_739954(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    schedule = named(estimate(with_usage(bp, training_hours=40), graph),
                     f"{bp.name}-training-schedule")  # fmt: skip
    training = line(schedule, "Training")
    assert training.name == "Training jobs (n1-standard-4)"
    assert (training.kind, training.usage_key) == (Kind.usage, "training_hours")
    assert training.monthly_cost == Decimal("8.73995400")  # 40 h x $0.21849885 (#16)
    assert not training.estimate
    assert schedule.capability == "training"


def test_the_training_machine_comes_from_a_known_run_request(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    [job] = [j for j in graph.of_type(SCHEDULER) if j.name.endswith("-training-schedule")]
    target = job.inputs["httpTarget"]
    request = json.loads(base64.b64decode(target["body"]))
    assert request["runtimeConfig"]["parameterValues"]["machine_type"] == "n1-standard-4"
    request["runtimeConfig"]["parameterValues"]["machine_type"] = "n1-standard-8"
    body = base64.b64encode(json.dumps(request).encode()).decode()
    known = replace(job, inputs={**job.inputs, "httpTarget": {**target, "body": body}})
    graph = replace(graph, resources=[known if r is job else r for r in graph.resources])
    costed = estimate(with_usage(bp, training_hours=40), graph)
    training = line(named(costed, job.name), "Training")
    assert training.monthly_cost == Decimal("17.47990800")  # 40 h x ~$0.4369977 (estimate)


def test_offline_the_training_machine_comes_from_the_training_options(tmp_path: Path) -> None:
    """`opsblocks preview` knows no project, so the scheduled run's request is unknown."""
    bp = blueprint.load(VERTEX)
    graph = record(lambda: program.build(bp))
    [job] = [j for j in graph.of_type(SCHEDULER) if j.name.endswith("-training-schedule")]
    assert job.inputs["httpTarget"]["body"] == UNKNOWN
    assert line(named(estimate(bp, graph), job.name), "Training").monthly_cost == Decimal(
        "8.73995400"
    )
    bigger = load(tmp_path, VERTEX.read_text().replace(
        "      machine_type: n1-standard-4\n", "      machine_type: n1-standard-16\n"))  # fmt: skip
    costed = estimate(bigger, record(lambda: program.build(bigger)))
    # 40 h x ~$0.8739954 (estimate)
    assert line(named(costed, job.name), "Training").monthly_cost == Decimal("34.95981600")


def test_scheduled_pipeline_runs_cost_3_cents_each(platform: tuple[Blueprint, Graph]) -> None:
    costed = estimate(*platform)
    training = named(costed, "demand-forecast-training-schedule")
    drift = named(costed, "demand-forecast-monitoring-drift-check")
    weekly, daily = line(training, "Pipeline runs"), line(drift, "Pipeline runs")
    assert weekly.name == "Pipeline runs (4.35 a month on '0 3 * * 1')"
    assert weekly.monthly_cost == Decimal("0.1305")  # 4.35 Mondays x ~$0.03
    assert daily.monthly_cost == Decimal("0.9132")  # 30.44 days x ~$0.03
    assert line(training, "Scheduler job").monthly_cost == Decimal("0.10")
    assert weekly.estimate and daily.estimate


def test_drift_check_hours_are_monitoring_hours_on_the_default_step_machine(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    costed = estimate(with_usage(bp, monitoring_hours=10), graph)
    drift = line(named(costed, "demand-forecast-monitoring-drift-check"), "Drift-check jobs")
    assert drift.usage_key == "monitoring_hours"
    assert drift.monthly_cost == Decimal("1.541138")  # 10 h x ~$0.1541138 (e2-standard-4)


@pytest.mark.parametrize(
    ("schedule", "runs"),
    [
        ("0 3 * * 1", "4.35"),  # 1461 Mondays in the 28-year cycle / 336 months
        ("0 4 * * *", "30.44"),  # 10227 days / 336
        ("*/15 * * * *", "2922.00"),  # 10227 days x 96 / 336
        ("0 9 1,15 * *", "2.00"),
        ("30 8 * * MON-FRI", "21.74"),  # 7305 weekdays / 336
        ("0 0 1 * 1", "5.21"),  # 336 firsts + 1461 Mondays - 48 Monday firsts, / 336
        ("0 0 1 1 *", "0.08"),  # once a year
        ("0 12 * * 7", "4.35"),  # 7 is Sunday, as 0 is
    ],
)
def test_runs_per_month_are_counted_from_the_schedule(schedule: str, runs: str) -> None:
    assert runs_per_month(schedule) == Decimal(runs)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("0 25 * * *", "'0 25 * * *': the hour '25' is out of range 0-23"),
        ("0 x * * *", "'0 x * * *': cannot read the hour 'x'"),
        ("0 3 * *", "'0 3 * *' is not a unix-cron schedule (five fields)"),
    ],
)
def test_a_schedule_the_estimator_cannot_read_is_a_cost_error(schedule: str, message: str) -> None:
    with pytest.raises(CostError) as caught:
        runs_per_month(schedule)
    assert str(caught.value) == message


def test_the_workbench_runs_around_the_clock_with_its_disks(
    platform: tuple[Blueprint, Graph],
) -> None:
    notebook = named(estimate(*platform), "demand-forecast-training-notebook")
    vm, disks = notebook.lines
    assert (vm.name, vm.kind, vm.quantity) == ("VM (e2-standard-4, always on)", Kind.hourly,
                                               Decimal(730))  # fmt: skip
    assert vm.monthly_cost == Decimal("97.828760")  # 730 h x ~$0.134012
    assert disks.name == "Disks (150 GB boot + 100 GB data, pd-balanced)"
    assert disks.monthly_cost == Decimal("25.00")  # 250 GB x ~$0.10
    assert vm.estimate and disks.estimate


def test_a_blueprint_without_workbench_has_no_notebook_cost(
    minimal: tuple[Blueprint, Graph],
) -> None:
    assert of_type(estimate(*minimal), "gcp:workbench/instance:Instance") == []


# -- validation, monitoring, CI/CD, foundation ----------------------------------------------


def test_alert_policies_cost_1_50_per_condition(platform: tuple[Blueprint, Graph]) -> None:
    policies = of_type(estimate(*platform), "gcp:monitoring/alertPolicy:AlertPolicy")
    assert {p.capability for p in policies} == {"validation", "monitoring"}
    # ~$1.50 per condition: endpoint errors and latency, failed gate, drift, failed schedules.
    assert [p.monthly_cost for p in policies] == [Decimal("1.50")] * 5


def test_1000_build_minutes_on_e2_standard_2_cost_6_00_once(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    triggers = of_type(estimate(with_usage(bp, build_minutes=1000), graph),
                       "gcp:cloudbuild/trigger:Trigger")  # fmt: skip
    assert len(triggers) == 3
    [priced] = [t for t in triggers if t.lines]
    assert priced.lines[0].name == "Build minutes, all triggers (e2-standard-2)"
    assert cost(triggers) == Decimal("6.000")  # 1000 min x ~$0.006
    assert priced.lines[0].estimate


def test_log_ingestion_is_priced_once_on_the_foundation_subnet(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    [subnet] = of_type(estimate(with_usage(bp, log_gb=100), graph),
                       "gcp:compute/subnetwork:Subnetwork")  # fmt: skip
    assert subnet.capability == "foundation"
    assert subnet.monthly_cost == Decimal("50.00")  # 100 GB x ~$0.50


def test_the_key_costs_one_key_version(platform: tuple[Blueprint, Graph]) -> None:
    [key] = of_type(estimate(*platform), "gcp:kms/cryptoKey:CryptoKey")
    [versions] = key.lines
    assert versions.name == "Key versions (1 active, +1 every 90 days)"
    assert versions.monthly_cost == Decimal("0.06")  # ~$0.06 per version
    assert versions.estimate
    assert key.capability == "foundation"


# -- the whole estimate ---------------------------------------------------------------------


def test_the_shipped_production_platform_costs_476_11_a_month(
    platform: tuple[Blueprint, Graph],
) -> None:
    costed = estimate(*platform)
    expected = (
        Decimal("0.06")  # key version
        + Decimal("10.00")  # 500 GB Cloud Storage (#18)
        + Decimal("0.10") + Decimal("0.1305")  # training schedule and its weekly runs
        + Decimal("8.739954")  # 40 training hours (#16)
        + Decimal("97.82876") + Decimal("25.00")  # Workbench VM and disks
        + Decimal("319.74")  # endpoint (#17)
        + 5 * Decimal("1.50")  # alert conditions
        + Decimal("0.10") + Decimal("0.9132")  # drift-check schedule and its daily runs
        + Decimal("6.00")  # 1000 build minutes
    )  # fmt: skip
    assert costed.monthly_cost == expected == Decimal("476.112414")
    assert costed.unpriced == ()


def test_a_usage_line_without_its_assumption_has_no_quantity_and_no_cost(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    bare = with_usage(bp)
    costed = estimate(bare, graph)
    [curated] = [r for r in of_type(costed, BUCKET) if r.lines]
    [storage] = curated.lines
    assert (storage.quantity, storage.monthly_cost, storage.usage_key) == (None, None, "storage_gb")
    assert storage.unit_price == Decimal("0.020")
    assumed = with_usage(bare, storage_gb=500, training_hours=40, build_minutes=1000, log_gb=100,
                         monitoring_hours=10)  # fmt: skip
    # 10.00 (storage) + 8.739954 (training) + 6.00 (builds) + 50.00 (logs) + 1.541138 (drift)
    assert estimate(assumed, graph).monthly_cost - costed.monthly_cost == Decimal("76.281092")


def test_free_types_cost_nothing_and_are_counted_as_free(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    costed = estimate(bp, graph)
    for type_token in ("gcp:projects/iAMMember:IAMMember", "gcp:serviceaccount/account:Account",
                       "gcp:projects/service:Service"):  # fmt: skip
        resources = graph.of_type(type_token)
        assert resources
        assert {r.urn for r in resources} <= set(costed.free)
        assert of_type(costed, type_token) == []


def test_a_type_the_book_does_not_list_is_unpriced_not_zero(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    type_token = "gcp:redis/instance:Instance"  # a type no tool creates
    urn = f"urn:pulumi:test::opsblocks::{type_token}::cache"
    database = Resource(urn=urn, type=type_token, name="cache", parent=None, custom=True,
                        inputs={}, protect=False, retain_on_delete=False, dependencies=[],
                        provider=None)  # fmt: skip
    costed = estimate(bp, replace(graph, resources=[*graph.resources, database]))
    assert costed.unpriced == ((urn, type_token),)
    assert urn not in costed.free


def test_every_resource_belongs_to_the_capability_of_its_top_component(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    costed = estimate(bp, graph)
    by_name = {r.name: r.capability for r in costed.resources}
    assert by_name[f"{bp.name}-key"] == "foundation"
    assert by_name[f"{bp.name}-training-notebook"] == "training"
    assert by_name[f"{bp.name}-cicd-test"] == "cicd"
    assert costed.by_capability()["serving"] == Decimal("319.74")


def test_the_estimate_is_deterministic(platform: tuple[Blueprint, Graph]) -> None:
    bp, graph = platform
    first = estimate(bp, graph)
    again = estimate(bp, replace(graph, resources=list(reversed(graph.resources))))
    assert first == again
    order = ["foundation", "data", "registry", "training", "serving", "validation",
             "monitoring", "cicd"]  # fmt: skip
    assert list(dict.fromkeys(r.capability for r in first.resources)) == order


# -- regions and price files ----------------------------------------------------------------


def test_a_region_without_prices_names_the_priced_regions(
    platform: tuple[Blueprint, Graph],
) -> None:
    bp, graph = platform
    tokyo = bp.model_copy(update={"region": "asia-northeast1"})
    with pytest.raises(CostError) as caught:
        estimate(tokyo, graph)
    message = str(caught.value)
    assert "the gcp price book has no prices for asia-northeast1" in message
    assert "(it has: us-central1, europe-west4)" in message
    assert "--price-region" in message
    assert estimate(tokyo, graph, price_region="us-central1").region == "us-central1"


def test_europe_west4_prices_are_flagged_as_estimates(platform: tuple[Blueprint, Graph]) -> None:
    netherlands = estimate(*platform, price_region="europe-west4")
    [nodes] = of_type(netherlands, ENDPOINT)[0].lines
    assert nodes.monthly_cost == Decimal("351.714")  # 2 x 730 h x ~$0.2409
    assert nodes.estimate
    assert netherlands.region == "europe-west4"


def test_the_minimal_platform_is_priced_in_its_own_region(minimal: tuple[Blueprint, Graph]) -> None:
    costed = estimate(*minimal)
    assert costed.region == "europe-west4"
    # Key version ~$0.06 + scheduler job ~$0.10 + 4.35 weekly runs x ~$0.03; the rest is usage.
    assert costed.monthly_cost == Decimal("0.2905")
    assert all(line.estimate for r in costed.resources for line in r.lines)


def test_a_prices_file_overrides_a_price(platform: tuple[Blueprint, Graph], tmp_path: Path) -> None:
    path = tmp_path / "negotiated.yaml"
    path.write_text(
        "cloud: gcp\nskus:\n  vertex-prediction:\n    unit: hours\n    taken: 2026-12-01\n"
        "    source: our commitment\n    prices:\n"
        "      n1-standard-4: {us-central1: 0.18, europe-west4: 0.20}\n"
    )
    costed = estimate(*platform, book=load_book("gcp", path))
    [nodes] = of_type(costed, ENDPOINT)[0].lines
    assert nodes.monthly_cost == Decimal("262.80")  # 2 x 730 h x $0.18
    assert not nodes.estimate
    [key] = of_type(costed, "gcp:kms/cryptoKey:CryptoKey")
    assert key.monthly_cost == Decimal("0.06")  # the rest of the book still applies

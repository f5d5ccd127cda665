"""What the mlflow tool's Cloud SQL instance and secrets cost, computed by hand from the price
book's estimates (us-central1: $0.0413 per vCPU-hour, $0.007 per GB-hour of memory, $0.17 per
GB-month of SSD, $0.06 per active secret version and location; 730 hours a month)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from opsblocks import blueprint
from opsblocks.cost.estimate import estimate
from opsblocks.cost.model import Kind, Line, ResourceCost
from opsblocks.errors import CostError
from opsblocks.preview import Graph, Resource

MINIMAL = Path(__file__).parents[3] / "blueprints" / "gcp-minimal.yaml"
INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
SECRET = "gcp:secretmanager/secret:Secret"


def priced(type_token: str, inputs: dict[str, Any]) -> ResourceCost:
    resource = Resource(urn=f"urn:pulumi:test::opsblocks::{type_token}::r", type=type_token,
                        name="r", parent=None, custom=True, inputs=inputs, protect=False,
                        retain_on_delete=False, dependencies=[], provider=None)  # fmt: skip
    costed = estimate(blueprint.load(MINIMAL), Graph(resources=[resource]),
                      price_region="us-central1")  # fmt: skip
    [found] = costed.resources
    return found


def lines(resource: ResourceCost) -> dict[str, Line]:
    return {line.name.split(" (")[0]: line for line in resource.lines}


def test_a_custom_tier_bills_its_vcpus_memory_and_ssd_around_the_clock() -> None:
    db = lines(priced(INSTANCE, {"settings": {"tier": "db-custom-1-3840", "diskSize": 10,
                                              "availabilityType": "ZONAL"}}))  # fmt: skip

    assert db["vCPUs"].monthly_cost == Decimal("30.149")  # 1 x 0.0413 x 730
    assert db["Memory"].monthly_cost == Decimal("19.1625")  # 3.75 GB x 0.007 x 730
    assert (db["vCPUs"].unit, db["Memory"].unit) == ("hours", "GB-hours")
    assert db["SSD"].monthly_cost == Decimal("1.70")  # 10 GB x 0.17
    assert db["Backups"].kind is Kind.usage and db["Backups"].quantity is None
    assert all(line.estimate for line in db.values())


def test_a_high_availability_instance_bills_its_standby_too() -> None:
    db = lines(priced(INSTANCE, {"settings": {"tier": "db-custom-2-7680", "diskSize": 20,
                                              "availabilityType": "REGIONAL"}}))  # fmt: skip

    assert db["vCPUs"].monthly_cost == Decimal("120.596")  # 2 x 0.0413 x 730 x 2
    assert db["Memory"].monthly_cost == Decimal("76.650")  # 7.5 GB x 0.007 x 730 x 2
    assert db["SSD"].monthly_cost == Decimal("6.80")  # 20 GB x 0.17 x 2


def test_a_shared_core_tier_is_priced_as_one_machine() -> None:
    db = lines(priced(INSTANCE, {"settings": {"tier": "db-g1-small"}}))

    assert db["Shared core"].monthly_cost == Decimal("25.550")  # 0.035 x 730
    assert db["SSD"].monthly_cost == Decimal("1.70")  # the 10 GB default


def test_a_tier_the_book_cannot_price_is_a_cost_error() -> None:
    with pytest.raises(CostError, match="db-perf-optimized-N-2"):
        priced(INSTANCE, {"settings": {"tier": "db-perf-optimized-N-2"}})


def test_a_secret_bills_one_active_version_per_replica_location() -> None:
    replicas = [{"location": "us-central1"}, {"location": "us-east1"}]
    secret = priced(SECRET, {"replication": {"userManaged": {"replicas": replicas}}})

    assert secret.monthly_cost == Decimal("0.12")  # 2 locations x 0.06

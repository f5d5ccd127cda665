"""The MLflow database's price: instance hours and storage from what the component sends."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from opsblocks import blueprint
from opsblocks.cost.aws import db_instance
from opsblocks.cost.book import load_book
from opsblocks.cost.estimate import Context
from opsblocks.cost.model import Kind
from opsblocks.errors import CostError
from opsblocks.preview import Graph, Resource

TYPE = "aws:rds/instance:Instance"


def priced(tmp_path: Path, **inputs: Any) -> list[tuple[str, Kind, Decimal | None, bool]]:
    path = tmp_path / "fraud.yaml"
    path.write_text("name: fraud\ncloud: aws\nregion: us-east-1\nenvironment: dev\n"
                    "capabilities: {data: {tool: s3}}\n")  # fmt: skip
    bp = blueprint.load(path)
    context = Context(book=load_book("aws"), region="us-east-1", usage=bp.usage, blueprint=bp,
                      graph=Graph(), capabilities={})  # fmt: skip
    db = Resource(urn=f"urn:{TYPE}::db", type=TYPE, name="db", parent=None, custom=True,
                  inputs={"engine": "postgres", "storageType": "gp3", **inputs}, protect=False,
                  retain_on_delete=False, dependencies=[], provider=None)  # fmt: skip
    return [(line.name, line.kind, line.monthly_cost, line.estimate)
            for line in db_instance(db, context)]  # fmt: skip


def test_a_single_az_db_t3_large_with_20_gb_costs_105_85_and_2_30(tmp_path: Path) -> None:
    lines = priced(tmp_path, instanceClass="db.t3.large", allocatedStorage=20, multiAz=False)

    # The published figures: Infracost's golden test of a postgres db.t3.large.
    assert lines == [
        ("Database instance (Single-AZ, db.t3.large)", Kind.hourly, Decimal("105.85"), False),
        ("Storage (gp3, Single-AZ)", Kind.monthly, Decimal("2.30"), False),
        ("Backup storage beyond the database's size", Kind.usage, None, False),
    ]


def test_multi_az_bills_the_standby_instance_and_its_storage(tmp_path: Path) -> None:
    lines = priced(tmp_path, instanceClass="db.t4g.micro", allocatedStorage=400, multiAz=True)

    (_, _, instance, estimate), (_, _, storage, _), _ = lines
    assert instance == Decimal("0.016") * 730 * 2
    assert estimate is True
    assert storage == Decimal("92.000")


def test_another_engine_is_refused_not_priced_as_postgres(tmp_path: Path) -> None:
    with pytest.raises(CostError, match="mysql"):
        priced(tmp_path, engine="mysql", instanceClass="db.t3.large")

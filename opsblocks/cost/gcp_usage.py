"""GCP pricers of usage-based types: billed per GB, hour or minute used, from the blueprint's
`usage:` assumptions (none given: no quantity, "depends on usage", not in the total).

Platform-wide assumptions are priced once, not on every resource of a type:
- `storage_gb` (GB in all the platform's buckets) on the data capability's curated bucket,
  or the first bucket when the blueprint has no data capability;
- `log_gb` (GB of logs ingested: VPC flow logs, builds, pipeline runs) on the foundation's
  subnet, whose flow logs are the platform's own steady source of logs;
- `build_minutes` on the first Cloud Build trigger.
The other buckets, subnets and triggers get no line of their own: their cost is in it.

Scheduled pipeline runs are counted from their unix-cron schedule (`runs_per_month`).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from opsblocks.cost.estimate import (
    Context,
    Pricer,
    curated_data,
    in_foundation,
    platform_wide,
)
from opsblocks.cost.model import Kind, Line
from opsblocks.errors import CostError
from opsblocks.preview import Resource

DEFAULT_BUILD_MACHINE = "e2-standard-2"  # the default pool's machine when a build names none


bucket = platform_wide("Storage, Cloud Storage Standard (all platform buckets)", "gcs-storage",
                       "standard", "storage_gb", curated_data)  # fmt: skip
subnetwork = platform_wide("Log ingestion (all platform logs, VPC flow logs included)",
                           "cloud-logging", "ingestion", "log_gb", in_foundation)  # fmt: skip


def artifact_repository(resource: Resource, context: Context) -> list[Line]:
    kind = str(resource.inputs.get("format", "DOCKER")).upper()
    name = f"Storage ({kind} repository)"
    return [context.line(name, Kind.usage, "artifact-registry", "storage", None)]


def bigquery_dataset(resource: Resource, context: Context) -> list[Line]:
    name = "Storage, active logical (queries billed apart)"
    return [context.line(name, Kind.usage, "bigquery-storage", "active-logical", None)]


def metadata_store(resource: Resource, context: Context) -> list[Line]:
    return [context.line("Metadata storage", Kind.usage, "vertex-metadata", "storage", None)]


def tensorboard(resource: Resource, context: Context) -> list[Line]:
    name = "Experiment log storage"
    return [context.line(name, Kind.usage, "vertex-tensorboard", "storage", None)]


def build_trigger(resource: Resource, context: Context) -> list[Line]:
    if not context.designated(resource):
        return []
    options = (resource.inputs.get("build") or {}).get("options") or {}
    # E2_HIGHCPU_8 -> e2-highcpu-8; a type the book has no price for is an error, not a guess.
    machine = str(options.get("machineType") or "UNSPECIFIED").lower().replace("_", "-")
    machine = DEFAULT_BUILD_MACHINE if machine == "unspecified" else machine
    minutes = context.assumption("build_minutes")
    name = f"Build minutes, all triggers ({machine})"
    return [context.line(name, Kind.usage, "cloud-build", machine, minutes, "build_minutes")]


# -- schedules --------------------------------------------------------------------------------

# The Gregorian calendar repeats every 28 years from 1901 to 2099: the average month over
# 2001-2028 weighs every weekday and leap day as the years to come will.
CYCLE_START, CYCLE_YEARS = 2001, 28
FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12),
          ("day of week", 0, 7))  # fmt: skip
NAMES = {
    "month": ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    "day of week": ("sun", "mon", "tue", "wed", "thu", "fri", "sat"),
}
CENTS = Decimal("0.01")


@cache
def runs_per_month(schedule: str) -> Decimal:
    """How often a unix-cron `schedule` fires in an average month, to the hundredth.

    `0 3 * * 1` (Mondays) fires 4.35 times, `0 4 * * *` 30.44 times. As in cron, a schedule
    that restricts both the day of month and the day of week fires on either.
    """
    parts = schedule.split()
    if len(parts) != len(FIELDS):
        raise CostError(f"'{schedule}' is not a unix-cron schedule (five fields)")
    minutes, hours, days, months, weekdays = (
        _values(part, *field, schedule) for part, field in zip(parts, FIELDS, strict=True)
    )
    weekdays = {d % 7 for d in weekdays}  # 7 is Sunday too
    # As in cron, a field that starts with `*` does not restrict the days.
    any_day, any_weekday = parts[2].startswith("*"), parts[4].startswith("*")
    day, end = date(CYCLE_START, 1, 1), date(CYCLE_START + CYCLE_YEARS, 1, 1)
    matching = 0
    while day < end:
        by_day, by_weekday = day.day in days, (day.isoweekday() % 7) in weekdays
        if day.month in months and (
            by_day and by_weekday
            if any_day or any_weekday
            else by_day or by_weekday  # both restricted: either one fires
        ):
            matching += 1
        day += timedelta(days=1)
    runs = Decimal(matching * len(hours) * len(minutes)) / (CYCLE_YEARS * 12)
    return runs.quantize(CENTS)


def _values(part: str, field: str, low: int, high: int, schedule: str) -> set[int]:
    found: set[int] = set()
    for item in part.lower().split(","):
        span, _, step = item.partition("/")
        try:
            if span == "*":
                start, stop = low, high
            else:
                first, _, last = span.partition("-")
                start = _number(first, field, low)
                stop = _number(last, field, low) if last else (high if step else start)
            every = int(step) if step else 1
        except ValueError:
            raise CostError(f"'{schedule}': cannot read the {field} '{part}'") from None
        if not low <= start <= stop <= high or every < 1:
            raise CostError(f"'{schedule}': the {field} '{part}' is out of range {low}-{high}")
        found |= set(range(start, stop + 1, every))
    return found


def _number(text: str, field: str, low: int) -> int:
    names = NAMES.get(field, ())
    return names.index(text) + low if text in names else int(text)


def scheduled_runs(resource: Resource) -> tuple[str, Decimal]:
    """The job's schedule and how often it starts a run in a month."""
    schedule = resource.inputs.get("schedule")
    if not isinstance(schedule, str):
        raise CostError("the scheduler job has no schedule")
    return schedule, runs_per_month(schedule)


def run_parameter(body: Any, name: str) -> Any:
    """A parameter of the pipeline run that a scheduler job's body (base64 JSON) starts, when
    the preview knows the body; None otherwise."""
    if not isinstance(body, str):
        return None
    try:
        request = json.loads(base64.b64decode(body, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(request, dict):
        return None
    parameters = (request.get("runtimeConfig") or {}).get("parameterValues") or {}
    return parameters.get(name) if isinstance(parameters, dict) else None


def router_nat(resource: Resource, context: Context) -> list[Line]:
    name = "Data processed (GKE nodes' outbound traffic; per-VM hours billed apart)"
    return [context.line(name, Kind.usage, "cloud-nat", "data-processing", None)]


USAGE: dict[str, Pricer] = {
    "gcp:storage/bucket:Bucket": bucket,
    "gcp:compute/subnetwork:Subnetwork": subnetwork,
    "gcp:artifactregistry/repository:Repository": artifact_repository,
    "gcp:bigquery/dataset:Dataset": bigquery_dataset,
    "gcp:vertex/aiMetadataStore:AiMetadataStore": metadata_store,
    "gcp:vertex/aiTensorboard:AiTensorboard": tensorboard,
    "gcp:cloudbuild/trigger:Trigger": build_trigger,
    "gcp:compute/routerNat:RouterNat": router_nat,
}

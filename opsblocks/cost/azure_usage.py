"""Azure pricers of usage-based types: billed per GB, hour or operation used, from the
blueprint's `usage:` assumptions (none given: no quantity, "depends on usage", not in the total).

Platform-wide assumptions are priced once, not on every resource of a type:
- `storage_gb` (GB in all the platform's storage accounts) on the data capability's account,
  or the first account when the blueprint has no data capability, at that account's tier and
  redundancy;
- `log_gb` (GB ingested: diagnostic logs, Application Insights, jobs) on the foundation's
  Log Analytics workspace;
- `monitoring_hours` on the first model-monitor schedule (serverless Spark);
- `build_minutes` on the first Azure Pipelines definition: the first Microsoft-hosted
  parallel job's 1,800 minutes a month are free, more need a paid parallel job.
The other accounts, schedules and definitions get no line of their own: their cost is in it.

Also here: the ISO 8601 durations Azure writes schedules and frequencies in (`P90D`, `PT5M`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from opsblocks.cost.estimate import Context, Pricer, in_foundation, platform_wide
from opsblocks.cost.model import Kind, Line
from opsblocks.errors import CostError
from opsblocks.model import Capability
from opsblocks.preview import Resource

DAYS_PER_MONTH = Decimal("30.4167")
"""730 h / 24, to four places: what a per-day price (Container Registry) is billed a month."""
FREE_PIPELINE_MINUTES = 1800
DEFAULT_SPARK_INSTANCE = "standard_e4s_v3"  # what Azure ML model monitors run on by default
SCHEDULE = "azure-native:machinelearningservices:Schedule"
BUILD_DEFINITION = "azuredevops:index/buildDefinition:BuildDefinition"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"

_DAYS = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_MINUTES = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def dig(data: Any, *path: str) -> Any:
    """`data[path[0]][path[1]]...`, or None where a step is missing or not a mapping."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def duration_days(text: Any) -> Decimal | None:
    """Days in an ISO 8601 date duration (`P90D`, `P3M`, `P1Y`); None if it is not one."""
    found = _DAYS.match(text) if isinstance(text, str) and text != "P" else None
    if found is None:
        return None
    years, months, weeks, days = (int(part or 0) for part in found.groups())
    total = years * 365 + weeks * 7 + days + months * DAYS_PER_MONTH
    return Decimal(total) if total else None


def duration_minutes(text: Any) -> int | None:
    """Minutes in an ISO 8601 duration of days, hours, minutes (`PT5M`, `PT1H`, `P1D`)."""
    found = _MINUTES.match(text) if isinstance(text, str) and text not in ("P", "PT") else None
    if found is None:
        return None
    days, hours, minutes = (int(part or 0) for part in found.groups())
    return (days * 24 + hours) * 60 + minutes or None


# -- platform-wide ----------------------------------------------------------------------------


def _in_data(resource: Resource, context: Context) -> bool:
    return context.capabilities[resource.urn] == Capability.data


def storage_account(resource: Resource, context: Context) -> list[Line]:
    """All the platform's stored GB, at the data lake's tier and redundancy."""
    if not context.designated(resource, lambda r: _in_data(r, context)):
        return []
    sku = str(dig(resource.inputs, "sku", "name") or "Standard_LRS")
    performance, _, redundancy = sku.partition("_")
    tier = "premium" if performance == "Premium" else str(resource.inputs.get("accessTier", "Hot"))
    attribute = f"{tier.lower()}-{redundancy.lower()}"
    kind = "ADLS Gen2" if resource.inputs.get("isHnsEnabled") else "Blob"
    name = f"Storage, {kind} {tier.title()} {redundancy} (all platform storage accounts)"
    quantity = context.assumption("storage_gb")
    return [context.line(name, Kind.usage, "blob-storage", attribute, quantity, "storage_gb")]


log_workspace = platform_wide("Log ingestion (all platform logs)", "log-analytics", "analytics",
                              "log_gb", in_foundation)  # fmt: skip


def vault(resource: Resource, context: Context) -> list[Line]:
    name = "Secret operations"
    return [context.line(name, Kind.usage, "keyvault-operations", "secrets", None)]


# -- model monitoring -------------------------------------------------------------------------


def schedule_action(resource: Resource) -> dict[str, Any]:
    """The schedule's action (`properties.action`; `scheduleProperties` in older SDKs)."""
    properties = resource.inputs.get("properties") or resource.inputs.get("scheduleProperties")
    action = dig(properties, "action")
    return action if isinstance(action, dict) else {}


def _monitors(resource: Resource) -> bool:
    return schedule_action(resource).get("actionType") == "CreateMonitor"


def schedule(resource: Resource, context: Context) -> list[Line] | None:
    """A model monitor's serverless Spark jobs (usage.monitoring_hours, once for all monitors);
    any other schedule starts jobs on the training cluster, where their compute is priced."""
    if not _monitors(resource):
        return None
    monitors = [s for s in context.graph.of_type(SCHEDULE) if _monitors(s)]
    if min(s.urn for s in monitors) != resource.urn:
        return []
    compute = dig(schedule_action(resource), "monitorDefinition", "computeConfiguration")
    instance = str(dig(compute, "instanceType") or DEFAULT_SPARK_INSTANCE).lower()
    hours = context.assumption("monitoring_hours")
    name = f"Monitoring jobs, serverless Spark ({instance})"
    return [context.line(name, Kind.usage, "azureml-serverless-spark", instance, hours,
                         "monitoring_hours")]  # fmt: skip


# -- CI/CD ------------------------------------------------------------------------------------


def build_definition(resource: Resource, context: Context) -> list[Line] | None:
    """A paid Microsoft-hosted parallel job once the builds outgrow the free one's minutes."""
    minutes = context.assumption("build_minutes")
    if minutes is not None and minutes <= FREE_PIPELINE_MINUTES:
        return None  # within the free parallel job's minutes
    if not context.designated(resource):
        return []
    if minutes is None:
        name = f"Extra Microsoft-hosted parallel job (above {FREE_PIPELINE_MINUTES:,} minutes)"
        quantity = None
    else:
        name = f"Extra Microsoft-hosted parallel job ({minutes:,} build minutes a month)"
        quantity = Decimal(1)
    return [context.line(name, Kind.usage, "azure-pipelines", "microsoft-hosted", quantity,
                         "build_minutes")]  # fmt: skip


def require(value: Any, what: str) -> str:
    """`value` when it is a string, else a CostError saying `what` is unknown."""
    if not isinstance(value, str) or not value:
        raise CostError(f"{what} is unknown")
    return value


USAGE: dict[str, Pricer] = {
    STORAGE_ACCOUNT: storage_account,
    "azure-native:operationalinsights:Workspace": log_workspace,
    "azure-native:keyvault:Vault": vault,
    SCHEDULE: schedule,
    BUILD_DEFINITION: build_definition,
}

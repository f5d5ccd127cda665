"""Options of the vertex-model-monitoring tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.gcp.shared.option_types import Cron
from components.options import ASK, Email, Options


class VertexModelMonitoringOptions(Options):
    """Alerts on the endpoint's errors and p99 latency, a dashboard, a scheduled drift check."""

    alert_email: Annotated[Email | None, ASK] = None
    latency_p99_ms: int = Field(1000, ge=1, description="Alert when p99 latency exceeds.")
    max_errors_per_5min: int = Field(5, ge=1, description="Alert when prediction errors exceed.")
    drift_schedule: Cron = "0 4 * * *"
    drift_threshold: float = Field(0.3, gt=0, description="Distance that counts as drift.")

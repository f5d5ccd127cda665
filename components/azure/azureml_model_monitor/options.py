"""Options of the azureml-model-monitor tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from components.azure.shared.option_types import Cron
from components.options import ASK, Email, Options


class AzureMlModelMonitorOptions(Options):
    """Model monitor (data and prediction drift), metric alerts and an e-mail action group."""

    alert_email: Annotated[Email | None, ASK] = None
    latency_p99_ms: int = Field(1000, ge=1, description="Alert when request latency exceeds.")
    max_errors_per_5min: int = Field(5, ge=1, description="Alert when failed requests exceed.")
    schedule: Cron = Field("0 4 * * *", description="When the drift signals are computed.")
    drift_threshold: float = Field(
        0.1, gt=0, description="Jensen-Shannon distance that counts as drift."
    )
    task: Literal["classification", "regression"] = "classification"

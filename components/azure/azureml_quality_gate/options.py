"""Options of the azureml-quality-gate tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from components.azure.shared.option_types import Cron
from components.options import ASK, Options


class AzureMlQualityGateOptions(Options):
    """Metric threshold compiled into an evaluation pipeline that fails below it."""

    metric: Annotated[str, ASK] = Field("auc", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    threshold: Annotated[float, ASK] = 0.8
    direction: Literal["maximize", "minimize"] = "maximize"
    schedule: Cron = Field("0 5 * * *", description="When the gate evaluates the latest model.")

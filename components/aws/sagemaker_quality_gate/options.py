"""Options of the sagemaker-quality-gate tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from components.options import ASK, Options


class SageMakerQualityGateOptions(Options):
    """Metric threshold enforced by the training pipeline before a model is registered."""

    metric: Annotated[str, ASK] = Field(
        "auc", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$", description="Metric in evaluation.json."
    )
    threshold: Annotated[float, ASK] = Field(
        0.8, description="Models below (or above, see direction) fail."
    )
    direction: Literal["maximize", "minimize"] = "maximize"
    approval: Literal["manual", "automatic"] = Field(
        "manual", description="manual: new model packages wait for a person to approve them."
    )

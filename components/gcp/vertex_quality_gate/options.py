"""Options of the vertex-quality-gate tool (a blueprint's `options:` for it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from components.options import ASK, Options


class VertexQualityGateOptions(Options):
    """Metric threshold the training pipeline enforces before a model is registered."""

    metric: Annotated[str, ASK] = Field("auc", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    threshold: Annotated[float, ASK] = 0.8
    direction: Literal["maximize", "minimize"] = "maximize"

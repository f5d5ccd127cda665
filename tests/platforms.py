"""Shipped blueprints recorded once per test session, for every test module that checks whole
platforms (a recording takes a second or two; graphs are only read)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from opsblocks import blueprint, program
from opsblocks.blueprint import Blueprint
from opsblocks.preview import Graph
from tests.recording import run

ROOT = Path(__file__).parents[1]


def shipped(cloud: str) -> list[Path]:
    return sorted((ROOT / "blueprints").glob(f"{cloud}-*.yaml"))


@cache
def recorded(path: Path) -> tuple[Blueprint, Graph]:
    bp = blueprint.load(path)
    return bp, run(lambda: program.build(bp))

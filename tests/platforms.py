"""Whole platforms recorded once per test session, for every test module that checks them (a
recording takes a second or two; graphs are only read): the shipped blueprints, and per cloud
one generated blueprint per tool (with the tools it needs) plus every tool at once (that
works together), in dev and
prod, with the options that make each tool create everything it can."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from functools import cache
from itertools import product
from pathlib import Path

from opsblocks import blueprint, catalog, program
from opsblocks.blueprint import Blueprint
from opsblocks.model import Capability, Cloud
from opsblocks.preview import Graph
from tests.recording import run

ROOT = Path(__file__).parents[1]


def shipped(cloud: str) -> list[Path]:
    return sorted((ROOT / "blueprints").glob(f"{cloud}-*.yaml"))


@cache
def recorded(path: Path) -> tuple[Blueprint, Graph]:
    bp = blueprint.load(path)
    return bp, run(lambda: program.build(bp))


REGION = {Cloud.aws: "us-east-1", Cloud.azure: "eastus", Cloud.gcp: "us-central1"}

# Known limits the README documents, waived in the generated blueprints as a user would.
WAIVERS: dict[Cloud, list[dict[str, str]]] = {
    Cloud.azure: [
        {"rule": "OB-AZURE-ACR-004", "reason": "the registry cannot reach a key in the "
         "firewalled vault through a user-assigned identity (README, Azure)"},
        {"rule": "OB-AZURE-CICD-003", "reason": "github-actions in prod: self-hosted runners "
         "in the VNet, which opsblocks does not create (README, Azure)"},
    ],
}  # fmt: skip

Platforms = list[tuple[Blueprint, Graph]]


def with_needs(cloud: Cloud, tool: catalog.Tool) -> list[catalog.Tool]:
    """`tool` and, transitively, the first tool of the cloud giving each contract it needs."""
    found = [tool]
    for need in tool.needs:
        if not any(issubclass(kind, need) for t in found for kind in catalog.gives(t)):
            giver = catalog.givers(cloud, need)[0]
            found += [t for t in with_needs(cloud, giver) if t not in found]
    return found


def at_once(cloud: Cloud) -> list[catalog.Tool]:
    """One tool per capability, as many of them as work together: of each capability the last
    tool whose choice leaves no chosen tool's needs unmet (e.g. the cloud's own registry where
    its training needs it, rather than MLflow)."""
    per_capability = [list(reversed(catalog.tools(cloud, c))) for c in Capability]
    for choice in product(*(tools for tools in per_capability if tools)):
        if not any(catalog.unmet(tool, choice) for tool in choice):
            return list(choice)
    raise AssertionError(f"no tools of {cloud} work together, one per capability")


def generated(
    directory: Path, cloud: Cloud, name: str, tools: Iterable[catalog.Tool], env: str
) -> Blueprint:
    """A blueprint of `tools` (a later tool of the same capability replaces an earlier one)."""
    capabilities = {t.capability.value: {"tool": t.name, "options": dict(t.coverage)}
                    for t in tools}  # fmt: skip
    path = directory / f"{name}.yaml"
    path.write_text(json.dumps({"name": name, "cloud": cloud.value, "region": REGION[cloud],
                                "environment": env, "capabilities": capabilities,
                                "checks": {"waive": WAIVERS.get(cloud, [])}}))  # fmt: skip
    return blueprint.load(path)


@cache
def every_tool(cloud: Cloud) -> Platforms:
    """The shipped blueprints of `cloud`, one generated blueprint per tool, and every tool at
    once in dev and prod, recorded."""
    directory = Path(tempfile.mkdtemp(prefix=f"blueprints-{cloud}-"))
    blueprints: list[Blueprint] = []
    tools = catalog.tools(cloud)
    for index, tool in enumerate(tools):  # short names: at most 20 characters on GCP
        name = f"{tool.capability.value}-{index}"
        blueprints.append(generated(directory, cloud, name, with_needs(cloud, tool), "prod"))
    for env in ("dev", "prod"):
        blueprints.append(generated(directory, cloud, f"every-tool-{env}", at_once(cloud), env))
    generated_ones = [(bp, run(lambda bp=bp: program.build(bp))) for bp in blueprints]
    return [recorded(path) for path in shipped(cloud)] + generated_ones

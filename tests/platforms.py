"""Whole platforms recorded once per test session, for every test module that checks them (a
recording takes a second or two; graphs are only read): the shipped blueprints, and per cloud
one generated blueprint per tool (with the tools it needs) plus every tool at once, in dev and
prod, with the options that make each tool create everything it can."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from opsblocks import blueprint, catalog, program
from opsblocks.blueprint import Blueprint
from opsblocks.model import Capability, Cloud, requirements
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

# Options that make each tool create everything it can. A new tool must say here how.
ALL_RESOURCES: dict[Cloud, dict[str, dict[str, object]]] = {
    Cloud.aws: {
        "s3": {},
        "sagemaker-model-registry": {},
        "sagemaker-pipelines": {},
        "sagemaker-endpoint": {"model_data_url": "s3://opsblocks-models/fraud/model.tar.gz"},
        "sagemaker-quality-gate": {"approval": "automatic"},
        "sagemaker-model-monitor": {
            "alert_email": "ml@example.com",
            "baseline_uri": "s3://opsblocks-models/fraud/baseline",
            "drift_features": ["amount", "age"],
        },
        "codepipeline": {"repository": "acme/fraud-model"},
    },
    Cloud.azure: {
        "adls": {},
        "azureml-registry": {},
        "azureml": {
            "compute_instance": True,
            "compute_instance_user": "00000000-0000-0000-0000-0000000000ab",
        },
        "azureml-online-endpoint": {"model": "azureml://registries/r/models/fraud/versions/1"},
        "azureml-quality-gate": {},
        "azureml-model-monitor": {"alert_email": "ml@example.com"},
        "azure-devops": {},
        "github-actions": {"repository": "acme/fraud-model"},
    },
    Cloud.gcp: {
        "gcs-bigquery": {},
        "vertex-model-registry": {},
        "vertex-pipelines": {"workbench": True},
        "vertex-endpoint": {},
        "vertex-quality-gate": {},
        "vertex-model-monitoring": {"alert_email": "ml@example.com"},
        "cloud-build": {
            "repository": "acme/demand-model",
            "github_app_installation_id": 42,
            "github_token_secret": "github-token",
        },
        "github-actions": {"repository": "acme/demand-model"},
    },
}

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


def needed(cloud: Cloud, capability: Capability) -> list[Capability]:
    """`capability` and, transitively, the capabilities whose outputs it consumes on `cloud`."""
    found = [capability]
    for required in requirements(cloud, capability):
        found += [c for c in needed(cloud, required) if c not in found]
    return found


def generated(
    directory: Path, cloud: Cloud, name: str, tools: Iterable[catalog.Tool], env: str
) -> Blueprint:
    """A blueprint of `tools` (a later tool of the same capability replaces an earlier one)."""
    capabilities = {t.capability.value: {"tool": t.name, "options": ALL_RESOURCES[cloud][t.name]}
                    for t in tools}  # fmt: skip
    path = directory / f"{name}.yaml"
    path.write_text(json.dumps({"name": name, "cloud": cloud.value, "region": REGION[cloud],
                                "environment": env, "capabilities": capabilities,
                                "checks": {"waive": WAIVERS.get(cloud, [])}}))  # fmt: skip
    return blueprint.load(path)


def first_tool(cloud: Cloud, capability: Capability) -> catalog.Tool:
    return catalog.tools(cloud, capability)[0]


@cache
def every_tool(cloud: Cloud) -> Platforms:
    """The shipped blueprints of `cloud`, one generated blueprint per tool, and every tool at
    once in dev and prod, recorded."""
    directory = Path(tempfile.mkdtemp(prefix=f"blueprints-{cloud}-"))
    blueprints: list[Blueprint] = []
    tools = catalog.tools(cloud)
    for index, tool in enumerate(tools):  # short names: at most 20 characters on GCP
        others = [first_tool(cloud, c) for c in needed(cloud, tool.capability)[1:]]
        name = f"{tool.capability.value}-{index}"
        blueprints.append(generated(directory, cloud, name, [tool, *others], "prod"))
    for env in ("dev", "prod"):
        blueprints.append(generated(directory, cloud, f"every-tool-{env}", tools, env))
    generated_ones = [(bp, run(lambda bp=bp: program.build(bp))) for bp in blueprints]
    return [recorded(path) for path in shipped(cloud)] + generated_ones

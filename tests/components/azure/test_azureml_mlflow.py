"""The azureml tool's MLflow tracking URI: the workspace's own, as Azure reports it, exported
beside the workspace's other outputs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from components.azure.azureml.component import AzureMlTraining
from opsblocks import blueprint, program
from opsblocks.preview import record
from tests.components.azure.test_azureml_training import arguments
from tests.recording import PROJECT, RESOURCE_GROUP, SUBSCRIPTION, TEST_INVOKES, fake_outputs

ROOT = Path(__file__).parents[3]
WORKSPACE = "azure-native:machinelearningservices:Workspace"


def tracking_uri(name: str) -> str:
    """What Azure answers for a workspace in eastus (the form "Configure MLflow for Azure
    Machine Learning" documents)."""
    return (f"azureml://eastus.api.azureml.ms/mlflow/v1.0/subscriptions/{SUBSCRIPTION}"
            f"/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices"
            f"/workspaces/{name}")  # fmt: skip


def with_tracking_uri(
    type_token: str, name: str, inputs: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The fake outputs, plus the workspace's tracking URI (an output only Azure knows)."""
    found = fake_outputs(type_token, name, inputs)
    if type_token == WORKSPACE:
        found["mlFlowTrackingUri"] = tracking_uri(str((inputs or {})["workspaceName"]))
    return found


def test_the_component_gives_the_workspaces_own_tracking_uri() -> None:
    found: dict[str, Any] = {}

    def build() -> Mapping[str, Any]:
        training = AzureMlTraining("training", arguments())
        training.mlflow_tracking_uri.apply(lambda uri: found.__setitem__("uri", uri))
        return {}

    record(build, invokes=TEST_INVOKES, outputs=with_tracking_uri,
           config={"gcp:project": PROJECT})  # fmt: skip

    assert found["uri"] == tracking_uri("fraud-prod")


def test_the_stack_exports_it_beside_the_workspace_and_its_cluster() -> None:
    bp = blueprint.load(ROOT / "blueprints" / "azure-ml.yaml")

    outputs = record(lambda: program.build(bp), invokes=TEST_INVOKES,
                     outputs=with_tracking_uri).outputs  # fmt: skip

    assert outputs["mlflow_tracking_uri"] == tracking_uri(outputs["workspace"])
    assert outputs["compute_cluster"]

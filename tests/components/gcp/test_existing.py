"""existing on GCP: only a Kubernetes provider, made with the stack's kubernetes settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from components.gcp.existing.component import GcpExistingKubernetes, GcpExistingKubernetesArgs
from components.gcp.existing.options import ExistingGkeOptions
from opsblocks import blueprint, program
from opsblocks.preview import Graph, Resource, record
from tests.recording import PROJECT, TEST_INVOKES, fake_outputs, run

OPTIONS = {"cluster_name": "ml-cluster", "location": "europe-west4"}
COMPONENT = "opsblocks:index:GcpExistingKubernetes"


def platform(tmp_path: Path, config: dict[str, str]) -> Graph:
    """A blueprint with the existing cluster alone, recorded with the stack's `config`."""
    path = tmp_path / "fraud.yaml"
    kubernetes = {"tool": "existing", "options": OPTIONS}
    path.write_text(json.dumps({"name": "fraud", "cloud": "gcp", "region": "europe-west4",
                                "environment": "dev",
                                "capabilities": {"kubernetes": kubernetes}}))  # fmt: skip
    bp = blueprint.load(path)
    return record(lambda: program.build(bp), stack="test", invokes=TEST_INVOKES,
                  outputs=fake_outputs, config={"gcp:project": PROJECT, **config})  # fmt: skip


def under_component(graph: Graph) -> list[Resource]:
    [component] = graph.of_type(COMPONENT)
    return [r for r in graph.resources if r.parent == component.urn]


def test_the_component_creates_the_kubernetes_provider_and_nothing_else(tmp_path: Path) -> None:
    graph = platform(tmp_path, {"kubernetes:context": "my-cluster"})

    assert [(r.type, r.name) for r in under_component(graph)] == [
        ("pulumi:providers:kubernetes", "fraud-kubernetes-kubernetes")]  # fmt: skip


def test_the_provider_takes_the_stacks_kubernetes_settings(tmp_path: Path) -> None:
    graph = platform(tmp_path, {"kubernetes:context": "my-cluster",
                                "kubernetes:namespace": "ml"})  # fmt: skip
    [provider] = under_component(graph)

    assert provider.inputs["context"] == "my-cluster"
    assert provider.inputs["namespace"] == "ml"


def test_without_stack_settings_the_provider_uses_the_gcloud_context_of_the_cluster() -> None:
    def build() -> None:
        GcpExistingKubernetes("k8s", GcpExistingKubernetesArgs(
            cluster_project=PROJECT, options=ExistingGkeOptions(**OPTIONS)))  # fmt: skip

    [provider] = run(build).of_type("pulumi:providers:kubernetes")

    assert provider.inputs["context"] == f"gke_{PROJECT}_europe-west4_ml-cluster"


def test_a_kubeconfig_from_the_stack_is_not_overridden_by_a_context() -> None:
    settings: dict[str, Any] = {"kubeconfig": "apiVersion: v1"}

    def build() -> None:
        options = ExistingGkeOptions(**OPTIONS)
        GcpExistingKubernetes("k8s", GcpExistingKubernetesArgs(
            cluster_project=PROJECT, settings=settings, options=options))  # fmt: skip

    [provider] = run(build).of_type("pulumi:providers:kubernetes")

    assert provider.inputs["kubeconfig"] == "apiVersion: v1"
    assert "context" not in provider.inputs


def test_the_workload_pool_is_the_clusters_project(tmp_path: Path) -> None:
    seen: dict[str, str] = {}

    def build() -> None:
        cluster = GcpExistingKubernetes("k8s", GcpExistingKubernetesArgs(
            cluster_project="other-project", options=ExistingGkeOptions(**OPTIONS)))  # fmt: skip
        cluster.workload_pool.apply(lambda pool: seen.update(pool=pool))
        cluster.cluster_name.apply(lambda name: seen.update(name=name))

    run(build)

    assert seen == {"pool": "other-project.svc.id.goog", "name": "ml-cluster"}

"""The GCP CI/CD options refuse at `validate` what would fail the first `pulumi up`."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsblocks.blueprint import load
from opsblocks.errors import BlueprintError

BLUEPRINT = """\
name: fraud
cloud: gcp
region: europe-west4
capabilities:
  data: {tool: gcs-bigquery}
  registry: {tool: vertex-model-registry}
  training: {tool: vertex-pipelines}
  cicd:
    tool: cloud-build
    options:
      repository: acme/fraud-model
"""
CONNECTION = {"github_app_installation_id": "4242", "github_token_secret": "github-token"}


def blueprint(tmp_path: Path, **options: str) -> Path:
    path = tmp_path / "bp.yaml"
    path.write_text(BLUEPRINT + "".join(f"      {k}: {v}\n" for k, v in options.items()))
    return path


@pytest.mark.parametrize("missing", sorted(CONNECTION))
def test_cloud_build_without_what_completes_the_connection_is_refused_at_validate(
    tmp_path: Path, missing: str
) -> None:
    given = {key: value for key, value in CONNECTION.items() if key != missing}

    with pytest.raises(
        BlueprintError, match=rf"bp.yaml:\d+: capabilities\.cicd\.options\.{missing}"
    ):
        load(blueprint(tmp_path, **given))


def test_cloud_build_with_the_installation_and_token_secret_loads(tmp_path: Path) -> None:
    options = load(blueprint(tmp_path, **CONNECTION)).tools()

    assert [spec.options.github_token_version for spec in options.values()  # type: ignore[attr-defined]
            if spec.tool == "cloud-build"] == [1]  # fmt: skip


def test_a_token_secret_that_is_not_a_secret_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BlueprintError, match="github_token_secret"):
        load(blueprint(tmp_path, github_app_installation_id="1",
                       github_token_secret="projects/p/secrets/s"))  # fmt: skip


def test_github_environments_cannot_forge_a_workload_identity_subject(tmp_path: Path) -> None:
    text = BLUEPRINT.replace("tool: cloud-build", "tool: github-actions")
    path = tmp_path / "bp.yaml"
    path.write_text(text + "      deploy_environment: 'prod:ref:refs/heads/main'\n")

    with pytest.raises(BlueprintError, match="deploy_environment"):
        load(path)

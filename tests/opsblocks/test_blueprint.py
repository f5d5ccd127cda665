import dataclasses
from pathlib import Path

import pytest

from components.aws.sagemaker_endpoint.options import SageMakerEndpointOptions
from opsblocks import blueprint, catalog
from opsblocks.contracts import Registry
from opsblocks.errors import BlueprintError
from opsblocks.model import Capability, Cloud, Environment

ROOT = Path(__file__).parents[2]
SHIPPED = sorted((ROOT / "blueprints").glob("*.yaml"))
INVALID = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.yaml"))


def expectation(fixture: Path) -> str:
    """Each invalid fixture states its error on its first line: `# expect: LINE: MESSAGE`."""
    first = fixture.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{fixture.name} lacks its expectation line"
    return f"{fixture}:{first.removeprefix('# expect: ')}"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_blueprints_load(path: Path) -> None:
    bp = blueprint.load(path)
    assert bp.tools(), "a shipped blueprint uses at least one capability"


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_blueprint_names_field_file_and_line(fixture: Path) -> None:
    with pytest.raises(BlueprintError) as caught:
        blueprint.load(fixture)
    message = str(caught.value)
    assert message.startswith(expectation(fixture))
    assert "\n" not in message


def test_defaults_fill_options_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(
        "name: fraud\ncloud: aws\nregion: us-east-1\ncapabilities:\n"
        "  data: {tool: s3}\n  registry: {tool: sagemaker-model-registry}\n"
        "  serving: {tool: sagemaker-endpoint}\n"
    )
    bp = blueprint.load(path)
    assert bp.cloud is Cloud.aws
    assert bp.environment is Environment.dev
    assert list(bp.tools()) == [Capability.data, Capability.registry, Capability.serving]
    assert bp.tools()[Capability.serving].options == SageMakerEndpointOptions()


def test_tools_come_in_build_order_whatever_the_file_order(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(
        "name: fraud\ncloud: aws\nregion: us-east-1\ncapabilities:\n"
        "  training: {tool: sagemaker-pipelines}\n  registry: {tool: sagemaker-model-registry}\n"
        "  data: {tool: s3}\n"
    )
    order = list(blueprint.load(path).tools())
    assert order == [Capability.data, Capability.registry, Capability.training]


def test_several_errors_report_the_first_and_count_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text("name: Bad_Name\ncloud: aws\nregion: nowhere\ncapabilities: {}\n")
    with pytest.raises(BlueprintError, match=r"bp.yaml:1: name: .* \(\+1 more\)$"):
        blueprint.load(path)


def test_missing_file_is_a_blueprint_error(tmp_path: Path) -> None:
    with pytest.raises(BlueprintError, match="no such file"):
        blueprint.load(tmp_path / "absent.yaml")


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text("name: a-b\nname: c-d\ncloud: aws\nregion: us-east-1\ncapabilities: {}\n")
    with pytest.raises(BlueprintError, match=r"bp.yaml:2: invalid YAML"):
        blueprint.load(path)


def test_a_tools_naming_limit_applies_only_when_the_tool_is_chosen(tmp_path: Path) -> None:
    # The CodeConnections connection (32 characters) is codepipeline's: without it, the name
    # that fixture refuses is fine (S3 buckets and IAM roles leave room for it).
    text = (ROOT / "tests/fixtures/invalid/aws-name-too-long-for-codepipeline.yaml").read_text()
    path = tmp_path / "no-cicd.yaml"
    path.write_text("\n".join(line for line in text.splitlines() if "cicd:" not in line))
    assert blueprint.load(path).name == "fraud-detection-emea-retail"


def test_a_tool_that_does_not_give_what_another_needs_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A registry that gives only what every registry gives (as a portable one will): the
    # SageMaker pipeline needs the model package group it registers models in.
    find = catalog.find
    real = find(Cloud.aws, Capability.registry, "sagemaker-model-registry")
    bare = dataclasses.replace(real, gives=Registry)
    monkeypatch.setattr(catalog, "find", lambda cloud, capability, name: (
        bare if capability is Capability.registry else find(cloud, capability, name)))  # fmt: skip
    path = tmp_path / "pairing.yaml"
    path.write_text(
        "name: fraud\ncloud: aws\nregion: us-east-1\ncapabilities:\n"
        "  data: {tool: s3}\n  registry: {tool: sagemaker-model-registry}\n"
        "  training: {tool: sagemaker-pipelines}\n"
    )
    with pytest.raises(BlueprintError) as error:
        blueprint.load(path)
    assert str(error.value) == (
        f"{path}:7: capabilities.training.tool: sagemaker-pipelines needs AwsModelRegistry (A "
        "SageMaker model package group, the ECR repository and the artifact bucket); the "
        "registry tool sagemaker-model-registry does not give it (choose: "
        "sagemaker-model-registry)"
    )


@pytest.mark.parametrize(
    ("cloud", "region", "existing", "created"),
    [("aws", "us-east-1", "{cluster_name: ml}", "eks"),
     ("gcp", "us-central1", "{cluster_name: ml, location: us-central1}", "gke")],
)  # fmt: skip
def test_mlflow_on_an_existing_cluster_is_refused_where_its_database_is_out_of_reach(
    tmp_path: Path, cloud: str, region: str, existing: str, created: str
) -> None:
    # The database has a private address in the platform's network, which a cluster the
    # blueprint did not create does not reach; validate says so before `pulumi up` would hang.
    path = tmp_path / "mlflow.yaml"
    path.write_text(
        f"name: lab\ncloud: {cloud}\nregion: {region}\ncapabilities:\n"
        f"  kubernetes: {{tool: existing, options: {existing}}}\n  registry: {{tool: mlflow}}\n"
    )
    with pytest.raises(BlueprintError) as error:
        blueprint.load(path)
    message = str(error.value)
    assert message.startswith(f"{path}:6: capabilities.registry.tool: mlflow needs ")
    assert message.endswith(f"the kubernetes tool existing does not give it (choose: {created})")
    path.write_text(path.read_text().replace(f"{{tool: existing, options: {existing}}}",
                                             f"{{tool: {created}}}"))  # fmt: skip
    assert blueprint.load(path).tools()[Capability.registry].tool == "mlflow"

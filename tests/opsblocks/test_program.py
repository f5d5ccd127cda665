"""The `pulumi up` path: __main__.py reads the stack config the way the Pulumi CLI passes it."""

import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest

from opsblocks import stacks
from opsblocks.preview import SECRET, Graph
from tests.recording import TEST_INVOKES, fake_outputs

ROOT = Path(__file__).parents[2]


def run_main(config: dict[str, str]) -> Graph:
    from opsblocks.preview import record

    def program() -> dict[str, object]:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
        return {}

    return record(program, invokes=TEST_INVOKES, outputs=fake_outputs, config=config)


def stack_config(stack: str) -> dict[str, str]:
    """The stack file's config as the Pulumi CLI hands it to the program (objects as JSON)."""
    return stacks.config_of(ROOT, stack).values


def test_main_builds_the_blueprint_named_by_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the Pulumi CLI runs the program from the project folder
    graph = run_main(stack_config("aws-dev"))
    components = {r.name for r in graph.resources if r.is_component}
    assert {"churn-sandbox", "churn-sandbox-data", "churn-sandbox-registry",
            "churn-sandbox-training"} <= components  # fmt: skip
    provider = graph.of_type("pulumi:providers:aws")
    assert provider and provider[0].inputs["region"] == "eu-west-1"


def test_main_without_blueprint_config_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(pulumi.RunError, match="does not set opsblocks:blueprint"):
        run_main({})


def test_main_rejects_a_stack_region_that_contradicts_the_blueprint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    config = {**stack_config("aws-dev"), "aws:region": "us-west-2"}
    with pytest.raises(pulumi.RunError, match="sets aws:region to us-west-2 but"):
        run_main(config)


def test_main_reports_a_bad_blueprint_without_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Fraud\ncloud: aws\nregion: us-east-1\ncapabilities: {}\n")
    monkeypatch.chdir(ROOT)
    with pytest.raises(pulumi.RunError, match=r"bad.yaml:1: name: 'Fraud' is not a valid name"):
        run_main({"opsblocks:blueprint": str(bad)})


def provider_inputs(graph: Graph, package: str) -> dict[str, object]:
    [provider] = graph.of_type(f"pulumi:providers:{package}")
    return provider.inputs


def test_the_aws_provider_carries_the_stacks_profile_and_assumed_role(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    roles = '[{"roleArn": "arn:aws:iam::123456789012:role/deployer", "sessionName": "ops"}]'
    config = {**stack_config("aws-dev"), "aws:profile": "ml-admin", "aws:assumeRoles": roles,
              "aws:allowedAccountIds": '["123456789012"]'}  # fmt: skip
    inputs = provider_inputs(run_main(config), "aws")
    assert inputs["profile"] == "ml-admin"
    assert inputs["assumeRoles"] == roles  # a provider takes objects as JSON, as stack config
    assert inputs["allowedAccountIds"] == '["123456789012"]'
    assert inputs["region"] == "eu-west-1"


def test_the_gcp_provider_deploys_into_the_stacks_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    config = {**stack_config("gcp-dev"), "gcp:impersonateServiceAccount": "deployer@p.iam"}
    inputs = provider_inputs(run_main(config), "gcp")
    assert inputs["project"] == "my-ml-project"
    assert inputs["impersonateServiceAccount"] == "deployer@p.iam"
    assert inputs["region"] == "europe-west4"


def test_a_gcp_stack_without_a_project_is_refused_before_anything_registers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    config = {k: v for k, v in stack_config("gcp-dev").items() if k != "gcp:project"}
    with pytest.raises(pulumi.RunError, match="does not set gcp:project: `pulumi config set"):
        run_main(config)


def test_the_azure_provider_takes_the_stacks_subscription(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    subscription = "11111111-2222-3333-4444-555555555555"
    config = {**stack_config("azure-dev"), "azure-native:subscriptionId": subscription,
              "azure-native:useOidc": "true"}  # fmt: skip
    inputs = provider_inputs(run_main(config), "azure-native")
    assert inputs["subscriptionId"] == subscription
    assert inputs["useOidc"] == "true"
    assert inputs["location"] == "westeurope"


def test_a_secret_provider_setting_stays_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    from opsblocks.preview import record

    def program() -> dict[str, object]:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
        return {}

    config = {**stack_config("aws-dev"), "aws:token": "session-token"}
    graph = record(program, invokes=TEST_INVOKES, outputs=fake_outputs, config=config,
                   secret_keys=["aws:token"])  # fmt: skip
    assert provider_inputs(graph, "aws")["token"] == SECRET


def test_a_malformed_structured_provider_setting_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    config = {**stack_config("aws-dev"), "aws:allowedAccountIds": "123456789012,"}
    with pytest.raises(pulumi.RunError, match="stack config aws:allowedAccountIds: "):
        run_main(config)


def test_an_eks_clusters_kubeconfig_signs_as_the_role_the_provider_assumes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The provider creates the cluster as the last assumed role, its first administrator:
    tokens signed as the base identity would be refused. (The kubeconfig itself is recorded
    as a secret: what the component builds it from is caught instead.)"""
    from components.aws.eks import component

    asked: list[str | None] = []

    def kubeconfig(*args: Any, role_arn: str | None = None) -> pulumi.Output[str]:
        asked.append(role_arn)
        return pulumi.Output.from_input("{}")

    monkeypatch.setattr(component, "kubeconfig", kubeconfig)
    monkeypatch.chdir(ROOT)
    roles = ('[{"roleArn": "arn:aws:iam::123456789012:role/hop"}, '
             '{"roleArn": "arn:aws:iam::123456789012:role/deployer"}]')  # fmt: skip
    config = {**stack_config("aws-dev"), "opsblocks:blueprint": "blueprints/aws-mlflow.yaml",
              "aws:assumeRoles": roles}  # fmt: skip
    run_main(config)
    run_main({k: v for k, v in config.items() if k != "aws:assumeRoles"})
    assert asked == ["arn:aws:iam::123456789012:role/deployer", None]

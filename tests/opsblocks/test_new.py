"""`opsblocks new`: the wizard (scripted through CliRunner), flags mode, and the files written.

Every test runs in a temporary project (Pulumi.yaml and the schema copied), so nothing is
written into the repository.
"""

import re
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from opsblocks import blueprint, catalog, new, preview, program
from opsblocks.cli import app
from opsblocks.commands import new as new_command
from opsblocks.model import Capability, Cloud, Environment
from opsblocks.new import write
from opsblocks.schema import SCHEMA_FILE

ROOT = Path(__file__).parents[2]
runner = CliRunner()

FRAUD = [
    "new", "fraud-detection", "--cloud", "aws", "--environment", "prod",
    "--tool", "training=sagemaker-pipelines", "--tool", "cicd=codepipeline",
    "--set", "serving.instance_type=ml.m5.large", "--set", "cicd.repository=acme/fraud-model",
    "--stack", "fraud-prod",
]  # fmt: skip

# The wizard's questions in order, answered; a refused answer is followed by the one retyped.
WIZARD_ANSWERS = [
    "",  # cloud: the default, aws
    "Fraud",  # refused: not a valid name
    "fraud-detection",
    "eu-west-1",  # region
    "prod",  # environment
    "",  # data: s3
    "",  # kubernetes: none, the default (no tool chosen so far needs a cluster)
    "",  # registry: sagemaker-model-registry
    "vertex-pipelines",  # refused: not an aws tool
    "",  # training: sagemaker-pipelines
    "ml.m5.2xlarge",  # training.instance_type
    "",  # serving: sagemaker-endpoint
    "",  # serving.instance_type: ml.m5.large
    "2",  # serving.min_instances
    "6",  # serving.max_instances
    "none",  # validation: left out
    "",  # monitoring: sagemaker-model-monitor
    "ml-alerts@example.com",  # monitoring.alert_email
    "",  # cicd: codepipeline
    "acme/fraud-model",  # cicd.repository (required)
    "release",  # cicd.branch
    "",  # cicd.provider: GitHub
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("Pulumi.yaml", SCHEMA_FILE):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """CliRunner's stdin is not a terminal; the wizard tests pretend it is."""
    monkeypatch.setattr(new_command, "stdin_is_terminal", lambda: True)


def wizard(*answers: str, args: tuple[str, ...] = ()) -> object:
    return runner.invoke(app, ["new", *args], input="".join(f"{a}\n" for a in answers))


def load_yaml(path: Path) -> object:
    return YAML(typ="safe").load(path)


def test_wizard_writes_the_answers_and_asks_again_after_a_refused_answer(
    project: Path, terminal: None
) -> None:
    result = runner.invoke(app, ["new"], input="".join(f"{a}\n" for a in WIZARD_ANSWERS))
    assert result.exit_code == 0, result.output
    assert "'Fraud' is not a valid name" in result.stderr
    assert "not available on aws (choose: sagemaker-pipelines)" in result.stderr
    assert result.stdout == "blueprints/fraud-detection.yaml\n"
    bp = blueprint.load(project / "blueprints" / "fraud-detection.yaml")
    assert (bp.name, bp.region, bp.environment) == (
        "fraud-detection",
        "eu-west-1",
        Environment.prod,
    )
    tools = {cap.value: spec.tool for cap, spec in bp.tools().items()}
    assert tools == {
        "data": "s3",
        "registry": "sagemaker-model-registry",
        "training": "sagemaker-pipelines",
        "serving": "sagemaker-endpoint",
        "monitoring": "sagemaker-model-monitor",
        "cicd": "codepipeline",
    }
    options = {cap.value: spec.options.model_dump() for cap, spec in bp.tools().items()}
    assert options["training"]["instance_type"] == "ml.m5.2xlarge"
    assert (options["serving"]["min_instances"], options["serving"]["max_instances"]) == (2, 6)
    assert options["monitoring"]["alert_email"] == "ml-alerts@example.com"
    assert (
        options["cicd"] | {"repository": "acme/fraud-model", "branch": "release"} == options["cicd"]
    )


def test_wizard_offers_each_capability_only_its_clouds_tools_with_descriptions(
    project: Path, terminal: None
) -> None:
    result = runner.invoke(app, ["new"], input="".join(f"{a}\n" for a in WIZARD_ANSWERS))
    assert result.exit_code == 0, result.output
    for tool in ("s3", "sagemaker-pipelines", "codepipeline"):
        (found,) = [t for t in catalog.tools(Cloud.aws) if t.name == tool]
        assert re.search(rf"\n  {tool} +{re.escape(found.description)}\n", result.stderr)
    assert "leave training out (validation and cicd need it)" in result.stderr
    assert "training tool (sagemaker-pipelines)" in result.stderr  # the default pre-selected
    assert "kubernetes tool (none)" in result.stderr  # a cluster is never proposed


def test_wizard_asks_the_options_again_when_they_disagree(project: Path, terminal: None) -> None:
    # data: none leaves training, validation and cicd out: registry, serving, monitoring remain.
    answers = ["", "churn", "", "", "none", "", "", "",
               "", "5", "2",  # serving: min above max, refused together
               "", "5", "8",  # asked again
               "none"]  # fmt: skip
    result = wizard(*answers)
    assert result.exit_code == 0, result.output
    assert "max_instances (2) is below min_instances (5)" in result.stderr
    serving = load_yaml(project / "blueprints" / "churn.yaml")["capabilities"]["serving"]
    assert (serving["options"]["min_instances"], serving["options"]["max_instances"]) == (5, 8)


def test_wizard_leaves_out_what_needs_a_capability_answered_none(
    project: Path, terminal: None
) -> None:
    # data: none -> training cannot be built, and validation and cicd need training.
    answers = ["", "churn", "", "", "none", "", "", "", "", "", "", "", ""]
    result = wizard(*answers)
    assert result.exit_code == 0, result.output
    for capability in ("training", "validation", "cicd"):
        assert f"{capability}: left out, it needs" in result.stderr
        assert f"{capability} tool" not in result.stderr
    bp = blueprint.load(project / "blueprints" / "churn.yaml")
    assert [c.value for c in bp.tools()] == ["registry", "serving", "monitoring"]


def test_wizard_can_be_answered_partly_by_flags(project: Path, terminal: None) -> None:
    # --cloud, --tool and --set answer their questions: those are not asked.
    args = ("--cloud", "aws", "--tool", "cicd=none", "--set", "training.instance_type=ml.c5.xlarge")
    # name, region, environment; data, kubernetes, registry, training; serving and its three
    # options; validation and its two; monitoring and its one.
    result = wizard("churn", *[""] * 15, args=args)
    assert result.exit_code == 0, result.output
    assert "Cloud (" not in result.stderr and "cicd tool" not in result.stderr
    assert "training.instance_type" not in result.stderr
    bp = blueprint.load(project / "blueprints" / "churn.yaml")
    assert Capability.cicd not in bp.tools()
    assert bp.tools()[Capability.training].options.model_dump()["instance_type"] == "ml.c5.xlarge"


def test_wizard_without_a_terminal_fails_at_once(project: Path) -> None:
    result = runner.invoke(app, ["new"], input="")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no terminal to ask in" in result.stderr
    assert "NAME" in result.stderr and not (project / "blueprints").exists()


def test_flags_example_round_trips_through_load_and_preview(project: Path) -> None:
    result = runner.invoke(app, FRAUD)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "blueprints/fraud-detection.yaml",
        "stacks/Pulumi.fraud-prod.yaml",
    ]
    bp = blueprint.load(project / "blueprints" / "fraud-detection.yaml")
    assert (bp.cloud, bp.region, bp.environment) == (Cloud.aws, "us-east-1", Environment.prod)
    # Unnamed capabilities take the cloud's default tool, as the wizard's Enter does.
    assert {c: s.tool for c, s in bp.tools().items()} == {
        c: tool.name for c in Capability if (tool := proposed(c)) is not None
    }
    serving = bp.tools()[Capability.serving].options.model_dump()
    assert serving == {**type(bp.tools()[Capability.serving].options)().model_dump(),
                       "instance_type": "ml.m5.large"}  # fmt: skip
    assert bp.tools()[Capability.cicd].options.model_dump()["repository"] == "acme/fraud-model"
    graph = preview.record(lambda: program.build(bp))
    components = {r.name for r in graph.resources if r.is_component}
    assert {f"fraud-detection-{c.value}" for c in bp.tools()} <= components
    assert Capability.kubernetes not in bp.tools()  # a cluster is chosen, never proposed
    assert not graph.warnings


def proposed(capability: Capability) -> catalog.Tool | None:
    """The tool the wizard proposes for `capability` on AWS: its first proposed one."""
    return next((t for t in catalog.tools(Cloud.aws, capability) if t.proposed), None)


def test_stack_config_names_the_blueprint_and_the_provider_region(project: Path) -> None:
    result = runner.invoke(app, [*FRAUD, "--region", "eu-west-1"])
    assert result.exit_code == 0, result.output
    stack = load_yaml(project / "stacks" / "Pulumi.fraud-prod.yaml")
    assert stack == {
        "config": {
            "opsblocks:blueprint": "blueprints/fraud-detection.yaml",
            "aws:region": "eu-west-1",
        }
    }
    assert "pulumi up -s fraud-prod" in result.stderr


def test_next_commands_go_to_stderr_and_the_written_files_to_stdout(project: Path) -> None:
    result = runner.invoke(app, ["new", "churn", "--tool", "cicd=none"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "blueprints/churn.yaml\n"
    assert "opsblocks preview blueprints/churn.yaml" in result.stderr
    assert "opsblocks cost blueprints/churn.yaml" in result.stderr
    assert "pulumi up" not in result.stderr  # no --stack


def test_every_option_is_written_and_every_capability_commented(project: Path) -> None:
    runner.invoke(app, ["new", "churn", "--set", "cicd.repository=acme/churn"])
    text = (project / "blueprints" / "churn.yaml").read_text()
    document = YAML(typ="rt").load(text)
    for tool in filter(None, map(proposed, Capability)):  # the defaults
        spec = document["capabilities"][tool.capability.value]
        assert list(spec["options"]) == list(tool.options.model_fields)
        assert f"# {tool.capability.value}: {tool.description}\n" in text
    assert "# (the only training tool on aws so far)\n" in text
    assert "image_uri: null" in text


def test_blueprint_points_the_editor_at_the_projects_schema(project: Path) -> None:
    runner.invoke(app, ["new", "churn", "--tool", "cicd=none"])
    runner.invoke(app, ["new", "churn", "--tool", "cicd=none", "--output", "teams/risk"])
    first = (project / "blueprints" / "churn.yaml").read_text().splitlines()[0]
    nested = (project / "teams" / "risk" / "churn.yaml").read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
    assert nested == f"# yaml-language-server: $schema=../../{SCHEMA_FILE}"


def test_outside_a_project_the_schema_line_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "churn", "--tool", "cicd=none"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "blueprints" / "churn.yaml").read_text()
    assert "$schema" not in text and text.startswith("# churn: ")
    blueprint.load(tmp_path / "blueprints" / "churn.yaml")


def test_refuses_to_overwrite_without_force(project: Path) -> None:
    args = ["new", "churn", "--tool", "cicd=none", "--stack", "churn-dev"]
    assert runner.invoke(app, args).exit_code == 0
    file = project / "blueprints" / "churn.yaml"
    file.write_text("# mine\n")
    result = runner.invoke(app, [*args, "--environment", "prod"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: stacks/Pulumi.churn-dev.yaml already exists (use --force to overwrite)\n"
    )
    result = runner.invoke(app, ["new", "churn", "--tool", "cicd=none"])
    assert (
        result.stderr == "error: blueprints/churn.yaml already exists (use --force to overwrite)\n"
    )
    assert file.read_text() == "# mine\n"
    result = runner.invoke(app, [*args, "--environment", "prod", "--force"])
    assert result.exit_code == 0, result.output
    assert blueprint.load(file).environment is Environment.prod


def test_wizard_asks_another_name_when_its_file_exists(project: Path, terminal: None) -> None:
    (project / "blueprints").mkdir()
    (project / "blueprints" / "churn.yaml").write_text("# mine\n")
    result = wizard("", "churn", "churn-v2", "", "", "none", "none", "none", "none")
    assert result.exit_code == 0, result.output
    assert "blueprints/churn.yaml already exists" in result.stderr
    assert (project / "blueprints" / "churn-v2.yaml").is_file()


def test_a_blueprint_that_does_not_validate_is_not_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "render", lambda answers, schema: "name: churn\ncloud: aws\n")
    result = runner.invoke(app, ["new", "churn", "--tool", "cicd=none"])
    assert result.exit_code == 1
    assert "blueprints/churn.yaml:1: region: required field is missing" in result.stderr
    assert not (project / "blueprints").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tool", "training=vertex-pipelines"],
         "--tool training=vertex-pipelines: not available on aws (choose: sagemaker-pipelines)"),
        (["--tool", "trainig=sagemaker-pipelines"], "--tool trainig=sagemaker-pipelines: "),
        (["--tool", "training"], "--tool training: expected CAPABILITY=TOOL"),
        (["--tool", "data=none", "--tool", "training=sagemaker-pipelines"],
         "--tool training=sagemaker-pipelines: training needs data, which is left out"),
        (["--set", "serving.min_instances=0"], "--set serving.min_instances=0: "),
        (["--set", "serving.min_instances=5"],
         "--set serving.min_instances=5: max_instances (4) is below min_instances (5)"),
        (["--set", "serving.replicas=2"], "--set serving.replicas=2: not an option of "),
        (["--set", "training.hyperparameters=[x"], "--set training.hyperparameters=[x: invalid"),
        (["--tool", "serving=none", "--set", "serving.min_instances=2"],
         "--set serving.min_instances=2: serving is left out"),
        (["--cloud", "oci"], "--cloud oci: not a cloud (choose: aws, azure, gcp)"),
        (["--cloud", "azure", "--region", "East US"],
         "--region: 'East US' is not an Azure location"),
        (["--region", "mars-1"], "--region: 'mars-1' is not an AWS region"),
        (["--environment", "production"], "--environment production: not an environment"),
        (["--stack", "my stack"], "--stack my stack: "),
    ],
)  # fmt: skip
def test_bad_flag_is_one_line_naming_it_and_exit_1(
    project: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["new", "churn", "--tool", "cicd=none", *args])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if not line.startswith("note:")]
    assert len(lines) == 1 and lines[0].startswith(f"error: {message}"), result.stderr
    assert result.stdout == "" and not (project / "blueprints").exists()


def test_a_bad_name_is_one_line_naming_the_argument(project: Path) -> None:
    result = runner.invoke(app, ["new", "Fraud_Detection"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: NAME: 'Fraud_Detection' is not a valid name")


def test_flags_mode_asks_for_required_options(project: Path) -> None:
    result = runner.invoke(app, ["new", "churn"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --set cicd.repository: required by codepipeline")
    assert "--tool cicd=none" in result.stderr


def test_flags_mode_leaves_out_what_needs_a_capability_left_out(project: Path) -> None:
    result = runner.invoke(app, ["new", "churn", "--tool", "serving=none", "--tool", "cicd=none"])
    assert result.exit_code == 0, result.output
    assert "note: monitoring: left out, it needs serving" in result.stderr
    bp = blueprint.load(project / "blueprints" / "churn.yaml")
    assert [c.value for c in bp.tools()] == ["data", "registry", "training", "validation"]


def test_every_cloud_offered_has_a_region_key_the_program_reads() -> None:
    assert new.clouds() == [Cloud.aws, Cloud.azure, Cloud.gcp]
    for cloud, setup in new.CLOUD_SETUP.items():
        assert program.REGION_KEYS[cloud.value] == setup.region_key
        new.check_region(cloud, "churn", setup.default_region)


def test_a_gcp_stack_is_told_to_name_its_project_before_up() -> None:
    steps = write.next_steps(Path("blueprints/forecast.yaml"), "gcp-dev", Cloud.gcp)
    setup = "pulumi config set gcp:project <your-project-id> -s gcp-dev"
    assert steps.index("pulumi stack init gcp-dev") < steps.index(setup)
    assert steps.index(setup) < steps.index("pulumi up -s gcp-dev")
    assert setup not in write.next_steps(Path("blueprints/x.yaml"), "aws-dev", Cloud.aws)


def test_an_azure_devops_stack_is_told_to_name_the_organization_before_up() -> None:
    steps = write.next_steps(Path("blueprints/x.yaml"), "az", Cloud.azure, ["adls", "azure-devops"])
    setup = "pulumi config set azuredevops:orgServiceUrl https://dev.azure.com/<your-org> -s az"
    assert steps.index("pulumi stack init az") < steps.index(setup) < steps.index("pulumi up -s az")
    assert setup not in write.next_steps(Path("x.yaml"), "az", Cloud.azure, ["github-actions"])


def test_new_prints_the_azure_devops_setup_for_a_stack(project: Path) -> None:
    result = runner.invoke(app, ["new", "credit", "--cloud", "azure", "--stack", "credit-dev"])
    assert result.exit_code == 0, result.output
    assert "azuredevops:orgServiceUrl" in result.output


def test_the_wizard_offers_only_tools_that_work_with_those_chosen_before() -> None:
    # A registry that gives only what every registry gives (as a portable one will) leaves the
    # SageMaker pipeline, which registers models in a model package group, nothing to work with.
    from dataclasses import replace

    from opsblocks.contracts import Registry
    from opsblocks.new import questions
    from opsblocks.new.asking import AnswerError

    data = catalog.find(Cloud.aws, Capability.data, "s3")
    registry = catalog.find(Cloud.aws, Capability.registry, "sagemaker-model-registry")
    bare = replace(registry, gives=Registry)

    offered = questions.tool_question(Cloud.aws, Capability.training, [data, registry]).choices
    assert [name for name, _ in offered] == ["sagemaker-pipelines", "none"]
    offered = questions.tool_question(Cloud.aws, Capability.training, [data, bare]).choices
    assert [name for name, _ in offered] == ["none"]
    with pytest.raises(AnswerError, match=r"sagemaker-pipelines needs AwsModelRegistry, which the "
                       r"tools chosen before do not give \(choose: none\)"):  # fmt: skip
        questions.check_tool(Cloud.aws, Capability.training, "sagemaker-pipelines", [data, bare])

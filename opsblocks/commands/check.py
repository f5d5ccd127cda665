"""`opsblocks check` and `opsblocks rules`: the rules over recorded blueprints, offline."""

from __future__ import annotations

import json
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from opsblocks import yamlsource
from opsblocks.blueprint import Blueprint
from opsblocks.check import docs
from opsblocks.check.recorded import stack_of
from opsblocks.check.registry import rules as all_rules
from opsblocks.check.rule import Severity
from opsblocks.check.run import Finding, Report, Waiver, evaluate
from opsblocks.check.sarif import Checked, sarif
from opsblocks.commands.inputs import Target, record, target_of
from opsblocks.console import err, fail, out
from opsblocks.errors import OpsblocksError
from opsblocks.preview import Graph

STYLE = {Severity.critical: "bold red", Severity.high: "red", Severity.medium: "yellow",
         Severity.low: "dim"}  # fmt: skip


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"


class RulesFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def check_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Blueprint files (or use --stack).", show_default=False),
    ] = None,
    stack: Annotated[
        str | None, typer.Option(help="Check the blueprint named by stacks/Pulumi.<STACK>.yaml.")
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(metavar="OTHER", help="The blueprint as deployed today: flag every stateful "
                     "resource the change from OTHER would replace or delete."),
    ] = None,
    fail_on: Annotated[
        Severity, typer.Option(help="Exit 1 when a finding at or above this severity is left.")
    ] = Severity.high,
    format: Annotated[
        CheckFormat, typer.Option("--format", help="table for people, json for machines, sarif "
                                  "for code-scanning UIs.")
    ] = CheckFormat.table,
) -> None:  # fmt: skip
    """Check blueprints against the rules (security, deploy correctness, data safety) over
    the resources `pulumi up` would create, offline."""
    try:
        if against is not None and len(files or []) > 1:
            raise OpsblocksError("--against compares one blueprint (give one file or --stack)")
        targets = _targets(files or [], stack)
        previous = target_of(against, None) if against is not None else None
        checked = [_checked(target, previous) for target in targets]
    except OpsblocksError as exc:
        raise fail(exc) from None
    for c in checked:
        for waiver in c.report.unused_waivers:
            err.print(f"[yellow]warning:[/] {escape(c.file)}: the waiver of {waiver.rule} matches "
                      "no finding (remove it)", highlight=False)  # fmt: skip
    if format is CheckFormat.sarif:
        print(json.dumps(sarif(checked, all_rules()), indent=2))
    elif format is CheckFormat.json:
        print(json.dumps(_as_json(checked, fail_on), indent=2))
    else:
        for c in checked:
            _print_table(c, fail_on)
    if any(c.report.failing(fail_on) for c in checked):
        raise typer.Exit(1)


def rules_command(
    format: Annotated[
        RulesFormat, typer.Option("--format", help="table, json, or markdown (the README's).")
    ] = RulesFormat.table,
) -> None:
    """List the rules `opsblocks check` and the policy pack enforce."""
    if format is RulesFormat.markdown:
        print(docs.markdown_table(), end="")
        return
    if format is RulesFormat.json:
        print(json.dumps([docs.as_dict(rule) for rule in all_rules()], indent=2))
        return
    table = Table("rule", "severity", "title", "fix", show_edge=False)
    for rule in all_rules():
        style = STYLE[rule.severity]
        table.add_row(rule.id, f"[{style}]{rule.severity.value}[/]", rule.title, rule.fix)
    out.print(table)


def report_of(bp: Blueprint, graph: Graph, previous: Graph | None = None) -> Report:
    """The rules over one recorded blueprint, with its waivers."""
    stack = replace(stack_of(graph), environment_override=bp.environment.value)
    if previous is not None:
        stack = replace(stack, previous=stack_of(previous))
    return evaluate(stack, [Waiver(w.rule, w.reason) for w in bp.checks.waive])


def _targets(files: list[Path], stack: str | None) -> list[Target]:
    if files and stack is not None:
        raise OpsblocksError("give blueprint files or --stack NAME (one of them)")
    if stack is not None:
        return [target_of(None, stack)]
    if not files:
        raise OpsblocksError("give blueprint files or --stack NAME")
    return [target_of(file, None) for file in files]


def _checked(target: Target, previous: Target | None) -> Checked:
    before = record(previous, readable=True) if previous is not None else None
    report = report_of(target.blueprint, record(target, readable=True), before)
    return Checked(_shown(target.file), report, _lines(target))


def _shown(file: Path) -> str:
    """The path as a repository names it: relative to here when it can be, with slashes."""
    try:
        return file.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return file.as_posix()


def _lines(target: Target) -> dict[str, int]:
    source = yamlsource.parse(target.file)
    lines = {"foundation": source.location(("name",)).line or 1}
    for capability in target.blueprint.tools():
        lines[capability.value] = source.location(("capabilities", capability.value)).line or 1
    return lines


def _finding(finding: Finding) -> dict[str, Any]:
    rule, node = finding.rule, finding.node
    return {
        "rule": rule.id, "severity": rule.severity.value, "title": rule.title,
        "capability": finding.capability, "type": node.type, "name": node.name, "urn": node.urn,
        "message": finding.message, "fix": rule.fix,
        "waived": finding.waiver.reason if finding.waiver else None,
    }  # fmt: skip


def _as_json(checked: list[Checked], fail_on: Severity) -> dict[str, Any]:
    return {
        "fail_on": fail_on.value,
        "failed": any(c.report.failing(fail_on) for c in checked),
        "blueprints": [
            {
                "file": c.file,
                "summary": c.report.summary(),
                "rules": len(c.report.rules),
                "findings": [_finding(f) for f in c.report.findings],
                "unused_waivers": [w.rule for w in c.report.unused_waivers],
            }
            for c in checked
        ],
    }


def _print_table(checked: Checked, fail_on: Severity) -> None:
    report = checked.report
    out.print(f"[bold]{escape(checked.file)}[/]")
    if report.findings:
        table = Table("capability", "severity", "rule", "resource", "finding", show_edge=False)
        order = sorted(report.findings, key=lambda f: (f.capability, f.rule.severity.rank,
                                                       f.rule.id, f.node.name))  # fmt: skip
        for f in order:
            severity = f"[{STYLE[f.rule.severity]}]{f.rule.severity.value}[/]"
            if f.waiver is not None:
                severity = f"[dim]waived {f.rule.severity.value}[/]"
            resource = escape(f"{f.node.type.rsplit(':', 1)[-1]} {f.node.name}")
            table.add_row(f.capability, severity, f.rule.id, resource, escape(f.message))
        out.print(table)
        for rule in sorted({f.rule for f in report.open}, key=lambda r: r.id):
            out.print(f"  fix {rule.id}: {escape(rule.fix)}", highlight=False)
        for waiver in sorted({f.waiver for f in report.waived if f.waiver}, key=lambda w: w.rule):
            out.print(f"  waived {waiver.rule}: {escape(waiver.reason)}", highlight=False)
    failing = len(report.failing(fail_on))
    verdict = f"[red]{failing} at or above {fail_on.value}[/]" if failing else "[green]passed[/]"
    out.print(f"{escape(report.summary())}: {verdict}", highlight=False)

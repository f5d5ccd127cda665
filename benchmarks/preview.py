"""Benchmark: wall time and peak memory of `opsblocks preview` per shipped blueprint, the
ratio to the bare import time of the SDK modules that blueprint uses (target: <= 1.3), the time
the cost estimate adds to it (target: under 10% of the preview), and the time the check adds
(loading the rules and running them over the recording; target: under 15% of the preview).

Each measurement is a fresh interpreter, so both sides pay the same start-up; the median of
--runs runs is reported. The preview pauses the garbage collector while it loads the SDK and
records; `ratio_gc_paused` compares it with a bare import that does the same.

Usage: python benchmarks/preview.py [--runs N] [--json] [blueprint ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PREVIEW = """
import json, resource, sys
from opsblocks.cli import app
try:
    app(["preview", sys.argv[1], "--format", "json"], standalone_mode=False)
finally:
    sys.stdout.flush()
# pulumi_aws registers every submodule lazily: count only the ones actually loaded.
modules = sorted(name for name, module in sys.modules.items()
                 if name.startswith("pulumi_") and type(module).__name__ == "module")
print(json.dumps({"rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "modules": modules}), file=sys.stderr)
"""

IMPORTS = """
import gc, importlib, json, resource, sys
if sys.argv[2] == "gc-paused":  # as the preview imports them, inside the recording
    gc.disable()
import pulumi
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
print(json.dumps({"rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), file=sys.stderr)
"""


# The cost estimate on its own, right after recording, in the same process as a preview.
PHASES = """
import gc, json, resource, sys, time
from opsblocks import blueprint, preview, program
from opsblocks.cost.estimate import estimate
bp = blueprint.load(sys.argv[1])
graph = preview.record(lambda: program.build(bp))
gc.freeze()  # as the CLI does after recording
start = time.perf_counter()
estimate(bp, graph)
estimated = time.perf_counter()
from opsblocks.commands.check import report_of
report = report_of(bp, graph)
checked = time.perf_counter()
assert report.rules, "no rule ran"
print(json.dumps({"rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "estimate_s": estimated - start, "check_s": checked - estimated}),
      file=sys.stderr)
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    modules: list[str]
    estimate_s: float
    check_s: float


def timed(code: str, *arguments: str) -> Run:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    reports = [line for line in done.stderr.splitlines() if line.startswith('{"rss_kb"')]
    if not reports:
        raise RuntimeError(f"no measurement from the child process:\n{done.stderr[-2000:]}")
    report = json.loads(reports[-1])
    return Run(
        seconds,
        report["rss_kb"] / 1024,
        report.get("modules", []),
        report.get("estimate_s", 0.0),
        report.get("check_s", 0.0),
    )


def measure(blueprint: Path, runs: int) -> dict[str, object]:
    previews = [timed(PREVIEW, str(blueprint)) for _ in range(runs)]
    modules = previews[0].modules
    imports = [timed(IMPORTS, json.dumps(modules), "gc-on") for _ in range(runs)]
    imports_paused = [timed(IMPORTS, json.dumps(modules), "gc-paused") for _ in range(runs)]
    phases = [timed(PHASES, str(blueprint)) for _ in range(runs)]
    preview_s = statistics.median(r.seconds for r in previews)
    import_s = statistics.median(r.seconds for r in imports)
    import_paused_s = statistics.median(r.seconds for r in imports_paused)
    estimate_s = statistics.median(r.estimate_s for r in phases)
    check_s = statistics.median(r.check_s for r in phases)
    return {
        "blueprint": blueprint.name,
        "preview_s": round(preview_s, 3),
        "preview_peak_mib": round(max(r.peak_mib for r in previews), 1),
        "sdk_import_s": round(import_s, 3),
        "sdk_import_peak_mib": round(max(r.peak_mib for r in imports), 1),
        "ratio": round(preview_s / import_s, 2),
        "ratio_gc_paused": round(preview_s / import_paused_s, 2),
        "cost_s": round(estimate_s, 3),
        "cost_share": f"{estimate_s / preview_s:.1%}",
        "check_s": round(check_s, 3),
        "check_share": f"{check_s / preview_s:.1%}",
        "sdk_modules": len(modules),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("blueprints", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print JSON rows")
    args = parser.parse_args()
    blueprints = args.blueprints or sorted((ROOT / "blueprints").glob("*.yaml"))
    rows = [measure(path.resolve(), args.runs) for path in blueprints]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    header = ("blueprint", "preview_s", "preview_peak_mib", "sdk_import_s",
              "sdk_import_peak_mib", "ratio", "ratio_gc_paused", "cost_s", "cost_share",
              "check_s", "check_share", "sdk_modules")  # fmt: skip
    widths = [max(len(h), *(len(str(row[h])) for row in rows)) for h in header]
    print("  ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(f"{row[h]!s:>{w}}" for h, w in zip(header, widths, strict=True)))


if __name__ == "__main__":
    main()

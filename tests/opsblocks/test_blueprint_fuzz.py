"""Fuzzing the loader: whatever the text, a blueprint loads or is refused with one line that
names the file — never a traceback, never minutes of work."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsblocks import blueprint
from opsblocks.errors import BlueprintError

ROOT = Path(__file__).parents[2]
SHIPPED = [p.read_text() for p in sorted((ROOT / "blueprints").glob("*.yaml"))]
YAMLISH = st.text(alphabet=st.sampled_from(list("[]{}&*:-,'\"\n #|>!%@`?\ta1")),
                  max_size=12)  # fmt: skip
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                HealthCheck.function_scoped_fixture])  # fmt: skip


def loads_or_refuses_in_one_line(path: Path, text: str) -> None:
    path.write_text(text)
    try:
        blueprint.load(path)
    except BlueprintError as exc:
        message = str(exc)
        assert message.startswith(str(path)), message
        assert "\n" not in message, message


@FUZZ
@given(
    source=st.sampled_from(SHIPPED),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 8), YAMLISH), min_size=1, max_size=6),
)
def test_a_mutated_blueprint_loads_or_is_refused_in_one_line(
    tmp_path: Path, source: str, edits: list[tuple[float, int, str]]
) -> None:
    text = source
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    loads_or_refuses_in_one_line(tmp_path / "fuzzed.yaml", text)


@FUZZ
@given(levels=st.integers(1, 14), fan_out=st.integers(1, 14), flow=st.booleans())
def test_anchor_chains_of_any_shape_load_or_are_refused(
    tmp_path: Path, levels: int, fan_out: int, flow: bool
) -> None:
    lines = ["name: lol", "cloud: aws", "region: us-east-1", "capabilities: {}", "tags:",
             "  a0: &a0 lol"]  # fmt: skip
    for level in range(1, levels + 1):
        aliases = [f"*a{level - 1}"] * fan_out
        if flow:
            lines.append(f"  a{level}: &a{level} [{', '.join(aliases)}]")
        else:
            lines.append(f"  a{level}: &a{level}")
            lines.extend(f"    - {alias}" for alias in aliases)
    path = tmp_path / "anchors.yaml"
    loads_or_refuses_in_one_line(path, "\n".join(lines) + "\n")
    if fan_out**levels > 20_000:
        with pytest.raises(BlueprintError, match="expands to more than 20,000 values"):
            blueprint.load(path)


@FUZZ
@given(depth=st.integers(1, 400), flow=st.booleans(), closed=st.booleans())
def test_nesting_of_any_depth_loads_or_is_refused(
    tmp_path: Path, depth: int, flow: bool, closed: bool
) -> None:
    if flow:
        body = "tags: " + "[" * depth + ("]" * depth if closed else "") + "\n"
    else:
        body = "tags:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(depth))
    path = tmp_path / "deep.yaml"
    text = "name: lol\ncloud: aws\nregion: us-east-1\n" + body
    loads_or_refuses_in_one_line(path, text)
    if depth > 32 and len(text) <= 16 * 1024:
        with pytest.raises(BlueprintError, match="nested more than 32 levels deep"):
            blueprint.load(path)

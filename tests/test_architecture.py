"""The shape of the code: components stand alone, tools live in one place, no import circles,
and the program's wiring is typed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from opsblocks import catalog

ROOT = Path(__file__).parents[1]
TOOLS = catalog.tools()


def modules(package: str) -> dict[str, Path]:
    """Module name -> file, for every module under `package`."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, name: str) -> set[str]:
    """The modules `path` (module `name`) imports, relative imports resolved."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1],
                                 *([base] if base else [])])  # fmt: skip
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_components_import_nothing_from_the_engine() -> None:
    offenders = {name: sorted(i for i in imports(path, name) if i.split(".")[0] == "opsblocks")
                 for name, path in modules("components").items()}  # fmt: skip
    assert not {name: found for name, found in offenders.items() if found}


@pytest.mark.parametrize("package", ["components", "opsblocks"])
def test_no_import_circles(package: str) -> None:
    known = modules(package)
    graph = {name: {i for i in imports(path, name) if i in known and i != name}
             for name, path in known.items()}  # fmt: skip
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan: strongly connected modules import each other
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            circle = [stack.pop()]
            while circle[-1] != node:
                circle.append(stack.pop())
            if len(circle) > 1:
                circles.append(sorted(circle))

    for name in graph:
        if name not in index:
            visit(name)
    assert not circles


TYPED = ("opsblocks/wiring", "opsblocks/contracts", "opsblocks/tools")


@pytest.mark.parametrize("folder", TYPED)
def test_wiring_contracts_and_tools_are_typed_without_escape_hatches(folder: str) -> None:
    for path in sorted((ROOT / folder).rglob("*.py")):
        text = path.read_text()
        if path == ROOT / "opsblocks/tools/__init__.py":  # the catalog's erased Tool[Any, Any]
            text = text.replace("Tool[Any, Any]", "")
            text = re.sub(r"from typing import .*\n", "", text)
        assert not re.search(r"\bAny\b", text), path
        assert "type: ignore" not in text, path
        assert not re.search(r"^\s*assert\b", text, re.M), path


def expected_class(tool: catalog.Tool) -> str:
    """`<Cloud><Tool><Capability>`: a tool named after its cloud (azure-devops, azureml) shares
    the cloud's word, a tool named after its capability (…-registry) shares that word."""
    cloud = tool.cloud.value
    words = tool.name.split("-")
    if words[0] == cloud:
        words = words[1:]
    elif words[0].startswith(cloud):
        words[0] = words[0].removeprefix(cloud)
    name = "".join(w.title() for w in words)
    capability = tool.capability.value.title()
    return cloud.title() + name + ("" if name.endswith(capability) else capability)


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: f"{t.cloud}-{t.name}")
def test_a_tool_lives_in_the_module_and_class_its_name_gives(tool: catalog.Tool) -> None:
    package = tool.name.replace("-", "_")
    assert tool.component == f"components.{tool.cloud}.{package}.component:{expected_class(tool)}"
    assert tool.options.__module__ == f"components.{tool.cloud}.{package}.options"
    module = ROOT / "opsblocks" / "tools" / tool.cloud.value / f"{package}.py"
    assert module.is_file()


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_every_cloud_keeps_shared_helpers_in_the_same_place(cloud: str) -> None:
    folder = ROOT / "components" / cloud
    assert (folder / "shared" / "__init__.py").is_file()
    allowed = ("__init__.py", "foundation.py")
    loose = sorted(p.name for p in folder.glob("*.py") if p.name not in allowed)
    assert not loose, "a module outside a tool's package or shared/"

"""The package's shape: no import circle (type-only imports count), and no hand-written
module longer than a reader takes in at once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src"
PACKAGE = SRC / "codat_sync_expenses"
MAX_LINES = 350
GENERATED = "# Generated from "


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules ``name`` imports, at any depth (TYPE_CHECKING blocks too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: from the package, one level up per extra dot
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            for alias in node.names:
                target = f"{module}.{alias.name}"
                found.add(target if target in MODULES else module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return (found & MODULES.keys()) - {name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_two_modules_import_each_other_even_through_others() -> None:
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert sum(map(len, graph.values())) > 50, "the import scan found (almost) nothing"
    assert _cycles(graph) == []


def test_the_scan_finds_a_circle_made_through_a_type_only_import() -> None:
    circle = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(circle) == [["a", "b", "c"]]


HAND_WRITTEN = sorted(
    name
    for name, path in MODULES.items()
    if not path.read_text(encoding="utf-8").startswith(GENERATED)
)


def test_the_generated_modules_are_told_apart_by_their_mark() -> None:
    generated = sorted(MODULES.keys() - HAND_WRITTEN)
    assert "codat_sync_expenses.models" in generated
    assert "codat_sync_expenses._transport" not in generated


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_each_hand_written_module_stays_short(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by job"


def test_contributing_names_each_module_and_only_modules_that_exist() -> None:
    text = (SRC.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Where a change goes", 1)[1].split("\n## ", 1)[0]
    named = {name for name in re.findall(r"`(?:testing/|resources/)?(_?\w+)\.py`", section)}
    files = {path.stem for path in PACKAGE.rglob("*.py") if path.stem != "__init__"}
    assert len(named) > 30, "the section's table was not found"
    assert sorted(files - named) == [], "say in CONTRIBUTING.md what these modules are for"
    assert sorted(named - files) == [], "CONTRIBUTING.md names modules that are gone"

"""The README's quick-start runs as pasted, CI runs its test command, every public name has docs."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
PUBLIC_MODULES = [
    "codat_sync_expenses",
    "codat_sync_expenses.errors",
    "codat_sync_expenses.limits",
    "codat_sync_expenses.redis_limits",
    "codat_sync_expenses.queries",
    "codat_sync_expenses.query",
    "codat_sync_expenses.serialization",
    "codat_sync_expenses.testing",
]


def quick_start() -> str:
    match = re.search(r"<!-- quick-start:[^>]*-->\n```python\n(.*?)```", README.read_text(), re.S)
    assert match is not None, "the README lost its quick-start block"
    return match[1]


def test_the_quick_start_runs_as_pasted_against_the_fake() -> None:
    result = subprocess.run(  # noqa: S603 (our own README, run by our own interpreter)
        [sys.executable, "-c", quick_start()],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("pushed: ")
    assert lines[1] == "first page: 500 of 1001"
    active = int(lines[2].removeprefix("active customers: "))
    assert 0 < active < 1001
    assert lines[3].startswith("not found: 404 ")


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    rows = re.findall(r"^\| the tests \(.*\) \| `([^`]+)` \|$", README.read_text(), re.M)
    assert len(rows) == 1, "the README's table needs one row with the test command"
    ci_commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert ci_commands[-1] == rows[0]


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_has_a_docstring(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert inspect.getdoc(module)
    undocumented = [
        name
        for name in module.__all__
        if (inspect.isclass(value := getattr(module, name)) or inspect.isfunction(value))
        and not inspect.getdoc(value)
    ]
    assert undocumented == []

"""The README's code runs as pasted, CI runs its test command, every public name has docs."""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer, PushOutcome, virtual_time

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
PUBLIC_MODULES = [
    "codat_sync_expenses",
    "codat_sync_expenses.errors",
    "codat_sync_expenses.limits",
    "codat_sync_expenses.models",
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


def _block(tag: str) -> str:
    match = re.search(rf"<!-- {tag}:[^>]*-->\n```python\n(.*?)```", README.read_text(), re.S)
    assert match is not None, f"the README lost its {tag} block"
    return match[1]


@pytest.mark.parametrize(
    ("outcome", "said"),
    [
        (PushOutcome.success(after_polls=2), "pushed: "),
        (PushOutcome.failed("Tax number is not valid.", after_polls=1), "refused: "),
        (PushOutcome.timed_out(after_polls=1), "timed out: "),
        (PushOutcome.success(after_seconds=3600), "pending: look up "),
    ],
)
async def test_the_push_example_handles_every_ending(outcome: PushOutcome, said: str) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(_block("push"), "README.md", "exec"), namespace)  # noqa: S102 - our README
    async with FakeCodatServer() as fake:
        company_id = fake.add_company()
        connection_id = fake.add_connection(company_id)
        fake.settle_next_push(outcome)
        async with CodatSyncExpenses(api_key="any", base_url=fake.url) as codat:
            with virtual_time():
                told = await namespace["push_customer"](
                    codat,
                    company_id,
                    connection_id,
                    Customer(status=CustomerStatus.ACTIVE, customer_name="Acme Ltd"),
                )
    assert told.startswith(said)
    assert "None" not in told


def test_the_web_app_and_its_tests_run_as_pasted_in_a_fresh_project(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(_block("app"))
    (tmp_path / "test_app.py").write_text(_block("app-tests"))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # the user's project, not ours
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODAT_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::ResourceWarning",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout

"""CODAT_LOG=debug|info shows the SDK's log lines on stderr, read in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import API_KEY

SCRIPT = """
from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.testing import Fault, serve_in_thread
with serve_in_thread() as fake:
    company = fake.add_company()
    fake.inject("list-customers", Fault.status(503, retry_after=0), times=1)
    codat = CodatSyncExpenses(api_key={key!r}, base_url=fake.url)
    print(sum(1 for _ in codat.customers.list(company_id=company)))
    codat.close()
"""


def _run(tmp_path: Path, value: str | None) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(SCRIPT.format(key=API_KEY))
    env = {k: v for k, v in os.environ.items() if k != "CODAT_LOG"}
    if value is not None:
        env["CODAT_LOG"] = value
    return subprocess.run(  # noqa: S603 - our own script, by our own interpreter
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60
    )


def test_codat_log_debug_shows_every_attempt_and_never_the_key(tmp_path: Path) -> None:
    done = _run(tmp_path, "debug")
    assert done.returncode == 0, done.stderr
    assert " DEBUG " in done.stderr
    assert done.stderr.count("GET /companies/") >= 3  # two attempts and the retry line
    assert "-> 503" in done.stderr
    assert "-> 200" in done.stderr
    assert API_KEY not in done.stderr


def test_codat_log_info_shows_the_retry_but_not_each_attempt(tmp_path: Path) -> None:
    done = _run(tmp_path, "INFO")
    assert done.returncode == 0, done.stderr
    assert "retrying after 503" in done.stderr
    assert " DEBUG " not in done.stderr


def test_without_codat_log_the_sdk_prints_nothing(tmp_path: Path) -> None:
    done = _run(tmp_path, None)
    assert (done.returncode, done.stdout, done.stderr) == (0, "0\n", "")


@pytest.mark.parametrize("value", ["verbose", "1"])
def test_an_unknown_codat_log_value_is_refused_by_name(tmp_path: Path, value: str) -> None:
    done = _run(tmp_path, value)
    assert done.returncode == 1
    assert "ValueError: CODAT_LOG=" in done.stderr
    assert "'debug' or 'info'" in done.stderr

"""The pytest plugin in the setups users have, each in a fresh project and a fresh interpreter.

Each case writes a project of its own (its own ini, no conftest of ours) and runs
pytest in a subprocess, so the plugin loads from its entry point beside whatever
else is installed, as in a user's project: pytest-asyncio in its default strict
mode and in auto mode, anyio alone and beside pytest-asyncio in both modes,
FastAPI's sync TestClient, and a user's module- or session-scoped ``codat_fake``.
Every run turns ResourceWarnings into errors, so an unclosed session fails it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# The same two tests under every async runner: a second test gets a fresh client
# in its own loop, and a create-and-wait runs on the plugin's virtual clock.
ASYNC_TESTS = """
import pytest
from codat_sync_expenses.models import Customer, CustomerStatus

{mark}
async def test_lists_the_seeded_customers(codat_client, codat_company):
    page = await codat_client.customers.list_async(company_id=codat_company.id)
    assert len(page) == 25

{mark}
async def test_creates_and_waits_on_virtual_time(codat_client, codat_company, codat_clock):
    created = await codat_client.customers.create_async(
        company_id=codat_company.id,
        connection_id=codat_company.connection_id,
        customer=Customer(status=CustomerStatus.ACTIVE, customer_name="Acme Ltd"),
    )
    done = await codat_client.push_operations.wait_async(created)
    assert done.status.value == "Success"
    assert codat_clock.sleeps  # the poll's wait took no real time
"""

TESTCLIENT_TESTS = """
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.testclient import TestClient

from codat_sync_expenses import CodatSyncExpenses


def create_app(codat):
    @asynccontextmanager
    async def lifespan(app):
        async with codat:
            yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/companies/{company_id}/customers")
    async def customers(company_id: str):
        page = await codat.customers.list_async(company_id=company_id)
        return {"count": len(page)}

    return app


def test_the_app_makes_its_client_from_the_fake(codat_fake, codat_company):
    codat = CodatSyncExpenses(api_key="test", base_url=codat_fake.url)
    with TestClient(create_app(codat)) as app:
        assert app.get(f"/companies/{codat_company.id}/customers").json() == {"count": 25}


def test_the_app_is_given_the_plugins_client(codat_client, codat_company):
    with TestClient(create_app(codat_client)) as app:
        assert app.get(f"/companies/{codat_company.id}/customers").json() == {"count": 25}


def test_blocking_code_is_given_the_blocking_client(codat_blocking_client, codat_company):
    page = codat_blocking_client.customers.list(company_id=codat_company.id, page_size=10)
    assert sum(1 for _ in page) == 25
"""

SCOPED_FAKE = """
import pytest
from codat_sync_expenses.testing import FakeCodatServer, serve_in_thread


@pytest.fixture(scope="{scope}")
def codat_fake():
    with serve_in_thread(FakeCodatServer(max_in_flight_per_company=10)) as fake:
        yield fake
"""

CASES = {
    "pytest-asyncio strict (its default)": (
        "[pytest]\n",
        ["-p", "no:anyio"],
        "@pytest.mark.asyncio",
    ),
    "pytest-asyncio auto": (
        "[pytest]\nasyncio_mode = auto\n",
        ["-p", "no:anyio"],
        "",
    ),
    "anyio alone": ("[pytest]\n", ["-p", "no:asyncio"], "@pytest.mark.anyio"),
    "anyio beside pytest-asyncio strict": ("[pytest]\n", [], "@pytest.mark.anyio"),
    "anyio beside pytest-asyncio auto": (
        "[pytest]\nasyncio_mode = auto\n",
        [],
        "@pytest.mark.anyio",
    ),
}


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # A fresh interpreter: the plugin loads from its entry point, as in any project.
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        # An unclosed session or connection: a ResourceWarning, often raised at collection.
        "-W",
        "error::ResourceWarning",
        "-W",
        "error::pytest.PytestUnraisableExceptionWarning",
        *args,
        timeout=120,
    )
    assert "Unclosed" not in result.stdout.str() + result.stderr.str()
    return result


@pytest.mark.parametrize("case", CASES)
def test_async_tests_use_the_fixtures_with_no_configuration(
    pytester: pytest.Pytester, case: str
) -> None:
    ini, options, mark = CASES[case]
    pytester.makeini(ini)
    pytester.makepyfile(test_app=ASYNC_TESTS.format(mark=mark))
    _run(pytester, *options).assert_outcomes(passed=2)


def test_sync_tests_under_fastapis_testclient_use_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_app=TESTCLIENT_TESTS)
    _run(pytester).assert_outcomes(passed=3)


@pytest.mark.parametrize("scope", ["module", "session"])
def test_a_users_wider_scoped_codat_fake_serves_each_tests_client(
    pytester: pytest.Pytester, scope: str
) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    pytester.makeconftest(SCOPED_FAKE.format(scope=scope))
    pytester.makepyfile(test_app=ASYNC_TESTS.format(mark=""))
    _run(pytester, "-p", "no:anyio").assert_outcomes(passed=2)


def test_loading_the_plugin_imports_neither_aiohttp_nor_the_client() -> None:
    code = textwrap.dedent(
        """
        import sys
        import codat_sync_expenses.testing.pytest_plugin
        heavy = ("aiohttp", "attrs", "cattrs", "codat_sync_expenses._client")
        print(sorted(name for name in heavy if name in sys.modules))
        """
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout == "[]\n"

"""The pytest plugin in a fresh project of its own: no conftest, each test style, any scope.

Each inner run is in-process: it loads the plugin from its entry point like any
project would, without paying for a new interpreter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = str(Path(__file__).parents[1] / "examples")

ANYIO_TEST = """
import httpx2 as httpx
import pytest
from fastapi_app import create_app


@pytest.mark.anyio
async def test_lists_and_creates_customers(codat_client, codat_company):
    transport = httpx.ASGITransport(create_app(codat_client))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as app:
        listed = await app.get(f"/companies/{codat_company.id}/customers")
        created = await app.post(
            f"/companies/{codat_company.id}/connections/{codat_company.connection_id}/customers",
            json={"customerName": "Acme Ltd", "status": "Active"},
        )
    assert (len(listed.json()["customers"]), created.status_code) == (25, 201)
"""

SCOPES_TEST = """
import pytest
from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.testing import FakeCodatServer, serve_in_thread


@pytest.fixture(scope="module")
def codat_fake():
    with serve_in_thread(FakeCodatServer()) as fake:
        yield fake


@pytest.mark.parametrize("run", range(3))
async def test_a_module_scoped_fake_serves_each_function_scoped_loop(codat_fake, run):
    company_id = codat_fake.add_company()
    async with CodatSyncExpenses(api_key="k", base_url=codat_fake.url) as codat:
        await codat.customers.list_async(company_id=company_id)
    await codat_fake.wait_for_requests(run + 1)  # awaited from the test's own loop
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.syspathinsert(EXAMPLES)
    pytester.makeini("[pytest]\n")  # a project of its own, whatever directory holds it
    return pytester


def test_fixtures_work_under_anyio_with_no_conftest(project: pytest.Pytester) -> None:
    project.makepyfile(test_app=ANYIO_TEST)
    result = project.runpytest_inprocess("-p", "no:asyncio", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_module_scoped_fake_serves_every_test_loop_under_pytest_asyncio(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(test_scopes=SCOPES_TEST)
    result = project.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "-o",
        "asyncio_mode=auto",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "-W",
        "error",
        # In-process only: the outer run imported pytest-asyncio without rewriting it.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    )
    result.assert_outcomes(passed=3)


def test_unused_faults_fail_the_test_that_injected_them(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_faults="""
        from codat_sync_expenses.testing import Fault

        def test_injects_and_never_calls(codat_fake):
            codat_fake.inject("get-customer", Fault.status(503))
        """
    )
    result = project.runpytest_inprocess(
        "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*UnusedFaultsError*get-customer*"])

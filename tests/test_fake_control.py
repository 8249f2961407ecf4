"""The standalone fake: fixed ids from its options, and a control API any process can use."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.testing import FakeCodatServer

COMPANY_ID = "acme-company"
CONNECTION_ID = "acme-xero"


@pytest.fixture(scope="module")
def standalone() -> Iterator[str]:
    command = [
        sys.executable,
        "-m",
        "codat_sync_expenses.testing",
        "--port=0",
        f"--company-id={COMPANY_ID}",
        f"--connection-id={CONNECTION_ID}",
        "--customers=7",
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as fake:  # noqa: S603
        try:
            assert fake.stdout is not None
            yield fake.stdout.readline().split()[4]  # "Fake Codat server on http://..."
        finally:
            fake.terminate()


@pytest.fixture
async def control(standalone: str) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(standalone) as session:
        yield session


async def _post(session: aiohttp.ClientSession, path: str, body: Any) -> tuple[int, Any]:
    async with session.post(path, json=body) as response:
        return response.status, await response.json()


async def test_the_seeded_company_has_the_ids_and_size_given_on_the_command_line(
    standalone: str,
) -> None:
    async with CodatSyncExpenses(api_key="any", base_url=standalone) as codat:
        page = await codat.customers.list_async(company_id=COMPANY_ID)
    assert page.total_results == 7


async def test_a_process_seeds_injects_a_fault_and_reads_the_requests_over_http(
    standalone: str, control: aiohttp.ClientSession
) -> None:
    status, company = await _post(
        control, "/_fake/companies", {"companyId": "other-co", "customers": 3}
    )
    assert (status, company["companyId"]) == (201, "other-co")
    status, _ = await _post(
        control,
        "/_fake/faults",
        {"operation": "list-customers", "status": 503, "retryAfter": 7, "times": 1},
    )
    assert status == 201
    async with CodatSyncExpenses(api_key="any", base_url=standalone, max_retries=0) as codat:
        with pytest.raises(errors.ServiceUnavailableError) as caught:
            await codat.customers.list_async(company_id="other-co")
        page = await codat.customers.list_async(company_id="other-co")
    assert (caught.value.retry_after, page.total_results) == (7, 3)
    async with control.get("/_fake/requests", params={"operation": "list-customers"}) as got:
        received = (await got.json())["requests"]
    paths = [r["path"] for r in received if "other-co" in r["path"]]
    assert paths == ["/companies/other-co/data/customers"] * 2
    assert all("Authorization" not in r["headers"] for r in received)


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/_fake/faults", {"operation": "no-such-op", "status": 503}, "operation must be one of"),
        ("/_fake/faults", {"operation": "get-customer", "status": 200}, "from 400 to 599"),
        ("/_fake/faults", {"operation": "get-customer", "kind": "melt"}, "kind must be"),
        ("/_fake/faults", {"operation": "get-customer", "kind": "delay"}, "needs seconds"),
        ("/_fake/faults", {"operation": "get-customer", "kind": "hang", "times": 0}, "times"),
        ("/_fake/companies", {"customers": -1}, "customers must be"),
        ("/_fake/companies", ["not", "an", "object"], "JSON object"),
    ],
)
async def test_a_malformed_control_request_is_a_400_saying_why(
    path: str, body: Any, message: str
) -> None:
    async with FakeCodatServer() as fake, aiohttp.ClientSession(fake.url) as session:
        status, answer = await _post(session, path, body)
    assert status == 400
    assert message in answer["error"]


async def test_control_requests_are_not_recorded() -> None:
    async with FakeCodatServer() as fake, aiohttp.ClientSession(fake.url) as session:
        await _post(session, "/_fake/companies", {})
    assert fake.requests == []


# -- issue 24, cases 13-15: values the fake cannot serve, hostile bodies ---------------------------


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (
            "/_fake/faults",
            b'{"operation": "get-customer", "kind": "delay", "seconds": NaN}',
            "finite",
        ),
        (
            "/_fake/faults",
            b'{"operation": "get-customer", "kind": "delay", "seconds": 1e999}',
            "finite",
        ),
        (
            "/_fake/faults",
            b'{"operation": "get-customer", "status": 429, "retryAfter": "1\\r\\nX-Evil: 1"}',
            "retry_after must not contain",
        ),
        (
            "/_fake/faults",
            b'{"operation": "get-customer", "kind": "hang", "times": 100000000000000}',
            "times must be from 1",
        ),
        ("/_fake/companies", b'{"customers": 10000000000000000000000}', "customers must be from 0"),
        (
            "/_fake/companies",
            b'{"customers": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "JSON object",
        ),
        ("/_fake/faults", b"[" * 100_000 + b"]" * 100_000, "JSON object"),
    ],
    ids=[
        "nan-delay",
        "infinite-delay",
        "crlf-retry-after",
        "absurd-times",
        "absurd-customers",
        "deep-company",
        "deep-fault",
    ],
)
async def test_a_control_request_the_fake_could_not_serve_is_a_400_saying_why(
    path: str, body: bytes, message: str
) -> None:
    # Leaving the block would raise UnusedFaultsError had a fault been queued.
    async with (
        FakeCodatServer() as fake,
        aiohttp.ClientSession(fake.url) as session,
        session.post(path, data=body) as response,
    ):
        status, answer = response.status, await response.json()
    assert status == 400
    assert message in answer["error"]


def test_the_standalone_fake_refuses_a_customer_count_it_could_not_serve() -> None:
    command = [sys.executable, "-m", "codat_sync_expenses.testing", "--customers=-5"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)  # noqa: S603
    assert done.returncode == 2
    assert "--customers must be from 0 to 10,000,000, got -5" in done.stderr

"""Retries that never push twice, timeouts and broken servers, over real HTTP."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import codat_sync_expenses
from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import (
    FakeCodatServer,
    Fault,
    Operation,
    UnusedFaultsError,
    VirtualClock,
)

from .conftest import API_KEY, Company, closed_port, serve

SDK = str(Path(codat_sync_expenses.__file__).parent)
FAKE = str(Path(SDK) / "testing")
NEW = Customer(status=CustomerStatus.ACTIVE, customer_name="Once Only Ltd")


@pytest.fixture
async def retrying(fake: FakeCodatServer) -> AsyncIterator[CodatSyncExpenses]:
    async with CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, max_retries=2) as client:
        yield client


async def _get(codat: CodatSyncExpenses, company: Company) -> Customer:
    first = (await codat.customers.list_async(company_id=company.id, page_size=1)).items[0]
    assert first.id is not None
    return await codat.customers.get_async(company_id=company.id, customer_id=first.id)


async def _create(
    codat: CodatSyncExpenses, company: Company, timeout: float | None = None
) -> object:
    return await codat.customers.create_async(
        company_id=company.id, connection_id=company.connection_id, customer=NEW, timeout=timeout
    )


async def _update(codat: CodatSyncExpenses, company: Company) -> object:
    first = (await codat.customers.list_async(company_id=company.id, page_size=1)).items[0]
    assert first.id is not None
    return await codat.customers.update_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer_id=first.id,
        customer=NEW,
    )


PUSHES: dict[Operation, Callable[[CodatSyncExpenses, Company], Awaitable[object]]] = {
    "create-customer": _create,
    "update-customer": _update,
}


def _created(fake: FakeCodatServer, company: Company) -> int:
    return sum(c.get("customerName") == NEW.customer_name for c in fake.customers(company.id))


# -- reads ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_get_is_retried_on_transient_statuses(
    clock: VirtualClock,
    fake: FakeCodatServer,
    company: Company,
    retrying: CodatSyncExpenses,
    status: int,
) -> None:
    waits = clock.sleeps
    fake.inject("get-customer", Fault.status(status), times=2)
    customer = await _get(retrying, company)
    assert customer.id is not None
    assert len(fake.requests_for("get-customer")) == 3
    assert len(waits) == 2


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409])
async def test_get_is_not_retried_on_client_errors(
    fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses, status: int
) -> None:
    fake.inject("get-customer", Fault.status(status))
    with pytest.raises(errors.APIStatusError) as caught:
        await _get(retrying, company)
    assert caught.value.status_code == status
    assert len(fake.requests_for("get-customer")) == 1


@pytest.mark.parametrize("fault", [Fault.reset(), Fault.cut()])
async def test_get_is_retried_on_a_dropped_connection(
    clock: VirtualClock,
    fake: FakeCodatServer,
    company: Company,
    retrying: CodatSyncExpenses,
    fault: Fault,
) -> None:
    fake.inject("get-customer", fault)
    assert (await _get(retrying, company)).id is not None
    assert len(fake.requests_for("get-customer")) == 2


async def test_get_is_retried_after_a_timeout(
    clock: VirtualClock, fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses
) -> None:
    fake.inject("list-customers", Fault.hang())
    page = await retrying.customers.list_async(company_id=company.id, timeout=0.2)
    assert len(page) == 25
    assert len(fake.requests_for("list-customers")) == 2


async def test_retries_give_up_after_max_retries_with_the_last_error(
    clock: VirtualClock, fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses
) -> None:
    waits = clock.sleeps
    fake.inject("list-customers", Fault.status(503), times=3)
    with pytest.raises(errors.ServiceUnavailableError):
        await retrying.customers.list_async(company_id=company.id)
    assert len(fake.requests_for("list-customers")) == 3
    assert len(waits) == 2


async def test_per_call_max_retries_overrides_the_client(
    clock: VirtualClock, fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses
) -> None:
    fake.inject("list-customers", Fault.status(503), times=5)
    with pytest.raises(errors.ServiceUnavailableError):
        await retrying.customers.list_async(company_id=company.id, max_retries=0)
    assert len(fake.requests_for("list-customers")) == 1
    with pytest.raises(errors.ServiceUnavailableError):
        await retrying.customers.list_async(company_id=company.id, max_retries=3)
    assert len(fake.requests_for("list-customers")) == 5


# -- pushes ----------------------------------------------------------------------------


@pytest.mark.parametrize("operation", list(PUSHES))
@pytest.mark.parametrize("status", [429, 503])
async def test_push_is_retried_when_codat_says_it_was_not_processed(
    clock: VirtualClock,
    fake: FakeCodatServer,
    company: Company,
    retrying: CodatSyncExpenses,
    operation: Operation,
    status: int,
) -> None:
    fake.inject(operation, Fault.status(status))
    await PUSHES[operation](retrying, company)
    assert len(fake.requests_for(operation)) == 2
    assert _created(fake, company) == 1


@pytest.mark.parametrize("operation", list(PUSHES))
@pytest.mark.parametrize("status", [500, 502, 504])
async def test_push_is_not_retried_on_errors_that_may_follow_processing(
    fake: FakeCodatServer,
    company: Company,
    retrying: CodatSyncExpenses,
    operation: Operation,
    status: int,
) -> None:
    fake.inject(operation, Fault.status(status, after_processing=True))
    with pytest.raises(errors.APIStatusError):
        await PUSHES[operation](retrying, company)
    assert len(fake.requests_for(operation)) == 1
    assert _created(fake, company) == 1


async def test_push_whose_answer_timed_out_is_sent_exactly_once(
    fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses
) -> None:
    fake.inject("create-customer", Fault.hang(after_processing=True))
    with pytest.raises(errors.APITimeoutError) as caught:
        await _create(retrying, company, timeout=0.2)
    assert caught.value.request_sent is True
    assert len(fake.requests_for("create-customer")) == 1
    assert _created(fake, company) == 1


@pytest.mark.parametrize("fault", [Fault.reset(), Fault.cut()])
async def test_push_reset_after_sending_is_not_retried(
    fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses, fault: Fault
) -> None:
    fake.inject("create-customer", fault)
    with pytest.raises(errors.APIConnectionError) as caught:
        await _create(retrying, company)
    assert caught.value.request_sent is True
    assert len(fake.requests_for("create-customer")) == 1


async def test_push_is_retried_when_no_connection_could_be_made(
    clock: VirtualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="codat_sync_expenses")
    url = f"http://127.0.0.1:{closed_port()}"
    async with CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=2) as codat:
        waits = clock.sleeps
        with pytest.raises(errors.APIConnectionError) as caught:
            await codat.customers.create_async(company_id="c", connection_id="k", customer=NEW)
    assert caught.value.request_sent is False
    assert len(waits) == 2
    attempts = [r.getMessage() for r in caplog.records if "->" in r.getMessage()]
    assert [a.rsplit("(", 1)[1] for a in attempts] == ["attempt 1)", "attempt 2)", "attempt 3)"]
    assert all(
        "POST /companies/c/connections/k/push/customers -> no response" in a for a in attempts
    )


# -- Retry-After and the wait budget -------------------------------------------------------


async def test_retry_after_seconds_is_honoured_without_real_waiting(
    clock: VirtualClock, fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses
) -> None:
    waits = clock.sleeps
    fake.inject("list-customers", Fault.status(429, retry_after="7"))
    started = time.monotonic()
    await retrying.customers.list_async(company_id=company.id)
    assert time.monotonic() - started < 1.0
    assert waits == [7.0]


async def test_retry_after_http_date_is_honoured(
    clock: VirtualClock, fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses
) -> None:
    waits = clock.sleeps
    when = email.utils.formatdate(time.time() + 12, usegmt=True)
    fake.inject("list-customers", Fault.status(503, retry_after=when))
    await retrying.customers.list_async(company_id=company.id)
    assert len(waits) == 1
    assert 10.0 <= waits[0] <= 12.0


async def test_retry_after_beyond_the_wait_budget_is_not_waited_for(
    clock: VirtualClock, fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses
) -> None:
    waits = clock.sleeps
    fake.inject("list-customers", Fault.status(429, retry_after="3600"))
    with pytest.raises(errors.TooManyRequestsError) as caught:
        await retrying.customers.list_async(company_id=company.id)
    assert caught.value.retry_after == 3600.0
    assert waits == []
    assert len(fake.requests_for("list-customers")) == 1


async def test_the_wait_budget_is_summed_over_retries(
    clock: VirtualClock, fake: FakeCodatServer, company: Company
) -> None:
    async with CodatSyncExpenses(
        api_key=API_KEY, base_url=fake.url, max_retries=5, max_retry_wait=10
    ) as codat:
        waits = clock.sleeps
        fake.inject("list-customers", Fault.status(503, retry_after="4"), times=3)
        with pytest.raises(errors.ServiceUnavailableError):
            await codat.customers.list_async(company_id=company.id)
    assert waits == [4.0, 4.0]
    assert len(fake.requests_for("list-customers")) == 3


async def test_backoff_without_retry_after_is_exponential_with_full_jitter(
    clock: VirtualClock, fake: FakeCodatServer, company: Company
) -> None:
    async with CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, max_retries=5) as codat:
        waits = clock.sleeps
        fake.inject("list-customers", Fault.status(500), times=5)
        await codat.customers.list_async(company_id=company.id)
    assert len(waits) == 5
    for attempt, wait in enumerate(waits):
        assert 0 <= wait <= min(8.0, 0.5 * 2**attempt)


# -- timeouts --------------------------------------------------------------------------


def _sdk_tasks() -> set[asyncio.Task[Any]]:
    """Running tasks whose coroutine is the SDK's own code (the fake server's excluded)."""
    tasks = set()
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        if code and code.co_filename.startswith(SDK) and not code.co_filename.startswith(FAKE):
            tasks.add(task)
    return tasks


async def test_timeout_raises_within_a_small_margin_and_leaves_nothing_running(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.inject("get-customer", Fault.hang())
    started = time.monotonic()
    call = asyncio.create_task(
        codat.customers.get_async(company_id=company.id, customer_id="x", timeout=0.25)
    )
    await asyncio.wait_for(fake.wait_for_requests(1), timeout=5)
    assert _sdk_tasks() == {call}  # the filter sees SDK work while it runs
    with pytest.raises(errors.APITimeoutError, match="timed out"):
        await call
    elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 0.75
    assert _sdk_tasks() == set()


async def test_client_default_timeout_applies(fake: FakeCodatServer, company: Company) -> None:
    fake.inject("list-customers", Fault.hang())
    async with CodatSyncExpenses(
        api_key=API_KEY, base_url=fake.url, timeout=0.2, max_retries=0
    ) as codat:
        with pytest.raises(errors.APITimeoutError) as caught:
            await codat.customers.list_async(company_id=company.id)
    assert caught.value.request_sent is True


# -- broken responses ------------------------------------------------------------------


async def test_server_that_never_answers_times_out(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.inject("create-customer", Fault.hang())
    with pytest.raises(errors.APITimeoutError):
        await _create(codat, company, timeout=0.2)


async def test_connection_reset_mid_body_is_a_connection_error(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.inject("list-customers", Fault.cut())
    with pytest.raises(errors.APIConnectionError, match="connection failed"):
        await codat.customers.list_async(company_id=company.id)


@pytest.mark.parametrize("chunked", [False, True])
async def test_response_over_the_size_limit_is_refused_not_buffered(chunked: bool) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        if chunked:
            response.enable_chunked_encoding()
        else:
            response.content_length = 10 * 1024 * 1024
        await response.prepare(request)
        for _ in range(10 * 16):
            await response.write(b"x" * 65536)
        return response

    async with (
        serve(handler) as url,
        CodatSyncExpenses(
            api_key=API_KEY, base_url=url, max_response_bytes=256 * 1024, max_retries=0
        ) as codat,
    ):
        with pytest.raises(errors.ResponseTooLargeError, match="max_response_bytes=262144"):
            await codat.customers.get_async(company_id="c", customer_id="x")


async def test_a_slow_answer_within_the_timeout_succeeds_and_beyond_it_times_out(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.inject("list-customers", Fault.delay(0.05))
    assert len(await codat.customers.list_async(company_id=company.id, timeout=5)) == 25
    fake.inject("list-customers", Fault.delay(0.5))  # five times the timeout
    with pytest.raises(errors.APITimeoutError):
        await codat.customers.list_async(company_id=company.id, timeout=0.1)


# -- the fake's own bookkeeping --------------------------------------------------------


async def test_stopping_the_fake_with_a_fault_that_never_fired_is_an_error() -> None:
    fake = FakeCodatServer()
    await fake.start()
    fake.inject("get-customer", Fault.status(503))
    with pytest.raises(UnusedFaultsError, match="get-customer"):
        await fake.stop()


async def test_an_error_inside_the_block_is_not_hidden_by_unused_faults() -> None:
    async def failing_test() -> None:
        async with FakeCodatServer() as fake:
            fake.inject("get-customer", Fault.reset())
            raise KeyError("the test's own failure")

    with pytest.raises(KeyError, match="the test's own failure"):
        await failing_test()

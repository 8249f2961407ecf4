"""The per-company limit on requests in flight, alone and through the client over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.limits import CompanyLimiter, LocalCompanyLimiter
from codat_sync_expenses.models import Customer
from codat_sync_expenses.testing import CompanyTraffic, FakeCodatServer, Fault, VirtualClock

from .conftest import API_KEY, serve

CUSTOMER = {"id": "c-1", "status": "Active"}

# -- LocalCompanyLimiter alone ----------------------------------------------------


async def test_a_company_gets_at_most_max_in_flight_slots_and_waiters_go_in_order() -> None:
    limiter = LocalCompanyLimiter(max_in_flight=2)
    release, two_in = asyncio.Event(), asyncio.Event()
    order: list[int] = []

    async def hold(number: int) -> None:
        async with limiter.slot("company-a", timeout=None):
            order.append(number)
            if len(order) == 2:
                two_in.set()
            await release.wait()

    tasks = [asyncio.create_task(hold(n)) for n in range(5)]
    await two_in.wait()
    for _ in range(10):  # give the three waiters every chance to jump the limit
        await asyncio.sleep(0)
    assert (order, limiter.in_flight("company-a")) == ([0, 1], 2)
    release.set()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]
    assert limiter.in_flight("company-a") == 0


async def test_companies_do_not_share_slots() -> None:
    limiter = LocalCompanyLimiter(max_in_flight=1)
    async with limiter.slot("company-a", timeout=None), limiter.slot("company-b", timeout=0.01):
        assert (limiter.in_flight("company-a"), limiter.in_flight("company-b")) == (1, 1)


async def test_waiting_past_the_timeout_is_a_pool_timeout_that_names_the_company() -> None:
    limiter = LocalCompanyLimiter(max_in_flight=1)
    async with limiter.slot("company-a", timeout=None):
        with pytest.raises(errors.PoolTimeoutError) as caught:
            async with limiter.slot("company-a", timeout=0.01):
                pytest.fail("a second slot was granted")
    assert "one of company company-a's 1 request slots" in str(caught.value)
    assert caught.value.request_sent is False
    assert limiter.in_flight("company-a") == 0


async def test_a_slot_freed_with_too_little_time_left_for_the_request_is_not_taken() -> None:
    limiter = LocalCompanyLimiter(max_in_flight=1)
    holding = limiter.slot("company-a", timeout=None)
    await holding.__aenter__()
    # Freed 20 ms before the waiter's deadline: a request sent then would time out on the
    # client while the server still works on it, and free the slot early.
    release = asyncio.get_running_loop().call_later(
        0.48, lambda: asyncio.ensure_future(holding.__aexit__(None, None, None))
    )
    with pytest.raises(errors.PoolTimeoutError, match=r"too little of the 0\.5 s timeout"):
        async with limiter.slot("company-a", timeout=0.5):
            pytest.fail("a slot was taken with 20 ms left for the request")
    release.cancel()  # the waiter gave up MIN_REQUEST_TIME before its deadline
    assert limiter.in_flight("company-a") == 1
    await holding.__aexit__(None, None, None)


async def test_a_cancelled_waiter_takes_no_slot_and_the_next_one_gets_it() -> None:
    limiter = LocalCompanyLimiter(max_in_flight=1)
    holding = limiter.slot("company-a", timeout=None)
    await holding.__aenter__()
    got: list[str] = []

    async def wait(name: str) -> None:
        async with limiter.slot("company-a", timeout=None):
            got.append(name)

    cancelled = asyncio.create_task(wait("cancelled"))
    patient = asyncio.create_task(wait("patient"))
    await asyncio.sleep(0)
    cancelled.cancel()
    await holding.__aexit__(None, None, None)
    await asyncio.wait_for(patient, 5)  # a lost slot would hang it
    assert got == ["patient"]
    assert cancelled.cancelled()
    assert limiter.in_flight("company-a") == 0


async def test_a_slot_handed_over_as_its_waiter_is_cancelled_passes_to_the_next() -> None:
    limiter = LocalCompanyLimiter(max_in_flight=1)
    holding = limiter.slot("company-a", timeout=None)
    await holding.__aenter__()
    got: list[str] = []

    async def wait(name: str) -> None:
        async with limiter.slot("company-a", timeout=None):
            got.append(name)

    unlucky = asyncio.create_task(wait("unlucky"))
    patient = asyncio.create_task(wait("patient"))
    await asyncio.sleep(0)
    await holding.__aexit__(None, None, None)  # hands the slot to `unlucky`...
    unlucky.cancel()  # ...which is cancelled before it runs again
    await asyncio.wait_for(patient, 5)  # a lost slot would hang it
    assert got == ["patient"]
    assert limiter.in_flight("company-a") == 0


@pytest.mark.parametrize(("value", "error"), [(0, ValueError), (1.5, TypeError)])
def test_max_in_flight_must_be_a_positive_int(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_in_flight must be"):
        LocalCompanyLimiter(max_in_flight=value)


# -- through the client -----------------------------------------------------------


class _Counter:
    """A server that counts requests in flight; each waits until ``open_at`` are in."""

    def __init__(self, open_at: int) -> None:
        self.open_at = open_at
        self.in_flight = 0
        self.peak = 0
        self.served = 0
        self.gate = asyncio.Event()
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.arrived.set()
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        if self.in_flight >= self.open_at:
            self.gate.set()
        await self.gate.wait()
        self.in_flight -= 1
        self.served += 1
        return web.json_response(CUSTOMER)


async def _fan_out(codat: CodatSyncExpenses, company_id: str, calls: int) -> None:
    await asyncio.gather(
        *(codat.customers.get_async(company_id=company_id, customer_id="c-1") for _ in range(calls))
    )


async def test_fifty_concurrent_calls_for_one_company_send_ten_at_a_time() -> None:
    server = _Counter(open_at=10)
    async with (
        serve(server.handle) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat,
    ):
        await _fan_out(codat, "company-a", 50)
    assert (server.peak, server.served) == (10, 50)


async def _fan_out_to_the_fake(
    company_limit: int | None,
) -> tuple[list[Customer | BaseException], CompanyTraffic]:
    # Answers take 50 ms, so calls overlap at the fake as they would at Codat; without
    # the client's limit only the first 10 are answered (slowly), the rest get 429.
    async with FakeCodatServer(max_in_flight_per_company=10) as fake:
        company_id = fake.add_company()
        fake.add_customers(company_id, 1)
        customer_id = fake.customers(company_id)[0]["id"]
        fake.inject("get-customer", Fault.delay(0.05), times=10 if company_limit is None else 50)
        async with CodatSyncExpenses(
            api_key=API_KEY, base_url=fake.url, company_limit=company_limit, max_retries=0
        ) as codat:
            results = await asyncio.gather(
                *(
                    codat.customers.get_async(company_id=company_id, customer_id=customer_id)
                    for _ in range(50)
                ),
                return_exceptions=True,
            )
    return results, fake.traffic(company_id)


async def test_fifty_calls_for_a_company_reach_a_limiting_fake_ten_at_a_time_and_all_succeed() -> (
    None
):
    results, traffic = await _fan_out_to_the_fake(company_limit=10)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert traffic == CompanyTraffic(peak_in_flight=10, rejected=0)


async def test_without_the_limit_the_fake_answers_429_as_codat_would() -> None:
    results, traffic = await _fan_out_to_the_fake(company_limit=None)
    rejected = [r for r in results if isinstance(r, errors.TooManyRequestsError)]
    assert len(rejected) == traffic.rejected > 0
    assert traffic.peak_in_flight == 10
    assert rejected[0].retry_after == 1


async def test_the_limit_is_per_company() -> None:
    server = _Counter(open_at=4)
    async with (
        serve(server.handle) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url, company_limit=2) as codat,
    ):
        await asyncio.gather(_fan_out(codat, "company-a", 6), _fan_out(codat, "company-b", 6))
    assert (server.peak, server.served) == (4, 12)


async def test_company_limit_none_sends_every_call_at_once() -> None:
    server = _Counter(open_at=30)
    async with (
        serve(server.handle) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url, company_limit=None) as codat,
    ):
        await _fan_out(codat, "company-a", 30)
    assert server.peak == 30


async def test_max_connections_caps_the_clients_own_pool() -> None:
    server = _Counter(open_at=3)
    async with (
        serve(server.handle) as url,
        CodatSyncExpenses(
            api_key=API_KEY, base_url=url, company_limit=None, max_connections=3
        ) as codat,
    ):
        await _fan_out(codat, "company-a", 12)
    assert (server.peak, server.served) == (3, 12)


async def test_a_call_that_waits_too_long_for_a_slot_is_never_sent_nor_retried(
    clock: VirtualClock,
) -> None:
    server = _Counter(open_at=2)  # holds the first call until the test lets it go
    async with (
        serve(server.handle) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url, company_limit=1) as codat,
    ):
        first = asyncio.create_task(
            codat.customers.get_async(company_id="company-a", customer_id="c-1")
        )
        await server.arrived.wait()
        with pytest.raises(errors.PoolTimeoutError) as caught:
            await codat.customers.get_async(company_id="company-a", customer_id="c-1", timeout=0.05)
        server.gate.set()
        await first
    assert str(caught.value).startswith(
        "GET /companies/company-a/data/customers/c-1: waited for one of company company-a's "
        "1 request slots until too little of the 0.05 s timeout was left for the request"
    )
    assert (caught.value.method, caught.value.request_sent) == ("GET", False)
    assert server.served == 1
    assert clock.sleeps == []  # no retry: the wait already took the whole timeout


class _Recording:
    """A CompanyLimiter that logs each slot taken and given back."""

    def __init__(self) -> None:
        self.inner = LocalCompanyLimiter(max_in_flight=1)
        self.events: list[str] = []
        self.closed = False

    @asynccontextmanager
    async def _slot(self, company_id: str, timeout: float | None) -> AsyncIterator[None]:
        async with self.inner.slot(company_id, timeout=timeout):
            self.events.append(f"take {company_id}")
            yield
            self.events.append(f"give {company_id}")

    def slot(self, company_id: str, *, timeout: float | None) -> AbstractAsyncContextManager[None]:
        return self._slot(company_id, timeout)

    async def aclose(self) -> None:
        self.closed = True


async def test_each_attempt_holds_its_own_slot_and_none_is_held_across_a_retry_wait(
    clock: VirtualClock,
) -> None:
    answers = iter([web.json_response({}, status=503), web.json_response(CUSTOMER)])

    async def handler(request: web.Request) -> web.StreamResponse:
        return next(answers)

    limiter = _Recording()
    assert isinstance(limiter, CompanyLimiter)
    async with (
        serve(handler) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url, company_limit=limiter) as codat,
    ):
        await codat.customers.get_async(company_id="company-a", customer_id="c-1")
    assert limiter.events == ["take company-a", "give company-a"] * 2
    assert len(clock.sleeps) == 1
    assert not limiter.closed  # a limiter passed in belongs to the caller


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"company_limit": 0}, ValueError, "company_limit must be from 1 to 100000, got 0"),
        ({"company_limit": "10"}, TypeError, "company_limit must be an int, a limits.Company"),
        ({"company_limit": True}, TypeError, "company_limit must be an int"),
        ({"max_connections": 0}, ValueError, "max_connections must be from 1 to 100000"),
    ],
)
def test_bad_limits_are_refused_at_construction(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        CodatSyncExpenses(api_key=API_KEY, **kwargs)


async def test_max_connections_with_a_session_of_your_own_is_refused() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(ValueError, match="set the limit on the connector"):
            CodatSyncExpenses(api_key=API_KEY, session=session, max_connections=5)

"""Issue 24's hostile cases on the SDK's side: bounded numbers, walks and waits, prompt closes.

Cases 1-3 (the key) are in test_redaction.py, case 7 (pickling) in
test_errors_pickle.py, the fake's cases (12-15) in test_fake_control.py and
test_fake_server.py, decoding (4, 11) in test_decode_equivalence.py, push bodies
checked before sending (5) in test_push_validation.py.
"""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer, Fault, PushOutcome, VirtualClock

from ._raw_http import PUSH_OPERATION
from .conftest import API_KEY, Company, serve

# -- 6. a day-long push is polled for as long as it takes ----------------------------------------


async def test_a_day_long_push_is_polled_past_poll_1025_without_overflow(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.success(after_polls=1100))
    created = await codat.customers.create_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer=Customer(status=CustomerStatus.ACTIVE),
        timeout_in_minutes=1440,
    )
    done = await codat.push_operations.wait_async(created)
    assert done.status.value == "Success"
    assert len(clock.sleeps) == 1100
    assert max(clock.sleeps) <= 30.0
    assert sum(clock.sleeps) < 1440 * 60


async def test_a_push_timeout_too_large_for_a_float_is_waited_on_without_overflow(
    clock: VirtualClock,
) -> None:
    polls: list[str] = []

    async def push_operation(request: web.Request) -> web.Response:
        polls.append(request.path)
        status = "Success" if len(polls) > 2 else "Pending"
        # json.dumps writes the 400-digit int as is; msgspec reads it back whole.
        body = {**PUSH_OPERATION, "status": status, "timeoutInMinutes": 10**400}
        return web.Response(text=json.dumps(body), content_type="application/json")

    async with (
        serve(push_operation) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0) as codat,
    ):
        pending = await codat.push_operations.get_async(company_id="c", push_operation_key="k")
        done = await codat.push_operations.wait_async(pending)
    assert done.status.value == "Success"
    assert len(clock.sleeps) == 2


# -- 8. a listing that never ends is stopped a page past totalResults ----------------------------


async def test_a_listing_that_always_links_a_next_page_stops_a_page_past_total_results() -> None:
    asked: list[int] = []

    async def endless(request: web.Request) -> web.Response:
        page, size = int(request.query["page"]), int(request.query["pageSize"])
        asked.append(page)
        results = [{"id": f"{page}-{i}", "status": "Active"} for i in range(size)]
        return web.json_response(
            {
                "results": results,
                "pageNumber": page,
                "pageSize": size,
                "totalResults": 100,
                "_links": {
                    "self": {"href": "/"},
                    "current": {"href": f"/?page={page}"},
                    "next": {"href": f"/?page={page + 1}"},
                },
            }
        )

    walked: list[Customer] = []
    async with (
        serve(endless) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0) as codat,
    ):
        with pytest.raises(errors.PaginationError) as caught:  # noqa: PT012 - the walk is one step
            async for customer in codat.customers.list_async(company_id="c", page_size=50):
                walked.append(customer)
    assert asked == [1, 2, 3, 4]
    assert len(walked) == 150  # totalResults, and one page of slack
    assert caught.value.page == 4
    assert "totalResults is 100" in str(caught.value)


# -- 9. aclose() during a push's backoff ends it at once, saying it was not processed ------------


async def test_closing_during_a_push_backoff_ends_it_at_once_as_not_processed(
    fake: FakeCodatServer, company: Company
) -> None:
    fake.inject("create-customer", Fault.status(429, retry_after=5))
    codat = CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, max_retries=2)
    push = asyncio.ensure_future(
        codat.customers.create_async(
            company_id=company.id,
            connection_id=company.connection_id,
            customer=Customer(status=CustomerStatus.ACTIVE),
        )
    )
    await asyncio.wait_for(fake.wait_for_requests(1), 5)
    await codat.aclose()
    # Well inside the 5 s backoff: the push does not linger until it would have retried.
    with pytest.raises(errors.ClientClosedError) as caught:
        await asyncio.wait_for(push, 2)
    message = str(caught.value)
    assert "closed while the request waited to be retried" in message
    assert "answered 429, so Codat did not process it" in message
    assert "may or may not" not in message
    assert len(fake.requests) == 1


# -- 10. every numeric argument is bounded --------------------------------------------------------

HUGE = [float("inf"), float("-inf"), float("nan"), 1e300, 10**400]
HUGE_IDS = ["inf", "-inf", "nan", "1e300", "10**400"]


@pytest.mark.parametrize("value", HUGE, ids=HUGE_IDS)
@pytest.mark.parametrize("name", ["timeout", "connect_timeout", "max_retry_wait"])
def test_an_unbounded_client_duration_is_refused_naming_it(name: str, value: Any) -> None:
    with pytest.raises(ValueError, match=f"^{name} must be .* at most 604800, got"):
        CodatSyncExpenses(api_key=API_KEY, **{name: value})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_retries", 10**9),
        ("max_response_bytes", 2**63),
        ("max_connections", 10**12),
        ("company_limit", 10**12),
    ],
)
def test_an_unbounded_client_count_is_refused_naming_it(name: str, value: int) -> None:
    arguments: dict[str, Any] = {name: value}
    with pytest.raises(ValueError, match=f"^{name} must be from [01] to "):
        CodatSyncExpenses(api_key=API_KEY, **arguments)


@pytest.mark.parametrize("value", HUGE, ids=HUGE_IDS)
async def test_an_unbounded_per_call_timeout_is_refused_before_anything_is_sent(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, value: float
) -> None:
    with pytest.raises(ValueError, match=r"^timeout must be a positive number"):
        await codat.customers.get_async(company_id=company.id, customer_id="c", timeout=value)
    with pytest.raises(ValueError, match=r"^timeout must be a positive number"):
        codat.customers.list_async(company_id=company.id, timeout=value)
    with pytest.raises(ValueError, match=r"^max_retries must be from 0 to 1000"):
        await codat.customers.get_async(company_id=company.id, customer_id="c", max_retries=10**6)
    assert fake.requests == []


@pytest.mark.parametrize("value", HUGE, ids=HUGE_IDS)
async def test_an_unbounded_max_wait_is_refused(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, value: float
) -> None:
    created = await codat.customers.create_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer=Customer(status=CustomerStatus.ACTIVE),
    )
    with pytest.raises(ValueError, match=r"^max_wait must be a positive number"):
        await codat.push_operations.wait_async(created, max_wait=value)


async def test_the_largest_timeout_allowed_still_works(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    week = 7 * 24 * 3600.0
    assert math.isfinite(week)
    async with CodatSyncExpenses(
        api_key=API_KEY, base_url=fake.url, timeout=week, max_retry_wait=week
    ) as patient:
        assert await patient.customers.list_async(company_id=company.id, timeout=week)

"""Walking every customer: exact sequences, lazy fetching, clean stops, resumable failures."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, Page, errors
from codat_sync_expenses._pagination import PageContents
from codat_sync_expenses.models import Customer
from codat_sync_expenses.testing import FakeCodatServer, Fault, VirtualClock

from .conftest import API_KEY, serve


def _company(fake: FakeCodatServer, customers: int) -> str:
    company_id = fake.add_company()
    fake.add_customers(company_id, customers)
    return company_id


def _ids(fake: FakeCodatServer, company_id: str) -> list[str]:
    return [c["id"] for c in fake.customers(company_id)]


async def _walk(codat: CodatSyncExpenses, company_id: str, **kwargs: Any) -> list[str]:
    return [c.id or "" async for c in codat.customers.list_async(company_id=company_id, **kwargs)]


@pytest.mark.parametrize(
    ("customers", "page_size", "pages"),
    [
        (0, 10, 1),  # empty result: one request, nothing yielded
        (7, 10, 1),  # a single partial page
        (10, 10, 1),  # exactly one full page: no request for an empty page 2
        (25, 10, 3),  # full, full, partial last
        (30, 10, 3),  # exactly-full last page
        (1, 1, 1),
    ],
)
async def test_walk_yields_every_customer_once_in_order(
    fake: FakeCodatServer, codat: CodatSyncExpenses, customers: int, page_size: int, pages: int
) -> None:
    company_id = _company(fake, customers)
    assert await _walk(codat, company_id, page_size=page_size) == _ids(fake, company_id)
    sent = fake.requests_for("list-customers")
    assert [r.query["page"] for r in sent] == [str(n) for n in range(1, pages + 1)]


async def test_page_size_query_and_order_are_sent_on_every_page(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 60)
    walked = await _walk(
        codat, company_id, page_size=7, query="status=Active", order_by="customerName"
    )
    expected = sorted(
        (c for c in fake.customers(company_id) if c["status"] == "Active"),
        key=lambda c: c["customerName"],
    )
    assert walked == [c["id"] for c in expected]
    sent = fake.requests_for("list-customers")
    assert len(sent) == -(-len(expected) // 7)
    for number, request in enumerate(sent, start=1):
        assert request.query == {
            "page": str(number),
            "pageSize": "7",
            "query": "status=Active",
            "orderBy": "customerName",
        }


async def test_pages_expose_their_position(fake: FakeCodatServer, codat: CodatSyncExpenses) -> None:
    company_id = _company(fake, 25)
    seen = [
        (p.page_number, p.page_size, p.total_results, len(p), p.has_next_page())
        async for p in codat.customers.list_async(company_id=company_id, page_size=10).pages()
    ]
    assert seen == [(1, 10, 25, 10, True), (2, 10, 25, 10, True), (3, 10, 25, 5, False)]


async def test_next_page_walks_by_hand_and_stops_at_the_last(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 15)
    first = await codat.customers.list_async(company_id=company_id, page_size=10)
    second = await first.next_page()
    assert [c.id for c in [*first, *second]] == _ids(fake, company_id)
    assert not second.has_next_page()
    with pytest.raises(RuntimeError, match="last page"):
        await second.next_page()
    assert len(fake.requests_for("list-customers")) == 2


async def test_walk_can_start_at_a_later_page(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 25)
    assert await _walk(codat, company_id, page=2, page_size=10) == _ids(fake, company_id)[10:]


async def test_nothing_is_fetched_until_the_walk_starts(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 25)
    listing = codat.customers.list_async(company_id=company_id, page_size=10)
    # A whole other request completes: an eagerly started listing would have been sent first.
    with pytest.raises(errors.NotFoundError):
        await codat.customers.get_async(company_id=company_id, customer_id="other")
    assert [r.operation for r in fake.requests] == ["get-customer"]
    assert len(await listing) == 10
    assert [r.operation for r in fake.requests] == ["get-customer", "list-customers"]


async def test_breaking_early_sends_no_further_request(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 100)
    walked = []
    async for customer in codat.customers.list_async(company_id=company_id, page_size=10):
        walked.append(customer.id)
        if len(walked) == 15:
            break
    assert walked == _ids(fake, company_id)[:15]
    assert [r.query["page"] for r in fake.requests] == ["1", "2"]


async def test_failure_on_page_k_names_k_and_a_resumed_walk_yields_exactly_the_rest(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 47)
    every = _ids(fake, company_id)
    walked: list[str] = []

    async def walk_until_it_fails() -> None:
        async for customer in codat.customers.list_async(company_id=company_id, page_size=10):
            walked.append(customer.id or "")
            if len(walked) == 20:  # the last item of page 2: page 3 fails when it is needed
                fake.inject("list-customers", Fault.status(503))

    with pytest.raises(errors.ServiceUnavailableError) as caught:
        await walk_until_it_fails()
    assert caught.value.page == 3
    assert "(while fetching page 3)" in str(caught.value)
    assert walked == every[:20]

    resumed = await _walk(codat, company_id, page=caught.value.page, page_size=10)
    assert walked + resumed == every


async def test_failure_of_the_first_page_names_it(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    fake.inject("list-customers", Fault.status(500))
    with pytest.raises(errors.InternalServerError) as caught:
        await codat.customers.list_async(company_id=_company(fake, 3))
    assert caught.value.page == 1


async def test_a_page_that_does_not_decode_names_its_page(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 30)
    first = await codat.customers.list_async(company_id=company_id, page_size=10)
    fake.inject("list-customers", Fault.status(200, body=b'{"results": "nope"}'))
    with pytest.raises(errors.ResponseDecodeError) as caught:
        await first.next_page()
    assert caught.value.page == 2


async def test_walk_with_retries_survives_a_503_on_page_5_of_10(
    clock: VirtualClock,
    fake: FakeCodatServer,
) -> None:
    company_id = _company(fake, 100)
    async with CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, max_retries=2) as codat:
        waits = clock.sleeps
        walked: list[str] = []
        async for customer in codat.customers.list_async(company_id=company_id, page_size=10):
            walked.append(customer.id or "")
            if len(walked) == 40:
                fake.inject("list-customers", Fault.status(503, retry_after="1"))
    assert walked == _ids(fake, company_id)
    assert [r.query["page"] for r in fake.requests] == [
        *map(str, range(1, 6)),
        *map(str, range(5, 11)),
    ]
    assert waits == [1.0]


# -- read-ahead --------------------------------------------------------------------


async def test_prefetch_fetches_the_next_page_while_the_current_is_consumed(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 35)
    pages = codat.customers.list_async(company_id=company_id, page_size=10, prefetch=True).pages()
    first = await anext(pages)
    assert first.page_number == 1
    # Page 2 is requested while the consumer still holds page 1.
    await asyncio.wait_for(fake.wait_for_requests(2), timeout=5)
    rest = [p async for p in pages]
    assert [p.page_number for p in rest] == [2, 3, 4]
    assert [r.query["page"] for r in fake.requests] == ["1", "2", "3", "4"]


async def test_prefetch_walk_yields_the_same_sequence(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 95)
    assert await _walk(codat, company_id, page_size=10, prefetch=True) == _ids(fake, company_id)


async def test_prefetch_in_flight_is_cancelled_when_the_consumer_stops(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 50)
    pages = codat.customers.list_async(company_id=company_id, page_size=10, prefetch=True).pages()
    await anext(pages)
    fake.inject("list-customers", Fault.hang())  # the read-ahead of page 2 never answers
    await asyncio.wait_for(fake.wait_for_requests(2), timeout=5)
    read_ahead = {
        t
        for t in asyncio.all_tasks()
        if t.get_coro().__qualname__ == "Page.next_page"  # type: ignore[union-attr]
    }
    assert len(read_ahead) == 1

    await pages.aclose()  # what `async with contextlib.aclosing(...)` or a finished loop does

    done, pending = await asyncio.wait(read_ahead, timeout=5)
    assert pending == set()
    assert all(task.cancelled() for task in done)


async def test_aclosing_the_paginator_itself_stops_a_walk_and_its_read_ahead(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 50)
    seen = []
    async with contextlib.aclosing(
        codat.customers.list_async(company_id=company_id, page_size=10, prefetch=True)
    ) as customers:
        async for customer in customers:
            seen.append(customer)
            if len(seen) == 1:
                fake.inject("list-customers", Fault.hang())  # the read-ahead never answers
                await asyncio.wait_for(fake.wait_for_requests(2), timeout=5)
                break
        read_ahead = {
            t
            for t in asyncio.all_tasks()
            if t.get_coro().__qualname__ == "Page.next_page"  # type: ignore[union-attr]
        }
        assert len(read_ahead) == 1
    # Leaving the block closed the walk: the read-ahead was cancelled, nothing more fetched.
    done, pending = await asyncio.wait(read_ahead, timeout=5)
    assert pending == set()
    assert all(task.cancelled() for task in done)
    assert [r.query["page"] for r in fake.requests] == ["1", "2"]
    await customers.aclose()  # again: nothing left to close


async def test_prefetch_error_surfaces_after_the_pages_before_it(
    fake: FakeCodatServer, codat: CodatSyncExpenses
) -> None:
    company_id = _company(fake, 30)
    walked: list[Customer] = []

    async def walk_until_it_fails() -> None:
        async for page in codat.customers.list_async(
            company_id=company_id, page_size=10, prefetch=True
        ).pages():
            if page.page_number == 1:
                # The read-ahead of page 2 is scheduled but not yet sent.
                fake.inject("list-customers", Fault.status(503))
            walked.extend(page)

    with pytest.raises(errors.ServiceUnavailableError) as caught:
        await walk_until_it_fails()
    assert caught.value.page == 2
    assert [c.id for c in walked] == _ids(fake, company_id)[:10]


def test_page_repr_is_short() -> None:
    async def never(number: int) -> Page[int]:
        raise AssertionError(number)

    contents = PageContents(
        items=[1, 2], page_number=3, page_size=2, total_results=9, has_next_link=True
    )
    page = Page(contents, page_number=3, fetch=never)
    assert repr(page) == "Page(page_number=3, page_size=2, total_results=9, items=<2 items>)"


# -- pages that cannot be right ------------------------------------------------------------


def _page(number: int, size: int, items: int, total: int) -> dict[str, Any]:
    return {
        "pageNumber": number,
        "pageSize": size,
        "totalResults": total,
        "results": [{"id": f"c-{number}-{n}", "status": "Active"} for n in range(items)],
        "_links": {
            "self": {"href": "/"},
            "current": {"href": "/"},
            "next": {"href": "/next"},
        },
    }


BROKEN_LISTINGS = {
    # asked page -> (pageNumber, pageSize, items) answered; the walk asks pageSize=100
    "page 1 forever, with a next link": (lambda n: (1, 100, 100), 2, "got page 1"),
    "pageSize 10x the one asked for": (lambda n: (n, 1000, 1000), 1, "got pageSize 1000"),
    "a page of twice the asked size": (lambda n: (n, 100, 200), 1, "got 200 items"),
}


@pytest.mark.parametrize(
    ("answer", "page", "problem"), BROKEN_LISTINGS.values(), ids=list(BROKEN_LISTINGS)
)
async def test_a_page_that_cannot_be_right_is_a_typed_error_naming_it(
    answer: Callable[[int], tuple[int, int, int]], page: int, problem: str
) -> None:
    asked: list[int] = []

    async def listing(request: web.Request) -> web.Response:
        asked.append(int(request.query["page"]))
        if len(asked) > 5:
            return web.json_response({"error": "a walk that never ends"}, status=400)
        number, size, items = answer(asked[-1])
        return web.json_response(_page(number, size, items, total=1000))

    async with (
        serve(listing) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat,
    ):
        walked: list[Customer] = []

        async def walk() -> None:
            async for customer in codat.customers.list_async(company_id="c", page_size=100):
                walked.append(customer)

        with pytest.raises(errors.PaginationError) as caught:
            await walk()
    assert caught.value.page == page
    assert problem in str(caught.value)
    assert f"while fetching page {page}" in str(caught.value)
    assert asked == list(range(1, page + 1))
    assert len(walked) == 100 * (page - 1)

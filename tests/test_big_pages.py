"""Big pages: built in slices that let the event loop run, and let go of before the next."""

from __future__ import annotations

import asyncio
import json
import weakref
from typing import Any

from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, _constants, _decode
from codat_sync_expenses.models import Customer, Customers
from codat_sync_expenses.testing._seed import generated_customer

from .conftest import API_KEY, serve


def _page(number: int, size: int, total: int) -> dict[str, Any]:
    links: dict[str, Any] = {"self": {"href": "/"}, "current": {"href": "/"}}
    if number * size < total:
        links["next"] = {"href": "/"}
    first = (number - 1) * size
    # Made afresh, a customer costs more than decoding it: past 100, copies with new ids.
    made = [generated_customer(3, first + i) for i in range(min(size, 100))]
    return {
        "results": [{**made[i % 100], "id": f"customer-{first + i}"} for i in range(size)],
        "pageNumber": number,
        "pageSize": size,
        "totalResults": total,
        "_links": links,
    }


async def test_a_big_page_is_built_in_slices_that_let_other_tasks_run() -> None:
    body = json.dumps(_page(1, 5000, 5000)).encode()
    assert len(body) > _constants.SLICE_FROM_BYTES
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    ticker = asyncio.ensure_future(tick())
    await asyncio.sleep(0)
    started_at = ticks
    page = await _decode.loads_async(body, Customers)
    # loads_async does no I/O: the ticker ran only where building the page stepped aside.
    ran_during_build = ticks - started_at
    ticker.cancel()
    assert ran_during_build >= 2
    assert page.results is not None
    assert len(page.results) == 5000
    assert page == _decode.loads(body, Customers)


async def test_a_walk_lets_go_of_a_page_before_the_next_one_is_fetched() -> None:
    first_customer: list[weakref.ref[Customer]] = []
    alive_when_page_2_was_asked_for: list[bool] = []

    async def pages(request: web.Request) -> web.Response:
        number = int(request.query["page"])
        if number == 2:
            alive_when_page_2_was_asked_for.append(first_customer[0]() is not None)
        return web.json_response(_page(number, 3, 6))

    walked = 0
    async with serve(pages) as url, CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat:
        async for customer in codat.customers.list_async(company_id="c", page_size=3):
            if not first_customer:
                first_customer.append(weakref.ref(customer))
            walked += 1
    assert walked == 6
    assert alive_when_page_2_was_asked_for == [False]

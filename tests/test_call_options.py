"""Per-call headers, the app's name in the User-Agent, and a successful call's raw answer."""

from __future__ import annotations

import asyncio
import base64

import aiohttp
import pytest
from aiohttp import web
from typing_extensions import assert_type

from codat_sync_expenses import CodatSyncExpenses, RawResponse
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import (
    FakeCodatServer,
    PushOutcome,
    RecordedRequest,
    VirtualClock,
)

from .conftest import API_KEY, Company, serve_app

TRACE = {"X-Request-Id": "req-42", "Idempotency-Hint": "batch 7"}


async def test_extra_headers_go_with_every_request_of_the_call_and_no_other(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    customer = Customer(status=CustomerStatus.ACTIVE, customer_name="Acme Ltd")
    fake.settle_next_push(PushOutcome.success(after_polls=1))
    created = await codat.customers.create_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer=customer,
        extra_headers=TRACE,
    )
    await codat.push_operations.wait_async(created, extra_headers=TRACE)  # each poll too
    listed = [
        c
        async for c in codat.customers.list_async(
            company_id=company.id, page_size=10, extra_headers=TRACE
        )
    ]
    await codat.customers.get_async(company_id=company.id, customer_id=listed[0].id or "")

    def header(request: RecordedRequest, name: str) -> str | None:
        return {k.lower(): v for k, v in request.headers.items()}.get(name.lower())

    sent = {(r.operation, header(r, "X-Request-Id")) for r in fake.requests}
    assert sent == {
        ("create-customer", "req-42"),
        ("list-customers", "req-42"),
        ("get-push-operation", "req-42"),
        ("get-customer", None),  # the next call, without them
    }
    assert len(fake.requests_for("list-customers")) == 3  # every page carried them
    assert all(header(r, "Idempotency-Hint") == "batch 7" for r in fake.requests[:-1])


@pytest.mark.parametrize(
    ("extra", "error", "message"),
    [
        ({"Authorization": "Basic x"}, ValueError, "the SDK sets Authorization itself"),
        ({"content-type": "text/plain"}, ValueError, "the SDK sets content-type itself"),
        ({"X-A": "one\r\nX-Injected: two"}, ValueError, "line break"),
        ({"Bad Name": "x"}, ValueError, "not a valid header name"),
        ({"X-A": 1}, TypeError, "must map str to str"),
        ([("X-A", "1")], TypeError, "must be a mapping"),
    ],
)
async def test_extra_headers_the_sdk_must_own_or_cannot_send_are_refused_before_sending(
    fake: FakeCodatServer,
    company: Company,
    codat: CodatSyncExpenses,
    extra: object,
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        await codat.customers.get_async(company_id=company.id, customer_id="x", extra_headers=extra)  # type: ignore[arg-type]
    with pytest.raises(error, match=message):
        codat.customers.list_async(company_id=company.id, extra_headers=extra)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_the_apps_name_follows_the_sdks_in_the_user_agent(
    fake: FakeCodatServer, company: Company
) -> None:
    async with CodatSyncExpenses(
        api_key=API_KEY, base_url=fake.url, app_info="expense-sync/2.1"
    ) as codat:
        await codat.customers.list_async(company_id=company.id)
    async with (
        aiohttp.ClientSession(headers={"User-Agent": "their-gateway/3"}) as session,
        CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, session=session) as codat,
    ):
        await codat.customers.list_async(company_id=company.id)
    agents = [r.headers["User-Agent"] for r in fake.requests]
    assert agents[0].startswith("codat-sync-expenses-python/")
    assert agents[0].endswith(" expense-sync/2.1")
    assert agents[1].startswith(
        "their-gateway/3 codat-sync-expenses-python/"
    )  # kept, not overwritten


@pytest.mark.parametrize(
    ("app_info", "error"),
    [("", ValueError), ("a\nb", ValueError), ("é/1", ValueError), (1, TypeError)],
)
def test_an_app_info_that_cannot_go_in_a_header_is_refused(
    app_info: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match="app_info"):
        CodatSyncExpenses(api_key=API_KEY, app_info=app_info)  # type: ignore[arg-type]


async def test_with_raw_response_gives_the_result_with_its_status_and_headers(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    customer_id = fake.customers(company.id)[0]["id"]
    raw = await codat.customers.with_raw_response.get_async(
        company_id=company.id, customer_id=customer_id
    )
    assert_type(raw, RawResponse[Customer])
    assert raw.parsed == await codat.customers.get_async(
        company_id=company.id, customer_id=customer_id
    )
    assert raw.status_code == 200
    assert raw.headers["Content-Type"].startswith("application/json")
    pushed = await codat.customers.with_raw_response.create_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer=Customer(status=CustomerStatus.ACTIVE),
    )
    assert pushed.status_code == 200
    assert pushed.parsed.data is not None  # what create_async returns, whole
    polled = await codat.push_operations.with_raw_response.get_async(
        company_id=company.id, push_operation_key=pushed.parsed.push_operation_key
    )
    assert polled.parsed.push_operation_key == pushed.parsed.push_operation_key


async def test_concurrent_raw_calls_each_get_their_own_answer() -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(0.01 if request.match_info["customer"] == "slow" else 0)
        return web.json_response(
            {"id": request.match_info["customer"], "status": "Active"},
            headers={"X-Which": request.match_info["customer"]},
        )

    app = web.Application()
    app.router.add_get("/companies/{company}/data/customers/{customer}", handler)
    async with serve_app(app) as url, CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat:
        raw = codat.customers.with_raw_response.get_async
        slow, fast = await asyncio.gather(
            raw(company_id="c", customer_id="slow"), raw(company_id="c", customer_id="fast")
        )
    assert (slow.parsed.id, slow.headers["X-Which"]) == ("slow", "slow")
    assert (fast.parsed.id, fast.headers["X-Which"]) == ("fast", "fast")


async def test_a_success_header_echoing_the_key_is_redacted() -> None:
    async def handler(request: web.Request) -> web.Response:
        echoed = base64.b64decode(request.headers["Authorization"].removeprefix("Basic ")).decode()
        return web.json_response({"status": "Active"}, headers={"X-Echo": echoed})

    app = web.Application()
    app.router.add_get("/companies/{company}/data/customers/{customer}", handler)
    async with serve_app(app) as url, CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat:
        raw = await codat.customers.with_raw_response.get_async(company_id="c", customer_id="x")
    assert raw.headers["X-Echo"] == "<redacted>"
    assert API_KEY not in repr(raw)

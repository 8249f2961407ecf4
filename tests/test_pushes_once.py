"""A push reaches Codat once: aiohttp never re-sends it, redirects never repeat it,
and a keep-alive connection the server is closing never swallows it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import VirtualClock

from ._raw_http import Action, Request, raw_server
from .conftest import API_KEY, serve

NEW = Customer(status=CustomerStatus.ACTIVE, customer_name="Once Only Ltd")
Call = Callable[[CodatSyncExpenses], Awaitable[object]]


async def _create(codat: CodatSyncExpenses, name: str = "Once Only Ltd") -> object:
    customer = Customer(status=CustomerStatus.ACTIVE, customer_name=name)
    return await codat.customers.create_async(company_id="c", connection_id="k", customer=customer)


async def _update(codat: CodatSyncExpenses, name: str = "Once Only Ltd") -> object:
    customer = Customer(status=CustomerStatus.ACTIVE, customer_name=name)
    return await codat.customers.update_async(
        company_id="c", connection_id="k", customer_id="x", customer=customer
    )


PUSHES = {"create": _create, "update": _update}


@pytest.fixture(params=["own session", "borrowed session"])
async def session(request: pytest.FixtureRequest) -> AsyncIterator[aiohttp.ClientSession | None]:
    if request.param == "own session":
        yield None
    else:
        async with aiohttp.ClientSession() as borrowed:
            yield borrowed


# -- 1. aiohttp's own re-send ----------------------------------------------------------


@pytest.mark.parametrize("push", list(PUSHES))
async def test_a_push_whose_connection_drops_after_processing_reaches_the_server_once(
    session: aiohttp.ClientSession | None, push: str, clock: VirtualClock
) -> None:
    # aiohttp 3.9+ re-sends PUT (an "idempotent" method to HTTP) once when the
    # connection drops; this fails the day aiohttp finds another way to do so.
    async with (
        raw_server(lambda _: "process-then-drop") as server,
        CodatSyncExpenses(
            api_key=API_KEY, base_url=server.url, session=session, max_retries=2
        ) as codat,
    ):
        with pytest.raises(errors.APIConnectionError) as caught:
            await PUSHES[push](codat)
    assert caught.value.request_sent is True
    assert len(server.processed) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("max_retries", [0, 2])
async def test_a_get_is_attempted_exactly_max_retries_plus_one_times(
    session: aiohttp.ClientSession | None, max_retries: int, clock: VirtualClock
) -> None:
    async with (
        raw_server(lambda _: "process-then-drop") as server,
        CodatSyncExpenses(
            api_key=API_KEY, base_url=server.url, session=session, max_retries=max_retries
        ) as codat,
    ):
        with pytest.raises(errors.APIConnectionError):
            await codat.customers.get_async(company_id="c", customer_id="x")
    assert len(server.processed) == max_retries + 1


# -- 2. redirects ----------------------------------------------------------------------


@pytest.mark.parametrize("push", list(PUSHES))
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_push_answered_with_a_redirect_is_a_typed_error_never_followed_or_retried(
    push: str, status: int, clock: VirtualClock
) -> None:
    elsewhere: list[str] = []
    pushed: list[str] = []

    async def other_host(request: web.Request) -> web.Response:
        elsewhere.append(request.method)
        return web.json_response(status=503)

    async with serve(other_host) as other:

        async def redirector(request: web.Request) -> web.Response:
            pushed.append(request.method)
            return web.Response(status=status, headers={"Location": other + "/done"})

        async with (
            serve(redirector) as url,
            CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=2) as codat,
        ):
            with pytest.raises(errors.RedirectError) as caught:
                await PUSHES[push](codat)
    assert caught.value.status_code == status
    assert caught.value.location == other + "/done"
    assert f"returned {status}" in str(caught.value)
    assert other + "/done" in str(caught.value)
    assert len(pushed) == 1
    assert elsewhere == []
    assert clock.sleeps == []


async def test_a_get_redirect_is_not_followed_so_the_key_never_reaches_another_host() -> None:
    elsewhere: list[str | None] = []

    async def other_host(request: web.Request) -> web.Response:
        elsewhere.append(request.headers.get("Authorization"))
        return web.json_response({"status": "Active", "id": "x"})

    async with serve(other_host) as other:

        async def redirector(request: web.Request) -> web.Response:
            raise web.HTTPTemporaryRedirect(other + request.path)

        async with (
            serve(redirector) as url,
            CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat,
        ):
            with pytest.raises(errors.RedirectError) as caught:
                await codat.customers.get_async(company_id="c", customer_id="x")
    assert caught.value.status_code == 307
    assert elsewhere == []


# -- 3. a keep-alive connection the server is closing -------------------------------------


def _closes_idle_connections(request: Request) -> Action:
    # Every connection's first request is answered; a later one arrives just as
    # the server closes the idle connection, so it is never processed: the race
    # a server with a short keep-alive timeout loses against a pooled connection.
    return "answer" if request.index == 1 else "drop-unprocessed"


@pytest.mark.parametrize("push", list(PUSHES))
async def test_200_pushes_on_connections_the_server_is_closing_all_land_exactly_once(
    push: str, clock: VirtualClock
) -> None:
    async with (
        raw_server(_closes_idle_connections) as server,
        CodatSyncExpenses(api_key=API_KEY, base_url=server.url, max_retries=2) as codat,
    ):
        # Fill the pool with idle keep-alive connections.
        await asyncio.gather(
            *(codat.customers.get_async(company_id="c", customer_id="x") for _ in range(20))
        )
        outcomes = await asyncio.gather(
            *(PUSHES[push](codat, f"customer {n}") for n in range(200)),
            return_exceptions=True,
        )
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    pushed = [r.body for r in server.processed if r.method != "GET"]
    assert failures == []
    assert len(pushed) == len(set(pushed)) == 200
    assert [r for r in server.refused if r.method != "GET"] == []

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
    # The cause is aiohttp's own error, not the wrapper that stopped its re-send.
    assert isinstance(caught.value.__cause__, aiohttp.ServerDisconnectedError)
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


# -- 3. pooled pushes, and a keep-alive connection the server is closing -----------------


def _answers_always(request: Request) -> Action:
    return "answer"


def _closes_reused_connections(request: Request) -> Action:
    # Every connection's first request is answered; a later one arrives just as the
    # server closes the connection, so it is never processed: the race a pooled
    # connection loses against a server closing it. Real servers close idle ones only,
    # after seconds; this one closes every reused one, at once: the worst case.
    return "answer" if request.index == 1 else "drop-unprocessed"


@pytest.mark.parametrize("push", list(PUSHES))
async def test_sequential_pushes_share_one_pooled_connection(
    push: str, clock: VirtualClock
) -> None:
    async with (
        raw_server(_answers_always) as server,
        CodatSyncExpenses(api_key=API_KEY, base_url=server.url) as codat,
    ):
        for n in range(20):
            await PUSHES[push](codat, f"customer {n}")
    assert len(server.processed) == 20
    assert server.connections == 1  # was 20: a TCP (and TLS) handshake per push


@pytest.mark.parametrize("push", list(PUSHES))
async def test_a_push_lost_on_a_reused_connection_is_reported_never_resent_and_fresh_ones_follow(
    push: str, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with (
        raw_server(_closes_reused_connections) as server,
        CodatSyncExpenses(api_key=API_KEY, base_url=server.url, max_retries=2) as codat,
    ):
        outcomes = []
        for n in range(10):
            try:
                outcomes.append(await PUSHES[push](codat, f"customer {n}"))
            except errors.APIConnectionError as exc:
                outcomes.append(exc)
    failures = [o for o in outcomes if isinstance(o, errors.APIConnectionError)]
    # The second push reused the first's connection and was lost after it was sent:
    # HTTP cannot tell whether it landed, so it is reported, never sent again.
    assert [outcomes.index(f) for f in failures] == [1]
    assert failures[0].request_sent is True
    assert "may or may not" in str(failures[0])
    assert "each push takes a fresh connection" in caplog.text
    pushed = [r.body for r in server.processed]
    assert len(pushed) == len(set(pushed)) == 9  # never twice
    assert len(server.refused) == 1
    assert server.connections == 9  # after the loss, a fresh connection for each push


@pytest.mark.parametrize("push", list(PUSHES))
async def test_200_concurrent_pushes_against_a_server_closing_reused_connections_never_land_twice(
    push: str, clock: VirtualClock
) -> None:
    async with (
        raw_server(_closes_reused_connections) as server,
        CodatSyncExpenses(api_key=API_KEY, base_url=server.url, max_retries=2) as codat,
    ):
        first = await asyncio.gather(
            *(PUSHES[push](codat, f"customer {n}") for n in range(200)),
            return_exceptions=True,
        )
        # Once a push was lost on a reused connection, every push gets a fresh one.
        then = await asyncio.gather(
            *(PUSHES[push](codat, f"later {n}") for n in range(100)),
            return_exceptions=True,
        )
    failures = [o for o in first if isinstance(o, BaseException)]
    assert all(isinstance(f, errors.APIConnectionError) and f.request_sent for f in failures)
    assert len(failures) == len(server.refused) <= 100  # at most those already in flight
    pushed = [r.body for r in server.processed]
    assert len(pushed) == len(set(pushed)) == 300 - len(failures)  # each once, or reported
    assert [o for o in then if isinstance(o, BaseException)] == []


async def test_a_connection_idle_past_the_servers_timeout_is_not_reused(
    clock: VirtualClock,
) -> None:
    # A server (or load balancer) that closes connections idle 0.2 s: the push after
    # a longer pause finds its pooled connection closed and takes a fresh one.
    async with (
        raw_server(_answers_always, idle_timeout=0.2) as server,
        CodatSyncExpenses(api_key=API_KEY, base_url=server.url) as codat,
    ):
        for n in range(3):
            await _create(codat, f"customer {n}")
            await asyncio.sleep(0.3)  # real idle time, past the server's timeout
    assert len(server.processed) == 3
    assert server.connections == 3
    assert server.refused == []


async def test_a_servers_keep_alive_timeout_halves_how_long_a_push_connection_may_idle(
    clock: VirtualClock,
) -> None:
    async with (
        raw_server(_answers_always, keep_alive="timeout=0.2, max=100") as server,
        CodatSyncExpenses(api_key=API_KEY, base_url=server.url) as codat,
    ):
        await _create(codat, "first")  # learns: reuse a push connection idle < 0.1 s
        await _create(codat, "at once")  # reused
        await asyncio.sleep(0.15)  # real idle time: past 0.1 s, within the server's 0.2 s
        await _create(codat, "after a pause")  # a fresh connection
    assert server.connections == 2
    assert len(server.processed) == 3


async def test_aiohttps_private_keepalive_timeout_is_still_where_the_sdk_sets_it() -> None:
    # Sessions.heed_keep_alive writes TCPConnector._keepalive_timeout (private); the
    # test above fails if aiohttp stops reading it, this one if it renames it.
    connector = aiohttp.TCPConnector(keepalive_timeout=1.0)
    try:
        assert connector._keepalive_timeout == 1.0
    finally:
        await connector.close()

"""The client's sessions: pool waits, borrowed sessions, event loops, lifecycle, TLS."""

from __future__ import annotations

import asyncio
import gc
import re
import ssl
import threading
import warnings
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer, Fault, VirtualClock

from ._raw_http import CUSTOMER, PUSH_OPERATION
from .conftest import API_KEY, Company, serve

T = TypeVar("T")
FIXTURES = Path(__file__).parent / "fixtures"
NEW = Customer(status=CustomerStatus.ACTIVE, customer_name="Pooled Ltd")


async def _call(codat: CodatSyncExpenses, method: str, timeout: float | None = None) -> object:
    if method == "GET":
        return await codat.customers.get_async(company_id="c", customer_id="x", timeout=timeout)
    return await codat.customers.create_async(
        company_id="c", connection_id="k", customer=NEW, timeout=timeout
    )


async def _answer(request: web.Request) -> web.Response:
    return web.json_response(CUSTOMER if request.method == "GET" else PUSH_OPERATION)


# -- waiting for a free connection -----------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("session", ["own session", "borrowed session"])
async def test_a_request_that_waited_for_a_free_connection_was_not_sent_and_says_so(
    method: str, session: str
) -> None:
    arrived: list[str] = []
    busy, release = asyncio.Event(), asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        arrived.append(request.method)
        busy.set()
        await release.wait()
        return await _answer(request)

    one_connection: dict[str, Any] = (
        {"max_connections": 1}
        if session == "own session"
        else {"session": aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1))}
    )
    async with (
        serve(handler) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0, **one_connection) as codat,
    ):
        first = asyncio.create_task(_call(codat, method, timeout=30))
        await busy.wait()
        with pytest.raises(errors.PoolTimeoutError) as caught:
            await _call(codat, method, timeout=0.2)
        release.set()
        await first
    if "session" in one_connection:
        await one_connection["session"].close()
    assert caught.value.request_sent is False
    # The company slot's wait comes out of the 0.2 s first, so a loaded machine shows less.
    waited = re.search(
        r"waited ([0-9.]+)s for a free connection; the request was not sent", str(caught.value)
    )
    assert waited is not None, str(caught.value)
    assert 0.0 < float(waited[1]) <= 0.2
    assert arrived == [method]


async def test_a_push_whose_timeout_ran_out_while_connecting_was_not_sent_and_is_retried(
    clock: VirtualClock,
) -> None:
    connections: list[bytes] = []

    async def never_shakes_hands(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        connections.append(await reader.read(5))  # a TLS ClientHello, never answered
        await reader.read()  # until the client gives up
        writer.close()

    server = await asyncio.start_server(never_shakes_hands, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with CodatSyncExpenses(
            api_key=API_KEY, base_url=f"https://127.0.0.1:{port}", max_retries=2
        ) as codat:
            with pytest.raises(errors.APITimeoutError) as caught:
                # Long enough that a busy machine still writes each ClientHello before
                # the attempt gives up (0.2 s once ran out first, with 5 sessions running).
                await _call(codat, "POST", timeout=0.5)
    finally:
        server.close()
        await server.wait_closed()
    assert caught.value.request_sent is False
    # Which timer fires first, the attempt's or the connect's, depends on the Python.
    assert re.search(
        "timed out before the request was sent|connecting timed out", str(caught.value)
    )
    assert len(clock.sleeps) == 2
    assert len(connections) == 3
    assert all(hello.startswith(b"\x16\x03") for hello in connections)  # TLS, not HTTP


async def test_connect_timeout_does_not_cover_waiting_for_a_free_connection() -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.3)  # the fault: a slow answer holds the only connection
        return await _answer(request)

    async with (
        serve(slow) as url,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session,
        CodatSyncExpenses(
            api_key=API_KEY, base_url=url, session=session, connect_timeout=0.15, max_retries=0
        ) as codat,
    ):
        answers = await asyncio.gather(_call(codat, "GET"), _call(codat, "GET"))
    assert len(answers) == 2


# -- a borrowed session's own settings ----------------------------------------------------------


async def test_a_borrowed_session_that_raises_for_status_changes_no_error_or_retry_rule(
    fake: FakeCodatServer, company: Company, clock: VirtualClock
) -> None:
    async with (
        aiohttp.ClientSession(raise_for_status=True, auto_decompress=False) as session,
        CodatSyncExpenses(
            api_key=API_KEY, base_url=fake.url, session=session, max_retries=2
        ) as codat,
    ):
        with pytest.raises(errors.NotFoundError):
            await codat.customers.get_async(company_id=company.id, customer_id="missing")
        fake.inject("create-customer", Fault.status(503))
        await codat.customers.create_async(
            company_id=company.id, connection_id=company.connection_id, customer=NEW
        )
    assert len(fake.requests_for("create-customer")) == 2


async def test_a_borrowed_session_with_its_own_auth_is_refused() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # auth=, from aiohttp 3.14
        session = aiohttp.ClientSession(auth=aiohttp.BasicAuth("user", "secret"))
    async with session:
        with pytest.raises(ValueError, match="session has auth= set") as caught:
            CodatSyncExpenses(api_key=API_KEY, session=session)
    assert "secret" not in str(caught.value)


# -- lifecycle -----------------------------------------------------------------------------


async def test_closing_the_client_with_a_call_in_flight_says_the_client_was_closed() -> None:
    busy = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        busy.set()
        await asyncio.Event().wait()
        raise AssertionError("never answered")

    async with serve(hang) as url:
        codat = CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0)
        call = asyncio.create_task(_call(codat, "POST"))
        await busy.wait()
        await codat.aclose()
        with pytest.raises(errors.ClientClosedError) as caught:
            await call
    assert "client was closed while the request was in flight" in str(caught.value)
    assert "may or may not have reached Codat" in str(caught.value)


# -- event loops ---------------------------------------------------------------------------------


def test_a_client_reused_in_a_second_asyncio_run_is_a_clear_error() -> None:
    async def first() -> CodatSyncExpenses:
        async with serve(_answer) as url:
            codat = CodatSyncExpenses(api_key=API_KEY, base_url=url)
            await _call(codat, "GET")
            return codat  # the mistake: not closed in the loop that used it

    async def second(codat: CodatSyncExpenses) -> None:
        with pytest.raises(errors.EventLoopError, match="which is now closed") as caught:
            await _call(codat, "GET")
        assert "Create the client inside the loop that uses it" in str(caught.value)
        with pytest.raises(errors.EventLoopError, match="no longer running"):
            await codat.aclose()
        assert "closed" in repr(codat)

    with warnings.catch_warnings():
        # The first loop's connections cannot be closed any more: what the errors report.
        warnings.simplefilter("ignore", ResourceWarning)
        asyncio.run(second(asyncio.run(first())))
        gc.collect()


async def test_a_client_used_from_another_thread_is_a_clear_error_and_closes_at_home() -> None:
    home = asyncio.new_event_loop()
    problems: list[str] = []
    home.set_exception_handler(lambda _, context: problems.append(context["message"]))
    thread = threading.Thread(target=home.run_forever)
    thread.start()

    def at_home(coroutine: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, home))

    try:
        async with serve(_answer) as url:
            codat = CodatSyncExpenses(api_key=API_KEY, base_url=url)
            await at_home(_call(codat, "GET"))
            with pytest.raises(errors.EventLoopError, match="which is still open"):
                await _call(codat, "GET")
            await codat.aclose()  # from this loop: closed in its own
            with pytest.raises(errors.ClientClosedError, match="client is closed"):
                await at_home(_call(codat, "GET"))
    finally:
        home.call_soon_threadsafe(home.stop)
        thread.join()
        home.close()
    assert problems == []


async def test_a_borrowed_session_from_another_thread_s_loop_is_a_clear_error() -> None:
    home = asyncio.new_event_loop()
    thread = threading.Thread(target=home.run_forever)
    thread.start()

    async def make_session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    session = await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(make_session(), home))
    try:
        async with (
            serve(_answer) as url,
            CodatSyncExpenses(api_key=API_KEY, base_url=url, session=session) as codat,
        ):
            with pytest.raises(errors.EventLoopError, match="belongs to another event loop"):
                await _call(codat, "GET")
    finally:
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(session.close(), home))
        home.call_soon_threadsafe(home.stop)
        thread.join()
        home.close()


# -- TLS -----------------------------------------------------------------------------------------


async def test_a_certificate_that_does_not_verify_is_not_retried(clock: VirtualClock) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(FIXTURES / "untrusted-cert.pem", FIXTURES / "untrusted-key.pem")
    server = await asyncio.start_server(
        lambda _, writer: writer.close(), "127.0.0.1", 0, ssl=context
    )
    port = server.sockets[0].getsockname()[1]
    try:
        async with CodatSyncExpenses(
            api_key=API_KEY, base_url=f"https://127.0.0.1:{port}", max_retries=2
        ) as codat:
            with pytest.raises(errors.APIConnectionError, match="certificate") as caught:
                await _call(codat, "GET")
    finally:
        server.close()
        await server.wait_closed()
    assert caught.value.request_sent is False
    assert clock.sleeps == []

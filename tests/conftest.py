"""Shared fixtures: the fake Codat server, a seeded company, a client, and ad-hoc servers."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.testing import FakeCodatServer, PushOutcome, VirtualClock, virtual_time
from codat_sync_expenses.testing.pytest_plugin import CodatCompany, seed_company

pytest_plugins = ["pytester"]

API_KEY = "test-key-9f1c2e7a-DO-NOT-LEAK"

# The plugin's company: an id and a connection id.
Company = CodatCompany


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``CODAT_TESTS_ORDER=reversed`` runs the suite last test first.

    CI runs half of its test sessions so: that proves no test needs another to
    have run before it, and the files whose tests mostly wait (test_redis_limits,
    test_resilience, test_sessions) then come early in some sessions and late in
    others, instead of leaving the cores idle at the end of all of them at once.
    """
    if os.environ.get("CODAT_TESTS_ORDER") == "reversed":
        items.reverse()


@pytest.fixture
async def fake() -> AsyncIterator[FakeCodatServer]:
    # Pushes succeed at once here; tests/test_push_operations.py covers their lifecycle.
    async with FakeCodatServer(api_key=API_KEY, push_outcome=PushOutcome.success()) as server:
        yield server


@pytest.fixture
def company(fake: FakeCodatServer) -> Company:
    return seed_company(fake)


@pytest.fixture
async def codat(fake: FakeCodatServer) -> AsyncIterator[CodatSyncExpenses]:
    async with CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, max_retries=0) as client:
        yield client


@pytest.fixture
def clock() -> Iterator[VirtualClock]:
    """Virtual time for the test: retry waits and polls return at once and are recorded."""
    with virtual_time() as virtual:
        yield virtual


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@contextlib.asynccontextmanager
async def serve(handler: Handler) -> AsyncIterator[str]:
    """A purpose-built server on 127.0.0.1 answering every path with ``handler``."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    async with serve_app(app) as url:
        yield url


@contextlib.asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[str]:
    """An aiohttp.web app on 127.0.0.1 (its startup and cleanup run); yields its base URL."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

"""pytest fixtures for apps that use the SDK; pytest loads them by itself (``pytest11``).

``codat_fake`` is a ``FakeCodatServer`` on a thread and loop of its own, so it
answers tests under pytest-asyncio (strict or auto mode), anyio and FastAPI's
sync ``TestClient`` alike. ``codat_company`` is a company on it with a
connection and 25 customers; ``codat_client`` a client pointed at it whose
retry waits take no time, and ``codat_blocking_client`` the same for sync
tests of blocking code (Django, Flask, Celery tasks). Override ``codat_fake``
in a conftest to configure the fake.

Every fixture is a plain (sync) fixture, so no async plugin has to run it: the
client opens its connections in the test's own event loop on first use, and an
async test is wrapped so that the client closes in that loop when it ends.
Nothing heavier than pytest is imported until a test asks for a fixture, so a
project that installs the SDK but never uses them pays nothing for the plugin.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

if TYPE_CHECKING:
    from .._client import CodatSyncExpenses
    from ._clock import VirtualClock
    from ._server import FakeCodatServer

CODAT_TEST_API_KEY = "codat-test-key"
"""The key ``codat_client`` sends; the plugin's fake accepts any."""


class CodatCompany(NamedTuple):
    """A company on the fake, with one connection (needed to push) and 25 customers."""

    id: str
    connection_id: str


@pytest.fixture
def codat_fake() -> Iterator[FakeCodatServer]:
    """A running fake Codat server, fresh for each test; ``codat_fake.url`` is its base URL."""
    from ._server import FakeCodatServer
    from ._thread import serve_in_thread

    with serve_in_thread(FakeCodatServer()) as fake:
        yield fake


def seed_company(fake: FakeCodatServer, customers: int = 25) -> CodatCompany:
    """Add a company to ``fake`` with one connection and ``customers`` generated customers."""
    company_id = fake.add_company()
    connection_id = fake.add_connection(company_id)
    fake.add_customers(company_id, customers)
    return CodatCompany(id=company_id, connection_id=connection_id)


@pytest.fixture
def codat_company(codat_fake: FakeCodatServer) -> CodatCompany:
    """A company on ``codat_fake`` with a connection and 25 generated customers."""
    return seed_company(codat_fake)


@pytest.fixture
def codat_clock() -> Iterator[VirtualClock]:
    """Virtual time for the test: the SDK's retry waits and push polls return at once."""
    from ._clock import virtual_time

    with virtual_time() as clock:
        yield clock


@pytest.fixture
def codat_client(
    request: pytest.FixtureRequest, codat_fake: FakeCodatServer, codat_clock: VirtualClock
) -> Iterator[CodatSyncExpenses]:
    """A client pointed at ``codat_fake``, for async tests under any runner; closed after.

    It connects in the test's event loop on its first call and closes in that
    loop when an async test ends, whichever plugin (pytest-asyncio in strict or
    auto mode, anyio) runs the test.
    """
    from .._client import CodatSyncExpenses

    client = CodatSyncExpenses(api_key=CODAT_TEST_API_KEY, base_url=codat_fake.url)
    item = request.node
    test = getattr(item, "obj", None)
    wrapped = isinstance(item, pytest.Function) and inspect.iscoroutinefunction(test)
    if wrapped:
        assert test is not None
        item.obj = _closing_after(test, client)
    try:
        yield client
    finally:
        if wrapped:
            item.obj = test  # the test closed the client in its loop
        else:
            client.close()  # a sync test's client (FastAPI's TestClient, blocking twins)


def _closing_after(
    test: Callable[..., Coroutine[Any, Any, Any]], client: CodatSyncExpenses
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """``test``, closing ``client`` in the test's own event loop when it ends."""

    @functools.wraps(test)
    async def test_then_close(*args: Any, **kwargs: Any) -> Any:
        try:
            return await test(*args, **kwargs)
        finally:
            await client.aclose()

    return test_then_close


@pytest.fixture
def codat_blocking_client(
    codat_fake: FakeCodatServer, codat_clock: VirtualClock
) -> Iterator[CodatSyncExpenses]:
    """A client pointed at ``codat_fake`` for sync tests of its blocking twins; closed after."""
    from .._client import CodatSyncExpenses

    client = CodatSyncExpenses(api_key=CODAT_TEST_API_KEY, base_url=codat_fake.url)
    yield client
    client.close()

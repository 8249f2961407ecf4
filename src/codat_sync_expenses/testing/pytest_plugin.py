"""pytest fixtures for apps that use the SDK; pytest loads them by itself (``pytest11``).

``codat_fake`` is a ``FakeCodatServer`` on a thread and loop of its own, so it
answers tests under pytest-asyncio, anyio and FastAPI's sync ``TestClient``
alike. ``codat_company`` is a company on it with a connection and 25
customers; ``codat_client`` a client pointed at it whose retry waits take no
time, and ``codat_blocking_client`` the same for sync tests of blocking code
(Django, Flask, Celery tasks). Override ``codat_fake`` in a conftest to
configure the fake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import attrs
import pytest

from .._client import CodatSyncExpenses
from ._clock import VirtualClock, virtual_time
from ._harness import FakeCodatServer
from ._thread import serve_in_thread

CODAT_TEST_API_KEY = "codat-test-key"
"""The key ``codat_client`` sends; the plugin's fake accepts any."""


@attrs.frozen
class CodatCompany:
    """A company on the fake, with one connection (needed to push) and 25 customers."""

    id: str
    connection_id: str


@pytest.fixture
def codat_fake() -> Iterator[FakeCodatServer]:
    """A running fake Codat server, fresh for each test; ``codat_fake.url`` is its base URL."""
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
    with virtual_time() as clock:
        yield clock


@pytest.fixture
async def codat_client(
    codat_fake: FakeCodatServer, codat_clock: VirtualClock
) -> AsyncIterator[CodatSyncExpenses]:
    """A client pointed at ``codat_fake``, opened and closed in the test's event loop."""
    async with CodatSyncExpenses(api_key=CODAT_TEST_API_KEY, base_url=codat_fake.url) as client:
        yield client


@pytest.fixture
def codat_blocking_client(
    codat_fake: FakeCodatServer, codat_clock: VirtualClock
) -> Iterator[CodatSyncExpenses]:
    """A client pointed at ``codat_fake`` for sync tests of its blocking twins; closed after."""
    client = CodatSyncExpenses(api_key=CODAT_TEST_API_KEY, base_url=codat_fake.url)
    yield client
    client.close()

"""examples/aiohttp_app.py through the pytest plugin and aiohttp's own test server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from examples.aiohttp_app import create_app

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.testing import FakeCodatServer, VirtualClock
from codat_sync_expenses.testing.pytest_plugin import CodatCompany

from .conftest import serve_app


@pytest.fixture
async def app(codat_fake: FakeCodatServer, codat_clock: VirtualClock) -> AsyncIterator[str]:
    application = create_app(
        make_client=lambda: CodatSyncExpenses(api_key="test", base_url=codat_fake.url)
    )
    async with serve_app(application) as url:
        yield url


async def test_lists_and_creates_customers(app: str, codat_company: CodatCompany) -> None:
    async with aiohttp.ClientSession(app) as http:
        async with http.get(f"/companies/{codat_company.id}/customers") as listed:
            customers = (await listed.json())["customers"]
        async with http.post(
            f"/companies/{codat_company.id}/connections/{codat_company.connection_id}/customers",
            json={"customerName": "Acme Ltd", "status": "Active"},
        ) as created:
            assert created.status == 201
            new_id = (await created.json())["id"]
        async with http.get(f"/companies/{codat_company.id}/customers/{new_id}") as fetched:
            assert (await fetched.json())["customerName"] == "Acme Ltd"
    assert len(customers) == 25


async def test_an_unknown_customer_is_a_404(app: str, codat_company: CodatCompany) -> None:
    async with (
        aiohttp.ClientSession(app) as http,
        http.get(f"/companies/{codat_company.id}/customers/no-such-id") as response,
    ):
        assert response.status == 404
        assert "no-such-id" in await response.text()


async def test_the_client_is_closed_when_the_app_stops(codat_fake: FakeCodatServer) -> None:
    made: list[CodatSyncExpenses] = []

    def make_client() -> CodatSyncExpenses:
        made.append(CodatSyncExpenses(api_key="test", base_url=codat_fake.url))
        return made[0]

    async with serve_app(create_app(make_client=make_client)):
        assert "open" in repr(made[0])
    assert "closed" in repr(made[0])

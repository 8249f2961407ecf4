"""examples/fastapi_app.py through the pytest plugin, under pytest-asyncio and TestClient.

The first two tests are what an app's own tests look like: the plugin's
fixtures and nothing else. Under anyio (which this suite's pytest-asyncio
auto mode would shadow) see tests/test_pytest_plugin.py.
"""

from __future__ import annotations

import json

import httpx2 as httpx
import pytest
from examples.fastapi_app import create_app
from fastapi.testclient import TestClient

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.testing import FakeCodatServer, PushOutcome, VirtualClock, virtual_time
from codat_sync_expenses.testing.pytest_plugin import CodatCompany

NEW = {"customerName": "Acme Ltd", "status": "Active"}


async def test_lists_and_creates_customers_under_pytest_asyncio(
    codat_client: CodatSyncExpenses, codat_company: CodatCompany
) -> None:
    transport = httpx.ASGITransport(create_app(codat_client))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as app:
        listed = await app.get(f"/companies/{codat_company.id}/customers")
        created = await app.post(
            f"/companies/{codat_company.id}/connections/{codat_company.connection_id}/customers",
            json=NEW,
        )
    assert (len(listed.json()["customers"]), created.status_code) == (25, 201)


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, codat_fake: FakeCodatServer) -> None:
    """The app's client configured as in production, from the environment, at the fake."""
    monkeypatch.setenv("CODAT_API_KEY", "test")
    monkeypatch.setenv("CODAT_BASE_URL", codat_fake.url)


@pytest.mark.usefixtures("environment")
def test_lists_and_creates_customers_under_the_sync_test_client(
    codat_company: CodatCompany, codat_clock: VirtualClock
) -> None:
    app = TestClient(create_app())
    answers = []
    for _ in range(2):  # two sessions: each start makes a client in its own loop
        with app:
            listed = app.get(f"/companies/{codat_company.id}/customers")
            created = app.post(
                f"/companies/{codat_company.id}/connections/{codat_company.connection_id}"
                "/customers",
                json=NEW,
            )
        answers.append((len(listed.json()["customers"]), created.status_code))
    assert answers == [(25, 201), (26, 201)]  # the second session lists the first's push
    assert codat_clock.sleeps  # the push's poll waited on virtual time, not for real


# -- the rest of the example's endpoints --------------------------------------------


@pytest.fixture
def app(environment: None) -> TestClient:
    return TestClient(create_app())


def test_a_created_customer_is_answered_in_codats_json_and_can_be_read_back(
    app: TestClient, codat_fake: FakeCodatServer, codat_company: CodatCompany
) -> None:
    codat_fake.settle_next_push(PushOutcome.success())  # at once: no poll to wait for
    with app:
        created = app.post(
            f"/companies/{codat_company.id}/connections/{codat_company.connection_id}/customers",
            json={**NEW, "defaultCurrency": "GBP"},
        ).json()
        fetched = app.get(f"/companies/{codat_company.id}/customers/{created['id']}")
    assert created["customerName"] == "Acme Ltd"
    assert fetched.json()["defaultCurrency"] == "GBP"
    assert "modifiedDate" in fetched.json()  # Codat's names, not the models' snake_case


def test_streaming_walks_every_page(
    app: TestClient, codat_fake: FakeCodatServer, codat_company: CodatCompany
) -> None:
    codat_fake.add_customers(codat_company.id, 1_000)  # 1,025 in all: three pages of 500
    with app, app.stream("GET", f"/companies/{codat_company.id}/customers.ndjson") as response:
        ids = [json.loads(line)["id"] for line in response.iter_lines() if line]
    assert len(set(ids)) == 1_025
    assert len(codat_fake.requests_for("list-customers")) == 3


def test_an_unknown_customer_is_a_404(app: TestClient, codat_company: CodatCompany) -> None:
    with app:
        response = app.get(f"/companies/{codat_company.id}/customers/no-such-id")
    assert response.status_code == 404
    assert "no-such-id" in response.json()["detail"]


def test_a_failed_push_is_a_422_with_codats_reason(
    app: TestClient, codat_fake: FakeCodatServer, codat_company: CodatCompany
) -> None:
    codat_fake.settle_next_push(PushOutcome.failed("Tax number is not valid.", after_polls=1))
    with app:
        response = app.post(
            f"/companies/{codat_company.id}/connections/{codat_company.connection_id}/customers",
            json=NEW,
        )
    assert response.status_code == 422
    assert "Tax number is not valid." in response.json()["detail"]


def test_a_timed_out_push_is_a_504_and_one_still_pending_a_202_with_its_key(
    app: TestClient, codat_fake: FakeCodatServer, codat_company: CodatCompany
) -> None:
    path = f"/companies/{codat_company.id}/connections/{codat_company.connection_id}/customers"
    codat_fake.settle_next_push(PushOutcome.timed_out(after_polls=1))
    codat_fake.settle_next_push(PushOutcome.success(after_seconds=3600))  # past max_wait
    with app, virtual_time():
        timed_out = app.post(path, json=NEW)
        pending = app.post(path, json=NEW)
    assert timed_out.status_code == 504
    assert "ended TimedOut" in timed_out.json()["detail"]
    assert pending.status_code == 202
    assert pending.json()["pushOperationKey"] in {
        request.path_params["pushOperationKey"]
        for request in codat_fake.requests_for("get-push-operation")
    }


def test_a_body_that_is_not_a_customer_is_a_422_and_nothing_is_pushed(
    app: TestClient, codat_fake: FakeCodatServer, codat_company: CodatCompany
) -> None:
    with app:
        response = app.post(
            f"/companies/{codat_company.id}/connections/{codat_company.connection_id}/customers",
            json={"customerName": "No status"},
        )
    assert response.status_code == 422
    assert "status" in response.json()["detail"]
    assert codat_fake.requests_for("create-customer") == []


def test_an_update_answers_202_with_the_push_operation(
    app: TestClient, codat_company: CodatCompany
) -> None:
    with app:
        first = app.get(f"/companies/{codat_company.id}/customers?page_size=1").json()
        customer_id = first["customers"][0]["id"]
        response = app.put(
            f"/companies/{codat_company.id}/connections/{codat_company.connection_id}"
            f"/customers/{customer_id}",
            json={"customerName": "Renamed Ltd", "status": "Active"},
        )
    assert response.status_code == 202
    assert response.json()["status"] == "Pending"
    assert response.json()["data"]["customerName"] == "Renamed Ltd"

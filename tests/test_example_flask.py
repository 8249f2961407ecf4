"""examples/flask_app.py through the pytest plugin: Flask's test client, and a threaded server.

The test client runs each request on the test's thread; the threaded werkzeug
server is what ``flask run`` serves: a thread per request, all on one client.
"""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from examples.flask_app import create_app
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.testing import VirtualClock
from codat_sync_expenses.testing.pytest_plugin import CodatCompany


@pytest.fixture
def app(codat_blocking_client: CodatSyncExpenses) -> FlaskClient:
    return create_app(codat_blocking_client).test_client()


def test_lists_creates_and_reads_back_customers(
    app: FlaskClient, codat_company: CodatCompany, codat_clock: VirtualClock
) -> None:
    listed = app.get(f"/companies/{codat_company.id}/customers")
    created = app.post(
        f"/companies/{codat_company.id}/connections/{codat_company.connection_id}/customers",
        json={"customerName": "Acme Ltd", "status": "Active"},
    )
    assert (len(listed.json["customers"]), created.status_code) == (25, 201)  # type: ignore[index]
    fetched = app.get(f"/companies/{codat_company.id}/customers/{created.json['id']}")  # type: ignore[index]
    assert fetched.json["customerName"] == "Acme Ltd"  # type: ignore[index]
    assert codat_clock.sleeps  # the push was waited for, on the test's virtual clock


def test_an_unknown_customer_is_a_404_and_a_bad_body_a_422(
    app: FlaskClient, codat_company: CodatCompany
) -> None:
    missing = app.get(f"/companies/{codat_company.id}/customers/no-such-id")
    assert (missing.status_code, "no-such-id" in missing.text) == (404, True)
    bad = app.post(
        f"/companies/{codat_company.id}/connections/{codat_company.connection_id}/customers",
        json={"customerName": "no status"},
    )
    assert bad.status_code == 422


def test_a_threaded_server_answers_eight_requests_at_once_on_one_client(
    codat_blocking_client: CodatSyncExpenses, codat_company: CodatCompany
) -> None:
    codat = codat_blocking_client
    ids = [c.id for c in codat.customers.list(company_id=codat_company.id, page_size=8).items]
    server = make_server("127.0.0.1", 0, create_app(codat), threaded=True)
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    answers: dict[str, str] = {}

    def browse(customer_id: str) -> None:
        url = f"http://127.0.0.1:{server.port}/companies/{codat_company.id}/customers/{customer_id}"
        with urllib.request.urlopen(url, timeout=30) as response:
            answers[customer_id] = json.load(response)["id"]

    try:
        browsers = [threading.Thread(target=browse, args=(i,)) for i in ids]
        for browser in browsers:
            browser.start()
        for browser in browsers:
            browser.join()
    finally:
        server.shutdown()
        serving.join()
        server.server_close()
    assert len(ids) == 8
    assert answers == {i: i for i in ids}

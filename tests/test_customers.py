"""The four customer operations against the fake server, asserted on both sides."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.models import (
    Address,
    AddressType,
    Contact,
    CreateCustomerResponse,
    Customer,
    CustomerStatus,
    PhoneNumber,
    PhoneNumberType,
    PushChangeType,
    PushOperationStatus,
    UpdateCustomerResponse,
)
from codat_sync_expenses.testing import FakeCodatServer

from .conftest import API_KEY, Company

NEW_CUSTOMER = Customer(
    status=CustomerStatus.ACTIVE,
    customer_name="Harbour Lumen Ltd",
    email_address="accounts@harbour.example",
    default_currency="GBP",
    addresses=[Address(type=AddressType.BILLING, line1="1 Dock Road", postal_code="E1 4AA")],
    contacts=[
        Contact(
            status=CustomerStatus.ACTIVE,
            name="Ines Tanaka",
            phone=[PhoneNumber(type=PhoneNumberType.MOBILE, number="+44 7700 900123")],
        )
    ],
)
NEW_CUSTOMER_JSON = {
    "status": "Active",
    "customerName": "Harbour Lumen Ltd",
    "emailAddress": "accounts@harbour.example",
    "defaultCurrency": "GBP",
    "addresses": [{"type": "Billing", "line1": "1 Dock Road", "postalCode": "E1 4AA"}],
    "contacts": [
        {
            "status": "Active",
            "name": "Ines Tanaka",
            "phone": [{"type": "Mobile", "number": "+44 7700 900123"}],
        }
    ],
}


async def test_create_pushes_the_customer_and_returns_the_push_operation(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    created = await codat.customers.create_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer=NEW_CUSTOMER,
        timeout_in_minutes=5,
        allow_sync_on_push_complete=False,
    )

    assert isinstance(created, CreateCustomerResponse)
    assert created.status is PushOperationStatus.SUCCESS
    assert created.company_id == company.id
    assert created.data_connection_key == company.connection_id
    assert created.timeout_in_minutes == 5
    assert created.changes is not None
    assert created.changes[0].type is PushChangeType.CREATED
    assert created.data is not None
    assert created.data.customer_name == "Harbour Lumen Ltd"
    (sent,) = fake.requests_for("create-customer")
    assert sent.method == "POST"
    assert sent.raw_path == (
        f"/companies/{company.id}/connections/{company.connection_id}/push/customers"
    )
    assert sent.query == {"timeoutInMinutes": "5", "allowSyncOnPushComplete": "false"}
    assert sent.body == NEW_CUSTOMER_JSON
    assert sent.headers["Content-Type"] == "application/json"


async def test_create_sends_no_optional_query_values_it_was_not_given(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    await codat.customers.create_async(
        company_id=company.id, connection_id=company.connection_id, customer=NEW_CUSTOMER
    )
    assert fake.requests_for("create-customer")[0].query == {}


async def test_get_returns_the_customer(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    page = await codat.customers.list_async(company_id=company.id, page_size=3)
    wanted = page.items[2]
    assert wanted.id is not None

    customer = await codat.customers.get_async(company_id=company.id, customer_id=wanted.id)

    assert customer == wanted
    assert customer.status in set(CustomerStatus)
    assert customer.modified_date is not None
    assert customer.modified_date.tzinfo == timezone.utc
    sent = fake.requests_for("get-customer")[-1]
    assert sent.method == "GET"
    assert sent.raw_path == f"/companies/{company.id}/data/customers/{wanted.id}"
    assert sent.query == {}
    assert sent.body is None


async def test_list_returns_one_page_with_its_position(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    page = await codat.customers.list_async(
        company_id=company.id, page=2, page_size=10, query="status=Active", order_by="-customerName"
    )

    assert page.page_number == 2
    assert page.page_size == 10
    active = [c for c in fake.customers(company.id) if c["status"] == "Active"]
    assert page.total_results == len(active)
    expected = sorted(active, key=lambda c: c["customerName"], reverse=True)[10:20]
    assert [c.id for c in page.items] == [c["id"] for c in expected]
    assert all(c.status is CustomerStatus.ACTIVE for c in page)
    (sent,) = fake.requests_for("list-customers")
    assert sent.method == "GET"
    assert sent.raw_path == f"/companies/{company.id}/data/customers"
    assert sent.query == {
        "page": "2",
        "pageSize": "10",
        "query": "status=Active",
        "orderBy": "-customerName",
    }


async def test_update_pushes_changes_that_later_reads_return(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    first = (await codat.customers.list_async(company_id=company.id, page_size=1)).items[0]
    assert first.id is not None
    changed = Customer(
        status=CustomerStatus.ARCHIVED,
        customer_name="Renamed Ltd",
        source_modified_date=datetime(2024, 3, 1, 12, 0),
    )

    updated = await codat.customers.update_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer_id=first.id,
        customer=changed,
        force_update=True,
        timeout_in_minutes=10,
    )

    assert isinstance(updated, UpdateCustomerResponse)
    assert updated.changes is not None
    assert updated.changes[0].type is PushChangeType.MODIFIED
    (sent,) = fake.requests_for("update-customer")
    assert sent.method == "PUT"
    assert sent.raw_path == (
        f"/companies/{company.id}/connections/{company.connection_id}/push/customers/{first.id}"
    )
    assert sent.query == {"timeoutInMinutes": "10", "forceUpdate": "true"}
    assert sent.body == {
        "status": "Archived",
        "customerName": "Renamed Ltd",
        "sourceModifiedDate": "2024-03-01T12:00:00",
    }
    again = await codat.customers.get_async(company_id=company.id, customer_id=first.id)
    assert again.customer_name == "Renamed Ltd"
    assert again.status is CustomerStatus.ARCHIVED
    listed = (await codat.customers.list_async(company_id=company.id, page_size=1)).items[0]
    assert listed.customer_name == "Renamed Ltd"


async def test_update_sends_force_update_false_by_default(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    first = (await codat.customers.list_async(company_id=company.id, page_size=1)).items[0]
    assert first.id is not None
    await codat.customers.update_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer_id=first.id,
        customer=first,
    )
    assert fake.requests_for("update-customer")[0].query == {"forceUpdate": "false"}


async def test_created_customer_is_listed_and_readable(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    created = await codat.customers.create_async(
        company_id=company.id, connection_id=company.connection_id, customer=NEW_CUSTOMER
    )
    assert created.data is not None
    assert created.data.id is not None
    read = await codat.customers.get_async(company_id=company.id, customer_id=created.data.id)
    assert read.customer_name == NEW_CUSTOMER.customer_name
    assert read.contacts == NEW_CUSTOMER.contacts
    last = await codat.customers.list_async(company_id=company.id, page=26, page_size=1)
    assert [c.id for c in last.items] == [created.data.id]
    assert last.total_results == 26


async def test_auth_header_form_is_accepted_like_the_raw_key(
    fake: FakeCodatServer, company: Company
) -> None:
    header = "Basic " + base64.b64encode(API_KEY.encode()).decode()
    async with CodatSyncExpenses(auth_header=header, base_url=fake.url) as codat:
        page = await codat.customers.list_async(company_id=company.id)
    assert page.total_results == 25
    assert fake.requests[0].headers["Accept"] == "application/json"


@pytest.mark.parametrize("status", ["Active", "Archived"])
async def test_query_filters_on_the_server(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, status: str
) -> None:
    expected = [c["id"] for c in fake.customers(company.id) if c["status"] == status]
    assert 0 < len(expected) < 25  # the seed holds both kinds, so the filter can fail
    page = await codat.customers.list_async(
        company_id=company.id, query=f"status={status}", page_size=100
    )
    assert [c.id for c in page.items] == expected
    assert page.total_results == len(expected)

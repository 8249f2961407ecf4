"""Models to Codat-shaped JSON and back: the public face of the SDK's own converter."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from codat_sync_expenses import CodatSyncExpenses, serialization
from codat_sync_expenses.models import Address, AddressType, Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer

from .conftest import API_KEY, Company

CUSTOMER = Customer(
    status=CustomerStatus.ACTIVE,
    customer_name="Acme Ltd",
    addresses=[Address(type=AddressType.BILLING, city="London")],
    modified_date=datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc),
)


def test_to_dict_uses_codats_names_and_values_and_leaves_none_out() -> None:
    assert serialization.to_dict(CUSTOMER) == {
        "status": "Active",
        "customerName": "Acme Ltd",
        "addresses": [{"type": "Billing", "city": "London"}],
        "modifiedDate": "2024-05-01T09:30:00Z",
    }


def test_to_json_and_from_json_round_trip_a_model_and_a_list() -> None:
    assert serialization.from_json(serialization.to_json(CUSTOMER), Customer) == CUSTOMER
    as_text = serialization.to_json([CUSTOMER, CUSTOMER]).decode()
    assert json.loads(as_text) == [serialization.to_dict(CUSTOMER)] * 2
    assert serialization.from_json(serialization.to_json(CUSTOMER).decode(), Customer) == CUSTOMER


def test_from_dict_reads_what_codat_sends(fake: FakeCodatServer, company: Company) -> None:
    sent = fake.customers(company.id)[0]
    assert serialization.to_dict(serialization.from_dict(sent, Customer))["id"] == sent["id"]


async def test_to_json_is_exactly_what_the_sdk_sends(
    fake: FakeCodatServer, company: Company
) -> None:
    async with CodatSyncExpenses(api_key=API_KEY, base_url=fake.url) as codat:
        await codat.customers.create_async(
            company_id=company.id, connection_id=company.connection_id, customer=CUSTOMER
        )
    (pushed,) = fake.requests_for("create-customer")
    assert pushed.body == json.loads(serialization.to_json(CUSTOMER))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"{not json", "is not JSON"),
        (b'{"customerName": "No status"}', "status"),
        (b'{"status": "Active", "addresses": [{"type": {"a": 1}}]}', "addresses"),
    ],
)
def test_a_document_that_does_not_fit_is_a_decode_error_naming_the_problem(
    document: bytes, message: str
) -> None:
    with pytest.raises(serialization.DecodeError, match=message):
        serialization.from_json(document, Customer)
    assert issubclass(serialization.DecodeError, ValueError)

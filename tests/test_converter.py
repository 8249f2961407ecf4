"""JSON <-> model conversion on Codat's own examples and on the messy data Codat sends."""

from __future__ import annotations

import copy
import enum
import json
import pickle
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, _converter
from codat_sync_expenses.models import (
    Address,
    AddressType,
    Customer,
    Customers,
    CustomerStatus,
    PushOperationStatus,
    UpdateCustomerResponse,
)

from .conftest import API_KEY, serve

T = TypeVar("T")
EXAMPLES = json.loads((Path(__file__).parent / "fixtures" / "codat_examples.json").read_text())


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(EXAMPLES["list-customers"]))
def test_list_customers_example_round_trips(name: str) -> None:
    body = EXAMPLES["list-customers"][name]
    page = _converter.structure(body, Customers)
    assert page.results, "every published example has customers"
    assert all(isinstance(c, Customer) for c in page.results)
    assert _converter.unstructure(page) == _without_nulls(body)


@pytest.mark.parametrize("name", sorted(EXAMPLES["get-customer"]))
def test_get_customer_example_round_trips(name: str) -> None:
    body = EXAMPLES["get-customer"][name]
    customer = _converter.structure(body, Customer)
    assert isinstance(customer.status, CustomerStatus)
    assert _converter.unstructure(customer) == _without_nulls(body)


def test_there_are_eighteen_examples_of_each() -> None:
    assert len(EXAMPLES["list-customers"]) == len(EXAMPLES["get-customer"]) == 18


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-04-26T12:38:16Z", datetime(2023, 4, 26, 12, 38, 16, tzinfo=timezone.utc)),
        ("2022-07-03T01:27:00", datetime(2022, 7, 3, 1, 27)),
        (
            "2020-02-24T12:00:51.027Z",
            datetime(2020, 2, 24, 12, 0, 51, 27000, tzinfo=timezone.utc),
        ),
        ("0001-01-01T00:00:00", datetime(1, 1, 1)),
        (
            "2021-11-15T01:00:00-05:00",
            datetime(2021, 11, 15, 1, tzinfo=timezone(timedelta(hours=-5))),
        ),
        (
            "2023-01-01T00:00:00.1234567Z",
            datetime(2023, 1, 1, 0, 0, 0, 123456, tzinfo=timezone.utc),
        ),
    ],
)
def test_codat_datetime_forms_parse(text: str, expected: datetime) -> None:
    parsed = _converter.parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "2023-04-26T12:38:16Z",
        "2022-07-03T01:27:00",
        "2020-02-24T12:00:51.027Z",
        "0001-01-01T00:00:00",
        "2021-11-15T01:00:00-05:00",
        "2021-11-15T01:00:00.000001",
    ],
)
def test_codat_datetime_forms_are_written_back_unchanged(text: str) -> None:
    assert _converter.format_datetime(_converter.parse_datetime(text)) == text


def test_unlisted_enum_value_keeps_the_raw_string() -> None:
    customer = _converter.structure(
        {"status": "Dormant", "addresses": [{"type": "Registered"}]}, Customer
    )
    assert isinstance(customer.status, CustomerStatus)
    assert customer.status.value == "Dormant"
    assert customer.status == "Dormant"
    assert customer.addresses is not None
    assert isinstance(customer.addresses[0].type, AddressType)
    assert _converter.unstructure(customer) == {
        "status": "Dormant",
        "addresses": [{"type": "Registered"}],
    }


def test_listed_enum_values_are_the_members() -> None:
    customer = _converter.structure({"status": "Archived"}, Customer)
    assert customer.status is CustomerStatus.ARCHIVED


def test_unknown_fields_are_ignored() -> None:
    customer = _converter.structure(
        {"status": "Active", "id": "c1", "loyaltyTier": "gold", "metadata": {"new": 1}}, Customer
    )
    assert customer.id == "c1"
    assert customer.metadata is not None
    assert customer.metadata.is_deleted is None


def test_nulls_where_nullable_become_none_and_are_not_sent_back() -> None:
    body = {"status": "Active", "customerName": None, "addresses": None, "phone": None}
    customer = _converter.structure(body, Customer)
    assert customer.customer_name is None
    assert customer.addresses is None
    assert _converter.unstructure(customer) == {"status": "Active"}


def test_unstructure_uses_json_names_and_omits_unset_fields() -> None:
    customer = Customer(
        status=CustomerStatus.ACTIVE,
        customer_name="Acme",
        addresses=[Address(type=AddressType.BILLING, postal_code="EC1A 1BB")],
        modified_date=datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc),
    )
    assert json.loads(_converter.dumps(customer)) == {
        "status": "Active",
        "customerName": "Acme",
        "addresses": [{"type": "Billing", "postalCode": "EC1A 1BB"}],
        "modifiedDate": "2024-05-01T09:30:00Z",
    }


def test_links_self_maps_to_self_attribute() -> None:
    page = _converter.structure(
        {
            "pageNumber": 1,
            "pageSize": 10,
            "totalResults": 0,
            "_links": {"self": {"href": "/a"}, "current": {"href": "/b"}},
        },
        Customers,
    )
    assert page.links.self_.href == "/a"
    assert _converter.unstructure(page)["_links"]["self"] == {"href": "/a"}


def test_push_operation_inherits_required_fields() -> None:
    response = _converter.structure(
        {
            "companyId": "8a210b68-6988-11ed-a1eb-0242ac120002",
            "pushOperationKey": "1e0a37f6-7c0e-4bd2-8b3c-8b1ff2a9e5a0",
            "dataConnectionKey": "2e9d2c44-f675-40ba-8049-353bfcb5e171",
            "requestedOnUtc": "2024-01-01T00:00:00Z",
            "status": "Pending",
            "statusCode": 202,
            "data": {"status": "Active", "customerName": "Acme"},
        },
        UpdateCustomerResponse,
    )
    assert response.status is PushOperationStatus.PENDING
    assert response.data is not None
    assert response.data.customer_name == "Acme"


def test_wrong_shape_names_every_misfit_and_its_path() -> None:
    with pytest.raises(_converter.DecodeError) as caught:
        _converter.loads(
            b'{"results": [{"status": "Active", "addresses": [{"line1": 3}]}],'
            b' "pageNumber": "one"}',
            Customers,
        )
    message = str(caught.value)
    assert "Customers" in message
    assert "$.page_number" in message
    assert "$.results[0].addresses[0].type" in message


@pytest.mark.parametrize(
    "body", [b"", b"<html>502 Bad Gateway</html>", b'{"status": "Act', b"\xff"]
)
def test_bodies_that_are_not_json_raise_decode_error(body: bytes) -> None:
    with pytest.raises(_converter.DecodeError, match="not JSON"):
        _converter.loads(body, Customer)


def test_json_that_is_not_an_object_raises_decode_error() -> None:
    with pytest.raises(_converter.DecodeError, match="Customer"):
        _converter.loads(b"[1, 2]", Customer)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"status": "Active", "customerName": {"a": 1}}, "$.customer_name"),
        (
            {"status": "Active", "addresses": [{"type": "Billing", "city": ["x"]}]},
            "$.addresses[0].city",
        ),
        ({"status": "Active", "metadata": {"isDeleted": "no"}}, "$.metadata.is_deleted"),
        ({"status": "Active", "customerName": True}, "$.customer_name"),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_not_coerced(body: dict[str, Any], path: str) -> None:
    with pytest.raises(_converter.DecodeError, match=re.escape(path)):
        _converter.structure(body, Customer)


def test_wrong_types_in_required_fields_are_errors_too() -> None:
    with pytest.raises(_converter.DecodeError, match=re.escape("$.page_number")):
        _converter.structure(
            {
                "pageNumber": True,
                "pageSize": 1,
                "totalResults": 0,
                "_links": {"self": {}, "current": {}},
            },
            Customers,
        )


def test_a_numeric_id_is_accepted_as_its_string() -> None:
    assert _converter.structure({"status": "Active", "id": 7505}, Customer).id == "7505"


def _pickled(value: T) -> T:
    return pickle.loads(pickle.dumps(value))  # type: ignore[no-any-return]  # noqa: S301 - ours


async def test_an_unlisted_enum_value_survives_pickle_and_deepcopy_with_equality_and_hash() -> None:
    async def suspended(request: web.Request) -> web.Response:
        return web.json_response({"id": "c-1", "status": "Suspended"})

    async with (
        serve(suspended) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat,
    ):
        customer = await codat.customers.get_async(company_id="c", customer_id="c-1")
    status = customer.status
    assert isinstance(status, CustomerStatus)
    assert status not in list(CustomerStatus)
    for copied in (_pickled(customer).status, copy.deepcopy(customer).status):
        assert type(copied) is CustomerStatus
        assert copied == status == "Suspended"
        assert hash(copied) == hash(status) == hash("Suspended")
        assert {copied: 1}[status] == 1
    assert _pickled(customer) == customer


class Tier(str, enum.Enum):
    """An enum that does not live in ``models``."""

    GOLD = "Gold"


class Colour(enum.Enum):
    """A plain (not str) enum that does not live in ``models``."""

    RED = "Red"


@attrs.define
class Account:
    tier: Tier
    colour: Colour | None = None


def test_enums_outside_the_models_module_are_found_and_keep_unlisted_values() -> None:
    listed = _converter.structure({"tier": "Gold", "colour": "Red"}, Account)
    assert listed.tier is Tier.GOLD
    assert listed.colour is Colour.RED
    unlisted = _converter.structure({"tier": "Platinum"}, Account)
    assert isinstance(unlisted.tier, Tier)
    assert unlisted.tier == "Platinum"
    assert _pickled(unlisted.tier) == "Platinum"
    with pytest.raises(_converter.DecodeError, match=r"Colour \| None @ \$\.colour"):
        _converter.structure({"tier": "Gold", "colour": "Purple"}, Account)

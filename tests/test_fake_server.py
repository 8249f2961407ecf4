"""The fake Codat server itself: seeding, listing semantics and its own bookkeeping."""

from __future__ import annotations

import base64

import aiohttp
import pytest
from yarl import URL

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer

from .conftest import API_KEY, Company


async def test_seeded_customers_depend_on_the_company_id_alone() -> None:
    async with FakeCodatServer() as first, FakeCodatServer() as second:
        ids = [fake.add_company() for fake in (first, second)]
        for fake, company_id in zip((first, second), ids, strict=True):
            fake.add_customers(company_id, 30)
        other = second.add_company()
        second.add_customers(other, 30)
        assert ids[0] == ids[1]
        assert first.customers(ids[0]) == second.customers(ids[1])
        assert [c["customerName"] for c in second.customers(other)] != [
            c["customerName"] for c in second.customers(ids[1])
        ]


async def test_a_filtered_ordered_listing_sees_updates_and_added_customers(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    first = fake.customers(company.id)[0]
    archived = Customer(customer_name="Aaa first by name", status=CustomerStatus.ARCHIVED)
    await codat.customers.update_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer_id=first["id"],
        customer=archived,
    )
    (added,) = fake.add_customers(company.id, [{"customerName": "Zzz", "status": "Archived"}]) or []
    expected = sorted(
        (c for c in fake.customers(company.id) if c["status"] == "Archived"),
        key=lambda c: c["customerName"] or "",
        reverse=True,
    )
    page = await codat.customers.list_async(
        company_id=company.id, query="status=Archived", order_by="-customerName"
    )
    assert [c.id for c in page.items] == [c["id"] for c in expected]
    assert page.items[0].id == added
    assert page.items[-1].id == first["id"]


async def test_links_carry_the_query_percent_encoded(
    fake: FakeCodatServer, company: Company
) -> None:
    query = "status=Active && customerName!=A B"
    async with aiohttp.ClientSession() as session:
        response = await session.get(
            f"{fake.url}/companies/{company.id}/data/customers",
            params={"query": query, "pageSize": "2"},
            headers={"Authorization": "Basic " + base64.b64encode(API_KEY.encode()).decode()},
        )
        links = (await response.json())["_links"]
    for name in ("current", "next"):
        href = links[name]["href"]
        assert " " not in href
        assert "&&" not in href
        assert URL(href).query["query"] == query


@pytest.mark.parametrize(
    ("customer", "problem"),
    [
        ({"status": {}}, "customer.status must be one of"),
        ({"status": "Active", "defaultCurrency": {"a": 1}}, "customer.defaultCurrency must be a"),
        ({"status": "Active", "supplementalData": {"content": {"a": 1}}}, "object of objects"),
        ({"status": "Active", "contacts": [{"status": "Active", "phone": [{}]}]}, "phone[0].type"),
        ({"status": "Active", "sourceModifiedDate": "yesterday"}, "ISO 8601 date-time"),
        ([], "customer must be an object"),
    ],
)
async def test_a_push_that_breaks_codats_schema_is_a_400_naming_the_field(
    fake: FakeCodatServer, company: Company, customer: object, problem: str
) -> None:
    async with aiohttp.ClientSession() as session:
        response = await session.post(
            f"{fake.url}/companies/{company.id}/connections/{company.connection_id}/push/customers",
            json=customer,
            headers={"Authorization": "Basic " + base64.b64encode(API_KEY.encode()).decode()},
        )
        body = await response.json()
    assert response.status == 400
    assert problem in body["validation"]["errors"][0]["message"]


async def test_paths_and_methods_the_fake_does_not_serve_answer_codats_json_error(
    fake: FakeCodatServer, company: Company
) -> None:
    async with aiohttp.ClientSession() as session:
        empty_id = await session.get(f"{fake.url}/companies/{company.id}/data/customers/")
        wrong_method = await session.delete(f"{fake.url}/companies/{company.id}/push")
        assert empty_id.status == 404
        assert (await empty_id.json())["statusCode"] == 404
        assert wrong_method.status == 405
        assert wrong_method.headers["Allow"] == "GET"
        assert (await wrong_method.json())["statusCode"] == 405

"""The fake Codat server itself: seeding, listing semantics and its own bookkeeping."""

from __future__ import annotations

import base64
import sys
import threading
from collections.abc import Callable

import aiohttp
import pytest
from yarl import URL

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer, Fault, PushOutcome, _seed, serve_in_thread

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


# -- issue 24, cases 12-15: the fake refuses what it cannot serve, and never answers 500 ----------

GENERATED = 20_000
LISTINGS = 50
AUTH = {"Authorization": "Basic " + base64.b64encode(API_KEY.encode()).decode()}


async def test_seeding_from_another_thread_while_listings_run_never_breaks_them() -> None:
    with serve_in_thread(FakeCodatServer(api_key=API_KEY)) as fake:
        company_id = fake.add_company()
        fake.add_customers(company_id, GENERATED)
        seed = _seed.company_seed(company_id)
        stop = threading.Event()

        def change_one_customer_after_another() -> None:  # the store's dicts keep growing
            for index in range(GENERATED):
                if stop.is_set():
                    return
                changed = {"id": _seed.customer_id(seed, index), "status": "Archived"}
                fake.add_customers(company_id, [changed])

        # Switching threads every microsecond makes the listings meet the seeding thread.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        seeder = threading.Thread(target=change_one_customer_after_another)
        try:
            async with CodatSyncExpenses(
                api_key=API_KEY, base_url=fake.url, max_retries=0
            ) as codat:
                await codat.customers.list_async(company_id=company_id, query="status=Active")
                seeder.start()
                for _ in range(LISTINGS):
                    page = await codat.customers.list_async(
                        company_id=company_id, query="status=Active"
                    )
                    assert page.total_results > 0
        finally:
            stop.set()
            if seeder.is_alive():
                seeder.join()
            sys.setswitchinterval(interval)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Fault.delay(float("nan")), "seconds must be a finite number"),
        (lambda: Fault.delay(float("inf")), "seconds must be a finite number"),
        (lambda: Fault.delay(-1), "seconds must be a finite number"),
        (lambda: Fault.status(503, retry_after="1\r\nX-Evil: 1"), "retry_after must not contain"),
        (lambda: Fault.status(503, retry_after="1\n"), "retry_after must not contain"),
        (lambda: Fault.status(999), "code must be an HTTP status"),
        (lambda: PushOutcome.success(after_seconds=float("nan")), "after_seconds must be"),
        (lambda: PushOutcome.failed(after_polls=-1), "after_polls must be"),
    ],
)
def test_a_fault_or_outcome_the_fake_could_not_serve_is_refused_when_made(
    make: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (lambda fake, c: fake.add_customers(c, -5), "customers must be from 0 to 10,000,000"),
        (lambda fake, c: fake.add_customers(c, 10**22), "customers must be from 0"),
        (lambda fake, c: fake.inject("get-customer", Fault.hang(), times=10**14), "times must"),
        (lambda fake, c: fake.inject("get-customer", Fault.hang(), times=0), "times must"),
        (lambda fake, c: fake.settle_next_push(PushOutcome.success(), times=-1), "times must"),
        (
            lambda fake, c: fake.inject("get-customers", Fault.hang()),
            "operation must be one of list-customers, get-customer, .*; got 'get-customers'",
        ),
    ],
)
async def test_a_count_the_fake_could_not_serve_is_refused_naming_it(
    fake: FakeCodatServer,
    company: Company,
    seed: Callable[[FakeCodatServer, str], object],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        seed(fake, company.id)
    assert len(fake.customers(company.id)) == 25  # nothing was changed


DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"customerName": ' + b'{"a": ' * 100 + b"1" + b"}" * 100 + b', "status": "Active"}'


@pytest.mark.parametrize(
    "body", [DEEP, DEEP_OBJECT, b"\xff\xfe not utf-8"], ids=["deep", "deep-object", "latin"]
)
@pytest.mark.parametrize("method", ["POST", "PUT"])
async def test_a_hostile_push_body_is_codats_400_and_the_requests_stay_readable(
    fake: FakeCodatServer, company: Company, method: str, body: bytes
) -> None:
    push = f"{fake.url}/companies/{company.id}/connections/{company.connection_id}/push/customers"
    customer_id = fake.customers(company.id)[0]["id"]
    url = push if method == "POST" else f"{push}/{customer_id}"
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, data=body, headers=AUTH) as response:
            assert response.status == 400
            assert (await response.json())["statusCode"] == 400
        for _ in range(2):  # every read, not only the first
            async with session.get(f"{fake.url}/_fake/requests") as listed:
                assert listed.status == 200
                recorded = (await listed.json())["requests"]
    assert len(recorded) == 1
    assert recorded[0]["method"] == method
    if body.startswith(b"\xff"):
        assert recorded[0]["body"] == "\\xff\\xfe not utf-8"


async def test_a_company_added_again_under_its_id_starts_with_no_records(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    pushed = await codat.customers.create_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer=Customer(customer_name="Before", status=CustomerStatus.ACTIVE),
    )
    assert len(fake.customers(company.id)) == 26  # 25 seeded, and the one pushed
    assert len(fake.push_operations(company.id)) == 1
    fake.add_company(company.id)
    assert fake.customers(company.id) == []
    assert fake.push_operations(company.id) == []
    fake.add_customers(company.id, 3)  # generated ones may be seeded again
    assert len(fake.customers(company.id)) == 3
    with pytest.raises(errors.NotFoundError):  # the earlier company's push is not the new one's
        await codat.push_operations.get_async(
            company_id=company.id, push_operation_key=pushed.push_operation_key
        )


def test_a_fault_is_made_by_its_named_constructors_and_shows_as_made() -> None:
    with pytest.raises(TypeError, match="abstract"):
        Fault()  # type: ignore[abstract]
    unused = [Fault.status(503, retry_after=2), Fault.hang(after_processing=True), Fault.cut()]
    assert repr(unused) == (
        "[Fault.status(code=503, retry_after='2'), Fault.hang(after_processing=True), Fault.cut()]"
    )

"""Client construction, session lifecycle, argument checks and path encoding."""

from __future__ import annotations

import contextlib
import gc
import logging
import warnings
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer

from .conftest import API_KEY, Company, closed_port

# -- construction -----------------------------------------------------------------


def test_api_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODAT_API_KEY", API_KEY)
    assert "open" in repr(CodatSyncExpenses())


async def test_the_base_url_comes_from_the_environment_beside_the_key(
    monkeypatch: pytest.MonkeyPatch, fake: FakeCodatServer, company: Company
) -> None:
    monkeypatch.setenv("CODAT_API_KEY", API_KEY)
    monkeypatch.setenv("CODAT_BASE_URL", fake.url)
    async with CodatSyncExpenses() as codat:  # as an app configured by its environment
        page = await codat.customers.list_async(company_id=company.id)
    assert repr(codat) == f"<CodatSyncExpenses base_url={fake.url!r} closed>"
    assert len(fake.requests_for("list-customers")) == 1
    assert page.total_results == 25  # seed_company's customers: the fake answered


def test_an_explicit_base_url_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODAT_BASE_URL", "http://127.0.0.1:1")
    codat = CodatSyncExpenses(api_key=API_KEY, base_url="https://api.codat.io/")
    assert "https://api.codat.io" in repr(codat)
    monkeypatch.setenv("CODAT_BASE_URL", "http://user:pw@127.0.0.1:1")
    with pytest.raises(ValueError, match="must not contain a user or password"):
        CodatSyncExpenses(api_key=API_KEY)  # checked as an argument would be


def test_no_key_anywhere_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODAT_API_KEY", raising=False)
    with pytest.raises(ValueError, match="no Codat API key: pass api_key= or auth_header="):
        CodatSyncExpenses()


def test_both_key_forms_at_once_is_an_error() -> None:
    with pytest.raises(ValueError, match="not both"):
        CodatSyncExpenses(api_key=API_KEY, auth_header="Basic abc")


@pytest.mark.parametrize("header", ["abc", "Bearer abc", "Basic ", "basic abc"])
def test_auth_header_must_be_a_whole_basic_header(header: str) -> None:
    with pytest.raises(ValueError, match="whole header value"):
        CodatSyncExpenses(auth_header=header)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"api_key": ""}, ValueError, "api_key is empty"),
        ({"api_key": 42}, TypeError, "api_key must be a str"),
        ({"base_url": "ftp://api.codat.io"}, ValueError, "base_url must be an http"),
        ({"base_url": "https://api.codat.io?x=1"}, ValueError, "query or fragment"),
        ({"base_url": "https://api.codat.io#"}, ValueError, "query or fragment"),
        ({"base_url": "https://api.codat.io/?"}, ValueError, "query or fragment"),
        ({"base_url": "https://api.codat.io/ v1"}, ValueError, "whitespace or a control"),
        ({"base_url": "https://api.codat.io:99999"}, ValueError, "not a valid URL"),
        ({"base_url": "https://[::1"}, ValueError, "not a valid URL"),
        ({"timeout": 0}, ValueError, "timeout must be a positive number"),
        ({"connect_timeout": -1}, ValueError, "connect_timeout must be a positive"),
        ({"max_retries": -1}, ValueError, "max_retries must be from 0 to 1000"),
        ({"max_retries": True}, TypeError, "max_retries must be an int"),
        ({"max_retry_wait": -1}, ValueError, "max_retry_wait must be at least 0"),
        ({"timeout": float("nan")}, ValueError, "timeout must be a positive number"),
        ({"timeout": "60"}, TypeError, "timeout must be a number of seconds, not str"),
        ({"max_response_bytes": 0}, ValueError, "max_response_bytes must be from 1 to "),
        ({"session": object()}, TypeError, "session must be an aiohttp.ClientSession"),
    ],
)
def test_bad_configuration_is_refused_at_construction(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    kwargs.setdefault("api_key", API_KEY)
    with pytest.raises(error, match=message):
        CodatSyncExpenses(**kwargs)


def test_repr_shows_the_base_url_only() -> None:
    codat = CodatSyncExpenses(api_key=API_KEY, base_url="https://api.codat.io/")
    assert repr(codat) == "<CodatSyncExpenses base_url='https://api.codat.io' open>"


# -- session lifecycle ------------------------------------------------------------


async def test_owned_session_is_closed_on_exit(fake: FakeCodatServer, company: Company) -> None:
    codat = CodatSyncExpenses(api_key=API_KEY, base_url=fake.url)
    async with codat:
        await codat.customers.list_async(company_id=company.id)
    assert "closed" in repr(codat)
    with pytest.raises(errors.ClientClosedError, match="client is closed"):
        await codat.customers.list_async(company_id=company.id)
    assert len(fake.requests) == 1
    await codat.aclose()  # idempotent


async def test_borrowed_session_is_used_and_left_open(
    fake: FakeCodatServer, company: Company
) -> None:
    async with aiohttp.ClientSession() as session:
        async with CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, session=session) as c:
            await c.customers.list_async(company_id=company.id)
        assert not session.closed
        async with session.get(f"{fake.url}/companies/x/data/customers") as response:
            assert response.status == 401


async def test_a_borrowed_session_closed_by_its_owner_is_a_clear_error(
    fake: FakeCodatServer, company: Company
) -> None:
    session = aiohttp.ClientSession()
    codat = CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, session=session)
    await session.close()
    with pytest.raises(errors.ClientClosedError, match="session given to CodatSyncExpenses"):
        await codat.customers.list_async(company_id=company.id)
    await codat.aclose()


async def test_no_unclosed_session_warning_even_when_requests_fail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="asyncio")
    url = f"http://127.0.0.1:{closed_port()}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0) as codat:
            with pytest.raises(errors.APIConnectionError):
                await codat.customers.get_async(company_id="co", customer_id="c")
        del codat
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert "Unclosed" not in caplog.text


async def test_client_made_outside_a_loop_works_inside_one(
    fake: FakeCodatServer, company: Company
) -> None:
    codat = CodatSyncExpenses(api_key=API_KEY, base_url=fake.url)  # no session made yet
    async with codat:
        page = await codat.customers.list_async(company_id=company.id, page_size=5)
    assert len(page) == 5


# -- arguments are checked before anything is sent ----------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        ({"company_id": ""}, ValueError, "company_id must be a non-empty id"),
        ({"company_id": "  "}, ValueError, "company_id must be a non-empty id"),
        ({"company_id": None}, TypeError, "company_id must be a str, not NoneType"),
        ({"page": 0}, ValueError, "page must be from 1 to 2147483647, got 0"),
        ({"page": 2**31}, ValueError, "page must be from 1 to 2147483647, got 2147483648"),
        ({"page": "2"}, TypeError, "page must be an int, not str"),
        ({"page_size": 0}, ValueError, "page_size must be from 1 to 5000, got 0"),
        ({"page_size": 5001}, ValueError, "page_size must be from 1 to 5000, got 5001"),
        ({"page_size": True}, TypeError, "page_size must be an int, not bool"),
        ({"query": 5}, TypeError, "query must be a str"),
        ({"order_by": b"x"}, TypeError, "order_by must be a str"),
        ({"prefetch": 1}, TypeError, "prefetch must be a bool, not int"),
        ({"timeout": 0}, ValueError, "timeout must be a positive number"),
        ({"max_retries": -1}, ValueError, "max_retries must be from 0 to 1000"),
    ],
)
async def test_bad_list_arguments_raise_before_sending(
    fake: FakeCodatServer,
    company: Company,
    codat: CodatSyncExpenses,
    call: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    arguments: dict[str, Any] = {"company_id": company.id, **call}
    with pytest.raises(error, match=message):
        codat.customers.list_async(**arguments)  # raises at the call, not at the first await
    assert fake.requests == []


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        ({"customer": {"status": "Active"}}, TypeError, "customer must be a Customer, not dict"),
        ({"connection_id": ""}, ValueError, "connection_id must be a non-empty id"),
        ({"customer_id": 7}, TypeError, "customer_id must be a str, not int"),
        ({"force_update": "yes"}, TypeError, "force_update must be a bool"),
        ({"timeout_in_minutes": 0}, ValueError, "timeout_in_minutes must be from 1 to 2147483647"),
        ({"timeout_in_minutes": 2**31}, ValueError, "timeout_in_minutes must be from 1 to"),
        ({"allow_sync_on_push_complete": 1}, TypeError, "must be a bool, not int"),
    ],
)
async def test_bad_update_arguments_raise_before_sending(
    fake: FakeCodatServer,
    company: Company,
    codat: CodatSyncExpenses,
    call: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    arguments: dict[str, Any] = {
        "company_id": company.id,
        "connection_id": company.connection_id,
        "customer_id": "c-1",
        "customer": Customer(status=CustomerStatus.ACTIVE),
        **call,
    }
    with pytest.raises(error, match=message):
        await codat.customers.update_async(**arguments)
    assert fake.requests == []


# -- every id stays one path segment ----------------------------------------------

HOSTILE_IDS = [
    "../x",
    "..",
    ".",
    "a/b",
    "%2F",
    "a%2Fb",
    "?q=1",
    "#frag",
    "a b",
    "é/ü",
    "x;y=z",
    "\u202e",
    "k" * 2000,
]


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
async def test_hostile_customer_id_is_one_encoded_segment(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, hostile: str
) -> None:
    with pytest.raises(errors.NotFoundError, match="not found"):
        await codat.customers.get_async(company_id=company.id, customer_id=hostile)
    (sent,) = fake.requests
    assert sent.operation == "get-customer"
    assert sent.path_params == {"companyId": company.id, "customerId": hostile}
    assert sent.query == {}
    segments = sent.raw_path.split("/")
    assert segments[:5] == ["", "companies", company.id, "data", "customers"]
    assert len(segments) == 6
    assert "/" not in segments[5]
    assert "?" not in segments[5]
    assert "#" not in segments[5]


@pytest.mark.parametrize("hostile", ["../../other", "a/connections/b", "x?page=9"])
async def test_hostile_company_id_cannot_reach_another_route(
    fake: FakeCodatServer, codat: CodatSyncExpenses, hostile: str
) -> None:
    with pytest.raises(errors.NotFoundError):
        await codat.customers.list_async(company_id=hostile)
    (sent,) = fake.requests
    assert sent.operation == "list-customers"
    assert sent.path_params == {"companyId": hostile}
    assert sent.raw_path == f"/companies/{quote(hostile, safe='')}/data/customers"


@pytest.mark.parametrize(
    "hostile", ["status=Active&&page=9", "a&pageSize=1", "x#y", "+ %20 %", "name=\u00e9\u00fc"]
)
async def test_hostile_query_values_arrive_intact(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, hostile: str
) -> None:
    # The query language reads an && in a value as its own: the fake (as Codat) refuses
    # the unknown field that follows. What matters here is what arrived.
    refused = (
        contextlib.nullcontext()
        if "&&" not in hostile
        else pytest.raises(errors.BadRequestError, match="has no field 'page'")
    )
    with refused:
        await codat.customers.list_async(
            company_id=company.id, query=f"customerName!={hostile}", order_by=hostile, page_size=7
        )
    (sent,) = fake.requests
    assert sent.query == {
        "page": "1",
        "pageSize": "7",
        "query": f"customerName!={hostile}",
        "orderBy": hostile,
    }

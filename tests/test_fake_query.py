"""The fake reads Codat's query language: every operator, grouping, and a 400 for the rest.

A reference filter written here in plain Python, from the records' JSON, checks
the fake's answers on random queries (Hypothesis); every query the fake cannot
read is a 400 naming the problem, never a silent empty page.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.testing import FakeCodatServer, serve_in_thread

from .conftest import API_KEY, Company

SINCE = "2023-06-01T00:00:00Z"


def _when(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


async def _ids(codat: CodatSyncExpenses, company: str, query: str) -> list[str]:
    return [c.id or "" async for c in codat.customers.list_async(company_id=company, query=query)]


async def test_modified_since_returns_exactly_the_customers_changed_since(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.add_customers(company.id, 475)  # 500 in all
    expected = [
        c["id"] for c in fake.customers(company.id) if _when(c["modifiedDate"]) >= _when(SINCE)
    ]
    assert 0 < len(expected) < 500  # the seed spreads dates on both sides of SINCE
    assert await _ids(codat, company.id, f"modifiedDate>={SINCE}") == expected
    strictly_after = await _ids(codat, company.id, f"modifiedDate>{SINCE}")
    assert set(strictly_after) <= set(expected)
    # A date alone is midnight UTC, as Codat's date forms allow.
    assert await _ids(codat, company.id, "modifiedDate>=2023-06-01") == expected


async def test_every_operator_grouping_and_a_dotted_field(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    records = fake.customers(company.id)
    first = records[0]
    name = first["customerName"]

    def where(test: Callable[[dict[str, Any]], bool]) -> list[str]:
        return [c["id"] for c in records if test(c)]

    cases = {
        f"customerName={name}": where(lambda c: c["customerName"] == name),
        f"customerName!={name}": where(lambda c: c["customerName"] != name),
        f"customerName~{name[1:4].upper()}": where(
            lambda c: name[1:4].casefold() in (c["customerName"] or "").casefold()
        ),
        "status=Active||status=Archived": where(lambda c: c["status"] in ("Active", "Archived")),
        f"{{status=Active||status=Archived}}&&modifiedDate<{SINCE}": where(
            lambda c: (
                c["status"] in ("Active", "Archived") and _when(c["modifiedDate"]) < _when(SINCE)
            )
        ),
        f"modifiedDate<={first['modifiedDate']}": where(
            lambda c: _when(c["modifiedDate"]) <= _when(first["modifiedDate"])
        ),
        "metadata.isDeleted=true": where(
            lambda c: (c.get("metadata") or {}).get("isDeleted") is True
        ),
    }
    for query, expected in cases.items():
        assert await _ids(codat, company.id, query) == expected, query
    assert any(cases.values())


REFUSED = {
    "an unknown field": ("colour=Red", "Customer has no field 'colour'"),
    "an array": ("addresses=x", "addresses is an array; arrays cannot be queried"),
    "an object as a whole": ("metadata=x", "metadata is an object"),
    "an order on text": ("customerName>Acme", "compares numbers and dates only"),
    "contains on a date": ("modifiedDate~2024", "~ (contains) is for text only"),
    "a date that is not one": ("modifiedDate>yesterday", "'yesterday' is not one"),
    "null": ("customerName=null", "cannot match null"),
    "no value": ("status=", "status= has no value"),
    "no operator": ("status", "expected an operator after 'status'"),
    "an unclosed brace": ("{status=Active", "is never closed"),
    "a stray brace": ("status=Active}", "unexpected '}'"),
    "a bool that is not one": ("metadata.isDeleted=maybe", "true or false"),
    "too long": ("customerName=" + "x" * 2040, "at most 2048"),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_a_query_the_fake_cannot_read_is_a_400_naming_the_problem(
    case: str, company: Company, codat: CodatSyncExpenses
) -> None:
    query, problem = REFUSED[case]
    with pytest.raises(errors.BadRequestError) as caught:
        await codat.customers.list_async(company_id=company.id, query=query)
    assert problem in str(caught.value)
    assert "Error parsing query" in str(caught.value)


async def test_push_operations_are_queried_by_their_own_fields(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    with pytest.raises(errors.BadRequestError, match="PushOperation has no field 'customerName'"):
        await codat.push_operations.list_async(company_id=company.id, query="customerName=x")
    page = await codat.push_operations.list_async(company_id=company.id, query="statusCode>=200")
    assert page.total_results == len(fake.push_operations(company.id))


async def test_a_page_holds_at_most_2000_whatever_page_size_asks(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.add_customers(company.id, 4_475)  # 4,500 in all
    first = await codat.customers.list_async(company_id=company.id, page_size=4_999)
    assert (first.page_size, len(first)) == (2_000, 2_000)  # as PagingInfo.pageSize caps it
    walked = [
        c.id async for c in codat.customers.list_async(company_id=company.id, page_size=4_999)
    ]
    assert walked == [c["id"] for c in fake.customers(company.id)]
    assert [r.query["page"] for r in fake.requests_for("list-customers")][1:] == ["1", "2", "3"]


async def test_a_pushed_date_without_a_time_is_accepted() -> None:
    # Codat's date forms allow 2022-10-23; the fake used to refuse it as not a date-time.
    with serve_in_thread(FakeCodatServer(api_key=API_KEY)) as fake:
        company_id = fake.add_company()
        connection_id = fake.add_connection(company_id)
        auth = "Basic " + base64.b64encode(API_KEY.encode()).decode()
        async with aiohttp.ClientSession() as session:
            answer = await session.post(
                f"{fake.url}/companies/{company_id}/connections/{connection_id}/push/customers",
                json={
                    "status": "Active",
                    "contacts": [{"status": "Active", "modifiedDate": "2022-10-23"}],
                },
                headers={"Authorization": auth},
            )
            body = await answer.json()
    assert answer.status == 200
    assert body["status"] == "Pending"


# -- random queries against a reference filter -----------------------------------

_TEXT_FIELDS = ("customerName", "defaultCurrency", "status")
_VALUES = st.sampled_from(["Active", "Archived", "GBP", "USD", "Ltd", "a", "Acme"])
_DATES = st.sampled_from(["2022-01-01", "2023-06-01T00:00:00Z", "2024-03-15T12:30:00+01:00"])


def _clause() -> st.SearchStrategy[tuple[str, Callable[[dict[str, Any]], bool]]]:
    def text(field: str, op: str, value: str) -> tuple[str, Callable[[dict[str, Any]], bool]]:
        def test(c: dict[str, Any]) -> bool:
            have = c.get(field)
            if not isinstance(have, str):
                return op == "!="
            return {
                "=": have == value,
                "!=": have != value,
                "~": value.casefold() in have.casefold(),
            }[op]

        return f"{field}{op}{value}", test

    def date(op: str, value: str) -> tuple[str, Callable[[dict[str, Any]], bool]]:
        def test(c: dict[str, Any]) -> bool:
            have, want = _when(c["modifiedDate"]), _when(value)
            return {">": have > want, "<": have < want, ">=": have >= want, "<=": have <= want}[op]

        return f"modifiedDate{op}{value}", test

    return st.one_of(
        st.builds(text, st.sampled_from(_TEXT_FIELDS), st.sampled_from(["=", "!=", "~"]), _VALUES),
        st.builds(date, st.sampled_from([">", "<", ">=", "<="]), _DATES),
    )


def _query() -> st.SearchStrategy[tuple[str, Callable[[dict[str, Any]], bool]]]:
    def every(parts: list[tuple[str, Any]]) -> tuple[str, Callable[[dict[str, Any]], bool]]:
        return "&&".join(q for q, _ in parts), lambda c: all(t(c) for _, t in parts)

    def either(parts: list[tuple[str, Any]]) -> tuple[str, Callable[[dict[str, Any]], bool]]:
        return "{" + "||".join(q for q, _ in parts) + "}", lambda c: any(t(c) for _, t in parts)

    return st.recursive(
        _clause(),
        lambda inner: st.one_of(
            st.builds(every, st.lists(inner, min_size=2, max_size=3)),
            st.builds(either, st.lists(inner, min_size=2, max_size=3)),
        ),
        max_leaves=6,
    )


@pytest.fixture(scope="module")
def seeded() -> Any:
    with serve_in_thread(FakeCodatServer()) as fake:
        company_id = fake.add_company()
        fake.add_customers(company_id, 300)
        yield fake, company_id


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=_query())
def test_random_queries_answer_as_a_reference_filter(
    seeded: Any, query: tuple[str, Callable[[dict[str, Any]], bool]]
) -> None:
    fake, company_id = seeded
    text, test = query
    expected = [c["id"] for c in fake.customers(company_id) if test(c)]
    codat = CodatSyncExpenses(api_key="k", base_url=fake.url)
    page = codat.customers.list(company_id=company_id, query=text, page_size=1000)
    assert [c.id for c in page.items] == expected, text
    codat.close()

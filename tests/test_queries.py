"""Typed queries render Codat's query language, refuse what it cannot say, and filter the fake."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.models import CustomerStatus, PushOperationStatus
from codat_sync_expenses.queries import customers, push_operations
from codat_sync_expenses.testing import FakeCodatServer

from .conftest import Company

SINCE = datetime(2023, 6, 1, tzinfo=timezone.utc)


def test_conditions_render_codats_query_language() -> None:
    active = customers.status == CustomerStatus.ACTIVE
    assert str((customers.modified_date >= SINCE) & active) == (
        "modifiedDate>=2023-06-01T00:00:00Z&&status=Active"
    )
    # A group joined by the other operator is braced, so the query means the same
    # whichever of && and || binds tighter; a group joined by its own is not.
    either = (customers.customer_name == "Acme Ltd") | customers.tax_number.contains("GB")
    assert str(either & active) == "{customerName=Acme Ltd||taxNumber~GB}&&status=Active"
    assert str(active | (either & active)) == (
        "status=Active||{{customerName=Acme Ltd||taxNumber~GB}&&status=Active}"
    )
    assert str(either | active) == "customerName=Acme Ltd||taxNumber~GB||status=Active"
    assert str(customers.metadata.is_deleted != True) == "metadata.isDeleted!=true"  # noqa: E712
    assert str(push_operations.status_code < 300) == "statusCode<300"
    assert str(push_operations.status == PushOperationStatus.TIMED_OUT) == "status=TimedOut"


def test_dates_are_written_in_utc_and_a_date_alone_as_a_date() -> None:
    paris = timezone(timedelta(hours=2))
    assert str(customers.modified_date > datetime(2024, 3, 1, 14, tzinfo=paris)) == (
        "modifiedDate>2024-03-01T12:00:00Z"
    )
    assert str(customers.modified_date > datetime(2024, 3, 1, 0, 0, 0, 250, timezone.utc)) == (
        "modifiedDate>2024-03-01T00:00:00.000250Z"
    )
    assert str(customers.modified_date <= date(2024, 3, 1)) == "modifiedDate<=2024-03-01"


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: customers.modified_date >= datetime(2024, 1, 1), ValueError, "aware datetime"),
        (lambda: customers.customer_name == "A && B", ValueError, "cannot be written"),
        (lambda: customers.customer_name == "{x}", ValueError, "cannot be written"),
        (lambda: customers.customer_name == " ", ValueError, "empty value"),
        (lambda: customers.status == "Active", TypeError, "enum member"),
        (lambda: push_operations.status_code == "400", TypeError, "a number"),
        (lambda: push_operations.status_code > float("nan"), ValueError, "not a number"),
        (lambda: customers.metadata.is_deleted == 1, TypeError, "a bool"),
        (lambda: (customers.phone == "1") & "phone=2", TypeError, "a Condition"),  # type: ignore[operator]
    ],
)
def test_a_value_codat_cannot_be_asked_about_is_refused_by_name(
    build: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        build()


def test_and_or_between_conditions_is_refused_rather_than_dropping_one() -> None:
    with pytest.raises(TypeError, match=r"combine conditions with & and \|"):
        _ = (customers.phone == "1") and (customers.phone == "2")


async def test_a_modified_since_walk_with_a_typed_query_matches_the_string_one(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.add_customers(company.id, 275)
    typed = (customers.modified_date >= SINCE) & (customers.status != CustomerStatus.ARCHIVED)
    walked = [c.id async for c in codat.customers.list_async(company_id=company.id, query=typed)]
    by_hand = "modifiedDate>=2023-06-01T00:00:00Z&&status!=Archived"
    expected = [
        c.id async for c in codat.customers.list_async(company_id=company.id, query=by_hand)
    ]
    assert walked == expected
    assert 0 < len(walked) < 300
    assert fake.requests_for("list-customers")[0].query["query"] == by_hand

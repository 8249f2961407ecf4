"""What mypy must accept and refuse in a typed query: the model's fields, its types' operators."""

from __future__ import annotations

from datetime import date, datetime, timezone

from typing_extensions import assert_type

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.models import CustomerStatus, PushOperationStatus
from codat_sync_expenses.queries import customers, push_operations
from codat_sync_expenses.query import Condition


async def accepted(codat: CodatSyncExpenses) -> None:
    since = datetime(2024, 1, 31, tzinfo=timezone.utc)
    query = (customers.modified_date >= since) & (customers.status == CustomerStatus.ACTIVE)
    assert_type(query, Condition)
    assert_type(customers.customer_name.contains("Acme") | (customers.tax_number != "x"), Condition)
    assert_type(customers.metadata.is_deleted == False, Condition)  # noqa: E712
    assert_type(push_operations.status_code >= 400, Condition)
    assert_type(push_operations.completed_on_utc < date(2024, 1, 1), Condition)
    await codat.customers.list_async(company_id="c", query=query)
    failed = push_operations.status == PushOperationStatus.FAILED
    codat.push_operations.list(company_id="c", query=failed)


def refused() -> None:
    # `==` with a value of the wrong type is refused when it runs (mypy lets any
    # `==` through: it falls back to the right operand's __eq__).
    _ = customers.colour == "red"  # type: ignore[attr-defined]
    _ = customers.customer_name > "Acme"  # type: ignore[operator]
    _ = customers.modified_date >= "2024-01-31"  # type: ignore[operator]
    _ = customers.status.contains("Act")  # type: ignore[attr-defined]
    _ = customers.addresses  # type: ignore[attr-defined]  # an array: not filterable
    _ = push_operations.status_code.contains("4")  # type: ignore[attr-defined]

"""What mypy must infer for blocking code's calls: the twins type as their async methods do."""

from __future__ import annotations

from typing_extensions import assert_type

from codat_sync_expenses import BlockingPage, CodatSyncExpenses
from codat_sync_expenses.models import (
    CreateCustomerResponse,
    Customer,
    PushOperation,
    UpdateCustomerResponse,
)


def every_twin(codat: CodatSyncExpenses, customer: Customer) -> None:
    page = codat.customers.list(company_id="c", page_size=500, query="status=Active")
    assert_type(page, BlockingPage[Customer])
    assert_type(page.items[0], Customer)
    assert_type(page.next_page(), BlockingPage[Customer])
    for item in page:
        assert_type(item, Customer)
    for each_page in page.pages():
        assert_type(each_page, BlockingPage[Customer])

    assert_type(codat.customers.get(company_id="c", customer_id="x"), Customer)
    created = codat.customers.create(company_id="c", connection_id="k", customer=customer)
    assert_type(created, CreateCustomerResponse)
    updated = codat.customers.update(
        company_id="c", connection_id="k", customer_id="x", customer=customer
    )
    assert_type(updated, UpdateCustomerResponse)

    assert_type(codat.push_operations.wait(created), CreateCustomerResponse)
    assert_type(codat.push_operations.wait(company_id="c", push_operation_key="p"), PushOperation)
    assert_type(codat.push_operations.get(company_id="c", push_operation_key="p"), PushOperation)
    for operation in codat.push_operations.list(company_id="c", query="status=Failed"):
        assert_type(operation, PushOperation)
    codat.close()


def mistakes_mypy_catches(codat: CodatSyncExpenses, customer: Customer) -> None:
    codat.customers.get("c", "x")  # type: ignore[call-arg]
    codat.customers.get(company_id="c", customerId="x")  # type: ignore[call-arg]
    codat.customers.create(company_id="c", connection_id="k", customer={"a": 1})  # type: ignore[arg-type]
    codat.push_operations.wait("c", "p")  # type: ignore[call-overload]

"""What mypy must infer for users' code. `assert_type` fails the typecheck session when an
inferred type is wrong or Any; each `type: ignore` must be needed (warn_unused_ignores)."""

from __future__ import annotations

from typing_extensions import assert_type

from codat_sync_expenses import AsyncPaginator, CodatSyncExpenses, Page, errors, serialization
from codat_sync_expenses.limits import CompanyLimiter, LocalCompanyLimiter
from codat_sync_expenses.models import (
    CreateCustomerResponse,
    Customer,
    CustomerStatus,
    PushOperation,
    UpdateCustomerResponse,
)


async def every_call(codat: CodatSyncExpenses, customer: Customer) -> None:
    listing = codat.customers.list_async(company_id="c", page_size=500, query="status=Active")
    assert_type(listing, AsyncPaginator[Customer])

    async for item in codat.customers.list_async(company_id="c"):
        assert_type(item, Customer)
        assert_type(item.status, CustomerStatus)

    page = await codat.customers.list_async(company_id="c")
    assert_type(page, Page[Customer])
    assert_type(page.items[0], Customer)
    assert_type(await page.next_page(), Page[Customer])
    for on_page in page:
        assert_type(on_page, Customer)

    async for each_page in codat.customers.list_async(company_id="c").pages():
        assert_type(each_page, Page[Customer])

    assert_type(await codat.customers.get_async(company_id="c", customer_id="x"), Customer)
    created = await codat.customers.create_async(
        company_id="c", connection_id="k", customer=customer
    )
    assert_type(created, CreateCustomerResponse)
    updated = await codat.customers.update_async(
        company_id="c", connection_id="k", customer_id="x", customer=customer
    )
    assert_type(updated, UpdateCustomerResponse)

    assert_type(await codat.push_operations.wait_async(created), CreateCustomerResponse)
    assert_type(await codat.push_operations.wait_async(updated), UpdateCustomerResponse)
    assert_type(
        await codat.push_operations.wait_async(company_id="c", push_operation_key="p"),
        PushOperation,
    )
    assert_type(
        await codat.push_operations.get_async(company_id="c", push_operation_key="p"),
        PushOperation,
    )
    async for operation in codat.push_operations.list_async(company_id="c", query="status=Failed"):
        assert_type(operation, PushOperation)


async def mistakes_mypy_catches(codat: CodatSyncExpenses, customer: Customer) -> None:
    await codat.customers.get_async("c", "x")  # type: ignore[call-arg]
    await codat.customers.get_async(company_id="c", customerId="x")  # type: ignore[call-arg]
    await codat.customers.create_async(company_id="c", connection_id="k", customer={"a": 1})  # type: ignore[arg-type]
    Customer(status="Active")  # type: ignore[arg-type]
    Customer(customer_name="no status")  # type: ignore[call-arg]
    await codat.push_operations.wait_async("c", "p")  # type: ignore[call-overload]


def error_fields(error: errors.APIStatusError) -> None:
    assert_type(error.status_code, int)
    assert_type(error.correlation_id, str | None)
    assert_type(error.page, int | None)


def push_errors(
    failed: errors.PushOperationFailedError, waited: errors.PushWaitTimeoutError
) -> None:
    assert_type(failed.push_operation, PushOperation)
    assert_type(waited.push_operation, PushOperation)


def json_and_limits(customer: Customer, body: bytes) -> None:
    assert_type(serialization.from_json(body, Customer), Customer)
    assert_type(serialization.from_dict(serialization.to_dict(customer), Customer), Customer)
    assert_type(serialization.to_json(customer), bytes)
    limiter: CompanyLimiter = LocalCompanyLimiter(max_in_flight=5)
    CodatSyncExpenses(company_limit=limiter, max_connections=20)
    CodatSyncExpenses(company_limit=None)

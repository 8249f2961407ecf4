"""The SDK end to end against its embedded fake Codat server: no API key, no network.

Run with ``nox -s demo`` (or ``python examples/demo.py`` where the package is installed).
"""

from __future__ import annotations

import asyncio

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.models import Address, AddressType, Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer, PushOutcome


async def main() -> None:
    """Create and wait, get, list every page, and update a customer, printing each step."""
    # Like Codat, the fake answers each push Pending; by default the first poll sees Success.
    async with FakeCodatServer() as fake:
        company_id = fake.add_company()
        connection_id = fake.add_connection(company_id)
        fake.add_customers(company_id, 1_234)
        print(f"Fake Codat at {fake.url}: company {company_id} with 1,234 customers\n")

        async with CodatSyncExpenses(api_key="demo-key", base_url=fake.url) as codat:
            created = await codat.customers.create_async(
                company_id=company_id,
                connection_id=connection_id,
                customer=Customer(
                    status=CustomerStatus.ACTIVE,
                    customer_name="Harbour Lumen Ltd",
                    default_currency="GBP",
                    addresses=[Address(type=AddressType.BILLING, city="London")],
                ),
            )
            assert created.data is not None
            assert created.data.id is not None
            customer_id = created.data.id
            print(f"create: push {created.push_operation_key} is {created.status.value}")
            print(f"        new customer id {customer_id}")
            try:
                await codat.customers.get_async(company_id=company_id, customer_id=customer_id)
            except errors.NotFoundError:
                print("        not in the company's data yet: the push is still Pending")
            done = await codat.push_operations.wait_async(created)
            polls = len(fake.requests_for("get-push-operation"))
            print(f"wait:   {done.status.value} on poll {polls}, at {done.completed_on_utc}")

            customer = await codat.customers.get_async(
                company_id=company_id, customer_id=customer_id
            )
            print(f"get:    {customer.customer_name!r}, {customer.status.value}, ", end="")
            print(f"modified {customer.modified_date:%Y-%m-%d %H:%M} UTC\n")

            print("list:   every page of 500, lazily")
            statuses: dict[str, int] = {}
            async for page in codat.customers.list_async(
                company_id=company_id, page_size=500
            ).pages():
                for each in page:
                    statuses[each.status.value] = statuses.get(each.status.value, 0) + 1
                print(
                    f"        page {page.page_number}: {len(page)} customers "
                    f"(of {page.total_results}), more: {page.has_next_page()}"
                )
            print(f"        by status: {dict(sorted(statuses.items()))}\n")

            fake.settle_next_push(PushOutcome.failed("Tax number is not valid.", after_polls=1))
            rejected = await codat.customers.update_async(
                company_id=company_id,
                connection_id=connection_id,
                customer_id=customer_id,
                customer=Customer(status=CustomerStatus.ACTIVE, tax_number="GB-nope"),
            )
            try:
                await codat.push_operations.wait_async(rejected)
            except errors.PushOperationFailedError as exc:
                print(f"update: {type(exc).__name__}: {exc}")

            updated = await codat.customers.update_async(
                company_id=company_id,
                connection_id=connection_id,
                customer_id=customer_id,
                customer=Customer(status=CustomerStatus.ARCHIVED, customer_name="Harbour Lumen"),
            )
            print(f"update: push {updated.push_operation_key} is {updated.status.value}")
            settled = await codat.push_operations.wait_async(updated)
            print(f"wait:   {settled.status.value}")
            again = await codat.customers.get_async(company_id=company_id, customer_id=customer_id)
            print(f"get:    now {again.customer_name!r}, {again.status.value}\n")

            try:
                await codat.customers.get_async(company_id=company_id, customer_id="no-such-id")
            except errors.NotFoundError as exc:
                print(f"errors: {type(exc).__name__} {exc.status_code}, {exc.error!r},")
                print(f"        correlation id {exc.correlation_id}")


if __name__ == "__main__":
    asyncio.run(main())

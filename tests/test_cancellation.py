"""What cancelling a push means: once sent it may still land; while queued for a slot, nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.limits import LocalCompanyLimiter
from codat_sync_expenses.models import Customer, CustomerStatus
from codat_sync_expenses.testing import FakeCodatServer, Fault

from .conftest import API_KEY, Company

NEW = Customer(status=CustomerStatus.ACTIVE, customer_name="Cancelled Ltd")


def _create(codat: CodatSyncExpenses, company: Company) -> asyncio.Task[object]:
    return asyncio.create_task(
        codat.customers.create_async(
            company_id=company.id, connection_id=company.connection_id, customer=NEW
        )
    )


async def test_a_push_cancelled_after_it_was_sent_can_still_land(
    fake: FakeCodatServer, company: Company
) -> None:
    fake.inject("create-customer", Fault.hang(after_processing=True))
    async with CodatSyncExpenses(api_key=API_KEY, base_url=fake.url) as codat:
        push = _create(codat, company)
        await fake.wait_for_requests(1)
        push.cancel()
        with pytest.raises(asyncio.CancelledError):
            await push
    assert [c["customerName"] for c in fake.customers(company.id)][-1] == "Cancelled Ltd"


class _Watched(LocalCompanyLimiter):
    """A limiter of one slot that says when a second request starts waiting for it."""

    def __init__(self) -> None:
        super().__init__(max_in_flight=1)
        self.queued = asyncio.Event()

    def slot(self, company_id: str, *, timeout: float | None) -> AbstractAsyncContextManager[None]:
        return self._watched(company_id, timeout)

    @asynccontextmanager
    async def _watched(self, company_id: str, timeout: float | None) -> AsyncIterator[None]:
        if self.in_flight(company_id):
            self.queued.set()
        async with super().slot(company_id, timeout=timeout):
            yield


async def test_a_push_cancelled_while_waiting_for_a_slot_is_never_sent(
    fake: FakeCodatServer, company: Company
) -> None:
    fake.inject("create-customer", Fault.hang())
    limiter = _Watched()
    async with CodatSyncExpenses(
        api_key=API_KEY, base_url=fake.url, company_limit=limiter
    ) as codat:
        holding = _create(codat, company)
        await fake.wait_for_requests(1)
        queued = _create(codat, company)
        await limiter.queued.wait()
        queued.cancel()
        holding.cancel()
        for task in (queued, holding):
            with pytest.raises(asyncio.CancelledError):
                await task
    assert len(fake.requests_for("create-customer")) == 1
    assert limiter.in_flight(company.id) == 0

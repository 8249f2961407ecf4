"""Push operations: get, list, and wait_async through every way a push can end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.models import (
    CreateCustomerResponse,
    Customer,
    CustomerStatus,
    PushOperation,
    PushOperationStatus,
)
from codat_sync_expenses.testing import FakeCodatServer, Fault, PushOutcome, VirtualClock

from .conftest import API_KEY, Company, serve


@pytest.fixture
async def fake() -> AsyncIterator[FakeCodatServer]:
    # The fake's default: every push answers Pending and succeeds on the first poll.
    async with FakeCodatServer(api_key=API_KEY) as server:
        yield server


@pytest.fixture
async def retrying(fake: FakeCodatServer) -> AsyncIterator[CodatSyncExpenses]:
    async with CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, max_retries=3) as client:
        yield client


async def _create(
    codat: CodatSyncExpenses, company: Company, name: str = "Acme Ltd", **options: Any
) -> CreateCustomerResponse:
    return await codat.customers.create_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer=Customer(customer_name=name, status=CustomerStatus.ACTIVE),
        **options,
    )


async def test_a_push_is_pending_and_its_customer_appears_only_once_it_succeeds(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    created = await _create(codat, company)
    assert created.status is PushOperationStatus.PENDING
    assert created.completed_on_utc is None
    customer_id = created.data.id if created.data else None
    assert customer_id is not None
    assert fake.customer(company.id, customer_id) is None
    with pytest.raises(errors.NotFoundError):
        await codat.customers.get_async(company_id=company.id, customer_id=customer_id)

    done = await codat.push_operations.wait_async(created)

    assert done.status is PushOperationStatus.SUCCESS
    assert done.push_operation_key == created.push_operation_key
    assert done.completed_on_utc is not None
    # What it was given, settled: the create answer with the pushed record kept.
    assert type(done) is CreateCustomerResponse
    assert done.data == created.data
    got = await codat.customers.get_async(company_id=company.id, customer_id=customer_id)
    assert got.customer_name == "Acme Ltd"
    assert len(clock.sleeps) == 1  # one pause, then the poll that saw Success
    assert len(fake.requests_for("get-push-operation")) == 1


async def test_wait_by_company_id_and_key(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.success(after_polls=3))
    created = await _create(codat, company)
    done = await codat.push_operations.wait_async(
        company_id=company.id, push_operation_key=created.push_operation_key
    )
    assert done.status is PushOperationStatus.SUCCESS
    assert type(done) is PushOperation  # keys in, a push operation out: no data to keep
    assert len(fake.requests_for("get-push-operation")) == 3
    assert len(clock.sleeps) == 2  # the first poll is immediate when no state was given


async def test_a_failed_push_raises_with_its_error_message_and_validation(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.failed("Name already in use.", after_polls=2))
    created = await _create(codat, company)
    with pytest.raises(errors.PushOperationFailedError) as caught:
        await codat.push_operations.wait_async(created)
    error = caught.value
    assert isinstance(error, errors.PushOperationError)
    assert error.push_operation.status is PushOperationStatus.FAILED
    assert error.push_operation.push_operation_key == created.push_operation_key
    assert isinstance(error.push_operation, CreateCustomerResponse)  # the last state seen,
    assert error.push_operation.data == created.data  # as what wait_async was given
    message = str(error)
    assert created.push_operation_key in message
    assert "ended Failed" in message
    assert "Push failed validation in the accounting software." in message
    assert "Name already in use." in message
    assert fake.customers(company.id)[-1]["customerName"] != "Acme Ltd"


async def test_a_timed_out_push_raises_its_own_error(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.timed_out(after_polls=1))
    created = await _create(codat, company)
    with pytest.raises(errors.PushOperationTimedOutError, match="ended TimedOut") as caught:
        await codat.push_operations.wait_async(created)
    assert caught.value.push_operation.status is PushOperationStatus.TIMED_OUT
    assert not isinstance(caught.value, errors.PushOperationFailedError)


async def test_an_immediately_settled_push_is_returned_without_polling(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.success())
    created = await _create(codat, company)
    assert created.status is PushOperationStatus.SUCCESS
    assert await codat.push_operations.wait_async(created) is created
    assert fake.requests_for("get-push-operation") == []
    assert clock.sleeps == []


async def test_an_immediately_failed_push_raises_without_polling(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.settle_next_push(PushOutcome.failed())
    created = await _create(codat, company)
    with pytest.raises(errors.PushOperationFailedError, match="rejected it"):
        await codat.push_operations.wait_async(created)
    assert fake.requests_for("get-push-operation") == []


async def test_an_update_takes_effect_only_when_its_push_succeeds(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    target = fake.customers(company.id)[0]
    renamed = Customer(customer_name="Renamed Ltd", status=CustomerStatus.ACTIVE)
    fake.settle_next_push(PushOutcome.failed(after_polls=1))
    failed = await codat.customers.update_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer_id=target["id"],
        customer=renamed,
    )
    with pytest.raises(errors.PushOperationFailedError):
        await codat.push_operations.wait_async(failed)
    assert fake.customer(company.id, target["id"]) == target

    pushed = await codat.customers.update_async(
        company_id=company.id,
        connection_id=company.connection_id,
        customer_id=target["id"],
        customer=renamed,
    )
    await codat.push_operations.wait_async(pushed)
    got = await codat.customers.get_async(company_id=company.id, customer_id=target["id"])
    assert got.customer_name == "Renamed Ltd"


async def test_an_unlisted_status_is_not_terminal(clock: VirtualClock) -> None:
    statuses = iter(["Processing", "Processing", "Success"])
    seen: list[str] = []

    async def codat_with_a_new_status(request: web.Request) -> web.Response:
        status = next(statuses)
        seen.append(status)
        return web.json_response(_push_operation_json(status))

    async with (
        serve(codat_with_a_new_status) as url,
        CodatSyncExpenses(api_key=API_KEY, base_url=url) as codat,
    ):
        done = await codat.push_operations.wait_async(
            company_id="c", push_operation_key="k", max_wait=600
        )
    assert done.status is PushOperationStatus.SUCCESS
    assert seen == ["Processing", "Processing", "Success"]


async def test_the_wait_deadline_raises_a_typed_error_saying_the_push_may_still_complete(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.success(after_polls=1_000_000))
    created = await _create(codat, company)
    with pytest.raises(errors.PushWaitTimeoutError, match="may still complete") as caught:
        await codat.push_operations.wait_async(created, max_wait=120)
    assert not isinstance(caught.value, errors.PushOperationError)
    assert caught.value.push_operation.status is PushOperationStatus.PENDING
    assert sum(clock.sleeps) == pytest.approx(120)
    assert clock.now == pytest.approx(120)


async def test_the_default_deadline_follows_the_push_timeout(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.success(after_polls=1_000_000))
    created = await _create(codat, company, timeout_in_minutes=2)
    assert created.timeout_in_minutes == 2
    with pytest.raises(errors.PushWaitTimeoutError):
        await codat.push_operations.wait_async(created)
    assert clock.now == pytest.approx(2 * 60 + 60)  # the push's timeout and a grace minute


async def test_without_a_push_timeout_the_default_deadline_is_15_minutes(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.success(after_polls=1_000_000))
    created = await _create(codat, company)
    assert created.timeout_in_minutes is None
    with pytest.raises(errors.PushWaitTimeoutError, match="after waiting 900s"):
        await codat.push_operations.wait_async(created)
    assert clock.now == pytest.approx(15 * 60)


async def test_polls_back_off_exponentially_with_jitter_up_to_a_cap(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.success(after_polls=12))
    await codat.push_operations.wait_async(await _create(codat, company), max_wait=3600)
    assert len(clock.sleeps) == 12
    for attempt, pause in enumerate(clock.sleeps):
        step = min(30.0, 2.0**attempt)
        assert step / 2 <= pause <= step
    assert max(clock.sleeps) > 15  # the cap is reached, not exceeded
    assert len(set(clock.sleeps)) == 12  # jittered


async def test_transient_errors_while_polling_are_retried_like_any_get(
    fake: FakeCodatServer, company: Company, retrying: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.success(after_polls=2))
    created = await _create(retrying, company)
    fake.inject("get-push-operation", Fault.status(503, retry_after=2))
    fake.inject("get-push-operation", Fault.reset())
    done = await retrying.push_operations.wait_async(created)
    assert done.status is PushOperationStatus.SUCCESS
    assert len(fake.requests_for("get-push-operation")) == 4  # 2 faults + 2 answers
    assert 2.0 in clock.sleeps


async def test_a_poll_that_keeps_failing_raises_its_own_error(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    created = await _create(codat, company)
    fake.inject("get-push-operation", Fault.status(500))
    with pytest.raises(errors.InternalServerError):
        await codat.push_operations.wait_async(created)


async def test_cancelling_a_wait_mid_poll_leaves_nothing_running(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    created = await _create(codat, company)
    fake.inject("get-push-operation", Fault.hang())
    before = asyncio.all_tasks()
    waiting = asyncio.create_task(codat.push_operations.wait_async(created))
    await asyncio.wait_for(fake.wait_for_requests(2), timeout=5)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert asyncio.all_tasks() - before <= _fake_tasks()
    # The client stays usable, and nothing polls on behind the caller's back.
    assert (
        await codat.push_operations.get_async(
            company_id=company.id, push_operation_key=created.push_operation_key
        )
    ).status is PushOperationStatus.SUCCESS
    assert len(fake.requests_for("get-push-operation")) == 2


async def test_cancelling_a_wait_between_polls_leaves_nothing_running(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    # The real clock: the wait sleeps at least half a second before its first poll.
    fake.settle_next_push(PushOutcome.success(after_polls=5))
    created = await _create(codat, company)
    before = asyncio.all_tasks()
    waiting = asyncio.create_task(codat.push_operations.wait_async(created))
    for _ in range(5):
        await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert asyncio.all_tasks() - before <= _fake_tasks()
    assert fake.requests_for("get-push-operation") == []


async def test_get_and_list_push_operations(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses, clock: VirtualClock
) -> None:
    fake.settle_next_push(PushOutcome.failed(), times=2)
    failed = [await _create(codat, company, f"Failed {i}") for i in range(2)]
    succeeded = await _create(codat, company, "Fine")
    await codat.push_operations.wait_async(succeeded)

    got = await codat.push_operations.get_async(
        company_id=company.id, push_operation_key=failed[0].push_operation_key
    )
    assert got.status is PushOperationStatus.FAILED
    assert got.validation is not None
    assert got.validation.errors

    listed = [
        op.push_operation_key
        async for op in codat.push_operations.list_async(
            company_id=company.id, query="status=Failed", page_size=1
        )
    ]
    assert listed == [op.push_operation_key for op in failed]
    page = await codat.push_operations.list_async(company_id=company.id, order_by="-status")
    assert [op.status for op in page.items] == sorted(
        (op.status for op in page.items), key=str, reverse=True
    )
    assert page.total_results == 3


async def test_an_unknown_push_operation_is_not_found(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    with pytest.raises(errors.NotFoundError, match="Push operation nope not found"):
        await codat.push_operations.get_async(company_id=company.id, push_operation_key="nope")


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({}, TypeError, "pass a push operation, or both"),
        ({"company_id": "c"}, TypeError, "pass a push operation, or both"),
        ({"push_operation": "key"}, TypeError, "push_operation must be a PushOperation"),
        ({"push_operation_key": "", "company_id": "c"}, ValueError, "non-empty id"),
        ({"company_id": "c", "push_operation_key": "k", "max_wait": 0}, ValueError, "max_wait"),
        ({"company_id": "c", "push_operation_key": "k", "timeout": 0}, ValueError, "timeout"),
    ],
)
async def test_bad_wait_arguments_raise_before_sending(
    fake: FakeCodatServer,
    codat: CodatSyncExpenses,
    arguments: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        await codat.push_operations.wait_async(**arguments)
    assert fake.requests == []


async def test_a_push_operation_and_a_key_together_are_refused(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    created = await _create(codat, company)
    with pytest.raises(TypeError, match="not both"):
        await codat.push_operations.wait_async(created, push_operation_key="k")  # type: ignore[call-overload]


async def test_a_push_outcome_that_was_never_used_fails_the_fake() -> None:
    fake = FakeCodatServer()
    await fake.start()
    fake.settle_next_push(PushOutcome.timed_out())
    with pytest.raises(AssertionError, match="never used"):
        await fake.stop()


async def test_a_time_based_outcome_stays_pending_until_its_time(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.settle_next_push(PushOutcome.success(after_polls=1, after_seconds=3600))
    created = await _create(codat, company)
    for _ in range(3):
        got = await codat.push_operations.get_async(
            company_id=company.id, push_operation_key=created.push_operation_key
        )
        assert got.status is PushOperationStatus.PENDING


def _fake_tasks() -> set[asyncio.Task[Any]]:
    """Tasks of the fake server's own connections (aiohttp's request handlers)."""
    return {
        task
        for task in asyncio.all_tasks()
        if "aiohttp" in getattr(getattr(task.get_coro(), "cr_code", None), "co_filename", "")
    }


def _push_operation_json(status: str) -> dict[str, Any]:
    return {
        "companyId": "c",
        "pushOperationKey": "k",
        "dataConnectionKey": "d",
        "requestedOnUtc": "2026-01-01T00:00:00Z",
        "status": status,
        "statusCode": 202,
    }

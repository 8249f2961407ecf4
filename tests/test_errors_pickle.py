"""Every SDK error pickles and copies with its fields, so it crosses a process pool."""

from __future__ import annotations

import concurrent.futures
import copy
import multiprocessing
import pickle
from typing import Any

import pytest

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.models import PushOperation, PushOperationStatus
from codat_sync_expenses.testing import FakeCodatServer, Fault

from .conftest import Company, closed_port

PUSH = PushOperation(
    company_id="c",
    push_operation_key="k",
    data_connection_key="d",
    requested_on_utc="2024-01-01T00:00:00Z",  # type: ignore[arg-type]
    status=PushOperationStatus.FAILED,
    status_code=400,
)


def _every_error() -> list[errors.CodatError]:
    """One instance of every error class, made as the SDK makes it."""
    made: list[errors.CodatError] = [
        errors.APIConnectionError("refused", method="GET", path="/p", request_sent=False),
        errors.APITimeoutError("slow", method="POST", path="/p", request_sent=True),
        errors.PoolTimeoutError("no slot", method="GET", path="/p"),
        errors.ResponseDecodeError("bad", method="GET", path="/p", status_code=200, body="x"),
        errors.ResponseTooLargeError("big", method="GET", path="/p", status_code=200, body=""),
        errors.PaginationError("wrong page"),
        errors.ClientClosedError("closed"),
        errors.EventLoopError("other loop"),
        errors.PushOperationFailedError("failed", push_operation=PUSH),
        errors.PushOperationTimedOutError("timed out", push_operation=PUSH),
        errors.PushWaitTimeoutError("still pending", push_operation=PUSH),
        errors.RedirectError(
            "moved", method="GET", path="/p", status_code=302, body="", error_message=None
        ),
    ]
    made += [
        cls("status", method="GET", path="/p", status_code=code, body="b", error_message=None)
        for code, cls in errors.STATUS_ERRORS.items()
    ]
    return made


def _fields(error: BaseException) -> dict[str, Any]:
    return {"type": type(error), "str": str(error), "args": error.args, **vars(error)}


@pytest.mark.parametrize("error", _every_error(), ids=lambda e: type(e).__name__)
def test_every_error_pickles_and_copies_with_its_fields(error: errors.CodatError) -> None:
    error.page = 3
    twins = [pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)]  # noqa: S301
    for twin in twins:
        assert _fields(twin) == _fields(error)
        assert "(while fetching page 3)" in str(twin)


async def test_a_real_status_error_keeps_codats_fields_and_headers_through_pickle(
    fake: FakeCodatServer, company: Company, codat: CodatSyncExpenses
) -> None:
    fake.inject("get-customer", Fault.status(429, retry_after=7))
    with pytest.raises(errors.TooManyRequestsError) as caught:
        await codat.customers.get_async(company_id=company.id, customer_id="c")
    twin = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - ours
    assert _fields(twin) == _fields(caught.value)
    assert twin.retry_after == 7
    assert twin.headers["Retry-After"] == "7"
    assert twin.error_message is not None
    assert twin.error_message.correlation_id == twin.correlation_id


def _raise(error: BaseException) -> None:
    raise error


async def test_an_error_raised_in_a_process_pool_worker_comes_back_whole() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    async with CodatSyncExpenses(api_key="k", base_url=url, max_retries=0) as codat:
        with pytest.raises(errors.APIConnectionError) as caught:
            await codat.customers.get_async(company_id="c", customer_id="x")
    sent = [caught.value, *_every_error()]
    context = multiprocessing.get_context("spawn")  # no fork of a threaded test process
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        futures = [pool.submit(_raise, error) for error in sent]
        returned = [future.exception(timeout=60) for future in futures]
    for original, back in zip(sent, returned, strict=True):
        assert back is not None
        assert _fields(back) == _fields(original)

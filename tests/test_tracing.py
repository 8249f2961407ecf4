"""Seeing every request: an aiohttp TraceConfig on the session you pass, and the SDK's logger."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import aiohttp
import pytest

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.testing import FakeCodatServer, Fault, VirtualClock

from .conftest import API_KEY, Company


async def test_a_trace_config_sees_every_request_and_every_retry(
    fake: FakeCodatServer, company: Company, clock: VirtualClock
) -> None:
    seen: list[str] = []

    async def on_request_end(
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        seen.append(f"{params.method} {params.url.path} {params.response.status}")

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(on_request_end)
    fake.inject("list-customers", Fault.status(503), times=2)
    async with (
        aiohttp.ClientSession(trace_configs=[trace]) as session,
        CodatSyncExpenses(api_key=API_KEY, base_url=fake.url, session=session) as codat,
    ):
        await codat.customers.list_async(company_id=company.id)
    path = f"/companies/{company.id}/data/customers"
    assert seen == [f"GET {path} 503", f"GET {path} 503", f"GET {path} 200"]


async def test_the_logger_says_each_retry_at_info_and_each_attempt_at_debug(
    fake: FakeCodatServer, company: Company, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    fake.inject("list-customers", Fault.status(503))
    caplog.set_level(logging.DEBUG, logger="codat_sync_expenses")
    async with CodatSyncExpenses(api_key=API_KEY, base_url=fake.url) as codat:
        await codat.customers.list_async(company_id=company.id)
    path = f"/companies/{company.id}/data/customers"
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert info == [f"GET {path}: retrying after 503, attempt 2, wait {clock.sleeps[0]:.3f}s"]
    assert [line.split(" in ")[0] for line in debug] == [f"GET {path} -> 503", f"GET {path} -> 200"]
    assert {r.levelno for r in caplog.records} <= {logging.DEBUG, logging.INFO}
    assert API_KEY not in caplog.text

"""At most N requests in flight per company: Codat's documented limit is 10.

Codat answers 429 to an eleventh concurrent request for one company, so the
client waits for a slot instead of sending it. ``CompanyLimiter`` is the shape
any backend takes (``LocalCompanyLimiter`` counts in this process; a shared one
can count across processes); the client holds one slot per HTTP attempt, never
across a retry's wait.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol, runtime_checkable

from . import _params as check
from .errors import PoolTimeoutError

__all__ = ["CODAT_MAX_IN_FLIGHT", "CompanyLimiter", "LocalCompanyLimiter"]

CODAT_MAX_IN_FLIGHT = 10
"""Concurrent requests Codat allows per active connected company."""


@runtime_checkable
class CompanyLimiter(Protocol):
    """At most N requests in flight per company id."""

    def slot(self, company_id: str, *, timeout: float | None) -> AbstractAsyncContextManager[None]:
        """Hold one of the company's slots for one HTTP attempt.

        Entering waits for a free slot; it raises ``errors.PoolTimeoutError``
        (``request_sent=False``) when ``timeout`` seconds run out first, and
        leaves no slot taken when it is cancelled.
        """
        ...

    async def aclose(self) -> None:
        """Release what the limiter holds (connections, ...); the client calls it only
        on a limiter it made itself."""
        ...


class LocalCompanyLimiter:
    """The in-process ``CompanyLimiter``: counts this process's requests per company.

    Slots are handed out first come, first served. It serves one event loop at
    a time (any loop, so it outlives a test's loop) and is not thread-safe.
    Companies with nothing in flight take no memory.
    """

    def __init__(self, max_in_flight: int = CODAT_MAX_IN_FLIGHT) -> None:
        check.integer("max_in_flight", max_in_flight, minimum=1)
        self.max_in_flight = max_in_flight
        self._companies: dict[str, _Company] = {}

    def __repr__(self) -> str:
        return f"LocalCompanyLimiter(max_in_flight={self.max_in_flight})"

    def in_flight(self, company_id: str) -> int:
        """How many of the company's slots are held now."""
        company = self._companies.get(company_id)
        return 0 if company is None else company.in_flight

    def slot(self, company_id: str, *, timeout: float | None) -> AbstractAsyncContextManager[None]:
        """Hold one of the company's slots for one HTTP attempt (see ``CompanyLimiter``)."""
        return _Slot(self, company_id, timeout)

    async def aclose(self) -> None:
        """Nothing to release: the counts live in memory."""

    async def _acquire(self, company_id: str, timeout: float | None) -> None:
        company = self._companies.get(company_id)
        if company is None:
            company = self._companies[company_id] = _Company()
        if company.in_flight < self.max_in_flight:
            company.in_flight += 1
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        company.waiters.append(waiter)
        expiry = None if timeout is None else loop.call_later(timeout, _expire, waiter)
        try:
            await waiter  # a releasing request hands its slot over by resolving this
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(company_id)  # handed over just as we were cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    company.waiters.remove(waiter)
                if self._companies.get(company_id) is company and not (
                    company.in_flight or company.waiters
                ):
                    del self._companies[company_id]
            if isinstance(exc, _SlotWaitExpiredError):
                raise PoolTimeoutError(
                    f"waited {timeout:g} s for one of company {company_id}'s "
                    f"{self.max_in_flight} request slots; the request was not sent"
                ) from None
            raise
        finally:
            if expiry is not None:
                expiry.cancel()

    def _release(self, company_id: str) -> None:
        company = self._companies[company_id]
        while company.waiters:
            waiter = company.waiters.popleft()
            if not waiter.done() and not waiter.get_loop().is_closed():
                waiter.set_result(None)  # the slot passes straight to the next waiter
                return
        company.in_flight -= 1
        if not company.in_flight:
            del self._companies[company_id]


class _Company:
    __slots__ = ("in_flight", "waiters")

    def __init__(self) -> None:
        self.in_flight = 0
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()


class _Slot:
    """One attempt's hold on a slot, as an async context manager."""

    __slots__ = ("_company_id", "_limiter", "_timeout")

    def __init__(self, limiter: LocalCompanyLimiter, company_id: str, timeout: float | None):
        self._limiter = limiter
        self._company_id = company_id
        self._timeout = timeout

    async def __aenter__(self) -> None:
        await self._limiter._acquire(self._company_id, self._timeout)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._limiter._release(self._company_id)


class _SlotWaitExpiredError(Exception):
    """Set on a waiter whose timeout ran out."""


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(_SlotWaitExpiredError())

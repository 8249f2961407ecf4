"""At most N requests in flight per company: Codat's documented limit is 10.

Codat answers 429 to an eleventh concurrent request for one company, so the
client waits for a slot instead of sending it. ``CompanyLimiter`` is the shape
any backend takes (``LocalCompanyLimiter`` counts in this process; a shared one
can count across processes); the client holds one slot per HTTP attempt, never
across a retry's wait. A waiter stops waiting while the request still has time to run
(``longest_wait``): a slot that came free at the deadline would only send a request that
times out on the client while Codat still works on it.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol, runtime_checkable

from . import _params as check
from ._constants import MIN_REQUEST_TIME
from ._slots import Slots
from .errors import PoolTimeoutError

__all__ = ["CODAT_MAX_IN_FLIGHT", "CompanyLimiter", "LocalCompanyLimiter", "longest_wait"]

CODAT_MAX_IN_FLIGHT = 10
"""Concurrent requests Codat allows per active connected company."""


def longest_wait(timeout: float) -> float:
    """Seconds of an attempt's ``timeout`` that may go to waiting for a slot.

    The rest, ``MIN_REQUEST_TIME`` (half the timeout when that is shorter), is the request's.
    """
    return timeout - min(MIN_REQUEST_TIME, timeout / 2)


def slot_timeout(
    company_id: str, max_in_flight: int, timeout: float, where: str = ""
) -> PoolTimeoutError:
    """The error of a slot that came too late for the request, or never."""
    return PoolTimeoutError(
        f"waited for one of company {company_id}'s {max_in_flight} request slots{where} "
        f"until too little of the {timeout:g} s timeout was left for the request; "
        "the request was not sent"
    )


@runtime_checkable
class CompanyLimiter(Protocol):
    """At most N requests in flight per company id."""

    def slot(self, company_id: str, *, timeout: float | None) -> AbstractAsyncContextManager[None]:
        """Hold one of the company's slots for one HTTP attempt.

        Entering waits for a free slot; it raises ``errors.PoolTimeoutError``
        (``request_sent=False``) when no slot comes free with time left for the
        request (``longest_wait(timeout)``), and leaves no slot taken when it is
        cancelled.
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
        self._companies: dict[str, Slots] = {}

    def __repr__(self) -> str:
        return f"LocalCompanyLimiter(max_in_flight={self.max_in_flight})"

    def in_flight(self, company_id: str) -> int:
        """How many of the company's slots are held now."""
        slots = self._companies.get(company_id)
        return 0 if slots is None else slots.in_use

    def slot(self, company_id: str, *, timeout: float | None) -> AbstractAsyncContextManager[None]:
        """Hold one of the company's slots for one HTTP attempt (see ``CompanyLimiter``)."""
        return _LocalSlot(self, company_id, timeout)

    async def aclose(self) -> None:
        """Nothing to release: the counts live in memory."""

    def _take_now(self, company_id: str) -> bool:
        slots = self._companies.get(company_id)
        if slots is None:
            slots = self._companies[company_id] = Slots(self.max_in_flight)
        return slots.take_now()

    async def _wait(self, company_id: str, timeout: float | None) -> None:
        slots = self._companies[company_id]
        try:
            taken = await slots.take(None if timeout is None else longest_wait(timeout))
        finally:
            self._forget_if_idle(company_id, slots)
        if not taken:
            assert timeout is not None  # only a wait with a timeout gives up
            raise slot_timeout(company_id, self.max_in_flight, timeout)

    def _release(self, company_id: str) -> None:
        slots = self._companies[company_id]
        slots.give_back()
        self._forget_if_idle(company_id, slots)

    def _forget_if_idle(self, company_id: str, slots: Slots) -> None:
        if slots.idle and self._companies.get(company_id) is slots:
            del self._companies[company_id]


class _LocalSlot:
    """One attempt's hold on a slot, as an async context manager."""

    __slots__ = ("_company_id", "_limiter", "_timeout")

    def __init__(self, limiter: LocalCompanyLimiter, company_id: str, timeout: float | None):
        self._limiter = limiter
        self._company_id = company_id
        self._timeout = timeout

    async def __aenter__(self) -> None:
        # A free slot is taken with no await: only a wait costs a coroutine and a Future.
        if not self._limiter._take_now(self._company_id):
            await self._limiter._wait(self._company_id, self._timeout)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._limiter._release(self._company_id)

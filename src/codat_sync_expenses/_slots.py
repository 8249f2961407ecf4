"""Slots handed out first come, first served: the transport's queue for a connection
and ``LocalCompanyLimiter``'s per company.

A free slot is taken without awaiting anything (``take_now``), so the common
case costs no coroutine, Future or timer; only a wait (``take``) does.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib


class Slots:
    """At most ``size`` holders at once; the others wait in order, each up to its timeout.

    It serves one event loop at a time and is not thread-safe.
    """

    __slots__ = ("_waiters", "in_use", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.in_use = 0
        # Made on the first wait: most Slots never see one.
        self._waiters: collections.deque[asyncio.Future[None]] | None = None

    @property
    def idle(self) -> bool:
        """Nothing held and nobody waiting."""
        return not (self.in_use or self._waiters)

    def take_now(self) -> bool:
        """Take a slot if one is free; False when the caller must ``take()`` and wait."""
        # A released slot goes straight to the first waiter, so one is free only
        # when nobody waits: taking it jumps no queue.
        if self.in_use < self.size:
            self.in_use += 1
            return True
        return False

    async def take(self, timeout: float | None) -> bool:
        """Wait in line for a slot; False when ``timeout`` seconds ran out first.

        Cancelled, it leaves no slot taken.
        """
        if self.take_now():
            return True
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        if self._waiters is None:
            self._waiters = collections.deque()
        self._waiters.append(waiter)
        expiry = None if timeout is None else loop.call_later(timeout, _expire, waiter)
        try:
            await waiter  # a releasing holder hands its slot over by resolving this
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.give_back()  # handed over just as we were cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            if isinstance(exc, _ExpiredError):
                return False
            raise
        finally:
            if expiry is not None:
                expiry.cancel()
        return True

    def give_back(self) -> None:
        """Release a slot: to the first waiter still waiting, or back to the free ones."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done() and not waiter.get_loop().is_closed():
                waiter.set_result(None)  # the slot passes straight to the next waiter
                return
        self.in_use -= 1


class _ExpiredError(Exception):
    """Set on a waiter whose timeout ran out."""


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(_ExpiredError())

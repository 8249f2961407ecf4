"""The Redis limiter while Redis cannot be reached: each process keeps to its share of
the budget, one task pings Redis until it answers, and the releases that could not be
sent meanwhile are handed back to be sent then. The share comes from check-ins: each
worker holding slots counts itself in, and learns how many there are."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import redis.asyncio as redis

from ._redis_calls import CHECK_IN, UNREACHABLE, Keys, bounded
from .limits import LocalCompanyLimiter

logger = logging.getLogger("codat_sync_expenses")


class Outage:
    """Whether Redis is out, and what this process does until it is back."""

    def __init__(
        self,
        client: redis.Redis,
        max_in_flight: int,
        *,
        timeout: float,
        retry_after: float,
        on_back: Callable[[], None],
        worker: str,
        workers_key: str,
        lease_ms: int,
    ) -> None:
        self._redis = client
        self._check_in = client.register_script(CHECK_IN)
        self._worker = worker
        self._workers_key = workers_key
        self._lease_ms = lease_ms
        self._on_back = on_back
        self._max_in_flight = max_in_flight
        self._timeout = timeout
        self._retry_after = retry_after
        self.unreachable = False
        self.local = LocalCompanyLimiter(max_in_flight)
        """The limit this process keeps to while Redis is out."""
        self.workers = 1
        """Workers that held slots within the last lease, this one included (check-ins)."""
        self.unsent: dict[str, Keys] = {}
        """Releases that could not reach Redis, by token: sent again once it answers."""
        self._probe: asyncio.Future[None] | None = None

    async def check_in(self) -> None:
        """Count this worker among those holding slots, and learn how many there are."""
        with contextlib.suppress(*UNREACHABLE):  # the renewals note it
            answer = self._check_in([self._workers_key], [self._worker, self._lease_ms])
            self.workers = int(await bounded(answer, self._timeout))

    def begin(self, exc: BaseException, *, probe: bool) -> None:
        """Redis was found unreachable: limit this process to its share, and (with
        ``probe``) ping Redis in the background until it answers."""
        if self.unreachable:
            return
        self.unreachable = True
        # Each process takes its share of the budget, so that together they keep to it.
        share = max(1, self._max_in_flight // self.workers)
        if share != self.local.max_in_flight:
            self.local = LocalCompanyLimiter(share)
        logger.warning(
            "Redis is unreachable (%s): this process now limits itself to %d requests "
            "in flight per company, its share of %d among the %d processes seen, "
            "until it is back",
            str(exc) or type(exc).__name__,
            share,
            self._max_in_flight,
            self.workers,
        )
        if probe:
            self._probe = asyncio.ensure_future(self._probe_until_back())

    def end(self) -> dict[str, Keys]:
        """Redis answered: share the limit again; returns the releases to send now."""
        if not self.unreachable:
            return {}
        self.unreachable = False
        if self._probe is not None and self._probe is not asyncio.current_task():
            self._probe.cancel()  # another command answered first
        self._probe = None
        logger.info("Redis is reachable again: the per-company limit is shared again")
        unsent, self.unsent = self.unsent, {}
        return unsent

    async def aclose(self) -> None:
        """Stop probing, and close the local limiter."""
        if self._probe is not None:
            self._probe.cancel()
            await asyncio.gather(self._probe, return_exceptions=True)
        await self.local.aclose()

    async def _probe_until_back(self) -> None:
        """Ask Redis for a PONG every ``retry_after`` seconds until it answers.

        In a task of its own: no caller waits on a Redis that may still be frozen.
        """
        while True:
            await asyncio.sleep(self._retry_after)
            with contextlib.suppress(*UNREACHABLE):
                await bounded(self._redis.ping(), self._timeout)
                break
        self._on_back()

"""A per-company concurrency limit shared by every worker process through Redis.

``RedisCompanyLimiter`` is a ``limits.CompanyLimiter``: at most ``max_in_flight``
requests per company are in flight across every process that uses the same Redis
and ``key_prefix``. It needs the ``redis`` extra (redis-py's asyncio client), and
uses only redis-py's public API: scripts, pub/sub and the connection pool.

Per company, sorted sets hold the slots and the queue; each change is one Lua script
(``_redis_calls``). A lease lapses unless renewed, so a killed worker's slots come
back. Grants are published on each waiter's channel (``_redis_grants``); a waiter
also asks every ``redis_timeout`` (or third of ``lease``), so it notices a frozen Redis.

An uncontended slot costs one round trip: the acquire. The release never delays the
call: it waits for the end of the event loop's turn, and when the same process asks
for a slot of the same company before then, one script releases and acquires;
otherwise it runs in a task of its own, and ``aclose()`` waits for it.

Times come from Redis's ``TIME``, so the workers' clocks need not agree. While Redis
cannot be reached, each process keeps to its share of the budget (``_redis_outage``;
the workers check in with their renewals, so each knows how many there are).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import Coroutine
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any

try:
    from redis.commands.core import AsyncScript
    from redis.exceptions import RedisError
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "RedisCompanyLimiter needs redis-py: pip install 'codat-sync-expenses[redis]'"
    ) from exc

from . import _params as check
from . import _redis_calls as calls
from ._constants import REDIS_LEASE, REDIS_RETRY_AFTER, REDIS_TIMEOUT
from ._redis_calls import UNREACHABLE, Keys, RedisUnreachableError
from ._redis_grants import GrantListener
from ._redis_outage import Outage
from .limits import CODAT_MAX_IN_FLIGHT, longest_wait, slot_timeout

__all__ = ["DEFAULT_LEASE", "DEFAULT_REDIS_TIMEOUT", "RedisCompanyLimiter"]

logger = logging.getLogger("codat_sync_expenses")

DEFAULT_LEASE = REDIS_LEASE
"""Seconds a slot outlives a worker that stopped renewing it (killed, frozen, cut off)."""
DEFAULT_REDIS_TIMEOUT = REDIS_TIMEOUT
"""Seconds for connecting to Redis, and for each command, before Redis counts as unreachable."""


class RedisCompanyLimiter:
    """At most ``max_in_flight`` requests in flight per company, shared through Redis.

    Every process that passes the same Redis ``url`` and ``key_prefix`` shares one
    budget per company id. ``lease`` bounds how long a killed worker's slots stay
    taken. Call ``aclose()`` when done.
    """

    def __init__(
        self,
        url: str,
        *,
        max_in_flight: int = CODAT_MAX_IN_FLIGHT,
        key_prefix: str = "codat-sync-expenses",
        lease: float = DEFAULT_LEASE,
        redis_timeout: float = DEFAULT_REDIS_TIMEOUT,
    ) -> None:
        """Configure the limiter; nothing connects until the first slot is asked for.

        ``url`` is a redis-py URL (``redis://``, ``rediss://``, ``unix://``), query
        options included. Past ``redis_timeout`` seconds without an answer, Redis
        counts as unreachable and this process limits itself; a slot whose holder
        has not confirmed it lapses after ``redis_timeout`` too (``lease`` at most).
        """
        check.text("url", url)
        check.integer("max_in_flight", max_in_flight, minimum=1)
        if not check.text("key_prefix", key_prefix):
            raise ValueError("key_prefix must not be empty")
        self.max_in_flight = max_in_flight
        self.lease = check.seconds("lease", lease)
        self.redis_timeout = check.seconds("redis_timeout", redis_timeout)
        self._key_prefix = key_prefix
        provisional = min(lease, redis_timeout)
        lease_ms = max(1, round(lease * 1000))
        # Renewals confirm a new slot well within its provisional lease.
        self._renew_every = provisional / 3
        # A waiter asks Redis at least this often: to keep its place in the queue, and
        # to notice a Redis that froze while every caller of this process waits.
        self._ask_every = min(lease / 3, redis_timeout)
        self._redis = calls.connect(url, redis_timeout)
        self._scripts = calls.Scripts(self._redis)
        self._worker = uuid.uuid4().hex
        retry_after = min(REDIS_RETRY_AFTER, redis_timeout)
        self._grants = GrantListener(
            self._redis,
            f"{key_prefix}:wake:{self._worker}",
            timeout=redis_timeout,
            retry_after=retry_after,
        )
        self._outage = Outage(
            self._redis,
            max_in_flight,
            timeout=redis_timeout,
            retry_after=retry_after,
            on_back=self._note_reachable,
            worker=self._worker,
            workers_key=f"{key_prefix}:workers",
            lease_ms=lease_ms,
        )
        # The arguments after the token, the same on every call.
        self._fixed_args: list[str | int] = [
            max_in_flight,
            lease_ms,
            f"{key_prefix}:wake:",
            max(1, round(provisional * 1000)),
        ]
        self._tokens = itertools.count()
        self._background: set[asyncio.Task[None]] = set()
        # A release not sent yet: (keys, token).
        self._held_back: tuple[Keys, str] | None = None
        # The slots held through Redis; one timer renews them all.
        self._held: set[_SharedSlot] = set()
        self._renewing: asyncio.TimerHandle | None = None
        self._closing = False

    def __repr__(self) -> str:
        # The URL may carry a password, so it is never shown.
        return (
            f"<RedisCompanyLimiter max_in_flight={self.max_in_flight} "
            f"key_prefix={self._key_prefix!r} lease={self.lease}>"
        )

    def slot(self, company_id: str, *, timeout: float | None) -> AbstractAsyncContextManager[None]:
        """Hold one of the company's slots for one HTTP attempt.

        Raises ``errors.PoolTimeoutError`` (``request_sent=False``) when no slot comes
        free with time left for the request (see ``limits.longest_wait``); ``None``
        waits as long as it takes.
        """
        check.text("company_id", company_id)
        if timeout is not None:
            check.seconds("timeout", timeout, positive=False)
        return _SharedSlot(self, company_id, timeout)

    async def aclose(self) -> None:
        """Finish pending releases, stop listening and close the Redis connections.

        Slots still held lapse with their leases.
        """
        if self._renewing is not None:
            self._renewing.cancel()
            self._renewing = None
        self._post_held_back()
        self._closing = True  # from here on, nothing new starts in the background
        # Releases and renewals, each bounded by redis_timeout. Gathered once: a finished
        # task stays in the set until its done callback runs, which re-gathering never lets.
        await asyncio.gather(*self._background, return_exceptions=True)
        await self._grants.aclose()
        await self._outage.aclose()
        await self._redis.aclose()

    async def _run(self, script: AsyncScript, keys: Keys, token: str, *more: str) -> int:
        # redis-py's script object loads the script again when Redis lost it (NOSCRIPT).
        answer = await calls.bounded(
            script(keys, [token, *self._fixed_args, *more]), self.redis_timeout
        )
        self._note_reachable()
        return int(answer)

    async def _acquire(
        self, keys: Keys, token: str, company_id: str, timeout: float | None
    ) -> None:
        # No slot is taken after give_up: the request needs the rest of the timeout.
        give_up = None if timeout is None else time.monotonic() + longest_wait(timeout)
        held_back = self._held_back
        granted = self._grants.expect(token)  # before each ask: its grant may beat its answer
        try:
            if held_back is not None and held_back[0] == keys:
                self._held_back = None
                script = self._scripts.release_then_acquire
                wait_ms = await self._run(script, keys, token, held_back[1])
            else:
                wait_ms = await self._run(self._scripts.acquire, keys, token)
            if wait_ms and not self._grants.subscribed:
                await self._grants.listening()
                # A grant published before the subscription was live went unheard.
                granted = self._grants.expect(token)
                wait_ms = await self._run(self._scripts.acquire, keys, token)
            while wait_ms:
                delay = min(wait_ms / 1000, self._ask_every)
                if give_up is not None:
                    left = give_up - time.monotonic()
                    if left <= 0:
                        assert timeout is not None
                        raise slot_timeout(
                            company_id, self.max_in_flight, timeout, " shared through Redis"
                        )
                    delay = min(delay, left)
                if await self._grants.woken(granted, delay):
                    return
                if self._outage.unreachable:
                    # Another caller found Redis unreachable: fall back with it.
                    raise RedisUnreachableError("another call found Redis unreachable")
                # Renews our place in the queue and takes back leases that lapsed.
                granted = self._grants.expect(token)
                wait_ms = await self._run(self._scripts.acquire, keys, token)
            if give_up is not None and time.monotonic() > give_up:
                # Granted, but with too little time left for the request: hand it on.
                assert timeout is not None
                raise slot_timeout(company_id, self.max_in_flight, timeout, " shared through Redis")
        except BaseException:
            # Leave the queue, or give back a slot granted while we were giving up.
            self._release(keys, token)
            raise
        finally:
            self._grants.forget(token)

    def _release(self, keys: Keys, token: str) -> None:
        # Held back to the end of this turn of the event loop: the next acquire for
        # the same company, when it comes first, carries it. Either way the caller
        # does not wait for Redis.
        if self._held_back is None:
            asyncio.get_running_loop().call_soon(self._post_held_back)
        else:
            self._spawn(self._send_release(*self._held_back))
        self._held_back = (keys, token)

    def _post_held_back(self) -> None:
        held_back, self._held_back = self._held_back, None
        if held_back is not None:
            self._spawn(self._send_release(*held_back))

    async def _send_release(self, keys: Keys, token: str) -> None:
        try:
            await self._run(self._scripts.release, keys, token)
        except UNREACHABLE as exc:
            self._note_unreachable(exc)
            self._outage.unsent[token] = keys  # sent again once Redis answers
        except RedisError as exc:
            logger.warning(
                "a Redis concurrency slot's release failed (%s); it lapses with its lease", exc
            )

    def _hold(self, slot: _SharedSlot) -> None:
        self._held.add(slot)
        if self._renewing is None:
            loop = asyncio.get_running_loop()
            self._renewing = loop.call_later(self._renew_every, self._renew_held)
            self._spawn(self._outage.check_in())

    def _renew_held(self) -> None:
        self._renewing = None
        if self._held:
            # A slot taken since the last round is confirmed early: a timer per slot
            # would cost every slot, most of which end within the round.
            self._spawn(self._renew(list(self._held)))
            self._spawn(self._outage.check_in())
            loop = asyncio.get_running_loop()
            self._renewing = loop.call_later(self._renew_every, self._renew_held)

    async def _renew(self, slots: list[_SharedSlot]) -> None:
        renewals = (self._run(self._scripts.renew, s._keys, s._token) for s in slots)
        answers = await asyncio.gather(*renewals, return_exceptions=True)
        lapsed = 0
        for slot, answer in zip(slots, answers, strict=True):
            if isinstance(answer, UNREACHABLE):
                self._note_unreachable(answer)  # the next round tries again
            elif isinstance(answer, BaseException):
                logger.warning("a Redis concurrency slot's renewal failed (%s)", answer)
            elif not answer and slot in self._held:  # not released while it ran
                self._held.remove(slot)
                lapsed += 1
        if lapsed:
            logger.warning(
                "%d Redis concurrency slot leases lapsed while their requests ran (Redis "
                "restarted, or this process stalled); the company may briefly see more "
                "than %d requests in flight",
                lapsed,
                self.max_in_flight,
            )

    def _note_unreachable(self, exc: BaseException) -> None:
        self._outage.begin(exc, probe=not self._closing)
        self._grants.wake_all()  # waiters fall back too, rather than wait for a Redis that is out

    def _note_reachable(self) -> None:
        for token, keys in self._outage.end().items():
            self._spawn(self._send_release(keys, token))

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        if self._closing:
            coroutine.close()
            return
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


class _SharedSlot:
    """One attempt's hold on a slot: shared through Redis, or local while Redis is out.

    A slot held through Redis has its lease renewed until released.
    """

    __slots__ = ("_company_id", "_keys", "_limiter", "_local", "_timeout", "_token")

    def __init__(self, limiter: RedisCompanyLimiter, company_id: str, timeout: float | None):
        self._limiter = limiter
        self._company_id = company_id
        self._timeout = timeout
        self._keys = calls.keys(limiter._key_prefix, company_id)
        self._token = f"{limiter._worker}:{next(limiter._tokens)}"
        self._local: AbstractAsyncContextManager[None] | None = None

    async def __aenter__(self) -> None:
        limiter, timeout = self._limiter, self._timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        if not limiter._outage.unreachable:
            try:
                await limiter._acquire(self._keys, self._token, self._company_id, timeout)
            except UNREACHABLE as exc:
                limiter._note_unreachable(exc)
            else:
                limiter._hold(self)
                return
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        self._local = limiter._outage.local.slot(self._company_id, timeout=left)
        await self._local.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._local is not None:
            await self._local.__aexit__(exc_type, exc, traceback)
            return
        self._limiter._held.discard(self)  # gone already if its lease lapsed
        self._limiter._release(self._keys, self._token)

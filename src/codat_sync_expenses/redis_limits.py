"""A per-company concurrency limit shared by every worker process through Redis.

``RedisCompanyLimiter`` is a ``limits.CompanyLimiter``: at most ``max_in_flight``
requests per company are in flight across every process that uses the same Redis
and ``key_prefix``. It needs the ``redis`` extra (redis-py's asyncio client), and
uses only redis-py's public API: scripts, pub/sub and the connection pool.

Per company, three sorted sets hold the state, and every change is one Lua script,
so it is atomic:

- ``holders``: slot tokens scored by lease deadline. A slot taken or granted holds a
  provisional lease of ``redis_timeout`` (``lease`` at most): a caller that gave up on
  its acquire (Redis froze, the answer came too late) never confirms it, so it lapses
  soon. A holder's first renewal confirms it, and renewals keep it for ``lease``; a
  killed worker stops renewing, and the next script run after the deadline takes its
  slots back.
- ``queue``: waiting tokens in ticket order, first come first served; ``waiting``:
  the same tokens scored by a deadline the waiter renews, so dead waiters drop out.
- A release (or a lapsed lease) hands free slots to the oldest waiters and publishes
  each grant on the waiting worker's own channel. One supervised listener per process
  hears them; when it loses its connection, and again when it has subscribed anew, it
  wakes every waiter to ask Redis itself, so no waiter depends on a listener that is
  gone. A waiter also asks every ``redis_timeout`` (or third of ``lease``), which is
  how a process whose callers all wait notices that Redis froze.

An uncontended slot costs one round trip: the acquire. The release never delays the
call: it waits for the end of the event loop's turn, and when the same process asks
for a slot of the same company before then, one script releases and acquires;
otherwise it runs in a task of its own, and ``aclose()`` waits for it.

Times come from Redis's ``TIME``, so the workers' clocks need not agree. While Redis
cannot be reached, each process falls back to a ``LocalCompanyLimiter`` of its share
of the budget (the workers check in with their renewals, so each knows how many held
slots within a lease), with one warning per outage; the releases that could not reach
Redis are sent again once it answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import sys
import time
import uuid
from collections.abc import Awaitable, Coroutine
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any, TypeVar

try:
    import redis.asyncio as redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.commands.core import AsyncScript
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import RedisError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "RedisCompanyLimiter needs redis-py: pip install 'codat-sync-expenses[redis]'"
    ) from exc

from . import _params as check
from ._constants import REDIS_LEASE, REDIS_RETRY_AFTER, REDIS_TIMEOUT
from .limits import CODAT_MAX_IN_FLIGHT, LocalCompanyLimiter, longest_wait, slot_timeout

__all__ = ["DEFAULT_LEASE", "DEFAULT_REDIS_TIMEOUT", "RedisCompanyLimiter"]

logger = logging.getLogger("codat_sync_expenses")

DEFAULT_LEASE = REDIS_LEASE
"""Seconds a slot outlives a worker that stopped renewing it (killed, frozen, cut off)."""
DEFAULT_REDIS_TIMEOUT = REDIS_TIMEOUT
"""Seconds for connecting to Redis, and for each command, before Redis counts as unreachable."""

_T = TypeVar("_T")

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, asyncio.TimeoutError)

# Every script starts by naming its arguments. A slot taken or granted holds the
# provisional lease until its holder's first renewal gives it the whole lease.
_ARGUMENTS = """
local holders, queue, waiting = KEYS[1], KEYS[2], KEYS[3]
local token, limit, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local provisional = tonumber(ARGV[5])
"""

# Redis's clock, in milliseconds.
_CLOCK = """
local clock = redis.call('TIME')
local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
"""

# Drop leases and waits that nobody renewed, and define grant(). The fast paths
# skip it: below the limit with nobody waiting, lapsed leases change no decision.
_TIDY = """
redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', waiting, '-inf', now)) do
  redis.call('ZREM', queue, dead)
  redis.call('ZREM', waiting, dead)
end
-- Free slots go to the oldest waiters; each one's worker hears on its own channel.
local function grant()
  local free = limit - redis.call('ZCARD', holders)
  if free <= 0 then return end
  for _, head in ipairs(redis.call('ZRANGE', queue, 0, free - 1)) do
    redis.call('ZREM', queue, head)
    redis.call('ZREM', waiting, head)
    redis.call('ZADD', holders, now + provisional, head)
    if head ~= token then
      redis.call('PUBLISH', ARGV[4] .. string.match(head, '^[^:]*'), head)
    end
  end
end
"""

# A free slot with nobody waiting is taken at once: tried before tidying, and again after.
_TAKE_IF_FREE = """
if redis.call('ZCARD', queue) == 0 and redis.call('ZCARD', holders) < limit then
  redis.call('ZADD', holders, now + provisional, token)
  return 0
end
"""

# 0 when the token holds a slot; otherwise it is queued (or its place renewed)
# and the answer is the milliseconds until the earliest lease could lapse.
_TAKE = (
    _CLOCK
    + _TAKE_IF_FREE
    + _TIDY
    + """
if redis.call('ZSCORE', holders, token) then return 0 end
"""
    + _TAKE_IF_FREE
    + """
if not redis.call('ZSCORE', queue, token) then
  redis.call('ZADD', queue, redis.call('INCR', KEYS[4]), token)
end
redis.call('ZADD', waiting, now + 2 * lease, token)
-- The ticket counter outlives every queued token, so tickets never restart under them.
redis.call('PEXPIRE', KEYS[4], 4 * lease)
grant()
if redis.call('ZSCORE', holders, token) then return 0 end
return redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')[2] - now
"""
)

# release(token) gives the slot or the place in the queue back, and hands free slots on.
_RELEASE_FUNCTION = (
    """
local function release(token)
  if redis.call('ZREM', holders, token) == 1 and redis.call('ZCARD', queue) == 0 then
    return
  end
"""
    + _CLOCK
    + _TIDY
    + """
  redis.call('ZREM', queue, token)
  redis.call('ZREM', waiting, token)
  grant()
end
"""
)

_ACQUIRE = _ARGUMENTS + _TAKE
_RELEASE = _ARGUMENTS + _RELEASE_FUNCTION + "release(token)\nreturn 0\n"
# ARGV[6]'s release, then the acquire: the same worker's next slot for the same
# company, one script where two would run one after the other.
_RELEASE_THEN_ACQUIRE = _ARGUMENTS + _RELEASE_FUNCTION + "release(ARGV[6])\n" + _TAKE

# 1 when the lease was extended to the whole lease (the first time: confirmed),
# 0 when it had already lapsed and was taken back.
_RENEW = (
    _ARGUMENTS
    + _CLOCK
    + _TIDY
    + """
if not redis.call('ZSCORE', holders, token) then return 0 end
redis.call('ZADD', holders, now + lease, token)
return 1
"""
)


# The workers that held slots within a lease: ARGV[1] checks in for ARGV[2] ms; the
# answer is how many there are.
_CHECK_IN = (
    _CLOCK
    + """
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])
"""
)

_Keys = tuple[str, str, str, str]


@functools.lru_cache(maxsize=4096)
def _keys(prefix: str, company_id: str) -> _Keys:
    """The company's keys, made once: a company's id comes back on every call."""
    # One hash tag per company keeps its keys in one Redis Cluster slot.
    base = f"{prefix}:{{{company_id}}}:"
    return (base + "holders", base + "queue", base + "waiting", base + "tickets")


class _RedisUnreachableError(RedisTimeoutError):
    """Redis took ``redis_timeout`` to answer, or another caller found it unreachable."""


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
        # Renewals confirm a new slot well within its provisional lease.
        self._renew_every = provisional / 3
        # A waiter asks Redis at least this often: to keep its place in the queue, and
        # to notice a Redis that froze while every caller of this process waits.
        self._ask_every = min(lease / 3, redis_timeout)
        self._retry_after = min(REDIS_RETRY_AFTER, redis_timeout)
        # Each command is bounded by redis_timeout itself (_bounded), so the sockets
        # need no timeout of their own, and the grant listener may wait for messages.
        try:
            self._redis = redis.Redis.from_url(
                url,
                socket_connect_timeout=redis_timeout,
                socket_timeout=None,
                # One immediate retry replaces a pooled connection that a Redis restart
                # broke. Never after a timeout: that would only delay the fallback.
                retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
                retry_on_error=[RedisConnectionError],  # redis-py 5 retries only these
            )
        except ValueError:
            # Not redis-py's message: for a password with a '#' in it, that quotes it.
            raise ValueError(
                "url is not a valid Redis URL (redis://, rediss:// or unix://; "
                "percent-encode reserved characters in the password)"
            ) from None
        self._acquire_script = self._redis.register_script(_ACQUIRE)
        self._release_script = self._redis.register_script(_RELEASE)
        self._release_then_acquire_script = self._redis.register_script(_RELEASE_THEN_ACQUIRE)
        self._renew_script = self._redis.register_script(_RENEW)
        self._check_in_script = self._redis.register_script(_CHECK_IN)
        self._worker = uuid.uuid4().hex
        self._channel = f"{key_prefix}:wake:{self._worker}"
        # The arguments after the token, the same on every call.
        self._fixed_args: list[str | int] = [
            max_in_flight,
            max(1, round(lease * 1000)),
            f"{key_prefix}:wake:",
            max(1, round(provisional * 1000)),
        ]
        self._tokens = itertools.count()
        # Each waiter's wake-up: True when granted, False to ask Redis again.
        self._wake_ups: dict[str, asyncio.Future[bool]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self._listen_now = asyncio.Event()
        self._background: set[asyncio.Task[None]] = set()
        # A release not sent yet: (keys, token).
        self._held_back: tuple[_Keys, str] | None = None
        # Releases that could not reach Redis, sent again once it answers.
        self._unsent: dict[str, _Keys] = {}
        # The slots held through Redis; one timer renews them all.
        self._held: set[_Slot] = set()
        self._renewing: asyncio.TimerHandle | None = None
        self._local = LocalCompanyLimiter(max_in_flight)
        # Workers that held slots within the last lease, this one included: while Redis
        # is out, each limits itself to its share of the budget.
        self._workers = 1
        self._workers_key = f"{key_prefix}:workers"
        # While Redis is unreachable, a task asks it again until it answers.
        self._unreachable = False
        self._probe: asyncio.Future[None] | None = None
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
        return _Slot(self, company_id, timeout)

    async def aclose(self) -> None:
        """Finish pending releases, stop listening and close the Redis connections.

        Slots still held lapse with their leases.
        """
        if self._renewing is not None:
            self._renewing.cancel()
            self._renewing = None
        self._post_held_back()
        self._closing = True  # from here on, nothing new starts in the background
        # Releases and renewals: each command is bounded by redis_timeout.
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        for task in (self._listener, self._probe):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        await self._local.aclose()
        await self._redis.aclose()

    async def _bounded(self, command: Awaitable[_T]) -> _T:
        """Await one Redis command; past ``redis_timeout``, Redis counts as unreachable."""
        try:
            if sys.version_info >= (3, 11):
                async with asyncio.timeout(self.redis_timeout):
                    return await command
            return await asyncio.wait_for(command, self.redis_timeout)
        except asyncio.TimeoutError:
            raise _RedisUnreachableError(
                f"Redis did not answer within {self.redis_timeout:g} s"
            ) from None

    async def _run(self, script: AsyncScript, keys: _Keys, token: str, *more: str) -> int:
        # redis-py's script object loads the script again when Redis lost it (NOSCRIPT).
        answer = await self._bounded(script(keys, [token, *self._fixed_args, *more]))
        self._note_reachable()
        return int(answer)

    async def _acquire(
        self, keys: _Keys, token: str, company_id: str, timeout: float | None
    ) -> None:
        # No slot is taken after give_up: the request needs the rest of the timeout.
        give_up = None if timeout is None else time.monotonic() + longest_wait(timeout)
        held_back = self._held_back
        try:
            if held_back is not None and held_back[0] == keys:
                self._held_back = None
                script = self._release_then_acquire_script
                wait_ms = await self._run(script, keys, token, held_back[1])
            else:
                wait_ms = await self._run(self._acquire_script, keys, token)
            if wait_ms and not self._subscribed.is_set():
                await self._listening()
                # A grant published before the subscription was live went unheard.
                wait_ms = await self._run(self._acquire_script, keys, token)
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
                if await self._woken(token, delay):
                    return
                if self._unreachable:
                    # Another caller found Redis unreachable: fall back with it.
                    raise _RedisUnreachableError("another call found Redis unreachable")
                # Renews our place in the queue and takes back leases that lapsed.
                wait_ms = await self._run(self._acquire_script, keys, token)
            if give_up is not None and time.monotonic() > give_up:
                # Granted, but with too little time left for the request: hand it on.
                assert timeout is not None
                raise slot_timeout(company_id, self.max_in_flight, timeout, " shared through Redis")
        except BaseException:
            # Leave the queue, or give back a slot granted while we were giving up.
            self._release(keys, token)
            raise

    async def _woken(self, token: str, delay: float) -> bool:
        """Wait up to ``delay`` seconds for the listener: True when it heard a grant."""
        wake_up = asyncio.get_running_loop().create_future()
        self._wake_ups[token] = wake_up
        try:
            return await asyncio.wait_for(wake_up, delay)
        except asyncio.TimeoutError:
            return False
        finally:
            del self._wake_ups[token]

    def _wake_all(self) -> None:
        """Make every waiter ask Redis now: grants may have gone unheard."""
        for wake_up in self._wake_ups.values():
            if not wake_up.done():
                wake_up.set_result(False)

    def _release(self, keys: _Keys, token: str) -> None:
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

    async def _send_release(self, keys: _Keys, token: str) -> None:
        try:
            await self._run(self._release_script, keys, token)
        except _UNREACHABLE as exc:
            self._note_unreachable(exc)
            self._unsent[token] = keys  # sent again once Redis answers
        except RedisError as exc:
            logger.warning(
                "a Redis concurrency slot's release failed (%s); it lapses with its lease", exc
            )

    def _hold(self, slot: _Slot) -> None:
        self._held.add(slot)
        if self._renewing is None:
            loop = asyncio.get_running_loop()
            self._renewing = loop.call_later(self._renew_every, self._renew_held)
            self._spawn(self._check_in())

    def _renew_held(self) -> None:
        self._renewing = None
        if self._held:
            # A slot taken since the last round is confirmed early: a timer per slot
            # would cost every slot, most of which end within the round.
            self._spawn(self._renew(list(self._held)))
            self._spawn(self._check_in())
            loop = asyncio.get_running_loop()
            self._renewing = loop.call_later(self._renew_every, self._renew_held)

    async def _renew(self, slots: list[_Slot]) -> None:
        renewals = (self._run(self._renew_script, s._keys, s._token) for s in slots)
        answers = await asyncio.gather(*renewals, return_exceptions=True)
        lapsed = 0
        for slot, answer in zip(slots, answers, strict=True):
            if isinstance(answer, _UNREACHABLE):
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

    async def _check_in(self) -> None:
        """Count this worker among those holding slots, and learn how many there are."""
        lease_ms = self._fixed_args[1]
        with contextlib.suppress(*_UNREACHABLE):  # the renewals note it
            workers = self._check_in_script([self._workers_key], [self._worker, lease_ms])
            self._workers = int(await self._bounded(workers))

    async def _listening(self) -> None:
        """Return once the grant listener is subscribed; start it when none runs."""
        if self._listener is None or self._listener.done():
            self._listener = asyncio.create_task(self._listen())
        else:
            self._listen_now.set()  # it may be pausing after a loss: a waiter needs it now
        await self._bounded(self._subscribed.wait())

    async def _listen(self) -> None:
        """Hear this worker's grants, until ``aclose()``: subscribe again after a loss."""
        while True:
            pubsub: Any = self._redis.pubsub()  # redis-py leaves PubSub partly untyped
            try:
                await self._bounded(pubsub.subscribe(self._channel))
                while True:
                    message = await pubsub.get_message(timeout=self.redis_timeout)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        # Subscribed, first or anew: grants published while nobody
                        # listened went unheard, so every waiter asks Redis.
                        self._subscribed.set()
                        self._wake_all()
                    elif message["type"] == "message":
                        wake_up = self._wake_ups.get(message["data"].decode())
                        if wake_up is not None and not wake_up.done():
                            wake_up.set_result(True)
            except _UNREACHABLE as exc:
                logger.debug("Redis limiter lost its grant listener: %s", exc)
            finally:
                self._subscribed.clear()
                await asyncio.shield(pubsub.aclose())
            # Until it is back, the waiters ask Redis themselves, or fall back.
            self._wake_all()
            self._listen_now.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._listen_now.wait(), self._retry_after)

    def _note_unreachable(self, exc: BaseException) -> None:
        if not self._unreachable:
            self._unreachable = True
            # Each process takes its share of the budget, so that together they keep to it.
            share = max(1, self.max_in_flight // self._workers)
            if share != self._local.max_in_flight:
                self._local = LocalCompanyLimiter(share)
            logger.warning(
                "Redis is unreachable (%s): this process now limits itself to %d requests "
                "in flight per company, its share of %d among the %d processes seen, "
                "until it is back",
                str(exc) or type(exc).__name__,
                share,
                self.max_in_flight,
                self._workers,
            )
            if not self._closing:
                self._probe = asyncio.ensure_future(self._probe_until_back())
        self._wake_all()  # waiters fall back too, rather than wait for a Redis that is out

    async def _probe_until_back(self) -> None:
        """Ask Redis for a PONG every ``_retry_after`` seconds until it answers.

        In a task of its own: no caller waits on a Redis that may still be frozen.
        """
        while True:
            await asyncio.sleep(self._retry_after)
            with contextlib.suppress(*_UNREACHABLE):
                await self._bounded(self._redis.ping())
                break
        self._note_reachable()

    def _note_reachable(self) -> None:
        if self._unreachable:
            self._unreachable = False
            if self._probe is not None and self._probe is not asyncio.current_task():
                self._probe.cancel()  # another command answered first
            self._probe = None
            logger.info("Redis is reachable again: the per-company limit is shared again")
            unsent, self._unsent = self._unsent, {}
            for token, keys in unsent.items():
                self._spawn(self._send_release(keys, token))

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        if self._closing:
            coroutine.close()
            return
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


class _Slot:
    """One attempt's hold on a slot: shared through Redis, or local while Redis is out.

    A slot held through Redis has its lease renewed until released.
    """

    __slots__ = ("_company_id", "_keys", "_limiter", "_local", "_timeout", "_token")

    def __init__(self, limiter: RedisCompanyLimiter, company_id: str, timeout: float | None):
        self._limiter = limiter
        self._company_id = company_id
        self._timeout = timeout
        self._keys = _keys(limiter._key_prefix, company_id)
        self._token = f"{limiter._worker}:{next(limiter._tokens)}"
        self._local: AbstractAsyncContextManager[None] | None = None

    async def __aenter__(self) -> None:
        limiter, timeout = self._limiter, self._timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        if not limiter._unreachable:
            try:
                await limiter._acquire(self._keys, self._token, self._company_id, timeout)
            except _UNREACHABLE as exc:
                limiter._note_unreachable(exc)
            else:
                limiter._hold(self)
                return
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        self._local = limiter._local.slot(self._company_id, timeout=left)
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

"""A per-company concurrency limit shared by every worker process through Redis.

``RedisCompanyLimiter`` is a ``limits.CompanyLimiter``: at most ``max_in_flight``
requests per company are in flight across every process that uses the same Redis
and ``key_prefix``. It needs the ``redis`` extra (redis-py's asyncio client).

Per company, three sorted sets hold the state, and every change is one Lua script,
so it is atomic:

- ``holders``: slot tokens scored by lease deadline. A holder renews its lease every
  third of ``lease``; a killed worker stops renewing, and the next script run after
  the deadline takes its slots back.
- ``queue``: waiting tokens in ticket order, first come first served; ``waiting``:
  the same tokens scored by a deadline the waiter renews, so dead waiters drop out.
- A release (or a lapsed lease) hands free slots to the oldest waiters and publishes
  each grant on the waiting worker's own channel. A waiter sleeps until that message,
  the earliest lease deadline or a third of ``lease``, whichever comes first, so
  nobody polls Redis in a tight loop.

An uncontended slot costs one round trip: the acquire. Below the limit with nobody
waiting, the scripts skip their tidying, which changes no decision there. The release
waits for the end of the event loop's turn: when the same process asks for a slot of
the same company before then, one script releases and acquires; otherwise it goes out
alone, on a connection that pipelines the scripts (``_redis_pipe``). Its answer is
handled when it comes, and ``aclose()`` waits for it.

Times come from Redis's ``TIME``, so the workers' clocks need not agree. While Redis
cannot be reached, each process falls back to a ``LocalCompanyLimiter`` of the same
size, with one warning per outage (see the README's "Many workers").
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import itertools
import logging
import time
import uuid
from collections.abc import Coroutine
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any

try:
    import redis.asyncio as redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import NoScriptError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from ._redis_pipe import Pipe, bounded  # which needs hiredis
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "RedisCompanyLimiter needs redis-py and hiredis 2.2.1 or later: "
        "pip install 'codat-sync-expenses[redis]' 'hiredis>=2.2.1'"
    ) from exc

from . import _params as check
from .errors import PoolTimeoutError
from .limits import CODAT_MAX_IN_FLIGHT, LocalCompanyLimiter

__all__ = ["DEFAULT_LEASE", "DEFAULT_REDIS_TIMEOUT", "RedisCompanyLimiter"]

logger = logging.getLogger("codat_sync_expenses")

DEFAULT_LEASE = 10.0
"""Seconds a slot outlives a worker that stopped renewing it (killed, frozen, cut off)."""
DEFAULT_REDIS_TIMEOUT = 5.0
"""Seconds for connecting to Redis, and for each command, before Redis counts as unreachable."""
RETRY_REDIS_AFTER = 1.0
"""After Redis failed, seconds to use the local limit before trying Redis again."""

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, asyncio.TimeoutError)

# Every script starts by naming its arguments.
_ARGUMENTS = """
local holders, queue, waiting = KEYS[1], KEYS[2], KEYS[3]
local token, limit, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
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
    redis.call('ZADD', holders, now + lease, head)
    if head ~= token then
      redis.call('PUBLISH', ARGV[4] .. string.match(head, '^[^:]*'), head)
    end
  end
end
"""

# A free slot with nobody waiting is taken at once: tried before tidying, and again after.
_TAKE_IF_FREE = """
if redis.call('ZCARD', queue) == 0 and redis.call('ZCARD', holders) < limit then
  redis.call('ZADD', holders, now + lease, token)
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
# ARGV[5]'s release, then the acquire: the same worker's next slot for the same
# company, one script where two would run one after the other.
_RELEASE_THEN_ACQUIRE = _ARGUMENTS + _RELEASE_FUNCTION + "release(ARGV[5])\n" + _TAKE

# 1 when the lease was extended, 0 when it had already lapsed and was taken back.
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


_Keys = tuple[bytes, bytes, bytes, bytes]


@functools.lru_cache(maxsize=4096)
def _keys(prefix: str, company_id: str) -> _Keys:
    """The company's keys, encoded once: a company's id comes back on every call."""
    # One hash tag per company keeps its keys in one Redis Cluster slot.
    base = f"{prefix}:{{{company_id}}}:".encode()
    return (base + b"holders", base + b"queue", base + b"waiting", base + b"tickets")


class _Script:
    """A Lua script, run by its SHA1 once Redis has it cached."""

    def __init__(self, source: str) -> None:
        self.source = source.encode()
        self.sha = hashlib.sha1(self.source, usedforsecurity=False).hexdigest().encode()


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
        counts as unreachable and this process limits itself.
        """
        check.text("url", url)
        check.integer("max_in_flight", max_in_flight, minimum=1)
        if not check.text("key_prefix", key_prefix):
            raise ValueError("key_prefix must not be empty")
        self.max_in_flight = max_in_flight
        self.lease = check.seconds("lease", lease)
        self.redis_timeout = check.seconds("redis_timeout", redis_timeout)
        self._lease_ms = max(1, round(lease * 1000))
        self._key_prefix = key_prefix
        # No socket_timeout: the pipe bounds every command with one timer, and the
        # grant listener bounds its own waits.
        try:
            self._redis = redis.Redis.from_url(
                url,
                socket_connect_timeout=redis_timeout,
                socket_timeout=None,
                # One immediate retry replaces a connection that a Redis restart broke;
                # more would only delay the fallback while Redis is down.
                retry=Retry(NoBackoff(), 1),
            )
        except ValueError:
            # Not redis-py's message: for a password with a '#' in it, that quotes it.
            raise ValueError(
                "url is not a valid Redis URL (redis://, rediss:// or unix://; "
                "percent-encode reserved characters in the password)"
            ) from None
        # The scripts run on a connection of their own, made from the pool's settings;
        # the pool itself serves the grant listener.
        self._pipe = Pipe(self._redis.connection_pool, redis_timeout)
        self._acquire_script = _Script(_ACQUIRE)
        self._release_script = _Script(_RELEASE)
        self._release_then_acquire_script = _Script(_RELEASE_THEN_ACQUIRE)
        self._renew_script = _Script(_RENEW)
        self._scripts = (
            self._acquire_script,
            self._release_script,
            self._release_then_acquire_script,
            self._renew_script,
        )
        self._worker = uuid.uuid4().hex.encode()
        self._wake_prefix = f"{key_prefix}:wake:"
        # Encoded once: the arguments after the token are the same on every call.
        self._fixed_args = [str(max_in_flight).encode(), str(self._lease_ms).encode()]
        self._fixed_args.append(self._wake_prefix.encode())
        self._tokens = itertools.count()
        self._grants: dict[bytes, asyncio.Future[None]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._subscribing = asyncio.Lock()
        self._background: set[asyncio.Task[None]] = set()
        # A release not posted yet: (keys, token).
        self._held_back: tuple[_Keys, bytes] | None = None
        # The slots held through Redis; one timer renews them all every third of the lease.
        self._held: set[_Slot] = set()
        self._renewing: asyncio.TimerHandle | None = None
        self._local = LocalCompanyLimiter(max_in_flight)
        self._redis_down_until: float | None = None

    def __repr__(self) -> str:
        # The URL may carry a password, so it is never shown.
        return (
            f"<RedisCompanyLimiter max_in_flight={self.max_in_flight} "
            f"key_prefix={self._key_prefix!r} lease={self.lease}>"
        )

    def slot(self, company_id: str, *, timeout: float | None) -> AbstractAsyncContextManager[None]:
        """Hold one of the company's slots for one HTTP attempt.

        Raises ``errors.PoolTimeoutError`` (``request_sent=False``) when ``timeout``
        seconds pass while waiting; ``None`` waits as long as it takes.
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
        # Every command is bounded by redis_timeout.
        self._post_held_back()
        await self._pipe.drain()  # the last releases' answers
        # Renewals, and releases that had to load the scripts again.
        await asyncio.gather(*self._background, return_exceptions=True)
        await self._pipe.aclose()
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        await self._local.aclose()
        await self._redis.aclose()

    def _evalsha(
        self, script: _Script, keys: _Keys, token: bytes, *more: bytes
    ) -> tuple[bytes, ...]:
        """One run of ``script`` for ``token``, as the words of an EVALSHA command."""
        return (b"EVALSHA", script.sha, b"4", *keys, token, *self._fixed_args, *more)

    async def _run(self, script: _Script, keys: _Keys, token: bytes, *more: bytes) -> int:
        command = self._evalsha(script, keys, token, *more)
        try:
            answer = await self._pipe.call(*command)
        except NoScriptError:
            # Redis restarted, or its script cache was flushed: load every script, so
            # that the releases, which nobody awaits, find theirs.
            loads = (self._pipe.call(b"SCRIPT", b"LOAD", each.source) for each in self._scripts)
            await asyncio.gather(*loads)
            answer = await self._pipe.call(*command)
        self._note_reachable()
        return int(answer)

    async def _acquire(
        self, keys: _Keys, token: bytes, company_id: str, timeout: float | None
    ) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        listening = self._listener is not None and not self._listener.done()
        granted = asyncio.get_running_loop().create_future()
        self._grants[token] = granted
        held_back = self._held_back
        try:
            if held_back is not None and held_back[0] == keys:
                self._held_back = None
                script = self._release_then_acquire_script
                wait_ms = await self._run(script, keys, token, held_back[1])
            else:
                wait_ms = await self._run(self._acquire_script, keys, token)
            if not listening and wait_ms:
                await self._listen()
                # A grant published before the subscription was live went unheard.
                wait_ms = await self._run(self._acquire_script, keys, token)
            while wait_ms:
                delay = min(wait_ms / 1000, self.lease / 3)
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise PoolTimeoutError(
                            f"waited {timeout:g} s for one of company {company_id}'s "
                            f"{self.max_in_flight} request slots shared through Redis; "
                            "the request was not sent"
                        )
                    delay = min(delay, left)
                try:
                    await asyncio.wait_for(asyncio.shield(granted), delay)
                    return
                except asyncio.TimeoutError:
                    pass
                # Renews our place in the queue and takes back leases that lapsed.
                wait_ms = await self._run(self._acquire_script, keys, token)
        except BaseException:
            # Leave the queue, or give back a slot granted while we were giving up.
            self._release(keys, token)
            raise
        finally:
            del self._grants[token]

    def _release(self, keys: _Keys, token: bytes) -> None:
        # Held back to the end of this turn of the event loop: the next acquire for
        # the same company, when it comes first, carries it. Either way the caller
        # need not wait for Redis's answer (aclose() does).
        if self._held_back is None:
            asyncio.get_running_loop().call_soon(self._post_held_back)
        else:
            self._post_release(*self._held_back)
        self._held_back = (keys, token)

    def _post_held_back(self) -> None:
        held_back, self._held_back = self._held_back, None
        if held_back is not None:
            self._post_release(*held_back)

    def _post_release(self, keys: _Keys, token: bytes) -> None:
        answer = self._pipe.post(*self._evalsha(self._release_script, keys, token))
        answer.add_done_callback(functools.partial(self._released, keys, token))

    def _released(self, keys: _Keys, token: bytes, answer: asyncio.Future[Any]) -> None:
        exc = None if answer.cancelled() else answer.exception()
        if isinstance(exc, NoScriptError):
            self._spawn(self._release_again(keys, token))
        elif isinstance(exc, _UNREACHABLE):
            self._note_unreachable(exc)  # the lease runs out by itself
        elif exc is not None:
            logger.warning(
                "a Redis concurrency slot's release failed (%s); it lapses with its lease", exc
            )

    def _hold(self, slot: _Slot) -> None:
        self._held.add(slot)
        if self._renewing is None:
            loop = asyncio.get_running_loop()
            self._renewing = loop.call_later(self.lease / 3, self._renew_held)

    def _renew_held(self) -> None:
        self._renewing = None
        if self._held:
            # A slot taken since the last round is renewed early: a timer per slot
            # would cost every slot, most of which end within a third of the lease.
            for slot in self._held:
                self._spawn(slot._renew())
            self._renewing = asyncio.get_running_loop().call_later(self.lease / 3, self._renew_held)

    async def _release_again(self, keys: _Keys, token: bytes) -> None:
        with contextlib.suppress(*_UNREACHABLE):
            await self._run(self._release_script, keys, token)

    async def _listen(self) -> None:
        async with self._subscribing:
            if self._listener is not None and not self._listener.done():
                return
            pubsub: Any = self._redis.pubsub()  # redis-py leaves PubSub partly untyped
            try:
                await bounded(
                    pubsub.subscribe(self._wake_prefix.encode() + self._worker), self.redis_timeout
                )
            except BaseException:
                await pubsub.aclose()
                raise
            self._listener = asyncio.create_task(self._dispatch(pubsub))

    async def _dispatch(self, pubsub: Any) -> None:
        # Messages are grants for this worker's waiters; an unknown token is a
        # waiter that already gave up or was granted by its own poll.
        try:
            while True:
                message = await pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=self.redis_timeout
                )
                if message is None or message["type"] != "message":
                    continue
                granted = self._grants.get(message["data"])
                if granted is not None and not granted.done():
                    granted.set_result(None)
        except _UNREACHABLE as exc:
            # Waiters still poll; the next one to wait subscribes again.
            logger.debug("Redis limiter stopped listening for grants: %s", exc)
        finally:
            await pubsub.aclose()

    def _redis_reachable(self) -> bool:
        if self._redis_down_until is None:
            return True
        now = time.monotonic()
        if now < self._redis_down_until:
            return False
        # This call probes Redis; the others stay local until it answers or fails.
        self._redis_down_until = now + self.redis_timeout + RETRY_REDIS_AFTER
        return True

    def _note_unreachable(self, exc: BaseException) -> None:
        if self._redis_down_until is None:
            logger.warning(
                "Redis is unreachable (%s): each process now limits itself to %d requests "
                "in flight per company until it is back",
                str(exc) or type(exc).__name__,
                self.max_in_flight,
            )
        self._redis_down_until = time.monotonic() + RETRY_REDIS_AFTER

    def _note_reachable(self) -> None:
        if self._redis_down_until is not None:
            self._redis_down_until = None
            logger.info("Redis is reachable again: the per-company limit is shared again")

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


class _Slot:
    """One attempt's hold on a slot: shared through Redis, or local while Redis is out.

    A slot held through Redis has its lease renewed every third of the lease until released.
    """

    __slots__ = ("_company_id", "_keys", "_limiter", "_local", "_timeout", "_token")

    def __init__(self, limiter: RedisCompanyLimiter, company_id: str, timeout: float | None):
        self._limiter = limiter
        self._company_id = company_id
        self._timeout = timeout
        self._keys = _keys(limiter._key_prefix, company_id)
        self._token = b"%b:%d" % (limiter._worker, next(limiter._tokens))
        self._local: AbstractAsyncContextManager[None] | None = None

    async def __aenter__(self) -> None:
        limiter, timeout = self._limiter, self._timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        if limiter._redis_reachable():
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

    async def _renew(self) -> None:
        limiter = self._limiter
        if self not in limiter._held:
            return  # released since the round began
        try:
            held = await limiter._run(limiter._renew_script, self._keys, self._token)
        except _UNREACHABLE as exc:
            limiter._note_unreachable(exc)
            return  # the next round tries again: Redis may be back before the lease lapses
        if not held and self in limiter._held:  # not released while the renewal ran
            limiter._held.remove(self)
            logger.warning(
                "a Redis concurrency slot's lease lapsed while its request ran; "
                "the company may briefly see more than %d requests in flight",
                limiter.max_in_flight,
            )

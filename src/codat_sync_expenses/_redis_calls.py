"""How the Redis limiter talks to Redis: the client, its Lua scripts, each company's
keys, and commands bounded by ``redis_timeout``.

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
  each grant on the waiting worker's own channel (``_redis_grants`` hears them).
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Awaitable
from typing import TypeVar

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

_T = TypeVar("_T")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, asyncio.TimeoutError)
"""What a command raises when Redis cannot be reached."""


class RedisUnreachableError(RedisTimeoutError):
    """Redis took ``redis_timeout`` to answer, or another caller found it unreachable."""


def connect(url: str, timeout: float) -> redis.Redis:
    """A client for ``url`` that connects within ``timeout``; ValueError (never quoting
    the URL, which may hold a password) when it is not a Redis URL."""
    # Each command is bounded by the timeout itself (bounded), so the sockets
    # need no timeout of their own, and the grant listener may wait for messages.
    try:
        return redis.Redis.from_url(
            url,
            socket_connect_timeout=timeout,
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


async def bounded(command: Awaitable[_T], seconds: float) -> _T:
    """Await one Redis command; past ``seconds``, Redis counts as unreachable."""
    try:
        if sys.version_info >= (3, 11):
            async with asyncio.timeout(seconds):
                return await command
        return await asyncio.wait_for(command, seconds)
    except asyncio.TimeoutError:
        raise RedisUnreachableError(f"Redis did not answer within {seconds:g} s") from None


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

ACQUIRE = _ARGUMENTS + _TAKE
RELEASE = _ARGUMENTS + _RELEASE_FUNCTION + "release(token)\nreturn 0\n"
# ARGV[6]'s release, then the acquire: the same worker's next slot for the same
# company, one script where two would run one after the other.
RELEASE_THEN_ACQUIRE = _ARGUMENTS + _RELEASE_FUNCTION + "release(ARGV[6])\n" + _TAKE

# 1 when the lease was extended to the whole lease (the first time: confirmed),
# 0 when it had already lapsed and was taken back.
RENEW = (
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
CHECK_IN = (
    _CLOCK
    + """
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])
"""
)

Keys = tuple[str, str, str, str]
"""A company's holders, queue, waiting and tickets keys."""


@functools.lru_cache(maxsize=4096)
def keys(prefix: str, company_id: str) -> Keys:
    """The company's keys, made once: a company's id comes back on every call."""
    # One hash tag per company keeps its keys in one Redis Cluster slot.
    base = f"{prefix}:{{{company_id}}}:"
    return (base + "holders", base + "queue", base + "waiting", base + "tickets")


class Scripts:
    """The limiter's scripts, registered with one client; redis-py loads a script again
    when Redis lost it (NOSCRIPT)."""

    def __init__(self, client: redis.Redis) -> None:
        self.acquire = client.register_script(ACQUIRE)
        self.release = client.register_script(RELEASE)
        self.release_then_acquire = client.register_script(RELEASE_THEN_ACQUIRE)
        self.renew = client.register_script(RENEW)

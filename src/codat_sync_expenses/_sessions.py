"""The transport's aiohttp sessions: made on first use and bound to that event loop, or
borrowed from the caller; a keep-alive pool for reads, and one for pushes that reuses a
connection only while it is recently used.

Why pushes get their own pool: a push must never be sent twice, so it may only go
where losing it is unlikely, and, when lost, it is sent again only if provably unsent.

- Push connections are reused only while idle for less than ``PUSH_IDLE_REUSE`` (1 s;
  lowered to half of what a server announces in ``Keep-Alive: timeout=N``), well inside
  the idle timeout after which servers close them. An older one is closed, and the push
  takes a fresh connection. (Go's net/http, urllib3 and httpcore reuse any idle
  connection and re-send only idempotent requests; OkHttp retries a POST on a stale
  connection. A push is not idempotent here, so its risk is bounded first.)
- Push sessions are traced, so that a push whose headers were never written (no
  connection, a stale connection found closed before writing) is known unsent.
- After a push is lost on a reused connection once it was sent, the server closes
  connections in a way that races with pushes: for ``FRESH_PUSHES_AFTER_LOSS`` (10
  minutes) each push takes a fresh connection, as all did before pooled pushes.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
import math
import re
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import aiohttp

from . import _clock
from ._constants import DEFAULT_MAX_CONNECTIONS, FRESH_PUSHES_AFTER_LOSS, PUSH_IDLE_REUSE
from ._slots import Slots
from .errors import ClientClosedError, EventLoopError, PoolTimeoutError

logger = logging.getLogger("codat_sync_expenses")

BORROWED_SESSION_CLOSED = "the aiohttp session given to CodatSyncExpenses was closed by its owner"
# The timeout a server announces in its Keep-Alive header, in seconds.
_KEEP_ALIVE_TIMEOUT = re.compile(r"\btimeout\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)

Progress = dict[str, bool]
"""What a traced push got to: ``reused`` (an idle pooled connection), ``sent`` (headers out)."""


class _State(enum.Enum):
    UNOPENED = "unopened"
    OPENED = "opened"
    CLOSED = "closed"


class Sessions:
    """The sessions one transport sends through, and the event loop they belong to."""

    def __init__(self, borrowed: aiohttp.ClientSession | None, max_connections: int | None) -> None:
        self._borrowed = borrowed
        # A session made here has these settings; a borrowed one gets them per request.
        self.request_options: dict[str, Any] = {} if borrowed is None else _BORROWED_OPTIONS
        self._reads = borrowed
        self._pushes = borrowed
        self._fresh_pushes: aiohttp.ClientSession | None = None
        self._fresh_until = 0.0
        self._state = _State.UNOPENED
        self._max_connections = max_connections or DEFAULT_MAX_CONNECTIONS
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pool: Slots | None = None
        """The SDK's own queue for a connection: a wait that runs out sent nothing."""
        # Set by aclose(): wakes the requests waiting to be retried.
        self._closing = asyncio.Event()

    @property
    def closed(self) -> bool:
        """Whether ``aclose()`` was called."""
        return self._state is _State.CLOSED

    def open(self, push: bool) -> aiohttp.ClientSession:
        """The session for a read or a push, made on first use in the running loop."""
        loop = asyncio.get_running_loop()
        if self._state is _State.CLOSED:
            raise ClientClosedError("this CodatSyncExpenses client is closed")
        if self.loop is None:
            self.loop = loop
            self.pool = _pool_for(self._borrowed, self._max_connections)
            if self._borrowed is None:
                self._reads = _own_session(aiohttp.TCPConnector(limit=self._max_connections))
                self._pushes = _own_session(
                    aiohttp.TCPConnector(
                        limit=self._max_connections, keepalive_timeout=PUSH_IDLE_REUSE
                    ),
                    traced=True,
                )
            self._state = _State.OPENED
        elif self.loop is not loop:
            raise EventLoopError(
                "this CodatSyncExpenses client was first used in another event loop, "
                + (
                    "which is now closed (an earlier asyncio.run(), or another test's loop)"
                    if self.loop.is_closed()
                    else "which is still open (another thread, or another test's loop)"
                )
                + "; its connections belong to that loop. Create the client inside the loop "
                "that uses it, one per loop"
            )
        if not push:
            session = self._reads
        elif self._fresh_until and loop.time() < self._fresh_until:
            session = self._fresh_pushes or self._fresh_push_session()
        else:
            session = self._pushes
        assert session is not None  # set while OPENED
        if session.closed:
            raise ClientClosedError(BORROWED_SESSION_CLOSED)
        return session

    async def closed_while_waiting(self, delay: float) -> bool:
        """Sleep ``delay`` (on the SDK's clock); True as soon as ``aclose()`` is called."""
        closing = self._closing
        if closing.is_set():
            return True
        waits = [asyncio.ensure_future(_clock.sleep(delay)), asyncio.ensure_future(closing.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return closing.is_set()

    def progress(self, session: aiohttp.ClientSession) -> Progress | None:
        """A record to trace a request on ``session`` with, if it is one of the traced ones.

        Only the push sessions made here report when the headers went out (a read is
        retried either way); otherwise a failure once a connection was asked for
        counts as sent.
        """
        traced = self._borrowed is None and session in (self._pushes, self._fresh_pushes)
        return {} if traced else None

    async def queue_for_connection(
        self, pool: Slots, deadline: float, method: str, path: str
    ) -> None:
        """Wait for a free connection of ``pool`` until ``deadline`` (the loop's time);
        PoolTimeoutError, the request unsent, when none came."""
        assert self.loop is not None  # set by open()
        timeout = max(deadline - self.loop.time(), 0.0)
        if not await pool.take(timeout):
            raise PoolTimeoutError(
                f"{method} {path}: waited {timeout:.3g}s for a free connection; "
                "the request was not sent",
                method=method,
                path=path,
            )

    def lost_after_sending(self, progress: Progress | None, method: str, path: str) -> None:
        """Note a request lost once sent; one lost on a reused push connection turns
        fresh connections on for pushes."""
        if progress is None or not progress.get("reused") or not was_sent(progress):
            return
        assert self.loop is not None  # set by open()
        self._fresh_until = self.loop.time() + FRESH_PUSHES_AFTER_LOSS
        logger.warning(
            "%s %s: a push was lost on a reused connection after it was sent; each push "
            "takes a fresh connection for the next %.0f s",
            method,
            path,
            FRESH_PUSHES_AFTER_LOSS,
        )

    def heed_keep_alive(self, value: str) -> None:
        """Reuse push connections only while idle for under half the server's announced
        ``Keep-Alive: timeout=N``: a server that closes idle connections sooner than
        ``PUSH_IDLE_REUSE`` would otherwise close them as pushes arrive (each such push is
        then reported as possibly sent, never re-sent). ``_keepalive_timeout`` is private
        to aiohttp (its connector drops a connection idle longer when asked for one);
        aiohttp has no public way to change it on a live connector, and
        tests/test_pushes_once.py pins it."""
        found = _KEEP_ALIVE_TIMEOUT.search(value)
        if found is None or self._pushes is None:
            return
        connector = self._pushes.connector
        bound = float(found[1]) / 2
        current = getattr(connector, "_keepalive_timeout", None)
        if isinstance(current, (int, float)) and bound < current:
            connector._keepalive_timeout = bound  # type: ignore[union-attr]

    async def aclose(self) -> None:
        """Close the sessions made here; a borrowed one stays open.

        From another loop than the one the sessions belong to, they are closed
        in their own loop while it runs; when it has stopped, EventLoopError.
        """
        if self._state is _State.CLOSED:
            return
        self._state = _State.CLOSED
        owned = (
            [] if self._borrowed is not None else [self._reads, self._pushes, self._fresh_pushes]
        )
        self._reads = self._pushes = self._fresh_pushes = None
        sessions = [session for session in owned if session is not None]
        home = self.loop
        if home is None:
            return  # never used: nothing is open, nothing waits
        if home is asyncio.get_running_loop():
            self._closing.set()
            await _close_all(sessions)
        elif home.is_running():
            home.call_soon_threadsafe(self._closing.set)
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_close_all(sessions), home))
        elif sessions:
            raise EventLoopError(
                "aclose() could not close this CodatSyncExpenses client's connections: the "
                "event loop they belong to is no longer running; close the client inside "
                "the loop that used it"
            )

    def _fresh_push_session(self) -> aiohttp.ClientSession:
        """The session that gives each push a connection of its own, made when first needed."""
        self._fresh_pushes = _own_session(
            aiohttp.TCPConnector(limit=self._max_connections, force_close=True), traced=True
        )
        return self._fresh_pushes


def attempt_timeout(left: float, connect: float) -> aiohttp.ClientTimeout:
    """The attempt's aiohttp timeout: ``left`` seconds in all, ``connect`` at most to connect."""
    # Rounded up to whole milliseconds, so that an attempt that waited for no slot
    # reuses one object (aiohttp itself rounds a total of 5 s or more up to whole
    # seconds of the loop's clock).
    total = max(math.ceil(left * 1000), 1) / 1000
    return _timeout_of(total, min(connect, total))


@functools.lru_cache(maxsize=64)
def _timeout_of(total: float, connect: float) -> aiohttp.ClientTimeout:
    # connect bounds only the TCP/TLS connect; total bounds the attempt.
    return aiohttp.ClientTimeout(total=total, sock_connect=connect)


def was_sent(progress: Progress | None) -> bool:
    """Whether a request's headers went out; unknown (untraced) counts as sent, so that a
    push is then never repeated."""
    return progress is None or progress.get("sent", False)


class _Dropped(aiohttp.ClientError):
    """A dropped connection, re-raised under a type aiohttp's resend loop lets through."""


def as_raised(exc: aiohttp.ClientError) -> BaseException:
    """The error as aiohttp raised it, before ``_send_once`` re-raised a dropped connection."""
    return exc.__cause__ if isinstance(exc, _Dropped) and exc.__cause__ is not None else exc


# aiohttp re-sends GET and PUT once, on its own, when a connection drops
# (ClientOSError, ServerDisconnectedError): a Codat PUT is a push, and a GET
# would get one attempt more than max_retries. Only the SDK retries: a middleware
# (_send_once) stops aiohttp's re-send, set once on a session made here and per
# request on a borrowed one. aiohttp's private ``_retry_connection`` would do it
# too, and measured no faster (`nox -s bench`), so the public API is used.
def _own_session(connector: aiohttp.TCPConnector, *, traced: bool = False) -> aiohttp.ClientSession:
    """A session made here: the SDK's own errors, retries and size limit apply, set once."""
    return aiohttp.ClientSession(
        connector=connector,
        trace_configs=[_progress_trace()] if traced else None,
        raise_for_status=False,
        auto_decompress=False,
        middlewares=(_send_once,),
    )


async def _send_once(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """aiohttp's own re-send of a request whose connection dropped, stopped: the drop
    goes on under a type its resend loop lets through."""
    try:
        return await handler(request)
    except aiohttp.ClientConnectorError:
        raise  # no connection was made: aiohttp does not resend these, nothing was sent
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
        raise _Dropped(str(exc) or type(exc).__name__) from exc


# Whatever a borrowed session was made with: the SDK's own errors, retries and
# size limit apply.
_BORROWED_OPTIONS: dict[str, Any] = {
    "raise_for_status": False,
    "auto_decompress": False,
    "middlewares": (_send_once,),
}


def _pool_for(session: aiohttp.ClientSession | None, max_connections: int) -> Slots | None:
    # As many slots as the pool has connections to one host; none for an unlimited pool.
    if session is None:
        return Slots(max_connections)
    connector = session.connector
    limits = [n for n in (connector.limit, connector.limit_per_host) if n] if connector else []
    return Slots(min(limits)) if limits else None


def _progress_trace() -> aiohttp.TraceConfig:
    config = aiohttp.TraceConfig()
    config.on_request_headers_sent.append(_noting("sent"))
    config.on_connection_reuseconn.append(_noting("reused"))
    return config


def _noting(
    key: str,
) -> Callable[[aiohttp.ClientSession, SimpleNamespace, object], Awaitable[None]]:
    """A trace callback that sets ``key`` in the request's ``Progress``, if it has one."""

    async def note(
        session: aiohttp.ClientSession, context: SimpleNamespace, params: object
    ) -> None:
        if context.trace_request_ctx is not None:
            context.trace_request_ctx[key] = True

    return note


async def _close_all(sessions: list[aiohttp.ClientSession]) -> None:
    for session in sessions:
        await session.close()

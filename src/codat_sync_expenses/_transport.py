"""HTTP over aiohttp: one ``request()`` that returns status, headers and body bytes.

It owns the session lifecycle, timeouts, the response size limit and retries,
and turns aiohttp's exceptions into the SDK's. It knows nothing of Codat's
resources or models.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import logging
import math
import re
import time
import zlib
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from types import SimpleNamespace
from typing import Any

import aiohttp
import attrs
from aiohttp import hdrs
from multidict import CIMultiDict
from yarl import URL

from . import _clock
from ._constants import (
    DEFAULT_MAX_CONNECTIONS,
    FRESH_PUSHES_AFTER_LOSS,
    PUSH_IDLE_REUSE,
)
from ._retry import RetryPolicy, backoff, may_retry, retry_after_seconds
from ._slots import Slots
from .errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    EventLoopError,
    PoolTimeoutError,
    ResponseDecodeError,
    ResponseTooLargeError,
)
from .limits import CompanyLimiter

logger = logging.getLogger("codat_sync_expenses")

# The timeout a server announces in its Keep-Alive header, in seconds.
_KEEP_ALIVE_TIMEOUT = re.compile(r"\btimeout\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
# Only encodings the SDK can decode within max_response_bytes (zlib streams).
ACCEPT_ENCODING = "gzip, deflate"


class _State(enum.Enum):
    UNOPENED = "unopened"
    OPENED = "opened"
    CLOSED = "closed"


@attrs.define  # not frozen: a frozen attrs class costs a microsecond more per response
class Response:
    """A complete HTTP answer."""

    status: int
    # Neither is shown: an error page, or a header, may echo the key.
    headers: Mapping[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)


class Secret(str):
    """A str whose repr is redacted: locals dumps, reprs and debuggers never show it.

    It still goes on the wire as itself, being a str.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


class _Dropped(aiohttp.ClientError):
    """A dropped connection, re-raised under a type aiohttp's resend loop lets through."""


# aiohttp re-sends GET and PUT once, on its own, when a connection drops
# (ClientOSError, ServerDisconnectedError): a Codat PUT is a push, and a GET
# would get one attempt more than max_retries. Only the SDK retries: a session
# made here says so once, a borrowed one per request (_send_once).
def _own_session(
    connector: aiohttp.TCPConnector, trace_configs: list[aiohttp.TraceConfig] | None = None
) -> aiohttp.ClientSession:
    """A session made here: the SDK's own errors, retries and size limit apply.

    Set once on the session, they cost nothing per request. ``_retry_connection``
    is private to aiohttp (its own test client sets it); tests/test_pushes_once.py
    fails the day it stops working.
    """
    session = aiohttp.ClientSession(
        connector=connector,
        trace_configs=trace_configs,
        raise_for_status=False,
        auto_decompress=False,
    )
    session._retry_connection = False
    return session


async def _send_once(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """A borrowed session's re-send, stopped per request by a middleware."""
    try:
        return await handler(request)
    except aiohttp.ClientConnectorError:
        raise  # no connection was made: aiohttp does not resend these, nothing was sent
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
        raise _Dropped(str(exc) or type(exc).__name__) from exc


# Whatever a borrowed session was made with: the SDK's own errors, retries and
# size limit apply.
_BORROWED_SESSION_OVERRIDES: dict[str, Any] = {
    "raise_for_status": False,
    "auto_decompress": False,
    "middlewares": (_send_once,),
}
_NO_SLOT: AbstractAsyncContextManager[None] = contextlib.nullcontext()


class Transport:
    """Sends requests to one base URL with one credential over aiohttp.

    With no ``session`` given it makes its own on first use, and everything
    belongs to the event loop of the first request. Reads share a keep-alive
    pool: a read lost on a connection the server was closing is simply retried.
    A push must never be sent twice, so it may only go where losing it is
    unlikely, and, when lost, it is sent again only if provably unsent:

    - Pushes have a pool of their own whose connections are reused only while
      idle for less than ``PUSH_IDLE_REUSE`` (1 s; halved again to half of what a
      server announces in ``Keep-Alive: timeout=N``), well inside the idle timeout
      after which servers close them. An older one is closed, and the push takes a
      fresh connection. (Go's net/http, urllib3 and httpcore reuse any idle
      connection and re-send only idempotent requests; OkHttp retries a POST on a
      stale connection. A push is not idempotent here, so its risk is bounded first.)
    - A push whose headers were never written (no connection, a stale connection
      found closed before writing) is retried as before: nothing reached Codat.
    - A push lost after it was written is never re-sent: the error says it may
      have happened (``request_sent=True``). If that happened on a reused
      connection, the server closes connections in a way that races with pushes,
      so for ``FRESH_PUSHES_AFTER_LOSS`` (10 minutes) each push takes a fresh
      connection again, as all did before pooled pushes.
    """

    def __init__(
        self,
        *,
        base_url: str,
        authorization: Secret,
        user_agent: str,
        session: aiohttp.ClientSession | None,
        timeout: float,
        connect_timeout: float,
        retry: RetryPolicy,
        max_response_bytes: int,
        limiter: CompanyLimiter | None = None,
        max_connections: int | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        # Built once as aiohttp's own type: it copies them per request, never converts.
        self._headers = CIMultiDict(
            {
                "Authorization": authorization,
                "Accept": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,
                "User-Agent": user_agent,
            }
        )
        self._body_headers = CIMultiDict(self._headers, **{"Content-Type": "application/json"})
        self._borrowed = session
        # A session made here has these settings; a borrowed one gets them per request.
        self._session_overrides = {} if session is None else _BORROWED_SESSION_OVERRIDES
        self._reads: aiohttp.ClientSession | None = session
        self._pushes: aiohttp.ClientSession | None = session
        # A fresh connection per push, made once a push is lost on a reused connection.
        self._fresh_pushes: aiohttp.ClientSession | None = None
        self._fresh_until = 0.0
        self._state = _State.UNOPENED
        # Set by aclose(): wakes the requests waiting to be retried.
        self._closing = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pool: Slots | None = None
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        self._retry = retry
        self._max_response_bytes = max_response_bytes
        self._limiter = limiter
        self._max_connections = max_connections or DEFAULT_MAX_CONNECTIONS

    def __repr__(self) -> str:
        return f"Transport(base_url={self._base_url!r})"

    @property
    def closed(self) -> bool:
        """Whether ``aclose()`` was called."""
        return self._state is _State.CLOSED

    async def aclose(self) -> None:
        """Close the sessions this transport made; a borrowed one stays open.

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
        home = self._loop
        if home is None:
            return  # never used: nothing is open, nothing waits
        if home is asyncio.get_running_loop():
            self._closing.set()
            await _close_all(sessions)
        elif home.is_running():
            home.call_soon_threadsafe(self._closing.set)
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_close_all(sessions), home))
        elif not sessions:
            return
        else:
            raise EventLoopError(
                "aclose() could not close this CodatSyncExpenses client's connections: the "
                "event loop they belong to is no longer running; close the client inside "
                "the loop that used it"
            )

    def _open(self, push: bool) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._state is _State.CLOSED:
            raise ClientClosedError("this CodatSyncExpenses client is closed")
        if self._loop is None:
            self._loop = loop
            self._pool = _pool_for(self._borrowed, self._max_connections)
            if self._borrowed is None:
                self._reads = _own_session(aiohttp.TCPConnector(limit=self._max_connections))
                # Pooled, but only while recently used (the class docstring says why).
                # Traced, so that a push known not to have gone out can be sent again.
                self._pushes = _own_session(
                    aiohttp.TCPConnector(
                        limit=self._max_connections, keepalive_timeout=PUSH_IDLE_REUSE
                    ),
                    trace_configs=[_progress_trace()],
                )
            self._state = _State.OPENED
        elif self._loop is not loop:
            raise EventLoopError(
                "this CodatSyncExpenses client was first used in another event loop, "
                + (
                    "which is now closed (an earlier asyncio.run(), or another test's loop)"
                    if self._loop.is_closed()
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
            raise ClientClosedError(_BORROWED_SESSION_CLOSED)
        return session

    def _fresh_push_session(self) -> aiohttp.ClientSession:
        """The session that gives each push a connection of its own, made when first needed."""
        self._fresh_pushes = _own_session(
            aiohttp.TCPConnector(limit=self._max_connections, force_close=True),
            trace_configs=[_progress_trace()],
        )
        return self._fresh_pushes

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: bytes | None = None,
        idempotent: bool,
        timeout: float | None = None,
        max_retries: int | None = None,
        limit_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Send one request, retrying only where running it twice can do no harm.

        ``idempotent`` requests are retried on connection errors, timeouts and
        429/500/502/503/504; others only when the server provably did not
        process them: no connection was made, or it answered 429/503. A TLS
        certificate failure is never retried. Redirects are never followed.
        With ``limit_key``, each attempt holds one of the limiter's slots for
        that key, released before any retry's wait. ``extra_headers`` are sent
        besides (or instead of) the client's own.
        """
        session = self._open(push=not idempotent)
        loop = self._loop
        assert loop is not None  # set by _open
        url = URL(self._base_url + path, encoded=True)
        if params:
            url = url.with_query(params)
        headers = self._headers if body is None else self._body_headers
        if extra_headers:
            headers = CIMultiDict(headers)
            headers.update(extra_headers)
        timeout = self._timeout if timeout is None else timeout
        retries_left = self._retry.max_retries if max_retries is None else max_retries
        wait_left = self._retry.max_wait
        limiter = self._limiter
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            # Waiting for a company slot, then a connection, counts against the attempt's timeout.
            deadline = loop.time() + timeout
            slot = (
                _NO_SLOT
                if limiter is None or limit_key is None
                else limiter.slot(limit_key, timeout=timeout)
            )
            outcome: Response | APIConnectionError
            try:
                async with slot:
                    outcome = await self._send(session, method, url, path, headers, body, deadline)
            except PoolTimeoutError as exc:
                # It already waited the whole timeout without sending anything: no retry.
                if exc.method:  # the connection pool's: it already names the request
                    raise
                raise PoolTimeoutError(
                    f"{method} {path}: {exc}", method=method, path=path
                ) from None
            except APIConnectionError as exc:
                outcome = exc
            if isinstance(outcome, Response):
                status: int | None = outcome.status
                sent, certificate_failed = True, False
            else:
                status, sent = None, outcome.request_sent
                certificate_failed = isinstance(
                    outcome.__cause__, aiohttp.ClientConnectorCertificateError
                )
            retryable = may_retry(
                idempotent=idempotent,
                status=status,
                request_sent=sent,
                certificate_failed=certificate_failed,
            )
            after = (
                retry_after_seconds(outcome.headers)
                if retryable and isinstance(outcome, Response)
                else None
            )
            if logger.isEnabledFor(logging.DEBUG):
                self._log(method, path, status, started, attempt)
            if retryable and retries_left > 0:
                delay = backoff(attempt) if after is None else after
                if delay <= wait_left:
                    retries_left -= 1
                    wait_left -= delay
                    logger.info(
                        "%s %s: retrying after %s, attempt %d, wait %.3fs",
                        method,
                        path,
                        status if status is not None else "a connection error",
                        attempt + 1,
                        delay,
                    )
                    if await self._closed_while_waiting(delay):
                        last = _last_attempt(outcome, idempotent)
                        raise ClientClosedError(
                            f"{method} {path}: this CodatSyncExpenses client was closed while "
                            f"the request waited to be retried; {last}"
                        ) from (None if isinstance(outcome, Response) else outcome)
                    continue
            if isinstance(outcome, Response):
                return outcome
            if not idempotent and outcome.request_sent:
                # HTTP cannot tell whether Codat got it: say so where the caller reads.
                outcome.args = (f"{outcome.args[0]}; {_PUSH_MAY_HAVE_LANDED}", *outcome.args[1:])
            raise outcome

    async def _closed_while_waiting(self, delay: float) -> bool:
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

    @staticmethod
    def _log(method: str, path: str, status: int | None, started: float, attempt: int) -> None:
        logger.debug(
            "%s %s -> %s in %.1f ms (attempt %d)",
            method,
            path,
            status if status is not None else "no response",
            (time.perf_counter() - started) * 1000,
            attempt,
        )

    async def _send(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: URL,
        path: str,
        headers: CIMultiDict[str],
        body: bytes | None,
        deadline: float,
    ) -> Response:
        loop = self._loop
        assert loop is not None  # set by _open
        pool = self._pool
        # The SDK queues for a connection itself, so that a wait that runs out
        # is known not to have sent anything (aiohttp's own pool wait is not).
        if (
            pool is not None
            and not pool.take_now()
            and not await pool.take(timeout := max(deadline - loop.time(), 0.0))
        ):
            raise PoolTimeoutError(
                f"{method} {path}: waited {timeout:.3g}s for a free connection; "
                "the request was not sent",
                method=method,
                path=path,
            )
        # Only the push session made here reports when the headers went out (a read
        # is retried either way); otherwise a failure once a connection was asked
        # for counts as sent.
        progress: dict[str, bool] | None = (
            {} if self._borrowed is None and session in (self._pushes, self._fresh_pushes) else None
        )
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=_client_timeout(deadline - loop.time(), self._connect_timeout),
                allow_redirects=False,  # nothing goes to another host
                trace_request_ctx=progress,
                **self._session_overrides,
            ) as response:
                if progress is not None and "Keep-Alive" in response.headers:
                    self._heed_keep_alive(response.headers["Keep-Alive"])
                return Response(
                    status=response.status,
                    headers=response.headers,
                    body=await self._read(response, method, path),
                )
        # Order matters. ConnectionTimeoutError is also an asyncio.TimeoutError and a
        # ServerTimeoutError, but it alone means nothing was sent. ClientConnectorError
        # (refused, DNS, TLS) is a ClientError too, but no connection was made. What is
        # left of ClientError (reset, cut, _Dropped) happened on an open connection.
        except aiohttp.ConnectionTimeoutError as exc:
            raise _connection_error(
                APITimeoutError, "connecting timed out", exc, method, path, request_sent=False
            ) from exc
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            sent = _sent(progress)
            raise _connection_error(
                APITimeoutError,
                "timed out" if sent else "timed out before the request was sent",
                exc,
                method,
                path,
                request_sent=sent,
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise _connection_error(
                APIConnectionError, "could not connect", exc, method, path, request_sent=False
            ) from exc
        except aiohttp.ClientError as exc:
            if self._state is _State.CLOSED:
                raise ClientClosedError(_CLOSED_IN_FLIGHT) from exc
            if progress is not None and progress.get("reused") and _sent(progress):
                self._lost_on_reused_connection(method, path)
            raise _connection_error(
                APIConnectionError,
                "connection failed",
                exc,
                method,
                path,
                request_sent=_sent(progress),
            ) from exc
        except RuntimeError as exc:
            # aiohttp raises a bare RuntimeError for a request on a closed session.
            if self._state is _State.CLOSED:
                raise ClientClosedError(_CLOSED_IN_FLIGHT) from exc
            if session.closed:
                raise ClientClosedError(_BORROWED_SESSION_CLOSED) from exc
            # Otherwise aiohttp's RuntimeErrors are all one mistake: a session used
            # from a loop other than its own ("Timeout context manager should be
            # used inside a task", "Event loop is closed", "attached to a different loop").
            raise EventLoopError(
                f"{method} {path}: the aiohttp session given to CodatSyncExpenses belongs "
                f"to another event loop ({exc}); pass a session made in the loop that uses "
                "the client"
            ) from exc
        finally:
            if pool is not None:
                pool.give_back()

    def _lost_on_reused_connection(self, method: str, path: str) -> None:
        loop = self._loop
        assert loop is not None  # set by _open
        self._fresh_until = loop.time() + FRESH_PUSHES_AFTER_LOSS
        logger.warning(
            "%s %s: a push was lost on a reused connection after it was sent; each push "
            "takes a fresh connection for the next %.0f s",
            method,
            path,
            FRESH_PUSHES_AFTER_LOSS,
        )

    def _heed_keep_alive(self, value: str) -> None:
        """Reuse push connections only while idle for under half the server's announced
        ``Keep-Alive: timeout=N``. ``_keepalive_timeout`` is private to aiohttp (its
        connector drops a connection idle longer when asked for one); a test pins it."""
        found = _KEEP_ALIVE_TIMEOUT.search(value)
        if found is None or self._pushes is None:
            return
        connector = self._pushes.connector
        bound = float(found[1]) / 2
        current = getattr(connector, "_keepalive_timeout", None)
        if isinstance(current, (int, float)) and bound < current:
            connector._keepalive_timeout = bound  # type: ignore[union-attr]

    async def _read(self, response: aiohttp.ClientResponse, method: str, path: str) -> bytes:
        """The decoded body, refused as soon as it grows past max_response_bytes."""
        limit = self._max_response_bytes
        encoding = response.headers.get(hdrs.CONTENT_ENCODING)
        encoding = "identity" if encoding is None else encoding.strip().lower() or "identity"
        try:
            if encoding == "identity" and (length := response.content_length) is not None:
                if length > limit:
                    raise _TooLargeError  # refused unread
                return await response.read()
            decoded = _decoded(response.content.iter_any(), encoding, limit)
            chunks = [chunk async for chunk in decoded]
        except _TooLargeError:
            raise ResponseTooLargeError(
                f"{method} {path}: response body is larger than max_response_bytes={limit}"
                + ("" if encoding == "identity" else f" once decoded from {encoding}"),
                method=method,
                path=path,
                status_code=response.status,
                body="",
                headers=response.headers,
            ) from None
        except (_UndecodableError, zlib.error) as exc:
            raise ResponseDecodeError(
                f"{method} {path}: response body could not be decoded: {exc}",
                method=method,
                path=path,
                status_code=response.status,
                body="",
                headers=response.headers,
            ) from None
        return b"".join(chunks)


_PUSH_MAY_HAVE_LANDED = (
    "the push was sent and may or may not have reached Codat: look the record up (or list "
    "the company's push operations) before pushing it again"
)
_BORROWED_SESSION_CLOSED = "the aiohttp session given to CodatSyncExpenses was closed by its owner"
_CLOSED_IN_FLIGHT = (
    "this CodatSyncExpenses client was closed while the request was in flight; "
    "it may or may not have reached Codat"
)


def _last_attempt(outcome: Response | APIConnectionError, idempotent: bool) -> str:
    # A push is retried only when Codat provably did not process it.
    if isinstance(outcome, Response):
        return f"its last attempt was answered {outcome.status}" + (
            "" if idempotent else ", so Codat did not process it"
        )
    return "its last attempt got no answer" if outcome.request_sent else "it was not sent"


def _pool_for(session: aiohttp.ClientSession | None, max_connections: int) -> Slots | None:
    # As many slots as the pool has connections to one host; none for an unlimited pool.
    if session is None:
        return Slots(max_connections)
    connector = session.connector
    limits = [n for n in (connector.limit, connector.limit_per_host) if n] if connector else []
    return Slots(min(limits)) if limits else None


def _client_timeout(left: float, connect: float) -> aiohttp.ClientTimeout:
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


def _progress_trace() -> aiohttp.TraceConfig:
    config = aiohttp.TraceConfig()
    config.on_request_headers_sent.append(_headers_sent)
    config.on_connection_reuseconn.append(_reused)
    return config


async def _reused(
    session: aiohttp.ClientSession,
    context: SimpleNamespace,
    params: aiohttp.TraceConnectionReuseconnParams,
) -> None:
    if context.trace_request_ctx is not None:
        context.trace_request_ctx["reused"] = True


async def _headers_sent(
    session: aiohttp.ClientSession,
    context: SimpleNamespace,
    params: aiohttp.TraceRequestHeadersSentParams,
) -> None:
    if context.trace_request_ctx is not None:
        context.trace_request_ctx["sent"] = True


def _sent(progress: dict[str, bool] | None) -> bool:
    # Unknown (a borrowed session) counts as sent: a push is then never repeated.
    return progress is None or progress.get("sent", False)


async def _close_all(sessions: list[aiohttp.ClientSession]) -> None:
    for session in sessions:
        await session.close()


class _TooLargeError(Exception):
    pass


class _UndecodableError(Exception):
    pass


async def _decoded(chunks: AsyncIterator[bytes], encoding: str, limit: int) -> AsyncIterator[bytes]:
    # zlib is told how much it may produce, so a small bomb never inflates past the limit.
    if encoding == "identity":
        inflate = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflate = zlib.decompressobj(wbits=47)  # 32+15: a gzip or zlib header, detected
    else:
        raise _UndecodableError(f"unsupported Content-Encoding {encoding!r}")
    size = 0
    async for chunk in chunks:
        out = chunk if inflate is None else inflate.decompress(chunk, limit - size + 1)
        size += len(out)
        if size > limit:
            raise _TooLargeError
        yield out
    if inflate is not None:
        tail = inflate.flush()
        if size + len(tail) > limit:
            raise _TooLargeError
        if not inflate.eof:
            raise _UndecodableError(f"truncated {encoding} stream")
        yield tail


def _connection_error(
    kind: type[APIConnectionError],
    what: str,
    exc: BaseException,
    method: str,
    path: str,
    *,
    request_sent: bool,
) -> APIConnectionError:
    detail = str(exc) or type(exc).__name__
    return kind(
        f"{method} {path}: {what}: {detail}", method=method, path=path, request_sent=request_sent
    )

"""HTTP over aiohttp: one ``request()`` that returns status, headers and body bytes.

It runs the attempts (what is retried, and when, is ``_retry``'s to say) and turns
aiohttp's exceptions into the SDK's in one table (``_send``). Sessions and their
pools are ``_sessions``', reading a body is ``_body``'s. It knows nothing of
Codat's resources or models.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager

import aiohttp
import attrs
from multidict import CIMultiDict
from yarl import URL

from ._auth import Secret
from ._body import ACCEPT_ENCODING, read_body
from ._retry import RetryPolicy, retry_after_seconds
from ._sessions import BORROWED_SESSION_CLOSED, Sessions, as_raised, attempt_timeout, was_sent
from .errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    EventLoopError,
    PoolTimeoutError,
)
from .limits import CompanyLimiter

logger = logging.getLogger("codat_sync_expenses")


@attrs.define  # not frozen: a frozen attrs class costs a microsecond more per response
class Response:
    """A complete HTTP answer."""

    status: int
    # Neither is shown: an error page, or a header, may echo the key.
    headers: Mapping[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)
    retry_after: float | None = None
    """``Retry-After`` in seconds, read once from an answer that is not a success."""


_NO_SLOT: AbstractAsyncContextManager[None] = contextlib.nullcontext()


class Transport:
    """Sends requests to one base URL with one credential over aiohttp.

    With no ``session`` given it makes its own on first use, and everything
    belongs to the event loop of the first request (``_sessions`` says how reads
    and pushes are pooled). A push lost after it was written is never re-sent:
    the error says it may have happened (``request_sent=True``).
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
        self._sessions = Sessions(session, max_connections)
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        self._retry = retry
        self._max_response_bytes = max_response_bytes
        self._limiter = limiter

    def __repr__(self) -> str:
        return f"Transport(base_url={self._base_url!r})"

    @property
    def closed(self) -> bool:
        """Whether ``aclose()`` was called."""
        return self._sessions.closed

    async def aclose(self) -> None:
        """Close the sessions this transport made; a borrowed one stays open."""
        await self._sessions.aclose()

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
        session = self._sessions.open(push=not idempotent)
        loop = self._sessions.loop
        assert loop is not None  # set by open()
        url = URL(self._base_url + path, encoded=True)
        if params:
            url = url.with_query(params)
        headers = self._headers if body is None else self._body_headers
        if extra_headers:
            headers = CIMultiDict(headers)
            headers.update(extra_headers)
        timeout = self._timeout if timeout is None else timeout
        waited = 0.0
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
            status: int | None = None
            retry_after: float | None = None
            if isinstance(outcome, Response):
                status, retry_after = outcome.status, outcome.retry_after
                sent, certificate_failed = True, False
            else:
                sent = outcome.request_sent
                certificate_failed = isinstance(
                    outcome.__cause__, aiohttp.ClientConnectorCertificateError
                )
            wait = self._retry.wait_before_retry(
                attempt,
                waited,
                idempotent=idempotent,
                status=status,
                retry_after=retry_after,
                request_sent=sent,
                certificate_failed=certificate_failed,
                max_retries=max_retries,
            )
            if logger.isEnabledFor(logging.DEBUG):
                self._log(method, path, status, started, attempt)
            if wait is not None:
                waited += wait
                logger.info(
                    "%s %s: retrying after %s, attempt %d, wait %.3fs",
                    method,
                    path,
                    status if status is not None else "a connection error",
                    attempt + 1,
                    wait,
                )
                if await self._sessions.closed_while_waiting(wait):
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
        loop = self._sessions.loop
        assert loop is not None  # set by open()
        pool = self._sessions.pool
        # The SDK queues for a connection itself, so that a wait that runs out
        # is known not to have sent anything (aiohttp's own pool wait is not).
        if pool is not None and not pool.take_now():
            await self._sessions.queue_for_connection(pool, deadline, method, path)
        progress = self._sessions.progress(session)
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=attempt_timeout(deadline - loop.time(), self._connect_timeout),
                allow_redirects=False,  # nothing goes to another host
                trace_request_ctx=progress,
                **self._sessions.request_options,
            ) as response:
                if progress is not None and "Keep-Alive" in response.headers:
                    self._sessions.heed_keep_alive(response.headers["Keep-Alive"])
                status = response.status
                return Response(
                    status=status,
                    headers=response.headers,
                    body=await read_body(response, method, path, self._max_response_bytes),
                    retry_after=None if status < 300 else retry_after_seconds(response.headers),
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
            sent = was_sent(progress)
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
        except aiohttp.ClientError as caught:
            raised = as_raised(caught)
            if self._sessions.closed:
                raise ClientClosedError(_CLOSED_IN_FLIGHT) from raised
            self._sessions.lost_after_sending(progress, method, path)
            raise _connection_error(
                APIConnectionError,
                "connection failed",
                raised,
                method,
                path,
                request_sent=was_sent(progress),
            ) from raised
        except RuntimeError as exc:
            # aiohttp raises a bare RuntimeError for a request on a closed session.
            if self._sessions.closed:
                raise ClientClosedError(_CLOSED_IN_FLIGHT) from exc
            if session.closed:
                raise ClientClosedError(BORROWED_SESSION_CLOSED) from exc
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


_PUSH_MAY_HAVE_LANDED = (
    "the push was sent and may or may not have reached Codat: look the record up (or list "
    "the company's push operations) before pushing it again"
)
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

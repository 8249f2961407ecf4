"""HTTP over aiohttp: one ``request()`` that returns status, headers and body bytes.

It owns the session lifecycle, timeouts, the response size limit and retries,
and turns aiohttp's exceptions into the SDK's. It knows nothing of Codat's
resources or models.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Mapping

import aiohttp
import attrs
from yarl import URL

from . import _clock
from .errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    PoolTimeoutError,
    ResponseTooLargeError,
)
from .limits import CompanyLimiter

logger = logging.getLogger("codat_sync_expenses")

# Statuses worth another try for a request that may safely run twice (GET).
RETRY_STATUSES_IDEMPOTENT = frozenset({429, 500, 502, 503, 504})
# Statuses that prove a push was not processed, so it may be sent again.
RETRY_STATUSES_UNPROCESSED = frozenset({429, 503})
BACKOFF_INITIAL = 0.5
BACKOFF_MAX = 8.0
_BORROWED_SESSION_CLOSED = "the aiohttp session given to CodatSyncExpenses is closed"


@attrs.frozen
class Response:
    """A complete HTTP answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes


@attrs.frozen
class RetryPolicy:
    """How often and how long to retry; ``max_wait`` caps the sleep summed over retries."""

    max_retries: int = 2
    max_wait: float = 30.0


class Secret(str):
    """A str whose repr is redacted: locals dumps, reprs and debuggers never show it.

    It still goes on the wire as itself, being a str.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Parse ``Retry-After`` as seconds or an HTTP date; None when absent or unreadable."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Transport:
    """Sends requests to one base URL with one credential over one aiohttp session."""

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
        self._headers = {
            "Authorization": authorization,
            "Accept": "application/json",
            "User-Agent": user_agent,
        }
        self._body_headers = {**self._headers, "Content-Type": "application/json"}
        self._session = session
        self._owns_session = session is None
        self._closed = False
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=connect_timeout)
        self._connect_timeout = connect_timeout
        self._retry = retry
        self._max_response_bytes = max_response_bytes
        self._limiter = limiter
        self._max_connections = max_connections

    def __repr__(self) -> str:
        return f"Transport(base_url={self._base_url!r})"

    @property
    def closed(self) -> bool:
        """Whether ``aclose()`` was called."""
        return self._closed

    async def aclose(self) -> None:
        """Close the session if this transport created it; a borrowed one stays open."""
        self._closed = True
        session, self._session = self._session, None
        if self._owns_session and session is not None:
            await session.close()

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError("this CodatSyncExpenses client is closed")
        if self._session is None:
            # Created on first use, inside the running loop that will use it.
            connector = (
                None
                if self._max_connections is None
                else aiohttp.TCPConnector(limit=self._max_connections)
            )
            self._session = aiohttp.ClientSession(timeout=self._timeout, connector=connector)
        elif self._session.closed:
            raise ClientClosedError(_BORROWED_SESSION_CLOSED)
        return self._session

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
    ) -> Response:
        """Send one request, retrying only where running it twice can do no harm.

        ``idempotent`` requests are retried on connection errors, timeouts and
        429/500/502/503/504; others only when the server provably did not
        process them: no connection was made, or it answered 429/503.
        With ``limit_key``, each attempt holds one of the limiter's slots for
        that key, released before any retry's wait.
        """
        session = self._get_session()
        url = URL(self._base_url + path, encoded=True)
        if params:
            url = url.with_query(params)
        headers = self._headers if body is None else self._body_headers
        client_timeout = (
            self._timeout
            if timeout is None
            else aiohttp.ClientTimeout(total=timeout, connect=min(timeout, self._connect_timeout))
        )
        retries_left = self._retry.max_retries if max_retries is None else max_retries
        wait_left = self._retry.max_wait
        retry_statuses = RETRY_STATUSES_IDEMPOTENT if idempotent else RETRY_STATUSES_UNPROCESSED
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            outcome: Response | APIConnectionError
            try:
                outcome = await self._attempt(
                    session, method, url, path, headers, body, client_timeout, limit_key
                )
            except PoolTimeoutError:
                raise  # it already waited the whole timeout without sending anything
            except APIConnectionError as exc:
                outcome = exc
            if isinstance(outcome, Response):
                status: int | None = outcome.status
                retryable = outcome.status in retry_statuses
                after = retry_after_seconds(outcome.headers) if retryable else None
            else:
                status = None
                retryable = idempotent or not outcome.request_sent
                after = None
            self._log(method, path, status, started, attempt)
            if retryable and retries_left > 0:
                delay = self._backoff(attempt) if after is None else after
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
                    await _clock.sleep(delay)
                    continue
            if isinstance(outcome, Response):
                return outcome
            raise outcome

    @staticmethod
    def _backoff(attempt: int) -> float:
        # Exponential backoff with full jitter.
        return random.uniform(0, min(BACKOFF_MAX, BACKOFF_INITIAL * 2 ** (attempt - 1)))  # noqa: S311

    @staticmethod
    def _log(method: str, path: str, status: int | None, started: float, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s in %.1f ms (attempt %d)",
                method,
                path,
                status if status is not None else "no response",
                (time.perf_counter() - started) * 1000,
                attempt,
            )

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: URL,
        path: str,
        headers: dict[str, str],
        body: bytes | None,
        timeout: aiohttp.ClientTimeout,
        limit_key: str | None,
    ) -> Response:
        if self._limiter is None or limit_key is None:
            return await self._send(session, method, url, path, headers, body, timeout)
        queued = time.monotonic()
        try:
            async with self._limiter.slot(limit_key, timeout=timeout.total):
                if timeout.total is not None:
                    # The wait for a slot counts against the attempt's total timeout.
                    left = timeout.total - (time.monotonic() - queued)
                    timeout = aiohttp.ClientTimeout(total=max(left, 0.001), connect=timeout.connect)
                return await self._send(session, method, url, path, headers, body, timeout)
        except PoolTimeoutError as exc:
            if exc.method:  # the connection pool's: it already names the request
                raise
            raise PoolTimeoutError(f"{method} {path}: {exc}", method=method, path=path) from None

    async def _send(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: URL,
        path: str,
        headers: dict[str, str],
        body: bytes | None,
        timeout: aiohttp.ClientTimeout,
    ) -> Response:
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return Response(
                    status=response.status,
                    headers=response.headers,
                    body=await self._read(response, method, path),
                )
        except aiohttp.ConnectionTimeoutError as exc:
            raise _connection_error(
                APITimeoutError, "connecting timed out", exc, method, path, request_sent=False
            ) from exc
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise _connection_error(
                APITimeoutError, "timed out", exc, method, path, request_sent=True
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise _connection_error(
                APIConnectionError, "could not connect", exc, method, path, request_sent=False
            ) from exc
        except aiohttp.ClientError as exc:
            raise _connection_error(
                APIConnectionError, "connection failed", exc, method, path, request_sent=True
            ) from exc
        except RuntimeError as exc:
            if session.closed:
                raise ClientClosedError(_BORROWED_SESSION_CLOSED) from exc
            raise

    async def _read(self, response: aiohttp.ClientResponse, method: str, path: str) -> bytes:
        limit = self._max_response_bytes
        length = response.content_length
        if length is not None and length <= limit:
            return await response.read()
        if length is None:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_any():
                size += len(chunk)
                if size > limit:
                    break
                chunks.append(chunk)
            else:
                return b"".join(chunks)
        raise ResponseTooLargeError(
            f"{method} {path}: response body is larger than max_response_bytes={limit}",
            method=method,
            path=path,
            status_code=response.status,
            body="",
        )


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

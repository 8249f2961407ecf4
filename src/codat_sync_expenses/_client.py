"""``CodatSyncExpenses``: the one object an application holds."""

from __future__ import annotations

import functools
import ipaddress
import os
from types import TracebackType

import aiohttp
from yarl import URL

from . import _auth, _logs
from . import _params as check
from ._api import API
from ._blocking import BlockingLoop
from ._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT,
    DEFAULT_TIMEOUT,
)
from ._retry import RetryPolicy
from ._transport import Transport
from ._version import __version__
from .limits import CODAT_MAX_IN_FLIGHT, CompanyLimiter, LocalCompanyLimiter
from .resources.customers import CustomersResource
from .resources.push_operations import PushOperationsResource

__all__ = ["DEFAULT_BASE_URL", "CodatSyncExpenses"]


class CodatSyncExpenses:
    """Async client for Codat's Sync for Expenses customers API.

    Use it as ``async with CodatSyncExpenses(api_key=...) as codat:``, or call
    ``await codat.aclose()`` when done. It creates its own aiohttp session on
    first use, or uses (and never closes) the one passed as ``session``. Code
    without an event loop (Django, Flask, Celery, scripts) calls the blocking
    twins, named without ``_async`` (``codat.customers.get``), and ``codat.close()``.
    """

    customers: CustomersResource
    """Create, get, list and update a company's customers."""

    push_operations: PushOperationsResource
    """Get, list and wait for the push operations that creates and updates return."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        auth_header: str | None = None,
        base_url: str | None = None,
        session: aiohttp.ClientSession | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_connections: int | None = None,
        company_limit: int | CompanyLimiter | None = CODAT_MAX_IN_FLIGHT,
        allow_insecure_http: bool = False,
        app_info: str | None = None,
    ) -> None:
        """Configure the client; nothing is sent and no session is made until the first call.

        ``api_key`` is the raw key (sent as ``Basic base64(key)``); ``auth_header``
        is a ready header value instead; with neither, ``CODAT_API_KEY`` is read.
        ``base_url`` defaults to ``CODAT_BASE_URL`` when set (e.g. the fake's URL in
        tests), else Codat's API.
        ``timeout`` caps each attempt in seconds (waits for a free connection or
        company slot included), ``connect_timeout`` its TCP/TLS connect.
        ``max_retries`` and ``max_retry_wait`` (seconds summed over retries) bound
        retrying. ``max_connections`` caps the connections of the session the
        client makes (aiohttp's default is 100). ``company_limit``
        caps requests in flight per company: a number (Codat allows 10), a
        ``limits.CompanyLimiter`` to share the count (the client does not close
        it), or None for no limit. ``allow_insecure_http`` permits sending the key
        over plain http to a host that is not loopback, e.g. a test proxy.
        ``CODAT_LOG=debug`` (each attempt) or ``info`` (retries) in the environment
        prints the SDK's log lines on stderr. ``app_info`` (e.g. ``"expense-sync/2.1"``)
        is added to the User-Agent, after a borrowed session's own, so that Codat's
        logs name your app.
        """
        # Redact the key arguments first: a traceback with locals shows them otherwise.
        # base_url too, until it is known to carry no password.
        api_key, auth_header = _auth.redacted(api_key), _auth.redacted(auth_header)
        if base_url is None:
            base_url = os.environ.get("CODAT_BASE_URL") or DEFAULT_BASE_URL
        base_url = _auth.redacted(base_url)
        _logs.configure_from_environment()
        self._base_url = _checked_base_url(base_url, allow_insecure_http)
        authorization = _auth.authorization(api_key, auth_header)
        check.seconds("timeout", timeout)
        check.seconds("connect_timeout", connect_timeout)
        check.seconds("max_retry_wait", max_retry_wait, positive=False)
        check.integer("max_retries", max_retries, minimum=0, maximum=check.MAX_RETRIES)
        check.integer("max_response_bytes", max_response_bytes, minimum=1, maximum=check.MAX_BYTES)
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise TypeError(
                f"session must be an aiohttp.ClientSession, not {type(session).__name__}"
            )
        if session is not None and session.auth is not None:
            raise ValueError(
                "session has auth= set; CodatSyncExpenses sends its own Authorization header"
            )
        if max_connections is not None:
            check.integer(
                "max_connections", max_connections, minimum=1, maximum=check.MAX_CONNECTIONS
            )
            if session is not None:
                raise ValueError(
                    "max_connections applies to the session the client makes; "
                    "set the limit on the connector of the session you pass instead"
                )
        self._company_limit = company_limit
        self._new_transport = functools.partial(
            Transport,
            base_url=self._base_url,
            authorization=authorization,
            user_agent=_user_agent(session, app_info),
            session=session,
            timeout=timeout,
            connect_timeout=connect_timeout,
            retry=RetryPolicy(max_retries=max_retries, max_wait=max_retry_wait),
            max_response_bytes=max_response_bytes,
            max_connections=max_connections,
        )
        self._secrets = _auth.secret_forms(authorization)
        self._blocking = BlockingLoop(aclose=self._aclose_blocking, reopen=self._reopen_in_child)
        self._connect()

    def _connect(self) -> None:
        """Make the transport, the limit it owns and the resources: in __init__, and in a
        forked child (which must not share its parent's connections or counts)."""
        limiter = _limiter(self._company_limit)
        self._owned_limiter = limiter if isinstance(self._company_limit, int) else None
        self._transport = self._new_transport(limiter=limiter)
        api = API(self._transport, secrets=self._secrets)
        self.customers = CustomersResource(api, self._blocking)
        self.push_operations = PushOperationsResource(api, self._blocking)

    def _reopen_in_child(self) -> Transport:
        inherited = self._transport
        if not inherited.closed:
            self._connect()
        return inherited

    def __repr__(self) -> str:
        transport = getattr(self, "_transport", None)  # absent while __init__ fails
        state = "open" if transport is not None and not transport.closed else "closed"
        return f"<CodatSyncExpenses base_url={getattr(self, '_base_url', None)!r} {state}>"

    async def aclose(self) -> None:
        """Close the client and the session it created; safe to call more than once."""
        await self._transport.aclose()
        if self._owned_limiter is not None:
            await self._owned_limiter.aclose()

    def close(self) -> None:
        """``aclose()`` for blocking code: close the client and stop its private event loop.

        Also closes a ``limits.CompanyLimiter`` you passed as ``company_limit``: its
        connections belong to this client's private loop, the one place that can
        close them. A client that made blocking calls closes itself at interpreter exit;
        safe to call more than once.
        """
        self._blocking.close()

    async def _aclose_blocking(self) -> None:
        await self.aclose()
        limiter = self._company_limit
        if isinstance(limiter, CompanyLimiter):
            await limiter.aclose()

    async def __aenter__(self) -> CodatSyncExpenses:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


def _user_agent(session: aiohttp.ClientSession | None, app_info: object) -> str:
    """The SDK's product token, after a borrowed session's User-Agent and before the app's."""
    parts = [f"codat-sync-expenses-python/{__version__}"]
    if session is not None and (theirs := session.headers.get("User-Agent")):
        parts.insert(0, theirs)
    if app_info is not None:
        if not isinstance(app_info, str):
            raise TypeError(f"app_info must be a str, not {type(app_info).__name__}")
        if not app_info.strip() or len(app_info) > 200 or not app_info.isprintable():
            raise ValueError("app_info must be 1-200 printable characters, e.g. 'my-app/1.0'")
        if not app_info.isascii():
            raise ValueError("app_info must be ASCII: it goes in the User-Agent header")
        parts.append(app_info)
    return " ".join(parts)


def _limiter(company_limit: object) -> CompanyLimiter | None:
    if company_limit is None or isinstance(company_limit, CompanyLimiter):
        return company_limit
    if isinstance(company_limit, bool) or not isinstance(company_limit, int):
        raise TypeError(
            "company_limit must be an int, a limits.CompanyLimiter or None, "
            f"not {type(company_limit).__name__}"
        )
    check.integer("company_limit", company_limit, minimum=1, maximum=check.MAX_CONNECTIONS)
    return LocalCompanyLimiter(company_limit)


def _checked_base_url(base_url: str, allow_insecure_http: bool) -> str:
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a str, not {type(base_url).__name__}")
    if any(c.isspace() or not c.isprintable() for c in base_url):
        raise ValueError("base_url contains whitespace or a control character")
    try:
        url = URL(base_url)
        url.port  # noqa: B018 - yarl checks the port only when it is read
    except ValueError:
        raise ValueError("base_url is not a valid URL") from None
    if url.raw_user is not None or url.raw_password is not None:
        # Never repeated, and not left in a traceback's locals: it holds a password.
        del url
        raise ValueError("base_url must not contain a user or password; pass the key as api_key")
    base_url = str(base_url)  # a plain str again: it holds no secret
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if "?" in base_url or "#" in base_url:
        raise ValueError(f"base_url must not have a query or fragment, got {base_url!r}")
    if url.scheme == "http" and not allow_insecure_http and not _is_loopback(url.host):
        raise ValueError(
            f"refusing to send the API key over plain http to {url.host}; use https, "
            "or pass allow_insecure_http=True for a trusted proxy"
        )
    return base_url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False

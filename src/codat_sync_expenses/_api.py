"""Codat's HTTP conventions, between the resources and the transport.

A resource hands over a method, an encoded path, query values, an optional
model to send and the model to expect; this module encodes the body, decodes
the answer and turns every non-2xx status into its typed error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from . import _converter, _decode, _raw
from . import _params as check
from ._constants import BODY_EXCERPT_CHARS
from ._redact import Redactor
from ._transport import Response, Transport
from .errors import STATUS_ERRORS, APIStatusError, CodatError, RedirectError, ResponseDecodeError
from .models import ErrorMessage

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


class API:
    """Sends typed requests through a Transport and returns typed models."""

    def __init__(self, transport: Transport, *, secrets: tuple[str, ...] = ()) -> None:
        """``secrets`` are redacted from every error that leaves ``request``."""
        self._transport = transport
        self._redactor = Redactor(secrets)

    async def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: type[T],
        params: dict[str, str] | None = None,
        body: Any = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> T:
        """Send one request and return the 2xx body as ``cast_to``, or raise a typed error."""
        check.retry_options(timeout=timeout, max_retries=max_retries)
        headers = check.headers("extra_headers", extra_headers)
        try:
            response = await self._transport.request(
                method,
                path,
                params=params,
                body=None if body is None else _converter.dumps(body),
                # Codat's PUT is a push like POST: each one queues a push operation,
                # so only GET may safely run twice.
                idempotent=method == "GET",
                timeout=timeout,
                max_retries=max_retries,
                limit_key=_company_of(path),
                extra_headers=headers,
            )
            if 200 <= response.status < 300:
                _raw.record(response.status, response.headers, self._redactor.headers)
                try:
                    return await _decode.loads_async(response.body, cast_to)
                except _converter.DecodeError as exc:
                    problem = str(exc)
                # Raised outside the except block: the JSON parser's error, chained as
                # context, would carry the whole unredacted body.
                raise ResponseDecodeError(
                    f"{method} {path}: {problem}",
                    method=method,
                    path=path,
                    status_code=response.status,
                    body=_excerpt(self._redactor.bytes(response.body)),
                    headers=response.headers,
                )
            # Redacted before it is decoded or cut to an excerpt: a key that JSON escaped,
            # or that an excerpt cuts in two, would not be found afterwards.
            raise _status_error(method, path, response, self._redactor.bytes(response.body))
        except CodatError as error:
            # The one way out for every error a request raises: redacted here, whatever
            # raised it (an error page, a header, aiohttp's text in the cause chain).
            # Raised anew, so that its traceback starts here (scrub() dropped the rest).
            self._redactor.scrub(error)
            raise error

    def redacted(self, error: E) -> E:
        """``error`` with the key redacted, for errors a resource builds from an answer's
        data (a settled push's errorMessage), which ``request`` did not raise."""
        self._redactor.scrub(error)
        return error


def _company_of(path: str) -> str | None:
    # Codat limits concurrent requests per company, and every company-scoped
    # path starts /companies/{companyId}/ (encoded, so it holds no "/").
    if path.startswith("/companies/"):
        return path[11:].partition("/")[0]
    return None


def _excerpt(body: bytes) -> str:
    text = body[: BODY_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    return text if len(text) <= BODY_EXCERPT_CHARS else text[:BODY_EXCERPT_CHARS] + "…"


def _status_error(method: str, path: str, response: Response, body: bytes) -> APIStatusError:
    """The typed error for a non-2xx answer with its (redacted) ``body``."""
    try:
        error_message: ErrorMessage | None = _converter.loads(body, ErrorMessage)
    except _converter.DecodeError:
        error_message = None  # a proxy's HTML page, an empty body, or hostile JSON
    detail = error_message.error if error_message and error_message.error else None
    if detail is None:
        detail = " ".join(_excerpt(body).split())[:200] or "no body"
    location = response.headers.get("Location") if 300 <= response.status < 400 else None
    if location is not None:
        detail = f"redirect to {location!r}, not followed; {detail}"
    message = f"{method} {path} returned {response.status}: {detail}"
    if error_message and error_message.correlation_id:
        message += f" (correlation id {error_message.correlation_id})"
    if 300 <= response.status < 400:
        error_class: type[APIStatusError] = RedirectError
    else:
        error_class = STATUS_ERRORS.get(response.status, APIStatusError)
    error = error_class(
        message,
        method=method,
        path=path,
        status_code=response.status,
        body=_excerpt(body),
        error_message=error_message,
        retry_after=response.retry_after,
        headers=response.headers,
    )
    if isinstance(error, RedirectError):
        error.location = location
    return error

"""Codat's HTTP conventions, between the resources and the transport.

A resource hands over a method, an encoded path, query values, an optional
model to send and the model to expect; this module encodes the body, decodes
the answer and turns every non-2xx status into its typed error.
"""

from __future__ import annotations

from typing import Any, TypeVar

from . import _converter
from . import _params as check
from ._transport import Response, Transport, retry_after_seconds
from .errors import (
    BODY_EXCERPT_CHARS,
    STATUS_ERRORS,
    APIStatusError,
    ResponseDecodeError,
)
from .models import ErrorMessage

T = TypeVar("T")


class API:
    """Sends typed requests through a Transport and returns typed models."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

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
    ) -> T:
        """Send one request and return the 2xx body as ``cast_to``, or raise a typed error."""
        check.retry_options(timeout=timeout, max_retries=max_retries)
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
        )
        if 200 <= response.status < 300:
            try:
                return _converter.loads(response.body, cast_to)
            except _converter.DecodeError as exc:
                raise ResponseDecodeError(
                    f"{method} {path}: {exc}",
                    method=method,
                    path=path,
                    status_code=response.status,
                    body=_excerpt(response.body),
                ) from None
        raise _status_error(method, path, response)


def _company_of(path: str) -> str | None:
    # Codat limits concurrent requests per company, and every company-scoped
    # path starts /companies/{companyId}/ (encoded, so it holds no "/").
    if path.startswith("/companies/"):
        return path.split("/", 3)[2]
    return None


def _excerpt(body: bytes) -> str:
    text = body[: BODY_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    return text if len(text) <= BODY_EXCERPT_CHARS else text[:BODY_EXCERPT_CHARS] + "…"


def _status_error(method: str, path: str, response: Response) -> APIStatusError:
    try:
        error_message: ErrorMessage | None = _converter.loads(response.body, ErrorMessage)
    except _converter.DecodeError:
        error_message = None  # a proxy's HTML page, or an empty body
    detail = error_message.error if error_message and error_message.error else None
    if detail is None:
        detail = " ".join(_excerpt(response.body).split())[:200] or "no body"
    message = f"{method} {path} returned {response.status}: {detail}"
    if error_message and error_message.correlation_id:
        message += f" (correlation id {error_message.correlation_id})"
    error_class = STATUS_ERRORS.get(response.status, APIStatusError)
    return error_class(
        message,
        method=method,
        path=path,
        status_code=response.status,
        body=_excerpt(response.body),
        error_message=error_message,
        retry_after=retry_after_seconds(response.headers),
    )

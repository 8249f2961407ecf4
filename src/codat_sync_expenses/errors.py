"""Every error the SDK raises on purpose, in one tree::

    CodatError
    ├── APIConnectionError          no usable answer: refused, reset, DNS, TLS
    │   └── APITimeoutError         a connect or total timeout ran out
    │       └── PoolTimeoutError    no free connection or concurrency slot in time: not sent
    ├── APIStatusError              Codat answered with a non-2xx status
    │   ├── BadRequestError             400
    │   ├── UnauthorizedError           401
    │   ├── PaymentRequiredError        402
    │   ├── ForbiddenError              403
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── TooManyRequestsError        429
    │   ├── InternalServerError         500
    │   ├── BadGatewayError             502
    │   ├── ServiceUnavailableError     503
    │   ├── GatewayTimeoutError         504
    │   └── RedirectError               3xx: never followed
    ├── PushOperationError          a push ended without Success (``wait_async``)
    │   ├── PushOperationFailedError    status Failed: see its errorMessage and validation
    │   └── PushOperationTimedOutError  status TimedOut: Codat gave up on it
    ├── PushWaitTimeoutError        ``wait_async`` stopped waiting; the push may still complete
    ├── PaginationError             a listing answered a page that cannot be right
    ├── ResponseDecodeError         a 2xx body that is not JSON or not the expected shape
    ├── ResponseTooLargeError       a body over the client's max_response_bytes
    ├── ClientClosedError           a request on a client that was closed
    └── EventLoopError              the client was used from an event loop it does not belong to

Arguments that are wrong before anything is sent raise ``ValueError`` or
``TypeError`` naming the argument. No message, field, header, body excerpt or
chained cause here ever holds the API key: the SDK redacts it (raw, base64 and
header value, however JSON or a URL escaped it). Every error pickles and copies
with its fields, so it crosses a process pool.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from multidict import CIMultiDict

if TYPE_CHECKING:
    from .models import ErrorMessage, PushOperation, Validation

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "BadGatewayError",
    "BadRequestError",
    "ClientClosedError",
    "CodatError",
    "ConflictError",
    "EventLoopError",
    "ForbiddenError",
    "GatewayTimeoutError",
    "InternalServerError",
    "NotFoundError",
    "PaginationError",
    "PaymentRequiredError",
    "PoolTimeoutError",
    "PushOperationError",
    "PushOperationFailedError",
    "PushOperationTimedOutError",
    "PushWaitTimeoutError",
    "RedirectError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "ServiceUnavailableError",
    "TooManyRequestsError",
    "UnauthorizedError",
]


class CodatError(Exception):
    """Base of every error this SDK raises on purpose.

    ``page`` is set when the error ended a paginated walk: the page number to
    resume from with ``list_async(page=...)``.
    """

    page: int | None = None

    def __str__(self) -> str:
        text = super().__str__()
        return text if self.page is None else f"{text} (while fetching page {self.page})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickles as cls(*args), which keyword-only fields refuse: rebuild
        # without __init__, then restore every field (a process pool sends errors so).
        return (_rebuilt, (type(self), self.args), self.__dict__)


def _rebuilt(cls: type[CodatError], args: tuple[Any, ...]) -> CodatError:
    return cls.__new__(cls, *args)


class ClientClosedError(CodatError, RuntimeError):
    """The client, or the aiohttp session it was given, was closed; the message says which."""


class EventLoopError(CodatError, RuntimeError):
    """The client was used from an event loop other than the one it first ran in.

    Its connections belong to that loop. Make the client inside the loop that
    uses it (one client per ``asyncio.run()``, per thread, per test loop scope).
    """


class APIConnectionError(CodatError):
    """The request got no usable answer: connection refused or reset, DNS, TLS.

    ``request_sent`` is False when no connection was made, so Codat cannot
    have acted on the request; when True, a push may or may not have happened.
    """

    def __init__(self, message: str, *, method: str, path: str, request_sent: bool) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """A connect or total timeout ran out before the answer was complete."""


class PoolTimeoutError(APITimeoutError):
    """Waited for a free connection or concurrency slot; the request was not sent.

    ``method`` and ``path`` are empty when it comes straight from a limiter;
    the client fills them in before raising it to you.
    """

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(message, method=method, path=path, request_sent=False)


class _ResponseError(CodatError):
    """An answer was received; carries its status, correlation id, headers and a body excerpt.

    :ivar status_code: The HTTP status.
    :ivar correlation_id: Codat's id for the request, to quote to its support; None if not sent.
    :ivar method: The request's method.
    :ivar path: The request's path, without the base URL.
    :ivar headers: The response's headers (a ``multidict.CIMultiDict``), the key redacted.
    :ivar body: An excerpt of the response body, the key redacted.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # help(NotFoundError) shows NotFoundError's docstring alone: each subclass's
        # docstring gets the fields its bases document, so help() lists them all.
        super().__init_subclass__(**kwargs)
        own = inspect.cleandoc(cls.__doc__ or "")
        base = inspect.cleandoc(cls.__bases__[0].__doc__ or "")
        inherited = [line for line in base.splitlines() if line.startswith(":ivar ")]
        gap = "\n" if own.rpartition("\n")[2].startswith(":ivar ") else "\n\n"
        cls.__doc__ = own + gap + "\n".join(inherited)

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status_code: int,
        body: str,
        correlation_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.status_code = status_code
        self.body = body
        self.correlation_id = correlation_id
        self.headers: CIMultiDict[str] = CIMultiDict(headers or {})


class APIStatusError(_ResponseError):
    """Codat answered with a non-2xx status.

    :ivar error_message: Codat's ErrorMessage body, when there is one; its fields follow.
    :ivar service: The Codat service that failed.
    :ivar error: Codat's description of what went wrong.
    :ivar can_be_retried: Codat's hint on whether a retry may succeed.
    :ivar detailed_error_code: Codat's finer-grained error code.
    :ivar validation: What made a 400: Codat's validation errors and warnings.
    :ivar retry_after: The ``Retry-After`` header in seconds, when sent.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status_code: int,
        body: str,
        error_message: ErrorMessage | None,
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            message,
            method=method,
            path=path,
            status_code=status_code,
            body=body,
            correlation_id=error_message.correlation_id if error_message else None,
            headers=headers,
        )
        self.error_message = error_message
        self.retry_after = retry_after
        self.service = error_message.service if error_message else None
        self.error = error_message.error if error_message else None
        self.can_be_retried = error_message.can_be_retried if error_message else None
        self.detailed_error_code = error_message.detailed_error_code if error_message else None
        self.validation: Validation | None = error_message.validation if error_message else None


class BadRequestError(APIStatusError):
    """400: the request or its body is invalid; see ``validation``."""


class UnauthorizedError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PaymentRequiredError(APIStatusError):
    """402: the account's plan or free trial does not cover the request."""


class ForbiddenError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: the company, connection or record named in the path does not exist."""


class ConflictError(APIStatusError):
    """409: the company's data is in a state that conflicts with the request."""


class TooManyRequestsError(APIStatusError):
    """429: rate limited; ``retry_after`` says how long Codat asked to wait."""


class InternalServerError(APIStatusError):
    """500: Codat failed."""


class BadGatewayError(APIStatusError):
    """502: a gateway in front of Codat got no valid answer; a push may have happened."""


class ServiceUnavailableError(APIStatusError):
    """503: Codat is temporarily unavailable."""


class GatewayTimeoutError(APIStatusError):
    """504: a gateway in front of Codat gave up waiting; a push may have happened."""


class RedirectError(APIStatusError):
    """3xx: Codat's API does not redirect, so the SDK never follows one.

    A push answered with a redirect is not retried: it may have happened.

    :ivar location: The ``Location`` header (the API key is never sent there).
    """

    location: str | None = None


class ResponseDecodeError(_ResponseError):
    """A 2xx body was not JSON, or did not fit the expected model."""


class ResponseTooLargeError(_ResponseError):
    """The decoded body was larger than the client's ``max_response_bytes``; it was not buffered."""


class PaginationError(CodatError):
    """A listing answered a page that cannot be right (wrong page number or page size).

    Walking on would loop forever or skip or repeat items; ``page`` names the page.
    """


class PushOperationError(CodatError):
    """A push operation ended without Success; ``push_operation`` is its final state."""

    def __init__(self, message: str, *, push_operation: PushOperation) -> None:
        super().__init__(message)
        self.push_operation = push_operation


class PushOperationFailedError(PushOperationError):
    """The push ended Failed: the message holds its errorMessage and validation errors."""


class PushOperationTimedOutError(PushOperationError):
    """The push ended TimedOut: it did not complete within its ``timeoutInMinutes``."""


class PushWaitTimeoutError(CodatError):
    """``wait_async`` reached its ``max_wait`` while the push was still pending.

    The push may still complete: ``push_operation`` is the last state seen; wait
    again or look it up later with its ``push_operation_key``.
    """

    def __init__(self, message: str, *, push_operation: PushOperation) -> None:
        super().__init__(message)
        self.push_operation = push_operation


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    402: PaymentRequiredError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: TooManyRequestsError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
}

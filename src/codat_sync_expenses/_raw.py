"""``with_raw_response``: a successful call's HTTP status and headers beside its result.

As openai-python's ``with_raw_response`` does, without changing what the methods
return: ``await codat.customers.with_raw_response.get_async(...)`` gives a
``RawResponse`` whose ``parsed`` is what ``get_async`` returns. The answer is
captured for the call's own task only (a context variable), so concurrent calls
never see each other's.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Generic, ParamSpec, TypeVar

import attrs
from multidict import CIMultiDict

__all__ = ["RawResponse", "record", "with_raw"]

P = ParamSpec("P")
T = TypeVar("T")

_captured: contextvars.ContextVar[list[tuple[int, Mapping[str, str]]] | None] = (
    contextvars.ContextVar("codat_sync_expenses_raw", default=None)
)


@attrs.frozen
class RawResponse(Generic[T]):
    """What a call returned (``parsed``), with the status and headers Codat answered with.

    ``headers`` are the answer's last, redacted as every error's are.
    """

    parsed: T
    status_code: int
    headers: CIMultiDict[str] = attrs.field(repr=False)


def record(
    status: int,
    headers: Mapping[str, str],
    redacted: Callable[[Mapping[str, str]], Mapping[str, str]],
) -> None:
    """Keep a successful answer's status and ``redacted(headers)`` when a ``with_raw`` call
    is listening; otherwise cost nothing but a look at the context variable."""
    seen = _captured.get()
    if seen is not None:
        seen.append((status, redacted(headers)))


def with_raw(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """``method``, returning its result in a ``RawResponse`` with the last answer's status
    and headers."""

    @functools.wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        seen: list[tuple[int, Mapping[str, str]]] = []
        token = _captured.set(seen)
        try:
            parsed = await method(*args, **kwargs)
        finally:
            _captured.reset(token)
        status, headers = seen[-1]
        return RawResponse(parsed, status, CIMultiDict(headers))

    return raw

"""Injected failures: what the fake does instead of (or after) answering normally.

Each fault is a value that answers the request itself, given the normal answer as a
coroutine it may await (the request then takes effect) or not. The harness applies
any fault the same way; adding one is a class here and its name in ``_FROM_JSON``.
"""

from __future__ import annotations

import abc
import asyncio
import math
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import attrs
from aiohttp import web

from ._responses import error

Answer = Callable[[], Awaitable[web.Response]]
"""The request's normal answer: awaiting it runs the handler, so the request takes effect."""


class UnusedFaultsError(AssertionError):
    """The fake stopped while injected faults were still waiting for their request.

    A fault that never fired means the test did not exercise what it meant to.
    """


class FaultRequestError(ValueError):
    """A fault described in JSON (the control API) that the fake cannot make."""


@attrs.frozen(kw_only=True, repr=False)
class Fault(abc.ABC):
    """One injected failure for ``FakeCodatServer.inject``; make it with a named constructor.

    ``Fault.status(503, retry_after=2)``, ``Fault.hang()``, ``Fault.reset()``,
    ``Fault.cut()``, ``Fault.delay(0.5)``. A value the fake could not serve (a
    NaN delay, CR or LF in ``retry_after``) is a ValueError here, not a hang later.
    """

    @abc.abstractmethod
    async def respond(
        self, request: web.Request, answer: Answer, stopping: asyncio.Event
    ) -> web.StreamResponse:
        """Answer ``request`` in this fault's way; ``stopping`` is set when the fake stops."""

    def __repr__(self) -> str:
        # As it was made, e.g. Fault.status(code=503, retry_after='2') for _Status: the
        # named constructor of each kind is its class's name; UnusedFaultsError shows it.
        given = [
            f"{field.name}={getattr(self, field.name)!r}"
            for field in attrs.fields(type(self))
            if getattr(self, field.name) != field.default
        ]
        return f"Fault.{type(self).__name__.lstrip('_').lower()}({', '.join(given)})"

    @classmethod
    def status(
        cls,
        code: int,
        *,
        retry_after: str | float | None = None,
        body: bytes | None = None,
        content_type: str = "application/json",
        after_processing: bool = False,
    ) -> Fault:
        """Answer ``code`` with Codat's error body (or ``body``) and an optional Retry-After.

        ``after_processing``: the request takes effect first, then this answer replaces
        the real one (a push that happened but whose answer is lost).
        """
        if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 599:
            raise ValueError(f"code must be an HTTP status from 100 to 599, got {code!r}")
        text = None if retry_after is None else str(retry_after)
        if text is not None and any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
            raise ValueError("retry_after must not contain CR, LF or another control character")
        return _Status(
            code=code,
            retry_after=text,
            body=body,
            content_type=content_type,
            after_processing=after_processing,
        )

    @classmethod
    def hang(cls, *, after_processing: bool = False) -> Fault:
        """Accept the request and never answer (until the fake stops)."""
        return _Hang(after_processing=after_processing)

    @classmethod
    def reset(cls) -> Fault:
        """Drop the connection without answering; the request has no effect."""
        return _Reset()

    @classmethod
    def cut(cls) -> Fault:
        """Process the request, send half of the real answer, then drop the connection."""
        return _Cut()

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Answer normally, ``seconds`` late (a finite number, at least 0)."""
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or not 0 <= seconds < math.inf
        ):
            raise ValueError(f"seconds must be a finite number of at least 0, got {seconds!r}")
        return _Delay(seconds=seconds)

    @staticmethod
    def from_json(body: Mapping[str, Any]) -> Fault:
        """The fault a control request describes: ``{"kind": "status", "status": 503, ...}``."""
        kind = body.get("kind", "status")
        make = _FROM_JSON.get(kind)
        if make is None:
            raise FaultRequestError(f"kind must be {', '.join(_FROM_JSON)}; got {kind!r}")
        return make(body)


@attrs.frozen(kw_only=True, repr=False)
class _Replacing(Fault):
    """A fault whose answer replaces the real one; with ``after_processing`` the request
    takes effect first."""

    after_processing: bool = False

    async def respond(
        self, request: web.Request, answer: Answer, stopping: asyncio.Event
    ) -> web.StreamResponse:
        if self.after_processing:
            await answer()
        return await self.replacement(stopping)

    @abc.abstractmethod
    async def replacement(self, stopping: asyncio.Event) -> web.StreamResponse:
        """The answer sent instead."""


@attrs.frozen(kw_only=True, repr=False)
class _Status(_Replacing):
    code: int
    retry_after: str | None = None
    body: bytes | None = None
    content_type: str = "application/json"

    async def replacement(self, stopping: asyncio.Event) -> web.StreamResponse:
        headers = {"Retry-After": self.retry_after} if self.retry_after else {}
        if self.body is not None:
            return web.Response(
                status=self.code, body=self.body, content_type=self.content_type, headers=headers
            )
        response = error(self.code, "Injected fault")
        response.headers.update(headers)
        return response


@attrs.frozen(kw_only=True, repr=False)
class _Hang(_Replacing):
    async def replacement(self, stopping: asyncio.Event) -> web.StreamResponse:
        await stopping.wait()
        return web.Response(status=503)


@attrs.frozen(kw_only=True, repr=False)
class _Reset(Fault):
    async def respond(
        self, request: web.Request, answer: Answer, stopping: asyncio.Event
    ) -> web.StreamResponse:
        _abort(request)
        return web.Response()


@attrs.frozen(kw_only=True, repr=False)
class _Cut(Fault):
    async def respond(
        self, request: web.Request, answer: Answer, stopping: asyncio.Event
    ) -> web.StreamResponse:
        processed = await answer()
        if processed.body is None:
            return processed
        data = bytes(processed.body)  # type: ignore[arg-type]
        response = web.StreamResponse(status=processed.status)
        response.content_type = "application/json"
        response.content_length = len(data)
        await response.prepare(request)
        await response.write(data[: len(data) // 2])
        _abort(request)
        return response


@attrs.frozen(kw_only=True, repr=False)
class _Delay(Fault):
    seconds: float

    async def respond(
        self, request: web.Request, answer: Answer, stopping: asyncio.Event
    ) -> web.StreamResponse:
        await asyncio.sleep(self.seconds)
        return await answer()


def _abort(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.abort()


def _status_from_json(body: Mapping[str, Any]) -> Fault:
    status = body.get("status")
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise FaultRequestError("a status fault needs status, from 400 to 599")
    retry_after = body.get("retryAfter")
    return Fault.status(status, retry_after=None if retry_after is None else str(retry_after))


def _delay_from_json(body: Mapping[str, Any]) -> Fault:
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise FaultRequestError("a delay fault needs seconds, at least 0")
    return Fault.delay(seconds)


# The control API's kinds: each makes its fault from the request's JSON.
_FROM_JSON: dict[str, Callable[[Mapping[str, Any]], Fault]] = {
    "status": _status_from_json,
    "hang": lambda body: Fault.hang(),
    "reset": lambda body: Fault.reset(),
    "cut": lambda body: Fault.cut(),
    "delay": _delay_from_json,
}

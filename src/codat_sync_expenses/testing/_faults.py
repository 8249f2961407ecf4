"""Injected failures: what the fake does instead of (or after) answering normally."""

from __future__ import annotations

import math
from typing import Literal

import attrs

FaultKind = Literal["status", "hang", "reset", "cut", "delay"]


class UnusedFaultsError(AssertionError):
    """The fake stopped while injected faults were still waiting for their request.

    A fault that never fired means the test did not exercise what it meant to.
    """


@attrs.frozen(kw_only=True)
class Fault:
    """One injected failure for ``FakeCodatServer.inject``; make it with a named constructor.

    ``Fault.status(503, retry_after=2)``, ``Fault.hang()``, ``Fault.reset()``,
    ``Fault.cut()``, ``Fault.delay(0.5)``. A value the fake could not serve (a
    NaN delay, CR or LF in ``retry_after``) is a ValueError here, not a hang later.
    """

    kind: FaultKind
    code: int = 503
    retry_after: str | None = None
    body: bytes | None = None
    content_type: str = "application/json"
    seconds: float = 0.0
    after_processing: bool = False

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
        return cls(
            kind="status",
            code=code,
            retry_after=text,
            body=body,
            content_type=content_type,
            after_processing=after_processing,
        )

    @classmethod
    def hang(cls, *, after_processing: bool = False) -> Fault:
        """Accept the request and never answer (until the fake stops)."""
        return cls(kind="hang", after_processing=after_processing)

    @classmethod
    def reset(cls) -> Fault:
        """Drop the connection without answering; the request has no effect."""
        return cls(kind="reset")

    @classmethod
    def cut(cls) -> Fault:
        """Process the request, send half of the real answer, then drop the connection."""
        return cls(kind="cut")

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Answer normally, ``seconds`` late (a finite number, at least 0)."""
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or not 0 <= seconds < math.inf
        ):
            raise ValueError(f"seconds must be a finite number of at least 0, got {seconds!r}")
        return cls(kind="delay", seconds=seconds)

"""Where the SDK reads the time and sleeps: retry backoff and ``wait_async`` both come here.

Tests swap the clock for the current context (``testing.virtual_time()``);
tasks started inside that context see the same clock.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from typing import Protocol


class Clock(Protocol):
    """A monotonic time source and an async sleep."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class SystemClock:
    """The real clock: ``time.monotonic`` and ``asyncio.sleep``."""

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep(seconds)``."""
        await asyncio.sleep(seconds)


_SYSTEM = SystemClock()
# None means the system clock.
current: contextvars.ContextVar[Clock | None] = contextvars.ContextVar(
    "codat_sync_expenses_clock", default=None
)


def monotonic() -> float:
    """The current clock's time."""
    return (current.get() or _SYSTEM).monotonic()


async def sleep(seconds: float) -> None:
    """Sleep on the current clock."""
    await (current.get() or _SYSTEM).sleep(seconds)

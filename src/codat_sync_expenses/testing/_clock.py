"""A virtual clock for tests: the SDK's retry waits and ``wait_async`` polls return at once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from .. import _clock


class VirtualClock:
    """Time that moves only when the SDK sleeps; every sleep is recorded in ``sleeps``."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        """The virtual time, in seconds from 0."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Record ``seconds``, move the time on by it, and yield to the loop once."""
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@contextlib.contextmanager
def virtual_time() -> Iterator[VirtualClock]:
    """Run the block (and tasks it starts) on a ``VirtualClock``: no real waiting.

    ``with virtual_time() as clock: ...`` then ``clock.sleeps`` lists every retry
    backoff and poll interval the SDK chose, in seconds.
    """
    clock = VirtualClock()
    token = _clock.current.set(clock)
    try:
        yield clock
    finally:
        _clock.current.reset(token)

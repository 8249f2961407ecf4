"""The Redis limiter's grant listener: one pub/sub subscription per process that wakes
each waiting caller when its slot is granted.

When the subscription is lost, and again when it is live anew, every waiter is woken
to ask Redis itself, so no waiter depends on a listener that is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import redis.asyncio as redis

from ._redis_calls import UNREACHABLE, bounded

logger = logging.getLogger("codat_sync_expenses")


class GrantListener:
    """Hears the grants published on ``channel`` and wakes the waiter each one names."""

    def __init__(
        self, client: redis.Redis, channel: str, *, timeout: float, retry_after: float
    ) -> None:
        self._redis = client
        self._channel = channel
        self._timeout = timeout
        self._retry_after = retry_after
        # Each waiter's wake-up: True when granted, False to ask Redis again.
        self._wake_ups: dict[str, asyncio.Future[bool]] = {}
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self._listen_now = asyncio.Event()

    @property
    def subscribed(self) -> bool:
        """Whether grants are heard now."""
        return self._subscribed.is_set()

    async def listening(self) -> None:
        """Return once subscribed; start listening when no listener runs."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._listen())
        else:
            self._listen_now.set()  # it may be pausing after a loss: a waiter needs it now
        await bounded(self._subscribed.wait(), self._timeout)

    def expect(self, token: str) -> asyncio.Future[bool]:
        """Hear ``token``'s grant from now on, until ``forget``: called before each ask.

        Redis may publish the grant while its answer to the ask is still on the way,
        and the listener may read it first; registered this early, it is kept.
        """
        wake_up = asyncio.get_running_loop().create_future()
        self._wake_ups[token] = wake_up
        return wake_up

    async def woken(self, wake_up: asyncio.Future[bool], delay: float) -> bool:
        """Wait up to ``delay`` seconds on an ``expect``: True when the grant was heard."""
        try:
            return await asyncio.wait_for(wake_up, delay)
        except asyncio.TimeoutError:
            return False

    def forget(self, token: str) -> None:
        """Stop hearing ``token``'s grants: it holds its slot, or gave up."""
        self._wake_ups.pop(token, None)

    def wake_all(self) -> None:
        """Make every waiter ask Redis now: grants may have gone unheard."""
        for wake_up in self._wake_ups.values():
            if not wake_up.done():
                wake_up.set_result(False)

    async def aclose(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _listen(self) -> None:
        """Hear grants until ``aclose()``: subscribe again after a loss."""
        while True:
            pubsub: Any = self._redis.pubsub()  # redis-py leaves PubSub partly untyped
            try:
                await bounded(pubsub.subscribe(self._channel), self._timeout)
                while True:
                    message = await pubsub.get_message(timeout=self._timeout)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        # Subscribed, first or anew: grants published while nobody
                        # listened went unheard, so every waiter asks Redis.
                        self._subscribed.set()
                        self.wake_all()
                    elif message["type"] == "message":
                        wake_up = self._wake_ups.get(message["data"].decode())
                        if wake_up is not None and not wake_up.done():
                            wake_up.set_result(True)
            except UNREACHABLE as exc:
                logger.debug("Redis limiter lost its grant listener: %s", exc)
            finally:
                self._subscribed.clear()
                await asyncio.shield(pubsub.aclose())
            # Until it is back, the waiters ask Redis themselves, or fall back.
            self.wake_all()
            self._listen_now.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._listen_now.wait(), self._retry_after)

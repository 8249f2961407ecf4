"""Retries without real waiting, for tests of code that uses the client."""

from __future__ import annotations

import asyncio

from .._client import CodatSyncExpenses


def skip_retry_waits(client: CodatSyncExpenses) -> list[float]:
    """Make ``client`` retry at once; returns the list each skipped wait (seconds) goes to."""
    waits: list[float] = []

    async def record(delay: float) -> None:
        waits.append(delay)
        await asyncio.sleep(0)

    client._transport._sleep = record  # the package's own test hook
    return waits

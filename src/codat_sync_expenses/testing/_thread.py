"""The fake on a thread of its own, so that it answers whatever loop or thread a test runs.

A fake started inside a test's event loop stops answering whenever that loop is
not running: while a sync test blocks (FastAPI's ``TestClient`` runs the app on
another thread), or once a function-scoped loop is closed. On its own thread
and loop it serves everyone, for as long as the ``with`` block lasts.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

from ._server import FakeCodatServer

T = TypeVar("T")

_START_TIMEOUT = 30.0


@contextlib.contextmanager
def serve_in_thread(fake: FakeCodatServer | None = None) -> Iterator[FakeCodatServer]:
    """Run ``fake`` (a default ``FakeCodatServer`` if None) on its own thread and event loop.

    ``with serve_in_thread() as fake:`` gives the started fake; its seeding,
    fault and recording methods may be called from any thread, and
    ``await fake.wait_for_requests(n)`` from any loop. Leaving the block stops
    it, raising ``UnusedFaultsError`` as ``async with`` would.
    """
    fake = FakeCodatServer() if fake is None else fake
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="codat-fake", daemon=True)
    thread.start()
    try:
        _run(loop, fake.start())
        try:
            yield fake
        finally:
            _run(loop, fake.stop())
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def _run(loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result(_START_TIMEOUT)

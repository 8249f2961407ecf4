"""Blocking calls for code without an event loop: one private event loop thread per client.

The blocking twins (``customers.get``, ...) run the async methods on this loop,
so they share one connection pool, one per-company limit and the same retries,
errors and limiter, whichever thread calls them. The thread starts on the first
blocking call and stops on ``close()`` or at interpreter exit. A forked child
(a Celery or multiprocessing worker) starts a loop of its own, and the client
opens new sessions there: nothing the parent holds is used or closed.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import os
import selectors
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from .errors import ClientClosedError, EventLoopError

_P = ParamSpec("_P")
_T = TypeVar("_T")

_loops: weakref.WeakSet[BlockingLoop] = weakref.WeakSet()

# In a forked child: what the parent's clients held (event loops, transports). Kept
# alive and never touched: collecting them would close the parent's TLS connections
# (close_notify goes out on the sockets both processes share).
_left_to_the_parent: list[object] = []


class BlockingLoop:
    """Runs one client's coroutines for blocking callers, on a thread of its own.

    ``aclose`` closes the client; ``reopen`` gives it new sessions in a forked
    child and returns what it held before, which the parent keeps using.
    """

    def __init__(
        self, *, aclose: Callable[[], Coroutine[Any, Any, None]], reopen: Callable[[], object]
    ) -> None:
        self._aclose = aclose
        self._reopen = reopen
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop_when_collected: weakref.finalize[..., BlockingLoop] | None = None
        self._closed = False
        _loops.add(self)

    def run(
        self, name: str, method: Callable[_P, Awaitable[_T]], /, *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        """Run ``method(*args, **kwargs)`` on the private loop and wait for its result.

        ``name`` is the blocking method's public name (``customers.get``), for the
        error raised in a thread that runs an event loop. The caller's context
        variables (e.g. ``testing.virtual_time()``) reach the call.
        """
        return self.wait(self.submit(name, method, *args, **kwargs))

    def submit(
        self, name: str, method: Callable[_P, Awaitable[_T]], /, *args: _P.args, **kwargs: _P.kwargs
    ) -> concurrent.futures.Future[_T]:
        """Start ``method(*args, **kwargs)`` on the private loop; ``wait()`` for its result."""
        refuse_in_event_loop(name)
        with self._lock:  # so that close() cannot stop the loop between these two lines
            loop = self._started()
            # It runs the call in a copy of this thread's context.
            return asyncio.run_coroutine_threadsafe(_call(method, args, kwargs), loop)

    def wait(self, future: concurrent.futures.Future[_T]) -> _T:
        """The result of a call ``submit()`` started, or its error."""
        try:
            return future.result()
        except BaseException:
            # KeyboardInterrupt (Ctrl-C) or a signal handler's exception while waiting:
            # the call must not go on without a caller.
            future.cancel()
            raise

    def close(self) -> None:
        """Close the client on the private loop, then stop its thread; safe to call again."""
        refuse_in_event_loop("close", instead="aclose")
        with self._lock:
            if self._closed:
                return
            self._closed = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            asyncio.run(self._aclose())  # no blocking call ran: no thread to stop
            return
        assert self._stop_when_collected is not None  # set with the thread
        self._stop_when_collected.detach()
        try:
            asyncio.run_coroutine_threadsafe(_call(self._aclose, (), {}), loop).result()
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()

    def _started(self) -> asyncio.AbstractEventLoop:
        """The private loop, started on first use; called with the lock held."""
        if self._closed:
            raise ClientClosedError("this CodatSyncExpenses client is closed")
        if self._loop is None:
            # poll() keeps its interest set in this process; epoll's would be shared
            # with a forked child, and a child dropping this loop would edit it.
            loop = asyncio.SelectorEventLoop(selectors.PollSelector())
            thread = threading.Thread(
                target=_serve, args=(loop,), name="codat-blocking", daemon=True
            )
            thread.start()
            # A client dropped without close() stops its thread when it is collected.
            self._stop_when_collected = weakref.finalize(self, loop.call_soon_threadsafe, loop.stop)
            self._stop_when_collected.atexit = False  # _close_at_exit closes it instead
            self._loop, self._thread = loop, thread
        return self._loop

    def _forked(self) -> None:
        """In a forked child: forget the parent's loop thread, give the client new sessions."""
        self._lock = threading.Lock()  # the parent's may have been held at the fork
        if self._stop_when_collected is not None:
            self._stop_when_collected.detach()  # it would wake the parent's loop
            self._stop_when_collected = None
        if self._loop is not None:
            _left_to_the_parent.append(self._loop)
        self._loop = self._thread = None
        if not self._closed:
            _left_to_the_parent.append(self._reopen())


def refuse_in_event_loop(name: str, *, instead: str | None = None) -> None:
    """Raise ``EventLoopError`` when this thread runs an event loop that ``name()`` would stall."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    instead = instead or f"{name}_async"
    raise EventLoopError(
        f"{name}() blocks until Codat answers, and this thread is running an event loop "
        f"that it would stall: use `await {instead}(...)` in async code"
    )


async def _call(
    method: Callable[..., Awaitable[_T]], args: tuple[object, ...], kwargs: dict[str, object]
) -> _T:
    return await method(*args, **kwargs)


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


def _after_fork_in_child() -> None:
    for blocking in list(_loops):
        blocking._forked()


@atexit.register
def _close_at_exit() -> None:
    # Daemon threads still run when atexit handlers do: each client closes in its own loop.
    for blocking in list(_loops):
        if blocking._loop is not None:
            blocking.close()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)

"""Worker processes for tests/test_redis_limits.py, each with its own Redis limiter.

Workers are forked from a multiprocessing forkserver that imported this module
(so the SDK, aiohttp and redis-py) once per test session: a worker starts in
milliseconds instead of re-importing everything. ``calls``: report "ready", wait
for "go", make ``calls`` concurrent ``get_async`` calls for one company and report
a dict of outcomes. ``hold``: take ``slots`` slots, report "holding" and keep them
until killed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.redis_limits import RedisCompanyLimiter

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload([__name__])


class Worker:
    """The test's end of one worker process."""

    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self.process = process
        self._connection = connection

    async def receive(self) -> Any:
        """The worker's next message; fails after 30 s or when the worker exits first."""
        return await asyncio.to_thread(self._receive)

    def send(self, message: str) -> None:
        """Send the worker a message."""
        self._connection.send(message)

    async def exitcode(self) -> int | None:
        """Wait for the worker to exit and return its exit code."""
        await asyncio.to_thread(self.process.join)
        return self.process.exitcode

    def _receive(self) -> Any:
        if not self._connection.poll(30):
            # Ask it what it is waiting on, so that a failure says where it hangs.
            assert self.process.pid is not None  # started
            os.kill(self.process.pid, signal.SIGUSR1)
            try:
                tasks = self._connection.recv() if self._connection.poll(5) else "no answer"
            except EOFError:
                tasks = f"none: it exited with {self.process.exitcode}"
            raise AssertionError(f"the worker said nothing for 30 s; its tasks:\n{tasks}")
        try:
            return self._connection.recv()
        except EOFError:
            self.process.join()
            raise AssertionError(f"the worker exited with {self.process.exitcode}") from None


def start(mode: str, **options: Any) -> Worker:
    """Start a worker (``mode`` "calls" or "hold") with the limiter and call options."""
    ours, theirs = _context.Pipe()
    process = _context.Process(target=_main, args=(mode, options, theirs), daemon=True)
    process.start()
    theirs.close()
    return Worker(process, ours)


def _main(mode: str, options: dict[str, Any], connection: Connection) -> None:
    asyncio.run(_traced((_calls if mode == "calls" else _hold)(connection, **options), connection))


async def _traced(work: Coroutine[Any, Any, None], connection: Connection) -> None:
    """Run ``work``; on SIGUSR1, send the stacks of every task (what it waits on)."""

    def send_stacks() -> None:
        lines = []
        for task in asyncio.all_tasks():
            lines.append(repr(task))
            # What it awaits, down the chain (a task's own stack stops at its coroutine).
            awaiting: Any = task.get_coro()
            while awaiting is not None:
                frame = getattr(awaiting, "cr_frame", None) or getattr(awaiting, "gi_frame", None)
                if frame is not None:
                    code = frame.f_code
                    lines.append(f"  {code.co_filename}:{frame.f_lineno} {code.co_name}")
                awaiting = getattr(awaiting, "cr_await", None) or getattr(
                    awaiting, "gi_yieldfrom", None
                )
        connection.send("\n".join(lines))

    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, send_stacks)
    await work


def _limiter(redis: str, prefix: str, lease: float) -> RedisCompanyLimiter:
    return RedisCompanyLimiter(redis, key_prefix=prefix, lease=lease)


async def _calls(
    connection: Connection,
    *,
    redis: str,
    prefix: str,
    lease: float,
    company: str,
    url: str,
    calls: int = 25,
) -> None:
    limiter = _limiter(redis, prefix, lease)
    connection.send("ready")
    await asyncio.to_thread(connection.recv)  # "go"
    outcomes: Counter[str] = Counter()
    async with CodatSyncExpenses(
        api_key="any", base_url=url, max_retries=0, company_limit=limiter
    ) as codat:

        async def one(number: int) -> None:
            try:
                await codat.customers.get_async(company_id=company, customer_id=f"c-{number}")
            except errors.APIStatusError as exc:
                outcomes[str(exc.status_code)] += 1
            else:
                outcomes["ok"] += 1

        await asyncio.gather(*(one(n) for n in range(calls)))
    await limiter.aclose()
    connection.send(dict(outcomes))


async def _hold(
    connection: Connection, *, redis: str, prefix: str, lease: float, company: str, slots: int
) -> None:
    limiter = _limiter(redis, prefix, lease)
    async with AsyncExitStack() as stack:
        for _ in range(slots):
            await stack.enter_async_context(limiter.slot(company, timeout=5))
        connection.send("holding")
        await asyncio.Event().wait()

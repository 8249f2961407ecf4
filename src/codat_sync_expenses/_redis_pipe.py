"""One Redis connection whose commands are pipelined: the Redis limiter's hot path.

redis-py's client checks a connection out of its pool for every command, runs it
inside its retry machinery and holds the connection until the answer is read;
for the limiter's short scripts that cost more CPU than Redis took to answer.
``Pipe`` keeps one of redis-py's own connections (which still connects,
authenticates, selects the database and parses answers, with hiredis when it is
installed) and one reader task that hands the answers, which Redis sends in
order, to the commands' futures. Commands posted in one turn of the event loop
go out in one write: a slot's release and the next call's acquire share a
system call and a wake-up of Redis.
"""

from __future__ import annotations

import asyncio
import collections
import sys
from collections.abc import Awaitable
from typing import Any, TypeVar

from redis.asyncio.connection import ConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

_T = TypeVar("_T")


class Pipe:
    """Commands pipelined on one connection; none waits longer than ``timeout`` seconds.

    A command that Redis leaves unanswered for ``timeout`` seconds fails with redis-py's
    ``TimeoutError``, and so does every command after it: the connection is dropped,
    and the next command connects again. Serves one event loop.
    """

    def __init__(self, pool: ConnectionPool, timeout: float) -> None:
        """Make the connection from ``pool``'s settings; nothing connects yet."""
        # redis-py leaves its connections partly untyped.
        self._connection: Any = pool.make_connection()  # type: ignore[no-untyped-call]
        # The pipe bounds every command itself. With a socket_timeout (a URL may
        # carry one), redis-py would write through a task of its own, after
        # commands posted later, and answers would reach the wrong futures.
        self._connection.socket_timeout = None
        self._timeout = timeout
        self._unwritten: list[bytes] = []
        # (when it was posted, the future of its answer), in the order Redis answers.
        self._pending: collections.deque[tuple[float, asyncio.Future[Any]]] = collections.deque()
        self._flush_due = False
        self._flushes: set[asyncio.Task[None]] = set()
        self._connected = False
        self._closed = False
        self._connecting = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self._watchdog: asyncio.TimerHandle | None = None

    def post(self, *args: bytes) -> asyncio.Future[Any]:
        """Queue one command, written before this turn of the event loop ends.

        Returns the future of its answer; an error answer is its exception, and so
        is whatever kept the command from being written or answered.
        """
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = loop.create_future()
        if self._closed:
            answer.set_exception(RedisConnectionError("the Redis limiter is closed"))
            return answer
        now = loop.time()
        self._pending.append((now, answer))
        self._unwritten.extend(self._connection.pack_command(*args))
        if not self._flush_due:
            self._flush_due = True
            loop.call_soon(self._flush_soon)
        if self._watchdog is None:
            self._watchdog = loop.call_at(now + self._timeout, self._watch)
        return answer

    async def call(self, *args: bytes) -> Any:
        """Write one command, with any posted before it, and return its answer."""
        answer = self.post(*args)
        try:
            await self._flush()
        except BaseException:
            answer.cancel()  # written all the same, once a flush can
            raise
        return await answer

    async def drain(self) -> None:
        """Write what is posted and wait for every answer due (``timeout`` at most).

        The answers' done callbacks have run when it returns.
        """
        await self._flush()
        await asyncio.gather(*self._flushes, return_exceptions=True)
        if self._pending:
            await asyncio.wait([answer for _, answer in self._pending])

    async def aclose(self) -> None:
        """Drain, then disconnect; commands posted later fail."""
        await self.drain()
        self._closed = True
        self._fail(RedisConnectionError("the Redis limiter is closed"))
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def _flush(self) -> None:
        if not self._unwritten:
            return
        try:
            if not self._connected:
                await self._connect()
            if self._unwritten:  # unless a flush that connected first wrote them
                unwritten, self._unwritten = self._unwritten, []
                # It writes before its first await: whoever flushes next writes after.
                await self._connection.send_packed_command(unwritten, check_health=False)
        except Exception as exc:  # cannot connect, or redis-py dropped the connection
            self._fail(exc)

    def _flush_soon(self) -> None:
        self._flush_due = False
        if self._unwritten:  # nobody has called since: write them in a task of their own
            task = asyncio.ensure_future(self._flush())
            self._flushes.add(task)
            task.add_done_callback(self._flushes.discard)

    async def _connect(self) -> None:
        async with self._connecting:
            if self._connected:
                return
            if self._closed:
                raise RedisConnectionError("the Redis limiter is closed")
            if self._reader is not None:  # the last connection's, already cancelled
                await asyncio.gather(self._reader, return_exceptions=True)
            await bounded(self._connection.connect(), self._timeout)
            self._connected = True
            self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        connection = self._connection
        # redis-py's parser itself (hiredis's when installed): the connection's
        # read_response() adds per-answer work (an error text made in advance,
        # error answers raised and caught) that cost about a tenth of a slot.
        parser = connection._parser
        try:
            while True:
                answer = await parser.read_response()  # an error answer is a value
                if not self._pending:
                    raise RedisConnectionError("Redis sent an answer nobody asked for")
                _, future = self._pending.popleft()
                if future.done():  # its caller gave up
                    continue
                if isinstance(answer, ResponseError):
                    future.set_exception(answer)
                else:
                    future.set_result(answer)
        except asyncio.CancelledError:
            pass
        except OSError as exc:  # what read_response() would have wrapped
            self._fail(RedisConnectionError(f"lost the connection to Redis: {exc}"))
        except Exception as exc:
            self._fail(exc)
        finally:
            await connection.disconnect(nowait=True)

    def _fail(self, exc: BaseException) -> None:
        """Drop the connection; fail every command not yet answered, written or not."""
        self._connected = False
        self._unwritten = []
        if self._reader is not None and self._reader is not asyncio.current_task():
            self._reader.cancel()
        while self._pending:
            _, future = self._pending.popleft()
            if not future.done():
                future.set_exception(exc)

    def _watch(self) -> None:
        self._watchdog = None
        if not self._pending:
            return
        loop = asyncio.get_running_loop()
        deadline = self._pending[0][0] + self._timeout
        if loop.time() < deadline:
            self._watchdog = loop.call_at(deadline, self._watch)
            return
        self._fail(RedisTimeoutError(f"Redis did not answer within {self._timeout:g} s"))


async def bounded(command: Awaitable[_T], timeout: float) -> _T:
    """Await ``command``; past ``timeout`` seconds, raise ``asyncio.TimeoutError``."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(timeout):
            return await command
    return await asyncio.wait_for(command, timeout)

"""One Redis connection whose commands are pipelined: the Redis limiter's hot path.

redis-py's client checks a connection out of its pool for every command, runs it
inside its retry machinery and holds the connection until the answer is read;
for the limiter's short scripts that cost more CPU than Redis took to answer.
``Pipe`` lets one of redis-py's own connections connect, authenticate and select
the database, then takes its transport over: commands are packed by hiredis and
written straight to the transport, and the transport hands what Redis sends to a
``hiredis.Reader`` that settles the commands' futures in order, with no task
between the socket and the caller. Commands posted in one turn of the event loop
go out in one write: a slot's release and the next call's acquire share a system
call and a wake-up of Redis.
"""

from __future__ import annotations

import asyncio
import collections
import sys
from collections.abc import Awaitable
from typing import Any, TypeVar

from hiredis import Reader, pack_command
from redis.asyncio.connection import ConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import InvalidResponse
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
        # RESP2, whatever the URL or redis-py's default: under RESP3 a server may push
        # messages nobody asked for (redis-py 8 opts in to maintenance notices), and
        # the pipe hands every answer to the oldest command waiting.
        self._connection.protocol = 2
        self._timeout = timeout
        self._unwritten: list[bytes] = []
        # (when it was posted, the future of its answer), in the order Redis answers.
        self._pending: collections.deque[tuple[float, asyncio.Future[Any]]] = collections.deque()
        self._flush_due = False
        self._flushes: set[asyncio.Task[None]] = set()
        self._transport: asyncio.Transport | None = None  # set while connected
        self._answers: _Answers | None = None
        self._closed = False
        self._connecting = asyncio.Lock()
        self._watchdog: asyncio.TimerHandle | None = None

    def post(self, *args: bytes) -> asyncio.Future[Any]:
        """Queue one command, written before this turn of the event loop ends.

        Returns the future of its answer; an error answer is its exception, and so
        is whatever kept the command from being written or answered.
        """
        answer = self._queue(args)
        if not self._flush_due:
            self._flush_due = True
            asyncio.get_running_loop().call_soon(self._flush_soon)
        return answer

    async def call(self, *args: bytes) -> Any:
        """Write one command, with any posted before it, and return its answer."""
        answer = self._queue(args)
        if self._transport is not None:
            self._write(self._transport)
        else:
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
        """Drain, then disconnect, even when cancelled while draining; later commands fail."""
        try:
            await self.drain()
        finally:
            self._closed = True
            self._fail(RedisConnectionError("the Redis limiter is closed"))
            if self._watchdog is not None:
                self._watchdog.cancel()
                self._watchdog = None
            await self._connection.disconnect(nowait=True)

    def _queue(self, args: tuple[bytes, ...]) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = loop.create_future()
        if self._closed:
            answer.set_exception(RedisConnectionError("the Redis limiter is closed"))
            return answer
        now = loop.time()
        self._pending.append((now, answer))
        self._unwritten.append(pack_command(args))  # type: ignore[arg-type] # stub wants a 1-tuple
        if self._watchdog is None:
            self._watchdog = loop.call_at(now + self._timeout, self._watch)
        return answer

    def _write(self, transport: asyncio.Transport) -> None:
        unwritten, self._unwritten = self._unwritten, []
        # Never blocks: the transport buffers what the socket does not take at
        # once, and the watchdog bounds a Redis that stops reading.
        try:
            transport.write(b"".join(unwritten))
        except Exception as exc:  # the transport broke (an SSL error, say)
            self._fail(exc)

    async def _flush(self) -> None:
        if not self._unwritten:
            return
        try:
            if self._transport is None:
                await self._connect()
        except Exception as exc:  # cannot connect
            self._fail(exc)
            return
        if self._transport is not None and self._unwritten:  # unless a flush wrote them
            self._write(self._transport)

    def _flush_soon(self) -> None:
        self._flush_due = False
        if not self._unwritten:  # a call wrote them since
            return
        if self._transport is not None:
            self._write(self._transport)
            return
        task = asyncio.ensure_future(self._flush())  # connect first, in a task of its own
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def _connect(self) -> None:
        async with self._connecting:
            if self._transport is not None:
                return
            if self._closed:
                raise RedisConnectionError("the Redis limiter is closed")
            connection = self._connection
            await connection.disconnect(nowait=True)  # what is left of a dropped connection
            await bounded(connection.connect(), self._timeout)
            # redis-py has connected, authenticated and selected the database: from
            # here on the answers go to our protocol, not to redis-py's stream reader.
            transport = connection._writer.transport
            parse_error = connection._parser.parse_error  # redis-py's error classes
            reader = Reader(protocolError=InvalidResponse, replyError=parse_error)
            answers = _Answers(self, reader)
            transport.set_protocol(answers)
            self._transport, self._answers = transport, answers

    def _settle(self, answer: Any) -> None:
        """Hand the answer Redis sent to the oldest command still unanswered."""
        if not self._pending:
            self._fail(RedisConnectionError("Redis sent an answer nobody asked for"))
            return
        _, future = self._pending.popleft()
        if future.done():  # its caller gave up
            return
        # An error answer, as redis-py's parse_error classed it: a ResponseError, or a
        # ConnectionError for a Redis that is loading its data or refuses the client.
        if isinstance(answer, Exception):
            future.set_exception(answer)
        else:
            future.set_result(answer)

    def _fail(self, exc: BaseException) -> None:
        """Drop the connection; fail every command not yet answered, written or not."""
        if self._transport is not None:
            self._transport.close()
        self._transport = self._answers = None  # a dropped connection's answers go nowhere
        self._unwritten = []
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


class _Answers(asyncio.Protocol):
    """The protocol of a connection ``Pipe`` took over: Redis's answers, parsed by hiredis."""

    def __init__(self, pipe: Pipe, reader: Reader) -> None:
        self._pipe = pipe
        self._reader = reader

    def data_received(self, data: bytes) -> None:
        pipe = self._pipe
        if pipe._answers is not self:  # dropped; a closing SSL transport may still deliver
            return
        reader = self._reader
        reader.feed(data)
        try:
            # False: no complete answer yet. The limiter's commands answer integers
            # and strings, never RESP3's false.
            while (answer := reader.gets()) is not False:
                pipe._settle(answer)
                if pipe._answers is not self:
                    return
        except Exception as exc:  # not Redis's protocol
            pipe._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        pipe = self._pipe
        if pipe._answers is self:
            reason = f": {exc}" if exc is not None else ""
            pipe._fail(RedisConnectionError(f"lost the connection to Redis{reason}"))


async def bounded(command: Awaitable[_T], timeout: float) -> _T:
    """Await ``command``; past ``timeout`` seconds, raise ``asyncio.TimeoutError``."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(timeout):
            return await command
    return await asyncio.wait_for(command, timeout)

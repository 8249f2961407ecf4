"""A TCP proxy in front of a redis-server that can hold back Redis's answers on the
command connections while the pub/sub ones flow: the order a loaded network or
event loop may deliver them in, made to happen on purpose."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

from yarl import URL


class RedisProxy:
    """Forwards every connection to Redis; ``holding_answers()`` holds back what Redis
    sends on connections that never subscribed, and ``published`` is set once a
    subscriber was sent something meanwhile."""

    def __init__(self, redis_url: str) -> None:
        self._upstream = URL(redis_url)
        self.url = ""
        self.published = asyncio.Event()
        self._holding = False
        self._held: list[tuple[asyncio.StreamWriter, bytes]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    @contextlib.contextmanager
    def holding_answers(self) -> Iterator[None]:
        """Hold back the command connections' answers; send them on when leaving."""
        self._holding = True
        self.published.clear()
        try:
            yield
        finally:
            self._holding = False
            for writer, data in self._held:
                writer.write(data)
            self._held.clear()

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = self._upstream.host, self._upstream.port
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()  # the client sees Redis unreachable, as without the proxy
            return
        subscriber = False

        async def to_redis() -> None:
            nonlocal subscriber
            while data := await reader.read(65536):
                subscriber = subscriber or b"SUBSCRIBE" in data.upper()
                upstream_writer.write(data)
            upstream_writer.close()

        async def from_redis() -> None:
            while data := await upstream_reader.read(65536):
                if self._holding and not subscriber:
                    self._held.append((writer, data))
                    continue
                writer.write(data)
                if self._holding:
                    self.published.set()
            writer.close()

        try:
            await asyncio.gather(to_redis(), from_redis(), return_exceptions=True)
        finally:
            writer.close()
            upstream_writer.close()

    def _track(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._connected(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[RedisProxy]:
        """Listen on 127.0.0.1 (``url`` then points here) until leaving."""
        server = await asyncio.start_server(self._track, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        self.url = str(self._upstream.with_host("127.0.0.1").with_port(port))
        try:
            yield self
        finally:
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await server.wait_closed()

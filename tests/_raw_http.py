"""A minimal HTTP/1.1 server on 127.0.0.1 that decides, per request, to answer or drop.

aiohttp's own server cannot drop a connection at the exact point a fault needs
(after reading a request but before answering, or on a keep-alive connection's
next request), so these tests speak HTTP themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Literal

import attrs

PUSH_OPERATION = {
    "companyId": "c",
    "pushOperationKey": "k",
    "dataConnectionKey": "d",
    "requestedOnUtc": "2024-01-01T00:00:00Z",
    "status": "Pending",
    "statusCode": 202,
}
CUSTOMER = {"id": "x", "status": "Active", "customerName": "Acme Ltd"}

Action = Literal["answer", "process-then-drop", "drop-unprocessed"]


@attrs.frozen
class Request:
    """One request as it arrived: which connection, its place on it, and its content."""

    connection: int
    index: int
    method: str
    target: str
    body: bytes


@attrs.define
class RawServer:
    """What the server saw: ``processed`` requests took effect, ``refused`` did not."""

    url: str = ""
    processed: list[Request] = attrs.Factory(list)
    refused: list[Request] = attrs.Factory(list)
    connections: int = 0


def _answer(method: str, keep_alive: str | None) -> bytes:
    body = json.dumps(CUSTOMER if method == "GET" else PUSH_OPERATION).encode()
    extra = f"Keep-Alive: {keep_alive}\r\n" if keep_alive else ""
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"{extra}\r\n"
    )
    return head.encode() + body


@contextlib.asynccontextmanager
async def raw_server(
    decide: Callable[[Request], Action],
    *,
    idle_timeout: float | None = None,
    keep_alive: str | None = None,
) -> AsyncIterator[RawServer]:
    """Serve on a free port; ``decide`` chooses what happens to each complete request.

    ``idle_timeout`` closes a connection idle that long, as servers and load balancers
    do; ``keep_alive`` is sent as each answer's ``Keep-Alive`` header.
    """
    seen = RawServer()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.connections += 1
        number = seen.connections
        index = 0
        try:
            while True:
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), idle_timeout)
                except asyncio.TimeoutError:
                    return  # idle too long: closed, as the server's keep-alive timeout says
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                index += 1
                request = Request(number, index, method, target, body)
                action = decide(request)
                if action == "drop-unprocessed":
                    seen.refused.append(request)
                    return
                seen.processed.append(request)
                if action == "process-then-drop":
                    return
                writer.write(_answer(method, keep_alive))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()

    server = await asyncio.start_server(connection, "127.0.0.1", 0)
    seen.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield seen
    finally:
        server.close()
        await server.wait_closed()

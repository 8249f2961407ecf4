"""A minimal HTTP/1.1 keep-alive server answering with pre-encoded Codat-shaped bodies.

Run in its own process by ``benchmarks/run.py`` so that the client side is what
is measured: every body is encoded once, a page is three byte strings joined.
A company id ``bench-N`` has N customers. Prints ``PORT <n>`` once listening.
"""

from __future__ import annotations

import asyncio
import json
from functools import cache
from typing import Any

from codat_sync_expenses.testing._seed import generated_customer

CUSTOMERS = [generated_customer(7, i) for i in range(1000)]
CUSTOMER_BODY = json.dumps(CUSTOMERS[0]).encode()
PUSH_BODY = json.dumps(
    {
        "changes": [{"type": "Created", "recordRef": {"id": "c-1", "dataType": "customers"}}],
        "dataType": "customers",
        "companyId": "0f6b8e1c-34a8-4f7b-9fd0-6e1a2f8d4c11",
        "pushOperationKey": "a6d3c1a9-4b3e-46a1-8d7e-0c7f7d2b9e10",
        "dataConnectionKey": "2e9d2c44-f675-40ba-8049-353bfcb5e171",
        "requestedOnUtc": "2024-05-01T09:30:00Z",
        "completedOnUtc": "2024-05-01T09:30:01Z",
        "timeoutInMinutes": None,
        "status": "Success",
        "errorMessage": None,
        "validation": {"errors": [], "warnings": []},
        "statusCode": 200,
        "data": CUSTOMERS[1],
    }
).encode()


@cache
def _results(count: int) -> bytes:
    return json.dumps([CUSTOMERS[i % len(CUSTOMERS)] for i in range(count)]).encode()


def _page(path: str, query: dict[str, str]) -> bytes:
    total = int(path.split("/")[2].removeprefix("bench-"))
    page, size = int(query.get("page", "1")), int(query.get("pageSize", "100"))
    count = max(0, min(size, total - (page - 1) * size))
    links: dict[str, Any] = {
        "self": {"href": path},
        "current": {"href": f"{path}?page={page}&pageSize={size}"},
    }
    if page * size < total:
        links["next"] = {"href": f"{path}?page={page + 1}&pageSize={size}"}
    tail = {"pageNumber": page, "pageSize": size, "totalResults": total, "_links": links}
    return b'{"results":' + _results(count) + b"," + json.dumps(tail).encode()[1:]


def _answer(method: bytes, target: bytes) -> bytes:
    path, _, query_string = target.decode().partition("?")
    if method == b"POST":
        body = PUSH_BODY
    elif path.endswith("/data/customers"):
        query = dict(p.split("=", 1) for p in query_string.split("&") if "=" in p)
        body = _page(path, query)
    else:
        body = CUSTOMER_BODY
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )
    return head + body


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self._buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self._buffer) < end + 4 + length:
                return
            self._buffer = self._buffer[end + 4 + length :]
            method, target, _ = head.split(b"\r\n", 1)[0].split(b" ", 2)
            assert self._transport is not None
            self._transport.write(_answer(method, target))


async def main() -> None:
    """Listen on 127.0.0.1 and a free port until the parent ends this process."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Protocol, "127.0.0.1", 0)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())

"""The fake's control API under ``/_fake/``: seed, inject faults and read what it received.

It lets a test in another process or language drive a standalone fake
(``python -m codat_sync_expenses.testing``), e.g. in an app's compose stack:

- ``POST /_fake/companies`` ``{"companyId"?, "connectionId"?, "customers"?: n}`` makes a company
  with one connection and ``n`` generated customers; answers 201
  ``{"companyId": ..., "connectionId": ...}``.
- ``POST /_fake/faults`` ``{"operation": "get-customer", "kind": "status", "status": 503,
  "retryAfter": 1, "times": 2}`` applies a fault to the operation's next calls; ``kind`` is
  ``status``, ``hang``, ``reset``, ``cut`` or ``delay`` (with ``"seconds"``). Answers 201.
- ``GET /_fake/requests?operation=get-customer`` lists the requests received, oldest first,
  without their Authorization header; without ``operation``, every one.

Malformed control requests, and values the fake could not serve (a NaN delay, CR or LF in
``retryAfter``, 10**22 customers), get 400 with ``{"error": ...}``. Control requests are not
recorded.
"""

from __future__ import annotations

import typing
from typing import Any, Protocol

from aiohttp import web

from ._counts import MAX_TIMES, count
from ._customers import MAX_CUSTOMERS
from ._faults import Fault
from ._harness import RecordedRequest
from ._responses import parse_json

PREFIX = "/_fake"


class _ControlRequestError(Exception):
    """A malformed control request: answered 400 with its message."""


class Controlled(Protocol):
    """The calls of the fake that the control API drives."""

    requests: list[RecordedRequest]

    @property
    def operations(self) -> tuple[str, ...]: ...
    def add_company(self, company_id: str | None = None) -> str: ...
    def add_connection(self, company_id: str, connection_id: str | None = None) -> str: ...
    def add_customers(self, company_id: str, customers: int) -> list[str] | None: ...
    def inject(self, operation: Any, fault: Fault, *, times: int = 1) -> None: ...


def routes(fake: Controlled) -> list[web.RouteDef]:
    """The control API's routes, driving ``fake``."""

    async def add_company(request: web.Request) -> web.Response:
        body = await _body(request)
        customers = count("customers", body.get("customers", 0), minimum=0, maximum=MAX_CUSTOMERS)
        company_id = fake.add_company(_text(body, "companyId"))
        connection_id = fake.add_connection(company_id, _text(body, "connectionId"))
        fake.add_customers(company_id, customers)
        return web.json_response(
            {"companyId": company_id, "connectionId": connection_id}, status=201
        )

    async def inject(request: web.Request) -> web.Response:
        body = await _body(request)
        operation = _operation(fake, body.get("operation"))
        times = count("times", body.get("times", 1), minimum=1, maximum=MAX_TIMES)
        fake.inject(operation, Fault.from_json(body), times=times)
        return web.json_response({"operation": operation, "times": times}, status=201)

    async def requests(request: web.Request) -> web.Response:
        operation = request.query.get("operation")
        if operation is not None:
            _operation(fake, operation)
        received = [r for r in fake.requests if operation in (None, r.operation)]
        return web.json_response(
            {
                "requests": [
                    {
                        "operation": r.operation,
                        "method": r.method,
                        "path": r.raw_path,
                        "query": dict(r.query),
                        "headers": dict(r.headers),
                        # A body that was not UTF-8 JSON is shown as text, bytes escaped.
                        "body": r.body
                        if not isinstance(r.body, bytes)
                        else r.body.decode("utf-8", "backslashreplace"),
                    }
                    for r in received
                ]
            }
        )

    return [
        web.post(PREFIX + "/companies", _answering_400(add_company)),
        web.post(PREFIX + "/faults", _answering_400(inject)),
        web.get(PREFIX + "/requests", _answering_400(requests)),
    ]


def _answering_400(
    handler: typing.Callable[[web.Request], typing.Awaitable[web.Response]],
) -> typing.Callable[[web.Request], typing.Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except (_ControlRequestError, ValueError, TypeError) as exc:
            # The fake's own checks (a NaN delay, 10**22 customers) raise ValueError.
            return web.json_response({"error": str(exc)}, status=400)

    return handle


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        body = parse_json(raw) if raw else {}
    except ValueError as exc:
        raise _ControlRequestError(f"the body must be a JSON object: {exc}") from None
    if not isinstance(body, dict):
        raise _ControlRequestError("the body must be a JSON object")
    return body


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or not value):
        raise _ControlRequestError(f"{name} must be a non-empty string")
    return value


def _operation(fake: Controlled, value: object) -> str:
    if not isinstance(value, str) or value not in fake.operations:
        known = ", ".join(fake.operations)
        raise _ControlRequestError(f"operation must be one of {known}; got {value!r}")
    return value

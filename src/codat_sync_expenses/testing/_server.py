"""``FakeCodatServer``: Codat's four customer operations on 127.0.0.1, for tests and demos."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timezone
from types import TracebackType
from typing import Any, Literal

import attrs
from aiohttp import web

from . import _store
from ._store import Company, QueryError

Operation = Literal["list-customers", "get-customer", "create-customer", "update-customer"]
Handler = Callable[[web.Request], Awaitable[web.Response]]
Endpoint = Callable[[web.Request], Awaitable[web.StreamResponse]]

_PUSH_STATUS_CODE = 200


@attrs.frozen
class RecordedRequest:
    """A request as the fake received it; the Authorization value is not kept."""

    operation: str
    method: str
    raw_path: str
    path_params: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any


@attrs.frozen
class Fault:
    """One injected failure, for ``FakeCodatServer.inject``.

    ``status``: answer this status (with Codat's error body, or ``body``);
    ``hang``: accept and never answer; ``reset``: drop the connection unanswered;
    ``cut``: process the request, send half the real answer, drop the connection;
    ``delay``: wait this many seconds first. ``after_processing`` applies a
    status or hang fault after the request took effect (a push that happened
    but whose answer is lost).
    """

    status: int | None = None
    retry_after: str | None = None
    body: bytes | None = None
    content_type: str = "application/json"
    hang: bool = False
    reset: bool = False
    cut: bool = False
    delay: float = 0.0
    after_processing: bool = False

    @property
    def fails(self) -> bool:
        """Whether the fault changes the answer; a bare ``delay`` only slows it."""
        return (
            self.status is not None or self.body is not None or self.hang or self.reset or self.cut
        )


class FakeCodatServer:
    """An aiohttp.web server that answers like Codat for the customer operations.

    ``async with FakeCodatServer() as fake:`` starts it on a free port of
    127.0.0.1; ``fake.url`` is its base URL. Any ``Basic`` key is accepted
    unless ``api_key`` is given.
    """

    def __init__(self, *, api_key: str | None = None, port: int = 0) -> None:
        self._api_key = api_key
        self._port = port
        self._companies: dict[str, Company] = {}
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._stopping = asyncio.Event()
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.requests: list[RecordedRequest] = []
        self.url = ""

    async def __aenter__(self) -> FakeCodatServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start listening on 127.0.0.1; sets ``url``."""
        app = web.Application(client_max_size=10 * 1024 * 1024)
        company = "/companies/{companyId}"
        push = company + "/connections/{connectionId}/push/customers"
        routes: list[tuple[str, str, Operation, Handler]] = [
            ("GET", company + "/data/customers", "list-customers", self._list),
            ("GET", company + "/data/customers/{customerId}", "get-customer", self._get),
            ("POST", push, "create-customer", self._create),
            ("PUT", push + "/{customerId}", "update-customer", self._update),
        ]
        for method, path, operation, handler in routes:
            app.router.add_route(method, path, self._endpoint(operation, handler))
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop the server; hanging handlers are released."""
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- seeding ---------------------------------------------------------------

    def add_company(self) -> str:
        """Create an empty company; returns its id."""
        company = Company(_store.new_id())
        self._companies[company.id] = company
        return company.id

    def add_connection(self, company_id: str) -> str:
        """Create a connection (to accounting software) for a company; returns its id."""
        connection_id = _store.new_id()
        self._companies[company_id].connections.add(connection_id)
        return connection_id

    def add_customers(
        self, company_id: str, customers: int | list[dict[str, Any]]
    ) -> list[str] | None:
        """Seed a company with ``n`` realistic customers (made on demand, so 1,000,000 is
        cheap), or with the given Codat-shaped customer dicts (their ids are returned)."""
        company = self._companies[company_id]
        if isinstance(customers, int):
            if company.added_order:
                raise ValueError("seed generated customers before adding explicit ones")
            company.generated += customers
            return None
        ids = []
        for customer in customers:
            stored = {"id": _store.new_id(), **customer}
            company.add(stored)
            ids.append(stored["id"])
        return ids

    def customer(self, company_id: str, customer_id: str) -> dict[str, Any] | None:
        """The JSON of one customer, as a later get would return it."""
        return self._companies[company_id].get(customer_id)

    def customers(self, company_id: str) -> list[dict[str, Any]]:
        """The JSON of every customer of a company, in listing order."""
        return list(self._companies[company_id].all_customers())

    def inject(self, operation: Operation, fault: Fault, *, times: int = 1) -> None:
        """Apply ``fault`` to the next ``times`` calls of ``operation``."""
        self._faults[operation].extend([fault] * times)

    async def wait_for_requests(self, count: int) -> None:
        """Wait until ``count`` requests in all have arrived (wrap it in a timeout)."""
        while len(self.requests) < count:
            self._arrived.clear()
            await self._arrived.wait()

    def requests_for(self, operation: Operation) -> list[RecordedRequest]:
        """The recorded requests of one operation, oldest first."""
        return [r for r in self.requests if r.operation == operation]

    # -- plumbing --------------------------------------------------------------

    def _endpoint(self, operation: Operation, handler: Handler) -> Endpoint:
        async def endpoint(request: web.Request) -> web.StreamResponse:
            body = await request.read()
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = body
            self.requests.append(
                RecordedRequest(
                    operation=operation,
                    method=request.method,
                    raw_path=request.raw_path.partition("?")[0],
                    path_params=dict(request.match_info),
                    query=dict(request.query),
                    headers={k: v for k, v in request.headers.items() if k != "Authorization"},
                    body=parsed,
                )
            )
            self._arrived.set()
            fault = self._faults[operation].popleft() if self._faults[operation] else None
            if fault is not None and fault.delay:
                await asyncio.sleep(fault.delay)
            failing = fault if fault is not None and fault.fails else None
            if failing is not None and not (failing.after_processing or failing.cut):
                return await self._fail(request, failing)
            if not self._authorized(request):
                response = _error(401, "Unauthorized", service="PublicApi")
            else:
                try:
                    response = await handler(request)
                except _HTTPError as exc:
                    response = exc.response
            if failing is not None:
                return await self._fail(request, failing, response)
            return response

        return endpoint

    def _authorized(self, request: web.Request) -> bool:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Basic" or not encoded:
            return False
        try:
            key = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        return bool(key) and (self._api_key is None or key == self._api_key)

    async def _fail(
        self, request: web.Request, fault: Fault, processed: web.Response | None = None
    ) -> web.StreamResponse:
        if fault.hang:
            await self._stopping.wait()
            return web.Response(status=503)
        if fault.reset:
            _abort(request)
            return web.Response()
        if fault.cut and processed is not None and processed.body is not None:
            data = bytes(processed.body)  # type: ignore[arg-type]
            response = web.StreamResponse(status=processed.status)
            response.content_type = "application/json"
            response.content_length = len(data)
            await response.prepare(request)
            await response.write(data[: len(data) // 2])
            _abort(request)
            return response
        status = fault.status or 503
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        if fault.body is not None:
            return web.Response(
                status=status, body=fault.body, content_type=fault.content_type, headers=headers
            )
        response = _error(status, "Injected fault", service="PublicApi")
        response.headers.update(headers)
        return response

    def _company(self, request: web.Request) -> Company:
        company = self._companies.get(request.match_info["companyId"])
        if company is None:
            raise _http_error(
                404, f"No company was found with ID {request.match_info['companyId']}"
            )
        return company

    def _connection(self, request: web.Request, company: Company) -> str:
        connection_id = request.match_info["connectionId"]
        if connection_id not in company.connections:
            raise _http_error(404, f"Data connection {connection_id} not found")
        return connection_id

    # -- the four operations ---------------------------------------------------

    async def _list(self, request: web.Request) -> web.Response:
        company = self._company(request)
        page = _int_param(request, "page", 1, minimum=1)
        page_size = _int_param(request, "pageSize", 100, minimum=1, maximum=5000)
        try:
            results, total = company.page(
                page, page_size, request.query.get("query"), request.query.get("orderBy")
            )
        except QueryError as exc:
            raise _http_error(400, str(exc), service="ClientsApi") from None
        base = f"/companies/{company.id}/data/customers"

        def href(number: int) -> dict[str, str]:
            extra = "".join(
                f"&{k}={request.query[k]}" for k in ("query", "orderBy") if k in request.query
            )
            return {"href": f"{base}?page={number}&pageSize={page_size}{extra}"}

        links = {"self": {"href": base}, "current": href(page)}
        if page * page_size < total:
            links["next"] = href(page + 1)
        if page > 1:
            links["previous"] = href(page - 1)
        return _json(
            {
                "results": results,
                "pageNumber": page,
                "pageSize": page_size,
                "totalResults": total,
                "_links": links,
            }
        )

    async def _get(self, request: web.Request) -> web.Response:
        company = self._company(request)
        customer = company.get(request.match_info["customerId"])
        if customer is None:
            raise _http_error(
                404, f"Customer {request.match_info['customerId']} not found", "PullApi"
            )
        return _json(customer)

    async def _create(self, request: web.Request) -> web.Response:
        company = self._company(request)
        connection_id = self._connection(request, company)
        body = await _json_body(request)
        customer = {**body, "id": body.get("id") or _store.new_id(), "modifiedDate": _now()}
        company.add(customer)
        return _json(_push_operation(request, company, connection_id, customer, "Created"))

    async def _update(self, request: web.Request) -> web.Response:
        company = self._company(request)
        connection_id = self._connection(request, company)
        customer_id = request.match_info["customerId"]
        if company.get(customer_id) is None:
            raise _http_error(404, f"Customer {customer_id} not found", "PushApi")
        body = await _json_body(request, customer_id)
        customer = {**body, "id": customer_id, "modifiedDate": _now()}
        company.stored[customer_id] = customer
        return _json(_push_operation(request, company, connection_id, customer, "Modified"))


class _HTTPError(Exception):
    def __init__(self, response: web.Response) -> None:
        self.response = response


def _error(
    status: int,
    message: str,
    service: str = "PublicApi",
    validation: dict[str, Any] | None = None,
) -> web.Response:
    body = {
        "statusCode": status,
        "service": service,
        "error": message,
        "correlationId": _store.new_id().replace("-", ""),
        "validation": validation,
        "canBeRetried": "Unknown",
        "detailedErrorCode": 0,
    }
    return web.json_response(body, status=status)


def _http_error(status: int, message: str, service: str = "PublicApi") -> _HTTPError:
    return _HTTPError(_error(status, message, service))


def _json(body: Any) -> web.Response:
    return web.Response(body=json.dumps(body).encode(), content_type="application/json")


def _abort(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.abort()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _int_param(
    request: web.Request, name: str, default: int, *, minimum: int, maximum: int | None = None
) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _http_error(400, f"Error parsing query - {name} must be an integer.") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise _http_error(400, f"Error parsing query - {name} is out of range.")
    return value


async def _json_body(request: web.Request, customer_id: str | None = None) -> dict[str, Any]:
    try:
        body = json.loads(await request.read())
    except ValueError:
        body = None
    errors = _store.validation_errors(body, customer_id)
    if errors:
        raise _HTTPError(
            _error(400, "Error processing request - not valid.", validation={"errors": errors})
        )
    return body  # type: ignore[no-any-return]


def _push_operation(
    request: web.Request,
    company: Company,
    connection_id: str,
    customer: dict[str, Any],
    change: str,
) -> dict[str, Any]:
    timeout = request.query.get("timeoutInMinutes")
    return {
        "changes": [{"type": change, "recordRef": {"id": customer["id"], "dataType": "customers"}}],
        "dataType": "customers",
        "companyId": company.id,
        "pushOperationKey": _store.new_id(),
        "dataConnectionKey": connection_id,
        "requestedOnUtc": customer["modifiedDate"],
        "completedOnUtc": customer["modifiedDate"],
        "timeoutInMinutes": int(timeout) if timeout and timeout.isdigit() else None,
        "status": "Success",
        "errorMessage": None,
        "validation": {"errors": [], "warnings": []},
        "statusCode": _PUSH_STATUS_CODE,
        "data": customer,
    }

"""``FakeCodatServer``: serving, auth, recording and faults around the fake's resources.

The resources (``_customers``, ...) know Codat's operations; this module knows
none of them beyond the routes they hand over.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import concurrent.futures
import functools
import threading
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

import attrs
from aiohttp import web

from . import _control, _customers, _push
from ._faults import Fault, UnusedFaultsError
from ._push import PushOutcome
from ._responses import CodatHTTPError, error, parse_json
from ._state import World

P = ParamSpec("P")
R = TypeVar("R")

Operation = Literal[
    "list-customers",
    "get-customer",
    "create-customer",
    "update-customer",
    "get-push-operation",
    "list-push-operations",
]
Handler = Callable[[web.Request], Awaitable[web.Response]]
Route = tuple[str, str, Operation, Handler]
Endpoint = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Codat's usual course: the push answers Pending, and a later look finds it done.
PENDING_THEN_SUCCESS = PushOutcome.success(after_polls=1)
MAX_CUSTOMERS = 10_000_000
"""The most customers a company may be seeded with: a filtered listing reads every one."""
MAX_TIMES = 1_000_000
"""The most calls one fault or push outcome may be queued for."""


def count(name: str, value: object, *, minimum: int, maximum: int) -> int:
    """Check a whole number the fake is asked to serve; ValueError naming it otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be from {minimum} to {maximum:,}, got {value}")
    return value


def _on_own_thread(
    method: Callable[Concatenate[FakeCodatServer, P], R],
) -> Callable[Concatenate[FakeCodatServer, P], R]:
    """Run a seeding or reading method on the thread that serves the fake.

    The fake's records are only ever touched there, so a test seeding it from
    another thread (``serve_in_thread``) never changes them under a listing.
    """

    @functools.wraps(method)
    def run(fake: FakeCodatServer, /, *args: P.args, **kwargs: P.kwargs) -> R:
        loop = fake._loop
        if loop is None or not loop.is_running() or fake._thread == threading.get_ident():
            return method(fake, *args, **kwargs)
        result: concurrent.futures.Future[R] = concurrent.futures.Future()

        def call() -> None:
            try:
                result.set_result(method(fake, *args, **kwargs))
            except Exception as exc:  # raised again in the caller's thread
                result.set_exception(exc)

        loop.call_soon_threadsafe(call)
        return result.result()

    return run


@attrs.frozen
class CompanyTraffic:
    """What the fake saw of one company's concurrency."""

    peak_in_flight: int
    """The most requests for the company it was answering at once."""
    rejected: int
    """Requests it answered 429 because ``max_in_flight_per_company`` were in flight."""


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


class FakeCodatServer:
    """An aiohttp.web server that answers like Codat for the operations this SDK binds.

    ``async with FakeCodatServer() as fake:`` starts it on a free port of
    127.0.0.1; ``fake.url`` is its base URL. Any ``Basic`` key is accepted
    unless ``api_key`` is given. Leaving the block with injected faults or push
    outcomes that never came into play raises ``UnusedFaultsError``.

    Every create or update answers with a push operation settled by
    ``push_outcome``: by default Pending, then Success on the first poll of
    get-push-operation; ``PushOutcome.success()`` settles it at once.

    With ``max_in_flight_per_company`` it enforces Codat's concurrency limit:
    a request for a company that already has that many in flight gets 429
    with ``Retry-After: 1``, unprocessed; ``traffic(company_id)`` tells.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        port: int = 0,
        push_outcome: PushOutcome = PENDING_THEN_SUCCESS,
        max_in_flight_per_company: int | None = None,
    ) -> None:
        self._api_key = api_key
        self._port = port
        self._max_in_flight = max_in_flight_per_company
        self._in_flight: dict[str, int] = defaultdict(int)
        self._peak: dict[str, int] = defaultdict(int)
        self._rejected: dict[str, int] = defaultdict(int)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._world = World(push_outcome)
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
        if exc is not None:
            # The block's own error says more than unused faults.
            self._faults.clear()
            self._world.next_push_outcomes.clear()
        await self.stop()

    async def start(self) -> None:
        """Start listening on 127.0.0.1; sets ``url``."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        app = web.Application(client_max_size=10 * 1024 * 1024, middlewares=[_codat_errors])
        routes = _customers.routes(self._world) + _push.routes(self._world)
        for method, path, operation, handler in routes:
            app.router.add_route(method, path, self._endpoint(operation, handler))
        _control.add_routes(app, self)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop the server (hanging handlers are released); raise if faults never fired."""
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        unused: dict[str, list[Any]] = {
            operation: list(faults) for operation, faults in self._faults.items() if faults
        }
        if self._world.next_push_outcomes:
            unused["next pushes"] = list(self._world.next_push_outcomes)
        self._faults.clear()
        self._world.next_push_outcomes.clear()
        if unused:
            raise UnusedFaultsError(f"injected faults or push outcomes never used: {unused}")

    # -- seeding ---------------------------------------------------------------

    @_on_own_thread
    def add_company(self, company_id: str | None = None) -> str:
        """Create an empty company; returns its id (by default the same on every run)."""
        return self._world.add_company(company_id).id

    @_on_own_thread
    def add_connection(self, company_id: str, connection_id: str | None = None) -> str:
        """Create a connection (to accounting software) for a company; returns its id."""
        return self._world.companies[company_id].add_connection(connection_id)

    @_on_own_thread
    def add_customers(
        self, company_id: str, customers: int | list[dict[str, Any]]
    ) -> list[str] | None:
        """Seed a company with ``n`` realistic customers (made on demand from the company
        id, so 1,000,000 is cheap), or with the given Codat-shaped customer dicts (their
        ids are returned)."""
        store = self._world.companies[company_id].customers
        if isinstance(customers, int):
            store.generate(count("customers", customers, minimum=0, maximum=MAX_CUSTOMERS))
            return None
        ids = []
        for customer in customers:
            stored = {"id": str(uuid.uuid4()), **customer}
            store.put(stored)
            ids.append(stored["id"])
        return ids

    @_on_own_thread
    def customer(self, company_id: str, customer_id: str) -> dict[str, Any] | None:
        """The JSON of one customer, as a later get would return it."""
        return self._world.companies[company_id].customers.get(customer_id)

    @_on_own_thread
    def customers(self, company_id: str) -> list[dict[str, Any]]:
        """The JSON of every customer of a company, in listing order."""
        store = self._world.companies[company_id].customers
        return [store.record(i) for i in range(len(store))]

    @_on_own_thread
    def push_operations(self, company_id: str) -> list[dict[str, Any]]:
        """The JSON of every push operation of a company, oldest first, as listed."""
        pushes = self._world.companies[company_id].pushes
        return [pushes.record(i) for i in range(len(pushes))]

    # -- pushes, faults and recording -------------------------------------------

    @_on_own_thread
    def settle_next_push(self, outcome: PushOutcome, *, times: int = 1) -> None:
        """Settle the next ``times`` pushes (creates or updates) with ``outcome``."""
        count("times", times, minimum=1, maximum=MAX_TIMES)
        self._world.next_push_outcomes.extend([outcome] * times)

    @_on_own_thread
    def inject(self, operation: Operation, fault: Fault, *, times: int = 1) -> None:
        """Apply ``fault`` to the next ``times`` calls of ``operation``."""
        count("times", times, minimum=1, maximum=MAX_TIMES)
        self._faults[operation].extend([fault] * times)

    @_on_own_thread
    def traffic(self, company_id: str) -> CompanyTraffic:
        """The peak of concurrent requests for a company, and how many got 429 for it."""
        return CompanyTraffic(
            peak_in_flight=self._peak.get(company_id, 0), rejected=self._rejected.get(company_id, 0)
        )

    async def wait_for_requests(self, count: int) -> None:
        """Wait until ``count`` requests in all have arrived (wrap it in a timeout).

        It may be awaited from any loop, also when the fake runs on a thread of its own.
        """
        if self._loop is not None and self._loop is not asyncio.get_running_loop():
            waiting = asyncio.run_coroutine_threadsafe(self.wait_for_requests(count), self._loop)
            await asyncio.wrap_future(waiting)
            return
        while len(self.requests) < count:
            self._arrived.clear()
            await self._arrived.wait()

    def requests_for(self, operation: Operation) -> list[RecordedRequest]:
        """The recorded requests of one operation, oldest first."""
        return [r for r in self.requests if r.operation == operation]

    # -- plumbing --------------------------------------------------------------

    def _endpoint(self, operation: Operation, handler: Handler) -> Endpoint:
        async def endpoint(request: web.Request) -> web.StreamResponse:
            await self._record(operation, request)
            company_id = request.match_info.get("companyId", "")
            if (
                self._max_in_flight is not None
                and self._in_flight[company_id] >= self._max_in_flight
            ):
                self._rejected[company_id] += 1
                response = error(429, "Too many concurrent requests for this company")
                response.headers["Retry-After"] = "1"
                return response
            self._in_flight[company_id] += 1
            self._peak[company_id] = max(self._peak[company_id], self._in_flight[company_id])
            try:
                return await answer(request)
            finally:
                self._in_flight[company_id] -= 1

        async def answer(request: web.Request) -> web.StreamResponse:
            fault = self._faults[operation].popleft() if self._faults[operation] else None
            if fault is not None and fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
                fault = None
            if fault is not None and not (fault.after_processing or fault.kind == "cut"):
                return await self._fail(request, fault)
            if not self._authorized(request):
                response = error(401, "Unauthorized")
            else:
                try:
                    response = await handler(request)
                except CodatHTTPError as exc:
                    response = exc.response
            if fault is not None:
                return await self._fail(request, fault, response)
            return response

        return endpoint

    async def _record(self, operation: str, request: web.Request) -> None:
        body = await request.read()
        try:
            parsed = parse_json(body) if body else None
        except ValueError:  # kept as it came: not JSON, not UTF-8, or nested too deeply
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
        if fault.kind == "hang":
            await self._stopping.wait()
            return web.Response(status=503)
        if fault.kind == "reset":
            _abort(request)
            return web.Response()
        if fault.kind == "cut" and processed is not None and processed.body is not None:
            data = bytes(processed.body)  # type: ignore[arg-type]
            response = web.StreamResponse(status=processed.status)
            response.content_type = "application/json"
            response.content_length = len(data)
            await response.prepare(request)
            await response.write(data[: len(data) // 2])
            _abort(request)
            return response
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        if fault.body is not None:
            return web.Response(
                status=fault.code, body=fault.body, content_type=fault.content_type, headers=headers
            )
        response = error(fault.code, "Injected fault")
        response.headers.update(headers)
        return response


@web.middleware
async def _codat_errors(request: web.Request, handler: Endpoint) -> web.StreamResponse:
    # aiohttp answers unmatched paths and methods in text/plain; Codat in its JSON body.
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error(exc.status, exc.reason)
        if "Allow" in exc.headers:  # a 405 names the methods the path does serve
            response.headers["Allow"] = exc.headers["Allow"]
        return response


def _abort(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.abort()

"""The fake's harness: serving, auth, recording and faults around whatever resources it
is given. It knows none of Codat's operations beyond the routes they hand over."""

from __future__ import annotations

import asyncio
import base64
import binascii
import concurrent.futures
import functools
import threading
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

import attrs
from aiohttp import web

from ._counts import MAX_TIMES, count
from ._faults import Fault, UnusedFaultsError
from ._resource import Handler, Resource
from ._responses import CodatHTTPError, error, parse_json

P = ParamSpec("P")
R = TypeVar("R")
Op = TypeVar("Op", bound=str)
H = TypeVar("H", bound="Harness[Any]")
Endpoint = Callable[[web.Request], Awaitable[web.StreamResponse]]


def on_own_thread(
    method: Callable[Concatenate[H, P], R],
) -> Callable[Concatenate[H, P], R]:
    """Run a seeding or reading method on the thread that serves the fake.

    The fake's records are only ever touched there, so a test seeding it from
    another thread (``serve_in_thread``) never changes them under a listing.
    """

    @functools.wraps(method)
    def run(fake: H, /, *args: P.args, **kwargs: P.kwargs) -> R:
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


class Harness(Generic[Op]):
    """An aiohttp.web server for the routes of the resources it is given: auth, recording,
    faults and the per-company concurrency limit. It knows no resource.

    ``FakeCodatServer`` is one, with Codat's resources; see its docstring.
    """

    def __init__(
        self,
        *,
        resources: Sequence[Resource],
        api_key: str | None,
        port: int,
        max_in_flight_per_company: int | None,
    ) -> None:
        self._resources = resources
        self._routes = [route for resource in resources for route in resource.routes()]
        self._api_key = api_key
        self._port = port
        self._max_in_flight = max_in_flight_per_company
        self._in_flight: dict[str, int] = defaultdict(int)
        self._peak: dict[str, int] = defaultdict(int)
        self._rejected: dict[str, int] = defaultdict(int)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._stopping = asyncio.Event()
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.requests: list[RecordedRequest] = []
        self.url = ""

    async def __aenter__(self: H) -> H:
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
            for resource in self._resources:
                resource.forget_unused()
        await self.stop()

    async def start(self) -> None:
        """Start listening on 127.0.0.1; sets ``url``."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        app = web.Application(client_max_size=10 * 1024 * 1024, middlewares=[_codat_errors])
        for route in self._routes:
            app.router.add_route(
                route.method, route.path, self._endpoint(route.operation, route.handler)
            )
        app.router.add_routes(self._control_routes())
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
        for resource in self._resources:
            unused.update(resource.unused())
            resource.forget_unused()
        self._faults.clear()
        if unused:
            raise UnusedFaultsError(f"injected faults or push outcomes never used: {unused}")

    def _control_routes(self) -> list[web.RouteDef]:
        """Routes served besides the resources': not recorded, never faulted."""
        return []

    # -- faults and recording ----------------------------------------------------

    @property
    def operations(self) -> tuple[str, ...]:
        """The operation ids this server answers, in the order its resources list them."""
        return tuple(route.operation for route in self._routes)

    @on_own_thread
    def inject(self, operation: Op, fault: Fault, *, times: int = 1) -> None:
        """Apply ``fault`` to the next ``times`` calls of ``operation``."""
        count("times", times, minimum=1, maximum=MAX_TIMES)
        if operation not in self.operations:
            raise ValueError(
                f"operation must be one of {', '.join(self.operations)}; got {operation!r}"
            )
        self._faults[operation].extend([fault] * times)

    @on_own_thread
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

    def requests_for(self, operation: Op) -> list[RecordedRequest]:
        """The recorded requests of one operation, oldest first."""
        return [r for r in self.requests if r.operation == operation]

    # -- plumbing --------------------------------------------------------------

    def _endpoint(self, operation: str, handler: Handler) -> Endpoint:
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
            faults = self._faults[operation]
            if faults:
                return await faults.popleft().respond(
                    request, functools.partial(handle, request), self._stopping
                )
            return await handle(request)

        async def handle(request: web.Request) -> web.Response:
            if not self._authorized(request):
                return error(401, "Unauthorized")
            try:
                return await handler(request)
            except CodatHTTPError as exc:
                return exc.response

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

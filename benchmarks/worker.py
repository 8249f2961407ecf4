"""Run one workload for one contender and print its timing as JSON.

``benchmarks/run.py`` starts this in a fresh process per measurement, so that
contenders never share caches, and so that ``sdk-no-extras`` can run without
orjson and msgspec. Workloads: ``get``, ``get-concurrent``, ``walk``,
``create-concurrent`` (timed), ``stall-N`` (the worst wait of a heartbeat task
while walking at page_size N), ``hold`` (bytes per customer kept alive) and, for
the ``converter`` contender, ``structure``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

API_KEY = "bench-key"
AUTH = "Basic " + base64.b64encode(API_KEY.encode()).decode()
GET_PATH = "/companies/bench-1/data/customers/c-1"
CREATE_PATH = "/companies/bench-1/connections/k-1/push/customers"
NEW_CUSTOMER = {"status": "Active", "customerName": "Bench Ltd", "defaultCurrency": "GBP"}
PAGE_SIZE = 1000
HEARTBEAT = 0.001  # seconds between the heartbeat's wake-ups


class Heartbeat:
    """A task on the walk's loop that wakes every millisecond and records its worst delay."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(HEARTBEAT)
            self.worst = max(self.worst, time.perf_counter() - before - HEARTBEAT)

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.ensure_future(self._beat())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


def _page_size(workload: str) -> int:
    return int(workload.split("-")[1]) if workload.startswith("stall-") else PAGE_SIZE


async def _bounded(calls: int, in_flight: int, call: Callable[[], Awaitable[object]]) -> None:
    """Run ``calls`` calls with at most ``in_flight`` at once."""
    remaining = iter(range(calls))

    async def lane() -> None:
        for _ in remaining:
            await call()

    await asyncio.gather(*(lane() for _ in range(in_flight)))


# -- contender: this SDK -----------------------------------------------------------------


async def sdk(url: str, workload: str, size: int) -> int:
    from codat_sync_expenses import CodatSyncExpenses
    from codat_sync_expenses.models import Customer, CustomerStatus

    async with CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0) as codat:

        async def get() -> object:
            return await codat.customers.get_async(company_id="bench-1", customer_id="c-1")

        async def create() -> object:
            customer = Customer(status=CustomerStatus.ACTIVE, customer_name="Bench Ltd")
            return await codat.customers.create_async(
                company_id="bench-1", connection_id="k-1", customer=customer
            )

        await _bounded(20, 1, get)  # warm-up: session, connection, converter hooks
        if workload in ("walk", "hold") or workload.startswith("stall-"):

            async def walk(keep: list[object] | None) -> int:
                walked = 0
                async for customer in codat.customers.list_async(
                    company_id=f"bench-{size}", page_size=_page_size(workload)
                ):
                    walked += 1
                    if keep is not None:
                        keep.append(customer)
                return walked

            return await _walked(workload, walk)
        return await _timed(workload, size, get, create)


def sdk_blocking(url: str, workload: str, size: int) -> int:
    """This SDK's blocking twin, ``customers.get``, called from a thread with no event loop."""
    from codat_sync_expenses import CodatSyncExpenses

    codat = CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0)
    try:
        return _timed_blocking(
            workload, size, lambda: codat.customers.get(company_id="bench-1", customer_id="c-1")
        )
    finally:
        codat.close()


# -- contender: raw aiohttp + json.loads into dicts ------------------------------------------


async def raw(url: str, workload: str, size: int) -> int:
    import aiohttp

    headers = {"Authorization": AUTH, "Accept": "application/json"}
    async with aiohttp.ClientSession() as session:

        async def get() -> object:
            async with session.get(url + GET_PATH, headers=headers) as response:
                return json.loads(await response.read())

        async def create() -> object:
            async with session.post(
                url + CREATE_PATH,
                headers={**headers, "Content-Type": "application/json"},
                data=json.dumps(NEW_CUSTOMER).encode(),
            ) as response:
                return json.loads(await response.read())

        await _bounded(20, 1, get)
        if workload in ("walk", "hold") or workload.startswith("stall-"):

            async def walk(keep: list[object] | None) -> int:
                walked, page = 0, 1
                while True:
                    async with session.get(
                        f"{url}/companies/bench-{size}/data/customers",
                        params={"page": str(page), "pageSize": str(_page_size(workload))},
                        headers=headers,
                    ) as response:
                        body = json.loads(await response.read())
                    for customer in body["results"]:
                        walked += 1
                        if keep is not None:
                            keep.append(customer)
                    if "next" not in body["_links"]:
                        return walked
                    page += 1

            return await _walked(workload, walk)
        return await _timed(workload, size, get, create)


# -- contender: Codat's official SDK ---------------------------------------------------------


async def official(url: str, workload: str, size: int) -> int:
    from codat_sync_for_expenses import CodatSyncExpenses as Official  # type: ignore[import-not-found]
    from codat_sync_for_expenses.models import shared  # type: ignore[import-not-found]

    codat: Any = Official(security=shared.Security(auth_header=AUTH), server_url=url)

    async def get() -> object:
        return await codat.customers.get_async(
            request={"company_id": "bench-1", "customer_id": "c-1"}
        )

    async def create() -> object:
        return await codat.customers.create_async(
            request={
                "company_id": "bench-1",
                "connection_id": "k-1",
                "customer": {"status": "Active", "customer_name": "Bench Ltd"},
            }
        )

    await _bounded(20, 1, get)
    if workload == "walk":
        # The official SDK has no paginator: page by hand, as its users must.
        walked, page = 0, 1
        started = time.perf_counter()
        while True:
            result = await codat.customers.list_async(
                request={"company_id": f"bench-{size}", "page": page, "page_size": PAGE_SIZE}
            )
            for _ in result.results:
                walked += 1
            if page * PAGE_SIZE >= result.total_results:
                return _report(walked, started)
            page += 1
    return await _timed(workload, size, get, create)


def official_blocking(url: str, workload: str, size: int) -> int:
    """The official SDK's blocking ``customers.get``, which its ``get_async`` runs in a thread."""
    from codat_sync_for_expenses import CodatSyncExpenses as Official
    from codat_sync_for_expenses.models import shared

    codat: Any = Official(security=shared.Security(auth_header=AUTH), server_url=url)
    return _timed_blocking(
        workload,
        size,
        lambda: codat.customers.get(request={"company_id": "bench-1", "customer_id": "c-1"}),
    )


# -- contender: a client generated by openapi-python-client from our document ---------------


async def openapi_python_client(url: str, workload: str, size: int) -> int:
    # run.py generates the client into a temporary folder and names it here.
    sys.path.insert(0, os.environ["BENCH_OPC_PATH"])
    from codat_opc import Client  # type: ignore[import-not-found]
    from codat_opc.api.customers import (  # type: ignore[import-not-found]
        create_customer,
        get_customer,
        list_customers,
    )
    from codat_opc.models import Customer  # type: ignore[import-not-found]

    async with Client(base_url=url, headers={"Authorization": AUTH}) as client:

        async def get() -> object:
            return await get_customer.asyncio("bench-1", "c-1", client=client)

        async def create() -> object:
            return await create_customer.asyncio(
                "bench-1", "k-1", client=client, body=Customer.from_dict(NEW_CUSTOMER)
            )

        await _bounded(20, 1, get)
        if workload == "walk":
            walked, page = 0, 1
            started = time.perf_counter()
            while True:
                result = await list_customers.asyncio(
                    f"bench-{size}", client=client, page=page, page_size=PAGE_SIZE
                )
                for _ in result.results:
                    walked += 1
                if page * PAGE_SIZE >= result.total_results:
                    return _report(walked, started)
                page += 1
        return await _timed(workload, size, get, create)


# -- shared ------------------------------------------------------------------------------


async def _walked(workload: str, walk: Callable[[list[object] | None], Awaitable[int]]) -> int:
    """Time a walk; or its worst event-loop stall (``stall-N``); or what it keeps (``hold``)."""
    if workload == "hold":
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        kept: list[object] = []
        walked = await walk(kept)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        print(json.dumps({"operations": walked, "bytes_per_item": held / walked}))
        return walked
    started = time.perf_counter()
    if workload.startswith("stall-"):
        async with Heartbeat() as heartbeat:
            walked = await walk(None)
        seconds = time.perf_counter() - started
        print(
            json.dumps(
                {"operations": walked, "seconds": seconds, "stall_ms": heartbeat.worst * 1000}
            )
        )
        return walked
    return _report(await walk(None), started)


async def _timed(
    workload: str,
    size: int,
    get: Callable[[], Awaitable[object]],
    create: Callable[[], Awaitable[object]],
) -> int:
    call, in_flight = {
        "get": (get, 1),
        "get-concurrent": (get, 100),
        "create-concurrent": (create, 20),
    }[workload]
    started = time.perf_counter()
    await _bounded(size, in_flight, call)
    return _report(size, started)


def _timed_blocking(workload: str, size: int, get: Callable[[], object]) -> int:
    """Sequential blocking gets: the one workload the blocking contenders run."""
    if workload != "get":
        raise SystemExit(f"the blocking contenders run only the 'get' workload, not {workload!r}")
    for _ in range(20):  # warm-up, as the async contenders' _bounded(20, 1, get)
        get()
    started = time.perf_counter()
    for _ in range(size):
        get()
    return _report(size, started)


def _report(operations: int, started: float) -> int:
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"operations": operations, "seconds": seconds, "peak_rss_kib": peak_kib}))
    return operations


async def converter_only(url: str, workload: str, size: int) -> int:
    """Body to objects for a page of ``size`` customers, in microseconds per customer, per path."""
    from codat_sync_expenses import _converter, _decode, _fast_dicts, _fast_mirror
    from codat_sync_expenses.models import Customers
    from codat_sync_expenses.testing._seed import generated_customer

    page = {
        "results": [generated_customer(7, i) for i in range(size)],
        "pageNumber": 1,
        "pageSize": size,
        "totalResults": size,
        "_links": {"self": {"href": "/"}, "current": {"href": "/"}},
    }
    body = json.dumps(page).encode()
    paths: dict[str, Callable[[], object]] = {
        "json.loads (dicts only)": lambda: json.loads(body),
        "cattrs converter (the reference)": lambda: _converter.loads(body, Customers),
        "dict builders, json": lambda: _fast_dicts.BUILDERS[Customers](json.loads(body)),
        "dict builders, orjson": lambda: _fast_dicts.BUILDERS[Customers](
            _converter.decode_json(body)
        ),
        "msgspec mirror": lambda: _fast_mirror.DECODERS[Customers](body),
        "what the SDK runs": lambda: _decode.loads(body, Customers),
    }
    timings = {}
    for name, decode in paths.items():
        runs = []
        for _ in range(15):
            started = time.perf_counter()
            decode()
            runs.append(time.perf_counter() - started)
        timings[name] = round(sorted(runs)[len(runs) // 2] / size * 1e6, 2)
    print(json.dumps({"operations": size, "us_per_customer": timings}))
    return size


CONTENDERS: dict[str, Callable[[str, str, int], Coroutine[Any, Any, int]]] = {
    "sdk": sdk,
    "sdk-no-extras": sdk,
    "raw-aiohttp": raw,
    "official": official,
    "openapi-python-client": openapi_python_client,
    "converter": converter_only,
}
BLOCKING_CONTENDERS: dict[str, Callable[[str, str, int], int]] = {
    "sdk-blocking": sdk_blocking,
    "official-blocking": official_blocking,
}


def main() -> None:
    """Parse the arguments and run the one measurement."""
    parser = argparse.ArgumentParser()
    parser.add_argument("contender", choices=sorted([*CONTENDERS, *BLOCKING_CONTENDERS]))
    parser.add_argument("workload")
    parser.add_argument("size", type=int)
    parser.add_argument("url")
    args = parser.parse_args()
    if args.contender == "sdk-no-extras":
        # The stdlib json path with the generated dict builders.
        sys.modules["orjson"] = None  # type: ignore[assignment]
        sys.modules["msgspec"] = None  # type: ignore[assignment]
    if args.contender in BLOCKING_CONTENDERS:
        BLOCKING_CONTENDERS[args.contender](args.url, args.workload, args.size)
    else:
        asyncio.run(CONTENDERS[args.contender](args.url, args.workload, args.size))


if __name__ == "__main__":
    main()

"""Run one workload for one contender and print its timing as JSON.

``benchmarks/run.py`` starts this in a fresh process per measurement, so that
contenders never share caches, and so that ``sdk-json`` can run without orjson.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import resource
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

API_KEY = "bench-key"
AUTH = "Basic " + base64.b64encode(API_KEY.encode()).decode()
GET_PATH = "/companies/bench-1/data/customers/c-1"
CREATE_PATH = "/companies/bench-1/connections/k-1/push/customers"
NEW_CUSTOMER = {"status": "Active", "customerName": "Bench Ltd", "defaultCurrency": "GBP"}
PAGE_SIZE = 1000


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
        if workload == "walk":
            walked = 0
            listing = codat.customers.list_async(company_id=f"bench-{size}", page_size=PAGE_SIZE)
            started = time.perf_counter()
            async for _ in listing:
                walked += 1
            return _report(walked, started)
        return await _timed(workload, size, get, create)


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
        if workload == "walk":
            walked, page = 0, 1
            started = time.perf_counter()
            while True:
                async with session.get(
                    f"{url}/companies/bench-{size}/data/customers",
                    params={"page": str(page), "pageSize": str(PAGE_SIZE)},
                    headers=headers,
                ) as response:
                    body = json.loads(await response.read())
                for _ in body["results"]:
                    walked += 1
                if "next" not in body["_links"]:
                    return _report(walked, started)
                page += 1
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


# -- shared ------------------------------------------------------------------------------


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


def _report(operations: int, started: float) -> int:
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"operations": operations, "seconds": seconds, "peak_rss_kib": peak_kib}))
    return operations


async def converter_only(url: str, workload: str, size: int) -> int:
    """Structure ``size`` realistic customers from decoded JSON: the converter's cost alone."""
    from codat_sync_expenses import _converter
    from codat_sync_expenses.models import Customer
    from codat_sync_expenses.testing._seed import generated_customer

    decoded = [generated_customer(7, i) for i in range(size)]
    _converter.structure(decoded[0], Customer)
    started = time.perf_counter()
    for customer in decoded:
        _converter.structure(customer, Customer)
    return _report(size, started)


CONTENDERS: dict[str, Callable[[str, str, int], Coroutine[Any, Any, int]]] = {
    "sdk-orjson": sdk,
    "sdk-json": sdk,
    "raw-aiohttp": raw,
    "official": official,
    "converter": converter_only,
}


def main() -> None:
    """Parse the arguments and run the one measurement."""
    parser = argparse.ArgumentParser()
    parser.add_argument("contender", choices=sorted(CONTENDERS))
    parser.add_argument(
        "workload", choices=["get", "get-concurrent", "walk", "create-concurrent", "structure"]
    )
    parser.add_argument("size", type=int)
    parser.add_argument("url")
    args = parser.parse_args()
    if args.contender == "sdk-json":
        sys.modules["orjson"] = None  # type: ignore[assignment]  # the stdlib json path
    asyncio.run(CONTENDERS[args.contender](args.url, args.workload, args.size))


if __name__ == "__main__":
    main()

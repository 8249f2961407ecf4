"""What the pre-push check adds to a create, beside raw aiohttp sending the same body.

Three sequential measurements, interleaved round by round, medians per customer:
``check_body`` on a generated customer (the check every ``create_async`` and
``update_async`` runs before sending), encoding that customer as the SDK sends it, and
raw aiohttp POSTing the pre-encoded body to a local server that answers at once (the
floor of a create). The ratios are the check over each. Options: ``--rounds N``,
``--customers N``. Run: ``python benchmarks/push_checks.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

import aiohttp
from aiohttp import web

from codat_sync_expenses import _validate, serialization
from codat_sync_expenses.models import Customer
from codat_sync_expenses.testing._seed import generated_customer

ANSWER = b'{"status":"Pending","pushOperationKey":"00000000-0000-4000-8000-000000000001"}'


def _per_item(run: Callable[[], None], items: int) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) / items


async def _raw_posts(url: str, bodies: list[bytes]) -> float:
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        for body in bodies:
            headers = {"Content-Type": "application/json", "Authorization": "Basic a2V5"}
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
        return (time.perf_counter() - started) / len(bodies)


async def main(rounds: int, count: int) -> None:
    """Print the medians and the check's ratios to encoding and to a raw aiohttp POST."""

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=ANSWER, content_type="application/json")

    app = web.Application()
    app.router.add_post("/push", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    customers = [serialization.from_dict(generated_customer(1, i), Customer) for i in range(count)]
    bodies = [serialization.to_json(customer) for customer in customers]

    def check() -> None:
        for customer in customers:
            _validate.check_body("customer", customer, Customer)

    def encode() -> None:
        for customer in customers:
            serialization.to_json(customer)

    check()  # warm-up: the plans are built on first use
    results: dict[str, list[float]] = {"check": [], "encode": [], "raw aiohttp POST": []}
    try:
        for _ in range(rounds):
            results["check"].append(_per_item(check, count))
            results["encode"].append(_per_item(encode, count))
            results["raw aiohttp POST"].append(
                await _raw_posts(f"http://127.0.0.1:{port}/push", bodies)
            )
    finally:
        await runner.cleanup()
    medians = {name: statistics.median(times) for name, times in results.items()}
    for name, median in medians.items():
        print(f"{name:>18}: {median * 1e6:8.2f} us per customer (median of {rounds})")
    check_time = medians["check"]
    print(f"check / encode:           {check_time / medians['encode']:.2f}x")
    print(f"check / raw aiohttp POST: {check_time / medians['raw aiohttp POST']:.4f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--customers", type=int, default=300)
    options = parser.parse_args()
    asyncio.run(main(options.rounds, options.customers))

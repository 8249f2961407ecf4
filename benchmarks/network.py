"""Pushes over a realistic network: TLS, and a proxy that delays every byte by half a round trip.

``python benchmarks/network.py [--rounds N] [--rtt-ms MS]`` starts, in one child process, the
pre-encoded server of ``server.py`` behind TLS (the test certificate for 127.0.0.1) and, in
front of it, a TCP proxy that holds each chunk for half the round-trip time in each direction.
Then, interleaved round by round, each contender runs in a fresh process: 40 sequential
``create_async`` calls, and 200 at 20 in flight over 4 companies. "x raw" is the contender's
time over raw aiohttp's (one pooled session) in the same run: below 1 is faster.

Loopback hides what a push's fresh connection costs (a TCP and TLS handshake is two round trips
more); this workload shows it, as it is over the internet.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import ssl
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
CERT = HERE.parent / "tests" / "fixtures" / "untrusted-cert.pem"
KEY = HERE.parent / "tests" / "fixtures" / "untrusted-key.pem"
CONTENDERS = ("sdk", "raw-aiohttp")
WORKLOADS = {  # name: (calls, in flight, companies)
    "create-sequential": (40, 1, 1),
    "create-concurrent": (200, 20, 4),
}
API_KEY = "bench-key"
NEW_CUSTOMER = {"status": "Active", "customerName": "Bench Ltd", "defaultCurrency": "GBP"}


# -- the child process: TLS server and delaying proxy ----------------------------------------


async def _relay(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, one_way: float
) -> None:
    """Copy ``reader`` to ``writer``, each chunk written ``one_way`` seconds after it arrived."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, chunk = await queue.get()
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            if not chunk:
                writer.close()
                return
            writer.write(chunk)
            await writer.drain()

    delivery = asyncio.ensure_future(deliver())
    with contextlib.suppress(ConnectionError):
        while chunk := await reader.read(65536):
            queue.put_nowait((loop.time() + one_way, chunk))
    queue.put_nowait((loop.time() + one_way, b""))
    with contextlib.suppress(ConnectionError):
        await delivery


async def _serve(rtt: float) -> None:
    """Listen with TLS behind a delaying proxy; print the proxy's port; run until killed."""
    sys.path.insert(0, str(HERE))
    from server import _Protocol

    loop = asyncio.get_running_loop()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(CERT, KEY)
    backend = await loop.create_server(_Protocol, "127.0.0.1", 0, ssl=context)
    backend_port = backend.sockets[0].getsockname()[1]
    # The connect itself crosses the network too: the proxy answers a new connection's
    # first bytes only after a round trip, as a SYN, SYN-ACK exchange would cost.

    async def proxy(client_reader: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        await asyncio.sleep(rtt)
        upstream_reader, upstream = await asyncio.open_connection("127.0.0.1", backend_port)
        await asyncio.gather(
            _relay(client_reader, upstream, rtt / 2),
            _relay(upstream_reader, client, rtt / 2),
        )

    front = await asyncio.start_server(proxy, "127.0.0.1", 0)
    print("PORT", front.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


# -- one measurement, in a fresh process -----------------------------------------------------


async def _bounded(calls: int, in_flight: int, call: Callable[[int], Awaitable[object]]) -> None:
    remaining = iter(range(calls))

    async def lane() -> None:
        for number in remaining:
            await call(number)

    await asyncio.gather(*(lane() for _ in range(in_flight)))


async def _measure(contender: str, workload: str, url: str) -> dict[str, float]:
    calls, in_flight, companies = WORKLOADS[workload]

    def path(number: int) -> str:
        return f"/companies/bench-{number % companies + 1}/connections/k-1/push/customers"

    if contender == "sdk":
        from codat_sync_expenses import CodatSyncExpenses
        from codat_sync_expenses.models import Customer, CustomerStatus

        async with CodatSyncExpenses(api_key=API_KEY, base_url=url, max_retries=0) as codat:

            async def create(number: int) -> object:
                return await codat.customers.create_async(
                    company_id=f"bench-{number % companies + 1}",
                    connection_id="k-1",
                    customer=Customer(status=CustomerStatus.ACTIVE, customer_name="Bench Ltd"),
                )

            await codat.customers.get_async(company_id="bench-1", customer_id="c-1")  # warm-up
            return await _timed(calls, in_flight, create)

    import aiohttp

    auth = "Basic " + base64.b64encode(API_KEY.encode()).decode()
    headers = {"Authorization": auth, "Accept": "application/json"}
    async with aiohttp.ClientSession(headers=headers) as session:

        async def raw_create(number: int) -> object:
            async with session.post(url + path(number), json=NEW_CUSTOMER) as response:
                response.raise_for_status()
                return json.loads(await response.read())

        async with session.get(url + "/companies/bench-1/data/customers/c-1") as warm_up:
            await warm_up.read()
        return await _timed(calls, in_flight, raw_create)


async def _timed(
    calls: int, in_flight: int, call: Callable[[int], Awaitable[object]]
) -> dict[str, float]:
    cpu, started = time.process_time(), time.perf_counter()
    await _bounded(calls, in_flight, call)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_ms_per_call": (time.process_time() - cpu) / calls * 1000}


# -- the run ---------------------------------------------------------------------------------


def _run_one(contender: str, workload: str, url: str) -> dict[str, float]:
    # The test certificate is trusted only in the measuring process, through OpenSSL's own
    # variable: both contenders then verify it exactly as they verify Codat's.
    env = {**os.environ, "SSL_CERT_FILE": str(CERT)}
    command = [sys.executable, __file__, "measure", contender, workload, url]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{contender} {workload} failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    """Start the server and proxy, run every workload for both contenders, print the ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rtt-ms", type=float, default=20.0)
    args, _ = parser.parse_known_args()  # the shared runner's other options are not ours
    child = subprocess.Popen(
        [sys.executable, __file__, "serve", str(args.rtt_ms / 1000)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        url = f"https://127.0.0.1:{child.stdout.readline().split()[1]}"
        print(f"TLS server behind a proxy adding {args.rtt_ms:g} ms of round trip; {url}")
        print(f"load average before: {os.getloadavg()}")
        for workload, (calls, in_flight, companies) in WORKLOADS.items():
            runs: dict[str, list[dict[str, float]]] = {c: [] for c in CONTENDERS}
            for round_number in range(args.rounds):
                order = CONTENDERS[round_number % 2 :] + CONTENDERS[: round_number % 2]
                for contender in order:
                    runs[contender].append(_run_one(contender, workload, url))
            _print(workload, calls, in_flight, companies, runs)
        print(f"load average after: {os.getloadavg()}")
    finally:
        child.terminate()
        child.wait()


def _print(
    workload: str,
    calls: int,
    in_flight: int,
    companies: int,
    runs: dict[str, list[dict[str, float]]],
) -> None:
    print(f"\n{workload}: {calls} creates, {in_flight} in flight, {companies} companies")
    raw_seconds = statistics.median(r["seconds"] for r in runs["raw-aiohttp"])
    for contender, results in runs.items():
        seconds = sorted(r["seconds"] for r in results)
        cpu = statistics.median(r["cpu_ms_per_call"] for r in results)
        median = statistics.median(seconds)
        summary: dict[str, Any] = {
            "median_s": round(median, 3),
            "spread_s": [round(seconds[0], 3), round(seconds[-1], 3)],
            "cpu_ms_per_call": round(cpu, 2),
        }
        if contender != "raw-aiohttp":
            summary["time_vs_raw"] = round(median / raw_seconds, 2)
        print(f"  {contender:12} {summary}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        asyncio.run(_serve(float(sys.argv[2])))
    elif sys.argv[1:2] == ["measure"]:
        contender, workload, url = sys.argv[2:5]
        print(json.dumps(asyncio.run(_measure(contender, workload, url))))
    else:
        main()

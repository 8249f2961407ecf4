"""What a Redis fault costs the calls of worker processes sharing one company's budget.

Four worker processes, each with a ``RedisCompanyLimiter`` on a private redis-server and
a client with its default retries, keep 20 calls in flight for one company against a
server that answers in 50 ms and 429 above 10 requests in flight. One fault, ``--fault``:

- ``freeze``: redis-server is stopped (SIGSTOP) for 3 s, past ``redis_timeout`` (1 s);
- ``restart``: redis-server is killed (SIGKILL) and started again on the same port;
- ``deadline``: no Redis fault; every call has a short timeout (``--timeout``, 0.5 s),
  so that slots come free near the calls' deadlines.

It prints the longest time the company went without a request arriving (from one
second before the fault to the end), the calls that failed, by error, the slowest call
and the server's peak in flight. It uses only the limiter's public API, so it measures
older code too (``PYTHONPATH=old/src python benchmarks/redis_faults.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from contextlib import suppress
from multiprocessing.connection import Connection
from pathlib import Path

from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.redis_limits import RedisCompanyLimiter

WORKERS, LANES, SECONDS, FAULT_AT = 4, 20, 8.0, 2.0
REDIS_TIMEOUT, LEASE = 1.0, 10.0


class Server:
    """Answers after 50 ms; counts requests in flight, 429 above 10; notes each arrival."""

    def __init__(self) -> None:
        self.in_flight = self.peak = self.rejected = 0
        self.arrivals: list[float] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.arrivals.append(time.monotonic())
        self.in_flight += 1
        try:
            self.peak = max(self.peak, self.in_flight)
            if self.in_flight > 10:
                self.rejected += 1
                return web.json_response({"statusCode": 429}, status=429)
            await asyncio.sleep(0.05)
            return web.json_response({"id": "c-1", "status": "Active"})
        finally:
            self.in_flight -= 1


def _worker(redis_url: str, api_url: str, timeout: float, connection: Connection) -> None:
    asyncio.run(_calls(redis_url, api_url, timeout, connection))


async def _calls(redis_url: str, api_url: str, timeout: float, connection: Connection) -> None:
    limiter = RedisCompanyLimiter(
        redis_url, key_prefix="faults", lease=LEASE, redis_timeout=REDIS_TIMEOUT
    )
    failed: Counter[str] = Counter()
    ok, slowest = 0, 0.0
    connection.send("ready")
    end = time.monotonic() + SECONDS
    async with CodatSyncExpenses(
        api_key="bench-key", base_url=api_url, company_limit=limiter, timeout=timeout
    ) as codat:

        async def lane() -> None:
            nonlocal ok, slowest
            while (started := time.monotonic()) < end:
                try:
                    await codat.customers.get_async(company_id="acme", customer_id="c-1")
                    ok += 1
                except errors.CodatError as exc:
                    failed[type(exc).__name__] += 1
                slowest = max(slowest, time.monotonic() - started)

        await asyncio.gather(*(lane() for _ in range(LANES)))
    await limiter.aclose()
    connection.send((ok, slowest, dict(failed)))


def _start_redis(port: int, directory: str) -> subprocess.Popen[str]:
    server = subprocess.Popen(
        [
            *("redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""),
            *("--appendonly", "no", "--dir", directory),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    for line in server.stdout:
        if "Ready to accept connections" in line:
            return server
    raise RuntimeError("redis-server did not start")


async def _measure(fault: str, port: int, directory: str, deadline_timeout: float) -> None:
    redis = _start_redis(port, directory)
    server = Server()
    app = web.Application()
    app.router.add_get("/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    api_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    timeout = deadline_timeout if fault == "deadline" else 60.0
    context = multiprocessing.get_context("spawn")
    ends, workers = [], []
    for _ in range(WORKERS):
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_worker, args=(f"redis://127.0.0.1:{port}/0", api_url, timeout, theirs)
        )
        process.start()
        ends.append(ours)
        workers.append(process)
    for end in ends:
        assert await asyncio.to_thread(end.recv) == "ready"
    started = time.monotonic()
    await asyncio.sleep(FAULT_AT)
    fault_at = time.monotonic()
    if fault == "freeze":
        redis.send_signal(signal.SIGSTOP)
        await asyncio.sleep(3.0)
        redis.send_signal(signal.SIGCONT)
    elif fault == "restart":
        redis.kill()
        redis.communicate()
        redis = _start_redis(port, directory)
    results = [await asyncio.to_thread(end.recv) for end in ends]
    for process in workers:
        process.join()
    redis.terminate()
    redis.communicate()
    await runner.cleanup()
    arrivals = [t for t in server.arrivals if t >= fault_at - 1.0]
    gap, gap_from = max((b - a, a - fault_at) for a, b in itertools.pairwise(arrivals))
    ok = sum(each[0] for each in results)
    slowest = max(each[1] for each in results)
    failed: Counter[str] = Counter()
    for *_, each in results:
        failed.update(each)
    print(
        f"{fault}: ran {time.monotonic() - started:.1f} s; longest without a request "
        f"{gap:.3f} s (from {gap_from:+.3f} s after the fault); calls ok {ok}, "
        f"failed {sum(failed.values())} {dict(failed)}; slowest call {slowest:.2f} s; "
        f"peak in flight {server.peak}; 429s answered {server.rejected}"
    )


def main() -> None:
    """Run one fault, or each in turn."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--fault", choices=["freeze", "restart", "deadline", "all"], default="all")
    parser.add_argument("--timeout", type=float, default=0.5, help="the deadline fault's")
    args = parser.parse_args()
    faults = ["freeze", "restart", "deadline"] if args.fault == "all" else [args.fault]
    print(f"load average before: {os.getloadavg()}")
    for fault in faults:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        with tempfile.TemporaryDirectory() as directory, suppress(KeyboardInterrupt):
            asyncio.run(_measure(fault, port, str(Path(directory)), args.timeout))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

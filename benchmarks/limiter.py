"""``nox -s bench`` (part two): what a per-company slot adds to one call.

Sequential calls, so no acquire shares its round trip with another call's (a
release and the next acquire run as one script, as in any sequence of calls): a bare
slot, and a ``get_async`` against ``server.py`` through a client whose
``company_limit`` is None, the in-process ``LocalCompanyLimiter`` (the default)
or a ``RedisCompanyLimiter`` on a private redis-server on loopback, beside two
floors: one bare PING round trip to that redis-server over asyncio streams, and one
PING through redis-py's client, whose public API the limiter uses. Contenders
interleave round by round; medians per call, wall-clock and CPU, are reported
with the load average, and so is a slot's cost over the floor of the same round,
which moves less with the machine's state than either. Options: ``--rounds N``,
``--calls N``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import redis.asyncio as redis

from codat_sync_expenses import CodatSyncExpenses
from codat_sync_expenses.limits import CompanyLimiter, LocalCompanyLimiter
from codat_sync_expenses.redis_limits import RedisCompanyLimiter

HERE = Path(__file__).parent
FLOOR = "bare round trip (PING)"
CLIENT_FLOOR = "redis-py PING"


@contextlib.contextmanager
def _redis_server() -> Iterator[str]:
    executable = shutil.which("redis-server")
    if executable is None:
        sys.exit("limiter benchmark skipped: redis-server not found (apt-get install redis-server)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as directory:
        command = [executable, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        server = subprocess.Popen(
            [*command, "--appendonly", "no", "--dir", directory],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None
        for line in server.stdout:
            if "Ready to accept connections" in line:
                break
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.communicate()


@contextlib.contextmanager
def _bench_server() -> Iterator[str]:
    server = subprocess.Popen(
        [sys.executable, str(HERE / "server.py")], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    port = server.stdout.readline().split()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


async def _per_call_us(calls: int, one: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """Wall-clock and this process's CPU microseconds per call."""
    for _ in range(20):  # warm-up: connections, scripts loaded, hooks built
        await one()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        await one()
    return (
        (time.perf_counter() - wall) / calls * 1e6,
        (time.process_time() - cpu) / calls * 1e6,
    )


async def _measure(redis_url: str, api_url: str, rounds: int, calls: int) -> None:
    local = LocalCompanyLimiter()
    shared = RedisCompanyLimiter(redis_url, key_prefix="bench")
    limits: dict[str, CompanyLimiter | None] = {
        "no limit": None,
        "LocalCompanyLimiter": local,
        "RedisCompanyLimiter": shared,
    }
    results: dict[str, dict[str, list[float]]] = {}
    async with AsyncExitStack() as stack:
        clients = {
            name: await stack.enter_async_context(
                CodatSyncExpenses(
                    api_key="bench-key", base_url=api_url, max_retries=0, company_limit=limit
                )
            )
            for name, limit in limits.items()
        }
        # The floor: one request and its answer on loopback, no client library.
        host, port = redis_url.removeprefix("redis://").split("/")[0].split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        stack.callback(writer.close)

        async def ping() -> None:
            writer.write(b"*1\r\n$4\r\nPING\r\n")
            await reader.readuntil(b"\r\n")

        client = redis.Redis.from_url(redis_url)
        stack.push_async_callback(client.aclose)

        async def client_ping() -> None:
            await client.ping()

        for round_number in range(rounds):
            for floor, one in ((FLOOR, ping), (CLIENT_FLOOR, client_ping)):
                wall, cpu = await _per_call_us(calls, one)
                results.setdefault("slot wall", {}).setdefault(floor, []).append(wall)
                results.setdefault("slot cpu", {}).setdefault(floor, []).append(cpu)
            names = list(limits)
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                limit, codat = limits[name], clients[name]

                async def slot(limit: CompanyLimiter | None = limit) -> None:
                    if limit is not None:
                        async with limit.slot("bench-1", timeout=5):
                            pass

                async def get(codat: CodatSyncExpenses = codat) -> None:
                    await codat.customers.get_async(company_id="bench-1", customer_id="c-1")

                for workload, one, count in (("slot", slot, calls), ("get", get, calls // 2)):
                    wall, cpu = await _per_call_us(count, one)
                    results.setdefault(f"{workload} wall", {}).setdefault(name, []).append(wall)
                    results.setdefault(f"{workload} cpu", {}).setdefault(name, []).append(cpu)
    await shared.aclose()
    titles = {
        "slot wall": "a slot alone (acquire + release): wall-clock microseconds per call",
        "slot cpu": "a slot alone: this process's CPU microseconds per call",
        "get wall": "sequential get_async, company_limit=...: wall-clock microseconds per call",
        "get cpu": "sequential get_async: this process's CPU microseconds per call",
    }
    for key, title in titles.items():
        _print(title, results[key])
    for key in ("slot wall", "get wall"):
        runs = results[key]
        added = statistics.median(runs["RedisCompanyLimiter"]) - statistics.median(
            runs["LocalCompanyLimiter"]
        )
        print(
            f"\n{key}: RedisCompanyLimiter costs {added / 1000:.3f} ms per call more than "
            "LocalCompanyLimiter (target: < 0.3 ms)"
        )
    bare = statistics.median(results["slot wall"][FLOOR])
    print(f"one bare round trip to the same Redis takes {bare / 1000:.3f} ms on this machine")
    slots = results["slot wall"]["RedisCompanyLimiter"]
    for floor in (FLOOR, CLIENT_FLOOR):
        over = [slot - ping for slot, ping in zip(slots, results["slot wall"][floor], strict=True)]
        print(
            f"a slot takes {statistics.median(over) / 1000:.3f} ms [{min(over) / 1000:.3f}-"
            f"{max(over) / 1000:.3f}] more than one {floor} of the same round"
        )


def _print(title: str, results: dict[str, list[float]]) -> None:
    print(f"\n{title} (median [min-max] of {len(next(iter(results.values())))} rounds)")
    for name, runs in results.items():
        print(f"  {name:22} {statistics.median(runs):8.1f}  [{min(runs):.1f}-{max(runs):.1f}]")


def main() -> None:
    """Start redis-server and the bench server, measure, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=4000)
    args, _ = parser.parse_known_args()  # the shared runner's options are not ours
    print(f"\nload average before: {os.getloadavg()}")
    with _redis_server() as redis_url, _bench_server() as api_url:
        asyncio.run(_measure(redis_url, api_url, args.rounds, args.calls))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

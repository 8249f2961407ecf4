"""``nox -s bench``: this SDK next to raw aiohttp and two other clients, in one run.

The peers are Codat's official SDK and a client that openapi-python-client
generates from our own OpenAPI document into a temporary folder at the start of
the run. Each measurement is a fresh process (``worker.py``) against one
pre-encoded server process (``server.py``); contenders are interleaved round by
round and the median and spread are reported, with ratios, the worst event-loop
stall during a walk, memory per customer held, peak RSS and import time.
The sequential get also runs this SDK's blocking twin and the official SDK's
blocking call, each from a thread with no event loop, and prints microseconds per
call. Options: ``--rounds N``, ``--quick`` (smaller workloads), ``--profile``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RESULTS = HERE / "results"
DOCUMENT = HERE.parent / "openapi" / "customers.yaml"
CONTENDERS = ["sdk", "sdk-no-extras", "raw-aiohttp", "official", "openapi-python-client"]
WORKLOADS = {  # name: (size, unit, description)
    "get": (6_000, "calls/s", "1. sequential get_async, 6,000 calls"),
    "get-concurrent": (10_000, "calls/s", "2. get_async, 10,000 calls, 100 in flight"),
    "walk": (100_000, "customers/s", "3. walk 100,000 customers, page_size 1,000"),
    "create-concurrent": (200, "calls/s", "4. create_async, 200 calls, 20 in flight"),
}
# Sequential gets only: this SDK's blocking twin and the official SDK's own blocking call.
BLOCKING_CONTENDERS = ["sdk-blocking", "official-blocking"]
STALL_CONTENDERS = ["sdk", "sdk-no-extras", "raw-aiohttp"]
# Each SDK's client class, whose import time is reported.
IMPORTED = [
    ("codat_sync_expenses", "CodatSyncExpenses"),
    ("codat_sync_for_expenses", "CodatSyncExpenses"),
]
STALL_CUSTOMERS = 20_000
STALL_PAGE_SIZES = (1_000, 5_000)
HELD_CUSTOMERS = 10_000


def _generate_openapi_python_client(folder: Path) -> str | None:
    """Generate a client from our document with openapi-python-client; None if it cannot."""
    command = shutil.which("openapi-python-client")
    if command is None:
        return None
    output = folder / "codat_opc"
    done = subprocess.run(
        [
            command,
            "generate",
            "--path",
            str(DOCUMENT),
            "--output-path",
            str(output),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return str(folder) if (output / "client.py").exists() else done.stderr


def _worker(contender: str, workload: str, size: int, url: str) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "worker.py"), contender, workload, str(size), url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _profile(workload: str, size: int, url: str) -> str:
    command = [sys.executable, "-m", "cProfile", "-s", "tottime", str(HERE / "worker.py")]
    done = subprocess.run(
        [*command, "sdk", workload, str(size), url],
        capture_output=True,
        text=True,
        check=True,
    )
    return "\n".join(done.stdout.splitlines()[:45])


def _installed(module: str) -> bool:
    probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
    return probe.returncode == 0


def _import_seconds(statement: str, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _start_server() -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, str(HERE / "server.py")], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    port = server.stdout.readline().split()[1]
    return server, f"http://127.0.0.1:{port}"


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    if any("error" in r for r in runs):
        return {"error": next(r["error"] for r in runs if "error" in r)}
    rates = [r["operations"] / r["seconds"] for r in runs]
    return {
        "median": statistics.median(rates),
        "min": min(rates),
        "max": max(rates),
        "runs": rates,
    }


def _interleaved(
    contenders: list[str], rounds: int, workload: str, size: int, url: str
) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in contenders}
    for round_number in range(rounds):
        shift = round_number % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            runs[contender].append(_worker(contender, workload, size, url))
    return runs


def main() -> None:
    """Run every workload for every contender, interleaved, and report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a tenth of each workload")
    parser.add_argument("--profile", action="store_true", help="cProfile the SDK on 1 and 3")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    has_official = _installed("codat_sync_for_expenses")
    contenders = [c for c in CONTENDERS if c != "official" or has_official]
    blocking = [c for c in BLOCKING_CONTENDERS if c != "official-blocking" or has_official]
    generated = tempfile.TemporaryDirectory(prefix="bench-opc-")
    opc = _generate_openapi_python_client(Path(generated.name))
    if opc is None or not Path(opc).is_dir():
        print(f"openapi-python-client: cannot generate a client: {opc}")
        contenders.remove("openapi-python-client")
    else:
        os.environ["BENCH_OPC_PATH"] = opc
    server, url = _start_server()
    report: dict[str, Any] = {"rounds": args.rounds, "workloads": {}, "stall_ms": {}}
    # Other processes share the machine: every figure is read beside the load it ran under.
    report["load_average_before"] = os.getloadavg()
    print(f"load average before: {report['load_average_before']}")
    try:
        for workload, (size, unit, title) in WORKLOADS.items():
            timed = contenders + blocking if workload == "get" else contenders
            runs = _interleaved(timed, args.rounds, workload, size // scale, url)
            report["workloads"][workload] = {
                "title": title,
                "unit": unit,
                "results": {c: _summary(r) for c, r in runs.items()},
            }
            _print_workload(report["workloads"][workload])
        report["blocking_get_us"] = _blocking_cost(report["workloads"]["get"]["results"])
        for page_size in STALL_PAGE_SIZES:
            workload = f"stall-{page_size}"
            runs = _interleaved(STALL_CONTENDERS, args.rounds, workload, STALL_CUSTOMERS, url)
            report["stall_ms"][workload] = {
                c: sorted(round(r.get("stall_ms", float("nan")), 1) for r in rs)
                for c, rs in runs.items()
            }
        report["held_bytes_per_customer"] = {
            c: round(_worker(c, "hold", HELD_CUSTOMERS, url)["bytes_per_item"])
            for c in ("sdk", "raw-aiohttp")
        }
        report["memory"] = {
            f"walk {n:,}": _worker("sdk", "walk", n // scale, url)["peak_rss_kib"]
            for n in (10_000, 1_000_000)
        }
        report["us_per_customer"] = _worker("converter", "structure", 1_000, url)["us_per_customer"]
        # The client class, as a user's code imports it: `import codat_sync_expenses`
        # alone imports its names on first use, so it would time next to nothing.
        baseline = _import_seconds("pass")
        report["import_ms"] = {
            module: round((_import_seconds(f"from {module} import {name}") - baseline) * 1000, 1)
            for module, name in IMPORTED
            if module == "codat_sync_expenses" or "official" in contenders
        }
        if args.profile:
            for workload in ("get", "walk"):
                size = WORKLOADS[workload][0] // scale
                RESULTS.mkdir(exist_ok=True)
                path = RESULTS / f"profile-{workload}.txt"
                path.write_text(_profile(workload, size, url))
                print(f"profile of the SDK on {workload}: {path}")
    finally:
        server.terminate()
        server.wait()
        generated.cleanup()
    report["load_average_after"] = os.getloadavg()
    _print_footer(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten: {RESULTS / 'latest.json'}")


def _print_workload(workload: dict[str, Any]) -> None:
    results = workload["results"]
    raw = results.get("raw-aiohttp", {}).get("median")
    official = results.get("official", {}).get("median")
    print(f"\n{workload['title']} ({workload['unit']}, median [min-max])")
    for contender, result in results.items():
        if "error" in result:
            print(f"  {contender:22} cannot run: {result['error']}")
            continue
        line = (
            f"  {contender:22} {result['median']:>11,.0f}  "
            f"[{result['min']:,.0f}-{result['max']:,.0f}]"
        )
        if contender != "raw-aiohttp" and raw:
            result["time_vs_raw"] = raw / result["median"]
            line += f"  time x{result['time_vs_raw']:.2f} of raw aiohttp"
        if contender.startswith("sdk") and official:
            result["throughput_vs_official"] = result["median"] / official
            line += f", x{result['throughput_vs_official']:.1f} the official SDK's throughput"
        print(line)


def _blocking_cost(results: dict[str, Any]) -> dict[str, float]:
    """Microseconds per sequential get (medians), and the blocking twin's cost over get_async."""
    cost = {c: 1e6 / r["median"] for c, r in results.items() if "median" in r}
    if "sdk" in cost and "sdk-blocking" in cost:
        cost["sdk-blocking over sdk"] = cost["sdk-blocking"] - cost["sdk"]
    print("sequential get, us per call: " + ", ".join(f"{c} {us:.0f}" for c, us in cost.items()))
    return cost


def _print_footer(report: dict[str, Any]) -> None:
    print(
        f"\nworst event-loop stall (ms) while walking {STALL_CUSTOMERS:,} customers: "
        "each round, best to worst; a heartbeat task wakes every 1 ms"
    )
    for workload, results in report["stall_ms"].items():
        for contender, stalls in results.items():
            print(f"  page_size {workload.split('-')[1]:>5}  {contender:14} {stalls}")
    held = report["held_bytes_per_customer"]
    print(
        f"memory per customer held ({HELD_CUSTOMERS:,} kept, tracemalloc): "
        f"this SDK's objects {held['sdk']:,} B, raw json.loads dicts {held['raw-aiohttp']:,} B"
    )
    memory = report.get("memory", {})
    if memory:
        small, large = memory.values()
        print(f"peak RSS of the SDK walking: {memory}  (KiB) -> ratio {large / small:.2f}")
    print("body to objects, 1,000-customer page, us per customer (median of 15):")
    for path, us in report["us_per_customer"].items():
        print(f"  {path:34} {us:6.2f}")
    print(
        "import time of the client class, ms (median of 7, less bare interpreter start): "
        f"{report.get('import_ms')}"
    )
    print(f"load average after: {report['load_average_after']}")


if __name__ == "__main__":
    main()

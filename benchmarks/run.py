"""``nox -s bench``: this SDK next to raw aiohttp and Codat's official SDK, in one run.

Each measurement is a fresh process (``worker.py``) against one pre-encoded
server process (``server.py``); contenders are interleaved round by round and
the median and spread are reported, with ratios, peak RSS and import time.
Options: ``--rounds N``, ``--quick`` (smaller workloads), ``--profile``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RESULTS = HERE / "results"
CONTENDERS = ["sdk-orjson", "sdk-json", "raw-aiohttp", "official"]
WORKLOADS = {  # name: (size, unit, description)
    "get": (2_000, "calls/s", "1. sequential get_async, 2,000 calls"),
    "get-concurrent": (10_000, "calls/s", "2. get_async, 10,000 calls, 100 in flight"),
    "walk": (100_000, "customers/s", "3. walk 100,000 customers, page_size 1,000"),
    "create-concurrent": (200, "calls/s", "4. create_async, 200 calls, 20 in flight"),
}


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
        [*command, "sdk-orjson", workload, str(size), url],
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


def main() -> None:
    """Run every workload for every contender, interleaved, and report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a tenth of each workload")
    parser.add_argument("--profile", action="store_true", help="cProfile the SDK on 1 and 3")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    contenders = [c for c in CONTENDERS if c != "official" or _installed("codat_sync_for_expenses")]
    server, url = _start_server()
    report: dict[str, Any] = {"rounds": args.rounds, "workloads": {}}
    try:
        for workload, (size, unit, title) in WORKLOADS.items():
            runs: dict[str, list[dict[str, Any]]] = {c: [] for c in contenders}
            for round_number in range(args.rounds):
                shift = round_number % len(contenders)
                for contender in contenders[shift:] + contenders[:shift]:
                    runs[contender].append(_worker(contender, workload, size // scale, url))
            report["workloads"][workload] = {
                "title": title,
                "unit": unit,
                "results": {c: _summary(r) for c, r in runs.items()},
            }
            _print_workload(report["workloads"][workload])
        report["memory"] = {
            f"walk {n:,}": _worker("sdk-orjson", "walk", n // scale, url)["peak_rss_kib"]
            for n in (10_000, 1_000_000)
        }
        structure = _worker("converter", "structure", 10_000, url)
        report["structure_10000_ms"] = round(structure["seconds"] * 1000, 1)
        baseline = _import_seconds("pass")
        report["import_ms"] = {
            name: round((_import_seconds(f"import {name}") - baseline) * 1000, 1)
            for name in ("codat_sync_expenses", "codat_sync_for_expenses")
            if name == "codat_sync_expenses" or "official" in contenders
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
            print(f"  {contender:12} cannot run: {result['error']}")
            continue
        line = (
            f"  {contender:12} {result['median']:>11,.0f}  "
            f"[{result['min']:,.0f}-{result['max']:,.0f}]"
        )
        if contender.startswith("sdk") and raw:
            result["time_vs_raw"] = raw / result["median"]
            line += f"  time x{result['time_vs_raw']:.2f} of raw aiohttp"
        if contender.startswith("sdk") and official:
            result["throughput_vs_official"] = result["median"] / official
            line += f", x{result['throughput_vs_official']:.1f} the official SDK's throughput"
        print(line)


def _print_footer(report: dict[str, Any]) -> None:
    memory = report.get("memory", {})
    if memory:
        small, large = memory.values()
        print(f"\npeak RSS of the SDK: {memory}  (KiB) -> ratio {large / small:.2f}")
    print(f"structuring 10,000 decoded customers: {report.get('structure_10000_ms')} ms")
    print(f"import time, ms (median of 7, less bare interpreter start): {report.get('import_ms')}")


if __name__ == "__main__":
    main()

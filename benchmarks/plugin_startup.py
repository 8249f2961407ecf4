"""``nox -s bench`` (part four): what the SDK's pytest plugin costs a project that never uses it.

pytest loads the plugin in every project that installs the SDK. This times a
one-test project (a test that uses no fixture of ours) run by pytest in a fresh
interpreter, with the plugin loaded and with it disabled (``-p
no:codat_sync_expenses``), interleaved, and with bytecode caches warm, as on a
developer's machine after the first run. Reports medians and ranges in ms.
Options: ``--runs N``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time_run(project: Path, *options: str) -> float:
    # Bytecode is written and reused, as on a developer's machine.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    return (time.perf_counter() - started) * 1000


def main() -> None:
    """Time both configurations, interleaved, and print the medians and ranges."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rounds", type=int, help="ignored: the bench's shared option")
    parser.add_argument("--quick", action="store_true", help="5 runs")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as directory:
        project = Path(directory)
        (project / "pytest.ini").write_text("[pytest]\n")
        (project / "test_one.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
        timings: dict[str, list[float]] = {"with the plugin": [], "plugin disabled": []}
        _time_run(project)  # warm the bytecode caches
        for _ in range(runs):
            timings["with the plugin"].append(_time_run(project))
            timings["plugin disabled"].append(_time_run(project, "-p", "no:codat_sync_expenses"))
    print(f"pytest start-up, one test using no SDK fixture, {runs} runs each (ms):")
    for name, values in timings.items():
        print(
            f"  {name:16} median {statistics.median(values):6.1f}"
            f"  [{min(values):.1f}-{max(values):.1f}]"
        )
    with_plugin = statistics.median(timings["with the plugin"])
    without = statistics.median(timings["plugin disabled"])
    print(f"  the plugin adds {with_plugin - without:+.1f} ms to the median")
    print(f"  load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

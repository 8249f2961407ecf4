"""Fuzz the standalone fake with Codat's published spec; exit non-zero on any finding.

Starts ``python -m codat_sync_expenses.testing`` on a free port, pushes one customer
so that a push operation exists, pins every id parameter to what the fake seeded,
and runs schemathesis with a fixed seed (``schemathesis.toml`` beside this file).
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SPEC = HERE.parent / "fixtures" / "codat-openapi-subset.json"
AUTHORIZATION = "Basic " + base64.b64encode(b"fuzz").decode()


def main() -> int:
    """Run schemathesis against a fresh fake and return its exit code."""
    port = _free_port()
    fake = subprocess.Popen(  # noqa: S603 - our own module, our own interpreter
        [sys.executable, "-m", "codat_sync_expenses.testing", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert fake.stdout is not None
        banner = fake.stdout.readline() + fake.stdout.readline()
        match = re.search(r"company (\S+) with \d+ customers, connection (\S+)", banner)
        if match is None:
            raise RuntimeError(f"unexpected banner from the fake: {banner!r}")
        company_id, connection_id = match.groups()
        url = f"http://127.0.0.1:{port}"
        customer_id = _call(url, f"/companies/{company_id}/data/customers?pageSize=1")["results"][
            0
        ]["id"]
        pushed = _call(
            url,
            f"/companies/{company_id}/connections/{connection_id}/push/customers",
            {"customerName": "Fuzz Ltd", "status": "Active"},
        )
        env = {
            **os.environ,
            "FAKE_COMPANY_ID": company_id,
            "FAKE_CONNECTION_ID": connection_id,
            "FAKE_CUSTOMER_ID": customer_id,
            "FAKE_PUSH_OPERATION_KEY": pushed["pushOperationKey"],
        }
        with tempfile.TemporaryDirectory() as tmp:
            spec = Path(tmp) / "spec.json"
            spec.write_text(json.dumps(_consistent(json.loads(SPEC.read_text()))))
            command = [
                "schemathesis",
                "--config-file",
                str(HERE / "schemathesis.toml"),
                "run",
                str(spec),
                "--url",
                url,
                "--header",
                f"Authorization: {AUTHORIZATION}",
                "--checks",
                "all",
                "--generation-database",
                "none",
                "--no-color",
            ]
            return subprocess.run(command, env=env, check=False).returncode  # noqa: S603
    finally:
        fake.terminate()
        fake.wait(timeout=10)


def _consistent(spec: dict[str, Any]) -> dict[str, Any]:
    # Codat's spec contradicts itself: pageSize accepts 1..5000 as a parameter, but
    # the page it answers says at most 2000. The fake echoes the size asked for.
    spec["components"]["schemas"]["PagingInfo"]["properties"]["pageSize"].pop("maximum")
    return spec


def _call(url: str, path: str, body: object = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 - a local http URL we built
        url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": AUTHORIZATION, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())

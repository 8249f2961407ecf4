"""Run the fake Codat server on its own: ``python -m codat_sync_expenses.testing --port 8080``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from ._harness import FakeCodatServer


async def _serve(port: int, customers: int) -> None:
    async with FakeCodatServer(port=port) as fake:
        company_id = fake.add_company()
        connection_id = fake.add_connection(company_id)
        fake.add_customers(company_id, customers)
        print(f"Fake Codat server on {fake.url} (any Basic API key is accepted)")
        print(f"  company {company_id} with {customers} customers, connection {connection_id}")
        print("Press Ctrl+C to stop.", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m codat_sync_expenses.testing")
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any)")
    parser.add_argument("--customers", type=int, default=250, help="customers to seed")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, args.customers))


if __name__ == "__main__":
    main()

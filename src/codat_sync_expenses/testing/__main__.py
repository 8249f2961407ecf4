"""Run the fake Codat server on its own: ``python -m codat_sync_expenses.testing --port 8080``.

Its ids and data are fixed by the options, so a test in another process can
know them without reading the output; the control API under ``/_fake/``
(see ``_control``) seeds more, injects faults and lists what was received.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from ._counts import count
from ._customers import MAX_CUSTOMERS
from ._server import FakeCodatServer


async def _serve(args: argparse.Namespace) -> None:
    async with FakeCodatServer(
        port=args.port, max_in_flight_per_company=args.max_in_flight_per_company
    ) as fake:
        company_id = fake.add_company(args.company_id)
        connection_id = fake.add_connection(company_id, args.connection_id)
        fake.add_customers(company_id, args.customers)
        print(f"Fake Codat server on {fake.url} (any Basic API key is accepted)")
        print(f"  company {company_id} with {args.customers} customers, connection {connection_id}")
        print(f"  control API: {fake.url}/_fake/companies, /_fake/faults, /_fake/requests")
        print("Press Ctrl+C to stop.", flush=True)
        await asyncio.Event().wait()


def _customers(text: str) -> int:
    # Refused by argparse, with a usage line, rather than by a traceback once serving.
    try:
        return count("--customers", int(text), minimum=0, maximum=MAX_CUSTOMERS)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main() -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m codat_sync_expenses.testing")
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any)")
    parser.add_argument("--customers", type=_customers, default=250, help="customers to seed")
    parser.add_argument("--company-id", help="the seeded company's id (default: a fixed UUID)")
    parser.add_argument("--connection-id", help="its connection's id (default: a fixed UUID)")
    parser.add_argument(
        "--max-in-flight-per-company",
        type=int,
        help="answer 429 above this many concurrent requests per company, as Codat does (10)",
    )
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()

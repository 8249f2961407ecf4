"""A worker process for tests/test_redis_limits.py: ``python -m tests.redis_worker MODE ...``.

``calls``: say "ready", wait for a line on stdin, make ``--calls`` concurrent
``get_async`` calls for one company through a client whose ``company_limit`` is
the Redis limiter, and print a JSON line of outcomes. ``hold``: take ``--slots``
slots, say "holding" and keep them until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from contextlib import AsyncExitStack

from codat_sync_expenses import CodatSyncExpenses, errors
from codat_sync_expenses.limits import CompanyLimiter
from codat_sync_expenses.redis_limits import RedisCompanyLimiter


async def _calls(args: argparse.Namespace, limiter: CompanyLimiter) -> None:
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    outcomes: Counter[str] = Counter()
    async with CodatSyncExpenses(
        api_key="any", base_url=args.url, max_retries=0, company_limit=limiter
    ) as codat:

        async def one(number: int) -> None:
            try:
                await codat.customers.get_async(company_id=args.company, customer_id=f"c-{number}")
            except errors.APIStatusError as exc:
                outcomes[str(exc.status_code)] += 1
            else:
                outcomes["ok"] += 1

        await asyncio.gather(*(one(n) for n in range(args.calls)))
    print(json.dumps(outcomes), flush=True)


async def _hold(args: argparse.Namespace, limiter: CompanyLimiter) -> None:
    async with AsyncExitStack() as stack:
        for _ in range(args.slots):
            await stack.enter_async_context(limiter.slot(args.company, timeout=5))
        print("holding", flush=True)
        await asyncio.Event().wait()


async def main() -> None:
    """Parse the arguments and run one mode."""
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["calls", "hold"])
    parser.add_argument("--redis", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--company", required=True)
    parser.add_argument("--lease", type=float, required=True)
    parser.add_argument("--url", help="base URL of the server (calls)")
    parser.add_argument("--calls", type=int, default=25)
    parser.add_argument("--slots", type=int, default=10)
    args = parser.parse_args()
    limiter = RedisCompanyLimiter(args.redis, key_prefix=args.prefix, lease=args.lease)
    try:
        await (_calls if args.mode == "calls" else _hold)(args, limiter)
    finally:
        await limiter.aclose()


if __name__ == "__main__":
    asyncio.run(main())

"""An aiohttp.web service over the SDK: one client for the app, opened and closed by cleanup_ctx.

Run it with ``CODAT_API_KEY=... python -m aiohttp.web examples.aiohttp_app:create_app``.
Its tests are ``tests/test_example_aiohttp.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from codat_sync_expenses import CodatSyncExpenses, errors, serialization
from codat_sync_expenses.models import Customer

CODAT = web.AppKey("codat", CodatSyncExpenses)


def create_app(
    argv: list[str] | None = None,
    *,
    make_client: Callable[[], CodatSyncExpenses] = CodatSyncExpenses,
) -> web.Application:
    """The app; ``make_client`` builds its one client (by default from ``CODAT_API_KEY``)."""
    app = web.Application()

    async def codat_client(app: web.Application) -> AsyncIterator[None]:
        async with make_client() as codat:  # made inside the app's loop, closed on shutdown
            app[CODAT] = codat
            yield

    app.cleanup_ctx.append(codat_client)
    app.router.add_get("/companies/{company_id}/customers", list_customers)
    app.router.add_get("/companies/{company_id}/customers/{customer_id}", get_customer)
    app.router.add_post(
        "/companies/{company_id}/connections/{connection_id}/customers", create_customer
    )
    return app


def _json(value: object, status: int = 200) -> web.Response:
    return web.Response(
        body=serialization.to_json(value), status=status, content_type="application/json"
    )


async def list_customers(request: web.Request) -> web.Response:
    """One page of customers (``?page=``)."""
    page = await request.app[CODAT].customers.list_async(
        company_id=request.match_info["company_id"], page=int(request.query.get("page", "1"))
    )
    return _json({"customers": serialization.to_dict(list(page.items)), "page": page.page_number})


async def get_customer(request: web.Request) -> web.Response:
    """One customer, or 404."""
    try:
        customer = await request.app[CODAT].customers.get_async(
            company_id=request.match_info["company_id"],
            customer_id=request.match_info["customer_id"],
        )
    except errors.NotFoundError as exc:
        raise web.HTTPNotFound(text=exc.error or "not found") from None
    return _json(customer)


async def create_customer(request: web.Request) -> web.Response:
    """Push a new customer (Codat-shaped JSON) and wait until it lands: 201 with it."""
    try:
        customer = serialization.from_json(await request.read(), Customer)
    except serialization.DecodeError as exc:
        raise web.HTTPUnprocessableEntity(text=str(exc)) from None
    codat = request.app[CODAT]
    push = await codat.customers.create_async(
        company_id=request.match_info["company_id"],
        connection_id=request.match_info["connection_id"],
        customer=customer,
    )
    await codat.push_operations.wait_async(push, max_wait=60)
    return _json(push.data, status=201)

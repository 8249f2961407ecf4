"""A FastAPI service over the SDK: one client for the whole app, closed by its lifespan.

Run it with ``CODAT_API_KEY=... uvicorn examples.fastapi_app:create_app --factory``
(``CODAT_BASE_URL`` points it elsewhere, e.g. at ``python -m codat_sync_expenses.testing``).
Its tests are ``tests/test_example_fastapi.py``, one per test style.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import StreamingResponse

from codat_sync_expenses import CodatSyncExpenses, errors, serialization
from codat_sync_expenses.models import Customer

JSON = "application/json"


def create_app(codat: CodatSyncExpenses | None = None) -> FastAPI:
    """The app; every request shares one client, so its connections and per-company limit.

    With no client given, the lifespan makes one from the environment
    (``CODAT_API_KEY``, and ``CODAT_BASE_URL`` to point it at the fake in tests)
    and closes it when the app stops, so each start (each ``TestClient`` session)
    gets a client in its own event loop. A client you pass stays yours to close.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if codat is not None:
            yield
            return
        async with CodatSyncExpenses() as client:
            app.state.codat = client
            yield

    app = FastAPI(lifespan=lifespan)
    if codat is not None:
        app.state.codat = codat  # also where nothing runs the lifespan (httpx's ASGITransport)
    _add_routes(app)
    return app


def _codat(request: Request) -> CodatSyncExpenses:
    codat: CodatSyncExpenses = request.app.state.codat
    return codat


Codat = Annotated[CodatSyncExpenses, Depends(_codat)]


def _json(value: object, status_code: int = 200) -> Response:
    # SDK models leave as Codat's own JSON, through the SDK's converter.
    return Response(serialization.to_json(value), status_code=status_code, media_type=JSON)


def _add_routes(app: FastAPI) -> None:
    @app.get("/companies/{company_id}/customers")
    async def list_customers(
        company_id: str, codat: Codat, page: int = 1, page_size: int = 100
    ) -> Response:
        """One page of customers."""
        listed = await codat.customers.list_async(
            company_id=company_id, page=page, page_size=page_size
        )
        return _json(
            {
                "customers": serialization.to_dict(list(listed.items)),
                "page": listed.page_number,
                "totalResults": listed.total_results,
                "hasNextPage": listed.has_next_page(),
            }
        )

    @app.get("/companies/{company_id}/customers.ndjson")
    async def stream_customers(company_id: str, codat: Codat) -> StreamingResponse:
        """Every customer, one JSON document a line, fetched page by page as the client reads."""

        async def lines() -> AsyncIterator[bytes]:
            async for customer in codat.customers.list_async(company_id=company_id, page_size=500):
                yield serialization.to_json(customer) + b"\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.get("/companies/{company_id}/customers/{customer_id}")
    async def get_customer(company_id: str, customer_id: str, codat: Codat) -> Response:
        """One customer, or 404."""
        try:
            customer = await codat.customers.get_async(
                company_id=company_id, customer_id=customer_id
            )
        except errors.NotFoundError as exc:
            raise HTTPException(404, exc.error or "not found") from None
        return _json(customer)

    @app.post("/companies/{company_id}/connections/{connection_id}/customers")
    async def create_customer(
        company_id: str, connection_id: str, request: Request, codat: Codat
    ) -> Response:
        """Push a new customer (Codat-shaped JSON) and wait until it lands: 201 with it.

        Every way a push can end has its answer: Failed is 422 with Codat's reason,
        TimedOut (the accounting software never completed it) 504, and still Pending
        after a minute 202 with the key to look it up by later.
        """
        customer = await _customer_body(request)
        push = await codat.customers.create_async(
            company_id=company_id, connection_id=connection_id, customer=customer
        )
        try:
            done = await codat.push_operations.wait_async(push, max_wait=60)
        except errors.PushOperationFailedError as exc:
            raise HTTPException(422, str(exc)) from None
        except errors.PushOperationTimedOutError as exc:
            raise HTTPException(504, str(exc)) from None
        except errors.PushWaitTimeoutError:
            # Still queued at Codat: it may yet land, so say where to look.
            return _json({"pushOperationKey": push.push_operation_key}, status_code=202)
        return _json(done.data, status_code=201)  # the record as pushed, with its new id

    @app.put("/companies/{company_id}/connections/{connection_id}/customers/{customer_id}")
    async def update_customer(
        company_id: str, connection_id: str, customer_id: str, request: Request, codat: Codat
    ) -> Response:
        """Push changes to a customer: 202 with the push operation to follow."""
        customer = await _customer_body(request)
        push = await codat.customers.update_async(
            company_id=company_id,
            connection_id=connection_id,
            customer_id=customer_id,
            customer=customer,
        )
        return _json(push, status_code=202)


async def _customer_body(request: Request) -> Customer:
    try:
        return serialization.from_json(await request.body(), Customer)
    except serialization.DecodeError as exc:
        raise HTTPException(422, str(exc)) from None

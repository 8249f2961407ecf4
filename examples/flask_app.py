"""A Flask service over the SDK's blocking twins: one client for the app, shared by every thread.

Run it with ``CODAT_API_KEY=... flask --app examples.flask_app run --with-threads``.
The client opens nothing until the first request and closes itself at interpreter
exit (or call ``codat.close()``). Its tests are ``tests/test_example_flask.py``.
"""

from __future__ import annotations

from flask import Flask, Response, request

from codat_sync_expenses import CodatSyncExpenses, errors, serialization
from codat_sync_expenses.models import Customer


def create_app(codat: CodatSyncExpenses | None = None) -> Flask:
    """The app; ``codat`` is its one client (by default one from ``CODAT_API_KEY``)."""
    client = CodatSyncExpenses() if codat is None else codat
    app = Flask(__name__)

    @app.get("/companies/<company_id>/customers")
    def list_customers(company_id: str) -> Response:
        """One page of customers (``?page=``)."""
        page = client.customers.list(
            company_id=company_id, page=request.args.get("page", 1, type=int)
        )
        return _json(
            {"customers": serialization.to_dict(list(page.items)), "page": page.page_number}
        )

    @app.get("/companies/<company_id>/customers/<customer_id>")
    def get_customer(company_id: str, customer_id: str) -> Response:
        """One customer, or 404."""
        return _json(client.customers.get(company_id=company_id, customer_id=customer_id))

    @app.post("/companies/<company_id>/connections/<connection_id>/customers")
    def create_customer(company_id: str, connection_id: str) -> Response:
        """Push a new customer (Codat-shaped JSON) and wait until it lands: 201 with it."""
        try:
            customer = serialization.from_json(request.get_data(), Customer)
        except serialization.DecodeError as exc:
            return Response(str(exc), status=422)
        push = client.customers.create(
            company_id=company_id, connection_id=connection_id, customer=customer
        )
        client.push_operations.wait(push, max_wait=60)
        return _json(push.data, status=201)

    @app.errorhandler(errors.NotFoundError)
    def not_found(exc: errors.NotFoundError) -> Response:
        return Response(exc.error or "not found", status=404)

    return app


def _json(value: object, status: int = 200) -> Response:
    return Response(serialization.to_json(value), status=status, mimetype="application/json")

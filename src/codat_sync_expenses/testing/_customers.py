"""The fake's customers: generated and stored records, and the four customer operations."""

from __future__ import annotations

import re
import uuid
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from aiohttp import web

from .. import models
from .._constraints import CONSTRAINTS
from . import _listing, _seed
from ._listing import LISTING_QUERY
from ._push import PUSH_QUERY, PushOperations
from ._resource import Route
from ._responses import CodatHTTPError, bool_param, json_response, now, parse_json
from ._world import Company, World

CustomerOperation = Literal["list-customers", "get-customer", "create-customer", "update-customer"]
MAX_CUSTOMERS = 10_000_000
"""The most customers a company may be seeded with: a filtered listing reads every one."""

CUSTOMER_STATUSES = frozenset({"Unknown", "Active", "Archived"})
ADDRESS_TYPES = frozenset({"Unknown", "Billing", "Delivery"})
PHONE_TYPES = frozenset({"Primary", "Landline", "Mobile", "Fax", "Unknown"})

# What Codat's spec allows in a pushed customer, field by field. A frozenset is a
# required enum; "?" marks a nullable value; ("list?", x) a nullable array of x;
# ("objects?", None) a nullable object whose values are objects.
Rule = Any
_ADDRESS: dict[str, Rule] = {
    "type": ADDRESS_TYPES,
    **dict.fromkeys(["line1", "line2", "city", "region", "country", "postalCode"], "str?"),
}
_PHONE: dict[str, Rule] = {"number": "str?", "type": PHONE_TYPES}
_CONTACT: dict[str, Rule] = {
    "name": "str?",
    "email": "str?",
    "phone": ("list?", _PHONE),
    "address": _ADDRESS,
    "status": CUSTOMER_STATUSES,
    "modifiedDate": "date-time",
}
CUSTOMER: dict[str, Rule] = {
    "id": "str",
    **dict.fromkeys(
        ["customerName", "contactName", "emailAddress", "phone", "registrationNumber", "taxNumber"],
        "str?",
    ),
    "defaultCurrency": "str",
    "addresses": ("list?", _ADDRESS),
    "contacts": ("list?", _CONTACT),
    "status": CUSTOMER_STATUSES,
    "metadata": {"isDeleted": "bool?"},
    "supplementalData": {"content": ("objects?", None)},
    "modifiedDate": "date-time",
    "sourceModifiedDate": "date-time",
}


class CustomerStore:
    """A company's customers: ``generated`` made on demand from the seed, then added ones.

    Only created or changed customers are stored. Implements the listing's ``Rows``.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.generated = 0
        self.stored: dict[str, dict[str, Any]] = {}
        self._added: list[str] = []
        self._changed: dict[int, str] = {}  # generated index -> stored id
        self._columns: dict[str, list[Any]] = {}  # generated customers' fields, made once

    def __len__(self) -> int:
        return self.generated + len(self._added)

    def generate(self, count: int) -> None:
        """Add ``count`` generated customers (before any added ones)."""
        if self._added:
            raise ValueError("seed generated customers before adding explicit ones")
        self.generated += count

    def record(self, position: int) -> dict[str, Any]:
        """The customer at a listing position: generated ones first, then added ones."""
        if position < self.generated:
            identifier = self._changed.get(position)
            if identifier is not None:
                return self.stored[identifier]
            return _seed.generated_customer(self.seed, position)
        return self.stored[self._added[position - self.generated]]

    def column(self, field: str) -> Sequence[Any]:
        """``field`` of every customer; generated values are computed once per field."""
        cached = self._columns.setdefault(field, [])
        cached.extend(
            _seed.field_value(self.seed, i, field) for i in range(len(cached), self.generated)
        )
        values = cached[: self.generated]
        for index, identifier in self._changed.items():
            values[index] = self.stored[identifier].get(field)
        values.extend(self.stored[identifier].get(field) for identifier in self._added)
        return values

    def get(self, customer_id: str) -> dict[str, Any] | None:
        """A customer by id, or None."""
        if customer_id in self.stored:
            return self.stored[customer_id]
        index = _seed.index_of(self.seed, customer_id)
        if index is not None and index < self.generated:
            return _seed.generated_customer(self.seed, index)
        return None

    def put(self, customer: dict[str, Any]) -> None:
        """Store a customer: a new one goes to the end, a known one is replaced in place."""
        identifier = customer["id"]
        index = _seed.index_of(self.seed, identifier)
        if index is not None and index < self.generated:
            self._changed[index] = identifier
        elif identifier not in self.stored:
            self._added.append(identifier)
        self.stored[identifier] = customer


class Customers:
    """The customers resource: every company's customers and the four operations."""

    def __init__(self, world: World, pushes: PushOperations) -> None:
        self._world = world
        self._pushes = pushes
        # By company: one added again under the same id starts empty.
        self._stores: weakref.WeakKeyDictionary[Company, CustomerStore] = (
            weakref.WeakKeyDictionary()
        )

    def of(self, company: Company) -> CustomerStore:
        """A company's customers."""
        store = self._stores.get(company)
        if store is None:
            store = self._stores[company] = CustomerStore(_seed.company_seed(company.id))
        return store

    def unused(self) -> dict[str, list[Any]]:
        """Nothing: customers queue nothing."""
        return {}

    def forget_unused(self) -> None:
        """Nothing to forget."""

    def routes(self) -> list[Route]:
        """The customer operations."""
        world = self._world

        async def list_customers(request: web.Request) -> web.Response:
            company = world.company(request)
            return _listing.respond(
                request, self.of(company), service="ClientsApi", model=models.Customer
            )

        async def get_customer(request: web.Request) -> web.Response:
            company = world.company(request)
            customer_id = request.match_info["customerId"]
            customer = self.of(company).get(customer_id)
            if customer is None:
                raise CodatHTTPError(404, f"Customer {customer_id} not found", service="PullApi")
            return json_response(customer)

        async def create_customer(request: web.Request) -> web.Response:
            company = world.company(request)
            connection_id = world.connection(request, company)
            body = await _customer_body(request)
            customer = {**body, "id": body.get("id") or str(uuid.uuid4()), "modifiedDate": now()}
            return pushed(request, company, connection_id, customer, "Created")

        async def update_customer(request: web.Request) -> web.Response:
            company = world.company(request)
            connection_id = world.connection(request, company)
            customer_id = request.match_info["customerId"]
            if self.of(company).get(customer_id) is None:
                raise CodatHTTPError(404, f"Customer {customer_id} not found", service="PushApi")
            bool_param(request, "forceUpdate")
            body = await _customer_body(request, customer_id)
            customer = {**body, "id": customer_id, "modifiedDate": now()}
            return pushed(request, company, connection_id, customer, "Modified")

        def pushed(
            request: web.Request,
            company: Company,
            connection_id: str,
            customer: dict[str, Any],
            change: str,
        ) -> web.Response:
            store = self.of(company)
            return self._pushes.push(
                request,
                company,
                connection_id,
                data_type="customers",
                change=change,
                record=customer,
                on_success=lambda: store.put(customer),  # stored once the push succeeds
            )

        company = "/companies/{companyId}"
        push = company + "/connections/{connectionId}/push/customers"
        return [
            Route(
                "GET", company + "/data/customers", "list-customers", list_customers, LISTING_QUERY
            ),
            Route("GET", company + "/data/customers/{customerId}", "get-customer", get_customer),
            Route("POST", push, "create-customer", create_customer, PUSH_QUERY),
            Route(
                "PUT",
                push + "/{customerId}",
                "update-customer",
                update_customer,
                PUSH_QUERY | {"forceUpdate"},
            ),
        ]


async def _customer_body(request: web.Request, customer_id: str | None = None) -> dict[str, Any]:
    try:
        body = parse_json(await request.read())
    except ValueError:  # not JSON, not UTF-8, or nested too deeply: Codat's 400
        body = None
    errors = validation_errors(body, customer_id)
    if errors:
        raise CodatHTTPError(
            400, "Error processing request - not valid.", validation={"errors": errors}
        )
    return body  # type: ignore[no-any-return]


def validation_errors(body: Any, customer_id: str | None = None) -> list[dict[str, str | None]]:
    """What Codat would reject in a pushed customer, as its validation items.

    Written from Codat's spec independently of the SDK's converter, so the fake
    cannot share a bug with it.
    """
    problems: list[str] = []
    _check(body, CUSTOMER, "customer", problems)
    if isinstance(body, dict):
        _check_stated(body, problems)
    return [
        {"itemId": customer_id, "message": problem, "validatorName": "Customer"}
        for problem in problems
    ]


def _check_stated(body: dict[str, Any], problems: list[str]) -> None:
    """What the document states on a customer's own text fields beyond their type (lengths,
    patterns, a currency code), read from the table the pre-push checks use too, so that
    a constraint Codat adds reaches the fake with the next spec_update."""
    for (schema, field), stated in CONSTRAINTS.items():
        value = body.get(field) if schema == "Customer" else None
        if not isinstance(value, str):
            continue
        where = f"customer.{field}"
        if "maxLength" in stated and len(value) > stated["maxLength"]:
            problems.append(f"{where} must be at most {stated['maxLength']} characters.")
        if "minLength" in stated and len(value) < stated["minLength"]:
            problems.append(f"{where} must be at least {stated['minLength']} characters.")
        if "pattern" in stated and re.search(stated["pattern"], value) is None:
            problems.append(f"{where} must match {stated['pattern']}.")
        if stated.get("format") == "ISO4217" and not _CURRENCY.fullmatch(value):
            problems.append(f"{where} must be an ISO 4217 currency code.")


_CURRENCY = re.compile(r"[A-Z]{3}")


def _check(value: Any, rule: Rule, where: str, problems: list[str]) -> None:
    if isinstance(rule, frozenset):
        if not isinstance(value, str) or value not in rule:
            problems.append(f"{where} must be one of {sorted(rule)}.")
        return
    if isinstance(rule, str):
        if value is None:
            if not rule.endswith("?"):
                problems.append(f"{where} must not be null.")
        elif rule.startswith("str") and not isinstance(value, str):
            problems.append(f"{where} must be a string.")
        elif rule == "bool?" and not isinstance(value, bool):
            problems.append(f"{where} must be true or false.")
        elif rule == "date-time" and not _is_date_time(value):
            problems.append(f"{where} must be an ISO 8601 date-time.")
        return
    if isinstance(rule, tuple):
        kind, inner = rule
        if value is None:
            return
        if kind == "list?":
            if not isinstance(value, list):
                problems.append(f"{where} must be an array.")
                return
            for index, item in enumerate(value):
                _check(item, inner, f"{where}[{index}]", problems)
        elif not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            problems.append(f"{where} must be an object of objects.")
        return
    if not isinstance(value, dict):
        problems.append(f"{where} must be an object.")
        return
    for field, inner in rule.items():
        if field in value or isinstance(inner, frozenset):
            _check(value.get(field), inner, f"{where}.{field}", problems)


def _is_date_time(value: Any) -> bool:
    # Codat's date forms: a date alone (2022-10-23) or a date-time, with or without a zone.
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value[:19])
    except ValueError:
        return False
    return True


_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?)?")

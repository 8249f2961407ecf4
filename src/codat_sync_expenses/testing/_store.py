"""The fake server's state: companies, connections and customers, paged like Codat.

Generated customers are made on demand from their index; only created or
updated ones are stored. Validation here is written independently of the
SDK's converter, so the fake cannot share a bug with it.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

from . import _seed

CUSTOMER_STATUSES = {"Unknown", "Active", "Archived"}
ADDRESS_TYPES = {"Unknown", "Billing", "Delivery"}
PHONE_TYPES = {"Primary", "Landline", "Mobile", "Fax", "Unknown"}
NULLABLE_STRINGS = [
    "customerName",
    "contactName",
    "emailAddress",
    "phone",
    "registrationNumber",
    "taxNumber",
]


class QueryError(ValueError):
    """A ``query`` the fake cannot parse, answered with Codat's 400."""


class Company:
    """One company: generated customers by index, plus stored (created or changed) ones."""

    _seeds = itertools.count(1)

    def __init__(self, company_id: str) -> None:
        self.id = company_id
        self.seed = next(self._seeds)
        self.connections: set[str] = set()
        self.generated = 0
        self.stored: dict[str, dict[str, Any]] = {}
        self.added_order: list[str] = []

    def __len__(self) -> int:
        return self.generated + len(self.added_order)

    def customer_at(self, position: int) -> dict[str, Any]:
        """The customer at a listing position: generated ones first, then added ones."""
        if position < self.generated:
            identifier = _seed.customer_id(self.seed, position)
            return self.stored.get(identifier) or _seed.generated_customer(self.seed, position)
        return self.stored[self.added_order[position - self.generated]]

    def all_customers(self) -> Iterator[dict[str, Any]]:
        """Every customer in listing order, made as they are read."""
        return (self.customer_at(i) for i in range(len(self)))

    def get(self, customer_id: str) -> dict[str, Any] | None:
        """A customer by id, or None."""
        if customer_id in self.stored:
            return self.stored[customer_id]
        index = _seed.index_of(self.seed, customer_id)
        if index is not None and index < self.generated:
            return _seed.generated_customer(self.seed, index)
        return None

    def add(self, customer: dict[str, Any]) -> None:
        """Store a new customer at the end of the listing."""
        self.stored[customer["id"]] = customer
        self.added_order.append(customer["id"])

    def page(
        self, page: int, page_size: int, query: str | None, order_by: str | None
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of customers and the total, after filtering and ordering."""
        if query is None and order_by is None:
            start = (page - 1) * page_size
            stop = min(start + page_size, len(self))
            return [self.customer_at(i) for i in range(start, stop)], len(self)
        matching = [c for c in self.all_customers() if _matches(c, query)]
        if order_by:
            field = order_by.lstrip("-")
            matching.sort(key=lambda c: str(c.get(field) or ""), reverse=order_by[0] == "-")
        start = (page - 1) * page_size
        return matching[start : start + page_size], len(matching)


def _matches(customer: dict[str, Any], query: str | None) -> bool:
    """A small part of Codat's query language: ``field=value`` / ``!=``, joined by ``&&``."""
    if not query:
        return True
    for clause in query.split("&&"):
        negate = "!=" in clause
        field, sep, value = clause.partition("!=" if negate else "=")
        if not sep or not field.strip():
            raise QueryError(f"Error parsing query - Malformed query: {clause!r}")
        actual = customer.get(field.strip())
        if (str(actual) == value.strip()) == negate:
            return False
    return True


def validation_errors(body: Any, customer_id: str | None = None) -> list[dict[str, str | None]]:
    """What Codat would reject in a pushed customer, as its validation items."""

    def item(message: str) -> dict[str, str | None]:
        return {"itemId": customer_id, "message": message, "validatorName": "Customer"}

    if not isinstance(body, dict):
        return [item("The request body must be a JSON object.")]
    errors = []
    if body.get("status") not in CUSTOMER_STATUSES:
        errors.append(item(f"status must be one of {sorted(CUSTOMER_STATUSES)}."))
    for field in NULLABLE_STRINGS:
        if body.get(field) is not None and not isinstance(body[field], str):
            errors.append(item(f"{field} must be a string or null."))
    for address in body.get("addresses") or []:
        if not isinstance(address, dict) or address.get("type") not in ADDRESS_TYPES:
            errors.append(item(f"each address needs a type, one of {sorted(ADDRESS_TYPES)}."))
    for contact in body.get("contacts") or []:
        if not isinstance(contact, dict) or contact.get("status") not in CUSTOMER_STATUSES:
            errors.append(item("each contact needs a status."))
            continue
        for phone in contact.get("phone") or []:
            if not isinstance(phone, dict) or phone.get("type") not in PHONE_TYPES:
                errors.append(item(f"each phone needs a type, one of {sorted(PHONE_TYPES)}."))
    return errors


def new_id() -> str:
    """A fresh id, shaped like Codat's."""
    return str(uuid.uuid4())

"""Codat's listing convention for every fake resource: page, pageSize, query, orderBy, _links.

A resource hands over its records as ``Rows``: a length, one record by position,
and one field of every record as a column. Filtering and sorting read columns
only, so a filtered page builds just the records it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import urlencode

from aiohttp import web

from ._responses import CodatHTTPError, int_param, json_response


class Rows(Protocol):
    """A resource's records in listing order."""

    def __len__(self) -> int: ...

    def record(self, position: int) -> dict[str, Any]:
        """The record at ``position``."""
        ...

    def column(self, field: str) -> Sequence[Any]:
        """``field`` of every record, in listing order (None where absent)."""
        ...


def respond(request: web.Request, rows: Rows, *, service: str) -> web.Response:
    """One page of ``rows`` as Codat answers a list operation."""
    page = int_param(request, "page", 1, minimum=1)
    page_size = int_param(request, "pageSize", 100, minimum=1, maximum=5000)
    query = request.query.get("query")
    order_by = request.query.get("orderBy")
    positions = _select(rows, query, order_by, service=service)
    total = len(positions)
    start = (page - 1) * page_size
    results = [rows.record(p) for p in positions[start : start + page_size]]

    def href(number: int | None = None) -> dict[str, str]:
        if number is None:
            return {"href": request.path}
        params = {"page": number, "pageSize": page_size, "query": query, "orderBy": order_by}
        encoded = urlencode({k: v for k, v in params.items() if v is not None})
        return {"href": f"{request.path}?{encoded}"}

    links = {"self": href(), "current": href(page)}
    if page * page_size < total:
        links["next"] = href(page + 1)
    if page > 1:
        links["previous"] = href(page - 1)
    return json_response(
        {
            "results": results,
            "pageNumber": page,
            "pageSize": page_size,
            "totalResults": total,
            "_links": links,
        }
    )


def _select(rows: Rows, query: str | None, order_by: str | None, *, service: str) -> Sequence[int]:
    positions: Sequence[int] = range(len(rows))
    for field, negate, value in _clauses(query, service=service):
        column = rows.column(field)
        positions = [p for p in positions if (_text(column[p]) == value) != negate]
    if order_by:
        field = order_by.removeprefix("-")
        column = rows.column(field)
        positions = sorted(
            positions, key=lambda p: _text(column[p]), reverse=order_by.startswith("-")
        )
    return positions


def _clauses(query: str | None, *, service: str) -> list[tuple[str, bool, str]]:
    """A small part of Codat's query language: ``field=value`` / ``!=``, joined by ``&&``."""
    if not query:
        return []
    clauses = []
    for clause in query.split("&&"):
        negate = "!=" in clause
        field, sep, value = clause.partition("!=" if negate else "=")
        if not sep or not field.strip():
            raise CodatHTTPError(
                400, f"Error parsing query - Malformed query: {clause!r}", service=service
            )
        clauses.append((field.strip(), negate, value.strip()))
    return clauses


def _text(value: Any) -> str:
    return "" if value is None else str(value)

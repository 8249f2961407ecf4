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

from .._constants import MAX_PAGE_SIZE
from . import _query
from ._responses import CodatHTTPError, int_param, json_response

# The largest page Codat answers (PagingInfo.pageSize's maximum in its spec).
MAX_PAGE = 2000
LISTING_QUERY = frozenset({"page", "pageSize", "query", "orderBy"})
"""The query parameters ``respond`` reads."""


class Rows(Protocol):
    """A resource's records in listing order."""

    def __len__(self) -> int: ...

    def record(self, position: int) -> dict[str, Any]:
        """The record at ``position``."""
        ...

    def column(self, field: str) -> Sequence[Any]:
        """``field`` of every record, in listing order (None where absent)."""
        ...


def respond(request: web.Request, rows: Rows, *, service: str, model: type) -> web.Response:
    """One page of ``rows`` (records of ``model``) as Codat answers a list operation.

    ``pageSize`` may be asked up to 5,000, but a page holds at most 2,000: the
    most Codat's paging information states (PagingInfo.pageSize).
    """
    page = int_param(request, "page", 1, minimum=1)
    page_size = min(int_param(request, "pageSize", 100, minimum=1, maximum=MAX_PAGE_SIZE), MAX_PAGE)
    query = request.query.get("query")
    order_by = request.query.get("orderBy")
    positions = _select(rows, query, order_by, service=service, model=model)
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


def _select(
    rows: Rows, query: str | None, order_by: str | None, *, service: str, model: type
) -> Sequence[int]:
    positions: Sequence[int] = range(len(rows))
    if query:
        try:
            node = _query.parse(query, _query.kinds_of(model))
        except _query.QueryError as exc:
            raise CodatHTTPError(400, f"Error parsing query - {exc}", service=service) from None
        # Each field's column once, so a filtered page builds only the records it returns.
        columns = {field: rows.column(field.partition(".")[0]) for field in _query.fields_of(node)}
        positions = [p for p in positions if _holds(node, columns, p)]
    if order_by:
        field = order_by.removeprefix("-")
        column = rows.column(field)
        positions = sorted(
            positions, key=lambda p: _text(column[p]), reverse=order_by.startswith("-")
        )
    return positions


def _holds(node: _query.Node, columns: dict[str, Sequence[Any]], position: int) -> bool:
    if isinstance(node, _query.Every):
        return all(_holds(part, columns, position) for part in node.parts)
    if isinstance(node, _query.Either):
        return any(_holds(part, columns, position) for part in node.parts)
    top, _, rest = node.field.partition(".")
    value = columns[node.field][position]
    if rest:
        value = _query.lookup({top: value}, node.field)
    return _query.holds(node, value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)

"""Codat's conventions that every resource shares: company paths, listings, push parameters.

A resource file states its path, arguments and models and calls these; no
resource repeats how Codat pages, filters or queues a push.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from .. import _params as check
from .._api import API
from .._constants import INT32_MAX, MAX_PAGE_SIZE
from .._pagination import AsyncPaginator, PageContents
from ..models import Links
from ..query import Condition

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class CodatPage(Protocol[T_co]):
    """The shape of every Codat list answer: ``results`` plus its paging information."""

    @property
    def results(self) -> Sequence[T_co] | None: ...
    @property
    def page_number(self) -> int: ...
    @property
    def page_size(self) -> int: ...
    @property
    def total_results(self) -> int: ...
    @property
    def links(self) -> Links: ...


def company_path(company_id: str) -> str:
    """``/companies/{companyId}``, the id checked and encoded."""
    return f"/companies/{check.path_segment('company_id', company_id)}"


def listing(
    api: API,
    path: str,
    cast_to: type[CodatPage[T]],
    *,
    page: int,
    page_size: int,
    query: str | Condition | None,
    order_by: str | None,
    prefetch: bool,
    timeout: float | None,
    max_retries: int | None,
    extra_headers: Mapping[str, str] | None,
) -> AsyncPaginator[T]:
    """A lazy paginator over a Codat list operation; arguments are checked here, at the call."""
    check.integer("page", page, minimum=1, maximum=INT32_MAX)
    check.integer("page_size", page_size, minimum=1, maximum=MAX_PAGE_SIZE)
    params = {"pageSize": str(page_size)}
    if isinstance(query, Condition):
        params["query"] = str(query)
    elif query is not None:
        params["query"] = check.text("query", query)
    if order_by is not None:
        params["orderBy"] = check.text("order_by", order_by)
    check.boolean("prefetch", prefetch)
    check.retry_options(timeout=timeout, max_retries=max_retries)
    headers = check.headers("extra_headers", extra_headers)

    async def fetch(number: int) -> PageContents[T]:
        result = await api.request(
            "GET",
            path,
            cast_to=cast_to,
            params={"page": str(number), **params},
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=headers,
        )
        return PageContents(
            items=result.results or [],
            page_number=result.page_number,
            page_size=result.page_size,
            total_results=result.total_results,
            has_next_link=result.links.next is not None,
        )

    return AsyncPaginator(fetch, first_page=page, page_size=page_size, prefetch=prefetch)


def push_params(
    timeout_in_minutes: int | None, allow_sync_on_push_complete: bool | None
) -> dict[str, str]:
    """The query parameters every push operation takes, checked and encoded."""
    params = {}
    if timeout_in_minutes is not None:
        check.integer("timeout_in_minutes", timeout_in_minutes, minimum=1, maximum=INT32_MAX)
        params["timeoutInMinutes"] = str(timeout_in_minutes)
    if allow_sync_on_push_complete is not None:
        check.boolean("allow_sync_on_push_complete", allow_sync_on_push_complete)
        params["allowSyncOnPushComplete"] = check.query_bool(allow_sync_on_push_complete)
    return params

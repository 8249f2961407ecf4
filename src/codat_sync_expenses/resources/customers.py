"""A company's customers: create, get, list (paginated) and update."""

from __future__ import annotations

from .. import _params as check
from .._api import API
from .._pagination import AsyncPaginator, PageContents
from ..models import CreateCustomerResponse, Customer, Customers, UpdateCustomerResponse


class CustomersResource:
    """The customers endpoints, reached as ``CodatSyncExpenses(...).customers``."""

    def __init__(self, api: API) -> None:
        self._api = api

    async def create_async(
        self,
        *,
        company_id: str,
        connection_id: str,
        customer: Customer,
        timeout_in_minutes: int | None = None,
        allow_sync_on_push_complete: bool | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> CreateCustomerResponse:
        """Push a new customer to the accounting software; returns the push operation.

        Retried only when Codat provably did not receive it, so it is never pushed twice.
        """
        path = (
            f"/companies/{check.path_segment('company_id', company_id)}"
            f"/connections/{check.path_segment('connection_id', connection_id)}/push/customers"
        )
        check.instance_of("customer", customer, Customer)
        return await self._api.request(
            "POST",
            path,
            cast_to=CreateCustomerResponse,
            params=_push_params(timeout_in_minutes, allow_sync_on_push_complete),
            body=customer,
            timeout=timeout,
            max_retries=max_retries,
        )

    async def get_async(
        self,
        *,
        company_id: str,
        customer_id: str,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> Customer:
        """Get one customer from the company's latest synced data."""
        path = (
            f"/companies/{check.path_segment('company_id', company_id)}"
            f"/data/customers/{check.path_segment('customer_id', customer_id)}"
        )
        return await self._api.request(
            "GET", path, cast_to=Customer, timeout=timeout, max_retries=max_retries
        )

    def list_async(
        self,
        *,
        company_id: str,
        page: int = 1,
        page_size: int = 100,
        query: str | None = None,
        order_by: str | None = None,
        prefetch: int = 0,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> AsyncPaginator[Customer]:
        """List customers: ``await`` it for one page, ``async for`` it for every customer.

        ``page`` is where the listing starts; ``prefetch=1`` fetches the next page
        while the current one is being consumed.
        """
        path = f"/companies/{check.path_segment('company_id', company_id)}/data/customers"
        check.integer("page", page, minimum=1)
        params = {"pageSize": check.integer("page_size", page_size, minimum=1, maximum=5000)}
        if query is not None:
            params["query"] = check.text("query", query)
        if order_by is not None:
            params["orderBy"] = check.text("order_by", order_by)
        check.integer("prefetch", prefetch, minimum=0, maximum=1)

        async def fetch(number: int) -> PageContents[Customer]:
            result = await self._api.request(
                "GET",
                path,
                cast_to=Customers,
                params={"page": str(number), **params},
                timeout=timeout,
                max_retries=max_retries,
            )
            return PageContents(
                items=result.results or [],
                page_size=result.page_size,
                total_results=result.total_results,
                has_next_link=result.links.next is not None,
            )

        return AsyncPaginator(fetch, first_page=page, prefetch=prefetch)

    async def update_async(
        self,
        *,
        company_id: str,
        connection_id: str,
        customer_id: str,
        customer: Customer,
        force_update: bool = False,
        timeout_in_minutes: int | None = None,
        allow_sync_on_push_complete: bool | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> UpdateCustomerResponse:
        """Push changes to an existing customer; returns the push operation.

        Retried only when Codat provably did not receive it, so it is never pushed twice.
        """
        path = (
            f"/companies/{check.path_segment('company_id', company_id)}"
            f"/connections/{check.path_segment('connection_id', connection_id)}"
            f"/push/customers/{check.path_segment('customer_id', customer_id)}"
        )
        check.instance_of("customer", customer, Customer)
        params = _push_params(timeout_in_minutes, allow_sync_on_push_complete)
        params["forceUpdate"] = check.boolean("force_update", force_update)
        return await self._api.request(
            "PUT",
            path,
            cast_to=UpdateCustomerResponse,
            params=params,
            body=customer,
            timeout=timeout,
            max_retries=max_retries,
        )


def _push_params(
    timeout_in_minutes: int | None, allow_sync_on_push_complete: bool | None
) -> dict[str, str]:
    params = {}
    if timeout_in_minutes is not None:
        params["timeoutInMinutes"] = check.integer(
            "timeout_in_minutes", timeout_in_minutes, minimum=1
        )
    if allow_sync_on_push_complete is not None:
        params["allowSyncOnPushComplete"] = check.boolean(
            "allow_sync_on_push_complete", allow_sync_on_push_complete
        )
    return params

"""A company's customers: create, get, list (paginated) and update."""

from __future__ import annotations

from collections.abc import Mapping

from .. import _params as check
from .._api import API
from .._blocking import BlockingLoop
from .._blocking_page import BlockingPage
from .._pagination import AsyncPaginator
from .._raw import with_raw
from .._validate import check_body
from ..models import CreateCustomerResponse, Customer, Customers, UpdateCustomerResponse
from ..query import Condition
from ._codat import company_path, listing, push_params


class CustomersResource:
    """The customers endpoints, reached as ``CodatSyncExpenses(...).customers``.

    Each ``*_async`` method has a blocking twin without the suffix, for code
    without an event loop; it runs the async method on the client's own loop.
    """

    def __init__(self, api: API, blocking: BlockingLoop) -> None:
        self._api = api
        self._blocking = blocking
        self.with_raw_response = CustomersWithRawResponse(self)
        """The same calls, each returning a ``RawResponse``: the result, status and headers."""

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
        extra_headers: Mapping[str, str] | None = None,
    ) -> CreateCustomerResponse:
        """Push a new customer to the accounting software; returns the push operation.

        The push is usually still ``Pending``: ``push_operations.wait_async(result)``
        waits for it. Retried only when Codat provably did not receive it, so it is
        never pushed twice. ``customer`` is checked against the document first: a
        ``TypeError`` or ``ValueError`` names the JSON path of a value it does not
        allow, and nothing is sent.
        """
        path = (
            f"{company_path(company_id)}"
            f"/connections/{check.path_segment('connection_id', connection_id)}/push/customers"
        )
        check_body("customer", customer, Customer)
        return await self._api.request(
            "POST",
            path,
            cast_to=CreateCustomerResponse,
            params=push_params(timeout_in_minutes, allow_sync_on_push_complete),
            body=customer,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )

    async def get_async(
        self,
        *,
        company_id: str,
        customer_id: str,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Customer:
        """Get one customer from the company's latest synced data."""
        path = (
            f"{company_path(company_id)}"
            f"/data/customers/{check.path_segment('customer_id', customer_id)}"
        )
        return await self._api.request(
            "GET",
            path,
            cast_to=Customer,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )

    def list_async(
        self,
        *,
        company_id: str,
        page: int = 1,
        page_size: int = 100,
        query: str | Condition | None = None,
        order_by: str | None = None,
        prefetch: bool = False,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AsyncPaginator[Customer]:
        """List customers: ``await`` it for one page, ``async for`` it for every customer.

        ``page`` is where the listing starts; ``prefetch=True`` fetches the next page
        while the current one is being consumed.
        """
        return listing(
            self._api,
            f"{company_path(company_id)}/data/customers",
            Customers,
            page=page,
            page_size=page_size,
            query=query,
            order_by=order_by,
            prefetch=prefetch,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )

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
        extra_headers: Mapping[str, str] | None = None,
    ) -> UpdateCustomerResponse:
        """Push changes to an existing customer; returns the push operation.

        Like ``create_async``, the push is usually still ``Pending``. Retried only when
        Codat provably did not receive it, so it is never pushed twice; ``customer`` is
        checked against the document first, and nothing is sent if it fails.
        """
        path = (
            f"{company_path(company_id)}"
            f"/connections/{check.path_segment('connection_id', connection_id)}"
            f"/push/customers/{check.path_segment('customer_id', customer_id)}"
        )
        check_body("customer", customer, Customer)
        params = push_params(timeout_in_minutes, allow_sync_on_push_complete)
        params["forceUpdate"] = check.query_bool(check.boolean("force_update", force_update))
        return await self._api.request(
            "PUT",
            path,
            cast_to=UpdateCustomerResponse,
            params=params,
            body=customer,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )

    def create(
        self,
        *,
        company_id: str,
        connection_id: str,
        customer: Customer,
        timeout_in_minutes: int | None = None,
        allow_sync_on_push_complete: bool | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CreateCustomerResponse:
        """Blocking ``create_async``, for code without an event loop."""
        return self._blocking.run(
            "customers.create",
            self.create_async,
            company_id=company_id,
            connection_id=connection_id,
            customer=customer,
            timeout_in_minutes=timeout_in_minutes,
            allow_sync_on_push_complete=allow_sync_on_push_complete,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )

    def get(
        self,
        *,
        company_id: str,
        customer_id: str,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Customer:
        """Blocking ``get_async``, for code without an event loop."""
        return self._blocking.run(
            "customers.get",
            self.get_async,
            company_id=company_id,
            customer_id=customer_id,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )

    def list(
        self,
        *,
        company_id: str,
        page: int = 1,
        page_size: int = 100,
        query: str | Condition | None = None,
        order_by: str | None = None,
        prefetch: bool = False,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> BlockingPage[Customer]:
        """Blocking ``list_async``: returns the first page; ``for`` over it walks every customer."""
        paginator = self.list_async(
            company_id=company_id,
            page=page,
            page_size=page_size,
            query=query,
            order_by=order_by,
            prefetch=prefetch,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )
        return BlockingPage.first(
            paginator, blocking=self._blocking, name="customers.list", prefetch=prefetch
        )

    def update(
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
        extra_headers: Mapping[str, str] | None = None,
    ) -> UpdateCustomerResponse:
        """Blocking ``update_async``, for code without an event loop."""
        return self._blocking.run(
            "customers.update",
            self.update_async,
            company_id=company_id,
            connection_id=connection_id,
            customer_id=customer_id,
            customer=customer,
            force_update=force_update,
            timeout_in_minutes=timeout_in_minutes,
            allow_sync_on_push_complete=allow_sync_on_push_complete,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )


class CustomersWithRawResponse:
    """``customers``' calls that return a ``RawResponse`` (result, HTTP status, headers)."""

    def __init__(self, customers: CustomersResource) -> None:
        self.create_async = with_raw(customers.create_async)
        self.get_async = with_raw(customers.get_async)
        self.update_async = with_raw(customers.update_async)

"""A company's push operations: get, list (paginated), and wait until one settles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar, overload

import attrs

from .. import _params as check
from .. import _push_wait
from .._api import API
from .._blocking import BlockingLoop
from .._blocking_page import BlockingPage
from .._pagination import AsyncPaginator
from .._raw import with_raw
from ..errors import PushOperationError, PushWaitTimeoutError
from ..models import PushOperation, PushOperations
from ..query import Condition
from ._codat import company_path, listing

P = TypeVar("P", bound=PushOperation)


class PushOperationsResource:
    """The push operation endpoints, reached as ``CodatSyncExpenses(...).push_operations``.

    Each ``*_async`` method has a blocking twin without the suffix, as on ``customers``.
    """

    def __init__(self, api: API, blocking: BlockingLoop) -> None:
        self._api = api
        self._blocking = blocking
        self.with_raw_response = PushOperationsWithRawResponse(self)
        """``get_async`` returning a ``RawResponse``: the result, status and headers."""

    async def get_async(
        self,
        *,
        company_id: str,
        push_operation_key: str,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PushOperation:
        """Get where one push operation stands now."""
        path = (
            f"{company_path(company_id)}"
            f"/push/{check.path_segment('push_operation_key', push_operation_key)}"
        )
        return await self._api.request(
            "GET",
            path,
            cast_to=PushOperation,
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
    ) -> AsyncPaginator[PushOperation]:
        """List push operations, e.g. ``query="status=Failed"``; paged like ``customers``."""
        return listing(
            self._api,
            f"{company_path(company_id)}/push",
            PushOperations,
            page=page,
            page_size=page_size,
            query=query,
            order_by=order_by,
            prefetch=prefetch,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )

    @overload
    async def wait_async(
        self,
        push_operation: P,
        *,
        max_wait: float | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> P: ...

    @overload
    async def wait_async(
        self,
        push_operation: None = None,
        *,
        company_id: str,
        push_operation_key: str,
        max_wait: float | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PushOperation: ...

    async def wait_async(
        self,
        push_operation: PushOperation | None = None,
        *,
        company_id: str | None = None,
        push_operation_key: str | None = None,
        max_wait: float | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PushOperation:
        """Poll until the push settles; return it on Success, as what it was given.

        Pass what a push returned (a ``CreateCustomerResponse`` comes back as one,
        settled, its ``data`` kept), or ``company_id=`` and ``push_operation_key=``
        (a ``PushOperation`` comes back). Raises ``PushOperationFailedError`` /
        ``PushOperationTimedOutError`` when it ends Failed / TimedOut, and
        ``PushWaitTimeoutError`` after ``max_wait`` seconds (default: the push's
        ``timeoutInMinutes`` plus a minute, else 15 minutes) while it may still
        complete; each error's ``push_operation`` is the last state seen, in the same
        shape. ``timeout`` and ``max_retries`` apply to each poll.
        """
        return await self._wait(
            push_operation,
            company_id=company_id,
            push_operation_key=push_operation_key,
            max_wait=max_wait,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )

    async def _wait(
        self,
        push_operation: PushOperation | None,
        *,
        company_id: str | None,
        push_operation_key: str | None,
        max_wait: float | None,
        timeout: float | None,
        max_retries: int | None,
        extra_headers: Mapping[str, str] | None,
    ) -> PushOperation:
        if push_operation is not None:
            check.instance_of("push_operation", push_operation, PushOperation)
            if company_id is not None or push_operation_key is not None:
                raise TypeError(
                    "pass a push operation or company_id= and push_operation_key=, not both"
                )
            company_id = push_operation.company_id
            push_operation_key = push_operation.push_operation_key
        elif company_id is None or push_operation_key is None:
            raise TypeError("pass a push operation, or both company_id= and push_operation_key=")
        if max_wait is not None:
            check.seconds("max_wait", max_wait)
        check.retry_options(timeout=timeout, max_retries=max_retries)
        key = push_operation_key
        given = push_operation

        async def poll() -> PushOperation:
            latest = await self.get_async(
                company_id=company_id,
                push_operation_key=key,
                timeout=timeout,
                max_retries=max_retries,
                extra_headers=extra_headers,
            )
            # The answer to a push carries the pushed record (data); a poll does not.
            return latest if given is None else _settled_as(given, latest)

        try:
            return await _push_wait.wait(poll, push_operation, max_wait)
        except (PushOperationError, PushWaitTimeoutError) as error:
            # Built from Codat's errorMessage and validation, which may echo the key.
            raise self._api.redacted(error) from None

    def get(
        self,
        *,
        company_id: str,
        push_operation_key: str,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PushOperation:
        """Blocking ``get_async``, for code without an event loop."""
        return self._blocking.run(
            "push_operations.get",
            self.get_async,
            company_id=company_id,
            push_operation_key=push_operation_key,
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
    ) -> BlockingPage[PushOperation]:
        """Blocking ``list_async``: returns the first page; ``for`` over it walks them all."""
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
            paginator, blocking=self._blocking, name="push_operations.list", prefetch=prefetch
        )

    @overload
    def wait(
        self,
        push_operation: P,
        *,
        max_wait: float | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> P: ...

    @overload
    def wait(
        self,
        push_operation: None = None,
        *,
        company_id: str,
        push_operation_key: str,
        max_wait: float | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PushOperation: ...

    def wait(
        self,
        push_operation: PushOperation | None = None,
        *,
        company_id: str | None = None,
        push_operation_key: str | None = None,
        max_wait: float | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PushOperation:
        """Blocking ``wait_async``: the calling thread waits until the push settles."""
        return self._blocking.run(
            "push_operations.wait",
            self._wait,
            push_operation,
            company_id=company_id,
            push_operation_key=push_operation_key,
            max_wait=max_wait,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
        )


def _settled_as(given: P, latest: PushOperation) -> P:
    """``given`` (a push's answer, of its own type) with every field a poll reads."""
    return attrs.evolve(
        given, **{field.name: getattr(latest, field.name) for field in attrs.fields(PushOperation)}
    )


class PushOperationsWithRawResponse:
    """``push_operations.get_async`` returning a ``RawResponse``."""

    def __init__(self, push_operations: PushOperationsResource) -> None:
        self.get_async = with_raw(push_operations.get_async)

"""The fake's push operations: Pending until their outcome is due, then Success, Failed or
TimedOut; a create or update takes effect only on Success."""

from __future__ import annotations

import math
import time
import uuid
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Literal

import attrs
from aiohttp import web

from .. import models
from .._constants import INT32_MAX
from . import _listing
from ._listing import LISTING_QUERY
from ._resource import Route
from ._responses import CodatHTTPError, bool_param, int_param, json_response, now
from ._world import Company, World

PushOperationName = Literal["get-push-operation", "list-push-operations"]
_STATUS_CODES = {"Pending": 202, "Success": 200, "Failed": 400, "TimedOut": 504}


@attrs.frozen(kw_only=True)
class PushOutcome:
    """How the fake settles a push; make it with ``success()``, ``failed()`` or ``timed_out()``.

    The push answers Pending; get-push-operation call number ``after_polls``
    (counted from 1) sees the final status, provided ``after_seconds`` have
    passed since the push (otherwise a later one does). With both 0 the push
    answer itself is final. A Success stores the pushed record.
    """

    status: Literal["Success", "Failed", "TimedOut"]
    after_polls: int = 0
    after_seconds: float = 0.0
    validation_errors: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        # Refused when made: a NaN or negative wait would never (or always) be due.
        polls = self.after_polls
        if isinstance(polls, bool) or not isinstance(polls, int) or polls < 0:
            raise ValueError(f"after_polls must be a whole number of at least 0, got {polls!r}")
        if not 0 <= self.after_seconds < math.inf:
            raise ValueError(
                f"after_seconds must be a finite number of at least 0, got {self.after_seconds!r}"
            )

    @classmethod
    def success(cls, *, after_polls: int = 0, after_seconds: float = 0.0) -> PushOutcome:
        """End Success: the pushed record appears in list and get from then on."""
        return cls(status="Success", after_polls=after_polls, after_seconds=after_seconds)

    @classmethod
    def failed(
        cls, *validation_errors: str, after_polls: int = 0, after_seconds: float = 0.0
    ) -> PushOutcome:
        """End Failed with these validation error messages; the record is not changed."""
        return cls(
            status="Failed",
            after_polls=after_polls,
            after_seconds=after_seconds,
            validation_errors=validation_errors or ("The accounting software rejected it.",),
        )

    @classmethod
    def timed_out(cls, *, after_polls: int = 0, after_seconds: float = 0.0) -> PushOutcome:
        """End TimedOut; the record is not changed."""
        return cls(status="TimedOut", after_polls=after_polls, after_seconds=after_seconds)

    @property
    def immediate(self) -> bool:
        """Whether the push answer itself carries the final status."""
        return self.after_polls == 0 and self.after_seconds == 0


# Codat's usual course: the push answers Pending, and a later look finds it done.
PENDING_THEN_SUCCESS = PushOutcome.success(after_polls=1)


@attrs.define
class _Pending:
    operation: dict[str, Any]
    outcome: PushOutcome
    on_success: Callable[[], None]
    started: float = attrs.field(factory=time.monotonic)
    polls: int = 0

    def due(self) -> bool:
        elapsed = time.monotonic() - self.started
        return self.polls >= self.outcome.after_polls and elapsed >= self.outcome.after_seconds


class PushStore:
    """A company's push operations, oldest first. Implements the listing's ``Rows``."""

    def __init__(self) -> None:
        self._operations: list[dict[str, Any]] = []
        self._by_key: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, _Pending] = {}

    def __len__(self) -> int:
        return len(self._operations)

    def record(self, position: int) -> dict[str, Any]:
        """The push operation at ``position``, without the pushed record."""
        return _without_data(self._operations[position])

    def column(self, field: str) -> Sequence[Any]:
        """``field`` of every push operation."""
        return [operation.get(field) for operation in self._operations]

    def push(
        self, operation: dict[str, Any], outcome: PushOutcome, on_success: Callable[[], None]
    ) -> dict[str, Any]:
        """Queue a Pending push (settled now if ``outcome`` is immediate); returns its JSON."""
        operation = {**operation, "status": "Pending", "statusCode": _STATUS_CODES["Pending"]}
        self._operations.append(operation)
        self._by_key[operation["pushOperationKey"]] = operation
        pending = _Pending(operation, outcome, on_success)
        if outcome.immediate:
            _settle(pending)
        else:
            self._pending[operation["pushOperationKey"]] = pending
        return operation

    def poll(self, key: str) -> dict[str, Any] | None:
        """A push operation as get-push-operation sees it; one more poll towards its outcome."""
        pending = self._pending.get(key)
        if pending is not None:
            pending.polls += 1
            if pending.due():
                _settle(pending)
                del self._pending[key]
        operation = self._by_key.get(key)
        return None if operation is None else _without_data(operation)

    def settle_due(self) -> None:
        """Settle every push whose outcome is due by time alone (no polls required)."""
        for key, pending in list(self._pending.items()):
            if pending.outcome.after_polls == 0 and pending.due():
                _settle(pending)
                del self._pending[key]


def _settle(pending: _Pending) -> None:
    outcome, operation = pending.outcome, pending.operation
    operation["status"] = outcome.status
    operation["statusCode"] = _STATUS_CODES[outcome.status]
    operation["completedOnUtc"] = now()
    if outcome.status == "Success":
        pending.on_success()
    elif outcome.status == "Failed":
        operation["errorMessage"] = "Push failed validation in the accounting software."
        record_id = (operation.get("data") or {}).get("id")
        operation["validation"] = {
            "errors": [
                {"itemId": record_id, "message": message, "validatorName": "Fake"}
                for message in outcome.validation_errors
            ],
            "warnings": [],
        }
    else:
        operation["errorMessage"] = "The push did not complete within its timeout."


def _without_data(operation: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in operation.items() if k != "data"}


PUSH_QUERY = frozenset({"timeoutInMinutes", "allowSyncOnPushComplete"})
"""The query parameters of a push that ``new_operation`` reads."""


def new_operation(
    request: web.Request,
    *,
    company_id: str,
    connection_id: str,
    data_type: str,
    change: str,
    record: dict[str, Any],
) -> dict[str, Any]:
    """A push operation's JSON for ``record``, before its status is set; checks the push's
    query parameters as Codat does."""
    timeout = int_param(request, "timeoutInMinutes", 0, minimum=-INT32_MAX - 1)
    bool_param(request, "allowSyncOnPushComplete")
    return {
        "changes": [{"type": change, "recordRef": {"id": record["id"], "dataType": data_type}}],
        "dataType": data_type,
        "companyId": company_id,
        "pushOperationKey": str(uuid.uuid4()),
        "dataConnectionKey": connection_id,
        "requestedOnUtc": now(),
        "timeoutInMinutes": timeout if timeout > 0 else None,
        "errorMessage": None,
        "validation": {"errors": [], "warnings": []},
        "data": record,
    }


class PushOperations:
    """The push operations resource: every company's pushes, and how new ones settle.

    A resource that pushes (customers) calls ``push``; its record is stored by the
    callback it passes, once the push succeeds.
    """

    def __init__(self, world: World, outcome: PushOutcome) -> None:
        self._world = world
        self._outcome = outcome
        self.next_outcomes: deque[PushOutcome] = deque()
        # By company: one added again under the same id starts empty.
        self._stores: weakref.WeakKeyDictionary[Company, PushStore] = weakref.WeakKeyDictionary()
        # Every request for a company first settles its pushes due by time alone.
        world.on_lookup.append(lambda company: self.of(company).settle_due())

    def of(self, company: Company) -> PushStore:
        """A company's push operations."""
        store = self._stores.get(company)
        if store is None:
            store = self._stores[company] = PushStore()
        return store

    def push(
        self,
        request: web.Request,
        company: Company,
        connection_id: str,
        *,
        data_type: str,
        change: str,
        record: dict[str, Any],
        on_success: Callable[[], None],
    ) -> web.Response:
        """Answer a push of ``record``: a new push operation, settled by the next queued
        outcome (else the default)."""
        operation = new_operation(
            request,
            company_id=company.id,
            connection_id=connection_id,
            data_type=data_type,
            change=change,
            record=record,
        )
        outcome = self.next_outcomes.popleft() if self.next_outcomes else self._outcome
        return json_response(self.of(company).push(operation, outcome, on_success))

    def unused(self) -> dict[str, list[Any]]:
        """Push outcomes queued for pushes that never came."""
        return {"next pushes": list(self.next_outcomes)} if self.next_outcomes else {}

    def forget_unused(self) -> None:
        """Drop the queued push outcomes."""
        self.next_outcomes.clear()

    def routes(self) -> list[Route]:
        """The push operation reads."""

        async def list_push_operations(request: web.Request) -> web.Response:
            company = self._world.company(request)
            return _listing.respond(
                request, self.of(company), service="PushApi", model=models.PushOperation
            )

        async def get_push_operation(request: web.Request) -> web.Response:
            company = self._world.company(request)
            key = request.match_info["pushOperationKey"]
            operation = self.of(company).poll(key)
            if operation is None:
                raise CodatHTTPError(404, f"Push operation {key} not found", service="PushApi")
            return json_response(operation)

        pushes = "/companies/{companyId}/push"
        return [
            Route("GET", pushes + "/{pushOperationKey}", "get-push-operation", get_push_operation),
            Route("GET", pushes, "list-push-operations", list_push_operations, LISTING_QUERY),
        ]

"""Polling a push operation until Codat settles it: capped, jittered backoff and a deadline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from . import _clock
from ._constants import (
    INT32_MAX,
    PUSH_POLL_INITIAL,
    PUSH_POLL_MAX,
    PUSH_TIMEOUT_GRACE,
    PUSH_WAIT_DEFAULT,
)
from ._retry import backoff
from .errors import PushOperationFailedError, PushOperationTimedOutError, PushWaitTimeoutError
from .models import PushOperation, PushOperationStatus

_TERMINAL = frozenset(
    {PushOperationStatus.SUCCESS, PushOperationStatus.FAILED, PushOperationStatus.TIMED_OUT}
)


def default_max_wait(push_operation: PushOperation | None) -> float:
    """The push's own timeout plus a grace minute, or PUSH_WAIT_DEFAULT when it has none."""
    minutes = push_operation.timeout_in_minutes if push_operation is not None else None
    if not minutes or minutes < 0:
        return PUSH_WAIT_DEFAULT
    # A timeoutInMinutes past Codat's int32 (a server's mistake) is read as the largest.
    return min(minutes, INT32_MAX) * 60.0 + PUSH_TIMEOUT_GRACE


async def wait(
    poll: Callable[[], Awaitable[PushOperation]],
    latest: PushOperation | None,
    max_wait: float | None,
) -> PushOperation:
    """Poll until ``latest`` is terminal; return it on Success, raise on Failed or TimedOut.

    Any status outside Success, Failed and TimedOut (Pending, or one Codat adds
    later) means "not yet". Polls are GETs, retried by the transport as usual.
    """
    started = _clock.monotonic()
    if latest is None:
        latest = await poll()
    attempt = 0
    while latest.status not in _TERMINAL:
        limit = default_max_wait(latest) if max_wait is None else max_wait
        waited = _clock.monotonic() - started
        if waited >= limit:
            raise PushWaitTimeoutError(
                f"push operation {latest.push_operation_key} is still {latest.status.value} "
                f"after waiting {waited:.0f}s; it may still complete",
                push_operation=latest,
            )
        attempt += 1
        # Equal jitter: never under half the step, so polls spread without hammering early.
        pause = backoff(attempt, initial=PUSH_POLL_INITIAL, cap=PUSH_POLL_MAX, floor_half=True)
        await _clock.sleep(min(pause, limit - waited))
        latest = await poll()
    return _settled(latest)


def _settled(push_operation: PushOperation) -> PushOperation:
    status = push_operation.status
    if status is PushOperationStatus.SUCCESS:
        return push_operation
    what = f"push operation {push_operation.push_operation_key}"
    if push_operation.data_type is not None:
        what += f" ({push_operation.data_type.value})"
    details = [push_operation.error_message or "no error message"]
    validation = push_operation.validation
    for item in (validation.errors or []) if validation is not None else []:
        where = f" [{item.item_id}]" if item.item_id else ""
        details.append(f"{item.validator_name or 'validation'}{where}: {item.message}")
    message = f"{what} ended {status.value}: " + "; ".join(details)
    if status is PushOperationStatus.FAILED:
        raise PushOperationFailedError(message, push_operation=push_operation)
    raise PushOperationTimedOutError(message, push_operation=push_operation)

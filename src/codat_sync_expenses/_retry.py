"""When a request may be tried again and how long to wait first: the SDK's one retry policy.

Pure functions of a request's outcome and an attempt number, so the policy is
tested without a socket (tests/test_retry_policy.py), as stamina's and
openai-python's are. The transport asks it after each attempt; ``wait_async``
uses its backoff between polls.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping

import attrs

from ._constants import BACKOFF_INITIAL, BACKOFF_MAX, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_WAIT

__all__ = [
    "RETRY_STATUSES_IDEMPOTENT",
    "RETRY_STATUSES_UNPROCESSED",
    "RetryPolicy",
    "backoff",
    "may_retry",
    "retry_after_seconds",
]

# Statuses worth another try for a request that may safely run twice (GET).
RETRY_STATUSES_IDEMPOTENT = frozenset({429, 500, 502, 503, 504})
# Statuses that prove a push was not processed, so it may be sent again.
RETRY_STATUSES_UNPROCESSED = frozenset({429, 503})
# Backoff doubles at most this often: the cap is reached long before, and a float
# power of 2 overflows past 1,023 doublings (a call with a huge max_retries, or
# poll 1,025 of a day-long push).
MAX_DOUBLINGS = 32


@attrs.frozen
class RetryPolicy:
    """A client's retry policy: which outcomes are tried again, after how long, and the
    budget of retries and seconds of waiting one call may spend."""

    max_retries: int = DEFAULT_MAX_RETRIES
    max_wait: float = DEFAULT_MAX_RETRY_WAIT

    def wait_before_retry(
        self,
        attempt: int,
        waited: float,
        *,
        idempotent: bool,
        status: int | None,
        retry_after: float | None,
        request_sent: bool,
        certificate_failed: bool,
        max_retries: int | None = None,
    ) -> float | None:
        """Seconds to wait before trying attempt ``attempt`` again, or None to give up.

        ``waited``: seconds the call already waited for earlier retries; ``status``:
        the answer's (None without one); ``retry_after``: its ``Retry-After`` in
        seconds (``retry_after_seconds``). The wait is that if the server sent one,
        else ``backoff``; a wait past what is left of ``max_wait`` ends the call
        rather than being cut short.
        """
        if not may_retry(
            idempotent=idempotent,
            status=status,
            request_sent=request_sent,
            certificate_failed=certificate_failed,
        ):
            return None
        if attempt > (self.max_retries if max_retries is None else max_retries):
            return None
        wait = backoff(attempt) if retry_after is None else retry_after
        return wait if waited + wait <= self.max_wait else None


def may_retry(
    *, idempotent: bool, status: int | None, request_sent: bool, certificate_failed: bool
) -> bool:
    """Whether an attempt may be made again: an answered one by its ``status`` (None:
    no answer), an unanswered one only if running it twice can do no harm or it was
    never sent. A certificate that did not verify will not verify next time either."""
    if status is not None:
        statuses = RETRY_STATUSES_IDEMPOTENT if idempotent else RETRY_STATUSES_UNPROCESSED
        return status in statuses
    return (idempotent or not request_sent) and not certificate_failed


def backoff(
    attempt: int,
    *,
    initial: float = BACKOFF_INITIAL,
    cap: float = BACKOFF_MAX,
    floor_half: bool = False,
) -> float:
    """Seconds before attempt ``attempt + 1``: exponential from ``initial``, capped at
    ``cap``, with full jitter (anywhere from 0) or, with ``floor_half``, equal jitter
    (never under half the step, so polls spread out without hammering early)."""
    step = min(cap, initial * 2.0 ** min(attempt - 1, MAX_DOUBLINGS))
    low = step / 2 if floor_half else 0.0
    return random.uniform(low, step)  # noqa: S311 - jitter, not security


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Parse ``Retry-After`` as seconds or an HTTP date; None when absent or unreadable."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())

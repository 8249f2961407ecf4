"""The retry policy on its own: what may run again and how long to wait, without a socket."""

from __future__ import annotations

import email.utils
import math
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codat_sync_expenses._retry import RetryPolicy, backoff, may_retry, retry_after_seconds


@pytest.mark.parametrize(
    ("idempotent", "status", "sent", "certificate", "expected"),
    [
        (True, 503, True, False, True),  # a read: any transient status
        (True, 500, True, False, True),
        (True, 404, True, False, False),  # not transient
        (False, 503, True, False, True),  # a push: only statuses that prove it unprocessed
        (False, 429, True, False, True),
        (False, 500, True, False, False),  # may have happened
        (False, 502, True, False, False),
        (True, None, True, False, True),  # a read with no answer
        (False, None, True, False, False),  # a push sent with no answer: may have happened
        (False, None, False, False, True),  # a push never sent
        (True, None, False, True, False),  # a certificate that failed fails again
    ],
)
def test_what_may_run_again(
    idempotent: bool, status: int | None, sent: bool, certificate: bool, expected: bool
) -> None:
    assert (
        may_retry(
            idempotent=idempotent, status=status, request_sent=sent, certificate_failed=certificate
        )
        is expected
    )


@given(attempt=st.integers(min_value=1, max_value=100_000))
def test_backoff_is_full_jitter_up_to_the_cap_and_never_overflows(attempt: int) -> None:
    step = min(8.0, 0.5 * 2.0 ** min(attempt - 1, 32))
    assert 0.0 <= backoff(attempt) <= step
    polled = backoff(attempt, initial=1.0, cap=30.0, floor_half=True)
    poll_step = min(30.0, 2.0 ** min(attempt - 1, 32))
    assert poll_step / 2 <= polled <= poll_step
    assert math.isfinite(polled)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        ("0.25", 0.25),
        ("-3", 0.0),  # never a negative wait
        ("Wed, 21 Oct 2015 07:28:00", None),  # a date without a zone is not one
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_as_seconds_or_an_http_date(value: str | None, expected: float | None) -> None:
    headers = {} if value is None else {"Retry-After": value}
    assert retry_after_seconds(headers) == expected


def test_retry_after_as_an_http_date_counts_from_now() -> None:
    # An HTTP date has whole seconds: 42 s ahead reads as 41 to 42 s, whenever it runs.
    ahead = retry_after_seconds(
        {"Retry-After": email.utils.formatdate(time.time() + 42, usegmt=True)}
    )
    assert ahead is not None
    assert 40.5 <= ahead <= 42.0  # half a second for the test itself to run
    past = email.utils.formatdate(time.time() - 42, usegmt=True)
    assert retry_after_seconds({"Retry-After": past}) == 0.0


POLICY = RetryPolicy(max_retries=2, max_wait=10.0)


def _wait(
    attempt: int = 1,
    waited: float = 0.0,
    *,
    status: int | None = 503,
    retry_after: float | None = None,
    max_retries: int | None = None,
) -> float | None:
    return POLICY.wait_before_retry(
        attempt,
        waited,
        idempotent=True,
        status=status,
        retry_after=retry_after,
        request_sent=True,
        certificate_failed=False,
        max_retries=max_retries,
    )


def test_the_server_s_retry_after_is_the_wait_while_the_budget_holds_it() -> None:
    assert _wait(retry_after=4.0) == 4.0
    assert _wait(waited=6.0, retry_after=4.0) == 4.0  # 10 s in all: still within max_wait
    assert _wait(waited=6.5, retry_after=4.0) is None  # never cut short: the call ends


def test_retries_stop_after_max_retries_unless_the_call_sets_its_own() -> None:
    assert _wait(attempt=2) is not None
    assert _wait(attempt=3) is None
    assert _wait(attempt=3, max_retries=5) is not None
    assert _wait(attempt=1, max_retries=0) is None


def test_what_is_not_retried_gets_no_wait() -> None:
    assert _wait(status=404) is None
    unanswered = _wait(status=None)  # no answer: backoff, whose first step is 0.5 s
    assert unanswered is not None
    assert 0.0 <= unanswered <= 0.5

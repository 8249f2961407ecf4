"""Every default the SDK uses, in one place."""

from __future__ import annotations

DEFAULT_BASE_URL = "https://api.codat.io"
DEFAULT_TIMEOUT = 60.0
"""Seconds one attempt may take, waiting for a free connection included."""
DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds the TCP and TLS connect of one attempt may take."""
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RETRY_WAIT = 30.0
"""Seconds of backoff summed over a call's retries."""
DEFAULT_MAX_RESPONSE_BYTES = 100 * 1024 * 1024
"""The largest decoded body the SDK buffers."""
DEFAULT_MAX_CONNECTIONS = 100
"""Requests in flight at once over the client's own session (aiohttp's default pool size)."""
PUSH_IDLE_REUSE = 1.0
"""Seconds a pooled connection may have been idle and still carry a push: half of the
shortest keep-alive timeout common servers use (gunicorn's 2 s; uvicorn and Node 5 s, load
balancers 60 s and more), so the server is not closing it as the push arrives."""
FRESH_PUSHES_AFTER_LOSS = 600.0
"""Seconds pushes go back to a fresh connection each after one was lost on a reused one."""
INT32_MAX = 2**31 - 1
"""The largest value of Codat's integer parameters (int32)."""
MAX_PAGE_SIZE = 5000
"""The largest ``pageSize`` Codat's list operations take."""
BACKOFF_INITIAL = 0.5
"""Seconds of the first retry's backoff step; each next one doubles it."""
BACKOFF_MAX = 8.0
"""The largest backoff step between two retries, in seconds."""
PUSH_POLL_INITIAL = 1.0
"""Seconds of the first step between two polls of ``wait_async``; each next one doubles it."""
PUSH_POLL_MAX = 30.0
"""The largest step between two polls of ``wait_async``, in seconds."""
PUSH_WAIT_DEFAULT = 15 * 60.0
"""Seconds ``wait_async`` waits for a push that has no ``timeoutInMinutes`` (our choice)."""
PUSH_TIMEOUT_GRACE = 60.0
"""Seconds ``wait_async`` waits past a push's own timeout, so Codat's TimedOut arrives first."""
SLICE_FROM_BYTES = 256 * 1024
"""Bodies from this size are built into models in slices (a 100-customer page is ~80 KB)."""
SLICE_SECONDS = 0.005
"""Seconds of building after which the event loop gets a turn."""
CLOCK_EVERY = 32
"""Items built between two looks at the clock."""
BODY_EXCERPT_CHARS = 500
"""How much of an unexpected body an error keeps."""
MIN_REQUEST_TIME = 0.1
"""Seconds an attempt needs once it holds a company slot: a waiter stops waiting that long
before its deadline (half its timeout when shorter), since a request sent with less would
time out on the client while the server still works on it, and free the slot early."""
REDIS_LEASE = 10.0
"""Seconds a confirmed Redis slot outlives a worker that stopped renewing it."""
REDIS_TIMEOUT = 5.0
"""Seconds for connecting to Redis, and for each command, before Redis counts as unreachable."""
REDIS_RETRY_AFTER = 0.25
"""While Redis is unreachable, seconds (``redis_timeout`` at most) between two pings, in the
background, to find it back: the processes that still keep to their share meanwhile add to
those that share Redis again."""

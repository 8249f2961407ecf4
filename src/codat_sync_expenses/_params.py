"""Checks on call arguments, run before anything is sent, and their wire encoding."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TypeVar
from urllib.parse import quote

T = TypeVar("T")

MAX_SECONDS = 7 * 24 * 3600.0
"""The longest duration any argument may ask for (a week): longer is a mistake, not a wait."""
MAX_RETRIES = 1000
"""The most retries a call may ask for; ``max_retry_wait`` bounds their waits anyway."""
MAX_BYTES = 2**40
"""The largest body size limit (1 TiB); zlib's output limit must fit a C size."""
MAX_CONNECTIONS = 100_000
"""The most connections, or requests in flight per company, a client may ask for."""


def path_segment(name: str, value: object) -> str:
    """Percent-encode an id as exactly one path segment (``/ ? # %`` and dot-segments too)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty id")
    return _encoded(value)


@functools.lru_cache(maxsize=4096)
def _encoded(value: str) -> str:
    # Ids repeat across calls (a company's id on every one), so encode each once.
    if value.strip(".") == "":
        # "." and ".." would be resolved away by URL normalisation.
        return "%2E" * len(value)
    return quote(value, safe="")


def instance_of(name: str, value: object, cls: type[T]) -> T:
    """Return ``value`` if it is a ``cls``; otherwise a TypeError naming the argument."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__}, not {type(value).__name__}")
    return value


def integer(name: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    """Return an int argument, checked to be within its range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
        raise ValueError(f"{name} must be {bounds}, got {value}")
    return value


def boolean(name: str, value: object) -> bool:
    """Return a bool argument, checked to be one."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return value


def query_bool(value: bool) -> str:
    """A bool as Codat's query strings write it."""
    return "true" if value else "false"


def text(name: str, value: object) -> str:
    """Check a str argument (sent as a query value, encoded by the transport)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


def seconds(name: str, value: object, *, positive: bool = True) -> float:
    """Check a duration: above zero (or at least zero when not ``positive``), at most
    MAX_SECONDS, never NaN or infinite (asyncio's and aiohttp's timers overflow on those)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not (value > 0 if positive else value >= 0) or not value <= MAX_SECONDS:
        bound = "a positive number" if positive else "at least 0"
        raise ValueError(
            f"{name} must be {bound} of seconds, at most {MAX_SECONDS:.0f}, got {value!r}"
        )
    return float(value)


def retry_options(*, timeout: object, max_retries: object) -> None:
    """Check the per-call ``timeout`` and ``max_retries`` overrides, when given."""
    if timeout is not None:
        seconds("timeout", timeout)
    if max_retries is not None:
        integer("max_retries", max_retries, minimum=0, maximum=MAX_RETRIES)


# Headers the SDK owns: replacing them per call would break auth, framing or retries.
_OWN_HEADERS = frozenset(
    {"authorization", "content-type", "content-length", "host", "transfer-encoding", "connection"}
)
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def headers(name: str, value: object) -> dict[str, str] | None:
    """Check per-call headers: a mapping of str to str, names HTTP tokens, no line breaks,
    and none of the headers the SDK sets itself (Authorization, Content-Type...)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping of str to str, not {type(value).__name__}")
    checked = {}
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise TypeError(f"{name} must map str to str, got {key!r}: {type(item).__name__}")
        if not _TOKEN.fullmatch(key):
            raise ValueError(f"{name}: {key!r} is not a valid header name")
        if key.lower() in _OWN_HEADERS:
            raise ValueError(f"{name}: the SDK sets {key} itself")
        if any(c in item for c in "\r\n\x00"):
            raise ValueError(f"{name}: the value of {key} holds a line break or NUL")
        checked[key] = item
    return checked

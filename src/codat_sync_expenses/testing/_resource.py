"""What a resource hands the fake's harness: its routes, and what it holds unused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import attrs
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.Response]]


@attrs.frozen
class Route:
    """One operation: its method, path template, Codat's operation id and handler.

    ``query`` names the query parameters the handler reads: the drift test fails
    when the document gives the operation one the fake would ignore.
    """

    method: str
    path: str
    operation: str
    handler: Handler
    query: frozenset[str] = frozenset()


class Resource(Protocol):
    """A part of Codat the fake serves (customers, push operations)."""

    def routes(self) -> list[Route]:
        """Its operations."""

    def unused(self) -> Mapping[str, list[Any]]:
        """What a test queued that never came into play; the fake raises if any."""

    def forget_unused(self) -> None:
        """Drop what was queued (the test failed for another reason)."""

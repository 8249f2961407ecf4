"""Asyncio SDK for the customers of Codat's Sync for Expenses API.

``CodatSyncExpenses`` is the client; ``models`` holds the generated attrs
classes; ``errors`` the typed errors; ``limits`` the per-company concurrency
limit; ``serialization`` models to Codat-shaped JSON and back; ``testing`` a fake
Codat server.

Names are imported on first use: pytest loads the SDK's plugin in every project
that installs it, and a test run that never uses it should not import aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _lazy
from ._version import __version__

if TYPE_CHECKING:
    from . import errors, limits, models, serialization
    from ._blocking_page import BlockingPage
    from ._client import CodatSyncExpenses
    from ._pagination import AsyncPaginator, Page
    from ._raw import RawResponse

__all__ = [
    "AsyncPaginator",
    "BlockingPage",
    "CodatSyncExpenses",
    "Page",
    "RawResponse",
    "__version__",
    "errors",
    "limits",
    "models",
    "serialization",
]

# Public name -> the module that defines it (a module's own name: the module itself).
_HOMES = {
    "AsyncPaginator": "._pagination",
    "BlockingPage": "._blocking_page",
    "CodatSyncExpenses": "._client",
    "Page": "._pagination",
    "RawResponse": "._raw",
    "errors": ".errors",
    "limits": ".limits",
    "models": ".models",
    "serialization": ".serialization",
}


__getattr__ = _lazy.loader(__name__, _HOMES)


def __dir__() -> list[str]:
    return sorted(__all__)

"""Asyncio SDK for the customers of Codat's Sync for Expenses API.

``CodatSyncExpenses`` is the client; ``models`` holds the generated attrs
classes; ``errors`` the typed errors; ``limits`` the per-company concurrency
limit; ``serialization`` models to Codat-shaped JSON and back; ``testing`` a fake
Codat server.
"""

from . import errors, limits, models, serialization
from ._blocking_page import BlockingPage
from ._client import CodatSyncExpenses
from ._pagination import AsyncPaginator, Page
from ._version import __version__

__all__ = [
    "AsyncPaginator",
    "BlockingPage",
    "CodatSyncExpenses",
    "Page",
    "__version__",
    "errors",
    "limits",
    "models",
    "serialization",
]

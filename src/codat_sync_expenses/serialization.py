"""Models to Codat-shaped JSON and back, with the very converter the SDK sends and reads with.

Codat's JSON uses its own field names (``customerName``, ``_links``), enum
values and date forms; ``attrs.asdict`` gives the Python names instead. Use
these to return SDK models from a web endpoint, store them, or read them back::

    return Response(serialization.to_json(customer), media_type="application/json")
    customer = serialization.from_json(body, Customer)

Fields that are None are left out, as the SDK leaves them out of what it sends.
"""

from __future__ import annotations

from typing import Any, TypeVar

from . import _converter
from ._converter import DecodeError

__all__ = ["DecodeError", "from_dict", "from_json", "to_dict", "to_json"]

T = TypeVar("T")


def to_dict(value: Any) -> Any:
    """A model (or a list or dict of them) as JSON-ready data with Codat's field names."""
    return _converter.unstructure(value)


def to_json(value: Any) -> bytes:
    """A model (or a list or dict of them) as compact UTF-8 JSON, as the SDK would send it."""
    return _converter.dumps(value)


def from_dict(data: Any, cls: type[T]) -> T:
    """Build ``cls`` from Codat-shaped decoded JSON; ``DecodeError`` names every misfit."""
    return _converter.structure(data, cls)


def from_json(data: bytes | str, cls: type[T]) -> T:
    """Build ``cls`` from a Codat-shaped JSON document; ``DecodeError`` if it is not JSON or
    does not fit."""
    return _converter.loads(data.encode() if isinstance(data, str) else data, cls)

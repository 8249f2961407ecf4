"""Response bodies into models, fast, with the cattrs converter as the reference.

The generated builders (``_fast_mirror`` over msgspec when it is installed,
``_fast_dicts`` otherwise) either return exactly what ``_converter.loads``
returns for the same body or raise; then the body is decoded again by the
converter, which owns every error message and its JSON path. So a user sees
the same objects and the same errors whichever path ran.

``loads_async`` builds a big page in slices and lets the event loop run
between them, so that other tasks never wait long behind one page.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar, cast

from . import _converter

__all__ = ["loads", "loads_async"]

T = TypeVar("T")
Sliced = tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any, Any], Any]]

# Bodies smaller than this are built in one go (a 100-customer page is ~80 KB).
SLICE_FROM_BYTES = 256 * 1024
# Let the loop run after building for about this long.
SLICE_SECONDS = 0.005
# Items built between two looks at the clock.
CLOCK_EVERY = 32


@functools.cache
def _builders() -> tuple[ModuleType | None, ModuleType]:
    """The generated modules, imported on first use: ``import codat_sync_expenses`` stays quick."""
    from . import _fast_dicts

    try:
        from . import _fast_mirror
    except ImportError:  # pragma: no cover - exercised by the no-extras test session
        return None, _fast_dicts
    return _fast_mirror, _fast_dicts


def loads(body: bytes, cls: type[T]) -> T:
    """Decode a JSON body into ``cls``: what ``_converter.loads`` gives, only faster."""
    _fast_mirror, _fast_dicts = _builders()
    if _fast_mirror is not None:
        decode = _fast_mirror.DECODERS.get(cls)
        if decode is not None:
            try:
                return cast(T, decode(body))
            except Exception:  # noqa: S110 - any misfit: the paths below decide
                pass
    data = _converter.decode_json(body)
    build = _fast_dicts.BUILDERS.get(cls)
    if build is not None:
        try:
            return cast(T, build(data))
        except Exception:  # noqa: S110 - any misfit: the converter decides, and explains
            pass
    return _converter.structure(data, cls)


async def loads_async(body: bytes, cls: type[T]) -> T:
    """Like ``loads``, but a big page is built in slices that yield to the event loop."""
    if len(body) < SLICE_FROM_BYTES:
        return loads(body, cls)
    _fast_mirror, _fast_dicts = _builders()
    if _fast_mirror is not None and cls in _fast_mirror.SLICED:
        try:
            return cast(T, await build_in_slices(body, _fast_mirror.SLICED[cls]))
        except Exception:  # noqa: S110 - any misfit: the paths below decide
            pass
    data = _converter.decode_json(body)
    if cls in _fast_dicts.SLICED:
        try:
            return cast(T, await build_in_slices(data, _fast_dicts.SLICED[cls]))
        except Exception:  # noqa: S110 - any misfit: the converter decides, and explains
            pass
    return _converter.structure(data, cls)


async def build_in_slices(source: Any, sliced: Sliced, seconds: float = SLICE_SECONDS) -> Any:
    """Build a page's items a slice at a time, yielding to the loop after ``seconds`` of work."""
    split, build_item, build_whole = sliced
    whole, raw_items = split(source)
    if raw_items is None:
        return build_whole(whole, None)
    if type(raw_items) is not list:
        raise TypeError("items are not a list")
    items = []
    due = time.perf_counter() + seconds
    for start in range(0, len(raw_items), CLOCK_EVERY):
        items += [build_item(raw) for raw in raw_items[start : start + CLOCK_EVERY]]
        if time.perf_counter() >= due:
            await asyncio.sleep(0)
            due = time.perf_counter() + seconds
    return build_whole(whole, items)

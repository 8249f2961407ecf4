"""Response bodies into models, fast, with the cattrs converter as the reference.

One decision per install: the msgspec mirror (``_fast_mirror``) with the
``speed`` extra, straight-line builders from decoded dicts (``_fast_dicts``)
without it. Both are generated, and either return exactly what
``_converter.loads`` returns for the same body or raise an error that says the
body does not fit the fast path (a value of another type or form, a missing
required field, a number msgspec bounds). Only then is the body decoded again
by the converter, which owns every error message and its JSON path, and a DEBUG
line counts it in ``MISFITS``. Any other exception from generated code is a bug
and propagates. The dict builders stay because a plain install (no extras) gets
them: a 1,000-customer page took 13.2 us per customer through them, ``json.loads``
included, against 21.4 us through cattrs (Python 3.12, 2026-12-04;
the ``converter`` contender of ``benchmarks/worker.py`` times each path).

``loads_async`` builds a big page in slices and lets the event loop run
between them, so that other tasks never wait long behind one page.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar, cast

from . import _converter
from ._constants import CLOCK_EVERY, SLICE_FROM_BYTES, SLICE_SECONDS

__all__ = ["MISFITS", "loads", "loads_async"]

_log = logging.getLogger("codat_sync_expenses")
# Bodies the fast path handed to the converter, by model class name (also in the DEBUG log).
MISFITS: collections.Counter[str] = collections.Counter()

T = TypeVar("T")
Sliced = tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any, Any], Any]]


@functools.cache
def _builders() -> tuple[ModuleType | None, ModuleType, tuple[type[BaseException], ...]]:
    """The generated modules and what they raise on a body that does not fit, imported on
    first use: ``import codat_sync_expenses`` stays quick."""
    from . import _fast_dicts

    # MisfitError: a converter hook refused a value; KeyError: a required field is
    # missing; TypeError: a value of another type (an array where an object goes,
    # an unhashable enum value); msgspec.DecodeError: the mirror's own refusals.
    misfit: tuple[type[BaseException], ...] = (_converter.MisfitError, KeyError, TypeError)
    try:
        import msgspec

        from . import _fast_mirror
    except ImportError:  # pragma: no cover - exercised by the no-extras test session
        return None, _fast_dicts, misfit
    return _fast_mirror, _fast_dicts, (*misfit, msgspec.DecodeError)


def _misfit(cls: type, exc: BaseException) -> None:
    MISFITS[cls.__name__] += 1
    _log.debug(
        "a %s body did not fit the fast decoder (%s), so the converter decoded it (%d so far)",
        cls.__name__,
        type(exc).__name__,
        MISFITS[cls.__name__],
    )


def loads(body: bytes, cls: type[T]) -> T:
    """Decode a JSON body into ``cls``: what ``_converter.loads`` gives, only faster."""
    fast_mirror, fast_dicts, misfit = _builders()
    if fast_mirror is not None:
        decode = fast_mirror.DECODERS.get(cls)
        if decode is not None:
            try:
                return cast(T, decode(body))
            except misfit as exc:
                _misfit(cls, exc)
            return _converter.loads(body, cls)
    data = _converter.decode_json(body)
    build = fast_dicts.BUILDERS.get(cls)
    if build is not None:
        try:
            return cast(T, build(data))
        except misfit as exc:
            _misfit(cls, exc)
    return _converter.structure(data, cls)


async def loads_async(body: bytes, cls: type[T]) -> T:
    """Like ``loads``, but a big page is built in slices that yield to the event loop."""
    if len(body) < SLICE_FROM_BYTES:
        return loads(body, cls)
    fast_mirror, fast_dicts, misfit = _builders()
    if fast_mirror is not None and cls in fast_mirror.SLICED:
        try:
            return cast(T, await build_in_slices(body, fast_mirror.SLICED[cls]))
        except misfit as exc:
            _misfit(cls, exc)
        return _converter.loads(body, cls)
    data = _converter.decode_json(body)
    if cls in fast_dicts.SLICED:
        try:
            return cast(T, await build_in_slices(data, fast_dicts.SLICED[cls]))
        except misfit as exc:
            _misfit(cls, exc)
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

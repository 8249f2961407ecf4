"""The one place where Codat's JSON meets the generated attrs models.

Hooks are built once per class on first use and cached by cattrs, so a request
pays only for running them. Field names come from each attribute's
``metadata["json"]`` (written by the code generator); nothing here lists fields.
"""

from __future__ import annotations

import enum
import functools
import json
import math
import re
import types
import typing
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

try:
    import orjson
except ImportError:  # pragma: no cover - exercised by the no-extras test session
    orjson = None  # type: ignore[assignment]

__all__ = [
    "DecodeError",
    "MisfitError",
    "decode_json",
    "dumps",
    "format_datetime",
    "loads",
    "parse_datetime",
    "structure",
    "structure_hook",
    "unstructure",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

_FRACTION = re.compile(r"\.(\d+)")


class DecodeError(ValueError):
    """A body that is not JSON, or JSON that does not fit the expected model."""


def parse_datetime(value: str) -> datetime:
    """Parse every ISO 8601 form Codat sends: ``Z``, offsets, no zone, 1-7 digit fractions.

    A value without a zone stays naive: Codat documents it as local to the business.
    """
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        # Python 3.10 accepts neither "Z" nor fractions other than 3 or 6 digits.
        normalised = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        normalised = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), normalised, 1)
        return datetime.fromisoformat(normalised)


def format_datetime(value: datetime) -> str:
    """Write a datetime the way Codat does: ``Z`` for UTC, no zone for naive values.

    Fractions are written to the millisecond when that loses nothing, so
    ``...51.027Z`` from Codat goes back out unchanged.
    """
    offset = value.utcoffset()
    if value.microsecond == 0:
        timespec = "seconds"
    elif value.microsecond % 1000 == 0:
        timespec = "milliseconds"
    else:
        timespec = "microseconds"
    text = value.replace(tzinfo=None).isoformat(timespec=timespec)
    if offset is None:
        return text
    if offset == timedelta(0):
        return text + "Z"
    return value.isoformat(timespec=timespec)


def unlisted_member(cls: type[E], value: str) -> E:
    """A value Codat added to a str enum after this SDK was generated, as a member of ``cls``.

    It equals and hashes like its string (and like itself after ``pickle`` or
    ``copy.deepcopy``), is an instance of ``cls``, and is not one of ``list(cls)``.
    """
    member: Any = str.__new__(cast(Any, cls), value)
    member._name_ = value
    member._value_ = value
    # Enum pickles a member as cls(value), which refuses an unlisted value; this
    # instance attribute is what pickle looks up first.
    member.__reduce_ex__ = lambda _protocol: (unlisted_member, (cls, value))
    return cast(E, member)


def _is_enum(type_: Any) -> bool:
    return isinstance(type_, type) and issubclass(type_, enum.Enum)


@functools.cache
def _enum_hook(cls: type[enum.Enum]) -> Callable[[Any, Any], enum.Enum]:
    members = {member.value: member for member in cls}
    keeps_unlisted = issubclass(cls, str)

    def structure_enum(value: Any, _: Any) -> enum.Enum:
        member = members.get(value)
        if member is not None:
            return member
        if not (keeps_unlisted and isinstance(value, str)):
            raise ValueError(f"{value!r} is not a valid {cls.__name__}")
        # Codat adds enum values over time; keep the raw string as an unlisted
        # member of the right class instead of failing the whole record.
        return unlisted_member(cls, value)

    return structure_enum


# What each primitive field accepts from JSON. cattrs' own hooks call str(),
# int(), ... on anything, so an object where a string belongs would silently
# become "{'a': 1}". Numbers are still accepted for strings (a numeric id).
_ACCEPTED: dict[type, tuple[type, ...]] = {
    str: (str, int, float),
    int: (int,),
    float: (int, float),
    bool: (bool,),
}


def _primitive_hook(kind: type) -> Callable[[Any, Any], Any]:
    accepted = _ACCEPTED[kind]

    def structure_strictly(value: Any, cls: Any) -> Any:
        if cls is not kind and _is_enum(cls):
            # cattrs dispatches a (str, Enum) class to str's hook before any
            # predicate is asked, so enums are recognised here as well.
            return _enum_hook(cls)(value, cls)
        if isinstance(value, accepted) and (kind is bool or not isinstance(value, bool)):
            return kind(value)
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")

    return structure_strictly


def _is_optional(type_: Any) -> bool:
    args = typing.get_args(type_)
    return (
        typing.get_origin(type_) in (typing.Union, types.UnionType)
        and len(args) == 2
        and type(None) in args
    )


def _optional_hook(converter: cattrs.Converter, optional: Any) -> Callable[[Any, Any], Any]:
    # cattrs' own Optional hook dispatches on the inner type for every value;
    # this one resolves it once. Values already of a primitive type pass through.
    (inner,) = (arg for arg in typing.get_args(optional) if arg is not type(None))
    inner_hook = converter.get_structure_hook(inner)
    if inner in _ACCEPTED:

        def structure_primitive(value: Any, _: Any) -> Any:
            if value is None or type(value) is inner:
                return value
            return inner_hook(value, inner)

        return structure_primitive

    def structure_optional(value: Any, _: Any) -> Any:
        return None if value is None else inner_hook(value, inner)

    return structure_optional


def _json_name(attribute: attrs.Attribute[Any]) -> str:
    return attribute.metadata.get("json", attribute.name)  # type: ignore[no-any-return]


def _renames(cls: type[Any]) -> dict[str, Any]:
    return {
        a.name: override(rename=_json_name(a)) for a in attrs.fields(cls) if _json_name(a) != a.name
    }


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=False)
    converter.register_structure_hook(datetime, lambda value, _: parse_datetime(value))
    converter.register_unstructure_hook(datetime, format_datetime)
    for kind in _ACCEPTED:
        converter.register_structure_hook(kind, _primitive_hook(kind))
    # Any enum, wherever its class lives (str-valued ones also reach the str hook above).
    converter.register_structure_hook_factory(_is_enum, _enum_hook)
    converter.register_structure_hook_factory(
        attrs.has, lambda cls: make_dict_structure_fn(cls, converter, **_renames(cls))
    )
    converter.register_structure_hook_factory(
        _is_optional, lambda optional: _optional_hook(converter, optional)
    )
    converter.register_unstructure_hook_factory(
        attrs.has,
        lambda cls: make_dict_unstructure_fn(
            cls, converter, _cattrs_omit_if_default=True, **_renames(cls)
        ),
    )
    return converter


_converter = _make_converter()


def structure(data: Any, cls: type[T]) -> T:
    """Build ``cls`` from decoded JSON; raise DecodeError naming every misfit and its path."""
    try:
        return _converter.structure(data, cls)
    except cattrs.BaseValidationError as exc:
        problems = "; ".join(cattrs.transform_error(exc))
        raise DecodeError(f"response does not fit {cls.__name__}: {problems}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise DecodeError(f"response does not fit {cls.__name__}: {exc}") from None


class MisfitError(Exception):
    """A value the generated fast decoders hand back to the converter, which explains it."""


def structure_hook(type_: Any) -> Callable[[Any, Any], Any]:
    """The converter's hook for ``type_``, for the generated fast decoders to defer to.

    Whatever it raises (cattrs raises AttributeError for a dict that is not one)
    becomes ``MisfitError``, so that an error in generated code is never mistaken for
    a body that does not fit.
    """
    hook = _converter.get_structure_hook(type_)

    def fast_path_hook(value: Any, type_: Any) -> Any:
        try:
            return hook(value, type_)
        except Exception as exc:
            raise MisfitError(type(exc).__name__) from exc

    return fast_path_hook


def unstructure(obj: Any) -> Any:
    """Turn a model into JSON-ready data with Codat's field names; None fields are left out."""
    return _converter.unstructure(obj)


if orjson is not None:
    _dumps = orjson.dumps
else:  # pragma: no cover - exercised by the no-extras test session

    def _dumps(obj: Any) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


# A lone surrogate escape (\ud800 without its pair) that json.loads would accept.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


# Made once: json.loads with options builds a decoder on every call.
_STRICT = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite)


def _stdlib_loads(body: bytes) -> Any:
    # Strict as msgspec is: no NaN or Infinity, no number that overflows to
    # infinity, no lone surrogate (they would decode, then fail to encode).
    # Decoded from bytes as json.loads does it.
    data = _STRICT.decode(body.decode(json.detect_encoding(body), "surrogatepass"))
    if _SURROGATE_ESCAPE.search(body):
        try:
            json.dumps(data, ensure_ascii=False).encode()
        except UnicodeEncodeError:
            raise ValueError("a string holds a lone surrogate") from None
    return data


@functools.cache
def _reader() -> tuple[Callable[[bytes], Any], tuple[type[Exception], ...]]:
    """The JSON reader and what it raises, imported on first use (msgspec takes 30 ms).

    msgspec keeps every digit of a big integer (orjson makes it a float, and a
    24-digit id in a string field would read '1.2345678901234569e+23').
    """
    try:
        import msgspec
    except ImportError:  # pragma: no cover - exercised by the no-extras test session
        return _stdlib_loads, (json.JSONDecodeError, UnicodeDecodeError)
    return msgspec.json.decode, (msgspec.DecodeError, UnicodeDecodeError)


def decode_json(body: bytes) -> Any:
    """Decode a JSON body into dicts and lists (msgspec when installed), strictly."""
    loads, not_json = _reader()
    try:
        return loads(body)
    except not_json as exc:
        raise DecodeError(f"response is not JSON: {exc}") from None
    except RecursionError:
        # json and msgspec nest by recursion.
        raise DecodeError("response is not JSON this SDK accepts: nested too deeply") from None
    except ValueError as exc:
        # json refuses an integer of more than sys.get_int_max_str_digits() digits.
        raise DecodeError(f"response is not JSON this SDK accepts: {exc}") from None


def loads(body: bytes, cls: type[T]) -> T:
    """Decode a JSON body straight into ``cls``: the reference the fast paths must match."""
    return structure(decode_json(body), cls)


def dumps(obj: Any) -> bytes:
    """Encode a model (or plain data) as a compact JSON body."""
    return _dumps(unstructure(obj))

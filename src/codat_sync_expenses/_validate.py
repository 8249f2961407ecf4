"""A push body checked against the document before anything is sent.

A model's fields are typed, but Python lets ``Customer(customer_name=123)``,
``status=None`` or ``addresses="x"`` through, and they would reach Codat as
they are (NaN even as invalid JSON). ``check_body`` walks a model as the
converter will write it and raises ``TypeError`` (a value of the wrong type) or
``ValueError`` (a value the document does not allow) naming its JSON path,
e.g. ``customer.addresses[0].postalCode``. What it checks comes from the
models' types (types, enums, required and nullable flags) and from
``_constraints.py``, which ``codegen/constraints.py`` generates from the
document (lengths, patterns, ranges, multiples, item and property counts,
unique items, formats; a field it marks ``deprecated`` gives a
``DeprecationWarning`` when sent); one plan per model class, built on first
use. A valid body builds no string: the path of a refused value is assembled
only as its refusal propagates out.
"""

from __future__ import annotations

import enum
import math
import operator
import re
import types
import typing
import warnings
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Context, Decimal
from typing import Any

import attrs

from ._constraints import CONSTRAINTS

__all__ = ["Validator", "check_body"]

# A checker takes a value (never None where None is allowed) and raises _Refusal, or returns.
Checker = Callable[[Any], None]
# Free-form JSON (Any) deeper than this is refused: the encoder would recurse on it.
MAX_JSON_DEPTH = 64
# The integers every JSON encoder the SDK uses can write (orjson: int64 and uint64).
INT_RANGE = (-(2**63), 2**64 - 1)


class _Refusal(Exception):  # noqa: N818 - internal, never escapes check_body
    """A refused value: the error to raise, the problem, and the path gathered on the way out."""

    def __init__(self, kind: type[Exception], problem: str) -> None:
        super().__init__(problem)
        self.kind = kind
        self.problem = problem
        self.segments: list[str] = []  # innermost first


class Validator:
    """Checks push bodies against one constraints table (``(model, JSON name) -> keywords``);
    the SDK's own is ``_constraints.CONSTRAINTS``, generated from the document."""

    def __init__(self, constraints: Mapping[tuple[str, str], Mapping[str, Any]]) -> None:
        self._constraints = constraints
        self._plans: dict[type, Checker] = {}

    def check(self, name: str, value: object, cls: type) -> None:
        """Raise ``TypeError`` or ``ValueError`` naming the JSON path of the first value of
        ``value`` (an argument called ``name``) that the document does not allow as a ``cls``."""
        try:
            self._model(cls)(value)
        except _Refusal as refusal:
            path = name + "".join(reversed(refusal.segments))
            raise refusal.kind(f"{path} {refusal.problem}") from None

    def _model(self, cls: type) -> Checker:
        """The checker of an attrs model: its type, then each field (plans are cached)."""
        plan = self._plans.get(cls)
        if plan is None:
            self._plans[cls] = plan = self._plan(cls)  # a nested model's plan is built lazily
        return plan

    def _plan(self, cls: type) -> Checker:
        hints = typing.get_type_hints(cls)
        fields = []
        for field in attrs.fields(cls):
            json_name = str(field.metadata.get("json", field.name))
            hint, nullable = _unwrap(hints[field.name])
            # None is left out of the body on an optional field, written as null if nullable.
            refuse_none = field.default is attrs.NOTHING and not nullable
            constraints = self._constraints.get((cls.__name__, json_name), {})
            check = _both(
                self._type_checker(hint, constraints.get("items", {})),
                _constraint_checker(constraints),
            )
            if constraints.get("deprecated"):
                check = _both(check, _deprecated(cls.__name__, json_name))
            fields.append((field.name, "." + json_name, refuse_none, check))
        name = cls.__name__

        def check_model(model: Any) -> None:
            if not isinstance(model, cls):
                raise _Refusal(TypeError, f"must be a {name}, not {type(model).__name__}")
            segment = ""
            try:
                for attribute, segment, refuse_none, check in fields:  # noqa: B007 - read below
                    value = getattr(model, attribute)
                    if value is None:
                        if refuse_none:
                            raise _Refusal(ValueError, "is required and may not be None")
                        continue
                    check(value)
            except _Refusal as refusal:
                refusal.segments.append(segment)
                raise
            except AttributeError:  # a slot never set: the model was not built by its class
                unset = _Refusal(TypeError, "is not set (build the model with its constructor)")
                unset.segments.append(segment)
                raise unset from None

        return check_model

    def _value_checker(self, hint: Any) -> Checker:
        """The checker of an item or a mapping's value typed ``hint``: None only if it allows."""
        hint, nullable = _unwrap(hint)
        check = self._type_checker(hint)
        if not nullable:
            return check
        return lambda value: None if value is None else check(value)

    def _type_checker(self, hint: Any, items: Mapping[str, Any] | None = None) -> Checker:
        """The checker of a value typed ``hint`` (not None); ``items``: what the document
        states on a list's items."""
        if attrs.has(hint):
            return lambda value: self._model(hint)(value)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return _enum_checker(hint)
        origin = typing.get_origin(hint)
        if origin is list:
            (item,) = typing.get_args(hint)
            return _list_checker(_both(self._value_checker(item), _constraint_checker(items or {})))
        if origin is dict:
            key, item = typing.get_args(hint)
            if key is not str:
                raise TypeError(f"no pre-push check for {hint!r}: JSON keys are str")
            return _dict_checker(self._value_checker(item))
        if hint is Any:
            return lambda value: _json(value, 0)
        checker = _SCALARS.get(hint)
        if checker is None:
            raise TypeError(f"no pre-push check for {hint!r}: teach _validate.py")
        return checker


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """``X | None`` as ``(X, True)``, any other hint as ``(hint, False)``."""
    if typing.get_origin(hint) not in (typing.Union, types.UnionType):
        return hint, False
    args = typing.get_args(hint)
    (inner,) = [a for a in args if a is not type(None)]  # the models' unions are `X | None`
    return inner, len(args) > 1


def _both(check: Checker, extra: Checker | None) -> Checker:
    if extra is None:
        return check

    def check_both(value: Any) -> None:
        check(value)
        extra(value)

    return check_both


def _deprecated(model: str, json_name: str) -> Checker:
    """Warn when a field the document marks ``deprecated`` is sent (set, not None)."""
    message = (
        f"{json_name} of {model} is deprecated in Codat's API document and may stop being"
        " accepted; it is sent as given"
    )

    def warn(value: Any) -> None:
        warnings.warn(message, DeprecationWarning, stacklevel=2)

    return warn


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _wrong_type(value: Any, wanted: str) -> _Refusal:
    return _Refusal(TypeError, f"must be {wanted}, not {type(value).__name__}")


def _list_checker(item_check: Checker) -> Checker:
    def check_list(value: Any) -> None:
        if type(value) is not list:
            raise _wrong_type(value, "a list")
        index = 0
        try:
            for index, item in enumerate(value):  # noqa: B007 - read by the handler
                item_check(item)
        except _Refusal as refusal:
            refusal.segments.append(f"[{index}]")
            raise

    return check_list


def _dict_checker(item_check: Checker) -> Checker:
    def check_dict(value: Any) -> None:
        if type(value) is not dict:
            raise _wrong_type(value, "a dict")
        key: Any = None
        try:
            for key, item in value.items():
                if type(key) is not str:
                    raise _Refusal(TypeError, f"has a key that is not a str: {_describe(key)}")
                item_check(item)
        except _Refusal as refusal:
            if type(key) is str:  # a caller's key: shown as far as a value is
                refusal.segments.append("." + (key if len(key) <= 40 else key[:37] + "..."))
            raise

    return check_dict


def _enum_checker(cls: type[enum.Enum]) -> Checker:
    values = {member.value for member in cls}
    allowed = ", ".join(repr(v) for v in sorted(values))

    def check_enum(value: Any) -> None:
        # A member (Codat's unlisted values included), or a str that is a listed value.
        if isinstance(value, cls):
            return
        if not isinstance(value, str):
            raise _wrong_type(value, f"a {cls.__name__}")
        if value not in values:
            raise _Refusal(ValueError, f"must be one of {allowed}, got {_describe(value)}")

    return check_enum


def _bool(value: Any) -> None:
    if type(value) is not bool:
        raise _wrong_type(value, "a bool")


def _int(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(value, "an int")
    _int_range(value)


def _int_range(value: int) -> None:
    if not INT_RANGE[0] <= value <= INT_RANGE[1]:
        raise _Refusal(ValueError, "must fit in 64 bits (JSON encoders refuse larger integers)")


def _number(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong_type(value, "a number")
    if isinstance(value, int):
        _int_range(value)
    elif not math.isfinite(value):
        raise _Refusal(ValueError, f"must be a finite number, got {value!r}")


def _string(value: Any) -> None:
    if type(value) is str and value.isascii():
        return  # the common case, without a call
    if not isinstance(value, str):
        raise _wrong_type(value, "a str")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise _Refusal(ValueError, "holds a lone surrogate, which JSON cannot carry") from None


def _datetime(value: Any) -> None:
    # Naive values are allowed: the converter writes them without a zone, as Codat does.
    if not isinstance(value, datetime):
        raise _wrong_type(value, "a datetime")


_SCALARS: dict[Any, Checker] = {
    bool: _bool,
    int: _int,
    float: _number,
    str: _string,
    datetime: _datetime,
}


def _json(value: Any, depth: int) -> None:
    """Free-form JSON: objects with str keys, arrays, strings, finite numbers, bools, null."""
    if depth > MAX_JSON_DEPTH:
        raise _Refusal(ValueError, f"nests deeper than {MAX_JSON_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        _string(value)
    elif isinstance(value, (int, float)):
        _number(value)
    elif type(value) is list:
        _list_checker(lambda item: _json(item, depth + 1))(value)
    elif type(value) is dict:
        _dict_checker(lambda item: _json(item, depth + 1))(value)
    else:
        raise _wrong_type(value, "JSON data")


def _same(value: Any) -> Any:
    return value


_NUMBERS = (int, float)
# keyword -> (the values it applies to, what is measured, how the message says the bound,
# unit, the test that must hold); a value of another type (a date-time the model types as
# datetime) is left to its type check, as JSON Schema ignores the keyword on it.
_LIMITS: dict[
    str, tuple[tuple[type, ...], Callable[[Any], Any], str, str, Callable[[Any, Any], bool]]
] = {
    "maxLength": ((str,), len, "at most", " characters", operator.le),
    "minLength": ((str,), len, "at least", " characters", operator.ge),
    "maxItems": ((list,), len, "at most", " items", operator.le),
    "minItems": ((list,), len, "at least", " items", operator.ge),
    "maxProperties": ((dict,), len, "at most", " properties", operator.le),
    "minProperties": ((dict,), len, "at least", " properties", operator.ge),
    "minimum": (_NUMBERS, _same, "at least", "", operator.ge),
    "maximum": (_NUMBERS, _same, "at most", "", operator.le),
    "exclusiveMinimum": (_NUMBERS, _same, "more than", "", operator.gt),
    "exclusiveMaximum": (_NUMBERS, _same, "less than", "", operator.lt),
}


def _constraint_checker(constraints: Mapping[str, Any]) -> Checker | None:
    """What the document states beyond the type (``deprecated`` is no constraint)."""
    checks: list[Checker] = []
    for keyword, bound in constraints.items():
        if keyword == "pattern":
            checks.append(_pattern(re.compile(bound)))
        elif keyword == "format":
            checks.append(_format(bound, _FORMATS[bound]))
        elif keyword == "multipleOf":
            checks.append(_multiple_of(bound))
        elif keyword == "uniqueItems" and bound is True:
            checks.append(_unique_items)
        elif keyword in _LIMITS:
            checks.append(_limit(bound, *_LIMITS[keyword]))
    if not checks:
        return None

    def check_constraints(value: Any) -> None:
        for check in checks:
            check(value)

    return check_constraints


def _limit(
    bound: Any,
    kinds: tuple[type, ...],
    measure: Callable[[Any], Any],
    text: str,
    unit: str,
    holds: Callable[[Any, Any], bool],
) -> Checker:
    def check_limit(value: Any) -> None:
        if not isinstance(value, kinds):
            return
        measured = measure(value)
        if not holds(measured, bound):
            raise _Refusal(ValueError, f"must be {text} {bound}{unit}, got {measured}")

    return check_limit


def _is_date(value: str) -> bool:
    # YYYY-MM-DD (RFC 3339 full-date), not the other forms fromisoformat reads, and a real day.
    if _FULL_DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# A string format the generator records (codegen/constraints.py's STRING_FORMATS) -> its test.
_FORMATS: dict[str, Callable[[str], object]] = {
    "uuid": re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}").fullmatch,
    "ISO4217": re.compile(r"[A-Z]{3}").fullmatch,
    "date": _is_date,
    "email": re.compile(r"[^@\s]+@[^@\s]+").fullmatch,
    "uri": re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*").fullmatch,
    "url": re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+").fullmatch,
}


def _format(name: str, holds: Callable[[str], object]) -> Checker:
    def check_format(value: Any) -> None:
        # On a str; a model that types the field otherwise (datetime) has checked its type.
        if isinstance(value, str) and not holds(value):
            raise _Refusal(ValueError, f"must have the {name} format, got {_describe(value)}")

    return check_format


# Digits enough for any float over any float (1e308 / 5e-324): the remainder is exact.
_EXACT = Context(prec=1000)


def _multiple_of(bound: float) -> Checker:
    # In decimal, as written: 0.3 is a multiple of 0.1, though not in binary floating point.
    step = Decimal(str(bound))

    def check_multiple_of(value: Any) -> None:
        numeric = isinstance(value, _NUMBERS) and not isinstance(value, bool)
        if numeric and _EXACT.remainder(Decimal(str(value)), step) != 0:
            raise _Refusal(ValueError, f"must be a multiple of {bound}, got {value!r}")

    return check_multiple_of


def _unique_items(value: Any) -> None:
    if not isinstance(value, list):
        return
    for index, item in enumerate(value):
        for earlier in range(index):
            if value[earlier] == item:
                raise _Refusal(ValueError, f"must hold unique items: [{index}] repeats [{earlier}]")


def _pattern(pattern: re.Pattern[str]) -> Checker:
    def check_pattern(value: Any) -> None:
        if isinstance(value, str) and pattern.search(value) is None:
            raise _Refusal(ValueError, f"must match {pattern.pattern!r}, got {_describe(value)}")

    return check_pattern


check_body = Validator(CONSTRAINTS).check
"""Check a push body against the SDK's document: ``check_body("customer", c, Customer)``."""

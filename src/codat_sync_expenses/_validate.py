"""A push body checked against the document before anything is sent.

A model's fields are typed, but Python lets ``Customer(customer_name=123)``,
``status=None`` or ``addresses="x"`` through, and they would reach Codat as
they are (NaN even as invalid JSON). ``check_body`` walks a model as the
converter will write it and raises ``TypeError`` (a value of the wrong type) or
``ValueError`` (a value the document does not allow) naming its JSON path,
e.g. ``customer.addresses[0].postalCode``. What it checks comes from the
models' types (types, enums, required and nullable flags) and from
``_constraints.py``, which ``codegen/constraints.py`` generates from the
document (lengths, patterns, ranges, item counts); one plan per model class,
built on first use.
"""

from __future__ import annotations

import enum
import functools
import math
import operator
import re
import types
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from ._constraints import CONSTRAINTS

__all__ = ["check_body"]

# A checker takes a value and its JSON path and raises, or returns None.
Checker = Callable[[Any, str], None]
# Free-form JSON (Any) deeper than this is refused: the encoder would recurse on it.
MAX_JSON_DEPTH = 64


def check_body(name: str, value: object, cls: type) -> None:
    """Raise ``TypeError`` or ``ValueError`` naming the JSON path of the first value of
    ``value`` (an argument called ``name``) that the document does not allow as a ``cls``."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__}, not {type(value).__name__}")
    _plan(cls)(value, name)


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@functools.cache
def _plan(cls: type) -> Checker:
    """The checker of an attrs model: each field's type, then what the document adds."""
    hints = typing.get_type_hints(cls)
    fields = []
    for field in attrs.fields(cls):
        json_name = str(field.metadata.get("json", field.name))
        required = field.default is attrs.NOTHING
        check = _checker(hints[field.name], CONSTRAINTS.get((cls.__name__, json_name), {}))
        fields.append((field.name, json_name, required, check))

    def check_model(model: Any, path: str) -> None:
        for attribute, json_name, required, check in fields:
            value = getattr(model, attribute)
            # None on an optional field is left out of the body; the type decides otherwise.
            if value is None and not required:
                continue
            check(value, f"{path}.{json_name}")

    return check_model


def _checker(hint: Any, constraints: dict[str, Any]) -> Checker:
    """The checker for a field typed ``hint`` with the document's ``constraints``."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        nullable = len(inner) < len(args)
        (hint,) = inner  # the models' unions are `X | None` only
    else:
        nullable = False
    check = _type_checker(hint)
    extra = _constraint_checker(constraints)

    def check_field(value: Any, path: str) -> None:
        if value is None:
            if not nullable:
                raise ValueError(f"{path} is required and may not be None")
            return
        check(value, path)
        if extra is not None:
            extra(value, path)

    return check_field


def _type_checker(hint: Any) -> Checker:
    if attrs.has(hint):
        return lambda value, path: _model(hint, value, path)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_checker(hint)
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        item_check = _checker(item, {})
        return lambda value, path: _list(item_check, value, path)
    if typing.get_origin(hint) is dict or hint is Any:
        return lambda value, path: _json(value, path, 0)
    if hint is bool:
        return _bool
    if hint is int:
        return _int
    if hint is float:
        return _number
    if hint is str:
        return _string
    if hint is datetime:
        return _instance(datetime, "a datetime")
    raise TypeError(f"no pre-push check for {hint!r}: teach _validate.py")


def _model(cls: type, value: Any, path: str) -> None:
    if not isinstance(value, cls):
        raise TypeError(f"{path} must be a {cls.__name__}, not {type(value).__name__}")
    _plan(cls)(value, path)


def _list(item_check: Checker, value: Any, path: str) -> None:
    if type(value) is not list:
        raise TypeError(f"{path} must be a list, not {type(value).__name__}")
    for index, item in enumerate(value):
        item_check(item, f"{path}[{index}]")


def _enum_checker(cls: type[enum.Enum]) -> Checker:
    values = {member.value for member in cls}

    def check_enum(value: Any, path: str) -> None:
        # A member (Codat's unlisted values included), or a str that is a listed value.
        if isinstance(value, cls):
            return
        if not isinstance(value, str):
            raise TypeError(f"{path} must be a {cls.__name__}, not {type(value).__name__}")
        if value not in values:
            allowed = ", ".join(repr(v) for v in sorted(values))
            raise ValueError(f"{path} must be one of {allowed}, got {_describe(value)}")

    return check_enum


def _bool(value: Any, path: str) -> None:
    if type(value) is not bool:
        raise TypeError(f"{path} must be a bool, not {type(value).__name__}")


def _int(value: Any, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{path} must be an int, not {type(value).__name__}")


def _instance(kind: type, text: str) -> Checker:
    def check_instance(value: Any, path: str) -> None:
        if not isinstance(value, kind):
            raise TypeError(f"{path} must be {text}, not {type(value).__name__}")

    return check_instance


def _number(value: Any, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{path} must be a number, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{path} must be a finite number, got {value!r}")


def _string(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{path} must be a str, not {type(value).__name__}")
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            raise ValueError(f"{path} holds a lone surrogate, which JSON cannot carry") from None


def _json(value: Any, path: str, depth: int) -> None:
    """Free-form JSON: objects with str keys, arrays, strings, finite numbers, bools, null."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"{path} nests deeper than {MAX_JSON_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        _string(value, path)
    elif isinstance(value, (int, float)):
        _number(value, path)
    elif type(value) is list:
        for index, item in enumerate(value):
            _json(item, f"{path}[{index}]", depth + 1)
    elif type(value) is dict:
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} has a key that is not a str: {_describe(key)}")
            _json(item, f"{path}.{key}", depth + 1)
    else:
        raise TypeError(f"{path} must be JSON data, not {type(value).__name__}")


def _same(value: Any) -> Any:
    return value


# keyword -> (what is measured, how the message says the bound, unit, the test that must hold)
_LIMITS: dict[str, tuple[Callable[[Any], Any], str, str, Callable[[Any, Any], bool]]] = {
    "maxLength": (len, "at most", " characters", operator.le),
    "minLength": (len, "at least", " characters", operator.ge),
    "maxItems": (len, "at most", " items", operator.le),
    "minItems": (len, "at least", " items", operator.ge),
    "minimum": (_same, "at least", "", operator.ge),
    "maximum": (_same, "at most", "", operator.le),
    "exclusiveMinimum": (_same, "more than", "", operator.gt),
    "exclusiveMaximum": (_same, "less than", "", operator.lt),
}


def _constraint_checker(constraints: dict[str, Any]) -> Checker | None:
    """What the document states beyond the type (``deprecated`` is no constraint)."""
    checks: list[Checker] = []
    for keyword, bound in constraints.items():
        if keyword == "pattern":
            checks.append(_pattern(re.compile(bound)))
        elif keyword in _LIMITS:
            checks.append(_limit(bound, *_LIMITS[keyword]))
    if not checks:
        return None

    def check_constraints(value: Any, path: str) -> None:
        for check in checks:
            check(value, path)

    return check_constraints


def _limit(
    bound: Any,
    measure: Callable[[Any], Any],
    text: str,
    unit: str,
    holds: Callable[[Any, Any], bool],
) -> Checker:
    def check_limit(value: Any, path: str) -> None:
        measured = measure(value)
        if not holds(measured, bound):
            raise ValueError(f"{path} must be {text} {bound}{unit}, got {measured}")

    return check_limit


def _pattern(pattern: re.Pattern[str]) -> Checker:
    def check_pattern(value: Any, path: str) -> None:
        if pattern.search(value) is None:
            raise ValueError(f"{path} must match {pattern.pattern!r}, got {_describe(value)}")

    return check_pattern

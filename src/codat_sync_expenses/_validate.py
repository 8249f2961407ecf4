"""A push body checked against the document before anything is sent.

A model's fields are typed, but Python lets ``Customer(customer_name=123)``,
``status=None`` or ``addresses="x"`` through, and they would reach Codat as
they are (NaN even as invalid JSON). ``check_body`` walks a model as the
converter will write it and raises ``TypeError`` (a value of the wrong type) or
``ValueError`` (a value the document does not allow) naming its JSON path,
e.g. ``customer.addresses[0].postalCode``. What it checks comes from the
models' types (types, enums, required and nullable flags) and from
``_constraints.py``, which ``codegen/constraints.py`` generates from the
document and ``_constraint_checks`` checks (lengths, patterns, ranges,
multiples, item and property counts, unique items, formats; a field it marks
``deprecated`` gives a ``DeprecationWarning`` when sent); one plan per model
class, built on first use. A valid body builds no string: the path of a refused value is assembled
only as its refusal propagates out.
"""

from __future__ import annotations

import enum
import math
import types
import typing
import warnings
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from ._constraint_checks import Checker, Refusal, constraint_checker, describe
from ._constraints import CONSTRAINTS

__all__ = ["Validator", "check_body"]

# Free-form JSON (Any) deeper than this is refused: the encoder would recurse on it.
MAX_JSON_DEPTH = 64
# The integers every JSON encoder the SDK uses can write (orjson: int64 and uint64).
INT_RANGE = (-(2**63), 2**64 - 1)


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
        except Refusal as refusal:
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
                constraint_checker(constraints),
            )
            if constraints.get("deprecated"):
                check = _both(check, _deprecated(cls.__name__, json_name))
            fields.append((field.name, "." + json_name, refuse_none, check))
        name = cls.__name__

        def check_model(model: Any) -> None:
            if not isinstance(model, cls):
                raise Refusal(TypeError, f"must be a {name}, not {type(model).__name__}")
            segment = ""
            try:
                for attribute, segment, refuse_none, check in fields:  # noqa: B007 - read below
                    value = getattr(model, attribute)
                    if value is None:
                        if refuse_none:
                            raise Refusal(ValueError, "is required and may not be None")
                        continue
                    check(value)
            except Refusal as refusal:
                refusal.segments.append(segment)
                raise
            except AttributeError:  # a slot never set: the model was not built by its class
                unset = Refusal(TypeError, "is not set (build the model with its constructor)")
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
            return _list_checker(_both(self._value_checker(item), constraint_checker(items or {})))
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


def _wrong_type(value: Any, wanted: str) -> Refusal:
    return Refusal(TypeError, f"must be {wanted}, not {type(value).__name__}")


def _list_checker(item_check: Checker) -> Checker:
    def check_list(value: Any) -> None:
        if type(value) is not list:
            raise _wrong_type(value, "a list")
        index = 0
        try:
            for index, item in enumerate(value):  # noqa: B007 - read by the handler
                item_check(item)
        except Refusal as refusal:
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
                    raise Refusal(TypeError, f"has a key that is not a str: {describe(key)}")
                item_check(item)
        except Refusal as refusal:
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
            raise Refusal(ValueError, f"must be one of {allowed}, got {describe(value)}")

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
        raise Refusal(ValueError, "must fit in 64 bits (JSON encoders refuse larger integers)")


def _number(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong_type(value, "a number")
    if isinstance(value, int):
        _int_range(value)
    elif not math.isfinite(value):
        raise Refusal(ValueError, f"must be a finite number, got {value!r}")


def _string(value: Any) -> None:
    if type(value) is str and value.isascii():
        return  # the common case, without a call
    if not isinstance(value, str):
        raise _wrong_type(value, "a str")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise Refusal(ValueError, "holds a lone surrogate, which JSON cannot carry") from None


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
        raise Refusal(ValueError, f"nests deeper than {MAX_JSON_DEPTH} levels")
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


check_body = Validator(CONSTRAINTS).check
"""Check a push body against the SDK's document: ``check_body("customer", c, Customer)``."""

"""The checks of what the document states beyond a value's type: lengths, patterns,
ranges, multiples, item and property counts, unique items and formats, one checker
per (model, field), made from ``_constraints.CONSTRAINTS``."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Context, Decimal
from typing import Any

# A checker takes a value (never None where None is allowed) and raises Refusal, or returns.
Checker = Callable[[Any], None]


class Refusal(Exception):  # noqa: N818 - internal, never escapes check_body
    """A refused value: the error to raise, the problem, and the path gathered on the way out."""

    def __init__(self, kind: type[Exception], problem: str) -> None:
        super().__init__(problem)
        self.kind = kind
        self.problem = problem
        self.segments: list[str] = []  # innermost first


def describe(value: object) -> str:
    """A value as a refusal shows it: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


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


def constraint_checker(constraints: Mapping[str, Any]) -> Checker | None:
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
            raise Refusal(ValueError, f"must be {text} {bound}{unit}, got {measured}")

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
            raise Refusal(ValueError, f"must have the {name} format, got {describe(value)}")

    return check_format


# Digits enough for any float over any float (1e308 / 5e-324): the remainder is exact.
_EXACT = Context(prec=1000)


def _multiple_of(bound: float) -> Checker:
    # In decimal, as written: 0.3 is a multiple of 0.1, though not in binary floating point.
    step = Decimal(str(bound))

    def check_multiple_of(value: Any) -> None:
        numeric = isinstance(value, _NUMBERS) and not isinstance(value, bool)
        if numeric and _EXACT.remainder(Decimal(str(value)), step) != 0:
            raise Refusal(ValueError, f"must be a multiple of {bound}, got {value!r}")

    return check_multiple_of


def _unique_items(value: Any) -> None:
    if not isinstance(value, list):
        return
    for index, item in enumerate(value):
        for earlier in range(index):
            if value[earlier] == item:
                raise Refusal(ValueError, f"must hold unique items: [{index}] repeats [{earlier}]")


def _pattern(pattern: re.Pattern[str]) -> Checker:
    def check_pattern(value: Any) -> None:
        if isinstance(value, str) and pattern.search(value) is None:
            raise Refusal(ValueError, f"must match {pattern.pattern!r}, got {describe(value)}")

    return check_pattern

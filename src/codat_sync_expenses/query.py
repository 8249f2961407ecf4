"""Filters for ``list_async(query=...)`` written as Python, never as hand-quoted strings.

``codat_sync_expenses.queries`` (generated from the models) gives each model's
fields as typed fields: ``customers.modified_date >= since`` is a ``Condition``,
``&`` and ``|`` combine conditions, and ``str(condition)`` is Codat's query
language (``modifiedDate>=2024-01-31T00:00:00Z``). Each field offers the
operators Codat allows for its type, so mypy rejects a field the model lacks or
an order on text; a value Codat's language cannot carry raises ``ValueError``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timezone
from typing import Generic, TypeVar

__all__ = ["BoolField", "Condition", "DateField", "EnumField", "NumberField", "TextField"]

E = TypeVar("E", bound=enum.Enum)
# Codat's query language has no escapes: a value holding these would change the query.
_RESERVED = ("&&", "||", "{", "}")


class Condition:
    """A filter on a listing; ``a & b`` needs both, ``a | b`` either; ``str()`` is the query."""

    __slots__ = ("_joiner", "_text")

    def __init__(self, text: str, *, joiner: str = "") -> None:
        self._text = text
        self._joiner = joiner  # "&&" or "||" at the top level; "" for one clause

    def __and__(self, other: Condition) -> Condition:
        return self._join("&&", _condition(other))

    def __or__(self, other: Condition) -> Condition:
        return self._join("||", _condition(other))

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Condition({self._text!r})"

    def __bool__(self) -> bool:
        # `a == b and c` would silently drop a condition: Python's `and` is not `&`.
        raise TypeError("combine conditions with & and |, not `and` / `or`")

    def _join(self, joiner: str, other: Condition) -> Condition:
        # A group joined by the other operator is braced: the query never depends on
        # which of && and || binds tighter.
        parts = (p._text if p._joiner in ("", joiner) else f"{{{p._text}}}" for p in (self, other))
        return Condition(joiner.join(parts), joiner=joiner)


def _condition(value: object) -> Condition:
    if not isinstance(value, Condition):
        raise TypeError(f"a condition combines with a Condition, not {type(value).__name__}")
    return value


class _Field:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name  # the JSON name, dotted for a sub-property

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    def _clause(self, op: str, value: str) -> Condition:
        return Condition(f"{self.name}{op}{value}")

    __hash__ = None  # type: ignore[assignment]  # == builds a Condition


class TextField(_Field):
    """A text field: ``==``, ``!=`` and ``contains()``."""

    __slots__ = ()

    def __eq__(self, value: str) -> Condition:  # type: ignore[override]
        return self._clause("=", _text(self.name, value))

    def __ne__(self, value: str) -> Condition:  # type: ignore[override]
        return self._clause("!=", _text(self.name, value))

    def contains(self, value: str) -> Condition:
        """The field holds ``value`` (Codat's ``~``)."""
        return self._clause("~", _text(self.name, value))


class EnumField(_Field, Generic[E]):
    """An enum field: ``==`` and ``!=`` with one of its members."""

    __slots__ = ()

    def __eq__(self, value: E) -> Condition:  # type: ignore[override]
        return self._clause("=", _member(self.name, value))

    def __ne__(self, value: E) -> Condition:  # type: ignore[override]
        return self._clause("!=", _member(self.name, value))


class BoolField(_Field):
    """A true/false field: ``==`` and ``!=``."""

    __slots__ = ()

    def __eq__(self, value: bool) -> Condition:  # type: ignore[override]
        return self._clause("=", _bool(self.name, value))

    def __ne__(self, value: bool) -> Condition:  # type: ignore[override]
        return self._clause("!=", _bool(self.name, value))


class NumberField(_Field):
    """A number field: ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``."""

    __slots__ = ()

    def __eq__(self, value: float) -> Condition:  # type: ignore[override]
        return self._clause("=", _number(self.name, value))

    def __ne__(self, value: float) -> Condition:  # type: ignore[override]
        return self._clause("!=", _number(self.name, value))

    def __lt__(self, value: float) -> Condition:
        return self._clause("<", _number(self.name, value))

    def __le__(self, value: float) -> Condition:
        return self._clause("<=", _number(self.name, value))

    def __gt__(self, value: float) -> Condition:
        return self._clause(">", _number(self.name, value))

    def __ge__(self, value: float) -> Condition:
        return self._clause(">=", _number(self.name, value))


class DateField(_Field):
    """A date-time field, compared with an aware ``datetime`` or a ``date`` (midnight UTC)."""

    __slots__ = ()

    def __eq__(self, value: datetime | date) -> Condition:  # type: ignore[override]
        return self._clause("=", _date(self.name, value))

    def __ne__(self, value: datetime | date) -> Condition:  # type: ignore[override]
        return self._clause("!=", _date(self.name, value))

    def __lt__(self, value: datetime | date) -> Condition:
        return self._clause("<", _date(self.name, value))

    def __le__(self, value: datetime | date) -> Condition:
        return self._clause("<=", _date(self.name, value))

    def __gt__(self, value: datetime | date) -> Condition:
        return self._clause(">", _date(self.name, value))

    def __ge__(self, value: datetime | date) -> Condition:
        return self._clause(">=", _date(self.name, value))


def _text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} compares with a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name}: Codat's query language cannot match an empty value")
    if value != value.strip() or any(token in value for token in _RESERVED):
        raise ValueError(
            f"{name}: {value!r} cannot be written in Codat's query language "
            "(no escapes for &&, ||, braces or outer spaces)"
        )
    return value


def _member(name: str, value: object) -> str:
    if not isinstance(value, enum.Enum):
        raise TypeError(f"{name} compares with an enum member, not {type(value).__name__}")
    return _text(name, str(value.value))


def _bool(name: str, value: object) -> str:
    if not isinstance(value, bool):
        raise TypeError(f"{name} compares with a bool, not {type(value).__name__}")
    return "true" if value else "false"


def _number(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} compares with a number, not {type(value).__name__}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name}: {value!r} is not a number Codat can compare")
    return repr(value) if isinstance(value, float) else str(value)


def _date(name: str, value: object) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{name}: give an aware datetime (e.g. tzinfo=timezone.utc)")
        text = value.astimezone(timezone.utc).isoformat(timespec="microseconds")
        return text.replace(".000000", "").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{name} compares with a datetime or date, not {type(value).__name__}")

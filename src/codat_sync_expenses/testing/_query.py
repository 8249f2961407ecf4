"""Codat's query language, as the fake reads a list operation's ``query``.

``field op value`` clauses, where ``op`` is ``=``, ``!=``, ``~`` (contains, for
text), ``>``, ``<``, ``>=`` or ``<=`` (for numbers and dates); clauses joined by
``&&`` (binding tighter) and ``||``, grouped with ``{ }``; a dotted field reaches
into an object (``metadata.isDeleted=true``). Values are written bare, to the next
``&&``, ``||`` or ``}``. Arrays and nulls cannot be queried, and a query is at most
2,048 characters. Anything else is a 400 naming the problem, never an empty page.
Fields and their types come from the resource's model, so a query names only
what the document has.
"""

from __future__ import annotations

import enum
import functools
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import attrs

MAX_QUERY_LENGTH = 2048
# Longest first, so that ">=" is not read as ">" followed by "=value".
_OPERATORS = (">=", "<=", "!=", "=", "~", ">", "<")
_FIELD = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*")
_ORDERED = frozenset({">", "<", ">=", "<="})


class QueryError(ValueError):
    """A query the fake cannot read, with the reason Codat's 400 gives."""


@dataclass(frozen=True)
class Clause:
    """``field op value``: ``kind`` is the field's type (text, enum, number, bool, date)."""

    field: str
    op: str
    value: Any
    kind: str


@dataclass(frozen=True)
class Either:
    """``{a || b || ...}``."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Every:
    """``a && b && ...``."""

    parts: tuple[Node, ...]


Node = Clause | Either | Every


def parse(query: str, kinds: Callable[[str], str]) -> Node:
    """Read ``query``; ``kinds(field)`` gives a field's kind or raises QueryError."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query is {len(query)} characters; at most {MAX_QUERY_LENGTH}")
    parser = _Parser(query, kinds)
    node = parser.either()
    if parser.at < len(query):
        raise QueryError(f"unexpected {query[parser.at :][:20]!r} at character {parser.at}")
    return node


class _Parser:
    def __init__(self, text: str, kinds: Callable[[str], str]) -> None:
        self.text = text
        self.at = 0
        self.kinds = kinds

    def either(self) -> Node:
        parts = [self.every()]
        while self._take("||"):
            parts.append(self.every())
        return parts[0] if len(parts) == 1 else Either(tuple(parts))

    def every(self) -> Node:
        parts = [self.primary()]
        while self._take("&&"):
            parts.append(self.primary())
        return parts[0] if len(parts) == 1 else Every(tuple(parts))

    def primary(self) -> Node:
        self._skip_spaces()
        if self._take("{"):
            node = self.either()
            self._skip_spaces()
            if not self._take("}"):
                raise QueryError(f"a '{{' at character {self.at} is never closed")
            self._skip_spaces()
            return node
        return self.clause()

    def clause(self) -> Clause:
        found = _FIELD.match(self.text, self.at)
        if found is None:
            raise QueryError(f"expected a field name at character {self.at}")
        field = found.group(1)
        self.at = found.end()
        op = next((op for op in _OPERATORS if self.text.startswith(op, self.at)), None)
        if op is None:
            raise QueryError(f"expected an operator after {field!r} (=, !=, ~, >, <, >=, <=)")
        self.at += len(op)
        end = min(
            (i for i in (self.text.find(t, self.at) for t in ("&&", "||", "}")) if i >= 0),
            default=len(self.text),
        )
        raw = self.text[self.at : end].strip()
        self.at = end
        kind = self.kinds(field)
        return Clause(field, op, _value(field, op, raw, kind), kind)

    def _take(self, token: str) -> bool:
        self._skip_spaces()
        if self.text.startswith(token, self.at):
            self.at += len(token)
            return True
        return False

    def _skip_spaces(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1


def _value(field: str, op: str, raw: str, kind: str) -> Any:
    if raw == "":
        raise QueryError(f"{field}{op} has no value")
    if raw.lower() == "null":
        raise QueryError(f"{field}: the query language cannot match null")
    if op in _ORDERED and kind not in ("number", "date"):
        raise QueryError(f"{field} is {kind}: {op} compares numbers and dates only")
    if op == "~" and kind not in ("text", "enum"):
        raise QueryError(f"{field} is {kind}: ~ (contains) is for text only")
    if kind == "date":
        return _date(field, raw)
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise QueryError(f"{field} is a number, not {raw!r}") from None
    if kind == "bool":
        if raw.lower() not in ("true", "false"):
            raise QueryError(f"{field} is true or false, not {raw!r}")
        return raw.lower() == "true"
    return raw


def _date(field: str, raw: str) -> datetime:
    """A date or date-time as Codat writes them; naive ones are UTC."""
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(
            f"{field} is a date, and {raw!r} is not one (2024-01-31 or 2024-01-31T09:00:00Z)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def matches(node: Node, record: Mapping[str, Any]) -> bool:
    """Whether ``record`` (Codat-shaped JSON) satisfies the query."""
    if isinstance(node, Every):
        return all(matches(part, record) for part in node.parts)
    if isinstance(node, Either):
        return any(matches(part, record) for part in node.parts)
    return holds(node, lookup(record, node.field))


def lookup(record: Mapping[str, Any], field: str) -> Any:
    """A dotted field's value in ``record``; None where any step is absent."""
    value: Any = record
    for step in field.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def holds(clause: Clause, value: Any) -> bool:
    """Whether one field's ``value`` satisfies ``clause``; a missing value matches only ``!=``."""
    if value is None:
        return clause.op == "!="
    if clause.kind == "date":
        try:
            value = _date(clause.field, str(value))
        except QueryError:
            return clause.op == "!="
    elif clause.kind == "number":
        value = float(value)
    elif clause.kind in ("text", "enum"):
        value = str(value)
    return _COMPARE[clause.op](value, clause.value)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "~": lambda a, b: b.casefold() in a.casefold(),
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


def fields_of(node: Node) -> Sequence[str]:
    """Every field the query reads."""
    if isinstance(node, Clause):
        return [node.field]
    return [field for part in node.parts for field in fields_of(part)]


def kinds_of(model: type) -> Callable[[str], str]:
    """``field -> kind`` for a model's JSON fields (dotted into objects); QueryError for a
    field the model lacks, an array, or an object queried as a whole."""

    @functools.cache
    def kind(field: str) -> str:
        cls, steps = model, field.split(".")
        for depth, step in enumerate(steps, 1):
            hints = typing.get_type_hints(cls)
            fields = {str(a.metadata.get("json", a.name)): hints[a.name] for a in attrs.fields(cls)}
            if step not in fields:
                raise QueryError(f"{cls.__name__} has no field {step!r}")
            hint = _without_none(fields[step])
            where = ".".join(steps[:depth])
            if attrs.has(hint):
                cls = hint
                continue
            if depth < len(steps):
                raise QueryError(f"{where} has no fields to query")
            return _kind(where, hint)
        raise QueryError(f"{field} is an object: query one of its fields")

    return kind


def _without_none(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(hint) if a is not type(None)]
        return rest[0] if len(rest) == 1 else hint
    return hint


def _kind(field: str, hint: Any) -> str:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "enum"
    if hint in (int, float):
        return "number"
    if hint is bool:
        return "bool"
    if hint is str:
        return "text"
    if hint is datetime:
        return "date"
    if typing.get_origin(hint) is list:
        raise QueryError(f"{field} is an array; arrays cannot be queried")
    raise QueryError(f"{field} cannot be queried")

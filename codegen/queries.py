"""Generate ``queries.py``: each listed model's fields as typed query fields.

For every model a listing returns (``Customer``, ``PushOperation``), one class
whose attributes are ``query.TextField``, ``EnumField[...]``, ``NumberField``,
``BoolField`` or ``DateField`` by the field's type, and a nested class for an
object field (its fields dotted: ``metadata.isDeleted``). Arrays and free-form
objects are left out: Codat's query language cannot filter on them.
``codegen/generate.py`` runs this after the models.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import attrs

from codegen.fast_decoders import MODELS, PACKAGE, format_source, import_file, write_or_check

OUTPUT = PACKAGE / "queries.py"
# Model -> the module-level name of its fields: what a listing's query filters on.
LISTED = {"Customer": "customers", "PushOperation": "push_operations"}
HEADER = """\
# Generated from src/codat_sync_expenses/models.py by `nox -s codegen`
# (codegen/queries.py). Do not edit: change the OpenAPI document and regenerate.
"""


def _without_none(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(hint) if a is not type(None)]
        return rest[0] if len(rest) == 1 else hint
    return hint


def _field_type(hint: Any) -> str | None:
    """The query field class for a model field's type; None where Codat cannot filter."""
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return f"EnumField[models.{hint.__name__}]"
    return {str: "TextField", bool: "BoolField", int: "NumberField", float: "NumberField"}.get(
        hint, "DateField" if hint is datetime else None
    )


def _classes(model: type, seen: dict[str, list[str]], names: dict[str, Any]) -> str | None:
    """Write the query class of ``model`` (and of its object fields) into ``seen``; None
    when none of its fields can be filtered on."""
    name = f"{model.__name__}Fields"
    if name in seen:
        return name if seen[name] else None
    seen[name] = []  # reserved first: a model that refers back to itself stops here
    hints = typing.get_type_hints(model, globalns=names)
    lines = [
        f"class {name}:",
        f'    """{model.__name__}\'s fields to filter a listing by (``&`` and ``|`` combine)."""',
        "",
    ]
    init = ['    def __init__(self, prefix: str = "") -> None:']
    for field in attrs.fields(model):
        json_name = str(field.metadata.get("json", field.name))
        hint = _without_none(hints[field.name])
        if attrs.has(hint):
            nested = _classes(hint, seen, names)
            if nested is None:
                continue
            kind = nested
            init.append(f'        self.{field.name} = {kind}(prefix + "{json_name}.")')
        else:
            field_type = _field_type(hint)
            if field_type is None:
                continue
            kind = field_type
            init.append(f'        self.{field.name} = {kind}(prefix + "{json_name}")')
        lines.append(f"    {field.name}: {kind}")
    if len(init) == 1:
        seen[name] = []  # nothing to filter on: left out
        return None
    seen[name] = [*lines, "", *init, "", ""]
    return name


def render() -> str:
    """The generated module's source."""
    models = import_file(MODELS, "_models_for_queries")
    seen: dict[str, list[str]] = {}
    found = vars(models)
    names = {str(_classes(found[model], seen, found)): name for model, name in LISTED.items()}
    lines: Iterator[str] = (line for block in seen.values() for line in block)
    return "\n".join(
        [
            HEADER,
            '"""Typed fields of each listed model, for ``list_async(query=...)``.',
            "",
            "``from codat_sync_expenses.queries import customers``, then e.g.",
            "``query=(customers.modified_date >= since) & (customers.status == ACTIVE)``.",
            '"""',
            "",
            "from __future__ import annotations",
            "",
            "from . import models",
            "from .query import BoolField, DateField, EnumField, NumberField, TextField",
            "",
            f"__all__ = {sorted([*names.values(), *names.keys()])!r}",
            "",
            "",
            *lines,
            *(_instance(cls, name) for cls, name in names.items()),
            "",
        ]
    )


def _instance(cls: str, name: str) -> str:
    listing = name.replace("_", " ")
    return f'{name} = {cls}()\n"""The fields of {listing}, to filter their listing by."""\n'


def main(*, check: bool) -> int:
    """Write ``queries.py``, or with ``check`` report it stale; 1 if stale."""
    return write_or_check(OUTPUT, format_source(render(), OUTPUT), check=check)

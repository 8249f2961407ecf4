"""Generate ``_constraints.py``: what the document states beyond a field's type.

The models carry names, types, enums, required and nullable flags. The checks a
push body passes before it is sent (``_validate.py``) also need what the
document states on a property beyond that: length, pattern, range and multiple
limits, item and property counts, unique items, a string's or an integer's
format, what an array states on its scalar items, and ``deprecated``. This
module reads them from ``openapi/customers.yaml`` (``codegen/generate.py`` runs
it), through ``$ref``s and ``allOf`` parts, keyed by model class and JSON name
as the models name them, keeping only the keywords JSON Schema applies to the
property's type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from codegen.fast_decoders import format_source, write_or_check

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "openapi" / "customers.yaml"
OUTPUT = ROOT / "src" / "codat_sync_expenses" / "_constraints.py"
# JSON Schema keywords the pre-push checks enforce, as the document spells them, and the
# types they apply to (JSON Schema ignores a keyword on a value of another type).
_NUMBERS = ("integer", "number")
KEYWORDS = {
    "maxLength": ("string",),
    "minLength": ("string",),
    "pattern": ("string",),
    "minimum": _NUMBERS,
    "maximum": _NUMBERS,
    "exclusiveMinimum": _NUMBERS,
    "exclusiveMaximum": _NUMBERS,
    "multipleOf": _NUMBERS,
    "maxItems": ("array",),
    "minItems": ("array",),
    "uniqueItems": ("array",),
    "maxProperties": ("object",),
    "minProperties": ("object",),
}
# String formats the pre-push checks enforce; others (and date-time, which the models type
# as datetime) are annotations to them, as JSON Schema allows.
STRING_FORMATS = ("uuid", "ISO4217", "date", "email", "uri", "url")
# Integer formats whose range is a constraint.
INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
HEADER = """\
# Generated from openapi/customers.yaml by `nox -s codegen`
# (codegen/constraints.py). Do not edit: change the OpenAPI document and regenerate.
"""


def _resolved(document: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """``schema`` with a local ``$ref`` followed; its own keywords win over the target's."""
    seen: set[str] = set()
    while "$ref" in schema and schema["$ref"] not in seen:
        ref = schema["$ref"]
        seen.add(ref)
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _properties(
    document: Mapping[str, Any], schema: Mapping[str, Any]
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """A schema's own properties, those of its ``allOf`` parts included, ``$ref``s followed."""
    schema = _resolved(document, schema)
    for json_name, prop in schema.get("properties", {}).items():
        yield json_name, _resolved(document, prop)
    for part in schema.get("allOf", []):
        yield from _properties(document, part)


def _exclusive_as_3_1(stated: dict[str, Any]) -> None:
    """OpenAPI 3.0 writes ``exclusiveMinimum: true`` beside ``minimum``; 3.1 (and the checks)
    write the bound itself: ``exclusiveMinimum: 0``."""
    for exclusive, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = stated.get(exclusive)
        if not isinstance(flag, bool):
            continue
        del stated[exclusive]
        if flag and inclusive in stated:
            stated[exclusive] = stated.pop(inclusive)


def _python_regex(pattern: str, where: str) -> None:
    """Refuse, when generating, a pattern Python's ``re`` cannot compile (``\\p{L}``...),
    which would otherwise fail every push at run time."""
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{where}: pattern {pattern!r} is not a Python regex: {error}") from None


def _stated(document: Mapping[str, Any], prop: Mapping[str, Any], where: str) -> dict[str, Any]:
    """What ``prop`` states beyond its type; an array's item constraints under ``items``."""
    kind = prop.get("type")
    stated = {
        key: prop[key]
        for key, kinds in KEYWORDS.items()
        if key in prop and (kind is None or kind in kinds)
    }
    _exclusive_as_3_1(stated)
    if "pattern" in stated:
        _python_regex(stated["pattern"], where)
    if kind == "string" and prop.get("format") in STRING_FORMATS:
        stated["format"] = prop["format"]
    if kind == "integer" and prop.get("format") in INTEGER_FORMATS:
        low, high = INTEGER_FORMATS[prop["format"]]
        stated.setdefault("minimum", low)
        stated.setdefault("maximum", high)
    if prop.get("deprecated") is True:
        stated["deprecated"] = True
    if kind == "array" and "items" in prop:
        # A model's items are checked by its own schema's entries; a scalar's are here.
        items = _stated(document, _resolved(document, prop["items"]), f"{where}[]")
        items.pop("deprecated", None)
        if items:
            stated["items"] = items
    return dict(sorted(stated.items()))


def constraints_of(document: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """``(schema name, JSON name) -> {keyword: value}`` for every constrained property."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for name, schema in sorted(document["components"]["schemas"].items()):
        for json_name, prop in _properties(document, schema):
            stated = _stated(document, prop, f"{name}.{json_name}")
            if stated:
                found[(name, json_name)] = stated
    return found


def render(document: Mapping[str, Any]) -> str:
    """The generated module's source."""
    table = constraints_of(document)
    lines = [
        HEADER,
        '"""What the document states on each property beyond its type, for the pre-push checks."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any",
        "",
        '__all__ = ["CONSTRAINTS"]',
        "",
        "# (model class, JSON name) -> {JSON Schema keyword: value}",
        "CONSTRAINTS: dict[tuple[str, str], dict[str, Any]] = {",
        *(f"    {key!r}: {value!r}," for key, value in table.items()),
        "}",
        "",
    ]
    return "\n".join(lines)


def main(*, check: bool) -> int:
    """Write ``_constraints.py``, or with ``check`` report it stale; 1 if stale."""
    return write_or_check(
        OUTPUT, format_source(render(yaml.safe_load(DOCUMENT.read_text())), OUTPUT), check=check
    )

"""A mutation suite over the spec: each kind of change Codat can make, on each schema we bind.

Codat's spec is stood in for by our own document, changed in one way at a time
(a property added, removed or renamed; a type, format, nullability or required
flag changed; an enum value added or removed; a constraint or deprecation added;
an operation, parameter or status added or removed; a composition refactor that
changes nothing). For each: the report names it with the right tag, ``spec_update``
run twice changes nothing the second time, and going back to the original spec
restores our document byte for byte.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from codegen.spec_facts import ADDITIVE, BREAKING, NEEDS_CODE, Document, differences, report
from codegen.spec_update import apply

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "openapi" / "customers.yaml"
TEXT = DOCUMENT.read_text()
OURS: dict[str, Any] = yaml.safe_load(TEXT)
SCHEMAS: dict[str, Any] = OURS["components"]["schemas"]

Mutation = Callable[[dict[str, Any]], None]


def _objects() -> Iterator[str]:
    """Every object schema of ours that has its own properties."""
    for name, schema in SCHEMAS.items():
        if schema.get("properties"):
            yield name


def _first(schema: str, kind: str | None = None) -> str | None:
    """The first property of ``schema`` written inline with type ``kind`` (any, if None)."""
    for name, prop in SCHEMAS[schema]["properties"].items():
        if "$ref" in prop or "allOf" in prop:
            continue
        if kind is None or prop.get("type") == kind:
            return str(name)
    return None


def _props(spec: dict[str, Any], schema: str) -> dict[str, Any]:
    return spec["components"]["schemas"][schema]["properties"]  # type: ignore[no-any-return]


def _add_property(spec: dict[str, Any], schema: str) -> None:
    _props(spec, schema)["zzNew"] = {"type": "string"}


def _remove_property(spec: dict[str, Any], schema: str, prop: str) -> None:
    _props(spec, schema).pop(prop)


def _rename_property(spec: dict[str, Any], schema: str, prop: str) -> None:
    _props(spec, schema)[f"{prop}Renamed"] = _props(spec, schema).pop(prop)


def _state(spec: dict[str, Any], schema: str, prop: str, facts: dict[str, Any]) -> None:
    _props(spec, schema)[prop].update(facts)


def _add_enum_value(spec: dict[str, Any], schema: str) -> None:
    spec["components"]["schemas"][schema]["enum"].append("Brand-new")


def _remove_enum_value(spec: dict[str, Any], schema: str) -> None:
    spec["components"]["schemas"][schema]["enum"].pop(0)


def _mutations() -> Iterator[tuple[str, Mutation, str, str]]:
    """(id, mutation, tag the report gives it, text the report line holds)."""
    for schema in _objects():
        yield (
            f"{schema}: property added",
            partial(_add_property, schema=schema),
            ADDITIVE if schema not in ("ErrorMessage",) else NEEDS_CODE,
            f"{schema}.zzNew: added",
        )
        first = _first(schema)
        if first is not None:
            yield (
                f"{schema}.{first}: removed",
                partial(_remove_property, schema=schema, prop=first),
                BREAKING if schema != "ErrorMessage" else NEEDS_CODE,
                f"{schema}.{first}: removed",
            )
            yield (
                f"{schema}.{first}: renamed",
                partial(_rename_property, schema=schema, prop=first),
                BREAKING if schema != "ErrorMessage" else NEEDS_CODE,
                f"{schema}.{first}: removed",
            )
            yield (
                f"{schema}.{first}: deprecated",
                partial(_state, schema=schema, prop=first, facts={"deprecated": True}),
                ADDITIVE,
                f"{schema}.{first}: now deprecated",
            )
        text = _first(schema, "string")
        if text is not None and schema != "ErrorMessage":
            for keyword, value in (("maxLength", 100), ("pattern", "^[A-Z]+$")):
                yield (
                    f"{schema}.{text}: {keyword} added",
                    partial(_state, schema=schema, prop=text, facts={keyword: value}),
                    BREAKING,
                    f"{schema}.{text}: {keyword} None -> {value!r}",
                )
            yield (
                f"{schema}.{text}: type changed",
                partial(_state, schema=schema, prop=text, facts={"type": "integer"}),
                BREAKING,
                f"{schema}.{text}: type string -> integer",
            )
        number = _first(schema, "integer")
        if number is not None and schema != "ErrorMessage":
            for keyword, value in (("minimum", 0), ("maximum", 1000)):
                yield (
                    f"{schema}.{number}: {keyword} added",
                    partial(_state, schema=schema, prop=number, facts={keyword: value}),
                    BREAKING,
                    f"{schema}.{number}: {keyword}",
                )
    yield (
        "Customer.modifiedDate: format date-time -> date",
        lambda s: _props(s, "Customer")["modifiedDate"].update({"format": "date"}),
        BREAKING,
        "Customer.modifiedDate: format date-time -> date",
    )
    yield (
        "Customer.customerName: no longer nullable",
        lambda s: _props(s, "Customer")["customerName"].pop("nullable"),
        ADDITIVE,
        "Customer.customerName: no longer nullable",
    )
    yield (
        "Customer.defaultCurrency: now nullable",
        lambda s: _props(s, "Customer")["defaultCurrency"].update({"nullable": True}),
        BREAKING,
        "Customer.defaultCurrency: now nullable",
    )
    yield (
        "Address.city: now required",
        lambda s: s["components"]["schemas"]["Address"]["required"].append("city"),
        BREAKING,
        "Address.city: now required",
    )
    for enum in ("CustomerStatus", "AddressType", "PhoneNumberType", "PushOperationStatus"):
        yield (
            f"{enum}: value added",
            partial(_add_enum_value, schema=enum),
            ADDITIVE,
            f"{enum}: value 'Brand-new' added",
        )
        yield (
            f"{enum}: value removed",
            partial(_remove_enum_value, schema=enum),
            BREAKING,
            f"{enum}: value {SCHEMAS[enum]['enum'][0]!r} removed",
        )
    yield (
        "delete-customer: operation added",
        _add_delete_operation,
        NEEDS_CODE,
        "delete-customer: operation added: bind it as customers.delete_async",
    )
    yield (
        "list-customers: query parameter added",
        lambda s: s["paths"]["/companies/{companyId}/data/customers"]["get"]["parameters"].append(
            {"name": "includeDeleted", "in": "query", "schema": {"type": "boolean"}}
        ),
        NEEDS_CODE,
        "list-customers: query parameter includeDeleted added",
    )
    yield (
        "update-customer: status 409 with an error schema of its own",
        _add_conflict_status,
        NEEDS_CODE,
        "update-customer: statuses 409 added",
    )
    yield (
        "get-customer: status 404 removed",
        lambda s: s["paths"]["/companies/{companyId}/data/customers/{customerId}"]["get"][
            "responses"
        ].pop("404"),
        NEEDS_CODE,
        "get-customer: statuses 404 removed",
    )


def _add_delete_operation(spec: dict[str, Any]) -> None:
    item = spec["paths"]["/companies/{companyId}/data/customers/{customerId}"]
    item["delete"] = {"operationId": "delete-customer", "responses": {"204": {"description": "x"}}}


def _add_conflict_status(spec: dict[str, Any]) -> None:
    operation = next(
        op
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and op.get("operationId") == "update-customer"
    )
    operation["responses"]["409"] = {
        "description": "Conflict.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"conflictingId": {"type": "string"}},
                }
            }
        },
    }


MUTATIONS = list(_mutations())


@pytest.mark.parametrize(
    ("mutate", "tag", "named"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_each_change_is_reported_applied_once_and_undone_byte_for_byte(
    mutate: Mutation, tag: str, named: str
) -> None:
    codat = copy.deepcopy(OURS)
    mutate(codat)
    lines = list(report(differences(OURS, codat)))
    assert any(line.startswith(tag) and named in line for line in lines), lines
    retired: dict[str, Any] = {}
    updated, _ = apply(Document(codat), TEXT, retired)
    again, left = apply(Document(codat), updated, retired)
    assert again == updated, "a second spec_update changed the document again"
    assert all(not d.edits for d in left), "edits left after spec_update"
    back, _ = apply(Document(copy.deepcopy(OURS)), updated, retired)
    assert back == TEXT, "going back did not restore our document byte for byte"


def test_a_composition_refactor_that_changes_no_fact_is_no_difference() -> None:
    codat = copy.deepcopy(OURS)
    customer = codat["components"]["schemas"]["Customer"]
    # The same schema, written as allOf of a $ref and an object of its own properties.
    codat["components"]["schemas"]["CustomerBase"] = {
        "type": "object",
        "properties": {"id": customer["properties"].pop("id")},
    }
    codat["components"]["schemas"]["Customer"] = {
        "allOf": [{"$ref": "#/components/schemas/CustomerBase"}, customer]
    }
    assert list(report(differences(OURS, codat))) == []


def test_the_suite_covers_every_kind_on_every_bound_object_schema() -> None:
    kinds = {m[0].rpartition(": ")[2] for m in MUTATIONS}
    assert len(kinds) >= 18
    assert {m[0].partition(":")[0].partition(".")[0] for m in MUTATIONS} >= set(_objects())

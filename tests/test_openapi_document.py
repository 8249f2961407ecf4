"""Our OpenAPI document states the same facts as Codat's published spec.

Both documents are reduced to a canonical shape per operation (parameters,
request body, 200 body, error body): property names, types, enum values,
required and nullable flags, array items, with every ``$ref`` and ``allOf``
resolved. Descriptions, titles, examples and formats are left out: ours are our
own, and we add ``format: date-time`` where Codat documents a date-time in prose.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
OURS = ROOT / "openapi" / "customers.yaml"
CODAT = ROOT.parent / "shared" / "reference" / "codat-sync-for-expenses.openapi.json"
OPERATIONS = [
    "list-customers",
    "get-customer",
    "create-customer",
    "update-customer",
    "get-push-operation",
    "list-push-operations",
]

# Deprecated in Codat's spec and deliberately not bound by this SDK.
LEFT_OUT = {"PushOperation.timeoutInSeconds": "timeoutInSeconds"}


class Document:
    """An OpenAPI document with JSON-pointer ``$ref`` resolution."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.root
            for part in node["$ref"].removeprefix("#/").split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target[int(part)] if isinstance(target, list) else target[part]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def operation(self, operation_id: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        for path_item in self.root["paths"].values():
            for op in path_item.values():
                if isinstance(op, dict) and op.get("operationId") == operation_id:
                    shared = path_item.get("parameters", [])
                    return [self.resolve(p) for p in shared + op.get("parameters", [])], op
        raise KeyError(operation_id)

    def canon(self, schema: dict[str, Any]) -> dict[str, Any]:
        schema = self.resolve(schema)
        nullable = bool(schema.get("nullable"))
        parts = [self.resolve(s) for s in schema.get("allOf", [])]
        typed = [p for p in parts if {"type", "properties", "allOf", "enum"} & p.keys()]
        if len(typed) == 1 and "properties" not in schema:
            inner = self.canon(typed[0])
            return {**inner, "nullable": nullable or inner["nullable"]}
        properties: dict[str, Any] = {}
        required: set[str] = set(schema.get("required", []))
        for part in [*typed, schema]:
            part_canon = self.canon(part) if part is not schema else None
            if part_canon and part_canon.get("type") == "object":
                properties.update(part_canon["properties"])
                required |= set(part_canon["required"])
        for name, prop in schema.get("properties", {}).items():
            properties[name] = self.canon(prop)
        kind = schema.get("type", "object" if properties or typed else None)
        canon: dict[str, Any] = {"type": kind, "nullable": nullable}
        if kind == "object":
            canon["properties"] = properties
            canon["required"] = sorted(required)
            if "additionalProperties" in schema and schema["additionalProperties"] not in (
                True,
                False,
            ):
                canon["values"] = self.canon(schema["additionalProperties"])
        if kind == "array":
            canon["items"] = self.canon(schema["items"])
        if "enum" in schema:
            canon["enum"] = list(schema["enum"])
        return canon

    def facts(self, operation_id: str) -> dict[str, Any]:
        parameters, op = self.operation(operation_id)
        facts: dict[str, Any] = {
            "parameters": {
                p["name"]: {
                    "in": p["in"],
                    "required": bool(p.get("required")),
                    **{k: p["schema"].get(k) for k in ("type", "minimum", "maximum", "default")},
                }
                for p in parameters
            },
            "statuses": sorted(op["responses"]),
        }
        for status, response in op["responses"].items():
            schema = self.resolve(response)["content"]["application/json"]["schema"]
            facts["success" if status == "200" else "error"] = self.canon(schema)
        if "requestBody" in op:
            body = op["requestBody"]["content"]["application/json"]["schema"]
            facts["request"] = self.canon(body)
        return facts


def _drop_left_out(facts: dict[str, Any]) -> dict[str, Any]:
    success = facts.get("success", {})
    results = success.get("properties", {}).get("results", {}).get("items", {})
    for schema in (success, results):
        if "pushOperationKey" in schema.get("properties", {}):
            for name in LEFT_OUT.values():
                schema["properties"].pop(name, None)
    return facts


@pytest.fixture(scope="module")
def documents() -> tuple[Document, Document]:
    if not CODAT.exists():
        pytest.skip(f"Codat's reference spec is not beside the checkout ({CODAT})")
    return Document(yaml.safe_load(OURS.read_text())), Document(json.loads(CODAT.read_text()))


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_operation_facts_match_codat(
    documents: tuple[Document, Document], operation_id: str
) -> None:
    ours, codat = documents
    assert ours.facts(operation_id) == _drop_left_out(codat.facts(operation_id))


def test_auth_scheme_matches_codat(documents: tuple[Document, Document]) -> None:
    ours, codat = documents
    keys = ("type", "in", "name")
    our_scheme = ours.root["components"]["securitySchemes"]["auth_header"]
    codat_scheme = codat.root["components"]["securitySchemes"]["auth_header"]
    assert {k: our_scheme[k] for k in keys} == {k: codat_scheme[k] for k in keys}
    assert ours.root["security"] == codat.root["security"]


def test_canonical_form_sees_a_changed_flag(documents: tuple[Document, Document]) -> None:
    ours, _ = documents
    changed = json.loads(json.dumps(ours.root))
    changed["components"]["schemas"]["Customer"]["properties"]["phone"]["nullable"] = False
    assert Document(changed).facts("get-customer") != ours.facts("get-customer")


def test_a_real_spec_change_is_caught(documents: tuple[Document, Document]) -> None:
    """Against Codat's 2023-09-22 spec, the same check names what Codat changed since."""
    older_path = CODAT.with_name("codat-sync-for-expenses.2023-09-22.openapi.json")
    if not older_path.exists():
        pytest.skip("the 2023-09-22 reference spec is not beside the checkout")
    ours, _ = documents
    older = Document(json.loads(older_path.read_text()))
    now, then = ours.facts("create-customer"), older.facts("create-customer")
    assert now != then
    phone = ["request", "properties", "contacts", "items", "properties", "phone", "items"]

    def at(facts: dict[str, Any], path: list[str]) -> Any:
        for key in path:
            facts = facts[key]
        return facts

    assert at(then, phone)["required"] == ["number", "type"]
    assert at(now, phone)["required"] == ["type"]
    assert "allowSyncOnPushComplete" not in then["parameters"]
    assert "allowSyncOnPushComplete" in now["parameters"]

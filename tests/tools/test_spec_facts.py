"""spec_diff's fact reduction, on small specs each test builds for itself.

Codat's real specs change; these do not, so each test pins one rule: what
counts as a difference, how it is named and what it means for an app.
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from codegen import spec_diff
from codegen.spec_facts import Document, differences, load, report, shape

from ..conftest import serve


def _spec() -> dict[str, Any]:
    """One operation, one object schema with an enum and an array, and an error body."""
    return {
        "openapi": "3.0.3",
        "paths": {
            "/things/{thingId}": {
                "parameters": [{"$ref": "#/components/parameters/thingId"}],
                "get": {
                    "operationId": "get-thing",
                    "parameters": [
                        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}}
                    ],
                    "responses": {
                        "200": _body("Thing"),
                        "404": _body("ErrorMessage"),
                    },
                },
            }
        },
        "components": {
            "parameters": {
                "thingId": {
                    "name": "thingId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            },
            "schemas": {
                "Thing": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {
                        "name": {"type": "string", "nullable": True},
                        "status": {"$ref": "#/components/schemas/ThingStatus"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "ThingStatus": {"type": "string", "enum": ["Active", "Archived"]},
                "ErrorMessage": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}},
                },
            },
        },
    }


def _body(schema: str) -> dict[str, Any]:
    return {
        "description": "a body",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _lines(ours: dict[str, Any], codat: dict[str, Any]) -> list[str]:
    return [" ".join(line.split()) for line in report(differences(ours, codat))]


def test_a_spec_with_the_same_facts_has_no_differences() -> None:
    ours, codat = _spec(), _spec()
    codat["components"]["schemas"]["Thing"]["description"] = "Codat's prose is not a fact."
    # A format we state where Codat's prose does (date-time) is ours, not a difference.
    ours["components"]["schemas"]["Thing"]["properties"]["name"]["format"] = "date-time"
    assert _lines(ours, codat) == []


def test_formats_constraints_and_deprecation_codat_states_are_facts() -> None:
    codat = _spec()
    name = codat["components"]["schemas"]["Thing"]["properties"]["name"]
    name.update({"format": "ISO4217", "maxLength": 3, "pattern": "^[A-Z]+$", "deprecated": True})
    assert _lines(_spec(), codat) == [
        "breaking Thing.name: format None -> ISO4217",
        "breaking Thing.name: maxLength None -> 3",
        "breaking Thing.name: pattern None -> '^[A-Z]+$'",
        "additive Thing.name: now deprecated",
    ]


def test_an_operation_codat_adds_on_a_bound_resource_needs_code_naming_the_method() -> None:
    codat = _spec()
    codat["paths"]["/things/{thingId}"]["delete"] = {
        "operationId": "delete-thing",
        "responses": {"204": {"description": "Deleted."}},
    }
    assert _lines(_spec(), codat) == [
        "needs-code delete-thing: operation added: bind it as things.delete_async "
        "(or list it in codegen/spec_facts.NOT_BOUND)"
    ]


def test_the_same_facts_nested_and_inlined_differently_are_the_same() -> None:
    codat = _spec()
    schemas = codat["components"]["schemas"]
    inline_status = schemas.pop("ThingStatus")
    schemas["Thing"] = {
        "allOf": [
            {"type": "object", "properties": {"name": {"type": "string", "nullable": True}}},
            {
                "type": "object",
                "properties": {
                    "status": inline_status,
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
            },
        ],
        "required": ["status"],
    }
    assert _lines(_spec(), codat) == []


def test_each_kind_of_difference_is_named_by_its_path_and_tagged() -> None:
    codat = _spec()
    thing = codat["components"]["schemas"]["Thing"]
    del thing["properties"]["tags"]
    thing["properties"]["name"]["nullable"] = False
    thing["required"].append("name")
    thing["properties"]["taxNumber"] = {"type": "string"}
    codat["components"]["schemas"]["ThingStatus"]["enum"] = ["Active", "Prospect"]
    codat["components"]["schemas"]["ErrorMessage"]["properties"]["detail"] = {"type": "string"}
    operation = codat["paths"]["/things/{thingId}"]["get"]
    operation["parameters"].append(
        {"name": "includeDeleted", "in": "query", "schema": {"type": "boolean"}}
    )
    operation["responses"]["503"] = _body("ErrorMessage")
    assert _lines(_spec(), codat) == [
        "needs-code ErrorMessage.detail: added",
        "needs-code get-thing: query parameter includeDeleted added",
        "needs-code get-thing: statuses 503 added",
        "breaking Thing.name: now required",
        "breaking Thing.tags: removed",
        "breaking ThingStatus: value 'Archived' removed",
        "additive Thing.name: no longer nullable",
        "additive Thing.taxNumber: added",
        "additive ThingStatus: value 'Prospect' added",
    ]


def test_retyped_parameters_and_a_lost_operation_need_code() -> None:
    codat = _spec()
    verbose = codat["paths"]["/things/{thingId}"]["get"]["parameters"][0]
    verbose["schema"] = {"type": "integer", "maximum": 3}
    assert _lines(_spec(), codat) == [
        "needs-code get-thing: query parameter verbose: maximum None -> 3",
        "needs-code get-thing: query parameter verbose: type 'boolean' -> 'integer'",
    ]
    codat["paths"]["/things/{thingId}"]["get"]["operationId"] = "fetch-thing"
    assert _lines(_spec(), codat) == [
        "needs-code fetch-thing: operation added: bind it as things.fetch_async "
        "(or list it in codegen/spec_facts.NOT_BOUND)",
        "needs-code get-thing: operation removed",
    ]


def test_a_new_required_field_breaks_and_a_newly_nullable_one_too() -> None:
    codat = _spec()
    thing = codat["components"]["schemas"]["Thing"]
    thing["properties"]["code"] = {"type": "string"}
    thing["required"].append("code")
    thing["properties"]["tags"]["nullable"] = True
    assert _lines(_spec(), codat) == [
        "breaking Thing.code: added, required",
        "breaking Thing.tags: now nullable",
    ]


def test_deprecated_fields_we_leave_out_and_spellings_of_any_map_are_not_differences() -> None:
    ours, codat = _spec(), _spec()
    ours["components"]["schemas"]["Thing"]["properties"]["extra"] = {
        "type": "object",
        "additionalProperties": True,
    }
    codat_thing = codat["components"]["schemas"]["Thing"]["properties"]
    codat_thing["extra"] = {"type": "object", "additionalProperties": {}}
    codat_thing["timeoutInSeconds"] = {"type": "integer", "deprecated": True}
    assert _lines(ours, codat) == []
    codat_thing["extra"]["additionalProperties"] = {"type": "integer"}
    assert _lines(ours, codat) == ["breaking Thing.extra: map values retyped"]


def test_shape_merges_all_of_parts_and_keeps_who_declares_each_property() -> None:
    root = _spec()
    root["components"]["schemas"]["Derived"] = {
        "allOf": [
            {"$ref": "#/components/schemas/Thing"},
            {"type": "object", "properties": {"data": {"type": "string"}}},
        ]
    }
    found = shape(Document(root), {"$ref": "#/components/schemas/Derived"})
    assert list(found.properties) == ["name", "status", "tags", "data"]
    assert {name: p.owner for name, p in found.properties.items()} == {
        "name": "Thing",
        "status": "Thing",
        "tags": "Thing",
        "data": "Derived",
    }
    assert found.required == ["status"]


def test_json_and_yaml_of_one_spec_have_one_hash_and_dates_stay_strings(tmp_path: Path) -> None:
    spec = _spec()
    spec["components"]["schemas"]["Thing"]["example"] = {"modifiedDate": "2023-04-26T12:38:16Z"}
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
    as_json, as_yaml = load(str(tmp_path / "spec.json")), load(str(tmp_path / "spec.yaml"))
    assert as_json == as_yaml
    example = as_yaml.root["components"]["schemas"]["Thing"]["example"]
    assert example == {"modifiedDate": "2023-04-26T12:38:16Z"}
    changed = copy.deepcopy(spec)
    changed["openapi"] = "3.1.0"
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    assert load(str(tmp_path / "changed.json")).sha256 != as_json.sha256


def test_something_that_is_not_a_spec_is_refused(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(ValueError, match="not an OpenAPI document"):
        load(str(tmp_path / "list.yaml"))


async def test_a_spec_is_read_from_an_http_url() -> None:
    body = json.dumps(_spec()).encode()

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    async with serve(handler) as url:
        spec = await asyncio.to_thread(load, f"{url}/codat.json")
    assert spec.root == _spec()


def test_spec_diff_exits_0_on_the_same_facts_and_1_on_a_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = yaml.safe_load(spec_diff.DOCUMENT.read_text())
    same = tmp_path / "same.json"
    same.write_text(json.dumps(ours))
    assert spec_diff.main([str(same)]) == 0
    assert "no differences" in capsys.readouterr().out
    changed = copy.deepcopy(ours)
    del changed["components"]["schemas"]["Customer"]["properties"]["taxNumber"]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(changed))
    assert spec_diff.main([str(other)]) == 1
    assert capsys.readouterr().out.split() == ["breaking", "Customer.taxNumber:", "removed"]

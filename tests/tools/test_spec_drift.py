"""Hand-written code follows the document: each failure names what to change.

The generator writes the models; everything else that mirrors the document is
written by hand, and these checks fail ``nox`` when it lags: resource methods
against each operation's parameters, typed errors against documented statuses
and ErrorMessage's fields, the fake server against the models and Codat's
published examples. After ``nox -s spec_update`` they are the to-do list.
"""

from __future__ import annotations

import base64
import enum
import inspect
import json
import re
import types
import typing
from pathlib import Path
from typing import Any

import aiohttp
import attrs
import pytest
import yaml
from codegen import examples
from codegen.spec_facts import NOT_BOUND, Document, load

from codat_sync_expenses import CodatSyncExpenses, errors, models, serialization
from codat_sync_expenses.testing import FakeCodatServer, _customers, _push
from codat_sync_expenses.testing._seed import generated_customer
from codat_sync_expenses.testing._world import World

from ..conftest import API_KEY

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = Document(yaml.safe_load((ROOT / "openapi" / "customers.yaml").read_text()))
OPERATIONS = DOCUMENT.operations()
EXAMPLES = json.loads((ROOT / "tests" / "fixtures" / "codat_examples.json").read_text())
LOCK = json.loads((ROOT / "openapi" / "codat-spec.lock.json").read_text())

# Keyword arguments of resource methods that are the SDK's, not Codat's.
SDK_OPTIONS = {"timeout", "max_retries", "prefetch", "extra_headers"}
# APIStatusError attributes that come from the HTTP exchange, not from ErrorMessage.
# headers among them: errors keep the response headers they came with, redacted.
EXCHANGE_ATTRIBUTES = {
    "method",
    "path",
    "status_code",
    "body",
    "error_message",
    "retry_after",
    "headers",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _resource_method(op_id: str) -> Any:
    """``get-customer`` is ``client.customers.get_async``: verb, then the plural resource."""
    verb, _, noun = op_id.partition("-")
    resource = _snake(noun.replace("-", "_")).rstrip("s") + "s"
    client = CodatSyncExpenses(api_key="k")
    holder = getattr(client, resource, None)
    method = getattr(holder, f"{verb}_async", None)
    assert method is not None, f"{op_id}: add {resource}.{verb}_async to the SDK"
    return method


@pytest.mark.parametrize("op_id", sorted(OPERATIONS))
def test_each_operation_has_a_method_with_one_argument_per_parameter(op_id: str) -> None:
    _, _, operation, item = OPERATIONS[op_id]
    method = _resource_method(op_id)
    arguments = set(inspect.signature(method).parameters) - SDK_OPTIONS
    parameters = {_snake(name) for name in DOCUMENT.parameters(operation, item)}
    if "requestBody" in operation:
        body = DOCUMENT.body_schema(operation["requestBody"])["$ref"].rsplit("/", 1)[-1]
        parameters.add(_snake(body))
    assert sorted(parameters - arguments) == [], (
        f"{op_id}: {method.__qualname__} lacks these arguments of the document"
    )
    assert sorted(arguments - parameters) == [], (
        f"{op_id}: the document no longer has these arguments of {method.__qualname__}; "
        "remove them (or add to SDK_OPTIONS if they are the SDK's own)"
    )


def _unbound(lock: dict[str, Any]) -> list[str]:
    """Operations Codat added on a bound resource (spec_update records them in the lock
    file, as it cannot write a resource method) that are neither bound nor NOT_BOUND."""
    return sorted(set(lock.get("operations_added", [])) - set(OPERATIONS) - NOT_BOUND)


def test_each_operation_codat_added_on_a_bound_resource_is_bound_or_listed_as_not() -> None:
    assert _unbound(LOCK) == [], (
        "Codat added these operations: bind them (openapi/ and a resource method) "
        "or list them in codegen/spec_facts.NOT_BOUND"
    )
    # What a spec_update after Codat added delete-customer leaves in the lock fails it.
    assert _unbound({**LOCK, "operations_added": ["delete-customer"]}) == ["delete-customer"]


@pytest.mark.parametrize("op_id", sorted(OPERATIONS))
def test_the_fake_reads_each_query_parameter_the_document_gives_an_operation(op_id: str) -> None:
    _, _, operation, item = OPERATIONS[op_id]
    documented = {
        name for name, p in DOCUMENT.parameters(operation, item).items() if p["in"] == "query"
    }
    world = World()
    pushes = _push.PushOperations(world, _push.PENDING_THEN_SUCCESS)
    routes = _customers.Customers(world, pushes).routes() + pushes.routes()
    handled = {route.operation: route.query for route in routes}
    assert op_id in handled, f"the fake has no handler for {op_id}"
    assert sorted(documented - handled[op_id]) == [], (
        f"the fake ignores these query parameters of {op_id}: read them in its handler and "
        "name them in its Route (testing/_customers.py or testing/_push.py)"
    )
    assert sorted(handled[op_id] - documented) == [], "the fake reads parameters Codat lost"


def test_each_documented_error_status_has_its_typed_error() -> None:
    documented = {
        int(status): op_id
        for op_id, (_, _, operation, _) in OPERATIONS.items()
        for status in operation["responses"]
        if status[0] in "45"
    }
    missing = [
        f"{s} (in {op_id})" for s, op_id in documented.items() if s not in errors.STATUS_ERRORS
    ]
    assert sorted(missing) == [], "add an errors.APIStatusError subclass to STATUS_ERRORS"
    assert all(issubclass(cls, errors.APIStatusError) for cls in errors.STATUS_ERRORS.values())


def _json_names(cls: type) -> dict[str, attrs.Attribute[Any]]:
    return {field.metadata.get("json", field.name): field for field in attrs.fields(cls)}


def test_each_error_message_field_is_an_attribute_of_status_errors() -> None:
    values: dict[str, Any] = {}
    for name, field in attrs.fields_dict(attrs.resolve_types(models.ErrorMessage)).items():
        kind = next(a for a in typing.get_args(field.type) if a is not type(None))
        values[name] = {str: f"{name}!", int: len(name)}.get(kind) or kind()
    error = errors.NotFoundError(
        "m",
        method="GET",
        path="/p",
        status_code=404,
        body="",
        error_message=models.ErrorMessage(**values),
    )
    mirrored = set(vars(error)) - EXCHANGE_ATTRIBUTES
    fields = set(attrs.fields_dict(models.ErrorMessage)) - {"status_code"}
    assert sorted(fields - mirrored) == [], "set these ErrorMessage fields on APIStatusError"
    assert sorted(mirrored - fields) == [], "ErrorMessage lost these; drop them from APIStatusError"
    for name in fields:
        assert getattr(error, name) == values[name], f"APIStatusError.{name} is not Codat's"


@pytest.mark.parametrize(
    ("fake_values", "model"),
    [
        (_customers.CUSTOMER_STATUSES, models.CustomerStatus),
        (_customers.ADDRESS_TYPES, models.AddressType),
        (_customers.PHONE_TYPES, models.PhoneNumberType),
    ],
)
def test_the_fakes_enum_values_are_the_models(
    fake_values: set[str], model: type[enum.Enum]
) -> None:
    assert fake_values == {member.value for member in model}, f"update the fake's {model.__name__}"


def test_the_fakes_generated_customers_fit_the_models() -> None:
    # A type Codat changes (postalCode to integer, say) must reach the fake's seed.
    refused = []
    for index in range(300):
        try:
            serialization.from_dict(generated_customer(11, index), models.Customer)
        except serialization.DecodeError as exc:
            refused.append(str(exc))
    assert refused[:1] == [], "make testing/_seed.py generate what the models now hold"


def _rule_kinds(rules: dict[str, Any], cls: type, path: str) -> list[str]:
    """Where the fake's validation rules (testing/_customers.py) and the models disagree
    on a field's kind: text, a list, an object, an enum or a date."""
    hints = typing.get_type_hints(cls)
    fields = {str(f.metadata.get("json", f.name)): hints[f.name] for f in attrs.fields(cls)}
    found = []
    for name, rule in rules.items():
        hint = fields.get(name)
        if hint is None:
            found.append(f"{path}.{name}: no such field in the models")
            continue
        inner = next((a for a in typing.get_args(hint) if a is not type(None)), hint)
        if isinstance(rule, str) and rule.startswith("str") and inner is not str:
            found.append(f"{path}.{name}: the fake checks text, the models hold {inner}")
        elif isinstance(rule, dict) and attrs.has(inner):
            found += _rule_kinds(rule, inner, f"{path}.{name}")
        elif isinstance(rule, tuple) and rule[0] == "list?":
            item = typing.get_args(inner)[0] if typing.get_origin(inner) is list else None
            if item is None:
                found.append(f"{path}.{name}: the fake checks a list, the models hold {inner}")
            elif isinstance(rule[1], dict):
                found += _rule_kinds(rule[1], item, f"{path}.{name}[]")
    return found


def test_the_fakes_validation_rules_check_the_kinds_the_models_hold() -> None:
    assert _rule_kinds(_customers.CUSTOMER, models.Customer, "customer") == [], (
        "update the rules in testing/_customers.py (CUSTOMER and the rules it nests)"
    )


def _unknown_keys(data: Any, cls: Any, path: str) -> list[str]:
    """Keys of ``data`` that the model ``cls`` has no field for, with their paths."""
    args = [a for a in typing.get_args(cls) if a is not type(None)]
    if isinstance(cls, types.UnionType) or typing.get_origin(cls) is typing.Union:
        return _unknown_keys(data, args[0], path) if data is not None else []
    if typing.get_origin(cls) is list:
        return [k for i, item in enumerate(data) for k in _unknown_keys(item, args[0], path + "[]")]
    if not (isinstance(cls, type) and attrs.has(cls)) or not isinstance(data, dict):
        return []
    attrs.resolve_types(cls)
    fields = _json_names(cls)
    found = [f"{path}.{key}" for key in data if key not in fields]
    for key, value in data.items():
        if key in fields:
            found += _unknown_keys(value, fields[key].type, f"{path}.{key}")
    return found


async def _raw(fake: FakeCodatServer, method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": "Basic " + base64.b64encode(API_KEY.encode()).decode()}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, fake.url + path, json=body, headers=headers) as response,
    ):
        return await response.json()


async def test_the_fakes_bodies_have_only_the_models_fields(fake: FakeCodatServer) -> None:
    company = fake.add_company()
    connection = fake.add_connection(company)
    fake.add_customers(company, 200)
    page = await _raw(fake, "GET", f"/companies/{company}/data/customers?pageSize=200")
    body = {"status": "Active", "customerName": "Drift Ltd"}
    pushed = await _raw(
        fake, "POST", f"/companies/{company}/connections/{connection}/push/customers", body
    )
    error = await _raw(fake, "GET", f"/companies/{company}/data/customers/none")
    unknown = _unknown_keys(page, models.Customers, "list-customers")
    unknown += _unknown_keys(pushed, models.CreateCustomerResponse, "create-customer")
    unknown += _unknown_keys(error, models.ErrorMessage, "error")
    assert unknown == [], "the fake sends fields the models no longer have"
    assert sorted(_json_names(models.ErrorMessage).keys() - error.keys()) == [], (
        "the fake's error body lacks these ErrorMessage fields"
    )


async def test_the_fake_sends_every_field_codats_examples_show(fake: FakeCodatServer) -> None:
    company = fake.add_company()
    fake.add_customers(company, 200)
    page = await _raw(fake, "GET", f"/companies/{company}/data/customers?pageSize=200")
    sent = {key for customer in page["results"] for key in customer}
    shown = {key for body in EXAMPLES["get-customer"].values() for key in body}
    assert sorted(shown - sent) == [], "the fake's customers lack fields Codat's examples show"


def test_codats_examples_are_the_ones_of_the_synced_spec() -> None:
    # The synced spec as spec_update keeps it, cut to what we bind: examples included.
    spec = load(str(ROOT / "openapi" / "codat-spec.trimmed.json"))
    assert spec.sha256 == LOCK["codat_spec_sha256"], "run spec_update: the kept spec is stale"
    expected = examples.extract(spec.root, DOCUMENT.root)
    assert expected == EXAMPLES, "run `python -m codegen.examples SPEC` to re-extract"

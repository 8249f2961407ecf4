"""Every fast decode path gives what the cattrs converter gives: equal objects or equal errors.

Bodies are generated from our OpenAPI document: Codat's shapes and value forms
(naive and aware datetimes, 7-digit fractions, ``0001-01-01``, unlisted enum
values, numeric ids in string fields), mixed with wrong-typed, null and missing
fields and unknown keys. The reference is ``_converter.loads``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_sync_expenses import (
    CodatSyncExpenses,
    _converter,
    _decode,
    _fast_dicts,
    errors,
    models,
    serialization,
)
from codat_sync_expenses.testing._seed import generated_customer

from .conftest import serve

try:
    from codat_sync_expenses import _fast_mirror
except ImportError:  # the no-extras session: only the dict builders exist
    _fast_mirror = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = yaml.safe_load((ROOT / "openapi" / "customers.yaml").read_text())
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
EXAMPLES = json.loads((Path(__file__).parent / "fixtures" / "codat_examples.json").read_text())
RESPONSES = {  # the models a 2xx body or an error body is decoded into
    "Customer": models.Customer,
    "Customers": models.Customers,
    "CreateCustomerResponse": models.CreateCustomerResponse,
    "UpdateCustomerResponse": models.UpdateCustomerResponse,
    "ErrorMessage": models.ErrorMessage,
}

WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _mostly(
    good: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], one_in: int = 8
) -> st.SearchStrategy[Any]:
    """``odd`` about once in ``one_in`` draws, else ``good``."""
    # Both strategies exist before any draw: a strategy built per draw is validated
    # per draw, which once cost Hypothesis more than the whole test.
    return st.integers(1, one_in).flatmap(lambda n: odd if n == 1 else good)


DATETIMES = _mostly(
    st.builds(
        lambda day, time, fraction, zone: f"{day}T{time}{fraction}{zone}",
        st.sampled_from(["2023-04-26", "2020-02-29", "0001-01-01", "9999-12-31"]),
        st.sampled_from(["00:00:00", "12:38:16", "23:59:59"]),
        st.sampled_from(["", ".0", ".027", ".123456", ".1234567"]),
        st.sampled_from(["", "Z", "+00:00", "-05:00", "+05:30"]),
    ),
    st.sampled_from(["", "2023-13-01T00:00:00", "yesterday", "2023-04-26"]),
)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in map(_resolve, schema["allOf"]):
            if part.get("type") != "object":
                return {**part, "nullable": schema.get("nullable", False)}
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def _value(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values of one schema: right ones mostly, wrong-typed or null ones sometimes."""
    nullable = schema.get("nullable", False) or (
        "$ref" not in schema and _resolve(schema).get("nullable", False)
    )
    schema = _resolve(schema)
    kind = schema.get("type")
    good: st.SearchStrategy[Any]
    if "enum" in schema:
        good = _mostly(st.sampled_from(schema["enum"]), st.sampled_from(["Dormant", "", "active"]))
    elif kind == "object" and "properties" in schema:
        good = _object(schema)
    elif kind == "object":
        good = st.dictionaries(
            st.text(max_size=4),
            st.dictionaries(st.text(max_size=4), st.integers() | st.text(max_size=4), max_size=2),
            max_size=2,
        )
    elif kind == "array":
        good = st.lists(_value(schema["items"]), max_size=2)
    elif kind == "string" and schema.get("format") == "date-time":
        good = DATETIMES
    elif kind == "string":
        # Numeric ids come as numbers from some accounting software.
        good = _mostly(st.text(max_size=6), st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6))
    elif kind == "integer":
        good = _mostly(st.integers(-(2**31), 2**31), st.integers(-(2**70), 2**70))
    elif kind == "boolean":
        good = st.booleans()
    else:  # pragma: no cover - a new kind of schema in the document
        raise AssertionError(f"teach this test the schema {schema}")
    if nullable:
        good = st.none() | good
    # Rare enough that most documents fit and the fast paths' objects get compared.
    return _mostly(good, WRONG, one_in=40)


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    required = set(schema.get("required", []))
    unknown = st.dictionaries(st.sampled_from(["loyaltyTier", "x"]), st.integers(), max_size=1)

    def assemble(drawn: dict[str, tuple[bool, Any]], extra: dict[str, Any]) -> dict[str, Any]:
        body = {name: value for name, (present, value) in drawn.items() if present}
        return {**extra, **body}

    # A required field is missing once in 40; an optional one half the time.
    fields = {
        name: st.tuples(
            _mostly(st.just(True), st.just(False), 40) if name in required else st.booleans(),
            _value(sub),
        )
        for name, sub in schema["properties"].items()
    }
    return st.builds(assemble, st.fixed_dictionaries(fields), unknown)


BODIES = st.one_of(
    *(
        st.tuples(st.just(RESPONSES[name]), _object(_resolve(SCHEMAS[name])))
        for name in sorted(RESPONSES)
    )
)


def _outcome(decode: Callable[[], Any]) -> tuple[str, str]:
    """What a user sees: the object's repr (types, enum members, zones) or the error message."""
    try:
        return "object", repr(decode())
    except _converter.DecodeError as exc:
        return "error", str(exc)


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine that only ever yields to the loop (``sleep(0)``), with no loop at all."""
    while True:
        try:
            coroutine.send(None)
        except StopIteration as done:
            return done.value


def _fast_outcomes(body: bytes, cls: type) -> dict[str, Callable[[], Any]]:
    """Each fast path on its own, without the fallback: each may only succeed or raise."""
    paths: dict[str, Callable[[], Any]] = {
        "dict builders": lambda: _fast_dicts.BUILDERS[cls](_converter.decode_json(body)),
    }
    if cls in _fast_dicts.SLICED:
        paths["dict builders, sliced"] = lambda: _run(
            _decode.build_in_slices(_converter.decode_json(body), _fast_dicts.SLICED[cls], 0)
        )
    if _fast_mirror is not None:
        paths["msgspec mirror"] = lambda: _fast_mirror.DECODERS[cls](body)
        if cls in _fast_mirror.SLICED:
            paths["msgspec mirror, sliced"] = lambda: _run(
                _decode.build_in_slices(body, _fast_mirror.SLICED[cls], 0)
            )
    return paths


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(BODIES)
def test_every_fast_path_gives_the_converters_objects_or_errors(
    generated: tuple[type, dict[str, Any]],
) -> None:
    cls, document = generated
    body = json.dumps(document).encode()
    reference = _outcome(lambda: _converter.loads(body, cls))
    assert _outcome(lambda: _decode.loads(body, cls)) == reference
    assert _outcome(lambda: _run(_decode.loads_async(body, cls))) == reference
    misfit = _decode._builders()[2]
    for name, decode in _fast_outcomes(body, cls).items():
        try:
            built = decode()
        except misfit:  # giving up with a misfit is allowed: the converter then decides
            continue  # any other exception is a bug in generated code, and fails the test
        assert ("object", repr(built)) == reference, name
        assert built == _converter.loads(body, cls), name


def _full(schema: dict[str, Any]) -> Any:
    """A valid value of ``schema`` with every property present and one item per array."""
    schema = _resolve(schema)
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "object":
        properties = schema.get("properties")
        if properties is None:
            return {"k": {"a": 1}}
        return {name: _full(sub) for name, sub in properties.items()}
    if schema.get("type") == "array":
        return [_full(schema["items"])]
    if schema.get("format") == "date-time":
        return "2023-04-26T12:38:16.1234567Z"
    return {"string": "s", "integer": 1, "boolean": True}[schema["type"]]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return found
    for key, inner in items:
        found += _paths(inner, (*path, key))
    return found


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(document))
    *parents, last = path
    target = copy
    for key in parents:
        target = target[key]
    target[last] = value
    return copy


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_one_wrong_value_anywhere_gives_the_converters_object_or_error(name: str) -> None:
    cls, document = RESPONSES[name], _full(SCHEMAS[name])
    for path in _paths(document):
        wrongs: list[Any] = [None, True, 7, 2.5, "x", "", [], {}, 2**70]
        for wrong in wrongs:
            body = json.dumps(_replaced(document, path, wrong)).encode()
            case = f"{name}{list(path)} = {wrong!r}"
            reference = _outcome(lambda: _converter.loads(body, cls))  # noqa: B023
            assert _outcome(lambda: _decode.loads(body, cls)) == reference, case  # noqa: B023
            for path_name, decode in _fast_outcomes(body, cls).items():
                try:
                    built = decode()
                except Exception:  # noqa: S112 - giving up is allowed: the converter decides
                    continue
                assert ("object", repr(built)) == reference, f"{path_name}: {case}"


def _codat_bodies() -> list[tuple[type, bytes]]:
    page = {
        "results": [generated_customer(7, i) for i in range(300)],
        "pageNumber": 1,
        "pageSize": 300,
        "totalResults": 300,
        "_links": {"self": {"href": "/a"}, "current": {"href": "/a"}},
    }
    bodies: list[tuple[type, bytes]] = [(models.Customers, json.dumps(page).encode())]
    bodies += [(cls, json.dumps(_full(SCHEMAS[name])).encode()) for name, cls in RESPONSES.items()]
    for operation, cls in (("list-customers", models.Customers), ("get-customer", models.Customer)):
        bodies += [(cls, json.dumps(e).encode()) for e in EXAMPLES[operation].values()]
    return bodies


@pytest.mark.parametrize(("cls", "body"), _codat_bodies())
def test_every_fast_path_builds_codats_own_examples_without_falling_back(
    cls: type, body: bytes
) -> None:
    reference = repr(_converter.loads(body, cls))
    for name, decode in _fast_outcomes(body, cls).items():
        assert repr(decode()) == reference, name


@pytest.mark.parametrize(
    "customer",
    [
        {"status": "Dormant", "id": 7505, "modifiedDate": "2023-01-01T00:00:00.1234567Z"},
        {"status": "Active", "sourceModifiedDate": "0001-01-01T00:00:00", "phone": 2.5},
        {"status": "Active", "addresses": [{"type": "Registered", "postalCode": 12345}]},
    ],
)
def test_codats_odd_values_come_out_the_same_on_the_public_path(customer: dict[str, Any]) -> None:
    body = json.dumps(customer).encode()
    assert repr(_decode.loads(body, models.Customer)) == repr(
        _converter.loads(body, models.Customer)
    )


# -- issue 24, cases 4 and 11: every JSON backend reads numbers and strings alike --------------

BIG = 123456789012345678901234


async def test_a_24_digit_number_in_a_string_field_keeps_its_digits_with_any_backend() -> None:
    body = json.dumps({"id": BIG, "status": "Active", "customerName": -BIG}).encode()

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    async with serve(handler) as url, CodatSyncExpenses(api_key="k", base_url=url) as codat:
        customer = await codat.customers.get_async(company_id="c", customer_id="x")
    assert customer.id == str(BIG)
    assert customer.customer_name == str(-BIG)
    assert serialization.from_json(body, models.Customer) == customer


# Python's json reads all of these; msgspec and orjson refuse them, and so must the SDK.
NOT_JSON = {
    "NaN": b'{"id": NaN, "status": "Active"}',
    "Infinity": b'{"id": Infinity, "status": "Active"}',
    "-Infinity": b'{"id": -Infinity, "status": "Active"}',
    "a number beyond float": b'{"id": 1e400, "status": "Active"}',
    "a lone surrogate": b'{"id": "a\\ud800b", "status": "Active"}',
    "a lone low surrogate": b'{"customerName": "\\uDC00", "status": "Active"}',
}


@pytest.mark.parametrize("body", list(NOT_JSON.values()), ids=list(NOT_JSON))
async def test_json_that_only_python_accepts_is_a_decode_error_with_any_backend(
    body: bytes,
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    async with serve(handler) as url, CodatSyncExpenses(api_key="k", base_url=url) as codat:
        with pytest.raises(errors.ResponseDecodeError, match="response is not JSON"):
            await codat.customers.get_async(company_id="c", customer_id="x")
    with pytest.raises(serialization.DecodeError, match="response is not JSON"):
        serialization.from_json(body, models.Customer)


def test_a_surrogate_pair_and_an_escaped_backslash_still_decode() -> None:
    body = b'{"id": "\\ud83d\\ude00", "customerName": "\\\\ud800", "status": "Active"}'
    customer = serialization.from_json(body, models.Customer)
    assert customer.id == "\N{GRINNING FACE}"
    assert customer.customer_name == "\\ud800"
    assert serialization.to_json(customer)  # encodes again


def test_a_body_that_does_not_fit_the_fast_path_is_counted_in_a_debug_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # An object where Codat documents an array: the fast path gives up, the converter
    # explains, and the fallback is visible rather than a silent slowdown.
    body = json.dumps({"status": "Active", "addresses": {"line1": "1 Main St"}}).encode()
    before = _decode.MISFITS["Customer"]
    with caplog.at_level(logging.DEBUG, logger="codat_sync_expenses"):
        outcome = _outcome(lambda: _decode.loads(body, models.Customer))
    assert outcome == _outcome(lambda: _converter.loads(body, models.Customer))
    assert outcome[0] == "error"
    assert "addresses" in outcome[1]
    assert _decode.MISFITS["Customer"] == before + 1
    assert "a Customer body did not fit the fast decoder" in caplog.text


@pytest.mark.parametrize("bug", [AttributeError, NameError, IndexError, AssertionError])
def test_what_a_bug_in_generated_code_raises_is_never_taken_for_a_misfit(
    bug: type[Exception],
) -> None:
    # Only these fall back to the converter; the equivalence test above proves the fast
    # paths raise nothing else on any body, so anything else would be a bug, and raises.
    misfit = _decode._builders()[2]
    assert not issubclass(bug, misfit)
    assert issubclass(_converter.MisfitError, misfit)

"""Codat's answers as the fake writes them: JSON bodies, its error body, checked parameters."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from .._constants import INT32_MAX

# Codat's bodies nest a few levels; deeper ones are refused before anything
# recurses over them (json.loads, json.dumps and the validation all do).
MAX_JSON_DEPTH = 64


class CodatHTTPError(Exception):
    """Raised by a handler to answer with Codat's error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        service: str = "PublicApi",
        validation: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.response = error(status, message, service=service, validation=validation)


def error(
    status: int,
    message: str,
    *,
    service: str = "PublicApi",
    validation: dict[str, Any] | None = None,
) -> web.Response:
    """Codat's ErrorMessage body with ``status``."""
    body = {
        "statusCode": status,
        "service": service,
        "error": message,
        "correlationId": uuid.uuid4().hex,
        "validation": validation,
        "canBeRetried": "Unknown",
        "detailedErrorCode": 0,
    }
    return web.json_response(body, status=status)


def parse_json(raw: bytes) -> Any:
    """A request body's JSON; ValueError when it is not UTF-8 JSON or nests too deeply."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ValueError(f"the body nests more than {MAX_JSON_DEPTH} levels deep") from None
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"the body nests more than {MAX_JSON_DEPTH} levels deep")
            children = item.values() if isinstance(item, dict) else item
            pending += [(child, depth + 1) for child in children]
    return value


def json_response(body: Any) -> web.Response:
    """A 200 with ``body`` as JSON."""
    return web.Response(body=json.dumps(body).encode(), content_type="application/json")


def now() -> str:
    """The current UTC time as Codat writes it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def int_param(
    request: web.Request, name: str, default: int, *, minimum: int, maximum: int = INT32_MAX
) -> int:
    """A query parameter that must be an int32 within [minimum, maximum]; 400 otherwise."""
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise CodatHTTPError(400, f"Error parsing query - {name} must be an integer.") from None
    if not minimum <= value <= maximum:
        raise CodatHTTPError(400, f"Error parsing query - {name} is out of range.")
    return value


def bool_param(request: web.Request, name: str) -> bool | None:
    """A query parameter that must be ``true`` or ``false`` when present; 400 otherwise."""
    raw = request.query.get(name)
    if raw is None:
        return None
    if raw.lower() not in ("true", "false"):
        raise CodatHTTPError(400, f"Error parsing query - {name} must be true or false.")
    return raw.lower() == "true"

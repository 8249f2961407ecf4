# Generated from openapi/customers.yaml by `nox -s codegen`
# (codegen/constraints.py). Do not edit: change the OpenAPI document and regenerate.

"""What the document states on each property beyond its type, for the pre-push checks."""

from __future__ import annotations

from typing import Any

__all__ = ["CONSTRAINTS"]

# (model class, JSON name) -> {JSON Schema keyword: value}
CONSTRAINTS: dict[tuple[str, str], dict[str, Any]] = {
    ("PushOperation", "timeoutInMinutes"): {"maximum": 2147483647, "minimum": -2147483648},
}

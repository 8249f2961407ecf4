# Generated from openapi/customers.yaml by `nox -s codegen`
# (codegen/constraints.py). Do not edit: change the OpenAPI document and regenerate.

"""What the document states on each property beyond its type, for the pre-push checks."""

from __future__ import annotations

from typing import Any

__all__ = ["CONSTRAINTS"]

# (model class, JSON name) -> {JSON Schema keyword: value}
CONSTRAINTS: dict[tuple[str, str], dict[str, Any]] = {
    ("CreateCustomerResponse", "companyId"): {"format": "uuid"},
    ("CreateCustomerResponse", "pushOperationKey"): {"format": "uuid"},
    ("CreateCustomerResponse", "dataConnectionKey"): {"format": "uuid"},
    ("CreateCustomerResponse", "timeoutInMinutes"): {"maximum": 2147483647, "minimum": -2147483648},
    ("Customer", "defaultCurrency"): {"format": "ISO4217"},
    ("Customers", "pageSize"): {"maximum": 2000},
    ("PushOperation", "companyId"): {"format": "uuid"},
    ("PushOperation", "pushOperationKey"): {"format": "uuid"},
    ("PushOperation", "dataConnectionKey"): {"format": "uuid"},
    ("PushOperation", "timeoutInMinutes"): {"maximum": 2147483647, "minimum": -2147483648},
    ("PushOperations", "pageSize"): {"maximum": 2000},
    ("UpdateCustomerResponse", "companyId"): {"format": "uuid"},
    ("UpdateCustomerResponse", "pushOperationKey"): {"format": "uuid"},
    ("UpdateCustomerResponse", "dataConnectionKey"): {"format": "uuid"},
    ("UpdateCustomerResponse", "timeoutInMinutes"): {"maximum": 2147483647, "minimum": -2147483648},
}

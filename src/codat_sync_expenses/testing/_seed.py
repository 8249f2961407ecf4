"""Realistic customers in Codat's JSON shape, made from a company seed and an index.

The same (seed, index) always gives the same customer, so a company can hold
any number of them without storing one until it is changed. Each top-level
scalar field is its own cheap function of (seed, index): a filter or sort over
one field reads only that field (``field_value``), never whole customers.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

T = TypeVar("T")

_FIRST = ["Arjun", "Belle", "Chidi", "Dana", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas"]
_LAST = ["Kuvalis", "Glover", "Okafor", "Lindqvist", "Yilmaz", "Adeyemi", "Hopper", "Tanaka"]
_COMPANY_WORDS = ["Breitenberg", "Emard", "Schiller", "Northwind", "Harbour", "Lumen", "Quarry"]
_SUFFIXES = ["Ltd", "LLC", "GmbH", "& Sons", "Group", "Partners"]
_STREETS = ["Lueilwitz Passage", "Halie Course", "Stokes Fords", "Dickens Walk", "Louie Springs"]
_CITIES = [
    ("London", "England", "United Kingdom", "GBP"),
    ("Cardiff", "Wales", "United Kingdom", "GBP"),
    ("Austin", "Texas", "United States of America", "USD"),
    ("Toronto", "Ontario", "Canada", "CAD"),
    ("Lyon", "Auvergne-Rhone-Alpes", "France", "EUR"),
]
_PHONE_TYPES = ["Primary", "Landline", "Mobile", "Fax", "Unknown"]
_MASK = (1 << 64) - 1
_EPOCH = datetime(2016, 1, 1)
_SPAN_SECONDS = 9 * 365 * 24 * 3600


def company_seed(company_id: str) -> int:
    """The seed of a company's generated data: a function of its id alone."""
    return int.from_bytes(hashlib.sha256(company_id.encode()).digest()[:8], "big")


def customer_id(company_seed: int, index: int) -> str:
    """The id of generated customer ``index``: UUID-shaped, and parseable back."""
    return f"{company_seed & 0xFFFFFFFF:08x}-0000-4000-8000-{index:012x}"


def index_of(company_seed: int, identifier: str) -> int | None:
    """The index a generated customer id stands for, or None for any other id."""
    prefix = f"{company_seed & 0xFFFFFFFF:08x}-0000-4000-8000-"
    if not identifier.startswith(prefix) or len(identifier) != len(prefix) + 12:
        return None
    try:
        return int(identifier[len(prefix) :], 16)
    except ValueError:
        return None


def _mix(x: int) -> int:
    # splitmix64's finaliser: a well-spread 64-bit hash of x.
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _draw(seed: int, index: int, salt: int) -> int:
    return _mix(seed ^ _mix(index * 64 + salt))


def _pick(seed: int, index: int, salt: int, choices: Sequence[T]) -> T:
    return choices[_draw(seed, index, salt) % len(choices)]


def _percent(seed: int, index: int, salt: int) -> int:
    return _draw(seed, index, salt) % 100


def _timestamp(seed: int, index: int, salt: int) -> str:
    moment = _EPOCH + timedelta(seconds=_draw(seed, index, salt) % _SPAN_SECONDS)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _is_business(seed: int, index: int) -> bool:
    return _percent(seed, index, 1) < 60


def _person(seed: int, index: int) -> str:
    return f"{_pick(seed, index, 2, _FIRST)} {_pick(seed, index, 3, _LAST)}"


def _customer_name(seed: int, index: int) -> str:
    if not _is_business(seed, index):
        return _person(seed, index)
    words = f"{_pick(seed, index, 4, _COMPANY_WORDS)} {_pick(seed, index, 5, _COMPANY_WORDS)}"
    return f"{words} {_pick(seed, index, 6, _SUFFIXES)}"


def _status(seed: int, index: int) -> str:
    roll = _percent(seed, index, 7)
    return "Active" if roll < 85 else "Archived" if roll < 97 else "Unknown"


def _source_modified_date(seed: int, index: int) -> str:
    roll = _percent(seed, index, 13)
    if roll < 5:
        return "0001-01-01T00:00:00"
    return _timestamp(seed, index, 14) + ("Z" if roll < 50 else "")


_FIELDS: dict[str, Callable[[int, int], Any]] = {
    "id": customer_id,
    "customerName": _customer_name,
    "contactName": _person,
    "emailAddress": lambda s, i: f"accounts{i}@example.com" if _is_business(s, i) else None,
    "defaultCurrency": lambda s, i: _pick(s, i, 8, _CITIES)[3],
    "phone": lambda s, i: f"0{1000 + _draw(s, i, 9) % 9000} {100000 + _draw(s, i, 10) % 900000}",
    "registrationNumber": lambda s, i: (
        f"NI{100000 + _draw(s, i, 11) % 900000}" if _is_business(s, i) else None
    ),
    "taxNumber": lambda s, i: (
        f"GB{100000000 + _draw(s, i, 12) % 900000000}" if _percent(s, i, 12) < 50 else None
    ),
    "status": _status,
    "modifiedDate": lambda s, i: _timestamp(s, i, 15) + "Z",
    "sourceModifiedDate": _source_modified_date,
}


def field_value(company_seed: int, index: int, field: str) -> Any:
    """One top-level field of generated customer ``index``, without making the rest."""
    make = _FIELDS.get(field)
    if make is None:
        return generated_customer(company_seed, index).get(field)
    return make(company_seed, index)


def _address(rng: random.Random) -> dict[str, Any]:
    city, region, country, _ = rng.choice(_CITIES)
    return {
        "type": rng.choice(["Billing", "Delivery", "Billing", "Unknown"]),
        "line1": f"Suite {rng.randint(1, 999):03d}",
        "line2": f"{rng.randint(1, 99999)} {rng.choice(_STREETS)}",
        "city": city,
        "region": region,
        "country": country,
        "postalCode": f"{rng.choice('ABCDEFGHJK')}{rng.randint(1, 99)} {rng.randint(1, 9)}XY",
    }


def generated_customer(company_seed: int, index: int) -> dict[str, Any]:
    """Customer ``index`` of a company: varied addresses, contacts, phones, statuses, dates."""
    customer = {field: make(company_seed, index) for field, make in _FIELDS.items()}
    rng = random.Random(company_seed * 1_000_003 + index)  # noqa: S311 - test data
    person = customer["contactName"]
    customer["addresses"] = [_address(rng) for _ in range(rng.randint(0, 3))]
    customer["contacts"] = [
        {
            "name": contact_name,
            "email": f"{contact_name.replace(' ', '.').lower()}@example.com",
            "phone": [
                {
                    "number": f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                    "type": rng.choice(_PHONE_TYPES),
                }
                for _ in range(rng.randint(0, 2))
            ],
            "address": _address(rng),
            "status": "Active",
        }
        for contact_name in [person]
        + [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(rng.randint(0, 1))]
    ]
    customer["metadata"] = {
        "isDeleted": customer["status"] == "Archived" and _percent(company_seed, index, 16) < 30
    }
    return customer

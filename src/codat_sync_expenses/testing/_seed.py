"""Realistic customers in Codat's JSON shape, made from an index.

The same (company seed, index) always gives the same customer, so a company can
hold any number of them without storing one until it is changed.
"""

from __future__ import annotations

import random
from typing import Any

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


def _date(rng: random.Random, *, zone: bool) -> str:
    text = (
        f"{rng.randint(2016, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )
    return text + "Z" if zone else text


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
    rng = random.Random(company_seed * 1_000_003 + index)  # noqa: S311 - test data
    person = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    is_business = rng.random() < 0.6
    name = (
        f"{rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_WORDS)} {rng.choice(_SUFFIXES)}"
        if is_business
        else person
    )
    _, _, _, currency = rng.choice(_CITIES)
    contacts = [
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
    roll = rng.random()
    status = "Active" if roll < 0.85 else "Archived" if roll < 0.97 else "Unknown"
    customer: dict[str, Any] = {
        "id": customer_id(company_seed, index),
        "customerName": name,
        "contactName": person,
        "emailAddress": f"accounts{index}@example.com" if is_business else None,
        "defaultCurrency": currency,
        "phone": f"0{rng.randint(1000, 9999)} {rng.randint(100000, 999999)}",
        "addresses": [_address(rng) for _ in range(rng.randint(0, 3))],
        "contacts": contacts,
        "registrationNumber": f"NI{rng.randint(100000, 999999)}" if is_business else None,
        "taxNumber": f"GB{rng.randint(100000000, 999999999)}" if rng.random() < 0.5 else None,
        "status": status,
        "modifiedDate": _date(rng, zone=True),
        "sourceModifiedDate": (
            "0001-01-01T00:00:00" if rng.random() < 0.05 else _date(rng, zone=rng.random() < 0.5)
        ),
        "metadata": {"isDeleted": status == "Archived" and rng.random() < 0.3},
    }
    return customer

"""Our OpenAPI document states the facts of the Codat spec it was last synced with.

``openapi/codat-spec.lock.json`` holds that spec's content hash; the spec itself
is looked for among Codat's published specs beside the checkout
(``../shared/reference/``). The comparison is ``codegen.spec_facts``, the same
one ``nox -s spec_diff`` prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from codegen.spec_facts import Spec, differences, load

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "openapi" / "customers.yaml"
LOCK = ROOT / "openapi" / "codat-spec.lock.json"
REFERENCE = ROOT.parent / "shared" / "reference"
PLACEHOLDER = "TODO(spec_update)"


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(OURS.read_text())
    return document


@pytest.fixture(scope="module")
def synced() -> Spec:
    """The reference spec whose hash the lock file records."""
    wanted = json.loads(LOCK.read_text())["codat_spec_sha256"]
    for path in sorted(REFERENCE.glob("*.openapi.json")):
        spec = load(str(path))
        if spec.sha256 == wanted:
            return spec
    pytest.skip(f"the spec openapi/ was synced with ({wanted[:12]}) is not in {REFERENCE}")


def test_our_document_states_the_facts_of_the_spec_it_was_synced_with(
    ours: dict[str, Any], synced: Spec
) -> None:
    assert [str(d) for d in differences(ours, synced.root)] == []


def test_auth_scheme_matches_codat(ours: dict[str, Any], synced: Spec) -> None:
    keys = ("type", "in", "name")
    our_scheme = ours["components"]["securitySchemes"]["auth_header"]
    codat_scheme = synced.root["components"]["securitySchemes"]["auth_header"]
    assert {k: our_scheme[k] for k in keys} == {k: codat_scheme[k] for k in keys}
    assert ours["security"] == synced.root["security"]


def test_a_changed_flag_in_our_document_is_a_difference(ours: dict[str, Any], synced: Spec) -> None:
    changed = json.loads(json.dumps(ours))
    changed["components"]["schemas"]["Customer"]["properties"]["phone"]["nullable"] = False
    assert [str(d) for d in differences(changed, synced.root)] == ["Customer.phone: now nullable"]


def test_every_description_is_written_in_our_words() -> None:
    placeholders = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(OURS.read_text().splitlines(), start=1)
        if PLACEHOLDER in line
    ]
    assert placeholders == [], (
        "spec_update added these; describe each in our own words (not Codat's):\n"
        + "\n".join(placeholders)
    )

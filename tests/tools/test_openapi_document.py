"""Our OpenAPI document states the facts of the Codat spec it was last synced with.

``openapi/codat-spec.lock.json`` holds that spec's content hash, and
``openapi/codat-spec.trimmed.json`` the spec itself, cut to what the facts come
from, so these tests never depend on Codat's published specs being beside the
checkout (where they are, the kept part is checked against them). The
comparison is ``codegen.spec_facts``, the same one ``nox -s spec_diff`` prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from codegen.spec_facts import Document, Spec, content_hash, differences, load, trimmed

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "openapi" / "customers.yaml"
LOCK = ROOT / "openapi" / "codat-spec.lock.json"
TRIMMED = ROOT / "openapi" / "codat-spec.trimmed.json"
REFERENCE = ROOT.parent / "shared" / "reference"
PLACEHOLDER = "TODO(spec_update)"


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(OURS.read_text())
    return document


@pytest.fixture(scope="module")
def synced() -> Spec:
    """The spec openapi/ was synced with, as spec_update keeps it in openapi/ (trimmed)."""
    spec = load(str(TRIMMED))
    assert spec.sha256 == json.loads(LOCK.read_text())["codat_spec_sha256"], (
        "openapi/codat-spec.trimmed.json is not the spec the lock file names: run spec_update"
    )
    return spec


def test_the_kept_spec_is_codats_cut_to_what_we_bind() -> None:
    # Where the whole spec is at hand (this project's CI has it), the kept part must be
    # exactly what trimming it gives; elsewhere the kept part stands in for it.
    wanted = json.loads(LOCK.read_text())["codat_spec_sha256"]
    ours = yaml.safe_load(OURS.read_text())
    whole = [
        load(str(path)).root
        for path in sorted(REFERENCE.glob("*.openapi.json"))
        if content_hash(trimmed(load(str(path)).root, ours)) == wanted
    ]
    kept = load(str(TRIMMED)).root
    assert set(Document(kept).operations()) >= set(Document(ours).operations())
    for root in whole:
        assert trimmed(root, ours) == kept


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

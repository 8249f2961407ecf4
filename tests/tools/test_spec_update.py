"""spec_update: our document follows a Codat spec, keeps our words, and can go back.

The edits are checked on specs built from our own document; the round trip
runs the whole command (generator included) in a copy of the pipeline, on
Codat's 2023-09-22 spec and back to the current one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from codegen import api_diff
from codegen.spec_facts import Document, Spec, differences, load, report
from codegen.spec_update import PLACEHOLDER, add_to_changelog, apply, bump

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "openapi" / "customers.yaml"
REFERENCE = ROOT.parent / "shared" / "reference"
OLDER = REFERENCE / "codat-sync-for-expenses.2023-09-22.openapi.yaml"
OLDER_TRIMMED = ROOT / "tests" / "fixtures" / "codat-spec-2023-09-22.trimmed.json"
CURRENT = REFERENCE / "codat-sync-for-expenses.openapi.json"


def _ours() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())
    return document


def test_a_spec_with_our_facts_changes_nothing() -> None:
    text = DOCUMENT.read_text()
    retired: dict[str, Any] = {}
    assert apply(Document(_ours()), text, retired) == (text, [])
    assert retired == {}


def test_new_fields_schemas_and_parameters_get_a_placeholder_not_codats_prose() -> None:
    codat = _ours()
    codat["components"]["schemas"]["Customer"]["properties"]["loyalty"] = {
        "description": "Codat's words about loyalty.",
        "type": "object",
        "required": ["tier"],
        "properties": {"tier": {"type": "string", "enum": ["Gold", "Silver"]}},
    }
    codat["components"]["schemas"]["Metadata"]["properties"] = {"brandNew": {"type": "integer"}}
    operation = codat["paths"]["/companies/{companyId}/data/customers"]["get"]
    operation["parameters"].append(
        {"name": "includeDeleted", "in": "query", "schema": {"type": "boolean"}}
    )
    text, left = apply(Document(codat), DOCUMENT.read_text(), {})
    assert left == []
    assert "Codat's words" not in text
    updated = yaml.safe_load(text)
    assert differences(updated, codat) == []
    schemas = updated["components"]["schemas"]
    assert schemas["Customer"]["properties"]["loyalty"] == {
        "$ref": "#/components/schemas/CustomerLoyalty",
        "description": PLACEHOLDER,
    }
    assert schemas["CustomerLoyalty"]["description"] == PLACEHOLDER
    assert schemas["CustomerLoyaltyTier"]["enum"] == ["Gold", "Silver"]
    assert schemas["Metadata"]["properties"] == {
        "brandNew": {"type": "integer", "description": PLACEHOLDER}
    }
    assert "\n\n    CustomerLoyalty:\n      type: object\n" in text, (
        "a new schema is laid out as ours"
    )
    parameter = updated["components"]["parameters"]["includeDeleted"]
    assert parameter["description"] == PLACEHOLDER
    assert parameter["schema"] == {"type": "boolean"}
    assert apply(Document(codat), text, {}) == (text, [])


def test_what_codat_removes_comes_back_with_our_words_in_its_place() -> None:
    codat = _ours()
    del codat["components"]["schemas"]["Customer"]["properties"]["taxNumber"]
    codat["components"]["schemas"]["CustomerStatus"]["enum"].remove("Archived")
    original = DOCUMENT.read_text()
    retired: dict[str, Any] = {}
    without, _ = apply(Document(codat), original, retired)
    assert "taxNumber" not in without
    assert "Tax number, e.g. VAT." in retired["Customer.taxNumber"]["yaml"]
    restored, _ = apply(Document(_ours()), without, retired)
    assert restored == original
    assert retired == {}


def test_an_operation_codat_dropped_is_left_for_hands() -> None:
    codat = _ours()
    del codat["paths"]["/companies/{companyId}/data/customers/{customerId}"]
    text, left = apply(Document(codat), DOCUMENT.read_text(), {})
    assert text == DOCUMENT.read_text()
    assert [str(d) for d in left] == ["get-customer: operation removed"]


def test_a_schema_no_operation_reaches_is_retired() -> None:
    codat = _ours()
    del codat["components"]["schemas"]["Customer"]["properties"]["metadata"]
    retired: dict[str, Any] = {}
    text, _ = apply(Document(codat), DOCUMENT.read_text(), retired)
    assert "Metadata:" not in text
    assert set(retired) == {"Customer.metadata", "schemas/Metadata"}


def test_the_draft_goes_last_under_unreleased_and_only_once(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    add_to_changelog(changelog, "### Codat spec abc\n\n- one\n")
    assert changelog.read_text() == "# Changelog\n\n## Unreleased\n\n### Codat spec abc\n\n- one\n"
    changelog.write_text("# Changelog\n\n## Version policy\n\nSemver.\n\n## 0.1.0\n\n- first\n")
    add_to_changelog(changelog, "### Codat spec abc\n\n- one\n")
    add_to_changelog(changelog, "### Codat spec abc\n\n- one\n")
    add_to_changelog(changelog, "### Codat spec def\n\n- two\n")
    assert changelog.read_text() == (
        "# Changelog\n\n## Version policy\n\nSemver.\n\n## Unreleased\n\n"
        "### Codat spec abc\n\n- one\n\n### Codat spec def\n\n- two\n"
        "\n## 0.1.0\n\n- first\n"
    )


def test_the_suggested_bump_follows_semver_with_0x_minor_for_breaking() -> None:
    assert bump("0.1.0", breaking=True) == "0.2.0"
    assert bump("0.1.0", breaking=False) == "0.1.1"
    assert bump("1.4.2", breaking=True) == "2.0.0"
    assert bump("1.4.2", breaking=False) == "1.5.0"


def test_the_api_diff_names_classes_fields_and_members() -> None:
    old = (
        "import attrs\nimport enum\n@attrs.define\nclass A:\n    x: int\n    y: str | None = None\n"
    )
    old += "class E(str, enum.Enum):\n    ONE = 'one'\n"
    new = "import attrs\nimport enum\n@attrs.define\nclass A:\n    x: int | None\n"
    new += "class E(str, enum.Enum):\n    ONE = 'one'\n    TWO = 'two'\nclass B:\n    pass\n"
    assert [str(c).split(None, 1) for c in api_diff.compare(old, new)] == [
        ["breaking", "models.A.x: int (required) -> int | None (required)"],
        ["breaking", "models.A.y: removed (str | None = None)"],
        ["additive", "models.B: class added"],
        ["additive", "models.E.TWO: added ('two')"],
    ]


def _run_update(folder: Path, spec: Path) -> str:
    done = subprocess.run(  # noqa: S603 - our own module, run by this interpreter
        [sys.executable, "-m", "codegen.spec_update", str(spec)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _reference_specs() -> tuple[Spec, Spec]:
    """The spec our document was synced with, and Codat's 2023-09-22 one to go to and back,
    both as spec_update keeps them (cut to what we bind), so nothing here depends on the
    published specs being beside the checkout."""
    return load(str(ROOT / "openapi" / "codat-spec.trimmed.json")), load(str(OLDER_TRIMMED))


def test_to_another_spec_and_back_is_byte_identical(tmp_path: Path) -> None:
    synced, other = _reference_specs()
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for folder in ("openapi", "codegen", "tests/fixtures", "src/codat_sync_expenses"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    before = {path: path.read_bytes() for path in (tmp_path / "openapi").iterdir()}
    models = tmp_path / "src" / "codat_sync_expenses" / "models.py"
    old_models = models.read_bytes()
    (tmp_path / "other.json").write_text(json.dumps(other.root))
    (tmp_path / "synced.json").write_text(json.dumps(synced.root))

    version = tmp_path / "src" / "codat_sync_expenses" / "_version.py"
    old_version = version.read_text()
    there = _run_update(tmp_path, tmp_path / "other.json")
    assert "\n".join(report(differences(_ours(), other.root))) in there
    assert "Models' public API:" in there
    suggested = there.split("Suggested version: ")[1].split()[0]
    written = re.search(r'__version__ = "([^"]+)"', version.read_text())
    assert written is not None
    assert written[1] == suggested != re.findall(r'__version__ = "([^"]+)"', old_version)[0]
    assert models.read_bytes() != old_models

    back = _run_update(tmp_path, tmp_path / "synced.json")
    assert "Suggested version: " in back
    assert {path: path.read_bytes() for path in (tmp_path / "openapi").iterdir()} == before
    assert models.read_bytes() == old_models
    assert "no differences" in _run_update(tmp_path, tmp_path / "synced.json")
    assert {path: path.read_bytes() for path in (tmp_path / "openapi").iterdir()} == before
    assert models.read_bytes() == old_models
    assert (tmp_path / "CHANGELOG.md").read_text().count("### Codat spec") == 2


def test_codats_2023_spec_differs_from_the_current_one_as_contributing_md_shows() -> None:
    """CONTRIBUTING.md's example: our document, synced with the current spec, against 2023's."""
    _, other = _reference_specs()
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    shown = guide.split("Against Codat's 2023-09-22 spec")[1].split("```text\n")[1]
    shown_lines = [line.strip() for line in shown.split("```")[0].strip().splitlines()]
    assert shown_lines == list(report(differences(_ours(), other.root)))
    # The changes Codat made since: statuses, ErrorMessage.validation, PhoneNumber.number
    # required, DataType itemReceipts, allowSyncOnPushComplete and the 2,000 cap on a page's
    # pageSize; content's `additionalProperties: {}` against `true` allows the same values and
    # is no difference, and the ISO4217 format is stated by the current spec only.
    assert [line.split(":")[0].split()[-1] for line in shown_lines] == [
        "ErrorMessage.validation",
        "create-customer",
        "create-customer",
        "get-customer",
        "get-push-operation",
        "list-customers",
        "list-push-operations",
        "update-customer",
        "update-customer",
        "DataType",
        "PhoneNumber.number",
        "Customers.pageSize",
        "PushOperations.pageSize",
    ]

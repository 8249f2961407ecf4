"""spec_update: our document follows a Codat spec, keeps our words, and can go back.

The edits are checked on specs built from our own document; the round trip
runs the whole command (generator included) in a copy of the pipeline, on
Codat's 2023-09-22 spec and back to the current one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from codegen import api_diff
from codegen.spec_facts import Document, differences, load, report
from codegen.spec_update import PLACEHOLDER, add_to_changelog, apply, bump

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "openapi" / "customers.yaml"
REFERENCE = ROOT.parent / "shared" / "reference"
OLDER = REFERENCE / "codat-sync-for-expenses.2023-09-22.openapi.yaml"
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


def test_to_the_2023_spec_and_back_is_byte_identical(tmp_path: Path) -> None:
    if not (OLDER.exists() and CURRENT.exists()):
        pytest.skip(f"Codat's reference specs are not in {REFERENCE}")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for folder in ("openapi", "codegen", "tests/fixtures", "src/codat_sync_expenses"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    before = {path: path.read_bytes() for path in (tmp_path / "openapi").iterdir()}
    models = tmp_path / "src" / "codat_sync_expenses" / "models.py"
    old_models = models.read_bytes()

    there = _run_update(tmp_path, OLDER)
    for line in [
        "needs-code  ErrorMessage.validation: removed",
        "needs-code  create-customer: query parameter allowSyncOnPushComplete removed",
        "needs-code  list-customers: statuses 402, 403, 429, 500, 503 removed",
        "breaking    DataType: value 'itemReceipts' removed",
        "breaking    PhoneNumber.number: now required",
        "breaking    models.PhoneNumber.number: str | None = None -> str | None (required)",
        "Suggested version: 0.2.0 (breaking)",
    ]:
        assert line in there
    assert b"number: str | None\n" in models.read_bytes()

    back = _run_update(tmp_path, CURRENT)
    assert "needs-code  update-customer: query parameter allowSyncOnPushComplete added" in back
    assert "additive    models.ErrorMessage.validation: added (Validation | None = None)" in back
    assert {path: path.read_bytes() for path in (tmp_path / "openapi").iterdir()} == before
    assert models.read_bytes() == old_models
    assert "no differences" in _run_update(tmp_path, CURRENT)
    changelog = (tmp_path / "CHANGELOG.md").read_text()
    assert changelog.count("### Codat spec") == 2


def test_the_readme_shows_what_spec_diff_prints_against_the_2023_spec() -> None:
    if not OLDER.exists():
        pytest.skip(f"Codat's reference specs are not in {REFERENCE}")
    readme = (ROOT / "README.md").read_text()
    shown = readme.split("Against\n   Codat's 2023-09-22 spec")[1].split("```text\n")[1]
    shown = shown.split("```")[0]
    printed = report(differences(_ours(), load(str(OLDER)).root))
    assert [line.strip() for line in shown.strip().splitlines()] == list(printed)

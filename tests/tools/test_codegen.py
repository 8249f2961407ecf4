"""The model pipeline: attrs output, deterministic, and it follows spec changes.

Each test copies the pipeline's inputs (pyproject.toml, openapi/, codegen/) to a
temporary folder and runs the pinned datamodel-code-generator there, exactly as
``nox -s codegen`` does, so the checkout itself is never touched.
"""

from __future__ import annotations

import enum
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from codegen.fast_decoders import import_file

from codat_sync_expenses import models

ROOT = Path(__file__).resolve().parents[2]
GENERATED = Path("src/codat_sync_expenses/models.py")


def _generate(tmp_path: Path, edit: Any = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for folder in ("openapi", "codegen"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / GENERATED).parent.mkdir(parents=True)
    if edit is not None:
        spec = tmp_path / "openapi" / "customers.yaml"
        spec.write_text(edit(spec.read_text()))
    bin_dir = str(Path(sys.executable).parent)
    subprocess.run(
        [sys.executable, "-m", "datamodel_code_generator"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": bin_dir, "HOME": str(tmp_path)},
    )
    return tmp_path / GENERATED


# That the committed models are what the spec generates, byte for byte, is checked
# by `nox -s codegen_check` itself (`codegen.generate --check`). A clean checkout in
# another folder (CI's) also proves that the output carries no path and no date.


def test_the_generated_models_say_they_are_generated() -> None:
    header = (ROOT / GENERATED).read_text().splitlines()[:3]
    assert "Do not edit" in header[2], header


def test_a_changed_field_changes_the_generated_class(tmp_path: Path) -> None:
    def rename_and_retype(text: str) -> str:
        document = yaml.safe_load(text)
        properties = document["components"]["schemas"]["Customer"]["properties"]
        properties["madeUpField"] = {"type": "string", "nullable": True}
        first = _generate(tmp_path / "first", lambda _: yaml.safe_dump(document))
        assert "made_up_field: str | None" in first.read_text()
        properties["madeUpRenamed"] = {"type": "integer"}
        del properties["madeUpField"]
        return yaml.safe_dump(document)

    module = import_file(_generate(tmp_path / "second", rename_and_retype), "regenerated_models")
    fields = attrs.fields_dict(module.Customer)
    assert "made_up_field" not in fields
    assert fields["made_up_renamed"].metadata == {"json": "madeUpRenamed"}
    assert str(fields["made_up_renamed"].type) == "int | None"


def test_a_required_and_nullable_field_is_optional_with_no_default(tmp_path: Path) -> None:
    """Codat's 2023 spec had PhoneNumber.number so: `str` failed a whole page on a null."""

    def require_number(text: str) -> str:
        document = yaml.safe_load(text)
        document["components"]["schemas"]["PhoneNumber"]["required"] = ["number", "type"]
        return yaml.safe_dump(document)

    module = import_file(_generate(tmp_path, require_number), "regenerated_models")
    number = attrs.fields_dict(module.PhoneNumber)["number"]
    assert str(number.type) == "str | None"
    assert number.default is attrs.NOTHING


def test_models_are_keyword_only_attrs_classes() -> None:
    assert attrs.has(models.Customer)
    assert all(a.kw_only for a in attrs.fields(models.Customer))
    with pytest.raises(TypeError):
        models.Address(models.AddressType.BILLING)  # type: ignore[call-arg]


def test_json_names_are_carried_on_the_fields() -> None:
    fields = attrs.fields_dict(models.Customers)
    assert fields["links"].metadata == {"json": "_links"}
    assert fields["page_number"].metadata == {"json": "pageNumber"}
    assert attrs.fields_dict(models.Links)["self_"].metadata == {"json": "self"}


def test_enums_are_str_enums_and_datetimes_are_datetimes() -> None:
    assert issubclass(models.CustomerStatus, str)
    assert issubclass(models.CustomerStatus, enum.Enum)
    attrs.resolve_types(models.Customer)
    assert "datetime" in str(attrs.fields_dict(models.Customer)["modified_date"].type)


def test_a_deprecated_field_says_so_where_editors_and_help_show_it(tmp_path: Path) -> None:
    def deprecate_name(text: str) -> str:
        document = yaml.safe_load(text)
        document["components"]["schemas"]["Customer"]["properties"]["customerName"][
            "deprecated"
        ] = True
        return yaml.safe_dump(document)

    source = _generate(tmp_path, deprecate_name).read_text()
    assert ":ivar customer_name: Display name. Deprecated by Codat." in source
    assert '"""Display name. Deprecated by Codat."""' in source
    assert source.count("Deprecated by Codat.") == 2  # that field only


def test_the_models_all_lists_every_model_and_nothing_imported() -> None:
    from codat_sync_expenses import models

    defined = {
        name
        for name, value in vars(models).items()
        if isinstance(value, type) and value.__module__ == models.__name__
    }
    assert sorted(models.__all__) == sorted(defined)
    assert "attrs" not in models.__all__
    assert "datetime" not in models.__all__


def test_what_the_document_states_on_a_field_reaches_its_docstrings() -> None:
    from codegen.generate import MODELS, with_constraints

    from codat_sync_expenses import models

    assert "Format: ISO4217." in (models.Customer.__doc__ or "")  # Codat states it today
    assert "A 32-bit integer." in (models.PushOperation.__doc__ or "")
    stated = with_constraints(
        MODELS.read_text(), {("Customer", "customerName"): {"maxLength": 100}}
    )
    assert ":ivar customer_name: Display name. At most 100 characters." in stated
    assert '"""Display name. At most 100 characters."""' in stated
    assert stated.count("At most 100 characters.") == 2  # that field only

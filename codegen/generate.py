"""Everything generated from ``openapi/customers.yaml``: ``nox -s codegen`` runs this.

``--check`` only compares, and fails while a committed file is stale. Every
generator the document feeds belongs here, so that one command (and
``spec_update``) regenerates all of it.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from codegen import constraints, fast_decoders, queries

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src" / "codat_sync_expenses" / "models.py"
DOCUMENT = ROOT / "openapi" / "customers.yaml"
VERSION = ROOT / "src" / "codat_sync_expenses" / "_version.py"


def version() -> str:
    """The package's version, as ``_version.py`` states it."""
    found = re.search(r'__version__ = "([^"]+)"', VERSION.read_text())
    if found is None:
        raise ValueError(f"no __version__ in {VERSION}")
    return found.group(1)


def set_version(value: str) -> None:
    """Write ``value`` as the package's version (spec_update's suggestion)."""
    text = VERSION.read_text()
    VERSION.write_text(re.sub(r'__version__ = "[^"]+"', f'__version__ = "{value}"', text))


def main(argv: list[str]) -> int:
    """Regenerate the models (options in pyproject's [tool.datamodel-codegen]), then the
    fast decoders (codegen/fast_decoders.py) and query fields (codegen/queries.py)
    derived from those models, and the constraints table codegen/constraints.py
    reads from the document."""
    check = "--check" in argv
    with tempfile.TemporaryDirectory() as folder:
        # The generator's own entry point, with its options from pyproject.toml in ROOT;
        # it writes beside, and the models get their __all__ before they are compared.
        drafted = Path(folder) / "models.py"
        command = [sys.executable, "-m", "datamodel_code_generator", "--output", str(drafted)]
        failed = subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603
        if failed:
            return failed
        # Formatted again under ROOT: the draft, written outside it, missed our ruff settings.
        stated = constraints.constraints_of(yaml.safe_load(DOCUMENT.read_text()))
        text = with_all(with_constraints(drafted.read_text(), stated))
        text = fast_decoders.format_source(text, MODELS)
    stale = fast_decoders.write_or_check(MODELS, text, check=check)
    derived = (fast_decoders.main, constraints.main, queries.main)
    return max([stale, *(generate(check=check) for generate in derived)])


# How a field's docstring says what the document states beyond its type.
_SAYS = {
    "maxLength": "At most {} characters.",
    "minLength": "At least {} characters.",
    "pattern": "Matches ``{}``.",
    "minimum": "At least {}.",
    "maximum": "At most {}.",
    "exclusiveMinimum": "More than {}.",
    "exclusiveMaximum": "Less than {}.",
    "maxItems": "At most {} items.",
    "minItems": "At least {} items.",
    "format": "Format: {}.",
    "int32": "A 32-bit integer.",
}


def with_constraints(source: str, stated: dict[tuple[str, str], dict[str, Any]]) -> str:
    """``source`` with what the document states on each field (lengths, patterns, ranges,
    a format) added to the field's docstring and to its ``:ivar`` line."""
    for (schema, json_name), keywords in sorted(stated.items()):
        if (keywords.get("minimum"), keywords.get("maximum")) == (-(2**31), 2**31 - 1):
            keywords = {k: v for k, v in keywords.items() if k not in ("minimum", "maximum")}
            keywords["int32"] = True
        said = " ".join(_SAYS[k].format(v) for k, v in keywords.items() if k in _SAYS)
        if not said:
            continue
        block = re.search(rf"^class {schema}\b.*?(?=^class |\Z)", source, re.M | re.S)
        if block is None:
            continue
        body = block.group(0)
        # The field whose metadata names the JSON name (on its line or the next), or the
        # field of that very name.
        name = re.search(
            rf'^    (\w+): [^\n]*(?:\n        [^\n]*)?"json": "{json_name}"', body, re.M
        ) or re.search(rf"^    ({json_name}): ", body, re.M)
        if name is None:
            continue
        field = name.group(1)
        body = re.sub(
            rf"^(    :ivar {field}: .*?)$",
            functools.partial(_to_ivar, said=said),
            body,
            count=1,
            flags=re.M,
        )
        body = re.sub(
            rf'^(    {field}: [^\n]*\n(?:        [^\n]*\n    \)\n)?    """)(.*?)(""")',
            functools.partial(_to_docstring, said=said),
            body,
            count=1,
            flags=re.M | re.S,
        )
        source = source.replace(block.group(0), body)
    return source


def _to_ivar(found: re.Match[str], said: str) -> str:
    return _joined(found[1], said, "\n        ")


def _to_docstring(found: re.Match[str], said: str) -> str:
    return _joined(found[1] + found[2], said, "\n    ") + found[3]


def _joined(line: str, said: str, continuation: str) -> str:
    """``line`` and ``said``, on one line when it fits in 100 columns, else continued."""
    last = line.rpartition("\n")[2]
    return f"{line} {said}" if len(last) + len(said) + 4 <= 100 else f"{line}{continuation}{said}"


def with_all(source: str) -> str:
    """``source`` with an ``__all__`` of its classes, after the imports, so that a star
    import and the docs take the models and nothing the module imports."""
    names = re.findall(r"^class (\w+)", source, flags=re.MULTILINE)
    listing = "".join(f'    "{name}",\n' for name in sorted(names))
    block = f"__all__ = [\n{listing}]\n\n\n"
    first = re.search(r"^(class |@)", source, flags=re.MULTILINE)
    assert first is not None, "the generator wrote no class"
    return source[: first.start()] + block + source[first.start() :]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

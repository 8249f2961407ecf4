"""Everything generated from ``openapi/customers.yaml``: ``nox -s codegen`` runs this.

``--check`` only compares, and fails while a committed file is stale. Every
generator the document feeds belongs here, so that one command (and
``spec_update``) regenerates all of it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from codegen import constraints, fast_decoders, queries

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src" / "codat_sync_expenses" / "models.py"
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
        text = fast_decoders.format_source(with_all(drafted.read_text()), MODELS)
    stale = check and (not MODELS.exists() or MODELS.read_text() != text)
    if stale:
        print("stale generated code (run `nox -s codegen`): models.py", file=sys.stderr)
    elif not check:
        MODELS.write_text(text)
    derived = (fast_decoders.main, constraints.main, queries.main)
    return max([int(stale), *(generate(check=check) for generate in derived)])


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

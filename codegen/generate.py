"""Everything generated from ``openapi/customers.yaml``: ``nox -s codegen`` runs this.

``--check`` only compares, and fails while a committed file is stale. Every
generator the document feeds belongs here, so that one command (and
``spec_update``) regenerates all of it.
"""

from __future__ import annotations

import re
import subprocess
import sys
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
    check = ["--check"] if "--check" in argv else []
    # The generator's own entry point; it reads its options from pyproject.toml in ROOT.
    command = [sys.executable, "-m", "datamodel_code_generator", *check]
    models = subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603
    if models != 0:
        return models
    derived = (fast_decoders.main, constraints.main, queries.main)
    return max([generate(check=bool(check)) for generate in derived])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

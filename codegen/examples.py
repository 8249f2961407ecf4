"""Codat's published examples of the operations we bind, as ``tests/fixtures/codat_examples.json``.

``python -m codegen.examples SPEC`` re-extracts them from a Codat spec (path or
URL); ``spec_update`` does it on every sync, so the fixture is never hand-copied.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from .spec_facts import Document, load

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "openapi" / "customers.yaml"
FIXTURE = ROOT / "tests" / "fixtures" / "codat_examples.json"


def extract(codat: dict[str, Any], ours: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each bound operation's named 200 examples, in our document's operation order."""
    theirs = Document(codat).operations()
    found = {}
    for op_id in Document(ours).operations():
        if op_id not in theirs:
            continue
        success = Document(codat).resolve(theirs[op_id][2]["responses"].get("200", {}))
        media = success.get("content", {}).get("application/json", {})
        named = {name: example["value"] for name, example in media.get("examples", {}).items()}
        if named:
            found[op_id] = named
    return found


def write(codat: dict[str, Any]) -> None:
    """Replace the fixture with the examples of ``codat``."""
    ours = yaml.safe_load(DOCUMENT.read_text())
    text = json.dumps(extract(codat, ours), indent=1, ensure_ascii=False)
    FIXTURE.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write(load(sys.argv[1]).root)

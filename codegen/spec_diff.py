"""``nox -s spec_diff -- SPEC``: what a Codat spec states otherwise than our document.

SPEC is a path or an http(s) URL of Codat's Sync for Expenses spec. Prints one
line per difference in the facts of the operations and schemas we bind, tagged
needs-code (hand-written code must follow), breaking or additive (for apps that
use the SDK). Exits 0 when there is none, 1 when there are.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from .spec_facts import differences, load, report

DOCUMENT = Path(__file__).resolve().parents[1] / "openapi" / "customers.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", help="path or http(s) URL of Codat's Sync for Expenses spec")
    args = parser.parse_args(argv)
    found = differences(yaml.safe_load(DOCUMENT.read_text()), load(args.spec).root)
    print("\n".join(report(found)) or f"{args.spec}: no differences in the facts we bind")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

"""The documentation site builds (into build/site/), and its Models page documents every
field and enum member.

Run by `nox -s docs` with its own pytest.ini (not by the test sessions): it needs the docs
group, not the package.
"""

from __future__ import annotations

import ast
import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "src" / "codat_sync_expenses" / "models.py"


def _documented_members() -> dict[str, str | None]:
    """``Class.member`` -> the member's docstring (None for an enum member), from the source."""
    members: dict[str, str | None] = {}
    for node in ast.parse(MODELS.read_text()).body:
        if not isinstance(node, ast.ClassDef):
            continue
        body = node.body
        for i, statement in enumerate(body):
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                following = body[i + 1] if i + 1 < len(body) else None
                value = following.value if isinstance(following, ast.Expr) else None
                doc = value.value if isinstance(value, ast.Constant) else None
                members[f"{node.name}.{statement.target.id}"] = doc if isinstance(doc, str) else ""
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        members[f"{node.name}.{target.id}"] = None
    return members


@pytest.fixture(scope="module")
def site() -> Path:
    built = ROOT / "build" / "site"
    subprocess.run(  # noqa: S603 - mkdocs from this session's own environment
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(built)],
        cwd=ROOT,
        check=True,
    )
    return built


@pytest.fixture(scope="module")
def models_page(site: Path) -> str:
    return (site / "reference" / "models" / "index.html").read_text()


def test_every_model_field_is_on_the_models_page_with_its_description(models_page: str) -> None:
    members = _documented_members()
    fields = {name: doc for name, doc in members.items() if doc is not None}
    assert len(fields) > 50, "the source has fewer fields than the models hold"
    assert [name for name, doc in fields.items() if not doc] == [], "a field has no docstring"
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", models_page)))
    missing = [
        name
        for name, doc in fields.items()
        if f'id="codat_sync_expenses.models.{name}"' not in models_page or doc not in text
    ]
    assert missing == []


def test_every_enum_member_is_on_the_models_page(models_page: str) -> None:
    enum_members = [name for name, doc in _documented_members().items() if doc is None]
    assert "CustomerStatus.ARCHIVED" in enum_members
    missing = [m for m in enum_members if f'id="codat_sync_expenses.models.{m}"' not in models_page]
    assert missing == []


def test_the_fake_servers_page_shows_the_calls_it_inherits_from_its_harness(site: Path) -> None:
    page = (site / "reference" / "testing" / "index.html").read_text()
    calls = ["add_customers", "inject", "requests_for", "traffic", "wait_for_requests", "stop"]
    prefix = "codat_sync_expenses.testing.FakeCodatServer."
    assert [call for call in calls if f'id="{prefix}{call}"' not in page] == []

"""Every developer and CI task: `nox` runs what CI runs; `nox -s NAME` one task."""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.2.9"
nox.options.sessions = ["lint", "typecheck", "codegen_check", "tests"]
nox.options.reuse_existing_virtualenvs = True
# uv builds a venv in well under a second; plain virtualenv where uv is missing.
nox.options.default_venv_backend = "uv|virtualenv"

PYPROJECT = nox.project.load_toml("pyproject.toml")


def _groups(*names: str) -> list[str]:
    return [req for name in names for req in nox.project.dependency_groups(PYPROJECT, name)]


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check over everything, generated models included."""
    session.install(*_groups("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, tests, examples, benchmarks and this file."""
    session.install("-e", ".[speed]", *_groups("typecheck", "test"), "nox")
    session.run("mypy")


@nox.session
def codegen(session: nox.Session) -> None:
    """Regenerate the attrs models from openapi/ (`-- --check` only compares)."""
    session.install(*_groups("codegen"))
    session.run("datamodel-codegen", *session.posargs)


@nox.session(name="codegen_check")
def codegen_check(session: nox.Session) -> None:
    """Fail when the committed models differ from what openapi/ generates."""
    session.install(*_groups("codegen"))
    session.run("datamodel-codegen", "--check")


@nox.session
@nox.parametrize("extras", ["speed", "none"])
def tests(session: nox.Session, extras: str) -> None:
    """The test suite, with the orjson extra and without it."""
    package = ".[speed]" if extras == "speed" else "."
    session.install("-e", package, *_groups("test", "codegen"))
    session.run("pytest", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """The SDK against its embedded fake Codat server: no API key, no network."""
    session.install(".")
    session.run("python", "examples/demo.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against raw aiohttp and Codat's official SDK (`-- --quick`, `-- --profile`)."""
    session.install(".[speed]", "codat-sync-for-expenses==9.0.0")
    session.run("python", "benchmarks/run.py", *session.posargs)

"""Every developer and CI task: `nox` runs what CI runs; `nox -s NAME` one task.

The sessions that need the package installed (tests, fuzzing, type and codegen
checks) install the wheel that `package` builds, not the source tree, so what is
tested is what users get. Every session runs at once: a test session
waits (on sockets, subprocesses, timeouts) about half of its time, so the others
fill two cores around it. An interpreter this machine lacks is skipped with a
note, except on CI.
"""

from __future__ import annotations

import glob
import shutil
import tarfile
import zipfile
from pathlib import Path

import nox
from packaging.requirements import Requirement

nox.needs_version = ">=2026.10.20"  # the first with --parallel and requires= scheduling
nox.options.sessions = [
    "lint",
    "typecheck",
    "codegen_check",
    "package",
    "tests",
    "tests_lowest",
    "fuzz_fake",
    "docs",
]
nox.options.reuse_existing_virtualenvs = True
# uv builds a venv in well under a second; plain virtualenv where uv is missing.
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.parallel = 10
nox.options.allow_parallel = True

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS = nox.project.python_versions(PYPROJECT)
DIST = Path("dist")
# What depends on the Python version and the extras; codegen_check runs tests/tools/.
RUNTIME_TESTS = ("--ignore", "tests/tools")
EXTRAS = ",".join(PYPROJECT["project"]["optional-dependencies"])


def _groups(*names: str) -> list[str]:
    return [req for name in names for req in nox.project.dependency_groups(PYPROJECT, name)]


def _wheel(session: nox.Session) -> str:
    """The wheel `package` built; tests install it instead of the checkout."""
    wheels = glob.glob(str(DIST / "*.whl"))
    if len(wheels) != 1:
        session.error(f"expected one wheel in {DIST}/ (run `nox -s package` first): {wheels}")
    return wheels[0]


def _install_wheel(session: nox.Session, extras: str, *requirements: str) -> None:
    wheel = f"codat-sync-expenses[{extras}] @ {Path(_wheel(session)).resolve().as_uri()}"
    if session.venv_backend == "uv":
        # The wheel's name and version stay the same between builds: reinstall it.
        session.install("--reinstall-package", "codat-sync-expenses", wheel, *requirements)
    else:
        session.install("--force-reinstall", "--no-deps", wheel)
        session.install(wheel, *requirements)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check over everything, generated models included."""
    session.install(*_groups("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(requires=["package"])
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, tests, examples, benchmarks, codegen/ and this file.

    mypy reads the package from src/; the wheel brings the dependencies it types against.
    """
    _install_wheel(session, EXTRAS, *_groups("typecheck", "test", "codegen"), "nox")
    session.run("mypy")


@nox.session
def codegen(session: nox.Session) -> None:
    """Regenerate everything generated from openapi/ (`-- --check` only compares)."""
    session.install(*_groups("codegen"))
    session.run("python", "-m", "codegen.generate", *session.posargs)


@nox.session(name="codegen_check", requires=["package"])
def codegen_check(session: nox.Session) -> None:
    """Fail when a committed generated file differs from what openapi/ generates.

    Then tests/tools/: the generator's and spec tools' tests, which do not
    depend on the Python version or the extras, so the test sessions skip them.
    """
    _install_wheel(session, "", *_groups("test", "codegen"))
    session.run("python", "-m", "codegen.generate", "--check")
    session.run("pytest", "tests/tools", *session.posargs)


@nox.session(name="spec_diff")
def spec_diff(session: nox.Session) -> None:
    """What a Codat spec (`-- PATH_OR_URL`) states otherwise than openapi/; exit 1 if anything."""
    session.install(*_groups("codegen"))
    session.run("python", "-m", "codegen.spec_diff", *session.posargs)


@nox.session(name="spec_update")
def spec_update(session: nox.Session) -> None:
    """Sync openapi/ with a Codat spec (`-- PATH_OR_URL`), regenerate, report, draft CHANGELOG."""
    session.install(*_groups("codegen"))
    session.run("python", "-m", "codegen.spec_update", *session.posargs)


@nox.session
def package(session: nox.Session) -> None:
    """Build the sdist and, from it, the wheel; check their metadata and contents."""
    shutil.rmtree(DIST, ignore_errors=True)
    session.install(*_groups("package"))
    session.run("python", "-m", "build", "--installer=uv", "--outdir", str(DIST))
    artifacts = sorted(glob.glob(str(DIST / "*")))
    session.run("twine", "check", "--strict", *artifacts)
    _check_artifacts(session, artifacts)


def _check_artifacts(session: nox.Session, artifacts: list[str]) -> None:
    """Both artifacts carry the license, the typing marker and the generated models."""
    for artifact in artifacts:
        if artifact.endswith(".whl"):
            with zipfile.ZipFile(artifact) as wheel:
                names = wheel.namelist()
        else:
            with tarfile.open(artifact) as sdist:
                names = sdist.getnames()
        required = ("LICENSE", "codat_sync_expenses/py.typed", "codat_sync_expenses/models.py")
        missing = [name for name in required if not any(n.endswith(name) for n in names)]
        if missing:
            session.error(f"{artifact} lacks {missing}")
        size = Path(artifact).stat().st_size
        session.log(f"{artifact}: {size:,} bytes, {len(names)} files")


# Each Python but the oldest (tests_lowest has it) at the latest releases, all with every
# extra but one, which has none, as `pip install codat-sync-expenses` gives: the standard
# library's JSON path. One session fewer than both installs on each Python.
NO_EXTRAS_PYTHON = PYTHONS[2]
_LATEST = [
    nox.param(python, "", id=f"{python}-no-extras")
    if python == NO_EXTRAS_PYTHON
    else nox.param(python, EXTRAS, id=python)
    for python in PYTHONS[1:]
]


@nox.session(requires=["package"])
@nox.parametrize(("python", "extras"), _LATEST)
def tests(session: nox.Session, extras: str) -> None:
    """The test suite against the built wheel at the latest releases, with ``extras`` installed."""
    _install_wheel(session, extras, *_groups("test"))
    _pytest(session)


@nox.session(requires=["package"])
@nox.parametrize("python", [PYTHONS[0], PYTHONS[-1]])
def tests_lowest(session: nox.Session) -> None:
    """The suite on the oldest and the newest Python, every dependency at its declared floor.

    It proves that the declared minimums install a working SDK on both ends of the
    supported range; where a floor differs by Python (no wheels for a new Python before
    some release), pyproject.toml says so with an environment marker, and each run takes
    the floors whose markers hold for its interpreter.
    """
    floors = _floors(str(session.python))
    constraints = session.create_tmp() + "/floors.txt"
    Path(constraints).write_text("\n".join(floors) + "\n")
    session.log("floors: " + ", ".join(floors))
    _install_wheel(session, EXTRAS, "-c", constraints, *_groups("test"))
    _pytest(session)


def _pytest(session: nox.Session) -> None:
    """The runtime tests; the oldest and the newest Python run them in reverse order."""
    reversed_order = session.python in (PYTHONS[0], PYTHONS[-1])
    env = {"CODAT_TESTS_ORDER": "reversed"} if reversed_order else {}
    session.run("pytest", *RUNTIME_TESTS, *session.posargs, env=env)


def _floors(python: str) -> list[str]:
    """Each runtime or extra ``name>=X`` whose marker holds on ``python``, as ``name==X``."""
    project = PYPROJECT["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements.extend(extra)
    environment = {"python_version": python, "python_full_version": f"{python}.0"}
    floors = []
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != ">=":
            raise ValueError(f"a runtime requirement needs a plain >= floor: {line!r}")
        floors.append(f"{requirement.name}=={specifiers[0].version}")
    return floors


@nox.session(requires=["package"])
def fuzz_fake(session: nox.Session) -> None:
    """schemathesis with Codat's published spec against the standalone fake, fixed seed."""
    _install_wheel(session, "", *_groups("fuzz"))
    session.run("python", "tests/fuzz/run.py")


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, warnings as errors, into build/site/ (`-- serve` to preview
    it); tests/docs/ builds it and checks that the Models page documents every field."""
    session.install(*_groups("docs"))  # mkdocstrings reads src/ statically
    if session.posargs == ["serve"]:
        session.run("mkdocs", "serve")
    else:
        session.run("pytest", "-c", "tests/docs/pytest.ini", "tests/docs")


@nox.session
def demo(session: nox.Session) -> None:
    """The SDK against its embedded fake Codat server: no API key, no network."""
    session.install(".")
    session.run("python", "examples/demo.py")


@nox.session
def bench(session: nox.Session) -> None:
    """This SDK against raw aiohttp, the official SDK and an openapi-python-client client,
    then pushes over TLS with 20 ms of round trip against raw aiohttp, then what a
    concurrency slot shared through Redis adds to a call (needs redis-server), then
    what the pytest plugin adds to the start-up of a project that does not use it."""
    peers = ["codat-sync-for-expenses==9.0.0", "openapi-python-client==0.29.1"]
    session.install(f".[{EXTRAS}]", *peers, "pytest>=8.4")  # pytest: the plugin start-up part
    session.run("python", "benchmarks/run.py", *session.posargs)
    session.run("python", "benchmarks/network.py", *session.posargs)
    session.run("python", "benchmarks/limiter.py", *session.posargs)
    session.run("python", "benchmarks/plugin_startup.py", *session.posargs)

"""Run nox from the checkout's own venv: ``python3 dev.py [nox arguments]``.

The first run makes ``.venv`` with nox and uv in it; later runs go straight to nox.
It needs only Python 3.10+ and its venv module. Where the Python running it has a
pip, the venv gets none of its own (making one costs more than all the rest): that
pip installs uv into the venv, and uv installs nox.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BIN = ROOT / ".venv" / "bin"
# What the venv holds; a venv made from another list is brought up to this one.
TOOLS = ("nox>=2026.10.20", "uv")
STAMP = ROOT / ".venv" / "dev-tools.txt"


def main() -> None:
    """Make or update the venv when needed, then become its nox, in the checkout."""
    stamp = STAMP.read_text() if STAMP.exists() else ""
    if not (BIN / "nox").exists() or stamp != "\n".join(TOOLS):
        if not (BIN / "uv").exists():
            _venv_with_uv()
        _run(BIN / "uv", "pip", "install", "-q", "--python", BIN / "python", "-U", *TOOLS)
        STAMP.write_text("\n".join(TOOLS))
    _every_pyenv_python()
    os.chdir(ROOT)
    os.execv(BIN / "nox", [str(BIN / "nox"), *sys.argv[1:]])  # noqa: S606 - the venv's own nox


def _venv_with_uv() -> None:
    if importlib.util.find_spec("pip") is not None:
        venv.create(ROOT / ".venv", clear=True)
        # pip 22.3+ installs into another environment, a venv even where this one is
        # externally managed (PEP 668).
        this_pip: list[str | Path] = [sys.executable, "-m", "pip", "--python", BIN / "python"]
        if subprocess.run([*this_pip, "install", "-q", "uv"], check=False).returncode == 0:  # noqa: S603
            return
    # No pip here (Debian's python3 without python3-pip), or one without --python.
    venv.create(ROOT / ".venv", clear=True, with_pip=True)
    _run(BIN / "python", "-m", "pip", "install", "-q", "uv")


def _every_pyenv_python() -> None:
    """Let nox find every Python 3.10-3.13 that pyenv has, not only the one it has active."""
    if shutil.which("pyenv") is None:
        return
    active = _output("pyenv", "version-name").split(":")[0]
    installed = _output("pyenv", "versions", "--bare", "--skip-aliases").split()
    supported = [v for v in installed if re.match(r"3\.1[0-3]\.\d+$", v) and v != active]
    os.environ["PYENV_VERSION"] = ":".join([active, *supported])  # the active one stays first


def _output(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()  # noqa: S603


def _run(*command: str | Path) -> None:
    subprocess.run(command, check=True)  # noqa: S603 - pip and uv of our own venv


if __name__ == "__main__":
    main()

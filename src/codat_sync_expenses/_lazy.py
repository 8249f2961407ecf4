"""Names a package imports on first use (PEP 562), so that importing it stays cheap.

pytest loads the SDK's plugin in every project that installs it: the package and
``testing`` must not import aiohttp until a name that needs it is asked for.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def loader(package: str, homes: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``homes`` maps each public name to the
    module defining it (relative; a submodule's own name gives the submodule)."""

    def attribute(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(home, package)
        value = module if home == f".{name}" else getattr(module, name)
        setattr(sys.modules[package], name, value)  # looked up once
        return value

    return attribute

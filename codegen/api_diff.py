"""The public API difference between two versions of the generated models.

Classes, enum members, fields and their types and defaults, each added,
removed or changed, and whether the change breaks code that uses the models.
"""

from __future__ import annotations

import enum
import sys
import types
from dataclasses import dataclass
from typing import Any

import attrs


@dataclass(frozen=True)
class Change:
    """One change to a public name of ``codat_sync_expenses.models``."""

    name: str
    change: str
    breaking: bool

    def __str__(self) -> str:
        return (
            f"{'breaking' if self.breaking else 'additive':<10}  models.{self.name}: {self.change}"
        )


def _load(source: str) -> dict[str, Any]:
    module = types.ModuleType("codat_sync_expenses_models_snapshot")
    sys.modules[module.__name__] = module  # attrs and enum look their module up
    try:
        exec(compile(source, "models.py", "exec"), module.__dict__)  # noqa: S102 - our own file
    finally:
        del sys.modules[module.__name__]
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, type) and value.__module__ == module.__name__
    }


def _surface(cls: Any) -> dict[str, str]:
    """What a class offers: enum members with values, or fields with type and default."""
    if issubclass(cls, enum.Enum):
        return {member.name: repr(member.value) for member in cls}
    if not attrs.has(cls):
        return {}
    surface = {}
    for field in attrs.fields(cls):
        required = field.default is attrs.NOTHING
        surface[field.name] = f"{field.type}" + (
            " (required)" if required else f" = {field.default!r}"
        )
    return surface


def compare(old_source: str, new_source: str) -> list[Change]:
    """What changed between two models.py texts, class by class."""
    old, new = _load(old_source), _load(new_source)
    changes = [Change(name, "class removed", True) for name in old if name not in new]
    changes += [Change(name, "class added", False) for name in new if name not in old]
    for name in old.keys() & new.keys():
        before, after = _surface(old[name]), _surface(new[name])
        bases = (
            [b.__name__ for b in old[name].__bases__],
            [b.__name__ for b in new[name].__bases__],
        )
        if bases[0] != bases[1]:
            changes.append(Change(name, f"bases {bases[0]} -> {bases[1]}", True))
        for member in before.keys() - after.keys():
            changes.append(Change(f"{name}.{member}", f"removed ({before[member]})", True))
        for member in after.keys() - before.keys():
            required = after[member].endswith("(required)")
            changes.append(Change(f"{name}.{member}", f"added ({after[member]})", required))
        for member in before.keys() & after.keys():
            if before[member] != after[member]:
                change = f"{before[member]} -> {after[member]}"
                changes.append(Change(f"{name}.{member}", change, True))
    return sorted(changes, key=lambda c: (not c.breaking, c.name))

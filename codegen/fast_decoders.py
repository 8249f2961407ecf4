"""Generate the fast decoders from the generated attrs models (``codegen/generate.py`` runs it).

Two private modules come out, both derived field by field from
``src/codat_sync_expenses/models.py`` so that a spec change regenerates them too:

- ``_fast_dicts.py``: one straight-line builder per model, from decoded JSON
  (dicts) to the attrs instance, stored slot by slot (no new dependency);
- ``_fast_mirror.py``: a msgspec Struct mirror of the models (enums and
  datetimes as str) and builders from it (used when msgspec is installed).

Every builder either returns what the cattrs converter returns for the same
input or raises; ``_decode.py`` then falls back to the converter, which owns
the error messages. Anything these builders do not know (datetimes, dicts,
``Any``) goes through the converter's own hook for that type.

``--check`` compares instead of writing and fails when a file is stale
(``nox -s codegen_check``).
"""

from __future__ import annotations

import argparse
import enum
import importlib.util
import re
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "codat_sync_expenses"
MODELS = PACKAGE / "models.py"
PRIMITIVES = (str, int, float, bool)
# Leaves the mirror decodes as str and hands to the converter's hook unchanged.
STR_LEAVES = (datetime,)
HEADER = """\
# Generated from src/codat_sync_expenses/models.py by `nox -s codegen`
# (codegen/fast_decoders.py). Do not edit: change the OpenAPI document and regenerate.
"""


def import_file(path: Path, name: str) -> types.ModuleType:
    """Import the module at ``path`` under ``name`` without leaving it in sys.modules."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _optional_inner(tp: Any) -> Any | None:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return None


class Names:
    """Module-level names the generated code uses, declared once each, in first-use order."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._seen: set[str] = set()

    def declare(self, name: str, value: str) -> str:
        if name not in self._seen:
            self._seen.add(name)
            self.lines.append(f"{name} = {value}")
        return name


def _type_text(tp: Any) -> str:
    """Python source naming a runtime type, for the converter's hook lookups."""
    if tp is type(None):
        return "None"
    if tp is Any:
        return "Any"
    inner = _optional_inner(tp)
    if inner is not None:
        return f"{_type_text(inner)} | None"
    origin = typing.get_origin(tp)
    if origin is not None:
        return f"{origin.__name__}[{', '.join(_type_text(a) for a in typing.get_args(tp))}]"
    if attrs.has(tp) or (isinstance(tp, type) and issubclass(tp, enum.Enum)):
        return f"_m.{tp.__name__}"
    if tp in (*PRIMITIVES, *STR_LEAVES):
        return str(tp.__name__)
    raise SystemExit(f"fast_decoders: no way to name {tp!r}; teach codegen/fast_decoders.py")


class Builders:
    """Renders the expression that turns one JSON value into a model value.

    ``source`` says where the value comes from: ``"dict"`` (decoded JSON) or
    ``"mirror"`` (a msgspec Struct, whose primitives are already checked).
    """

    def __init__(self, source: str, names: Names) -> None:
        self.source = source
        self.names = names

    def hook(self, tp: Any) -> str:
        text = _type_text(tp)
        slug = re.sub(r"\W+", "_", _snake(text.replace("_m.", ""))).strip("_").replace("__", "_")
        return self.names.declare(f"_{slug}_hook", f"_hook({text})")

    def expr(self, tp: Any, var: str, depth: int = 0) -> str:
        inner = _optional_inner(tp)
        if inner is not None and self.source == "mirror" and _is_raw_leaf(inner):
            # The mirror holds raw JSON, null included: the hook of the optional type reads it.
            return f"{self.hook(tp)}(_json(bytes({var})), {_type_text(tp)})"
        if inner is not None:
            if inner in PRIMITIVES:
                if self.source == "mirror":
                    return var
                name = inner.__name__
                return (
                    f"{var} if {var} is None or type({var}) is {name} "
                    f"else {self.hook(inner)}({var}, {name})"
                )
            return f"None if {var} is None else {self.expr(inner, var, depth)}"
        if tp in PRIMITIVES:
            if self.source == "mirror":
                return var
            name = tp.__name__
            return f"{var} if type({var}) is {name} else {self.hook(tp)}({var}, {name})"
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            members = self.names.declare(
                f"_{_snake(tp.__name__)}_members", f"{{m.value: m for m in _m.{tp.__name__}}}"
            )
            return (
                f"{members}[{var}] if {var} in {members} "
                f"else {self.hook(tp)}({var}, _m.{tp.__name__})"
            )
        if attrs.has(tp):
            return f"_{_snake(tp.__name__)}({var})"
        if typing.get_origin(tp) is list:
            (item,) = typing.get_args(tp)
            x = f"x{depth}"
            items = var if self.source == "mirror" else f"_as_list({var})"
            return f"[{self.expr(item, x, depth + 1)} for {x} in {items}]"
        if self.source == "mirror" and tp not in STR_LEAVES:
            return f"{self.hook(tp)}(_json(bytes({var})), {_type_text(tp)})"
        return f"{self.hook(tp)}({var}, {_type_text(tp)})"

    def function(self, cls: type, *, items_field: str | None = None) -> Iterator[str]:
        """The builder of ``cls``; with ``items_field``, that field comes prebuilt as ``items``."""
        name = f"_{_snake(cls.__name__)}"
        source = "d: Any" if self.source == "dict" else f"s: {_mirror_name(cls)}"
        if items_field is None:
            yield f"def {name}({source}) -> _m.{cls.__name__}:"
        else:
            yield f"def {name}_with_items({source}, items: Any) -> _m.{cls.__name__}:"
        body = [f"    o = _new(_m.{cls.__name__})"]
        for field in attrs.fields(cls):
            if field.name == items_field:
                body.append(f"    o.{field.name} = items")
                continue
            if self.source == "mirror":
                value = f"s.{field.name}"
            elif field.default is attrs.NOTHING:
                value = f"d[{_json_name(field)!r}]"
            else:
                value = f"get({_json_name(field)!r})"
            converted = self.expr(field.type, "v")
            if converted == "v":
                body.append(f"    o.{field.name} = {value}")
            else:
                body += [f"    v = {value}", f"    o.{field.name} = {converted}"]
        if self.source == "dict":
            # Anything but an object is a misfit the caller expects (TypeError), where
            # d.get or d[...] would raise AttributeError, which means a bug.
            yield "    if type(d) is not dict:"
            yield "        raise TypeError('not an object')"
        if any("get(" in line for line in body):
            yield "    get = d.get"
        if self.source == "mirror" and any(line.startswith("    v = ") for line in body):
            yield "    v: Any"  # one name for values of every type
        yield from body
        yield "    return o"


def _json_name(field: attrs.Attribute[Any]) -> str:
    return str(field.metadata.get("json", field.name))


def _mirror_name(cls: type) -> str:
    return f"{cls.__name__}JSON"


def _check_buildable(cls: type) -> None:
    """Slot stores skip __init__: refuse models whose __init__ does more than store."""
    for hook in ("__attrs_pre_init__", "__attrs_post_init__"):
        if hasattr(cls, hook):
            raise SystemExit(f"fast_decoders: {cls.__name__} has {hook}; builders would skip it")
    for field in attrs.fields(cls):
        if field.validator is not None or field.converter is not None or field.init is False:
            raise SystemExit(f"fast_decoders: {cls.__name__}.{field.name} is not a plain field")
        if field.default is not attrs.NOTHING and field.default is not None:
            raise SystemExit(f"fast_decoders: {cls.__name__}.{field.name} defaults to non-None")


def _item_list_field(cls: type, classes: list[type]) -> attrs.Attribute[Any] | None:
    """The field a big body is built in slices over: a top-level model's one list of models."""
    held = {leaf for other in classes for f in attrs.fields(other) for leaf in _leaves(f.type)}
    if cls in held:
        return None
    found = [
        f
        for f in attrs.fields(cls)
        if f.default is None
        and typing.get_origin(inner := _optional_inner(f.type)) is list
        and attrs.has(typing.get_args(inner)[0])
    ]
    return found[0] if len(found) == 1 else None


def _leaves(tp: Any) -> Iterator[Any]:
    args = typing.get_args(tp)
    if not args:
        yield tp
    for arg in args:
        yield from _leaves(arg)


def _models(module: types.ModuleType) -> list[type]:
    classes = [v for v in vars(module).values() if isinstance(v, type) and attrs.has(v)]
    for cls in classes:
        attrs.resolve_types(cls, globalns=vars(module))
        _check_buildable(cls)
    return classes


def render_dicts(classes: list[type]) -> str:
    names = Names()
    builders = Builders("dict", names)
    functions: list[str] = []
    sliced: list[str] = []
    for cls in classes:
        functions += ["", "", *builders.function(cls)]
        field = _item_list_field(cls, classes)
        if field is not None:
            functions += ["", "", *builders.function(cls, items_field=field.name)]
            snake = _snake(cls.__name__)
            functions += [
                "",
                "",
                f"def _{snake}_items(d: Any) -> tuple[Any, Any]:",
                f"    return d, d.get({_json_name(field)!r})",
            ]
            item = typing.get_args(_optional_inner(field.type))[0]
            sliced.append(
                f"    _m.{cls.__name__}: (_{snake}_items, _{_snake(item.__name__)}, "
                f"_{snake}_with_items),"
            )
    return "\n".join(
        [
            HEADER,
            '"""Straight-line builders of the models from decoded JSON, one per model."""',
            "",
            "from __future__ import annotations",
            "",
            "from collections.abc import Callable",
            "from datetime import datetime",
            "from typing import Any",
            "",
            "from . import models as _m",
            "from ._converter import structure_hook as _hook",
            "",
            "__all__ = ['BUILDERS', 'SLICED']",
            "",
            "_new = object.__new__",
            *names.lines,
            "",
            "",
            "def _as_list(value: Any) -> list[Any]:",
            "    if type(value) is not list:",
            "        raise TypeError('not a list')",
            "    return value",
            *functions,
            "",
            "",
            "# Model class -> builder from decoded JSON.",
            "BUILDERS: dict[type, Callable[[Any], Any]] = {",
            *(f"    _m.{cls.__name__}: _{_snake(cls.__name__)}," for cls in classes),
            "}",
            "# Model class -> (split into the whole and its item list, item builder,",
            "# builder of the whole from its built items): for building big pages in slices.",
            "SLICED: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any, Any], Any]]] = {",  # noqa: E501
            *sliced,
            "}",
            "",
        ]
    )


def _is_raw_leaf(tp: Any) -> bool:
    """A type the mirror keeps as raw JSON for the converter's hook (msgspec.Raw)."""
    known = (*PRIMITIVES, *STR_LEAVES)
    return not (
        tp in known
        or (isinstance(tp, type) and issubclass(tp, enum.Enum))
        or attrs.has(tp)
        or typing.get_origin(tp) is list
    )


def _mirror_type(tp: Any, *, raw_items: bool = False) -> str:
    inner = _optional_inner(tp)
    if inner is not None and _is_raw_leaf(inner):
        return "msgspec.Raw"  # msgspec takes no Raw in a union; Raw holds null itself
    if inner is not None:
        return f"{_mirror_type(inner, raw_items=raw_items)} | None"
    if tp is int:
        return "_Int"
    if tp in PRIMITIVES:
        return str(tp.__name__)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "str"
    if attrs.has(tp):
        return "msgspec.Raw" if raw_items else _mirror_name(tp)
    if typing.get_origin(tp) is list:
        return f"list[{_mirror_type(typing.get_args(tp)[0], raw_items=raw_items)}]"
    if tp in STR_LEAVES:
        return "str"
    return "msgspec.Raw"


def _struct(cls: type, name: str, items_field: str | None = None) -> Iterator[str]:
    yield ""
    yield ""
    yield f"class {name}(msgspec.Struct, kw_only=True, gc=False):"
    for field in attrs.fields(cls):
        annotation = _mirror_type(field.type, raw_items=field.name == items_field)
        default = 'msgspec.Raw(b"null")' if annotation == "msgspec.Raw" else "None"
        options = []
        if field.default is not attrs.NOTHING:
            options.append(f"default={default}")
        if _json_name(field) != field.name:
            options.append(f"name={_json_name(field)!r}")
        if not options:
            yield f"    {field.name}: {annotation}"
        elif len(options) == 1 and options[0].startswith("default="):
            yield f"    {field.name}: {annotation} = {default}"
        else:
            yield f"    {field.name}: {annotation} = msgspec.field({', '.join(options)})"


def render_mirror(classes: list[type]) -> str:
    names = Names()
    builders = Builders("mirror", names)
    structs: list[str] = []
    functions: list[str] = []
    decoders: list[str] = []
    sliced: list[str] = []
    for cls in classes:
        snake = _snake(cls.__name__)
        structs += _struct(cls, _mirror_name(cls))
        functions += ["", "", *builders.function(cls)]
        decoders.append(f"_{snake}_decoder = msgspec.json.Decoder({_mirror_name(cls)})")
        functions += [
            "",
            "",
            f"def _{snake}_from_json(body: bytes) -> _m.{cls.__name__}:",
            f"    return _{snake}(_{snake}_decoder.decode(body))",
        ]
        field = _item_list_field(cls, classes)
        if field is None:
            continue
        item = typing.get_args(_optional_inner(field.type))[0]
        lazy = f"{cls.__name__}RawItemsJSON"
        structs += _struct(cls, lazy, items_field=field.name)
        decoders.append(f"_{snake}_raw_items_decoder = msgspec.json.Decoder({lazy})")
        functions += ["", "", *builders.function(cls, items_field=field.name)]
        functions += [
            "",
            "",
            f"def _{snake}_items(body: bytes) -> tuple[Any, Any]:",
            f"    s = _{snake}_raw_items_decoder.decode(body)",
            f"    return s, s.{field.name}",
        ]
        sliced.append(
            f"    _m.{cls.__name__}: (_{snake}_items, _{_snake(item.__name__)}_from_json, "
            f"_{snake}_with_items),"
        )
    return "\n".join(
        [
            HEADER,
            '"""A msgspec mirror of the models (enums and datetimes as str) and builders from it."""',  # noqa: E501
            "",
            "from __future__ import annotations",
            "",
            "from collections.abc import Callable",
            "from datetime import datetime",
            "from typing import Annotated, Any",
            "",
            "import msgspec",
            "",
            "from . import models as _m",
            "from ._converter import decode_json as _json",
            "from ._converter import structure_hook as _hook",
            "",
            "__all__ = ['DECODERS', 'SLICED']",
            "",
            "# orjson reads integers beyond 64 bits as floats, which the converter refuses:",
            "# such a body is left to the reference path.",
            "_Int = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]",
            "_new = object.__new__",
            *names.lines,
            *structs,
            "",
            "",
            *decoders,
            *functions,
            "",
            "",
            "# Model class -> decoder of a JSON body into it.",
            "DECODERS: dict[type, Callable[[bytes], Any]] = {",
            *(f"    _m.{cls.__name__}: _{_snake(cls.__name__)}_from_json," for cls in classes),
            "}",
            "# Model class -> (split a body into the whole and its raw items, item decoder,",
            "# builder of the whole from its built items): for building big pages in slices.",
            "SLICED: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any, Any], Any]]] = {",  # noqa: E501
            *sliced,
            "}",
            "",
        ]
    )


def format_source(source: str, path: Path) -> str:
    """``source`` as ruff would leave it at ``path``: what every generated file is written as."""
    ruff = Path(sys.executable).parent / "ruff"
    command = [str(ruff) if ruff.exists() else "ruff"]
    fixed = subprocess.run(  # noqa: S603 - our pinned ruff on generated text
        [*command, "check", "--fix-only", "--quiet", "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return subprocess.run(  # noqa: S603
        [*command, "format", "--quiet", "--stdin-filename", str(path), "-"],
        input=fixed,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout


def write_or_check(path: Path, text: str, *, check: bool) -> int:
    """Write a generated file, or with ``check`` say whether it is stale: 1 if so."""
    if not check:
        path.write_text(text)
        return 0
    if path.exists() and path.read_text() == text:
        return 0
    print(f"stale generated code (run `nox -s codegen`): {path.relative_to(ROOT)}", file=sys.stderr)
    return 1


def main(*, check: bool) -> int:
    """Write both generated modules, or with ``check`` report the stale ones; 1 if any."""
    classes = _models(import_file(MODELS, "_models_for_codegen"))
    outputs = {
        PACKAGE / "_fast_dicts.py": render_dicts(classes),
        PACKAGE / "_fast_mirror.py": render_mirror(classes),
    }
    return max(
        write_or_check(path, format_source(source, path), check=check)
        for path, source in outputs.items()
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is stale")
    sys.exit(main(check=parser.parse_args().check))

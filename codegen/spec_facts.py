"""The facts our OpenAPI document shares with Codat's spec, and where they differ.

A fact is what the SDK binds: each operation's method, path, parameters and
statuses, and for every schema reached from an operation its type, nullability,
enum values, properties, required flags, array items and map values. Prose is
not a fact: descriptions, titles, examples and formats are left out (ours are
our own, and we add ``format: date-time`` where Codat documents one in prose).

Our document names its schemas; Codat's spec nests, inlines and shares them
differently, so both are walked in step from each operation we bind, and a
schema of ours is compared with whatever sits in the same place in Codat's.
Each difference names its place in our terms (``Customer.taxNumber``), says
what it means for an app that uses the SDK, and carries the edit that makes our
document state Codat's fact (see ``spec_update``).
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

BREAKING = "breaking"
ADDITIVE = "additive"
NEEDS_CODE = "needs-code"
TAGS = (NEEDS_CODE, BREAKING, ADDITIVE)

SCHEMAS = "#/components/schemas/"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
PARAMETER_FACTS = ("type", "minimum", "maximum", "default", "enum")
# What a schema states beyond its type that the pre-push checks enforce (codegen/constraints.py).
CONSTRAINTS = (
    "maxLength",
    "minLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "maxItems",
    "minItems",
)


class _StringDatesLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """YAML as JSON sees it: a date in an example stays the string Codat wrote."""


_StringDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Spec:
    """A parsed spec and the hash that identifies its content, whatever its file format."""

    root: dict[str, Any]
    sha256: str


def load(source: str) -> Spec:
    """Read a spec from a path or an http(s) URL, JSON or YAML."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as response:  # noqa: S310 - http(s) only
            text = response.read().decode("utf-8")
    else:
        text = Path(source).read_text(encoding="utf-8")
    try:
        root = json.loads(text)
    except ValueError:
        root = yaml.load(text, Loader=_StringDatesLoader)  # noqa: S506 - a safe loader
    if not isinstance(root, dict) or "paths" not in root:
        raise ValueError(f"{source} is not an OpenAPI document (no 'paths')")
    return Spec(root, content_hash(root))


def content_hash(root: dict[str, Any]) -> str:
    """The SHA-256 of a spec's content, whatever its file format and key order."""
    canonical = json.dumps(root, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class Editor(Protocol):
    """What a difference asks of whoever applies it to our document (``spec_update``)."""

    def add_property(
        self, schema: Any, name: str, codat: Any, *, after: str | None, required: bool, label: str
    ) -> None: ...
    def remove_property(self, schema: Any, name: str, *, label: str) -> None: ...
    def set_required(self, schema: Any, name: str, required: bool, *, order: list[str]) -> None: ...
    def set_nullable(self, site: Any, nullable: bool) -> None: ...
    def replace_schema(self, site: Any, codat: Any, *, label: str) -> None: ...
    def add_enum_value(self, values: Any, value: Any, *, after: Any) -> None: ...
    def remove_enum_value(self, values: Any, value: Any) -> None: ...
    def add_parameter(self, operation: Any, codat: Any, *, after: str | None) -> None: ...
    def remove_parameter(self, operation: Any, name: str) -> None: ...
    def set_parameter_fact(self, parameter: Any, key: str, value: Any) -> None: ...
    def add_status(self, responses: Any, status: str) -> None: ...
    def set_schema_fact(self, site: Any, key: str, value: Any) -> None: ...
    def remove_status(self, responses: Any, status: str) -> None: ...


@dataclass(frozen=True)
class Edit:
    """One call on an Editor: the change that makes our document state Codat's fact."""

    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __call__(self, editor: Editor) -> None:
        getattr(editor, self.method)(*self.args, **self.kwargs)


@dataclass(frozen=True)
class Difference:
    """One fact that differs, at a path in our document's terms."""

    path: str
    change: str
    tag: str
    edits: tuple[Edit, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.change}"


class Document:
    """An OpenAPI document with ``$ref`` resolution inside it."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def pointer(self, ref: str) -> Any:
        """The node a local ``$ref`` points at."""
        target: Any = self.root
        for part in ref.removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target[int(part)] if isinstance(target, list) else target[part]
        return target

    def resolve(self, node: Any) -> Any:
        """Follow ``$ref`` chains; keys beside a ``$ref`` win over the target's."""
        while isinstance(node, dict) and "$ref" in node:
            target = self.pointer(node["$ref"])
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **siblings} if siblings else target
        return node

    def operations(self) -> dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]]:
        """Every operation by id: (path, method, operation, path item)."""
        found = {}
        for path, item in self.root.get("paths", {}).items():
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict) and "operationId" in operation:
                    found[operation["operationId"]] = (path, method, operation, item)
        return found

    def parameters(self, operation: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
        """An operation's parameters by name, path-level ones included, resolved."""
        nodes = [*item.get("parameters", []), *operation.get("parameters", [])]
        return {p["name"]: p for p in map(self.resolve, nodes)}

    def body_schema(self, holder: Any) -> Any:
        """The JSON schema of a request body or response, or None."""
        content = self.resolve(holder).get("content", {})
        media = content.get("application/json")
        return None if media is None else media.get("schema")


@dataclass
class Property:
    """A property as the walk sees it: its node, and the schema that declares it."""

    node: Any
    owner: str
    schema: Any


@dataclass
class Shape:
    """A schema's facts one level deep: nested schemas stay nodes for the walk."""

    type: str | None = None
    nullable: bool = False
    deprecated: bool = False
    format: str | None = None
    constraints: dict[str, Any] = field(default_factory=dict)
    enum: list[Any] | None = None
    properties: dict[str, Property] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    items: Any = None
    values: Any = None


def named(node: Any) -> tuple[str, bool] | None:
    """The schema of ours a site refers to, and whether the site adds ``nullable``."""
    if not isinstance(node, dict):
        return None
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMAS):
        return ref.removeprefix(SCHEMAS), False
    parts = node.get("allOf")
    if isinstance(parts, list) and len(parts) == 1 and set(parts[0]) == {"$ref"}:
        ref = parts[0]["$ref"]
        if ref.startswith(SCHEMAS) and "properties" not in node:
            return ref.removeprefix(SCHEMAS), bool(node.get("nullable"))
    return None


def shape(doc: Document, node: Any, owner: str = "") -> Shape:
    """Merge ``$ref`` and ``allOf`` into one level of facts; ``owner`` labels own properties."""
    raw, node = node, doc.resolve(node)
    if isinstance(raw, dict) and str(raw.get("$ref", "")).startswith(SCHEMAS):
        owner = raw["$ref"].removeprefix(SCHEMAS)
    nullable = bool(node.get("nullable"))
    deprecated = bool(node.get("deprecated"))
    parts = [(part, doc.resolve(part)) for part in node.get("allOf", [])]
    deprecated |= any(resolved.get("deprecated") for _, resolved in parts)
    typed = [
        (part, resolved)
        for part, resolved in parts
        if {"type", "properties", "allOf", "enum"} & resolved.keys()
    ]
    if len(typed) == 1 and "properties" not in node:
        inner = shape(doc, typed[0][0], owner)
        inner.nullable |= nullable
        inner.deprecated |= deprecated
        return inner
    result = Shape(nullable=nullable, deprecated=deprecated)
    for part, _ in typed:
        merged = shape(doc, part, owner)
        if merged.type == "object":
            result.properties.update(merged.properties)
            result.required += [r for r in merged.required if r not in result.required]
    for name, prop in node.get("properties", {}).items():
        result.properties[name] = Property(prop, owner, node)
    result.required += [r for r in node.get("required", []) if r not in result.required]
    result.type = node.get("type", "object" if result.properties or typed else None)
    if result.type == "object":
        values = node.get("additionalProperties")
        # Absent, `true` and `{}` all allow any value: the same fact.
        if isinstance(values, dict) and values:
            result.values = values
    if result.type == "array":
        result.items = node.get("items")
    if "enum" in node:
        result.enum = list(node["enum"])
    result.format = node.get("format")
    result.constraints = {key: node[key] for key in CONSTRAINTS if key in node}
    return result


def canon(doc: Document, node: Any) -> Any:
    """Every fact of a schema, nested ones resolved: equal canons mean the same schema."""
    found = shape(doc, node)
    facts: dict[str, Any] = {"type": found.type, "nullable": found.nullable}
    if found.enum is not None:
        facts["enum"] = found.enum
    if found.type == "object":
        facts["properties"] = {
            name: canon(doc, prop.node) for name, prop in found.properties.items()
        }
        facts["required"] = sorted(found.required)
        if found.values is not None:
            facts["values"] = canon(doc, found.values)
    if found.items is not None:
        facts["items"] = canon(doc, found.items)
    return facts


class _Walk:
    """Our document and Codat's, walked in step from each operation we bind."""

    def __init__(self, ours: Document, codat: Document) -> None:
        self.ours = ours
        self.codat = codat
        self.found: dict[str, Difference] = {}
        self.seen: set[tuple[str, str]] = set()
        # Named schema of ours -> the Codat schema it was first compared with (its facts):
        # a second, different one means Codat has a schema of its own where ours is shared.
        self.compared: dict[str, str] = {}
        self.error_schemas = {
            reference[0]
            for _, _, operation, _ in ours.operations().values()
            for status, response in operation.get("responses", {}).items()
            if status[0] in "45" and (reference := named(ours.body_schema(response)))
        }

    def add(self, path: str, change: str, tag: str, *edits: Edit) -> None:
        difference = Difference(path, change, tag, edits)
        self.found.setdefault(str(difference), difference)

    def operations(self) -> None:
        theirs = self.codat.operations()
        ours = self.ours.operations()
        nouns = {_noun(op_id) for op_id in ours}
        for op_id in theirs:
            if op_id not in ours and _noun(op_id) in nouns and op_id not in NOT_BOUND:
                verb, _, noun = op_id.partition("-")
                self.add(
                    op_id,
                    f"operation added: bind it as {_resource(noun)}.{verb}_async "
                    "(or list it in codegen/spec_facts.NOT_BOUND)",
                    NEEDS_CODE,
                )
        for op_id, (path, method, operation, item) in ours.items():
            if op_id not in theirs:
                self.add(op_id, "operation removed", NEEDS_CODE)
                continue
            c_path, c_method, c_operation, c_item = theirs[op_id]
            if (c_path, c_method) != (path, method):
                self.add(op_id, f"now {c_method.upper()} {c_path}", NEEDS_CODE)
            self.parameters(op_id, operation, item, c_operation, c_item)
            self.responses(op_id, operation, c_operation)
            ours_body, codat_body = operation.get("requestBody"), c_operation.get("requestBody")
            if (ours_body is None) != (codat_body is None):
                change = "request body added" if ours_body is None else "request body removed"
                self.add(op_id, change, NEEDS_CODE)
            elif ours_body is not None:
                self.site(
                    self.ours.body_schema(ours_body),
                    self.codat.body_schema(codat_body),
                    f"{op_id} request",
                )

    def parameters(
        self,
        op_id: str,
        operation: dict[str, Any],
        item: dict[str, Any],
        c_operation: dict[str, Any],
        c_item: dict[str, Any],
    ) -> None:
        ours = self.ours.parameters(operation, item)
        theirs = self.codat.parameters(c_operation, c_item)
        codat_nodes = [*c_item.get("parameters", []), *c_operation.get("parameters", [])]
        order = list(theirs)
        for position, name in enumerate(order):
            parameter = theirs[name]
            if name in ours or parameter.get("deprecated"):
                continue
            before = [n for n in order[:position] if n in ours]
            self.add(
                op_id,
                f"{parameter['in']} parameter {name} added",
                NEEDS_CODE,
                Edit(
                    "add_parameter",
                    (operation, codat_nodes[position]),
                    {"after": before[-1] if before else None},
                ),
            )
        for name, parameter in ours.items():
            where = f"{parameter['in']} parameter {name}"
            if name not in theirs:
                self.add(
                    op_id,
                    f"{where} removed",
                    NEEDS_CODE,
                    Edit("remove_parameter", (operation, name)),
                )
                continue
            mine, codat = _parameter_facts(parameter), _parameter_facts(theirs[name])
            for key in sorted(mine.keys() | codat.keys()):
                if mine.get(key) != codat.get(key):
                    self.add(
                        op_id,
                        f"{where}: {key} {mine.get(key)!r} -> {codat.get(key)!r}",
                        NEEDS_CODE,
                        Edit("set_parameter_fact", (parameter, key, codat.get(key))),
                    )

    def responses(self, op_id: str, operation: dict[str, Any], c_operation: dict[str, Any]) -> None:
        ours, theirs = operation["responses"], c_operation["responses"]
        for statuses, change, method in [
            (sorted(set(theirs) - set(ours)), "added", "add_status"),
            (sorted(set(ours) - set(theirs)), "removed", "remove_status"),
        ]:
            if statuses:
                edits = [Edit(method, (ours, status)) for status in statuses]
                self.add(op_id, f"statuses {', '.join(statuses)} {change}", NEEDS_CODE, *edits)
        for status in sorted(set(ours) & set(theirs)):
            mine = self.ours.body_schema(ours[status])
            codat = self.codat.body_schema(theirs[status])
            if mine is not None and codat is not None:
                self.site(mine, codat, f"{op_id} {status} response")
            elif (mine is None) != (codat is None):
                change = "body added" if mine is None else "body removed"
                self.add(op_id, f"status {status} {change}", NEEDS_CODE)

    def site(self, mine: Any, codat: Any, label: str) -> None:
        """One place a schema is used: a body, a property, array items or map values."""
        theirs = shape(self.codat, codat)
        reference = named(mine)
        if reference is not None:
            name, site_nullable = reference
            ours = shape(self.ours, self.ours.pointer(SCHEMAS + name), name)
            self.nullable(label, mine, site_nullable or ours.nullable, theirs.nullable)
            self.schema(name, codat, ours, theirs, label)
            return
        ours = shape(self.ours, mine, label)
        self.nullable(label, mine, ours.nullable, theirs.nullable)
        if ours.type != theirs.type:
            change = f"type {ours.type} -> {theirs.type}"
            self.add(
                label, change, BREAKING, Edit("replace_schema", (mine, codat), {"label": label})
            )
            return
        self.enum(label, mine, ours, theirs)
        self.stated(label, mine, ours, theirs)
        self.members(label, mine, ours, theirs)

    def stated(self, label: str, site: Any, ours: Shape, theirs: Shape) -> None:
        """Format, constraints and deprecation: what a property states beyond its type."""
        # Our document states date-time where Codat's prose does; only a format Codat
        # states itself is a fact.
        if theirs.format is not None and theirs.format != ours.format:
            edit = Edit("set_schema_fact", (site, "format", theirs.format))
            self.add(label, f"format {ours.format} -> {theirs.format}", BREAKING, edit)
        for key in sorted(ours.constraints.keys() | theirs.constraints.keys()):
            mine, codat = ours.constraints.get(key), theirs.constraints.get(key)
            if mine != codat:
                # A new or tighter bound refuses pushes that were sent before.
                tag = ADDITIVE if codat is None else BREAKING
                edit = Edit("set_schema_fact", (site, key, codat))
                self.add(label, f"{key} {mine!r} -> {codat!r}", tag, edit)
        if ours.deprecated != theirs.deprecated:
            edit = Edit("set_schema_fact", (site, "deprecated", theirs.deprecated or None))
            change = "now deprecated" if theirs.deprecated else "no longer deprecated"
            self.add(label, change, ADDITIVE, edit)

    def schema(self, name: str, codat: Any, ours: Shape, theirs: Shape, label: str) -> None:
        """A named schema of ours against the schema in the same place in Codat's spec."""
        key = (name, json.dumps(codat, sort_keys=True, default=str))
        if key in self.seen:
            return
        self.seen.add(key)
        # Nullability belongs to each site that uses the schema, not to the schema.
        facts = json.dumps(
            {k: v for k, v in canon(self.codat, codat).items() if k != "nullable"},
            sort_keys=True,
            default=str,
        )
        first = self.compared.setdefault(name, facts)
        if first != facts:
            # Editing ours to this schema would undo the edits for the first: they flip.
            self.add(
                label,
                f"Codat's schema here is not the {name} it uses elsewhere: give it a schema "
                "of its own in openapi/",
                NEEDS_CODE,
            )
            return
        if ours.type != theirs.type:
            self.add(name, f"type {ours.type} -> {theirs.type}", BREAKING)
            return
        node = self.ours.pointer(SCHEMAS + name)
        self.enum(name, node, ours, theirs)
        self.members(name, node, ours, theirs)

    def nullable(self, label: str, site: Any, ours: bool, theirs: bool) -> None:
        if ours != theirs:
            change, tag = ("now nullable", BREAKING) if theirs else ("no longer nullable", ADDITIVE)
            self.add(label, change, tag, Edit("set_nullable", (site, theirs)))

    def enum(self, label: str, node: Any, ours: Shape, theirs: Shape) -> None:
        if (ours.enum is None) != (theirs.enum is None):
            self.add(label, "enum added" if ours.enum is None else "enum removed", BREAKING)
            return
        mine, codat = ours.enum or [], theirs.enum or []
        for value in mine:
            if value not in codat:
                edit = Edit("remove_enum_value", (node["enum"], value))
                self.add(label, f"value {value!r} removed", BREAKING, edit)
        for position, value in enumerate(codat):
            if value not in mine:
                before = [v for v in codat[:position] if v in mine]
                edit = Edit(
                    "add_enum_value",
                    (node["enum"], value),
                    {"after": before[-1] if before else None},
                )
                self.add(label, f"value {value!r} added", ADDITIVE, edit)

    def members(self, label: str, node: Any, ours: Shape, theirs: Shape) -> None:
        """Properties, array items and map values; ``node`` is where new properties go."""
        if ours.items is not None and theirs.items is not None:
            self.site(ours.items, theirs.items, f"{label}[]")
        if (ours.values is None) != (theirs.values is None):
            self.add(label, "map values retyped", BREAKING)
        elif ours.values is not None:
            self.site(ours.values, theirs.values, f"{label}{{}}")
        self.properties(label, node, ours, theirs)

    def properties(self, label: str, node: Any, ours: Shape, theirs: Shape) -> None:
        is_error = label in self.error_schemas
        order = list(theirs.properties)
        for position, name in enumerate(order):
            codat = theirs.properties[name].node
            if name in ours.properties or shape(self.codat, codat).deprecated:
                continue
            before = [n for n in order[:position] if n in ours.properties]
            later = [n for n in order[position:] if n in ours.properties]
            neighbour = ours.properties[(before[-1:] or later[:1])[0]] if before or later else None
            path = f"{neighbour.owner if neighbour else label}.{name}"
            required = name in theirs.required
            edit = Edit(
                "add_property",
                (neighbour.schema if neighbour else node, name, codat),
                {"after": before[-1] if before else None, "required": required, "label": path},
            )
            tag = NEEDS_CODE if is_error else BREAKING if required else ADDITIVE
            self.add(path, "added, required" if required else "added", tag, edit)
        for name, prop in ours.properties.items():
            path = f"{prop.owner}.{name}"
            if name not in theirs.properties:
                edit = Edit("remove_property", (prop.schema, name), {"label": path})
                self.add(path, "removed", NEEDS_CODE if is_error else BREAKING, edit)
                continue
            now = name in theirs.required
            if (name in ours.required) != now:
                edit = Edit("set_required", (prop.schema, name, now), {"order": theirs.required})
                self.add(path, "now required" if now else "no longer required", BREAKING, edit)
            self.site(prop.node, theirs.properties[name].node, path)


# Codat operations on the resources we bind that the SDK leaves out on purpose.
NOT_BOUND: frozenset[str] = frozenset()


def _noun(op_id: str) -> str:
    """``get-push-operation`` -> ``push-operation``: what an operation acts on, singular."""
    return op_id.partition("-")[2].removesuffix("s")


def _resource(noun: str) -> str:
    """The client attribute for a noun: ``push-operation`` -> ``push_operations``."""
    return noun.removesuffix("s").replace("-", "_") + "s"


def _parameter_facts(parameter: dict[str, Any]) -> dict[str, Any]:
    schema = parameter.get("schema", {})
    facts = {"in": parameter["in"], "required": bool(parameter.get("required"))}
    facts.update({k: schema[k] for k in PARAMETER_FACTS if k in schema})
    return facts


def trimmed(codat: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """Codat's spec cut to what the facts are read from: the operations on the resources
    our document binds, and every component they reach. ``spec_update`` keeps it as
    openapi/codat-spec.trimmed.json, so the tools' tests always have the synced spec."""
    nouns = {_noun(op_id) for op_id in Document(ours).operations()}
    paths: dict[str, Any] = {}
    for path, item in codat.get("paths", {}).items():
        kept = {
            key: value
            for key, value in item.items()
            if key not in HTTP_METHODS
            or (isinstance(value, dict) and _noun(str(value.get("operationId", ""))) in nouns)
        }
        if any(key in HTTP_METHODS for key in kept):
            paths[path] = kept
    components: dict[str, dict[str, Any]] = {}
    pending: list[Any] = [paths, codat.get("security")]
    source = Document(codat)
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                # A ref may point inside a component (.../Customer/definitions/x): keep it whole.
                kind, name = ref.removeprefix("#/components/").split("/")[:2]
                if name not in components.setdefault(kind, {}):
                    components[kind][name] = source.pointer(f"#/components/{kind}/{name}")
                    pending.append(components[kind][name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    components["securitySchemes"] = codat.get("components", {}).get("securitySchemes", {})
    kept_root: dict[str, Any] = {k: codat[k] for k in ("openapi", "info", "security") if k in codat}
    return {**kept_root, "paths": paths, "components": components}


def differences(ours: dict[str, Any], codat: dict[str, Any]) -> list[Difference]:
    """Every fact of each operation our document binds that Codat's spec states otherwise."""
    walk = _Walk(Document(ours), Document(codat))
    walk.operations()
    return list(walk.found.values())


def report(found: list[Difference]) -> Iterator[str]:
    """One line per difference, grouped by what it means for an app: needs-code first."""
    for tag in TAGS:
        for difference in sorted((d for d in found if d.tag == tag), key=str):
            yield f"{tag:<10}  {difference}"

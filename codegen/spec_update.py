"""``nox -s spec_update -- SPEC``: make our document state a Codat spec's facts, regenerate.

SPEC is a path or an http(s) URL of Codat's Sync for Expenses spec. This:

1. applies each fact difference (``spec_facts``) to ``openapi/customers.yaml``
   through ruamel.yaml, so our comments, layout and descriptions stay as they
   are. A new field, schema or parameter gets the placeholder description
   ``PLACEHOLDER``, which ``tests/tools/test_openapi_document.py`` rejects until someone
   writes one; nothing of Codat's prose is copied. What is removed is kept in
   the lock file with our words, and comes back with them if Codat restores it;
2. records the spec's content hash in ``openapi/codat-spec.lock.json`` (Codat's
   ``info.version`` is "prealpha" in every release);
3. regenerates everything generated from the document (``codegen.generate``);
4. prints the public API diff of the models and a suggested version bump, and
   adds a draft entry under "Unreleased" in CHANGELOG.md.

Running it again with the same spec changes nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from . import api_diff, examples, generate
from .spec_facts import (
    BREAKING,
    SCHEMAS,
    Difference,
    Document,
    canon,
    content_hash,
    differences,
    load,
    report,
    shape,
    trimmed,
)

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "openapi" / "customers.yaml"
LOCK = ROOT / "openapi" / "codat-spec.lock.json"
TRIMMED = ROOT / "openapi" / "codat-spec.trimmed.json"
CHANGELOG = ROOT / "CHANGELOG.md"
PLACEHOLDER = "TODO(spec_update) describe this in our own words."
# Formats that change a generated type; Codat's others (ISO4217, ...) are prose.
TYPED_FORMATS = {"date-time", "date", "int32", "int64", "uuid", "uri-reference"}


def _yaml() -> YAML:
    """The ruamel settings under which our document loads and dumps byte for byte."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(node: Any) -> str:
    out = io.StringIO()
    _yaml().dump(node, out)
    return out.getvalue()


def _layout(text: str) -> str:
    """Our document's blank lines: before ``components:``, each of its sections, each schema.

    ruamel keeps a blank line as a comment on the node before it, so an edit at
    the end of a section would move or drop it; the layout is restated instead.
    """
    out: list[str] = []
    top = section = ""
    for line in (line for line in text.splitlines() if line.strip()):
        if not line.startswith(" "):
            top, section = line, ""
            if line.startswith("components:"):
                out.append("")
        elif top.startswith("components:") and re.match(r"  \S", line):
            if section:
                out.append("")
            section = line
        elif (
            section.startswith("  schemas:")
            and re.match(r"    \S", line)
            and not out[-1].startswith("  schemas:")
        ):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


def _flow(**items: Any) -> CommentedMap:
    node = CommentedMap(items)
    node.fa.set_flow_style()
    return node


def _ref(target: str) -> CommentedMap:
    return _flow(**{"$ref": DoubleQuotedScalarString(target)})


def _pascal(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^0-9A-Za-z]+", text))


def _insert_after(mapping: CommentedMap, after: Any, key: Any, value: Any) -> None:
    keys = list(mapping)
    mapping.insert(keys.index(after) + 1 if after in keys else 0, key, value)


class YamlEditor:
    """Applies differences to our document's ruamel tree (the ``spec_facts.Editor``)."""

    def __init__(self, root: CommentedMap, codat: Document, retired: dict[str, Any]) -> None:
        self.root = root
        self.ours = Document(root)
        self.codat = codat
        self.retired = retired

    # Keeping our words for what Codat removes, and bringing them back.

    def retire(self, key: str, node: Any, after: Any) -> None:
        self.retired[key] = {"after": after, "yaml": _dump(CommentedMap({"node": node}))}

    def restore(self, key: str) -> tuple[Any, Any] | None:
        entry = self.retired.pop(key, None)
        if entry is None:
            return None
        return _yaml().load(entry["yaml"])["node"], entry["after"]

    def revive(self, node: Any) -> None:
        """Bring back, with our words, every retired schema a restored node refers to,
        and those they refer to in turn."""
        schemas = self.root["components"]["schemas"]
        wanted: set[str] = set()
        pending = [node]
        while pending:
            current = pending.pop()
            if isinstance(current, dict):
                ref = current.get("$ref")
                if isinstance(ref, str) and ref.startswith(SCHEMAS):
                    name = ref.removeprefix(SCHEMAS)
                    key = f"schemas/{name}"
                    if name not in schemas and key in self.retired and name not in wanted:
                        wanted.add(name)
                        pending.append(_yaml().load(self.retired[key]["yaml"])["node"])
                pending.extend(current.values())
            elif isinstance(current, list):
                pending.extend(current)
        # In the order they were retired, each after the schema it followed then.
        for key in [k for k in self.retired if k.removeprefix("schemas/") in wanted]:
            restored = self.restore(key)
            assert restored is not None
            _insert_after(schemas, restored[1], key.removeprefix("schemas/"), restored[0])

    # Properties.

    def add_property(
        self, schema: Any, name: str, codat: Any, *, after: str | None, required: bool, label: str
    ) -> None:
        restored = self.restore(label)
        if restored is not None:
            node = restored[0]
            self.revive(node)
        else:
            node = self.materialize(codat, _pascal(label))
            node.fa.set_block_style()
            node.insert(len(node), "description", PLACEHOLDER)
        _insert_after(schema.setdefault("properties", CommentedMap()), after, name, node)
        if required:
            self.set_required(schema, name, True, order=[name])

    def remove_property(self, schema: Any, name: str, *, label: str) -> None:
        keys = list(schema["properties"])
        after = keys[keys.index(name) - 1] if keys.index(name) else None
        self.retire(label, schema["properties"].pop(name), after)
        if name in schema.get("required", []):
            self.set_required(schema, name, False, order=[])

    def set_required(self, schema: Any, name: str, required: bool, *, order: list[str]) -> None:
        current = schema.get("required")
        if not required:
            current.remove(name)
            if not current:
                del schema["required"]
            return
        if current is None:
            current = CommentedSeq()
            current.fa.set_flow_style()
            keys = list(schema)
            position = keys.index("properties") if "properties" in keys else len(keys)
            schema.insert(position, "required", current)
        rank = {value: index for index, value in enumerate(order)}
        before = [v for v in current if rank.get(v, -1) < rank.get(name, len(order))]
        current.insert(current.index(before[-1]) + 1 if before else 0, name)

    # Schemas at a site.

    def set_nullable(self, site: Any, nullable: bool) -> None:
        if "$ref" in site and nullable:
            ref = site.pop("$ref")
            site.insert(0, "allOf", CommentedSeq([_ref(ref)]))
            site.insert(1, "nullable", True)
        elif nullable:
            keys = list(site)
            site.insert(keys.index("type") + 1 if "type" in keys else 0, "nullable", True)
        else:
            site.pop("nullable", None)
            if set(site) == {"allOf"} and len(site["allOf"]) == 1:
                ref = site.pop("allOf")[0]["$ref"]
                site.insert(0, "$ref", DoubleQuotedScalarString(ref))

    def replace_schema(self, site: Any, codat: Any, *, label: str) -> None:
        description = site.get("description")
        site.clear()
        site.update(self.materialize(codat, _pascal(label)))
        if description is not None:
            site["description"] = description

    def add_enum_value(self, values: Any, value: Any, *, after: Any) -> None:
        values.insert(values.index(after) + 1 if after in values else 0, value)

    def remove_enum_value(self, values: Any, value: Any) -> None:
        del values[values.index(value)]

    def materialize(self, codat: Any, hint: str) -> CommentedMap:
        """Codat's schema at a site, in our document's style; enums and objects get a name."""
        found = shape(self.codat, codat)
        node = CommentedMap()
        if found.enum is not None or (found.type == "object" and found.properties):
            name = self.named_schema(codat, hint)
            if not found.nullable:
                return _ref(SCHEMAS + name)
            node["allOf"] = CommentedSeq([_ref(SCHEMAS + name)])
            node["nullable"] = True
            return node
        resolved = self.codat.resolve(codat)
        node["type"] = found.type
        if resolved.get("format") in TYPED_FORMATS:
            node["format"] = resolved["format"]
        if found.nullable:
            node["nullable"] = True
        if found.type == "array":
            node["items"] = self.materialize(found.items, hint + "Item")
        if found.type == "object":
            node["additionalProperties"] = (
                True if found.values is None else self.materialize(found.values, hint + "Value")
            )
        return node

    def named_schema(self, codat: Any, hint: str) -> str:
        """One of our schemas with the same facts, else a new one named after Codat's."""
        schemas = self.root["components"]["schemas"]
        wanted = {**canon(self.codat, codat), "nullable": False}
        for name in schemas:
            if {**canon(self.ours, schemas[name]), "nullable": False} == wanted:
                return str(name)
        ref = codat.get("$ref", "") if isinstance(codat, dict) else ""
        parts = ref.split("/")
        name = (
            _pascal(parts[-1])
            if len(parts) > 1 and parts[-2] in ("schemas", "definitions")
            else hint
        )
        while name in schemas:
            name += "Schema"
        restored = self.restore(f"schemas/{name}")
        if restored is not None:
            _insert_after(schemas, restored[1], name, restored[0])
            return name
        found = shape(self.codat, codat)
        node = CommentedMap(type=found.type, description=PLACEHOLDER)
        schemas[name] = node  # before its properties, which may refer back to it
        if found.enum is not None:
            node["enum"] = CommentedSeq(found.enum)
            if len(str(found.enum)) < 60:
                node["enum"].fa.set_flow_style()
        if found.required:
            node["required"] = CommentedSeq(found.required)
            node["required"].fa.set_flow_style()
        if found.properties:
            node["properties"] = CommentedMap(
                (key, self.materialize(prop.node, name + _pascal(key)))
                for key, prop in found.properties.items()
            )
        return name

    # Operations.

    def add_parameter(self, operation: Any, codat: Any, *, after: str | None) -> None:
        resolved = self.codat.resolve(codat)
        ref = codat.get("$ref", "")
        component = ref.rsplit("/", 1)[-1] if ref.startswith("#/components/parameters/") else None
        component = component or resolved["name"]
        components = self.root["components"]["parameters"]
        if component not in components:
            restored = self.restore(f"parameters/{component}")
            if restored is not None:
                _insert_after(components, restored[1], component, restored[0])
            else:
                node = CommentedMap(name=resolved["name"], **{"in": resolved["in"]})
                if resolved.get("required"):
                    node["required"] = True
                node["description"] = PLACEHOLDER
                schema = resolved.get("schema", {})
                node["schema"] = _flow(
                    **{
                        k: schema[k]
                        for k in ("type", "format", "minimum", "maximum", "default", "enum")
                        if k in schema
                    }
                )
                components[component] = node
        if "parameters" not in operation:
            keys = list(operation)
            operation.insert(
                keys.index("tags") + 1 if "tags" in keys else 0, "parameters", CommentedSeq()
            )
        parameters = operation["parameters"]
        names = [self.ours.resolve(p)["name"] for p in parameters]
        position = names.index(after) + 1 if after in names else 0
        parameters.insert(
            position,
            CommentedMap(
                {"$ref": DoubleQuotedScalarString(f"#/components/parameters/{component}")}
            ),
        )

    def remove_parameter(self, operation: Any, name: str) -> None:
        parameters = operation.get("parameters", [])
        for index, parameter in enumerate(parameters):
            if self.ours.resolve(parameter)["name"] == name:
                del parameters[index]
                break
        if not parameters:
            operation.pop("parameters", None)

    def set_parameter_fact(self, parameter: Any, key: str, value: Any) -> None:
        holder = parameter if key in ("in", "required") else parameter["schema"]
        if value is None or (value is False and key == "required"):
            holder.pop(key, None)
        else:
            holder[key] = value

    def add_status(self, responses: Any, status: str) -> None:
        errors = [v for k, v in responses.items() if str(k)[0] in "45" and "$ref" in v]
        target = errors[0]["$ref"] if errors else "#/components/responses/Error"
        later = [k for k in responses if str(k) > status]
        position = list(responses).index(later[0]) if later else len(responses)
        responses.insert(position, DoubleQuotedScalarString(status), _ref(str(target)))

    def remove_status(self, responses: Any, status: str) -> None:
        del responses[status]

    def set_schema_fact(self, site: Any, key: str, value: Any) -> None:
        if value is None:
            site.pop(key, None)
        elif key in site:
            site[key] = value
        else:
            keys = list(site)
            after = [k for k in ("type", "format", "nullable") if k in keys]
            site.insert(keys.index(after[-1]) + 1 if after else len(keys), key, value)

    def prune(self) -> None:
        """Retire schemas and parameters that no operation reaches any more."""
        reached: set[str] = set()
        pending = [self.root["paths"]]
        while pending:
            node = pending.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref not in reached:
                    reached.add(ref)
                    pending.append(self.ours.pointer(ref))
                pending.extend(node.values())
            elif isinstance(node, list):
                pending.extend(node)
        for kind in ("schemas", "parameters"):
            components = self.root["components"][kind]
            # The key before each in the order of this pass, retired ones included: schemas
            # retired together come back in the same order (see ``revive``).
            keys = list(components)
            for position, name in enumerate(keys):
                if f"#/components/{kind}/{name}" not in reached:
                    after = keys[position - 1] if position else None
                    self.retire(f"{kind}/{name}", components.pop(name), after)


def read_lock() -> dict[str, Any]:
    """What the document was last synced with, and our words for what Codat removed."""
    if not LOCK.exists():
        return {"codat_spec_sha256": None, "retired": {}}
    lock: dict[str, Any] = json.loads(LOCK.read_text())
    return lock


def apply(codat: Document, yaml_text: str, retired: dict[str, Any]) -> tuple[str, list[Difference]]:
    """Our document's text made to state Codat's facts, and what was left for hands."""
    root = _yaml().load(yaml_text)
    editor = YamlEditor(root, codat, retired)
    for _ in range(5):  # each pass applies what the last one exposed, e.g. a new schema's fields
        found = differences(root, codat.root)
        if not any(d.edits for d in found):
            break
        for difference in found:
            for edit in difference.edits:
                edit(editor)
        editor.prune()
    return _layout(_dump(root)), found


def bump(version: str, breaking: bool) -> str:
    """The next version: breaking changes bump the minor before 1.0, the major after."""
    major, minor, patch = (int(part) for part in version.split("."))
    if breaking:
        return f"{major + 1}.0.0" if major else f"0.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}" if not major else f"{major}.{minor + 1}.0"


def changelog_entry(
    sha256: str, found: list[Difference], changes: list[api_diff.Change], version: str
) -> str:
    """A draft entry for CHANGELOG.md, for a maintainer to rewrite in users' terms."""
    lines = [
        f"### Codat spec {sha256[:12]} (draft by spec_update; suggested version {version})",
        "",
        *(f"- models: {change}" for change in changes),
        *(f"- spec: {line}" for line in report(found)),
    ]
    return "\n".join(lines) + "\n"


def add_to_changelog(path: Path, entry: str) -> None:
    """Append ``entry`` to the "## Unreleased" section, adding the file or section if missing."""
    text = path.read_text() if path.exists() else "# Changelog\n"
    if entry.splitlines()[0] in text:
        return
    heading = "\n## Unreleased\n"
    if heading not in text:
        release = re.search(r"\n## \d", text)
        at = release.start() if release else len(text.rstrip("\n"))
        text = f"{text[:at].rstrip(chr(10))}\n{heading}{text[at:]}"
    start = text.index(heading) + len(heading)
    following = text.find("\n## ", start)
    end = len(text) if following < 0 else following
    section = text[start:end].strip("\n")
    rest = text[end:].lstrip("\n")
    body = f"{section}\n\n{entry}" if section else entry
    path.write_text(f"{text[:start]}\n{body}" + (f"\n{rest}" if rest else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", help="path or http(s) URL of Codat's Sync for Expenses spec")
    args = parser.parse_args(argv)
    spec = load(args.spec)
    codat = Document(spec.root)
    lock = read_lock()
    before = DOCUMENT.read_text()
    found = differences(_yaml().load(before), spec.root)
    after, left = apply(codat, before, lock["retired"])
    old_models = generate.MODELS.read_text()
    DOCUMENT.write_text(after)
    # What we keep, and identify the sync by: the part of Codat's spec the facts come from,
    # so the same facts give the same hash whether the whole spec or that part was read.
    trim = trimmed(spec.root, yaml.safe_load(after))
    sha256 = content_hash(trim)
    # In Codat's own key order: where a new property goes follows it.
    TRIMMED.write_text(json.dumps(trim, indent=1, ensure_ascii=False) + "\n")
    # Operations Codat added on a resource we bind: the drift test fails until each is
    # bound or listed in spec_facts.NOT_BOUND (spec_update cannot write a resource method).
    unbound = sorted(d.path for d in left if d.change.startswith("operation added"))
    synced = {**lock, "codat_spec_sha256": sha256, "operations_added": unbound}
    if not unbound:
        synced.pop("operations_added")
    LOCK.write_text(json.dumps(synced, indent=2, sort_keys=True) + "\n")
    examples.write(spec.root)
    generate.main([])
    changes = api_diff.compare(old_models, generate.MODELS.read_text())
    print(f"Codat's spec {sha256[:12]} ({args.spec}):")
    print("\n".join(report(found)) or "no differences in the facts we bind")
    print("\nModels' public API:")
    print("\n".join(f"  {change}" for change in changes) or "  unchanged")
    if left:
        print("\nLeft for hands (not applied to the document):")
        print("\n".join(f"  {line}" for line in report(left)))
    if found or changes:
        breaking = any(c.breaking for c in changes) or any(
            d.tag == BREAKING or d.change.endswith("removed") for d in found
        )
        version = bump(generate.version(), breaking)
        generate.set_version(version)
        print(
            f"\nSuggested version: {version} ({'breaking' if breaking else 'compatible'}), "
            "written to src/codat_sync_expenses/_version.py"
        )
        add_to_changelog(CHANGELOG, changelog_entry(sha256, found, changes, version))
        print(f"Draft entry added to {CHANGELOG.name}; run `nox` for what the code must follow.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

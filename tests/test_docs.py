"""Consistency (sqlite-utils style): the documented example lints, every command has help, every
check kind the docs name exists, and the JSON Schema agrees with the loader on the bundled KB."""

from __future__ import annotations

import json
import re

from kb.checks import registry
from kb.loader import load_kb
from tests.helpers import REPO, run_kb


def test_documented_example_is_valid():
    kb = load_kb([REPO / "docs" / "examples"])
    assert kb.problems == []
    assert set(kb.get("example-mosquitto-port-refused").languages) == {"en", "zh"}


def test_every_command_has_help():
    from kb.cli.main import COMMANDS

    top = run_kb("--help")
    assert top.returncode == 0
    for name in COMMANDS:
        out = run_kb(name, "--help")
        assert out.returncode == 0, (name, out.stderr)
        assert out.stdout.startswith("usage: kb " + name), name
        assert name in top.stdout


def test_docs_name_only_registered_check_kinds():
    text = (REPO / "docs" / "checks.md").read_text()
    named = set(re.findall(r"^\| `([a-z]+\.[a-z_]+)` \|", text, re.M))
    assert named, "no kinds found in docs/checks.md"
    assert named == set(registry.kinds())


def test_json_schema_accepts_every_valid_bundled_entry():
    import jsonschema
    import yaml

    from kb import frontmatter

    schema = json.loads((REPO / "assets" / "schema" / "entry.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    kb = load_kb()
    bad_files = {p.path for p in kb.errors}
    checked = 0
    for entry in kb.entries.values():
        if entry.path in bad_files:
            continue
        text = open(entry.path, encoding="utf-8").read()
        # the front matter as the loader reads it (a title may hold "---": srw-rw----)
        fm = yaml.safe_load(frontmatter.split(text).yaml_text)
        fm["updated"] = str(fm["updated"])
        errors = [e.message for e in validator.iter_errors(fm)]
        assert errors == [], (entry.path, errors)
        checked += 1
    assert checked > 0


def test_json_schema_names_every_registered_check_kind():
    """Editors validate entries with the schema: a kind the registry has and the schema lacks
    makes every entry using it look invalid there."""
    from kb.checks import registry

    schema = json.loads((REPO / "assets" / "schema" / "entry.schema.json").read_text())
    found = []

    def walk(node):
        if isinstance(node, dict):
            kind = node.get("properties", {}).get("kind", {})
            if "enum" in kind and "." in str(kind["enum"][0]):
                found.append(set(kind["enum"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert found == [set(registry.kinds())]


def test_json_schema_rejects_what_the_loader_rejects():
    import jsonschema

    schema = json.loads((REPO / "assets" / "schema" / "entry.schema.json").read_text())
    v = jsonschema.Draft202012Validator(schema)
    good = {
        "id": "an-entry",
        "kind": "faq",
        "title": "T",
        "summary": "S",
        "products": ["emqx"],
        "updated": "2026-11-21",
    }
    assert list(v.iter_errors(good)) == []
    for bad in (
        {**good, "kind": "rumour"},
        {**good, "bogus": 1},
        {**good, "title": False},
        {**good, "checks": [{"id": "x", "kind": "net.tcp"}]},
    ):
        assert list(v.iter_errors(bad)), bad


INVALID = REPO / "tests" / "fixtures" / "invalid-entries"


def _schema_errors(path) -> list[str]:
    import jsonschema
    import yaml

    schema = json.loads((REPO / "assets" / "schema" / "entry.schema.json").read_text())
    fm = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
    fm["updated"] = str(fm["updated"])
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(fm)]


def test_invalid_fixtures_are_rejected_by_both_the_schema_and_kb_lint():
    """Each file under tests/fixtures/invalid-entries has one defect; the JSON Schema (what editors
    use) and `kb lint` (what CI uses) must both reject every one, each naming the file."""
    files = sorted(INVALID.rglob("*.md"))
    assert len(files) == 5
    for path in files:
        assert _schema_errors(path), f"the JSON Schema accepts {path.name}"
    proc = run_kb("lint", str(INVALID))
    assert proc.returncode == 1, proc.stderr
    flagged = {
        line.split(":", 1)[0]
        for line in (proc.stdout + proc.stderr).splitlines()
        if ": error: " in line
    }
    assert flagged == {str(p) for p in files}

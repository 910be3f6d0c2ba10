"""What the fuzzers feed: one entry file's bytes through every layer that reads untrusted files.

Shared by the property test (tests/test_fuzz_properties.py, hypothesis, seconds) and the longer
harness a developer runs by hand (`scripts/fuzz SECONDS`, atheris when installed). Only the
project's own error types may come out of the splitter and the YAML layer; the validator and
`load_kb` never raise (a bad file is a Problem); the terminal sanitiser and the redactor never raise
and leave no escape character behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from kb.frontmatter import FrontMatterError, split
from kb.loader import load_kb
from kb.safeyaml import YamlError, parse
from kb.validate import build_entry, build_translation

EXPECTED = (FrontMatterError, YamlError)
FILE_ID = "fuzz-entry"


def bundled_seeds() -> list[bytes]:
    """Every bundled entry file: the seed corpus."""
    from kb.paths import bundled_kb

    return [p.read_bytes() for p in sorted(bundled_kb().rglob("*.md"))]


def check_text(text: str) -> None:
    """Splitter -> safe YAML -> validator (English and translation), in memory."""
    try:
        parts = split(text)
        loc = parse(parts.yaml_text, line_base=parts.yaml_line - 1)
    except EXPECTED:
        return
    entry, problems = build_entry(
        f"{FILE_ID}.md", FILE_ID, loc, parts.yaml_line, parts.body, parts.body_line
    )
    assert entry is not None or problems, "an entry that was not built must say why"
    for p in problems:
        str(p)  # every problem renders as one line
        assert "\n" not in str(p)
    build_translation(f"{FILE_ID}.zh.md", FILE_ID, "zh", loc, parts.yaml_line, parts.body, entry)


def check_folder(data: bytes, folder: Path) -> None:
    """The same bytes as a file in a KB folder, through `load_kb`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{FILE_ID}.md"
    tmp = folder / ".tmp"
    tmp.write_bytes(data)
    os.replace(tmp, path)
    kb = load_kb([folder])
    assert set(kb.entries) <= {FILE_ID}
    for p in kb.problems:
        assert "\n" not in str(p)


def check_output_text(text: str) -> None:
    """The sanitiser and the redactor on arbitrary text."""
    from kb.sanitize import clean, one_line

    for out in (clean(text), one_line(text)):
        assert "\x1b" not in out and "\x9b" not in out
    from kb.redact import redact

    redact(text)


def check_bytes(data: bytes, folder: Path | None = None) -> None:
    """Everything, for one input."""
    text = data.decode("utf-8", "replace")
    check_text(text)
    check_output_text(text)
    if folder is not None:
        check_folder(data, folder)


# fragments that reach the corners: YAML tags and their constructors, anchors/aliases, merge keys,
# flow collections, line breaks libyaml counts (CR, NEL, LS, PS), controls, escapes, bidi
FRAGMENTS = [
    "!!bool maybe",
    "!!timestamp x",
    '!!int ""',
    '!!float ""',
    "!!binary %%",
    "!!set {a}",
    "!!python/object:os.system",
    "!!omap [a]",
    "!!null x",
    "!!str",
    "!<tag:x>",
    "&a [1]",
    "*a",
    "<<: *a",
    "{",
    "[",
    "]",
    "}",
    ": ",
    "- ",
    "? ",
    "|",
    ">-",
    "'",
    '"',
    "\\",
    "#",
    "%YAML 1.1",
    "---",
    "...",
    "\r",
    "\r\n",
    "\n",
    "\x85",
    "\u2028",
    "\u2029",
    "\t",
    "\x00",
    "\x01",
    "\x1b[31m",
    "\x7f",
    "\x9b",
    "\u202e",
    "\ufeff",
    "\ud7ff",
    "\U0001f600",
    "0x1F",
    "12:30",
    "no",
    "~",
    "1e999",
    "2026-13-45",
    "-.inf",
    "id: fuzz-entry",
    "kind: tree",
    "kind: incident",
    "checks:",
    "  - id: c\n    kind: net.tcp\n    params: {port: 70000}",
    "tree:\n  start: a\n  nodes:",
    "signatures: ['']",
    "signatures: ['x*']",
    "signatures: ['(']",
    "related: [fuzz-entry]",
    "updated: 2026-11-21",
    "products: [emqx]",
    "sources:\n  - title: t\n    url: javascript:x",
    "password=hunter2",
    "Authorization: Bearer abc",
]


def entries():  # noqa: ANN201 - a hypothesis strategy (hypothesis is a test dependency only)
    """Hypothesis strategy: bytes of one entry file, seeds mutated or built from fragments."""
    from hypothesis import strategies as st

    seeds = bundled_seeds()
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12))

    @st.composite
    def mutated(draw: st.DrawFn) -> bytes:
        data = draw(st.sampled_from(seeds))
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, len(data)))
            cut = draw(st.integers(0, 16))
            data = data[:at] + draw(piece).encode("utf-8", "surrogatepass") + data[at + cut :]
        return data

    @st.composite
    def built(draw: st.DrawFn) -> bytes:
        from kb.validate import ENTRY_FIELDS

        lines = ["---"]
        for _ in range(draw(st.integers(0, 12))):
            key = draw(st.one_of(st.sampled_from(ENTRY_FIELDS), st.text(max_size=6)))
            indent = " " * draw(st.sampled_from([0, 0, 0, 2, 4]))
            value = "".join(draw(st.lists(piece, max_size=4)))
            lines.append(f"{indent}{key}: {value}")
        lines.append(draw(st.sampled_from(["---", "...", "", "--- "])))
        lines.append(draw(st.text(max_size=40)))
        sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        return sep.join(lines).encode("utf-8", "surrogatepass")

    return st.one_of(mutated(), built(), st.binary(max_size=300))

"""`kb export mtail`: one mtail program counting the log lines that match each entry's signatures.

The program exports `kb_signature_matches_total{entry="<id>"}`, one series per entry with
signatures (user KBs included), created at 0 with the first line mtail reads so that a first match
is already an increase. A line adds one to an entry however many of its signatures match.

Two branches, because Docker's default json-file driver JSON-encodes every line
(`{"log":"…\\n","stream":"stderr","time":"…"}`): lines of that shape are decoded (`_DECODE`
below says what is decoded and how; kb/fleet/godialect.py how `\\"` and `\\\\`, left encoded, are
matched exactly); any other line (a plain log file, journald export, syslog) is matched as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kb.fleet.godialect import Refused, translate
from kb.model import Entry
from kb.words import Words

METRIC = "kb_signature_matches_total"
PROGRAM_NAME = "kbtui.mtail"
# mtail refuses a longer regular expression ("Exceeded maximum regular expression pattern length of
# 1024 bytes"): an entry whose signatures together are longer is matched in several chained
# expressions (`else`), so that a line still counts once per entry
MAX_REGEX = 1024

# Docker json-file record; the capture stops before an escaped trailing \r\n / \n so `$` anchors work
JSON_LINE = (
    r'/^\{"log":"(?P<kb_log>(?:[^"\\]|\\.)*?)(?:\\r)?(?:\\n)?",'
    r'"stream":"(?:stdout|stderr)"/'
)
# The json branch decodes every escape Docker's json-file encoder writes except `\"` and `\\`
# (mtail string literals cannot hold a lone backslash or a backslash before a quote, so those two
# stay encoded and kb/fleet/godialect.py rewrites the signature to match them encoded). Each step
# is one `subst` (Go's strings.ReplaceAll), applied in this order:
# 1. `\\` becomes `\z`, which is no JSON escape: from then on every backslash in the text starts
#    an escape, so the next steps cannot take the `\t` of `\\t` (a backslash, then `t`) for a tab;
# 2. `\t`, `\u0009` (Docker's tab) … `\u003c`, `\u2028` become the character itself, written raw
#    in the program (a literal holds any character but a newline); `\r` becomes nothing, as mtail
#    drops every carriage return from the lines of a plain file;
# 3. `\z` becomes `\\` again.
# Left encoded: `\n`, which Docker never writes inside the field (it splits lines at newlines).
_ESCAPED_BACKSLASH = "\\z"
_DECODE: tuple[tuple[str, str], ...] = (
    ("\\\\", _ESCAPED_BACKSLASH),
    ("\\t", "\t"),
    ("\\r", ""),
    ("\\b", "\b"),
    ("\\f", "\f"),
    ("\\/", "/"),
    *(
        (f"\\u{code:04x}", "" if code == 0x0D else chr(code))
        for code in range(0x20)
        if code != 0x0A
    ),
    *((f"\\u{ord(ch):04x}", ch) for ch in "<>&\u2028\u2029\ufffd"),
    (_ESCAPED_BACKSLASH, "\\\\"),
)


def _mtail_string(text: str) -> str:
    """`text` as an mtail string literal. mtail's lexer reads a backslash and the character after
    it as they are, but `\\"` as a quote, and ends a literal at a newline: so `text` is written
    as it is, and must pair every backslash with a following character other than a quote."""
    i = 0
    while i < len(text):
        pair = text[i : i + 2] if text[i] == "\\" else text[i]
        if pair == "\\" or pair[-1] in '"\n':
            raise ValueError(f"{text!r} cannot be written as an mtail string literal")
        i += len(pair)
    return f'"{text}"'


@dataclass(frozen=True)
class Omission:
    """A signature left out of (a branch of) the program, with where it is written."""

    path: str
    line: int
    entry_id: str
    pattern: str
    reason: str
    branch: str  # "both" or "json-file"

    def __str__(self) -> str:
        return str(self.words())

    def words(self) -> Words:
        """The line `kb export mtail` writes on stderr, as kb's words (kb.i18n.say says them)."""
        return Words(
            "{path}:{line}: warning: signature {pattern!r} of {id} left out: {why}"
            if self.branch == "both"
            else "{path}:{line}: warning: signature {pattern!r} of {id} left out of the Docker "
            "json-file branch: {why}",
            path=self.path,
            line=self.line,
            pattern=self.pattern,
            id=self.entry_id,
            why=self.reason,
        )


@dataclass
class MtailProgram:
    text: str
    entries: list[str] = field(default_factory=list)  # ids with at least one counted signature
    signatures: int = 0
    omitted: list[Omission] = field(default_factory=list)


def signature_line(entry: Entry, index: int) -> int:
    """Line of an entry's `index`-th signature in its file: the `signatures:` line itself for a flow
    list (`signatures: ['a', 'b']`), else the line of the index-th `- ` item below it (an item
    written as a mapping, `- pattern: …` with `primary: true` under it, spans several lines).
    The loader records each valid signature's line (`Entry.signature_lines`): an invalid one
    earlier in the list is not among `signatures`, so counting items would point too high."""
    if index < len(entry.signature_lines):
        return entry.signature_lines[index]
    try:
        with open(entry.path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return 1
    for number, text in enumerate(lines, start=1):
        if not text.startswith("signatures:"):
            continue
        if text.split(":", 1)[1].strip():
            return number
        item = -1
        dash: int | None = None
        for offset, below in enumerate(lines[number:], start=number + 1):
            stripped = below.lstrip()
            if below.strip() and not below[:1].isspace() and not below.startswith("-"):
                break  # the next key: the list ended
            if stripped.startswith("- ") and (dash is None or len(below) - len(stripped) == dash):
                dash = len(below) - len(stripped)
                item += 1
                if item == index:
                    return offset
        return number + 1 + index
    return 1


def _alternation(patterns: list[str]) -> str:
    return patterns[0] if len(patterns) == 1 else "|".join(f"(?:{p})" for p in patterns)


def _alternations(patterns: list[str]) -> list[str]:
    """The patterns as few alternations as fit in MAX_REGEX bytes each (in signature order)."""
    out: list[list[str]] = []
    for p in patterns:
        if out and len(_alternation([*out[-1], p]).encode()) <= MAX_REGEX:
            out[-1].append(p)
        else:
            out.append([p])
    return [_alternation(group) for group in out]


def _too_long(pattern: str) -> str | None:
    size = len(pattern.encode())
    return (
        Words(
            "{size} bytes in mtail's dialect, over its {limit}-byte limit",
            size=size,
            limit=MAX_REGEX,
        )
        if size > MAX_REGEX
        else None
    )


def _decoded(var: str) -> str:
    expr = var
    for encoded, plain in _DECODE:
        expr = f"subst({_mtail_string(encoded)}, {_mtail_string(plain)}, {expr})"
    return expr


def build_program(entries: Iterable[Entry]) -> MtailProgram:
    """The mtail program for these entries, and what had to be left out."""
    plain_rules: list[tuple[str, list[str]]] = []
    json_rules: list[tuple[str, list[str]]] = []
    prog = MtailProgram(text="")
    for entry in sorted(entries, key=lambda e: e.id):
        if not entry.signatures:
            continue
        plain: list[str] = []
        json: list[str] = []
        for i, pattern in enumerate(entry.signatures):
            try:
                go = translate(pattern)
            except Refused as exc:
                refusal: str | None = exc.args[0]  # kb's words
            else:
                refusal = _too_long(go.plain)
            if refusal is not None:
                prog.omitted.append(
                    Omission(
                        entry.path, signature_line(entry, i), entry.id, pattern, refusal, "both"
                    )
                )
                continue
            plain.append(go.plain)
            if go.json is None:
                json_refusal: str | None = go.json_refusal or Words("not exact")
            else:
                json_refusal = _too_long(go.json)
                if json_refusal is None:
                    json.append(go.json)
            if json_refusal is not None:
                prog.omitted.append(
                    Omission(
                        entry.path,
                        signature_line(entry, i),
                        entry.id,
                        pattern,
                        json_refusal,
                        "json-file",
                    )
                )
            prog.signatures += 1
        if plain:
            prog.entries.append(entry.id)
            plain_rules.append((entry.id, _alternations(plain)))
        if json:
            json_rules.append((entry.id, _alternations(json)))
    prog.text = _render(prog.entries, plain_rules, json_rules)
    return prog


def _quote(entry_id: str) -> str:
    # entry ids are [a-z0-9-] (validated by the loader); keep the label a plain mtail string anyway
    return '"' + entry_id.replace('"', "") + '"'


def _counting(subject: str, regexes: list[str], entry_id: str, indent: str) -> list[str]:
    """Count one for the entry when `subject` matches any of `regexes`: the first in an `if`, the
    rest chained under `else`, so a line matching several still counts once."""
    inc = f"{indent}  {METRIC}[{_quote(entry_id)}]++"
    head, rest = regexes[0], regexes[1:]
    out = [f"{indent}{subject}/{head}/ {{", inc]
    if rest:
        out.append(f"{indent}}} else {{")
        out += _counting(subject, rest, entry_id, indent + "  ")
    out.append(f"{indent}}}")
    return out


def _render(
    ids: list[str], plain: list[tuple[str, list[str]]], json: list[tuple[str, list[str]]]
) -> str:
    out = [
        "# Generated by `kb export mtail` from the kbtui knowledge base; do not edit by hand.",
        f"# {METRIC}{{entry}}: log lines matching an entry's signatures ({len(ids)} entries).",
        "# Docker json-file lines are decoded first; other lines are matched as they are.",
        f"counter {METRIC} by entry",
        "hidden gauge kb_series_created",
        "",
        JSON_LINE + " {",
    ]
    out.append(f"  {_decoded('$kb_log')} =~ /^(?P<kb_text>.*)$/ {{")
    for entry_id, regexes in json:
        out += _counting("$kb_text =~ ", regexes, entry_id, "    ")
    out += ["  }", "}", "otherwise {"]
    for entry_id, regexes in plain:
        out += _counting("", regexes, entry_id, "  ")
    out += [
        "}",
        "",
        "# every entry's series exists (at 0) from the first line read, so a first match is an",
        "# increase; this block comes last because `otherwise` above fires only when no sibling",
        "# block before it matched",
        "kb_series_created == 0 {",
    ]
    out += [f"  {METRIC}[{_quote(i)}] += 0" for i in ids]
    out += ["  kb_series_created = 1", "}", ""]
    return "\n".join(out)

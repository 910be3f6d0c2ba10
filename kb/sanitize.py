"""Make untrusted text safe to show in a terminal: the one sanitiser every output uses.

Entry text, file names, check evidence and container logs come from places we do not control.
Before any of it reaches a terminal it goes through `clean`, which removes escape sequences (CSI,
OSC, DCS/SOS/PM/APC, two-byte ESC sequences, 8-bit CSI), the other C0/C1 control characters and
the Unicode bidi controls that make text display differently from what it is ("trojan source").
`one_line` also folds newlines, so a file name holding a newline cannot split a `file:line` record.
"""

from __future__ import annotations

import re

# Removed whole, so that a coloured log line reads as its text (no `[31m` debris left behind).
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x90\x98\x9d\x9e\x9f][^\x1b\x07\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
# C0 controls except tab and newline, DEL, C1 controls, and the bidi controls (LRM/RLM, embeddings
# and overrides U+202A-U+202E, isolates U+2066-U+2069, ALM U+061C).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SAFE = re.compile(r"[^\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*")


# The colour and cursor sequences a program writes inside a line (CSI, OSC ended on the same
# line, two-byte ESC): removed before signatures are matched, so that `\x1b[31mOS monotonic…`
# meets `\bOS monotonic` as the plain text does. Never spans a newline: line numbers stay. Its
# source is JavaScript too: the static site strips a pasted log with it (signatures.js).
INLINE_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)


def strip_escapes(text: str) -> str:
    """`text` without the terminal escape sequences written inside its lines (colours)."""
    if "\x1b" not in text and "\x9b" not in text:
        return text
    return INLINE_ESCAPES.sub("", text)


def clean(text: object, *, keep_newlines: bool = True, tabs: str = "    ") -> str:
    """`text` without escape sequences or control characters. Tabs become `tabs`; `\\r\\n` -> `\\n`."""
    s = "" if text is None else str(text)
    if _SAFE.fullmatch(s):  # the common case: nothing to do
        return s
    s = s.replace("\r\n", "\n")
    s = _ESCAPES.sub("", s)
    s = s.replace("\t", tabs)
    if not keep_newlines:
        s = s.replace("\n", " ")
    return _CONTROLS.sub("", s)


def one_line(text: object, limit: int | None = None) -> str:
    """`clean` text on a single line (whitespace runs folded), optionally cut to `limit` chars."""
    s = " ".join(clean(text, keep_newlines=False).split())
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)] + "…"
    return s


def path_text(path: object) -> str:
    """A file path as printed: one line, no controls (spaces kept as written)."""
    return clean(path, keep_newlines=False, tabs=" ")

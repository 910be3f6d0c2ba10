"""Make untrusted text safe to show in a terminal.

Entry text, check evidence and container logs come from files and hosts we do not control. Before
any of it reaches the screen it goes through `clean`, which removes terminal escape sequences, other
control characters and bidi overrides, and through `plain`, which wraps it in a `rich.text.Text` so
that square brackets are shown as written instead of being read as Rich/Textual markup.
"""

from __future__ import annotations

import re

from rich.text import Text

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC (ESC P|X|^|_ ... ST), and
# two-byte ESC sequences. Removed whole so that a coloured log line reads as its text.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidi controls that can make
# text display differently from what it is ("trojan source").
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: object, *, keep_newlines: bool = True) -> str:
    """`text` without escape sequences or control characters. Tabs become spaces; `\\r\\n` → `\\n`."""
    s = "" if text is None else str(text)
    s = s.replace("\r\n", "\n")
    s = _ESCAPES.sub("", s)
    s = s.replace("\t", "    ")
    if not keep_newlines:
        s = s.replace("\n", " ")
    return _CONTROLS.sub("", s)


def one_line(text: object, limit: int | None = None) -> str:
    """`clean` text on a single line, optionally cut to `limit` characters with an ellipsis."""
    s = " ".join(clean(text, keep_newlines=False).split())
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)] + "…"
    return s


def plain(text: object, style: str = "") -> Text:
    """A `Text` holding `clean(text)` literally: brackets in it are never markup."""
    return Text(clean(text), style=style, no_wrap=False)


def highlighted(
    snippet: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]], style: str
) -> Text:
    """`snippet` as plain Text with `spans` (start, end offsets into the raw snippet) styled.

    Offsets refer to the snippet as the indexer returned it; cleaning may shorten it, so spans are
    mapped through the cleaning character by character rather than trusted blindly.
    """
    raw = "" if snippet is None else str(snippet)
    keep: list[int] = []  # raw index of each kept character
    out: list[str] = []
    for i, ch in enumerate(raw):
        c = clean(ch, keep_newlines=False)
        if c:
            keep.append(i)
            out.append(c if c != "    " else " ")
    # escape sequences span several characters; a per-character pass keeps their printable tail,
    # so when the snippet had an ESC, fall back to a whole-string clean without highlights.
    if "\x1b" in raw or "\x9b" in raw:
        return Text(one_line(raw))
    text = Text("".join(out))
    pos = {raw_i: new_i for new_i, raw_i in enumerate(keep)}
    for start, end in spans or ():
        s = next((pos[i] for i in range(start, end) if i in pos), None)
        e = next((pos[i] + 1 for i in range(end - 1, start - 1, -1) if i in pos), None)
        if s is not None and e is not None and s < e:
            text.stylize(style, s, e)
    return text


def is_web_link(href: str) -> bool:
    """Only http and https links may be opened, and only after the user confirms."""
    h = (href or "").strip().lower()
    return h.startswith("http://") or h.startswith("https://")

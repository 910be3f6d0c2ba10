"""Make untrusted text safe to show in a terminal.

Entry text, check evidence and container logs come from files and hosts we do not control. Before
any of it reaches the screen it goes through the core's `clean` (kb.sanitize: escape sequences,
control characters and bidi overrides removed), and through `plain`, which wraps it in a
`rich.text.Text` so that square brackets are shown as written instead of being read as markup.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text

# the one sanitiser lives in the core (kb/sanitize.py); the TUI adds only Rich wrapping
from kb.sanitize import clean, one_line

__all__ = ["clean", "fit", "highlighted", "is_web_link", "one_line", "plain"]


def fit(text: object, cells: int) -> str:
    """`one_line(text)` cut to `cells` terminal cells, `…` last when cut (a Chinese character
    takes two cells: `one_line`'s limit counts characters)."""
    s = one_line(text)
    if cell_len(s) <= cells:
        return s
    return set_cell_size(s, max(0, cells - 1)).rstrip() + "…" if cells > 0 else ""


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

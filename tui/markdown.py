"""Markdown for entries: a parser with raw HTML switched off, and the links an entry contains.

Textual's Markdown widget builds its blocks from markdown-it tokens as plain `Content`, so entry
text is never read as markup. Raw HTML is disabled here so `<script>` or `<img onerror>` in an entry
shows as the literal text it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from tui.sanitize import clean, one_line

_ENTRY_HREF = re.compile(
    r"^(?:\.{0,2}/)*(?:[a-z0-9-]+/)*([a-z0-9][a-z0-9-]{1,80})(?:\.zh)?\.md(?:#.*)?$"
)


def safe_parser() -> MarkdownIt:
    """GFM-like Markdown without raw HTML."""
    md = MarkdownIt("gfm-like", {"html": False, "linkify": False})
    return md


@dataclass(frozen=True)
class Link:
    text: str
    href: str


def links_in(markdown: str) -> list[Link]:
    """Every link in `markdown`, in order, without duplicates."""
    seen: set[str] = set()
    out: list[Link] = []
    for token in safe_parser().parse(markdown):
        children = token.children or []
        for i, child in enumerate(children):
            if child.type != "link_open":
                continue
            href = str(child.attrs.get("href", ""))
            text_parts = []
            for nxt in children[i + 1 :]:
                if nxt.type == "link_close":
                    break
                text_parts.append(nxt.content)
            if href and href not in seen:
                seen.add(href)
                out.append(
                    Link(
                        text=one_line("".join(text_parts), 60) or href,
                        href=clean(href, keep_newlines=False),
                    )
                )
    return out


def entry_id_from_href(href: str) -> str | None:
    """`other-entry.md`, `../docker/other-entry.md` or `kb:other-entry` name another entry."""
    h = href.strip()
    if h.startswith("kb:"):
        return h[3:] or None
    m = _ENTRY_HREF.match(h)
    return m.group(1) if m else None


def fix_commands(markdown: str) -> list[str]:
    """The command blocks of `markdown` (kb.codeblocks decides which: not logs), cleaned."""
    from kb.codeblocks import fix_commands as commands

    return [text for text in (clean(c) for c in commands(markdown)) if text.strip()]

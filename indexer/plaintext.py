"""Markdown and regex source turned into plain text, for indexing and snippets.

Only what a snippet needs: fences, heading marks, emphasis and link syntax go; code and log lines
stay (people search for the log lines they see). No Markdown library: this runs for every entry
while indexing and must stay cheap.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_QUOTE_LIST = re.compile(r"^\s*(?:>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
_IMAGE_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_SPACE = re.compile(r"\s+")


def markdown_to_text(md: str) -> str:
    """One line of plain text from Markdown (whitespace collapsed)."""
    text = _FENCE.sub(" ", md)
    text = _HEADING.sub("", text)
    text = _QUOTE_LIST.sub("", text)
    text = _IMAGE_LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    return _SPACE.sub(" ", text).strip()


_RE_ESCAPED = re.compile(r"\\([^A-Za-z0-9])")
_RE_CLASS_ESC = re.compile(r"\\[A-Za-z]")
_RE_SYNTAX = re.compile(r"\(\?[a-zA-Z]+\)|\[[^\]]*\]|[(){}|*+?^$]")


def regex_to_text(pattern: str) -> str:
    """The literal words of a signature regex: `(?i)enotconn\\s+\\(socket` -> `enotconn (socket`.

    Approximate on purpose: the words feed the `signatures` field for ranking; the regex itself
    is matched against the raw query separately.
    """
    text = _RE_CLASS_ESC.sub(" ", pattern)
    text = _RE_SYNTAX.sub(" ", text)
    return _RE_ESCAPED.sub(r"\1", text)

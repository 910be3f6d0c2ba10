"""Plain-text snippets with highlight spans, cut from an entry's summary or body.

The snippet comes from the text (summary or body, in the query's language first) that contains
the most distinct query terms, around the densest cluster of them. Highlights are `(start, end)`
character spans into the snippet; callers style them (terminal, TUI, JSON) as they like.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from indexer.tokens import WORD_CHARS, WORD_TAIL, fold, has_cjk, word_terms

WIDTH = 220
LEAD = 40  # characters of context kept before the first highlighted term
ELLIPSIS = "…"


@lru_cache(maxsize=256)
def _finder(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One regex that finds candidate words for `terms` in a single C-level scan.

    A Latin term is a stem, so candidates are words starting with most of it ("drop" finds
    "drops", "dropped"); each candidate is then confirmed by stemming it. CJK terms are literal.
    """
    alts = []
    for t in sorted(terms, key=len, reverse=True):
        if has_cjk(t):
            alts.append(re.escape(t))
        else:
            alts.append(rf"(?<![{WORD_CHARS}]){re.escape(t[: max(2, len(t) - 1)])}{WORD_TAIL}")
    return re.compile("|".join(alts), re.IGNORECASE) if alts else None


def _matches(text: str, terms: frozenset[str], folded: bool = False) -> list[tuple[int, int, str]]:
    finder = _finder(terms)
    if finder is None:
        return []
    out = []
    # Traditional text is matched folded (same length, so the spans fit the original)
    for m in finder.finditer(fold(text) if folded else text):
        word = m.group()
        if has_cjk(word[:1]):
            out.append((m.start(), m.end(), word))
            continue
        for t in word_terms(word.lower()):
            if t in terms:
                out.append((m.start(), m.end(), t))
                break
    return out


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:  # overlapping bigrams of one CJK phrase become one span
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _cut(text: str, start: int, width: int) -> tuple[int, int]:
    """Snap a window to word boundaries where the text has spaces."""
    if start > 0:
        space = text.rfind(" ", max(0, start - 15), start)
        if space != -1:
            start = space + 1
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", end - 20, end)
        if space > start:
            end = space
    return start, end


def snippet(
    texts: list[str], terms: Iterable[str], width: int = WIDTH, *, traditional: bool = False
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Best snippet from `texts` (in order of preference) for `terms`; no match -> first text.
    `traditional`: the texts hold Traditional Chinese, matched folded to Simplified."""
    termset = frozenset(terms)
    best_text, best_matches, best_n = "", [], -1
    for text in texts:
        if not text:
            continue
        matches = _matches(text, termset, traditional) if termset else []
        n = len({t for _, _, t in matches})
        if n > best_n:
            best_text, best_matches, best_n = text, matches, n
    if not best_text:
        return "", ()
    text, matches = best_text, best_matches
    if not matches:
        start, end = _cut(text, 0, width)
        return text[start:end] + (ELLIPSIS if end < len(text) else ""), ()
    # window start: the match whose following `width` chars cover the most distinct terms
    best_i, best_cover = 0, -1
    for i, (s, _e, _t) in enumerate(matches):
        cover = len({t for s2, e2, t in matches[i:] if e2 <= s + width - LEAD})
        if cover > best_cover:
            best_i, best_cover = i, cover
    first = matches[best_i][0]
    start, end = _cut(text, max(0, first - LEAD) if len(text) > width else 0, width)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    spans = _merge((s + shift, e + shift) for s, e, _t in matches if s >= start and e <= end)
    return prefix + text[start:end] + suffix, tuple(spans)

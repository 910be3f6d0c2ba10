"""Chinese text for the search index: overlapping character bigrams.

The Pagefind binary shipped on PyPI is the standard (non-extended) build: it does not segment
Chinese, so "宿主机发生时钟回拨" would be indexed as one long word and a query for 时钟回拨 would not
match it. We index every run of CJK characters as overlapping bigrams ("时钟 钟回 回拨 …") and
the site's search script splits the query the same way (static/search.js, `cjkBigrams`); Pagefind
requires every query word to be present, which makes a bigram query behave like a phrase search.
The two implementations must stay in step; tests/test_site.py checks the Python side and the
browser tests check the pair end to end.

Traditional characters are folded to Simplified ones first, in the index and in queries, as `kb
search` folds them (indexer/tokens.py, same table: assets/search/t2s.txt, from OpenCC,
Apache-2.0). The site ships the part of the table it needs as `t2s.js` (with the licence).
"""

from __future__ import annotations

import re
from functools import cache

# CJK Unified Ideographs (+ extension A), compatibility ideographs, kana and hangul: scripts
# written without spaces between words.
CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def bigrams(text: str) -> list[str]:
    """Overlapping bigrams of every CJK run in `text` (a one-character run stays as it is)."""
    out: list[str] = []
    for run in CJK_RUN.findall(text):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def index_text(text: str) -> str:
    """`text`'s CJK runs as space-separated bigrams, duplicates removed (order kept)."""
    return " ".join(dict.fromkeys(bigrams(text)))


@cache
def t2s_table() -> tuple[str, str]:
    """(Traditional characters, the Simplified ones at the same positions), from
    assets/search/t2s.txt (the table `kb search` folds with); empty when it is missing."""
    from kb.paths import assets_dir

    try:
        text = (assets_dir() / "search" / "t2s.txt").read_text("utf-8")
    except OSError:
        return "", ""
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    if len(lines) < 2 or len(lines[0]) != len(lines[1]):
        return "", ""
    return lines[0], lines[1]


@cache
def _fold_map() -> tuple[dict[int, int], re.Pattern[str] | None]:
    trad, simp = t2s_table()
    if not trad:
        return {}, None
    return str.maketrans(trad, simp), re.compile("[" + re.escape(trad) + "]")


def fold(text: str) -> str:
    """Traditional Chinese characters -> Simplified ones, one for one (same length)."""
    table, any_trad = _fold_map()
    if any_trad is None or not any_trad.search(text):
        return text
    return text.translate(table)


def t2s_pairs(used: set[str]) -> tuple[str, str]:
    """The part of the table whose Simplified character is in `used` (the characters of the
    folded text the site indexes): a query character that folds to anything else finds nothing
    either way. (Traditional, Simplified), same length."""
    trad, simp = t2s_table()
    pairs = [(t, s) for t, s in zip(trad, simp, strict=True) if s in used]
    return "".join(t for t, _ in pairs), "".join(s for _, s in pairs)

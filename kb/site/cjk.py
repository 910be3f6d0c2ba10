"""Chinese text for the search index: overlapping character bigrams.

The Pagefind binary shipped on PyPI is the standard (non-extended) build: it does not segment
Chinese, so "宿主机发生时钟回拨" would be indexed as one long word and a query for 时钟回拨 would not
match it. We index every run of CJK characters as overlapping bigrams ("时钟 钟回 回拨 …") and
the site's search script splits the query the same way (static/search.js, `cjkBigrams`); Pagefind
requires every query word to be present, which makes a bigram query behave like a phrase search.
The two implementations must stay in step; tests/test_site.py checks the Python side and the
browser tests check the pair end to end.
"""

from __future__ import annotations

import re

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

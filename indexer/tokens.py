"""Turning text into index terms, the same way for entries and for queries.

One tokenizer serves both languages, so an entry's English file and its Chinese translation can
share fields:

* Latin words are lower-cased, stop words dropped, and stemmed (Porter2), so `connected`,
  `connection` and `connect` meet.
* Runs of CJK characters become overlapping character bigrams (`时钟回拨` -> 时钟 钟回 回拨) with
  consecutive positions, so a phrase query over the bigrams finds the run without any word
  segmentation (jieba costs ~1 s per cold process and mis-segments compounds; bigrams do not).
* Log noise is skipped before tokenising: Erlang pids (`<0.19464.506>`), timestamps, clock times,
  hex ids, UUIDs and long numbers would otherwise flood a pasted log line with terms that match
  nothing (or everything).
* Traditional Chinese characters are folded to Simplified ones first (`時鐘回撥` -> `时钟回拨`), in
  entries and queries alike, one character for one so that character offsets stay valid. The
  table (`assets/search/t2s.txt`) is generated from OpenCC's TSCharacters.

`tokens()` yields `(term, position, start, end)`; the character offsets serve the snippet
highlighter, the positions serve phrase queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# Kept short on purpose: words like "not", "no", "down", "up" carry meaning in symptoms.
STOP_WORDS = frozenset(
    "a an and are as at be by can for from has have if in into is it its may of on or that the "
    "this to was we were will with you your".split()
)

# Log noise: removed (replaced by a space) before tokenising.
_NOISE = re.compile(
    r"""
      <\d+\.\d+\.\d+>                                    # Erlang pid
    | \#(?:Ref|Port)<[\d.]+>                             # Erlang refs and ports
    | \d{4}-\d{2}-\d{2}(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?
    | \b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b               # clock time
    | \b0x[0-9a-fA-F]+\b                                 # hex literal
    | \b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b  # UUID
    | \b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{10,}\b  # container ids, shas
    """,
    re.VERBOSE,
)

_CJK = (
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\uac00-\ud7af"  # hangul syllables
)
# Letters of a Latin-script word (plus Greek and Cyrillic). A positive class on purpose: `[^\W_]`
# minus the CJK ranges says the same for more scripts but costs ~10 ms to compile, on every
# cold `kb search`.
WORD_CHARS = "0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
# A word, with inner underscores kept for identifiers; or a run of CJK characters.
_TOKEN = re.compile(rf"([{_CJK}]+)|([{WORD_CHARS}]+(?:_[{WORD_CHARS}]+)*)")
# the rest of a Latin word once its start matched (used by the snippet finder)
WORD_TAIL = rf"[{WORD_CHARS}]*(?:_[{WORD_CHARS}]+)*"
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xAC00, 0xD7AF),
)
_DIGIT = re.compile(r"\d")

MIN_WORD = 2
MAX_WORD = 40
# an identifier made of words (an Erlang reason atom such as
# retain_failed_for_payload_size_exceeded_limit) may be longer than any word: it is kept, with its
# parts, up to this length; a longer run without underscores is a hash, a blob or a path
MAX_IDENTIFIER = 100
MAX_DIGITS = 5  # ports (1883, 15672) are useful; longer numbers are ids and counters


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    from whoosh.lang.porter2 import stem as _porter

    return _porter(word)


@lru_cache(maxsize=65536)
def _word_terms(word: str) -> tuple[str, ...]:
    """Index terms for one lower-cased Latin word ('' parts mean: nothing)."""
    if len(word) > (MAX_IDENTIFIER if "_" in word else MAX_WORD):
        return ()
    if word.isdigit():
        return (word,) if len(word) <= MAX_DIGITS else ()
    digits = sum(c.isdigit() for c in word)
    if digits >= 4 and digits * 2 >= len(word):
        return ()  # ids and log-timestamp fragments: 3f4a9c2b1e0d, 18t15, 499373563z
    if "_" in word:
        # allow_anonymous: index the identifier and its parts, so either spelling finds it
        # a part is a word: longer than any word, it is a blob within the identifier
        parts = tuple(
            stem(p)
            for p in word.split("_")
            if MIN_WORD <= len(p) <= MAX_WORD and p not in STOP_WORDS
        )
        return (word, *parts)
    if len(word) < MIN_WORD or word in STOP_WORDS:
        return ()
    return (stem(word),)


@lru_cache(maxsize=1)
def _CAMEL() -> re.Pattern[str]:
    return re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


@lru_cache(maxsize=65536)
def _cased_terms(word: str) -> tuple[str, ...]:
    """Terms of a word as written: its lower-cased terms, plus the parts of a CamelCase
    identifier (`ReadTimeout` -> read, timeout; `UnixHTTPConnectionPool` -> unix, http, ...)."""
    terms = _word_terms(word.lower())
    if word.islower() or word.isupper() or word.isdigit() or "_" in word:
        return terms
    parts = _CAMEL().findall(word)
    if len(parts) < 2:
        return terms
    extra = tuple(t for p in parts for t in _word_terms(p.lower()) if t not in terms)
    return terms + tuple(dict.fromkeys(extra))


def word_terms(word: str) -> tuple[str, ...]:
    """Index terms of one lower-cased Latin word (public face of the cached helper)."""
    return _word_terms(word)


def has_cjk(text: str) -> bool:
    # plain comparisons: a compiled `[CJK ranges]` class costs ~3 ms per cold process
    for c in text:
        o = ord(c)
        if o >= 0x3040 and any(lo <= o <= hi for lo, hi in _CJK_RANGES):
            return True
    return False


_T2S: list[dict[int, int] | None] = []


def _t2s_table() -> dict[int, int] | None:
    if not _T2S:
        from kb.paths import assets_dir

        try:
            lines = [
                ln
                for ln in (assets_dir() / "search" / "t2s.txt").read_text("utf-8").splitlines()
                if ln and not ln.startswith("#")
            ]
            _T2S.append(str.maketrans(lines[0], lines[1]))
        except (OSError, IndexError, ValueError):
            _T2S.append(None)  # no table: Traditional text is indexed as it is
    return _T2S[0]


def fold(text: str) -> str:
    """Traditional Chinese characters -> Simplified ones, one for one (same length)."""
    if text.isascii():
        return text
    table = _t2s_table()
    return text.translate(table) if table else text


def tokens(text: str) -> Iterator[tuple[str, int, int, int]]:
    """Yield (term, position, startchar, endchar) for `text`."""
    if not text:
        return
    text = fold(denoise(text))
    pos = 0
    for m in _TOKEN.finditer(text):
        cjk = m.group(1)
        if cjk is not None:
            start = m.start()
            if len(cjk) == 1:
                yield cjk, pos, start, start + 1
                pos += 1
                continue
            for i in range(len(cjk) - 1):
                yield cjk[i : i + 2], pos, start + i, start + i + 2
                pos += 1
            continue
        terms = _cased_terms(m.group(2))
        if not terms:
            continue
        start, end = m.span()
        for term in terms:
            # every term of one word shares the position: `allow_anonymous` is one place
            yield term, pos, start, end
        pos += 1


def _blank(m: re.Match[str]) -> str:
    # Same length, so character offsets stay valid for highlighting.
    return " " * (m.end() - m.start())


def denoise(text: str) -> str:
    """Blank out log noise (same length). Every noise pattern holds a digit: skip text without."""
    return _NOISE.sub(_blank, text) if _DIGIT.search(text) else text


def query_groups(text: str) -> list[tuple[str, ...]]:
    """Split a query into groups of terms: one term per word, the bigrams of each CJK run.

    A group of more than one term must match as a phrase (adjacent positions). Duplicates are
    removed, order is kept.
    """
    groups: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    text = fold(denoise(text))
    for m in _TOKEN.finditer(text):
        cjk = m.group(1)
        if cjk is not None:
            group = (cjk,) if len(cjk) == 1 else tuple(cjk[i : i + 2] for i in range(len(cjk) - 1))
            if group not in seen:
                seen.add(group)
                groups.append(group)
            continue
        for term in _cased_terms(m.group(2)):
            group = (term,)
            if group not in seen:
                seen.add(group)
                groups.append(group)
    return groups


def raw_words(text: str) -> dict[str, str]:
    """Map each query stem to the lower-cased word it came from (for typo matching)."""
    out: dict[str, str] = {}
    for m in _TOKEN.finditer(denoise(text)):
        word = m.group(2)
        if word is None:
            continue
        for term in _cased_terms(word):
            out.setdefault(term, word.lower())
    return out


def compound_words(text: str) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """Words of a query that index as several terms (`inet_tcp`, `ReadTimeout`): whole term ->
    its parts; and the terms of the words that stand alone. One word typed is one unit of
    meaning: its parts must not count as extra words."""
    parts: dict[str, tuple[str, ...]] = {}
    alone: set[str] = set()
    for m in _TOKEN.finditer(fold(denoise(text))):
        word = m.group(2)
        if word is None:
            continue
        terms = _cased_terms(word)
        if len(terms) > 1:
            parts.setdefault(terms[0], terms[1:])
        else:
            alone.update(terms)
    return parts, frozenset(alone)


def index_terms(text: str, pos: int = 0) -> tuple[list[str], list[tuple[str, int]], int]:
    """The fast path used while indexing: (Latin terms, [(CJK term, position)], next position).

    Like `tokens()` without character offsets, built with `findall` instead of one match object
    per word, and without the noise regex (Python's `re` tries every alternative at every
    position: ~0.3 ms per KB, a third of indexing time). Noise in entry text is rare and mostly
    caught by `_word_terms`; pasted queries do go through `denoise`.
    """
    latin: list[str] = []
    cjk: list[tuple[str, int]] = []
    if not text:
        return latin, cjk, pos
    for run, word in _TOKEN.findall(fold(text)):
        if run:
            if len(run) == 1:
                cjk.append((run, pos))
                pos += 1
            else:
                for i in range(len(run) - 1):
                    cjk.append((run[i : i + 2], pos))
                    pos += 1
            continue
        terms = _cased_terms(word)
        if terms:
            latin.extend(terms)
            pos += 1
    return latin, cjk, pos

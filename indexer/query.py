"""Whoosh query objects built directly from the user's text (no query parser).

Users type words or paste log lines, they do not write query syntax, so `whoosh.qparser` (40-80 ms
to import, and it chokes on `<0.1.2>`, quotes and braces) stays off the search path. Each word
becomes a weighted OR over the text fields; each CJK run becomes its rarest bigram, checked for the whole run afterwards; words
the index has never seen become fuzzy terms (one edit), so a single typo still finds the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from indexer.tokens import has_cjk, query_groups, raw_words, word_terms

FIELD = "text"  # Latin stems, frequencies
CJK_FIELD = "cjk"  # CJK bigrams, positions
MAX_GROUPS = 24  # a pasted log keeps its rarest words; more only add noise and time
MIN_FUZZY = 4  # shorter words have too many one-edit neighbours
LONG_RUN = 5  # CJK runs this long match on all their bigrams, the whole run earns a bonus
# On a large KB, a word found in more than this share of entries says little about any of them
# but costs a scan of its whole posting list (Whoosh scores in Python): dropped when the query
# has rarer words. Small KBs keep every word (the share is noisy there and time is no issue).
COMMON_SHARE = 0.2
COMMON_MIN_DOCS = 2000
MAX_RUN_BIGRAMS = 4  # bigrams of a long CJK run that are searched (the rarest ones)


class Or(wq.Or):
    """An OR that always uses Whoosh's union-tree matcher. On small segments Whoosh otherwise
    picks a matcher that reads and scores every posting up front; the tree can skip blocks
    that cannot reach the top hits."""

    matcher_type = wq.Or.DEFAULT_MATCHER


@dataclass
class Built:
    query: wq.Query | None
    groups: list[tuple[str, ...]] = field(default_factory=list)
    fuzzy_words: list[str] = field(default_factory=list)  # index terms tried for typos
    cjk: bool = False
    # CJK runs of 3+ characters, and whether the run itself must be in an entry (3-4 chars)
    runs: list[tuple[str, bool]] = field(default_factory=list)
    # the query is nothing but such runs: an entry without any of them is not a hit
    only_runs: bool = False


_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _edits1(word: str) -> set[str]:
    """Strings one edit from `word` (delete, swap, replace, insert), first letter kept."""
    n = len(word)
    out = {word[:i] + word[i + 1 :] for i in range(1, n)}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, n - 1)}
    for i in range(1, n + 1):
        head, tail = word[:i], word[i:]
        for c in _ALPHABET:
            out.add(head + c + tail)
            if tail:
                out.add(head + c + tail[1:])
    out.discard(word)
    return out


def neighbours(term: str, word: str, reader: Any) -> list[str]:
    """Index terms one edit away from a word's stem or the word itself.

    Checked against the lexicon directly (a few hundred hash lookups, ~5 ms) instead of Whoosh's
    FuzzyTerm, which walks the whole term list through a Levenshtein automaton in Python
    (100-150 ms on 10 000 entries) and knows no transpositions ("netspilt").
    """
    found = [v for v in sorted(_edits1(term)) if reader.doc_frequency(FIELD, v)]
    if not found and word != term:
        # the typo may have changed how the word stems ("monotonik" stems to itself): stem the
        # word's neighbours instead (slower: a Porter2 call each)
        stems = {t for v in _edits1(word) for t in word_terms(v)} - {term}
        found = [v for v in sorted(stems) if reader.doc_frequency(FIELD, v)]
    return found


def build(text: str, reader: Any, *, fuzzy_all: bool = False) -> Built:
    """The query for `text`; `fuzzy_all` also relaxes words the index knows (second attempt)."""
    groups = query_groups(text)
    if not groups:
        return Built(None)
    df = {t: reader.doc_frequency(CJK_FIELD if has_cjk(t) else FIELD, t) for g in groups for t in g}
    # a phrase is as rare as its rarest bigram; 0 (unknown) sorts as rarest-but-last
    rarity = {g: min(df[t] for t in g) for g in groups}
    if len(groups) > MAX_GROUPS:
        ranked = sorted(range(len(groups)), key=lambda i: (rarity[groups[i]] or 10**9, i))
        groups = [groups[i] for i in sorted(ranked[:MAX_GROUPS])]
    n_docs = reader.doc_count()
    if n_docs >= COMMON_MIN_DOCS and not fuzzy_all:
        limit = COMMON_SHARE * n_docs
        rare = [g for g in groups if rarity[g] <= limit]
        if rare:
            groups = rare
        elif len(groups) > 3:
            # only common words (a generic log line): the rarest three rank as well as all
            rarest3 = sorted(range(len(groups)), key=lambda i: (rarity[groups[i]], i))[:3]
            groups = [groups[i] for i in sorted(rarest3)]
    words = raw_words(text)
    subs: list[wq.Query] = []
    fuzzy_words: list[str] = []
    runs: list[tuple[str, bool]] = []
    for group in groups:
        if len(group) == 1:
            term = group[0]
            if has_cjk(term):
                if len(term) == 1:  # a lone CJK character: the bigrams that start with it
                    subs.append(wq.Prefix(CJK_FIELD, term))
                elif df[term]:  # a two-character run is one bigram
                    subs.append(wq.Term(CJK_FIELD, term))
                continue
            known = df[term] > 0
            word = words.get(term, term)
            if (not known or fuzzy_all) and len(word) >= MIN_FUZZY and not word.isdigit():
                # a misspelt word stems oddly ("monotnic" -> "monotn" -> "monoton"), so look
                # one edit around the stem and around the word
                near = neighbours(term, word, reader)
                fuzzy_words.extend(near)
                fz: list[wq.Query] = [wq.Term(FIELD, v, boost=0.6) for v in near]
                if known:
                    subs.append(Or([wq.Term(FIELD, term), *fz]))
                elif fz:
                    subs.append(fz[0] if len(fz) == 1 else Or(fz))
            elif known:
                subs.append(wq.Term(FIELD, term))
            continue
        # A CJK run of 3+ characters: match on its rarest bigram (one posting list, which
        # Whoosh can skip through by block quality), then `KBIndex.search` keeps the entries
        # whose text holds the run itself. Whoosh's Phrase checks positions in Python for every
        # entry holding all the bigrams: 5x slower where a phrase is common.
        run = group[0] + "".join(b[1] for b in group[1:])
        rarest = min(group, key=lambda b: (df[b], b))
        if not df[rarest]:
            continue  # some bigram occurs nowhere: nothing holds the run
        if len(group) + 1 >= LONG_RUN:
            # A long run is often a whole sentence: every bigram counts, the run earns a bonus.
            # the rarest few carry the meaning; common ones would only cost time
            by_rarity = sorted((b for b in set(group) if df[b]), key=lambda b: (df[b], b))
            keep = [
                b
                for b in by_rarity[:MAX_RUN_BIGRAMS]
                if b in by_rarity[:2] or n_docs < COMMON_MIN_DOCS or df[b] <= COMMON_SHARE * n_docs
            ]
            bigrams = [wq.Term(CJK_FIELD, b, boost=0.3) for b in keep if b != rarest]
            subs.append(Or([wq.Term(CJK_FIELD, rarest, boost=2.0), *bigrams]))
            runs.append((run, False))
        else:
            subs.append(wq.Term(CJK_FIELD, rarest))
            runs.append((run, True))
    if not subs:
        return Built(None, groups, fuzzy_words)
    q = subs[0] if len(subs) == 1 else Or(subs)
    only_runs = bool(runs) and all(strict for _, strict in runs) and len(runs) == len(subs)
    return Built(q, groups, fuzzy_words, cjk=has_cjk(text), runs=runs, only_runs=only_runs)


def filter_query(product: Any = None, tag: Any = None, kind: Any = None) -> wq.Query | None:
    """AND of the filters; each may be a string or a sequence of strings (any of them)."""
    parts: list[wq.Query] = []
    for fieldname, value in (("products", product), ("tags", tag), ("kind", kind)):
        if not value:
            continue
        values = [value] if isinstance(value, str) else list(value)
        terms = [wq.Term(fieldname, v.lower() if fieldname != "kind" else v) for v in values]
        parts.append(terms[0] if len(terms) == 1 else Or(terms))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)

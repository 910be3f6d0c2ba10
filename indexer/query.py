"""Whoosh query objects built directly from the user's text (no query parser).

Users type words or paste log lines, they do not write query syntax, so `whoosh.qparser` (40-80 ms
to import, and it chokes on `<0.1.2>`, quotes and braces) stays off the search path. Each word
becomes a weighted OR over the text fields; each CJK run becomes its rarest bigram, checked for the whole run afterwards; words
the index has never seen become fuzzy terms (one edit), so a single typo still finds the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from whoosh import query as wq

from indexer.tokens import compound_words, fold, has_cjk, query_groups, raw_words, word_terms

FIELD = "text"  # Latin stems, frequencies
CJK_FIELD = "cjk"  # CJK bigrams, positions
MAX_GROUPS = 24  # a pasted log keeps its rarest words; more only add noise and time
MIN_FUZZY = 4  # shorter words have too many one-edit neighbours
LONG_RUN = 5  # CJK runs this long are sentences: they match on a share of their bigrams
SENTENCE_CHARS = 10  # a query with this many CJK characters in runs of 2+ is a sentence
# On a large KB, a word found in more than this share of entries says little about any of them
# but costs a scan of its whole posting list (Whoosh scores in Python): dropped when the query
# has rarer words. Small KBs keep every word (the share is noisy there and time is no issue).
COMMON_SHARE = 0.2
COMMON_MIN_DOCS = 2000
# Function characters: a bigram holding one spans a word boundary or says nothing ("置的",
# "了十"); long runs (sentences) match on their other bigrams.
CJK_STOP = frozenset("的了是在我你他她它们这那就也都和与吗呢啊吧么个把被给很又还呀哦嘛啦")
MAX_RUN_BIGRAMS = 8  # bigrams of a long CJK run that are searched (the rarest ones)


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
    # CJK runs of 3-4 characters: the run itself must be in an entry (precision of 时钟回拨)
    runs: list[tuple[str, bool]] = field(default_factory=list)
    # the query is nothing but such runs: an entry without any of them is not a hit
    only_runs: bool = False
    # long CJK runs (sentences) and their bigrams known to the index: an entry must hold a share
    # of them (minimum-should-match), not the whole run
    long_runs: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    # the user's own informative terms (not synonyms, not boilerplate) -> (weight, doc freq);
    # what the confidence rule measures an answer's coverage against
    own: dict[str, tuple[float, int]] = field(default_factory=dict)
    doc_count: int = 0
    # identifiers of the query (reason atoms, error codes) that no entry holds: a clear sign
    # that no entry is about this problem, whatever else matches
    unknown_ids: list[str] = field(default_factory=list)
    dfs: dict[str, int] = field(default_factory=dict)  # document frequency of every query term
    # synonym phrases the query was widened with: (Latin terms, folded CJK text); an entry
    # holding one counts as holding the user's phrase
    syn_phrases: list[tuple[frozenset[str], str]] = field(default_factory=list)
    log_like: bool = False  # the query looks like a pasted log line, not words typed by a person
    # a pasted log with more than MAX_GROUPS words kept only its rarest: what it dropped can still
    # be the one a signature needs (KBIndex._by_words lets every signature see the whole text)
    words_cut: bool = False
    # terms of code locations and routine log-line words: where a line was printed, so they
    # name no product (`container_linux.go` is not about Go or Linux)
    where: frozenset[str] = frozenset()
    # a word typed as one but indexed as several terms (`inet_tcp`, `ReadTimeout`): whole ->
    # parts; it counts once in coverage, held in the share of its parts an entry holds
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # a word no entry knows, and the index terms one edit away that were searched for it: it
    # counts in coverage as held when an entry holds one of them (a typo, not an unknown word)
    near: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the query asks how to do something or whether something can be done (how do I, 如何,
    # 有没有): an FAQ answers that, an incident explains a failure (`lexicon.asks_how`)
    asks: bool = False

    def near_terms(self) -> list[str]:
        """The index terms searched in place of the query's misspelt words."""
        return [v for vs in self.near.values() for v in vs]


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

    Checked against the lexicon directly instead of Whoosh's FuzzyTerm, which walks the whole
    term list through a Levenshtein automaton in Python (100-150 ms on 10 000 entries) and knows
    no transpositions ("netspilt"). Most one-edit strings share the word's first two letters:
    those are checked against the index's terms with that prefix (one short scan of the sorted
    term list), the few others with one lookup each (~30 us per segment).
    """
    found = _known(sorted(_edits1(term)), term[:2], reader)
    if not found and word != term:
        # the typo may have changed how the word stems ("monotonik" stems to itself): stem the
        # word's neighbours instead (slower: a Porter2 call each)
        stems = {t for v in _edits1(word) for t in word_terms(v)} - {term}
        found = _known(sorted(stems), word[:2], reader)
    return found


def _known(cands: list[str], head: str, reader: Any) -> list[str]:
    """The candidates that are terms of the index, in order (exactly those with a document
    frequency): against the index's terms starting with `head` when the reader offers them."""
    prefixed = getattr(reader, "terms_with_prefix", None)
    if prefixed is None or len(head) < 2:
        return [v for v in cands if reader.doc_frequency(FIELD, v)]
    lex = prefixed(FIELD, head)
    return [
        v for v in cands if (v in lex if v.startswith(head) else reader.doc_frequency(FIELD, v))
    ]


def build(text: str, reader: Any, *, fuzzy_all: bool = False) -> Built:
    """The query for `text`; `fuzzy_all` also relaxes words the index knows (second attempt)."""
    from indexer.lexicon import (
        BOILERPLATE,
        BOILERPLATE_WEIGHT,
        SYNONYM_WEIGHT,
        asks_how,
        expansions,
        frames,
        is_identifier,
        locations,
        rewrite,
        term_weight,
    )

    text = rewrite(text)  # Chinese as meant: confusion set, question phrases blanked
    groups = [g for g in query_groups(text) if not (len(g[0]) == 1 and g[0] in CJK_STOP)]
    if not groups:
        return Built(None)
    n_docs = reader.doc_count()
    words = raw_words(text)
    own_terms = frozenset(t for g in groups if len(g) == 1 and not has_cjk(g[0]) for t in g)
    own_words = own_terms | frozenset(words.values()) | frozenset(_WORDS().findall(text.lower()))
    syn_groups: list[tuple[str, ...]] = []
    syn_phrases: list[tuple[frozenset[str], str]] = []
    seen = set(groups)
    own_runs = frozenset(g[0] + "".join(b[1] for b in g[1:]) for g in groups if has_cjk(g[0]))
    for phrase, whole in expansions(text, own_words, own_runs):
        if text.isascii() and has_cjk(phrase):
            continue  # English queries already meet the entries' English text
        pgroups = query_groups(phrase)
        if not whole:
            pass
        elif has_cjk(phrase):
            syn_phrases.append((frozenset(), fold(phrase).replace(" ", "")))
        elif " " in phrase.strip():
            syn_phrases.append((frozenset(), phrase.lower().strip()))  # a phrase: held as such
        else:
            syn_phrases.append((frozenset(t for g in pgroups for t in g), ""))
        for g in pgroups:
            if g not in seen:
                seen.add(g)
                syn_groups.append(g)
    df = {
        t: reader.doc_frequency(CJK_FIELD if has_cjk(t) else FIELD, t)
        for g in (*groups, *syn_groups)
        for t in g
    }
    # a phrase is as rare as its rarest bigram; 0 (unknown) sorts as rarest-but-last
    rarity = {g: min(df[t] for t in g) for g in (*groups, *syn_groups)}
    words_cut = len(groups) > MAX_GROUPS
    if words_cut:
        # a pasted log keeps its rarest words, boilerplate last
        noise = BOILERPLATE | locations(text) | frames(text)
        ranked = sorted(
            range(len(groups)),
            key=lambda i: (groups[i][0] in noise, rarity[groups[i]] or 10**9, i),
        )
        groups = [groups[i] for i in sorted(ranked[:MAX_GROUPS])]
    if n_docs >= COMMON_MIN_DOCS and not fuzzy_all:
        limit = COMMON_SHARE * n_docs
        rare = [g for g in groups if rarity[g] <= limit]
        if rare:
            groups = rare
        elif len(groups) > 3:
            # only common words (a generic log line): the rarest three rank as well as all
            rarest3 = sorted(range(len(groups)), key=lambda i: (rarity[groups[i]], i))[:3]
            groups = [groups[i] for i in sorted(rarest3)]
        syn_groups = [g for g in syn_groups if rarity[g] and rarity[g] <= limit]
    subs: list[wq.Query] = []
    fuzzy_words: list[str] = []
    runs: list[tuple[str, bool]] = []
    long_runs: list[tuple[str, frozenset[str]]] = []
    own: dict[str, tuple[float, int]] = {}
    unknown_ids: list[str] = []
    where = locations(text) | frames(text)  # where a line was printed, routine line words
    # Short runs (3-4 characters) are matched exactly when the query is a few short phrases
    # (时钟回拨, 网络分区); inside a sentence they are pieces of it ("重启后", "连接后") and match
    # on their bigrams like the rest of the sentence.
    compounds, alone = compound_words(text)
    only_parts = {p for ps in compounds.values() for p in ps} - alone - set(compounds)
    parts: dict[str, tuple[str, ...]] = {}
    near_of: dict[str, tuple[str, ...]] = {}
    cjk_chars = sum(len(g) + 1 for g in groups if len(g) > 1)
    sentence = cjk_chars >= SENTENCE_CHARS
    for group, syn in [(g, False) for g in groups] + [(g, True) for g in syn_groups]:
        if len(group) == 1:
            term = group[0]
            if has_cjk(term):
                weight = SYNONYM_WEIGHT if syn else 1.0
                if len(term) == 1:  # a lone CJK character: the bigrams that start with it
                    if not syn:
                        subs.append(wq.Prefix(CJK_FIELD, term, boost=0.5))
                elif term[0] == term[1] and not syn:
                    # a doubled character (时时, 常常) is where two words meet in the entries'
                    # text (超时|时间) or an adverb: nothing to answer on its own
                    own[term] = (1.0, 0)
                elif df[term]:  # a two-character run is one bigram
                    subs.append(wq.Term(CJK_FIELD, term, boost=weight))
                    if not syn:
                        own[term] = (1.0, df[term])
                elif not syn:
                    own[term] = (1.0, 0)
                continue
            known = df[term] > 0
            word = words.get(term, term)
            weight = BOILERPLATE_WEIGHT if term in where else term_weight(term, word)
            weight *= SYNONYM_WEIGHT if syn else 1.0
            if not syn and weight >= 1.0 and not term.isdigit() and term not in only_parts:
                own[term] = (weight, df[term])
                if term in compounds:
                    # one word, several terms: as rare as its rarest known part when the whole
                    # is unknown (`ReadTimeout` is read + timeout, not a word no entry knows)
                    pdf = [_df(reader, df, p) for p in compounds[term]]
                    parts[term] = compounds[term]
                    if not known and any(pdf):
                        own[term] = (weight, min(d for d in pdf if d))
                if not known and is_identifier(term, word):
                    unknown_ids.append(term)
            if syn:
                if known:
                    subs.append(wq.Term(FIELD, term, boost=weight))
            elif (not known or fuzzy_all) and len(word) >= MIN_FUZZY and not word.isdigit():
                # a misspelt word stems oddly ("monotnic" -> "monotn" -> "monoton"), so look
                # one edit around the stem and around the word
                near = neighbours(term, word, reader)
                fuzzy_words.extend(near)
                if near and not known and term in own and term not in parts:
                    near_of[term] = tuple(near)
                    own[term] = (own[term][0], min(reader.doc_frequency(FIELD, v) for v in near))
                fz: list[wq.Query] = [wq.Term(FIELD, v, boost=0.6 * weight) for v in near]
                if known:
                    subs.append(Or([wq.Term(FIELD, term, boost=weight), *fz]))
                elif fz:
                    subs.append(fz[0] if len(fz) == 1 else Or(fz))
            elif known:
                subs.append(wq.Term(FIELD, term, boost=weight))
            continue
        run = group[0] + "".join(b[1] for b in group[1:])
        long = len(group) + 1 >= LONG_RUN or sentence
        known_bigrams = sorted(
            (
                b
                for b in set(group)
                if df[b] and not (long and (b[0] in CJK_STOP or b[1] in CJK_STOP or b[0] == b[1]))
            ),
            key=lambda b: (df[b], b),
        )
        if syn:
            # a synonym's Chinese phrase: its bigrams, softly
            subs.extend(wq.Term(CJK_FIELD, b, boost=SYNONYM_WEIGHT / 2) for b in known_bigrams)
            continue
        if long:
            # A long run is often a whole sentence ("容器跑了十分钟左右自己就停了"): it matches on
            # the share of its bigrams the index knows (minimum-should-match, checked in
            # `rank`), never all-or-nothing. The rarest few carry the meaning; common ones only
            # cost time on a large KB.
            searched = [
                b
                for b in known_bigrams[:MAX_RUN_BIGRAMS]
                if b in known_bigrams[:2]
                or n_docs < COMMON_MIN_DOCS
                or df[b] <= COMMON_SHARE * n_docs
            ]
            if not searched:
                continue
            subs.extend(wq.Term(CJK_FIELD, b, boost=0.7) for b in searched)
            long_runs.append((run, frozenset(known_bigrams)))
            continue
        # A run of 3-4 characters: match on its rarest bigram (one posting list, which Whoosh
        # can skip through by block quality), then `rank` keeps the entries whose text holds the
        # run itself. Whoosh's Phrase checks positions in Python for every entry holding all the
        # bigrams: 5x slower where a phrase is common.
        if len(known_bigrams) < len(set(group)):
            own[run] = (1.0, 0)  # some bigram occurs nowhere: nothing holds the run
            continue
        subs.append(wq.Term(CJK_FIELD, known_bigrams[0], boost=1.5))
        runs.append((run, True))
        own[run] = (1.5, df[known_bigrams[0]])
        # an entry's focus (titles, symptoms, signatures) is kept as index terms, bigrams for
        # Chinese: the run counts as held in the share of its bigrams the focus holds
        parts[run] = tuple(dict.fromkeys(group))
    if not subs:
        return Built(None, groups, fuzzy_words, own=own, doc_count=n_docs, unknown_ids=unknown_ids)
    q = subs[0] if len(subs) == 1 else Or(subs)
    only_runs = bool(runs) and all(len(g) > 1 for g in groups) and not long_runs
    log_like = looks_like_log(text)
    return Built(
        q,
        groups,
        fuzzy_words,
        cjk=has_cjk(text),
        runs=runs,
        only_runs=only_runs,
        long_runs=long_runs,
        own=own,
        doc_count=n_docs,
        unknown_ids=unknown_ids,
        dfs=df,
        syn_phrases=syn_phrases,
        log_like=log_like,
        words_cut=words_cut,
        where=where,
        parts=parts,
        near=near_of,
        asks=not log_like and asks_how(text),
    )


def _df(reader: Any, df: dict[str, int], term: str) -> int:
    if term not in df:
        df[term] = reader.doc_frequency(FIELD, term)
    return df[term]


@lru_cache(maxsize=1)
def _WORDS() -> re.Pattern[str]:
    return re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _LOG_MARK() -> re.Pattern[str]:
    return re.compile(
        r"\[(?:error|warning|warn|info|debug|notice|critical)\]"  # [error]
        r"|=(?:ERROR|WARNING|INFO|CRASH) REPORT"
        r"|\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d"  # timestamps
        r"|<\d+\.\d+\.\d+>"  # Erlang pids
        r"|^\d{9,10}: "  # Mosquitto epoch prefix
        r"|\bError response from daemon: "  # the Docker CLI printing the daemon's error
        r"|(?i:\b(?:error|warn|warning|fatal|critical|exception)\b\s?[:\]])",
        re.MULTILINE,
    )


def looks_like_log(text: str) -> bool:
    """A pasted log line (level tags, timestamps, pids), not words typed by a person."""
    return _LOG_MARK().search(text) is not None


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

"""The query side of the search index: an open index that answers queries with plain `Hit`s.

idx = open_index(sources)            # (indexer.update) incremental update, then open
hits = idx.search("monotonic time", product="emqx")
hits[0].confident                    # a best match, or related reading
idx.errors                           # the bad entry files' errors (re-warned each run)
idx.problems                         # every lint problem of the indexed files (read on demand)
idx.close()

Whoosh finds candidates (indexer.query builds the query), `indexer.rank` re-ranks them and
decides which are confident answers, and this module turns them into `Hit`s with snippets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any

from indexer.hit import Hit
from indexer.store import Store, problems_from_json
from kb.model import Problem

CANDIDATES = 30  # hits re-ranked before cutting to `limit`
DECIDED = 10  # hits the order and the confidence rule always see, whatever `limit` is
MAX_QUERY_CHARS = (
    20000  # words beyond this in a pasted log are not tokenised (signatures see it all: _search)
)
_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,80}")  # an entry id (kb.validate.SLUG's shape)
_ENTRY_CACHE = 4096  # entries whose folded text and term set are kept between queries


def _sorted_problems(problems: list[Problem]) -> list[Problem]:
    # the stored rows come back in any order: the message settles a tie
    return sorted(problems, key=lambda p: (*p.order(), p.message))


class KBIndex:
    """An open search index. Not thread-safe; open one per thread (they share the files)."""

    def __init__(
        self,
        store: Store,
        gen: Path,
        ix: Any,
        searcher: Any,
        state: dict[str, Any],
        reparsed: list[str],
        rebuilt: bool,
    ) -> None:
        self.store = store
        self.path = gen
        self._ix = ix
        self._searcher: Any = searcher
        self._sig_cache: dict[str, Any] = {}
        self._all_sigs: Any = None  # every entry's signatures, for long pasted logs
        self._topdocs: Any = None  # indexer.scoring.TopDocs over this searcher
        self._stored: dict[int, dict[str, Any]] = {}  # docnum -> stored fields (read-only)
        self._freq: _FreqReader | None = None
        self._texts: dict[str, str] = {}
        self._product_names: frozenset[str] | None = None
        self._repaired = False
        self._vector_table: Any = None  # indexer.semantic.VectorTable, False when off
        self._sources: list[str] = list(state.get("sources") or [])
        #: ids parsed during this open (empty when nothing changed)
        self.reparsed = reparsed
        #: True when this open built the index from scratch
        self.rebuilt = rebuilt
        # lint problems stay as the state's rows until asked for: a large KB may carry thousands
        # of warnings that a search never shows (it warns about errors only)
        self._problem_rows: list[list[Any]] = list(state["problems"])
        #: one line when the index folder could not be written and this index is the last one
        #: built (stale) or one built in memory: what happened and what to do (None normally)
        self.warning: str | None = None
        #: the manifest of an index built in memory (None: it is read from `path` on demand)
        self.manifest: dict[str, Any] | None = None

    @cached_property
    def problems(self) -> list[Problem]:
        """Every lint problem of the indexed files, sorted by file, line and message."""
        return _sorted_problems(problems_from_json(self._problem_rows))

    @property
    def errors(self) -> list[Problem]:
        """The problems that kept an entry out of the index (errors, not warnings), sorted."""
        return _sorted_problems(
            problems_from_json([r for r in self._problem_rows if r[3] == "error"])
        )

    # -- public --------------------------------------------------------------------------------
    @property
    def doc_count(self) -> int:
        return int(self._ix.doc_count())

    def ids(self) -> list[str]:
        """Ids of the indexed entries (reads the full manifest: not for the hot path)."""
        manifest = self.manifest or Store.read_manifest(self.path) or {"groups": {}}
        return sorted(g for g, v in manifest["groups"].items() if v.get("indexed"))

    def search(
        self,
        query: str,
        product: str | Sequence[str] | None = None,
        tag: str | Sequence[str] | None = None,
        kind: str | Sequence[str] | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """Ranked hits for `query` (words, or pasted log lines), filtered by product/tag/kind.

        An empty query lists every entry that passes the filters, by id. Each hit says whether
        it is a confident answer (`Hit.confident`) or related reading. An index whose files
        turn out damaged while reading is rebuilt (one-line notice) and the query run again.
        """
        try:
            return self._search(query, product, tag, kind, limit)
        except Exception as exc:
            if self._searcher is None or self._repaired:
                raise
            self._repair(exc)
        return self._search(query, product, tag, kind, limit)

    def _repair(self, exc: BaseException) -> None:
        from indexer.store import notice
        from indexer.update import open_index

        notice(f"the search index was damaged ({type(exc).__name__}); rebuilding it")
        fresh = open_index(self._sources, rebuild=True)
        self.close()
        self.path, self._ix, self._searcher = fresh.path, fresh._ix, fresh._searcher
        self._sig_cache.clear()
        self._all_sigs = None
        self._topdocs = None
        self._stored.clear()
        self._freq = None
        self._texts.clear()
        self._product_names = None
        self.rebuilt, self.reparsed = True, fresh.reparsed
        self.warning, self.manifest = fresh.warning, fresh.manifest
        self._problem_rows = fresh._problem_rows
        self.__dict__.pop("problems", None)  # read again from the rebuilt index's rows
        self._repaired = True

    def _search(
        self,
        query: str,
        product: str | Sequence[str] | None,
        tag: str | Sequence[str] | None,
        kind: str | Sequence[str] | None,
        limit: int,
    ) -> list[Hit]:
        from indexer import query as qmod

        self._get_searcher()  # raises when closed
        flt = qmod.filter_query(product, tag, kind)
        hits = self._by_words(query, flt, limit)
        named = self._named(query, flt)
        if named is None:
            return hits
        # A query that is an entry's id (what alerts, doctor findings, `kb show` and the site's
        # addresses hand the on-call engineer) puts that entry first, as the answer; the
        # words' hits follow as related reading
        rest = [replace(h, confident=False) for h in hits if h.id != named.id]
        top = max([h.score for h in hits] or [1.0])
        return [replace(named, score=top, confident=True), *rest][:limit]

    def _named(self, query: str, flt: Any) -> Hit | None:
        """The entry whose id the query is (filters apply), or None."""
        eid = query.strip().lower()
        if "-" not in eid or not _ID.fullmatch(eid):
            return None
        searcher = self._get_searcher()
        docnum = searcher.document_number(id=eid)
        if docnum is None:
            return None
        if flt is not None and docnum not in set(searcher.docs_for_query(flt)):
            return None
        c = self._candidate(0.0, docnum)
        return _make_hit(c.id, c.data, 0.0, frozenset(), ("en", "zh"), False, True)

    def _by_words(self, query: str, flt: Any, limit: int) -> list[Hit]:
        from indexer import query as qmod
        from indexer import rank

        built = qmod.build(query[:MAX_QUERY_CHARS], self._reader())
        if built.query is None:
            # nothing searchable: an empty query lists entries; stop words or noise find nothing
            return self._list(flt, limit) if not query.strip() else []
        want = max(limit, CANDIDATES)
        # entries matched on a run's rarest bigram may lack the run: fetch extra to check
        extra = 4 if built.runs or built.long_runs else 1
        scored = self._top(built.query, want * extra, flt)
        if not scored:
            # maybe a typo that happens to be a real word elsewhere: relax every word once
            relaxed = qmod.build(query[:MAX_QUERY_CHARS], self._reader(), fuzzy_all=True)
            if relaxed.query is not None:
                built = relaxed
                scored = self._top(built.query, want, flt)
        if not scored and len(query) <= MAX_QUERY_CHARS:
            return []
        cands = [self._candidate(score, d) for score, d in scored]
        products = rank.named_products(
            # a misspelt product name (eqmx) names the product its one-edit neighbour is
            (*(t for g in built.groups for t in g if t not in built.where), *built.near_terms()),
            self._products(),
        )
        if not products:
            # a line printed by an Erlang runtime names its family (an Erlang pid)
            products = rank.runtime_products(query[:MAX_QUERY_CHARS], self._products())
        facts = rank.QueryFacts(
            products=products,
            ports=self._ports(query[:MAX_QUERY_CHARS]),
            exit_codes=rank.exit_codes(query[:MAX_QUERY_CHARS]),
            idf=self._idf(query[:MAX_QUERY_CHARS], built.doc_count, built.log_like),
        )
        ranked = rank.refine(rank.rerank(cands, built, facts)[:want], built)
        if len(query) > MAX_QUERY_CHARS or built.words_cut:
            # only the first MAX_QUERY_CHARS were tokenised, or only the rarest MAX_GROUPS words
            # searched, and `docker logs … | kb search -` has its error at the bottom: entries
            # whose signature matches anywhere in the whole text join the candidates (signatures
            # then lift them, as for a short line)
            ranked += self._beyond_words(query, {c.id for c in ranked}, flt, ranked)
        if not ranked:
            return []
        sig, primary = self._signature_matches(query, [(c.id, c.data) for c in ranked])
        facts.sig_ids, facts.primary_ids = frozenset(sig), frozenset(primary)
        for c in ranked:
            c.sig = c.id in sig
            c.primary = c.id in primary
        # ordered and judged on at least DECIDED hits, then cut: `-n 1` must give the first hit
        # and the verdict of `-n 10` (with one hit, the sentence vectors had nothing to reorder
        # and the confidence rule no second hit to weigh the first against)
        ranked = rank.prefer_trees(rank.rerank_signatures(ranked), built, facts)
        ranked = ranked[: max(limit, DECIDED)]
        ranked = rank.by_meaning(
            ranked, built, lambda cs: self._closeness(query, cs), len(query.split())
        )
        rank.decide(ranked, built, facts)
        ranked = ranked[:limit]
        terms = self._highlight_terms(built)
        prefer = ("zh", "en") if built.cjk else ("en", "zh")
        return [self._hit(c, terms, prefer) for c in ranked]

    def prepare_vectors(self) -> bool:
        """Load the sentence encoder and the vector table now (a long-lived caller, the TUI,
        does it in the background so that its first search does not wait); True when they are
        on."""
        return self._vectors() is not None

    def encode_all(self, progress: Any = None) -> tuple[int, int]:
        """Give every indexed entry's texts their sentence vectors now (cached beside the index),
        so that the first searches over a user's own entries rank as later ones do (searches
        otherwise encode them as they meet them, `semantic.BUDGET_S` a query). `progress(done,
        total)` is called per batch. Returns (texts, of them newly encoded); (0, 0) when the
        vectors are off."""
        table = self._vectors()
        if table is None:
            return 0, 0
        from indexer import semantic

        searcher = self._get_searcher()
        texts = list(
            dict.fromkeys(
                t for f in searcher.all_stored_fields() for t in semantic.entry_texts(f["data"])
            )
        )
        missing = [t for t in texts if not table.has(t)]
        step = 64
        for i in range(0, len(missing), step):
            table.fill(missing[i : i + step], budget=float("inf"))
            if progress is not None:
                progress(min(i + step, len(missing)), len(missing))
            if (i // step) % 8 == 7:
                table.flush()  # an interrupted run keeps what it encoded
        table.flush()
        return len(texts), len(missing)

    def _vectors(self) -> Any:
        """The entries' sentence vectors (indexer.semantic), or None when they are off or the
        model cannot load (numpy missing, weights damaged: search goes on without them)."""
        if self._vector_table is None:
            from indexer import semantic

            self._vector_table = False
            if semantic.available():
                try:
                    semantic.encoder()
                    self._vector_table = semantic.VectorTable(self.store.root / "vectors.npz")
                except Exception as exc:  # noqa: BLE001 - a damaged model must not stop search
                    from indexer.store import notice

                    notice(f"sentence vectors are off ({type(exc).__name__}: {exc})")
        return self._vector_table or None

    def _closeness(self, query: str, cands: list[Any]) -> dict[str, float]:
        from indexer import semantic

        table = self._vectors()
        if table is None:
            return {}
        per = {c.id: semantic.entry_texts(c.data) for c in cands}
        try:
            out = semantic.similarities(query[:MAX_QUERY_CHARS], per, table)
        except Exception as exc:  # noqa: BLE001 - the words' order stands without them
            from indexer.store import notice

            notice(f"sentence vectors are off ({type(exc).__name__}: {exc})")
            self._vector_table = False
            return {}
        return out

    def close(self) -> None:
        if self._vector_table:
            try:  # what searches encoded, written once (the cache may be large)
                self._vector_table.flush()
            except Exception:  # noqa: BLE001 - a cache that cannot be written is encoded again
                pass
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    def __enter__(self) -> KBIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------------
    def _get_searcher(self) -> Any:
        if self._searcher is None:
            raise ValueError("the index is closed")
        return self._searcher

    def _reader(self) -> _FreqReader:
        if self._freq is None:
            self._freq = _FreqReader(self._get_searcher().reader())
        return self._freq

    def _top(self, q: Any, limit: int, flt: Any) -> list[tuple[float, int]]:
        """[(score, docnum)] of the best `limit` documents matching `q` and the filter."""
        searcher = self._get_searcher()
        if self._topdocs is None:
            from indexer.scoring import TopDocs

            self._topdocs = TopDocs(searcher)
        allow = None if flt is None else set(searcher.docs_for_query(flt))
        scored = self._topdocs.top(q, limit, allow)
        if scored is None:  # not an OR of terms: Whoosh's own matcher tree
            results = searcher.search(q, limit=limit, filter=flt)
            scored = [(r.score, r.docnum) for r in results]
        return scored

    def _list(self, flt: Any, limit: int) -> list[Hit]:
        from whoosh import query as wq

        searcher = self._get_searcher()
        results = searcher.search(wq.Every(), limit=None, filter=flt, scored=False)
        stored = sorted((searcher.stored_fields(r.docnum) for r in results), key=lambda s: s["id"])
        return [
            _make_hit(s["id"], s["data"], 0.0, frozenset(), ("en", "zh"), False, False)
            for s in stored[:limit]
        ]

    def _candidate(self, score: float, docnum: int) -> Any:
        """A ranking candidate: stored data, and its lower-cased text on demand (cached by id)."""
        from indexer import rank

        data = self._stored.get(docnum)
        if data is None:
            data = self._get_searcher().stored_fields(docnum)
            if len(self._stored) >= _ENTRY_CACHE:
                del self._stored[next(iter(self._stored))]  # the oldest
            self._stored[docnum] = data
        eid = data["id"]
        return rank.Candidate(
            docnum, eid, float(score), data["data"], lambda: self._text(eid, data["data"])
        )

    def _text(self, eid: str, data: dict[str, Any]) -> str:
        from indexer.tokens import fold

        text = self._texts.get(eid)
        if text is None:
            text = _entry_text(data)
            if data.get("trad"):
                text = fold(text)
            text = text.lower()
            if len(self._texts) >= _ENTRY_CACHE:
                self._texts.clear()
            self._texts[eid] = text
        return text

    def facet_values(self, field: str) -> list[str]:
        """Every value of a facet field ("products" or "tags") in the index, sorted (lower case,
        as filters compare them)."""
        reader = self._get_searcher().reader()
        return sorted(
            t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(field)
        )

    def _products(self) -> frozenset[str]:
        """Every product name in the index (a few dozen terms; read once per open)."""
        if self._product_names is None:
            self._product_names = frozenset(self.facet_values("products"))
        return self._product_names

    def _idf(self, query: str, n: int, log_like: bool) -> dict[str, float]:
        """The query's index terms with their inverse document frequency (`rank.idf`); in a
        pasted log line (`log_like`), runtime boilerplate scaled by `BOILERPLATE_WEIGHT`."""
        from indexer import rank
        from indexer.lexicon import BOILERPLATE, BOILERPLATE_WEIGHT
        from indexer.query import CJK_FIELD, FIELD
        from indexer.tokens import fold, index_terms

        latin, grams, _ = index_terms(fold(query))
        reader = self._reader()
        # in a pasted log line, runtime boilerplate (CRASH REPORT, gen_server, supervisor) says
        # little of the problem: it weighs in a symptom phrase as in the query (a person who
        # types "error" or "message" means them)
        noise = BOILERPLATE if log_like else frozenset()
        out = {
            t: rank.idf(reader.doc_frequency(FIELD, t), n)
            * (BOILERPLATE_WEIGHT if t in noise else 1.0)
            for t in set(latin)
        }
        out.update((g, rank.idf(reader.doc_frequency(CJK_FIELD, g), n)) for g, _p in grams)
        return out

    @staticmethod
    def _ports(query: str) -> frozenset[str]:
        from indexer.lexicon import ports

        return ports(query)

    def _beyond_words(self, query: str, have: set[str], flt: Any, ranked: list[Any]) -> list[Any]:
        """Candidates for entries (passing the filters) whose signatures match somewhere in a
        query longer than the tokenised part, that the words did not find. One RE2 set of every
        indexed entry's signatures, compiled on the first such query and kept."""
        from whoosh import query as wq

        from kb.signatures import SignatureSet

        if self._all_sigs is None:
            self._all_sigs = SignatureSet.from_entries(
                _SigEntry(f["id"], tuple(f["data"]["signatures"]), ())
                for f in self._get_searcher().all_stored_fields()
                if f["data"]["signatures"]
            )
        try:
            ids = [i for i in self._all_sigs.match_text(query) if i not in have]
        except TypeError:  # re2.Set.Match gives None when nothing matches
            return []
        score = ranked[0].score if ranked else 1.0
        out = []
        searcher = self._get_searcher()
        for eid in ids[:CANDIDATES]:
            found = searcher.search(wq.Term("id", eid), filter=flt, limit=1)
            if len(found):
                out.append(self._candidate(score, found.docnum(0)))
        return out

    def _signature_matches(
        self, query: str, stored: Iterable[tuple[str, dict[str, Any]]]
    ) -> tuple[set[str], set[str]]:
        """Ids among the candidates whose signature regex matches the raw query (RE2, linear),
        and those of them whose matching signature is marked primary."""
        from kb.signatures import SignatureSet

        cands = [
            _SigEntry(eid, tuple(d["signatures"]), tuple(d.get("primary", ())))
            for eid, d in stored
            if d["signatures"]
        ]
        if not cands:
            return set(), set()
        # one compiled set per entry, kept between queries (the candidates differ from one query
        # to the next, so a set of all of them would be compiled again almost every time)
        matched: set[str] = set()
        for c in cands:
            sigset = self._sig_cache.get(c.id)
            if sigset is None:
                sigset = SignatureSet.from_entries([c])
                if len(self._sig_cache) >= _ENTRY_CACHE:
                    del self._sig_cache[next(iter(self._sig_cache))]  # the oldest
                self._sig_cache[c.id] = sigset
            try:
                if sigset.match_text(query):
                    matched.add(c.id)
            except TypeError:
                # re2.Set.Match returns None (not []) when nothing matches; older kb.signatures
                # iterated it directly
                pass
        primary: set[str] = set()
        for c in cands:
            if c.id in matched and c.primary:
                pset = self._sig_cache.get("\1" + c.id)
                if pset is None:
                    pset = SignatureSet.from_entries([_SigEntry(c.id, c.primary, ())])
                    self._sig_cache["\1" + c.id] = pset
                try:
                    if set(pset.match_text(query)):
                        primary.add(c.id)
                except TypeError:
                    pass
        return matched, primary

    @staticmethod
    def _highlight_terms(built: Any) -> frozenset[str]:
        # the typo fallback's terms are real index terms: highlight those too
        return frozenset({t for g in built.groups for t in g} | set(built.fuzzy_words))

    @staticmethod
    def _hit(c: Any, terms: frozenset[str], prefer: tuple[str, ...]) -> Hit:
        return _make_hit(c.id, c.data, c.score, terms, prefer, c.sig, c.confident)


def _make_hit(
    eid: str,
    data: dict[str, Any],
    score: float,
    terms: frozenset[str],
    prefer: tuple[str, ...],
    sig: bool,
    confident: bool,
) -> Hit:
    from indexer.snippets import snippet

    texts = []
    for lang in prefer:
        texts += [data["summary"].get(lang, ""), data["body"].get(lang, "")]
    text, spans = snippet(texts, terms, traditional=bool(data.get("trad")))
    return Hit(
        id=eid,
        kind=data["kind"],
        title=data["title"],
        title_zh=data["title_zh"],
        score=float(score),
        path=data["path"],
        snippet=text,
        highlights=spans,
        products=tuple(data["products"]),
        tags=tuple(data["tags"]),
        signature_match=sig,
        confident=confident,
    )


def _entry_text(data: dict[str, Any]) -> str:
    """All indexed text of an entry that can hold a CJK run (titles, symptoms, summary, body)."""
    parts = [
        data["title"],
        data.get("title_zh") or "",
        *data.get("symptoms", ()),
        *data["summary"].values(),
        *data["body"].values(),
    ]
    return "\n".join(parts)


class _FreqReader:
    """The index reader as query building sees it, with document frequencies remembered: a
    lookup goes through Whoosh's on-disk term table of every segment (~30 us each), and a query
    makes dozens (its words, synonyms, one-edit neighbours of unknown words), mostly the same
    from one query to the next (the TUI searches as the user types)."""

    MAX = 200_000
    MAX_PREFIXES = 512  # typo prefix term sets kept (two letters each, a few hundred terms)

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._df: dict[tuple[str, str], int] = {}
        self._prefixed: dict[tuple[str, str], frozenset[str]] = {}
        self._count: int | None = None

    def doc_frequency(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        df = self._df.get(key)
        if df is None:
            df = self._reader.doc_frequency(fieldname, text)
            if len(self._df) >= self.MAX:
                self._df.clear()
            self._df[key] = df
        return df

    def terms_with_prefix(self, fieldname: str, prefix: str) -> frozenset[str]:
        """The field's terms that start with `prefix` (for typo neighbours: a two-letter prefix
        holds a few dozen to a few hundred terms, read in one pass of the sorted term list
        instead of hundreds of hash lookups)."""
        key = (fieldname, prefix)
        terms = self._prefixed.get(key)
        if terms is None:
            terms = frozenset(
                t.decode("utf-8") if isinstance(t, bytes) else t
                for t in self._reader.expand_prefix(fieldname, prefix)
            )
            if len(self._prefixed) >= self.MAX_PREFIXES:
                self._prefixed.clear()
            self._prefixed[key] = terms
        return terms

    def doc_count(self) -> int:
        if self._count is None:
            self._count = int(self._reader.doc_count())
        return self._count

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


class _SigEntry:
    __slots__ = ("id", "primary", "signatures")

    def __init__(self, id: str, signatures: tuple[str, ...], primary: tuple[str, ...]) -> None:
        self.id = id
        self.signatures = signatures
        self.primary = primary


def search(sources: Iterable[str | Path], query: str, **filters: Any) -> list[Hit]:
    """One-shot: open (updating if needed), search, close."""
    from indexer.update import open_index

    idx = open_index(sources)
    try:
        return idx.search(query, **filters)
    finally:
        idx.close()

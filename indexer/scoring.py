"""BM25F with document lengths held in memory.

Whoosh's scorer looks up a document's field length with a seek and a read of the length column
for every posting it scores; on common words that is most of a query's time. Each segment's
length column is read once, in one read (~0.3 ms for 5 000 entries), and kept while the searcher
lives.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.scoring import BM25F

# BM25F's length normalisation and term-frequency saturation. Measured on the development set
# (docs/search.md, "Session 35"): K1 1.2 -> 2.0 with B 0.6 -> 0.75 gained on both
# halves of the set (by row parity) in hit@1, top-3, right-first-confident and
# unanswerable-confident alike; K1 1.6-3.0 is a plateau, 0.8 loses
BM25_B = 0.75
BM25_K1 = 2.0


def _length_table(reader: Any, fieldname: str) -> Any:
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if col is None:
            return None
        lengths = [byte_to_length(b) or 1 for b in range(256)]
        if getattr(col, "_typecode", None) == "B" and getattr(col, "_fixedlen", None) == 1:
            # one byte per document: read them at once (Whoosh's own `load` reads them one by
            # one, ~2 us each); documents past the column's end have the default, 0
            raw = col._dbfile.get(col._basepos, col._count)
            table = [lengths[b] for b in raw]
            table += [lengths[col._default]] * (col._doccount - len(table))
            return table
        return [lengths[b] for b in col.load()]
    except (ImportError, AttributeError):  # another codec: keep Whoosh's own lookup
        return None


class CachedBM25F(BM25F):
    def __init__(self, B: float = BM25_B, K1: float = BM25_K1, **kwargs: float) -> None:
        super().__init__(B=B, K1=K1, **kwargs)
        self._tables: dict[tuple[int, str], Any] = {}

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        s = super().scorer(searcher, fieldname, text, qf=qf)
        if hasattr(s, "dfl"):
            reader = searcher.reader()
            key = (id(reader), fieldname)
            if key not in self._tables:  # ~0.3 ms per 5 000 entries (see _length_table)
                self._tables[key] = _length_table(reader, fieldname)
            table = self._tables[key]
            if table is not None:
                s.dfl = table.__getitem__
        return s


# -- exact top hits, a term at a time ----------------------------------------------------------
#
# Whoosh walks an OR of terms document at a time through a tree of union matchers, several Python
# calls per posting and level (is_active, id, score, max_quality ...). The queries of `indexer.query`
# are ORs of up to ~30 weighted terms; on a large KB a generic pasted log line or a Chinese
# sentence holds several terms found in half the entries, and that tree walk cost 60-120 ms. Here
# each term's posting list is read once (block by block, ids decoded in C), scored with the same
# BM25F formula as Whoosh's scorer, kept for the next query (the TUI searches as the user types),
# and added into one accumulator per segment.
#
# The result is exactly Whoosh's: the same top `limit` by (score, lower docnum first), the same
# float scores. Float addition is not associative, and Whoosh adds a document's term scores in
# the order of its union tree (a Huffman tree over the terms' document frequencies, per segment),
# so the accumulator only *selects* candidates (every document within a hair of the limit-th
# score); each candidate's score is then added up again in Whoosh's tree order.


class _Unsupported(Exception):
    """A query shape this module does not score: Whoosh's own searcher does."""


# tree nodes: ("t", fieldname, text, boost) a term; ("u", left, right) a union; None no match
_Node = Any


class TopDocs:
    """Exact top hits of an OR of weighted terms (what `indexer.query` builds), a term at a time,
    with each term's scored posting list kept between queries. `top` returns None for any other
    query shape (the caller then asks Whoosh)."""

    MAX_CACHED = 3_000_000  # postings kept between queries (12 bytes each)

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher
        self._leaves = list(searcher.leaf_searchers())
        self._posts: dict[tuple[int, str, bytes], tuple[Any, Any]] = {}
        self._cached = 0
        self._norms: dict[tuple[int, str], list[float]] = {}

    def top(self, q: Any, limit: int, allow: Any = None) -> list[tuple[float, int]] | None:
        """[(score, docnum)] best first, as `searcher.search(q, limit=limit, filter=...)` would
        give them (`allow`: the filter's set of docnums), or None if `q` is not an OR of terms."""
        from heapq import nlargest
        from operator import itemgetter

        from whoosh.scoring import BM25F

        weighting = self._searcher.weighting
        if not isinstance(weighting, BM25F) or weighting.use_final:
            return None
        try:
            trees = [self._tree(q, sub.reader()) for sub, _off in self._leaves]
        except _Unsupported:
            return None
        accs: list[dict[int, float]] = []
        for seg, tree in enumerate(trees):
            acc: dict[int, float] = {}
            get = acc.get
            for field, text, boost in _terms(tree):
                ids, vals = self._postings(seg, field, text)
                if boost != 1.0:
                    for d, v in zip(ids, vals, strict=True):
                        acc[d] = get(d, 0.0) + v * boost
                else:
                    for d, v in zip(ids, vals, strict=True):
                        acc[d] = get(d, 0.0) + v
            if allow is not None:
                off = self._leaves[seg][1]
                acc = {d: v for d, v in acc.items() if d + off in allow}
            accs.append(acc)
        # the limit-th best approximate score; everything within a hair of it is a candidate
        best: list[float] = []
        for acc in accs:
            best.extend(v for _d, v in nlargest(limit, acc.items(), key=itemgetter(1)))
        if not best:
            return []
        floor = nlargest(limit, best)[-1] if len(best) >= limit else min(best)
        floor -= abs(floor) * 1e-9 + 1e-12
        out: list[tuple[float, int]] = []
        for seg, (tree, acc) in enumerate(zip(trees, accs, strict=True)):
            off = self._leaves[seg][1]
            single = tree is not None and tree[0] == "t"
            for d, v in acc.items():
                if v >= floor:
                    out.append((v if single else self._exact(seg, tree, d), d + off))
        out.sort(key=lambda sd: (-sd[0], sd[1]))
        return out[:limit]

    # -- the query as Whoosh's matcher tree for one segment ---------------------------------------
    def _tree(self, q: Any, reader: Any) -> _Node:
        """The union tree Whoosh would build for `q` in this segment, as nested tuples."""
        return self._shape(q, reader, bool(reader.has_deletions()))._kb_node

    def _shape(self, q: Any, reader: Any, deleted: bool) -> Any:
        # Whoosh orders an OR's sub-matchers with `make_weighted_tree` over (estimate_size,
        # matcher) pairs, and its matchers compare by class in ways that decide ties (a filtered
        # leaf in a segment with deletions sorts apart from a boosted one). So the tree is built
        # by that very function, over bare instances of the classes Whoosh would use (no I/O).
        from whoosh import query as wq
        from whoosh.codec.whoosh3 import W3LeafMatcher
        from whoosh.matching import FilterMatcher, NullMatcherClass, UnionMatcher, WrappingMatcher
        from whoosh.util import make_weighted_tree

        if type(q) is wq.Term:
            if q.minquality or q.fieldname not in reader.schema:
                raise _Unsupported
            field = reader.schema[q.fieldname]
            if not field.scorable:
                raise _Unsupported
            text = field.to_bytes(q.text)
            if (q.fieldname, text) not in reader:
                return _bare(NullMatcherClass, None)
            node = ("t", q.fieldname, text, q.boost)
            if q.boost != 1.0:
                return _bare(WrappingMatcher, node)
            return _bare(FilterMatcher if deleted else W3LeafMatcher, node)
        if (
            isinstance(q, wq.Or)
            and type(q).matcher_type == wq.Or.DEFAULT_MATCHER
            and type(q)._matcher is wq.Or._matcher
            and q.boost == 1.0
            and not q.scale
            and not q.minmatch
            and q.subqueries
        ):
            subs = q.subqueries
            shapes = [self._shape(s, reader, deleted) for s in subs]  # raises on other shapes
            if len(shapes) == 1:
                return shapes[0]

            def union(a: Any, b: Any) -> Any:
                return _bare(UnionMatcher, _union(a._kb_node, b._kb_node))

            return make_weighted_tree(
                union, [(_estimate(s, reader), m) for s, m in zip(subs, shapes, strict=True)]
            )
        raise _Unsupported

    # -- postings ------------------------------------------------------------------------------------
    def _postings(self, seg: int, field: str, text: bytes) -> tuple[Any, Any]:
        """(docnums, BM25F scores) of a term in a segment, deleted documents left out."""
        key = (seg, field, text)
        hit = self._posts.get(key)
        if hit is not None:
            return hit
        from array import array

        searcher = self._searcher
        sub = self._leaves[seg][0]
        reader = sub.reader()
        weighting = searcher.weighting
        idf = searcher.idf(field, text)
        avgfl = searcher.avg_field_length(field) or 1
        B = weighting._field_B.get(field, weighting.B)
        K1 = weighting.K1
        ids, weights = _read_postings(reader, field, text)
        norms = self._norms.get((seg, field))
        if norms is None:
            table = _length_table(reader, field)
            if table is not None:
                norms = self._norms[(seg, field)] = [
                    K1 * ((1 - B) + B * fl / avgfl) for fl in table
                ]
        if norms is None:
            # another codec: each length looked up on its own (what Whoosh's scorer does)
            dfl = reader.doc_field_length
            lengths = [dfl(d, field, 1) or 1 for d in ids]
            vals = array(
                "d",
                [
                    idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
                    for tf, fl in zip(weights, lengths, strict=True)
                ],
            )
        else:
            vals = array(
                "d",
                [
                    idf * ((tf * (K1 + 1)) / (tf + norms[d]))
                    for d, tf in zip(ids, weights, strict=True)
                ],
            )
        out = (ids, vals)
        if self._cached + len(ids) > self.MAX_CACHED:
            self._posts.clear()
            self._cached = 0
        self._posts[key] = out
        self._cached += len(ids)
        return out

    def _exact(self, seg: int, tree: _Node, d: int) -> float:
        """A document's score added up in the order of Whoosh's union tree."""
        from bisect import bisect_left

        def value(node: _Node) -> float | None:
            if node is None:
                return None
            if node[0] == "t":
                ids, vals = self._postings(seg, node[1], node[2])
                i = bisect_left(ids, d)
                if i == len(ids) or ids[i] != d:
                    return None
                v = vals[i]
                return v * node[3] if node[3] != 1.0 else v
            a, b = value(node[1]), value(node[2])
            if a is None:
                return b
            if b is None:
                return a
            return a + b

        v = value(tree)
        assert v is not None
        return v


def _bare(cls: type, node: _Node) -> Any:
    """An instance of a Whoosh matcher class, never initialised: it only takes part in the
    comparisons of `make_weighted_tree`, carrying our node."""
    m: Any = object.__new__(cls)
    m._kb_node = node
    return m


def _union(a: _Node, b: _Node) -> _Node:
    if a is None:  # an inactive side adds nothing
        return b
    if b is None:
        return a
    return ("u", a, b)


def _terms(tree: _Node) -> Iterator[tuple[str, bytes, float]]:
    if tree is None:
        return
    if tree[0] == "t":
        yield tree[1], tree[2], tree[3]
        return
    yield from _terms(tree[1])
    yield from _terms(tree[2])


def _estimate(q: Any, reader: Any) -> int:
    """Whoosh's `estimate_size` for terms and ORs (the weights of its union tree)."""
    from whoosh import query as wq

    if type(q) is wq.Term:
        return int(reader.doc_frequency(q.fieldname, q.text)) if q.fieldname in reader.schema else 0
    return min(sum(_estimate(s, reader) for s in q.subqueries), reader.doc_count())


def _read_postings(reader: Any, field: str, text: bytes) -> tuple[Any, list[float]]:
    """A term's docnums and weights in a segment, without deleted documents."""
    from array import array
    from itertools import accumulate

    m = reader.postings(field, text)
    deleted: frozenset[int] = frozenset()
    child = getattr(m, "child", None)
    if child is not None:  # FilterMatcher around the leaf: the segment has deletions
        deleted = reader.deleted_docs_set
        m = child
    ids = array("i")
    weights: list[float] = []
    if all(hasattr(m, a) for a in ("_read_data", "_read_weights", "_byteids", "_lastblock")):
        # whoosh3's block reader: whole blocks, ids delta-decoded in C
        while True:
            if m._data is None:
                m._read_data()
            raw = m._data[0]
            ids.extend(raw if m._byteids else accumulate(raw))
            m._read_weights()
            weights.extend(m._weights)
            if m._lastblock:
                break
            m._goto(m._nextoffset)
    else:  # another codec: its generic matcher interface
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    if deleted:
        keep = [i for i, d in enumerate(ids) if d not in deleted]
        ids = array("i", [ids[i] for i in keep])
        weights = [weights[i] for i in keep]
    return ids, weights

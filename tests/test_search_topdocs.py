"""The term-at-a-time scorer (indexer.scoring.TopDocs) gives the exact BM25F top hits, scores
equal to the last bit, ties to the lower docnum: checked against Whoosh's exhaustive collector on
an index of several segments with deleted documents, with and without filters."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import query as wq

from indexer import open_index
from indexer.query import Or
from indexer.scoring import TopDocs
from tests.helpers import entry_text

VOCAB = [f"w{i:02d}" for i in range(40)]
PRODUCTS = ["emqx", "rabbitmq", "docker"]


def _write(root: Path, i: int, rng: random.Random) -> None:
    words = " ".join(rng.choice(VOCAB[: 5 + i % 35]) for _ in range(rng.randint(3, 60)))
    title = " ".join(rng.sample(VOCAB, 3))
    text = entry_text(f"entry-{i:03d}", title=f"About {title}", body=f"## Body\n{words}\n")
    text = text.replace("products: [emqx]", f"products: [{PRODUCTS[i % 3]}]")
    p = root / PRODUCTS[i % 3] / f"entry-{i:03d}.md"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


@pytest.fixture
def idx(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("KBTUI_HOME", str(tmp_path / "home"))
    rng = random.Random(3)
    root = tmp_path / "kb"
    for i in range(90):
        _write(root, i, rng)
    open_index([root]).close()
    # 8 rewritten entries (under the stale-deletions limit, so updated in place, not rebuilt):
    # a second segment, deletions in the first
    for i in range(0, 24, 3):
        _write(root, i, rng)
    index = open_index([root])
    yield index
    index.close()


def _queries(rng: random.Random) -> list[wq.Query]:
    out: list[wq.Query] = [wq.Term("text", "w01"), wq.Term("text", "nosuchword")]
    for _ in range(60):
        terms: list[wq.Query] = [
            wq.Term("text", rng.choice(VOCAB), boost=rng.choice([1.0, 1.0, 0.5, 0.15, 1.6]))
            for _ in range(rng.randint(2, 9))
        ]
        if rng.random() < 0.3:  # a nested OR (a word and its typo neighbours), a duplicate
            terms.append(
                Or([wq.Term("text", rng.choice(VOCAB)), wq.Term("text", "w03", boost=0.6)])
            )
            terms.append(terms[0])
        out.append(Or(terms))
    return out


def test_topdocs_equals_whoosh_exhaustive(idx):
    searcher = idx._searcher
    assert len(list(searcher.leaf_searchers())) > 1  # several segments
    assert searcher.reader().has_deletions()
    td = TopDocs(searcher)
    filters = [None, wq.Term("products", "emqx"), Or([wq.Term("products", "docker")])]
    checked = 0
    for q in _queries(random.Random(5)):
        for flt in filters:
            allow = None if flt is None else set(searcher.docs_for_query(flt))
            # no limit: Whoosh scores every match (no block skipping), the ground truth
            every = [(r.score, r.docnum) for r in searcher.search(q, limit=None, filter=flt)]
            every.sort(key=lambda sd: (-sd[0], sd[1]))
            for limit in (1, 5, 30):
                got = td.top(q, limit, allow)
                assert got == every[:limit], (q, flt, limit)
                checked += 1
            # a second time from the cache of scored postings
            assert td.top(q, 30, allow) == every[:30]
    assert checked > 500


def test_topdocs_leaves_other_query_shapes_to_whoosh(idx):
    td = TopDocs(idx._searcher)
    assert td.top(wq.Prefix("text", "w0"), 10) is None
    assert td.top(wq.And([wq.Term("text", "w01"), wq.Term("text", "w02")]), 10) is None
    assert td.top(wq.Or([wq.Term("text", "w01"), wq.Term("text", "w02")]), 10) is None


def test_search_results_unchanged_through_topdocs(idx):
    """KBIndex.search gives what Whoosh's own searcher would, query for query."""
    queries = [" ".join(VOCAB[i : i + 12 : 4]) for i in range(len(VOCAB) - 8)]
    plain = [[h.id for h in idx.search(q)] for q in queries]
    assert any(plain)
    idx._topdocs = _Refuse()  # every query through Whoosh's searcher instead
    assert [[h.id for h in idx.search(q)] for q in queries] == plain


class _Refuse:
    def top(self, *args: object) -> None:
        return None

"""The site model: what the static site is made of, computed once from the entries.

Products, tags (spelling variants such as `back-pressure`/`backpressure` merged into one tag),
related entries, triage trees in reading order and the recently updated list. Pure data: no
template, no file system.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kb.model import CheckSpec, Entry, Node, resolve_check_ref
from kb.site.urls import PAGE_SIZE

_TAG_NOISE = re.compile(r"[-_.\s]+")


@dataclass
class Site:
    entries: dict[str, Entry]
    langs: tuple[str, ...]
    base_url: str | None
    products: dict[str, list[str]] = field(default_factory=dict)  # product -> ids (sorted)
    tags: dict[str, list[str]] = field(default_factory=dict)  # canonical tag -> ids (sorted)
    tag_alias: dict[str, str] = field(default_factory=dict)  # any spelling -> canonical tag
    related: dict[str, list[str]] = field(default_factory=dict)
    trees: list[str] = field(default_factory=list)  # ids of entries with a tree, sorted
    recent: list[str] = field(default_factory=list)
    search_shards: int = 1  # Pagefind indexes (kb.site.search.SHARD_SIZE entries each)

    def tag(self, name: str) -> str:
        """The canonical spelling of a tag (the one its page is published under)."""
        return self.tag_alias.get(name, name)

    def entry_tags(self, entry: Entry) -> list[str]:
        """An entry's tags, canonical spellings, duplicates removed, order kept."""
        return list(dict.fromkeys(self.tag(t) for t in entry.tags))


def pages_of(ids: Sequence[str], size: int = PAGE_SIZE) -> list[list[str]]:
    """`ids` cut into pages of at most `size` (always at least one page)."""
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)] or [[]]


def tag_key(tag: str) -> str:
    """Spellings that differ only by separators are one tag: back-pressure == backpressure."""
    return _TAG_NOISE.sub("", tag.lower())


def canonical_tags(entries: Iterable[Entry]) -> dict[str, str]:
    """Every tag spelling -> the spelling most entries use (ties: the one with separators, then
    alphabetical, so `back-pressure` wins over `backpressure` when both are used once)."""
    uses: Counter[str] = Counter()
    for e in entries:
        uses.update(set(e.tags))
    groups: dict[str, list[str]] = defaultdict(list)
    for t in uses:
        groups[tag_key(t)].append(t)
    alias: dict[str, str] = {}
    for spellings in groups.values():
        best = min(spellings, key=lambda s: (-uses[s], -len(s), s))
        for s in spellings:
            alias[s] = best
    return alias


def build_model(entries: Iterable[Entry], langs: Sequence[str], base_url: str | None) -> Site:
    by_id = {e.id: e for e in sorted(entries, key=lambda e: e.id)}
    site = Site(entries=by_id, langs=tuple(langs), base_url=base_url)
    site.tag_alias = canonical_tags(by_id.values())
    products: dict[str, list[str]] = defaultdict(list)
    tags: dict[str, list[str]] = defaultdict(list)
    for e in by_id.values():
        for p in sorted(set(e.products)):
            products[p].append(e.id)
        for t in sorted(set(site.entry_tags(e))):
            tags[t].append(e.id)
    site.products = {k: products[k] for k in sorted(products)}
    site.tags = {k: tags[k] for k in sorted(tags)}
    site.trees = sorted(
        (e.id for e in by_id.values() if e.tree is not None),
        key=lambda i: (by_id[i].kind != "tree", i),
    )
    site.recent = [
        e.id
        for e in sorted(
            by_id.values(), key=lambda e: (-(e.updated or _dt.date.min).toordinal(), e.id)
        )
    ][:10]
    site.related = _related(site)
    return site


def _related(site: Site, extra: int = 5) -> dict[str, list[str]]:
    """Explicit `related`, then entries pointing here, then the ones sharing the most tags."""
    by_id, tags = site.entries, site.tags
    back: dict[str, set[str]] = defaultdict(set)
    for e in by_id.values():
        targets = set(e.related)
        if e.tree is not None:
            targets.update(n.entry for n in e.tree.nodes.values() if n.entry)
        for t in targets:
            if t in by_id and t != e.id:
                back[t].add(e.id)
    out: dict[str, list[str]] = {}
    for e in by_id.values():
        seen: list[str] = []
        for r in e.related:
            if r in by_id and r != e.id and r not in seen:
                seen.append(r)
        if e.tree is not None:
            for n in e.tree.nodes.values():
                if n.entry and n.entry in by_id and n.entry != e.id and n.entry not in seen:
                    seen.append(n.entry)
        for r in sorted(back[e.id]):
            if r not in seen:
                seen.append(r)
        # Tags shared by very many entries say little about relatedness and cost O(n^2).
        shared: dict[str, int] = defaultdict(int)
        for t in site.entry_tags(e):
            members = tags.get(t, [])
            if len(members) > 200:
                continue
            for other in members:
                if other != e.id and other not in seen:
                    shared[other] += 1
        best = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:extra]
        seen.extend(k for k, _ in best)
        out[e.id] = seen
    return out


def tree_order(entry: Entry) -> list[Node]:
    """Tree nodes in reading order (`Tree.reading_order`: breadth-first from `start`)."""
    assert entry.tree is not None
    return entry.tree.reading_order()


def resolve_check(site: Site, entry: Entry, ref: str | None) -> tuple[Entry, CheckSpec] | None:
    """The entry and check named by a node's `check` (`id` or `<entry-id>#<check-id>`)."""
    return resolve_check_ref(site.entries, entry, ref)

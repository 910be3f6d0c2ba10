"""Opening the search index (updating it first) and answering queries with plain `Hit`s.

idx = open_index(sources)            # incremental update, then open
hits = idx.search("monotonic time", product="emqx")
idx.problems                         # load problems of bad entry files (re-warned each run)
idx.close()
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from indexer.hit import Hit
from indexer.store import (
    REBUILD_SHARE,
    Plan,
    Progress,
    Store,
    dir_snapshot,
    dirs_unchanged,
    files_unchanged,
    group_paths,
    group_record,
    groups_from_manifest,
    plan_update,
    problems_from_json,
    problems_to_json,
    store_dir,
)
from kb.model import Problem

CANDIDATES = 30  # hits re-ranked by signature match before cutting to `limit`
MAX_QUERY_CHARS = (
    20000  # words beyond this in a pasted log are not tokenised (signatures still see all)
)


def _format() -> str:
    import whoosh

    from indexer.schema import SCHEMA_VERSION

    # a new Whoosh major version may change the on-disk format: rebuild then too
    return f"{SCHEMA_VERSION}/whoosh{whoosh.__version__[0]}"


def _fmt_cached() -> str:
    global _FMT
    if _FMT is None:
        _FMT = _format()
    return _FMT


_FMT: str | None = None


def _manifest_ok(manifest: dict[str, Any] | None, sources: list[Path]) -> bool:
    return (
        manifest is not None
        and manifest.get("format") == _fmt_cached()
        and manifest.get("sources") == [str(s) for s in sources]
    )


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
        #: ids parsed during this open (empty when nothing changed)
        self.reparsed = reparsed
        #: True when this open built the index from scratch
        self.rebuilt = rebuilt
        self.problems: list[Problem] = sorted(
            problems_from_json(state["problems"]), key=lambda p: (p.path, p.line, p.message)
        )

    # -- public --------------------------------------------------------------------------------
    @property
    def doc_count(self) -> int:
        return int(self._ix.doc_count())

    def ids(self) -> list[str]:
        """Ids of the indexed entries (reads the full manifest: not for the hot path)."""
        manifest = Store.read_manifest(self.path) or {"groups": {}}
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

        An empty query lists every entry that passes the filters, by id.
        """
        from indexer import query as qmod

        searcher = self._get_searcher()
        flt = qmod.filter_query(product, tag, kind)
        built = qmod.build(query[:MAX_QUERY_CHARS], searcher.reader())
        if built.query is None:
            # nothing searchable: an empty query lists entries; stop words or noise find nothing
            return self._list(flt, limit) if not query.strip() else []
        want = max(limit, CANDIDATES)
        # entries matched on a run's rarest bigram may lack the run: fetch extra to check
        results = searcher.search(built.query, limit=want * (4 if built.runs else 1), filter=flt)
        scored = [(r.score, r.docnum) for r in results]
        if not scored:
            # maybe a typo that happens to be a real word elsewhere: relax every word once
            relaxed = qmod.build(query[:MAX_QUERY_CHARS], searcher.reader(), fuzzy_all=True)
            if relaxed.query is not None:
                built = relaxed
                results = searcher.search(built.query, limit=max(limit, CANDIDATES), filter=flt)
                scored = [(r.score, r.docnum) for r in results]
        if not scored:
            return []
        stored: dict[int, Any] = {}
        if built.runs:
            scored = self._check_runs(built, scored, stored, want)
            if not scored:
                return []
        for _, d in scored:
            if d not in stored:
                stored[d] = searcher.stored_fields(d)
        matched = self._signature_matches(query, [stored[d] for _, d in scored])
        top = scored[0][0]
        ranked = sorted(
            ((s + (top + 1.0 if stored[d]["id"] in matched else 0.0), d) for s, d in scored),
            key=lambda x: (-x[0], stored[x[1]]["id"]),
        )[:limit]
        terms = self._highlight_terms(built, searcher)
        prefer = ("zh", "en") if built.cjk else ("en", "zh")
        return [
            self._hit(stored[d], score, terms, prefer, stored[d]["id"] in matched)
            for score, d in ranked
        ]

    def close(self) -> None:
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

    def _list(self, flt: Any, limit: int) -> list[Hit]:
        from whoosh import query as wq

        searcher = self._get_searcher()
        results = searcher.search(wq.Every(), limit=None, filter=flt, scored=False)
        stored = sorted((searcher.stored_fields(r.docnum) for r in results), key=lambda s: s["id"])
        return [self._hit(s, 0.0, frozenset(), ("en", "zh"), False) for s in stored[:limit]]

    def _check_runs(
        self, built: Any, scored: list[tuple[float, int]], stored: dict[int, Any], want: int
    ) -> list[tuple[float, int]]:
        """Keep the adjacency a CJK run promises: an entry matched on a run's rarest bigram must
        hold the run itself. Entries holding a run rank up; with nothing but 3-4 character runs
        in the query, entries holding none of them are dropped (precision of 时钟回拨 vs 时钟 +
        回拨)."""
        searcher = self._get_searcher()
        out = []
        for score, d in scored:
            data = stored.get(d)
            if data is None:
                data = stored[d] = searcher.stored_fields(d)
            text = _entry_text(data["data"])
            held = [strict for run, strict in built.runs if run in text]
            if not held:
                if built.only_runs:
                    continue
                score *= 0.5  # matched on a bigram of a run it does not hold
            else:
                score *= 1.5
            out.append((score, d))
            if built.only_runs and len(out) >= want:
                break
        out.sort(key=lambda x: -x[0])
        return out[:want]

    def _signature_matches(self, query: str, stored: Iterable[dict[str, Any]]) -> set[str]:
        """Ids among the candidates whose signature regex matches the raw query (RE2, linear)."""
        from kb.signatures import SignatureSet

        cands = [
            _SigEntry(s["id"], tuple(s["data"]["signatures"]))
            for s in stored
            if s["data"]["signatures"]
        ]
        if not cands:
            return set()
        key = "\0".join(c.id for c in cands)
        sigset = self._sig_cache.get(key)
        if sigset is None:
            sigset = SignatureSet.from_entries(cands)
            if len(self._sig_cache) > 256:
                self._sig_cache.clear()
            self._sig_cache[key] = sigset
        try:
            return set(sigset.match_text(query))
        except TypeError:
            # re2.Set.Match returns None (not []) when nothing matches; older kb.signatures
            # iterated it directly
            return set()

    @staticmethod
    def _highlight_terms(built: Any, searcher: Any) -> frozenset[str]:
        # the typo fallback's terms are real index terms: highlight those too
        return frozenset({t for g in built.groups for t in g} | set(built.fuzzy_words))

    @staticmethod
    def _hit(
        stored: dict[str, Any],
        score: float,
        terms: frozenset[str],
        prefer: tuple[str, ...],
        sig: bool,
    ) -> Hit:
        from indexer.snippets import snippet

        data = stored["data"]
        texts = []
        for lang in prefer:
            texts += [data["summary"].get(lang, ""), data["body"].get(lang, "")]
        text, spans = snippet(texts, terms)
        return Hit(
            id=stored["id"],
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


class _SigEntry:
    __slots__ = ("id", "signatures")

    def __init__(self, id: str, signatures: tuple[str, ...]) -> None:
        self.id = id
        self.signatures = signatures


# -- building and updating ---------------------------------------------------------------------
def _build(
    store: Store,
    sources: list[Path],
    groups: dict[str, Any],
    progress: Progress | None,
    extra: dict[str, Any],
) -> tuple[Path, dict[str, Any]]:
    """A complete new index written aside and swapped in. Returns (generation, state)."""
    from whoosh.filedb.filestore import FileStorage

    from indexer.build import write_all
    from indexer.schema import make_schema

    tmp = store.new_tmp()
    FileStorage(str(tmp)).create_index(make_schema()).close()
    manifest: dict[str, Any] = {
        "format": _fmt_cached(),
        "sources": [str(s) for s in sources],
        "groups": {},
    }
    write_all(tmp, groups, manifest["groups"], progress)
    # keep the manifest in the order of the groups (ids), whatever order workers finished in
    manifest["groups"] = {
        g: {**manifest["groups"][g], **group_record(groups[g], sources)} for g in groups
    }
    manifest.update(extra)
    state = store.write_manifest(tmp, manifest)
    gen = store.publish(tmp)
    store.cleanup(keep=gen)
    return gen, state


def _apply(
    gen: Path,
    manifest: dict[str, Any],
    sources: list[Path],
    groups: dict[str, Any],
    plan: Plan,
    progress: Progress | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Apply `plan` to the live generation in place (see the store module for why it is safe)."""
    if plan.changed or plan.removed:
        from whoosh.filedb.filestore import FileStorage

        from indexer.build import add_groups, new_writer

        ix = FileStorage(str(gen)).open_index()
        writer = new_writer(ix)
        done = [0]

        def tick() -> None:
            done[0] += 1
            if progress is not None:
                progress(done[0], len(plan.changed))

        try:
            for gid in plan.removed:
                writer.delete_by_term("id", gid)
                manifest["groups"].pop(gid, None)
            add_groups(
                writer,
                [(g, groups[g]) for g in plan.changed],
                manifest["groups"],
                tick,
                update=True,
            )
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        finally:
            ix.close()
        for gid in plan.changed:
            manifest["groups"][gid].update(group_record(groups[gid], sources))
    for gid, files in plan.refreshed.items():
        manifest["groups"][gid]["files"].update(files)
    manifest.update(extra)
    return Store.write_manifest(gen, manifest)


def open_index(
    sources: Iterable[str | Path],
    progress: Progress | None = None,
    *,
    rebuild: bool = False,
    wait: float = 30.0,
) -> KBIndex:
    """Bring the index of `sources` up to date (incrementally) and open it.

    `progress(done, total)` is called while entries are parsed. `rebuild=True` throws the index
    away first. Another process updating the same index is waited for up to `wait` seconds, then
    `IndexBusy` (a `UserError`) is raised.

    Cold path, when nothing changed: read the pointer and the manifest, stat the KB folders (none
    moved: no file was added or removed, so no discovery walk) and every entry file (same mtime
    and size, or same sha256), open. No YAML is parsed, no lock taken, nothing written.
    """
    srcs = [Path(s).expanduser().resolve() for s in sources]
    store = Store(store_dir(srcs))

    if not rebuild:
        gen = store.current()
        state = Store.read_state(gen) if gen is not None else None
        if (
            gen is not None
            and state is not None
            and _manifest_ok(state, srcs)
            and dirs_unchanged(state.get("dirs"))
            and files_unchanged(state)
        ):
            with contextlib.suppress(Exception):
                return _open(store, gen, state, [], False)

    with store.locked(wait):
        # another process may have done the work while we waited: look again under the lock
        gen = None if rebuild else store.current()
        manifest = Store.read_manifest(gen) if gen is not None else None
        valid = gen is not None and manifest is not None and _manifest_ok(manifest, srcs)
        groups: _Groups
        if valid and manifest is not None and dirs_unchanged(manifest.get("dirs")):
            # no folder moved: the manifest's file list is current, no discovery walk, and
            # EntryGroups are made only for the groups that need parsing
            assert manifest is not None
            snapshot = manifest["dirs"]
            groups = _Groups(srcs, manifest=manifest)
            discover_problems = manifest.get("discover_problems", [])
        else:
            from kb.loader import discover

            snapshot = dir_snapshot(srcs)  # before discovering: a later change is seen next time
            found: list[Problem] = []
            groups = _Groups(srcs, discovered=discover(srcs, found))
            discover_problems = problems_to_json(found)
        extra = {"dirs": snapshot, "discover_problems": discover_problems}
        reparsed: list[str] = []
        rebuilt = False
        state = None
        if not valid:
            gen, state = _build(store, srcs, groups.all(), progress, extra)
            reparsed, rebuilt = groups.ids(), True
        else:
            assert gen is not None and manifest is not None
            plan = plan_update(groups.paths(), manifest)
            if len(plan.changed) > max(200, REBUILD_SHARE * len(groups.ids())):
                gen, state = _build(store, srcs, groups.all(), progress, extra)
                reparsed, rebuilt = groups.ids(), True
            else:
                # also with an empty plan: the cold check failed, so the state needs rewriting
                # (touched files, moved folders, a state file from an older version)
                try:
                    state = _apply(
                        gen, manifest, srcs, groups.some(plan.changed), plan, progress, extra
                    )
                    reparsed = list(plan.changed)
                except Exception:
                    # an index we cannot write to is an index we rebuild
                    gen, state = _build(store, srcs, groups.all(), progress, extra)
                    reparsed, rebuilt = groups.ids(), True
        try:
            return _open(store, gen, state, reparsed, rebuilt)
        except Exception:
            if rebuilt:
                raise
        gen, state = _build(store, srcs, groups.all(), progress, extra)
        return _open(store, gen, state, groups.ids(), True)


class _Groups:
    """Entry groups from a discovery walk, or described by the manifest (made on demand: building
    15 000 Path objects costs more than the rest of a one-entry update)."""

    def __init__(
        self,
        sources: list[Path],
        *,
        manifest: dict[str, Any] | None = None,
        discovered: dict[str, Any] | None = None,
    ) -> None:
        self._sources = sources
        self._manifest = manifest
        self._groups = discovered

    def _described(self) -> dict[str, Any]:
        assert self._manifest is not None, "a _Groups has a discovery walk or a manifest"
        return self._manifest

    def ids(self) -> list[str]:
        return list(self._groups if self._groups is not None else self._described()["groups"])

    def paths(self) -> dict[str, list[str]]:
        if self._groups is not None:
            return {g: group_paths(v) for g, v in self._groups.items()}
        return {g: list(v["files"]) for g, v in self._described()["groups"].items()}

    def all(self) -> dict[str, Any]:
        if self._groups is None:
            self._groups = groups_from_manifest(self._described(), self._sources)
        return self._groups

    def some(self, ids: list[str]) -> dict[str, Any]:
        if self._groups is not None:
            return {g: self._groups[g] for g in ids}
        return groups_from_manifest(self._described(), self._sources, ids)


def _open(
    store: Store, gen: Path, state: dict[str, Any], reparsed: list[str], rebuilt: bool
) -> KBIndex:
    """Open the Whoosh index in `gen` and check it holds what the manifest says, or raise."""
    from whoosh.filedb.filestore import FileStorage

    from indexer.scoring import CachedBM25F

    ix = FileStorage(str(gen), readonly=True).open_index()
    try:
        searcher = ix.searcher(weighting=CachedBM25F(B=0.6, K1=1.2))
        expected = state["indexed"]
        if searcher.doc_count() != expected:
            searcher.close()
            raise ValueError(
                f"index holds {searcher.doc_count()} entries, manifest says {expected}"
            )
    except BaseException:
        ix.close()
        raise
    return KBIndex(store, gen, ix, searcher, state, reparsed, rebuilt)


def search(sources: Iterable[str | Path], query: str, **filters: Any) -> list[Hit]:
    """One-shot: open (updating if needed), search, close."""
    idx = open_index(sources)
    try:
        return idx.search(query, **filters)
    finally:
        idx.close()

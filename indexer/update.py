"""Bringing the search index up to date (incremental update or full rebuild) and opening it.

The update side of the index: discover entry files, compare them with the manifest, parse only
what changed, write into Whoosh, publish. `indexer.index.KBIndex` is the query side it returns.
See docs/search.md ("Store") for the layout and the crash-safety argument.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from indexer import lazy
from indexer.index import KBIndex
from indexer.store import (
    REBUILD_SHARE,
    STALE_MIN,
    STALE_SHARE,
    Plan,
    Progress,
    Store,
    changed_files,
    dir_snapshot,
    dirs_unchanged,
    group_paths,
    group_record,
    groups_from_manifest,
    halt_point,
    index_damage,
    notice,
    plan_update,
    problems_to_json,
    same_files,
    store_dir,
)
from kb.model import Problem

lazy.defer()  # before Whoosh's query modules are imported (opening a searcher does)


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
    halt_point("tmp-created")
    manifest: dict[str, Any] = {
        "format": _fmt_cached(),
        "sources": [str(s) for s in sources],
        "groups": {},
    }
    write_all(tmp, groups, manifest["groups"], progress)
    halt_point("written")
    # keep the manifest in the order of the groups (ids), whatever order workers finished in
    manifest["groups"] = {
        g: {**manifest["groups"][g], **group_record(groups[g], sources)} for g in groups
    }
    manifest.update(extra)
    state = store.write_manifest(tmp, manifest)
    halt_point("manifest-written")
    gen = store.publish(tmp)
    halt_point("published")
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
            halt_point("update-written")
            writer.commit()
            halt_point("update-committed")
        except BaseException:
            writer.cancel()
            raise
        finally:
            ix.close()
        ix = FileStorage(str(gen)).open_index()
        try:  # documents kept as deleted in their segments (see STALE_SHARE)
            manifest["deleted"] = int(ix.doc_count_all() - ix.doc_count())
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
    store.sweep()  # tmp folders of killed rebuilds

    # files whose stat moved since the state `cold` of generation `checked` was written
    changed: list[str] | None = None
    checked = cold = None
    if not rebuild:
        gen = store.current()
        cold = Store.read_state(gen) if gen is not None else None
        if (
            gen is not None
            and cold is not None
            and _manifest_ok(cold, srcs)
            and dirs_unchanged(cold.get("dirs"))
        ):
            checked, changed = gen, changed_files(cold)
            if changed == [] and index_damage(gen, cold) is None:
                with contextlib.suppress(Exception):
                    return _open(store, gen, cold, [], False)

    with store.locked(wait):
        # another process may have done the work while we waited: look again under the lock
        gen = None if rebuild else store.current()
        manifest = Store.read_manifest(gen) if gen is not None else None
        valid = gen is not None and manifest is not None and _manifest_ok(manifest, srcs)
        damage = None if rebuild else store.damage
        if gen is not None and manifest is None:
            damage = "its manifest cannot be read"
        elif valid and gen is not None:
            last = Store.read_state(gen)
            damage = index_damage(gen, last) if last is not None else None
            valid = damage is None
            if gen != checked or not same_files(last, cold):
                changed = None  # another process updated the index meanwhile: look again
        if damage:
            notice(f"the search index was damaged ({damage}); rebuilding it")
        groups: _Groups
        moved = not (valid and manifest is not None and dirs_unchanged(manifest.get("dirs")))
        if not moved:
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
            if changed is not None and not moved:
                # the cold check stat'ed every file: only the groups of those that moved need
                # looking at (no folder moved, so no file was added or removed)
                plan = plan_update(groups.paths_of(changed), manifest, partial=True)
            else:
                plan = plan_update(groups.paths(), manifest)
            total = len(groups.ids())
            stale = int(manifest.get("deleted", 0)) + len(plan.changed) + len(plan.removed)
            if len(plan.changed) > max(200, REBUILD_SHARE * total) or stale > max(
                STALE_MIN, STALE_SHARE * total
            ):
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
        except Exception as exc:
            if rebuilt:
                raise
            notice(f"the search index was damaged ({type(exc).__name__}); rebuilding it")
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

    def paths_of(self, files: list[str]) -> dict[str, list[str]]:
        """Like `paths`, for the groups holding any of `files` only."""
        wanted = set(files)
        return {
            g: list(v["files"])
            for g, v in self._described()["groups"].items()
            if not wanted.isdisjoint(v["files"])
        }

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

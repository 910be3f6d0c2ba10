"""Bringing the search index up to date (incremental update or full rebuild) and opening it.

The update side of the index: discover entry files, compare them with the manifest, parse only
what changed, write into Whoosh, publish. `indexer.index.KBIndex` is the query side it returns.
See docs/search.md ("Store") for the layout and the crash-safety argument.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from indexer import lazy
from indexer.index import KBIndex
from indexer.store import (
    REBUILD_SHARE,
    STALE_MIN,
    STALE_SHARE,
    IndexUnwritable,
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
    state_of,
    store_dir,
    unwritable,
)
from kb.model import Problem
from kb.words import Words

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
    try:
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
    except BaseException:
        # a failed build (a full disk) leaves nothing behind: CURRENT still names the previous
        # generation (publish removes a renamed one itself)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
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
    """Apply `plan` to the live generation in place (see the store module for why it is safe).

    A write that fails before the commit (a full disk) is rolled back: the files it added are
    removed, so the generation is again exactly the last committed one and its state matches."""
    if not (plan.changed or plan.removed):
        for gid, files in plan.refreshed.items():
            manifest["groups"][gid]["files"].update(files)
        manifest.update(extra)
        return Store.write_manifest(gen, manifest)
    from whoosh.filedb.filestore import FileStorage

    from indexer.build import add_groups, new_writer

    before = set(os.listdir(gen))
    ix = FileStorage(str(gen)).open_index()
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], len(plan.changed))

    try:
        writer = new_writer(ix)
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
            for gid in plan.changed:
                manifest["groups"][gid].update(group_record(groups[gid], sources))
            for gid, files in plan.refreshed.items():
                manifest["groups"][gid]["files"].update(files)
            manifest.update(extra)
            Store.reserve(gen, manifest)
            halt_point("update-written")
            writer.commit()
            halt_point("update-committed")
        except BaseException:
            with contextlib.suppress(Exception):  # a failed commit has closed the writer itself
                writer.cancel()
            raise
    except BaseException:
        ix.close()
        if not _committed(gen, before):
            Store.discard_new(gen, before)
        raise
    ix.close()
    ix = FileStorage(str(gen)).open_index()
    try:  # documents kept as deleted in their segments (see STALE_SHARE)
        manifest["deleted"] = int(ix.doc_count_all() - ix.doc_count())
    finally:
        ix.close()
    return Store.write_manifest(gen, manifest, reserved=True)


def _committed(gen: Path, before: set[str]) -> bool:
    """Whether a new Whoosh table of contents is in place (the commit happened: its files stay)."""
    try:
        return any(n.endswith(".toc") and n not in before for n in os.listdir(gen))
    except OSError:
        return True  # cannot tell: remove nothing


def open_index(
    sources: Iterable[str | Path],
    progress: Progress | None = None,
    *,
    rebuild: bool = False,
    wait: float = 30.0,
    fallback: bool = True,
) -> KBIndex:
    """Bring the index of `sources` up to date (incrementally) and open it.

    `progress(done, total)` is called while entries are parsed. `rebuild=True` throws the index
    away first. Another process updating the same index is waited for up to `wait` seconds, then
    `IndexBusy` (a `UserError`) is raised.

    When the index folder cannot be written (disk full, read-only, owned by another user), a
    failed update is rolled back and the search goes on: from the last index built if there is
    one (stale by the entries that changed since), else from an index built in memory; either
    way `KBIndex.warning` says so and what to do. `fallback=False` (`kb index`, which was asked
    to write) raises `IndexUnwritable` instead.

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

    pending: list[int] = []  # how many entries an update found changed, once it knows
    try:
        return _update(store, srcs, progress, rebuild, wait, checked, cold, changed, pending)
    except OSError as exc:
        if not unwritable(exc):
            raise
        problem = IndexUnwritable(store.root.parent, exc)
        if not fallback:
            raise problem from exc
        return _fallback(store, srcs, problem, progress, pending, use_last=not rebuild)


def _update(
    store: Store,
    srcs: list[Path],
    progress: Progress | None,
    rebuild: bool,
    wait: float,
    checked: Path | None,
    cold: dict[str, Any] | None,
    changed: list[str] | None,
    pending: list[int],
) -> KBIndex:
    """The slow path of `open_index`, under the lock: update or rebuild, then open."""
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
            pending.append(len(plan.changed) + len(plan.removed))
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
                except Exception as exc:
                    if unwritable(exc):
                        raise  # a full or read-only disk: a rebuild cannot help (open_index)
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

    ix = FileStorage(str(gen), readonly=True).open_index()
    return _opened(store, gen, ix, state, reparsed, rebuilt)


def _opened(
    store: Store, path: Path, ix: Any, state: dict[str, Any], reparsed: list[str], rebuilt: bool
) -> KBIndex:
    from indexer.scoring import CachedBM25F

    try:
        searcher = ix.searcher(weighting=CachedBM25F())
        expected = state["indexed"]
        if searcher.doc_count() != expected:
            searcher.close()
            raise ValueError(
                f"index holds {searcher.doc_count()} entries, manifest says {expected}"
            )
    except BaseException:
        ix.close()
        raise
    return KBIndex(store, path, ix, searcher, state, reparsed, rebuilt)


# -- an index folder that cannot be written ----------------------------------------------------
def _fallback(
    store: Store,
    srcs: list[Path],
    problem: IndexUnwritable,
    progress: Progress | None,
    pending: list[int],
    *,
    use_last: bool,
) -> KBIndex:
    """Search without writing: the last generation built, if it is whole (stale by the entries
    that changed since), else an index built in memory. The warning names the folder, why, and
    what to do."""
    gen = store.current() if use_last else None
    state = Store.read_state(gen) if gen is not None else None
    if (
        gen is not None
        and state is not None
        and _manifest_ok(state, srcs)
        and index_damage(gen, state) is None
    ):
        try:
            idx = _open(store, gen, state, [], False)
        except Exception:  # noqa: BLE001 - unreadable or damaged: build one in memory instead
            pass
        else:
            n = pending[-1] if pending else None
            if n == 0:  # only touched files (same content): nothing is missing
                stale = Words("its results are complete")
            elif n is None:
                stale = Words("results may miss recent changes to the KB files")
            elif n == 1:
                stale = Words("results may miss 1 changed entry")
            else:
                stale = Words("results may miss {n} changed entries", n=n)
            idx.warning = Words(
                "cannot update the search index in {folder} ({reason}); {stale}; {fix}",
                folder=str(problem.folder),
                reason=problem.reason,
                stale=stale,
                fix=problem.fix,
            )
            return idx
    idx = _in_memory(store, srcs, progress)
    idx.warning = Words(
        "cannot write the search index in {folder} ({reason}); searching an index built in "
        "memory for this run; {fix}",
        folder=str(problem.folder),
        reason=problem.reason,
        fix=problem.fix,
    )
    return idx


def _in_memory(store: Store, srcs: list[Path], progress: Progress | None) -> KBIndex:
    """Every entry parsed and indexed in RAM (one process: workers write segment files)."""
    from whoosh.filedb.filestore import RamStorage

    from indexer.build import add_groups, new_writer
    from indexer.schema import make_schema
    from kb.loader import discover

    found: list[Problem] = []
    groups = discover(srcs, found)
    manifest: dict[str, Any] = {
        "format": _fmt_cached(),
        "sources": [str(s) for s in srcs],
        "groups": {},
        "discover_problems": problems_to_json(found),
    }
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], len(groups))

    ix = RamStorage().create_index(make_schema())
    writer = new_writer(ix)
    try:
        add_groups(writer, list(groups.items()), manifest["groups"], tick)
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    idx = _opened(store, store.root, ix, state_of(manifest), list(groups), True)
    idx.manifest = manifest
    return idx

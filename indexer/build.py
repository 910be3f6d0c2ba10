"""Writing entries into a Whoosh index: one process for a few entries, several for many.

Whoosh writes postings in pure Python, and a full build of 10 000 entries is dominated by it and by
YAML parsing. So a large build is split across worker processes: each parses its share of entry
groups and writes its own Whoosh segment into the (not yet published) index folder, and the parent
commits one table of contents naming every segment. Nothing is merged afterwards; a search over
two to four segments costs about the same as over one.

`fast_lengths()` removes the other big cost: Whoosh looks up each document's field length once per
posting, with a seek and a read on the column file; we load each length column once instead.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.store import fingerprint, problems_to_json

PARALLEL_MIN = 400  # fewer groups than this are built in-process (start-up of workers dominates)
MAX_WORKERS = 4
LIMIT_MB = 256

Progress = Callable[[int, int], None]


class _PreloadedLengths:
    """Wraps Whoosh's per-document reader so the length lookups of a flush hit a list."""

    def __init__(self, pdr: Any) -> None:
        self._pdr = pdr

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Callable[[int], Any]:
        try:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
            from whoosh.util.numeric import byte_to_length

            reader = self._pdr._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if reader is None:
                return lambda docnum: default
            table = [byte_to_length(b) if b else None for b in reader.load()]
            return table.__getitem__
        except (ImportError, AttributeError):  # another Whoosh codec: use its own accessor
            return self._pdr.doc_field_length_reader(fieldname, default)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pdr, name)


def fast_lengths(writer: Any) -> Any:
    """Speed up one writer instance (Whoosh itself is not patched).

    * its flush reads each length column once instead of once per posting;
    * its posting pool skips the type assertions and byte counting of `PostingPool.add`
      (our analyzer produces the right types; the size estimate keeps the memory limit).
    """
    original = writer.per_document_reader
    writer.per_document_reader = lambda: _PreloadedLengths(original())
    pool = writer.pool
    if hasattr(pool, "current") and hasattr(pool, "currentsize") and hasattr(pool, "save"):
        fieldnames_add = pool.fieldnames.add
        current = pool.current

        def add(item: tuple[Any, ...]) -> None:
            nonlocal current
            fieldnames_add(item[0])
            pool.currentsize += 150 + 2 * len(item[1]) + len(item[4] or b"")
            if pool.currentsize > pool.limit:
                pool.save()
                current = pool.current
            current.append(item)

        pool.add = add
    return writer


def new_writer(ix: Any, **kwargs: Any) -> Any:
    """A segment writer without posting compression (zlib was a tenth of the build time, and
    uncompressed blocks are quicker to read) and without compound segment files: Whoosh copies
    each file of a compound segment into memory when it opens it (tens of ms per `kb search`
    on 10 000 entries); separate files are read on demand."""
    from whoosh.codec.whoosh3 import W3Codec

    return fast_lengths(
        ix.writer(codec=W3Codec(compression=0), limitmb=LIMIT_MB, compound=False, **kwargs)
    )


def add_groups(
    writer: Any,
    groups: list[tuple[str, Any]],
    manifest_groups: dict[str, Any],
    tick: Callable[[], None] | None = None,
    update: bool = False,
) -> None:
    """Parse each group and add (or update) its document; record fingerprints and problems."""
    from indexer.schema import entry_document
    from kb.loader import load_group

    for gid, group in groups:
        files = fingerprint(group)  # before parsing: a change during the parse is seen next time
        try:
            entry, probs = load_group(group)
            doc = entry_document(entry) if entry is not None else None
        except Exception as exc:  # noqa: BLE001 - a bug on one entry must not stop the others
            entry, probs, doc = None, [_internal_problem(group, exc)], None
        if doc is not None:
            (writer.update_document if update else writer.add_document)(**doc)
        elif update:
            writer.delete_by_term("id", gid)
        manifest_groups[gid] = {
            "files": files,
            "indexed": entry is not None,
            "problems": problems_to_json(probs),
        }
        if tick is not None:
            tick()


def _internal_problem(group: Any, exc: Exception) -> Any:
    from kb.model import Problem
    from kb.words import Words

    first = group.en or next(iter(group.translations.values()), None)
    return Problem(
        str(first.path) if first is not None else group.id,
        1,
        Words(
            "kbtui could not index this entry ({error}); please report it", error=type(exc).__name__
        ),
    )


def _worker(folder: str, groups: list[tuple[str, Any]], queue: Any, parent: int) -> None:
    """Worker process: write one segment for `groups`, pickle it with its share of the manifest
    into the folder, and say so. Messages stay tiny, so a put never blocks on a full pipe."""
    from indexer.store import HELD_LOCK_FDS

    for fd in list(HELD_LOCK_FDS):  # forked: never keep the parent's index lock alive
        with contextlib.suppress(OSError):
            os.close(fd)
    HELD_LOCK_FDS.clear()

    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    def parent_gone() -> bool:
        return os.getppid() != parent

    ix = FileStorage(folder).open_index()
    writer = fast_lengths(
        SegmentWriter(ix, _lk=False, limitmb=LIMIT_MB, codec=W3Codec(compression=0), compound=False)
    )
    part: dict[str, Any] = {}
    count = [0]

    def tick() -> None:
        count[0] += 1
        if count[0] % 10 == 0:
            if parent_gone():  # the parent was killed: stop writing into its folder
                os._exit(1)
            if count[0] % 50 == 0:
                queue.put(("progress", 50))

    try:
        add_groups(writer, groups, part, tick)
        segment = writer._finalize_segment()
        if parent_gone():
            os._exit(1)
        out = Path(folder) / f"part-{os.getpid()}.pickle"
        with open(out, "wb") as f:
            pickle.dump((segment, part), f, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:
        # a full or read-only disk: the parent raises it as such (and falls back), instead of
        # "worker exited with 1" under a page of tracebacks
        queue.put(("oserror", exc.errno, exc.strerror, exc.filename))
        os._exit(1)
    except Exception as exc:  # noqa: BLE001 - one line in the parent, never a worker's traceback
        queue.put(("error", f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"))
        os._exit(1)
    queue.put(("done", str(out), count[0] % 50))


def write_all(
    folder: Path, groups: dict[str, Any], manifest_groups: dict[str, Any], progress: Progress | None
) -> None:
    """Write a fresh index of `groups` into `folder` (which holds an empty index)."""
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(folder)).open_index()
    items = list(groups.items())
    total = len(items)
    done = [0]

    def tick(n: int = 1) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], total)

    workers = min(MAX_WORKERS, os.cpu_count() or 1, max(1, total // (PARALLEL_MIN // 2)))
    try:
        if workers <= 1 or total < PARALLEL_MIN:
            writer = new_writer(ix)
            try:
                add_groups(writer, items, manifest_groups, tick)
                writer.commit()
            except BaseException:
                with contextlib.suppress(Exception):  # a failed commit closed the writer itself
                    writer.cancel()
                raise
            return
        _write_parallel(ix, str(folder), items, workers, manifest_groups, tick)
    finally:
        ix.close()


def _write_parallel(
    ix: Any,
    folder: str,
    items: list[tuple[str, Any]],
    workers: int,
    manifest_groups: dict[str, Any],
    tick: Callable[[int], None],
) -> None:
    # fork is cheap and needs no importable __main__; with threads around (the TUI), spawn is
    # the safe choice
    import multiprocessing

    method = "fork" if threading.active_count() == 1 else "spawn"
    ctx: Any = multiprocessing.get_context(method)
    queue = ctx.SimpleQueue()
    # interleaved shares: entries of one product folder spread over all workers
    shares = [items[i::workers] for i in range(workers)]
    procs = [
        ctx.Process(target=_worker, args=(folder, share, queue, os.getpid()), daemon=True)
        for share in shares
    ]
    for p in procs:
        p.start()
    segments = []
    try:
        finished = 0
        while finished < len(procs):
            if queue.empty():
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"index worker exited with {dead[0].exitcode}")
                time.sleep(0.02)
                continue
            msg = queue.get()
            if msg[0] == "progress":
                tick(msg[1])
                continue
            if msg[0] == "oserror":
                raise OSError(msg[1], msg[2], msg[3])
            if msg[0] == "error":
                raise RuntimeError(f"index worker failed: {msg[1]}")
            _, path, rest = msg
            with open(path, "rb") as f:
                segment, part = pickle.load(f)
            os.unlink(path)
            segments.append(segment)
            manifest_groups.update(part)
            tick(rest)
            finished += 1
        for p in procs:
            p.join()
    except BaseException:
        for p in procs:
            if p.is_alive():
                p.kill()
        raise
    writer = ix.writer()
    try:
        # commit the workers' segments as they are (no merge)
        writer._close_segment()
        writer._commit_toc(segments)
        writer._finish()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise

"""Where the index lives on disk, and keeping it in step with the entry files.

Layout, one folder per set of KB sources under `kb.paths.index_root()`:

    <index_root>/<hash of the source paths>/
        lock                 fcntl lock: one writer at a time (readers never take it)
        CURRENT              name of the live generation, replaced atomically (os.replace)
        gen-<n>/             a Whoosh index plus manifest.json (what it was built from)
        tmp-<pid>-<rand>/    a rebuild in progress; renamed to gen-<n> when complete

Crash safety: a full rebuild is written into a tmp folder, renamed to a new generation and only
then published by replacing CURRENT, so a `kill -9` at any moment leaves the previous generation
answering. Incremental updates change the live generation in place, which is safe too: Whoosh
commits by renaming a new table of contents over the old one, and the manifest is written after
the commit (tmp file + os.replace). A crash between the two leaves a manifest that is older than
the index; the next run then re-applies the same changes, which is idempotent
(`update_document`/`delete_by_term` by unique id).

A write that fails (disk full, read-only folder) leaves the last good generation as it was: a
failed rebuild removes its folder, a failed update the files it added (`discard_new`), and the
manifest is reserved before an update's commit (`reserve`) so that the disk cannot fill up between
the commit and its manifest. `indexer.update.open_index` then searches without writing.

Cold path: if no file changed (same mtime and size, or same sha256 when those moved), nothing is
parsed, no lock is taken and nothing is written.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import marshal
import os
import shutil
import stat
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import UserError
from kb.frontmatter import MAX_FILE_BYTES
from kb.model import Problem

# Two records per generation, both marshal (loads twice as fast as JSON):
# - MANIFEST: every group's files (mtime, size, sha256, language), root, load problems;
# - STATE: what the cold path needs and nothing more: the file paths with their mtimes and sizes
#   as flat arrays, folder mtimes, the problems to re-warn, the entry count. 10 000 entries:
#   ~2 ms to load instead of ~25 ms for the full manifest.
MANIFEST = "manifest.marshal"
STATE = "state.marshal"
CURRENT = "CURRENT"
LOCK = "lock"
# Above this share of changed entries a fresh build (written aside, swapped in) beats updating.
REBUILD_SHARE = 0.5
# Whoosh keeps a replaced or removed entry's document, marked deleted, inside its segment, and
# still counts it in document frequencies (idf) until the segment is rewritten; past this share of
# deleted documents the next update rebuilds, so ranking stays that of a fresh index
STALE_SHARE = 0.1
STALE_MIN = 8  # ... and at least this many (a 6-entry KB does not rebuild on every edit)

Progress = Callable[[int, int], None]


# fds of index locks this process holds: a forked build worker closes them first thing, or a
# worker outliving a killed parent would keep the lock held (flock belongs to the open file)
HELD_LOCK_FDS: set[int] = set()


class IndexBusy(UserError):
    """Another process holds the index lock for longer than we were willing to wait."""


# what a full disk, a quota, a read-only mount or a folder owned by someone else (a `sudo kb` that
# made ~/.cache root's) raise: the environment's to fix, and no rebuild can help
_UNWRITABLE = frozenset(
    getattr(errno, n) for n in ("ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM") if hasattr(errno, n)
)
_NO_SPACE = frozenset(getattr(errno, n) for n in ("ENOSPC", "EDQUOT") if hasattr(errno, n))


def unwritable(exc: BaseException) -> bool:
    """The index cannot be written here (disk full, read-only, not ours), as opposed to a bug."""
    return isinstance(exc, OSError) and exc.errno in _UNWRITABLE


class IndexUnwritable(UserError):
    """The index folder cannot be written: `kb index` says so; searches fall back (see update)."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        from kb.paths import cache_override_hint
        from kb.words import Words

        self.folder = folder
        self.reason = Words(exc.strerror or type(exc).__name__)
        first = Words("free space there" if exc.errno in _NO_SPACE else "make it writable")
        #: what to do, for the one-line warning of a search that fell back (kb's words: said in
        #: the user's language where shown)
        self.fix = Words(
            "{first} or set {hint} to a writable folder", first=first, hint=cache_override_hint()
        )
        super().__init__(
            "cannot write the search index in {folder} ({reason}); {fix}",
            folder=str(folder),
            reason=self.reason,
            fix=self.fix,
        )


def store_dir(sources: list[Path]) -> Path:
    """The folder for the index of exactly these sources, in this order."""
    from kb.paths import index_root

    key = "\n".join(str(Path(s).expanduser().resolve()) for s in sources)
    return index_root() / hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        h.update(f.read(MAX_FILE_BYTES + 1))
    return h.hexdigest()


@dataclass
class Plan:
    """What an update has to do, found by comparing the discovered files with the manifest."""

    changed: list[str] = field(default_factory=list)  # group ids to (re)parse
    removed: list[str] = field(default_factory=list)  # ids no longer present
    # files whose mtime/size moved but whose content did not: only the manifest needs the stat
    refreshed: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.changed or self.removed or self.refreshed)


def group_paths(group: Any) -> list[str]:
    return [ef.file for ef in group.files]


def plan_update(
    current: dict[str, list[str]], manifest: dict[str, Any], *, partial: bool = False
) -> Plan:
    """Compare `current` (group id -> its file paths, in order) with what the manifest recorded.
    `partial`: `current` holds only the groups that may have changed (none was removed)."""
    plan = Plan()
    old_groups: dict[str, Any] = manifest["groups"]
    os_stat = os.stat
    for gid, paths in current.items():
        old = old_groups.get(gid)
        if old is None or list(old["files"]) != paths:
            plan.changed.append(gid)
            continue
        files = old["files"]
        for path in paths:
            rec = files[path]
            try:
                st = os_stat(path)
            except OSError:
                plan.changed.append(gid)
                break
            if st.st_mtime_ns == rec[0] and st.st_size == rec[1]:
                continue
            try:
                now = sha256_file(path)
            except OSError:
                plan.changed.append(gid)
                break
            if now != rec[2]:
                plan.changed.append(gid)
                break
            plan.refreshed.setdefault(gid, {})[path] = [st.st_mtime_ns, st.st_size, *rec[2:]]
    if not partial:
        plan.removed = [gid for gid in old_groups if gid not in current]
    for gid in plan.changed:
        plan.refreshed.pop(gid, None)
    return plan


def fingerprint(group: Any) -> dict[str, list[Any]]:
    """Stat and hash a group's files *before* parsing them: if a file changes while we parse,
    the recorded fingerprint is the older one and the next run picks the change up.
    Each record is [mtime_ns, size, sha256, lang]."""
    out: dict[str, list[Any]] = {}
    for ef in group.files:
        path = ef.file
        try:
            st = os.stat(path)
            # never open what the loader will not read (a named pipe blocks, a huge file is slow):
            # the loader reports it; its fingerprint is stat-only
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                out[path] = [st.st_mtime_ns, st.st_size, "", ef.lang]
            else:
                out[path] = [st.st_mtime_ns, st.st_size, sha256_file(path), ef.lang]
        except OSError:
            out[path] = [0, -1, "", ef.lang]
    return out


def group_record(group: Any, sources: list[Path]) -> dict[str, Any]:
    """What the manifest keeps of a group besides its files, to rebuild it without a discover."""
    root = group.en.root if group.en is not None else next(iter(group.translations.values())).root
    r: int | str
    try:
        r = sources.index(root)
    except ValueError:
        r = str(root)
    return {"root": r, "overridden": [str(p) for p in group.overridden]}


def groups_from_manifest(
    manifest: dict[str, Any], sources: list[Path], ids: list[str] | None = None
) -> dict[str, Any]:
    """The EntryGroups the manifest describes (valid while no KB folder changed), all or `ids`."""
    from kb.loader import EntryFile, EntryGroup

    out = {}
    wanted = manifest["groups"] if ids is None else {i: manifest["groups"][i] for i in ids}
    for gid, g in wanted.items():
        r = g.get("root", 0)
        root = sources[r] if isinstance(r, int) and r < len(sources) else Path(str(r))
        group = EntryGroup(gid, overridden=[Path(p) for p in g.get("overridden", ())])
        for path, rec in g["files"].items():
            lang = rec[3] if len(rec) > 3 else "en"
            ef = EntryFile(gid, lang, path, root)
            if lang == "en":
                group.en = ef
            else:
                group.translations[lang] = ef
        out[gid] = group
    return out


MAX_WATCHED_DIRS = 5000


def dir_snapshot(sources: list[Path]) -> dict[str, int] | None:
    """mtime of every folder under the sources. While none moved, no entry file was added,
    removed or renamed, so the manifest's file list is current and discovery can be skipped.
    None (no shortcut) when a source is not a folder or there are too many folders."""
    snap: dict[str, int] = {}
    for src in sources:
        if not src.is_dir():
            return None
        for dirpath, _dirs, _files in os.walk(src, followlinks=False):
            try:
                snap[dirpath] = os.stat(dirpath).st_mtime_ns
            except OSError:
                return None
            if len(snap) > MAX_WATCHED_DIRS:
                return None
    return snap


def dirs_unchanged(snap: dict[str, int] | None) -> bool:
    if not snap:
        return False
    stat = os.stat
    try:
        return all(stat(d).st_mtime_ns == m for d, m in snap.items())
    except OSError:
        return False


def state_of(manifest: dict[str, Any]) -> dict[str, Any]:
    paths: list[str] = []
    mtimes = array("q")
    sizes = array("q")
    problems: list[list[Any]] = list(manifest.get("discover_problems", []))
    indexed = 0
    for g in manifest["groups"].values():
        for path, rec in g["files"].items():
            paths.append(path)
            mtimes.append(rec[0])
            sizes.append(rec[1])
        problems.extend(g["problems"])
        indexed += bool(g.get("indexed"))
    return {
        "format": manifest.get("format"),
        "sources": manifest.get("sources"),
        "dirs": manifest.get("dirs"),
        "paths": paths,
        "mtimes": mtimes.tobytes(),
        "sizes": sizes.tobytes(),
        "problems": problems,
        "indexed": indexed,
    }


def files_unchanged(state: dict[str, Any]) -> bool:
    """Every file the state lists still has its recorded mtime and size."""
    return changed_files(state) == []


#: a KB with at least this many files is stat'ed by several threads (`changed_files`): stat(2)
#: releases the GIL, so on a 10 000-entry KB the freshness check of a cold `kb search` takes
#: ~25 ms instead of ~36 ms on two cores (docs/search.md, "Benchmark")
PARALLEL_STAT_MIN = 2000
STAT_THREADS = 2


def changed_files(state: dict[str, Any]) -> list[str] | None:
    """The files the state lists whose mtime or size moved (or that are gone); None when the
    state itself is malformed. Every file is looked at, so an update need not stat them again."""
    mtimes = array("q")
    sizes = array("q")
    try:
        mtimes.frombytes(state["mtimes"])
        sizes.frombytes(state["sizes"])
        rows = list(zip(state["paths"], mtimes, sizes, strict=True))
    except (KeyError, TypeError, ValueError):
        return None
    threads = min(STAT_THREADS, os.cpu_count() or 1)
    if len(rows) < PARALLEL_STAT_MIN or threads < 2:
        return _moved(rows)
    import threading

    step = -(-len(rows) // threads)
    parts: list[list[str] | None] = [None] * threads

    def run(i: int) -> None:
        parts[i] = _moved(rows[i * step : (i + 1) * step])

    workers = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(1, threads)]
    for w in workers:
        w.start()
    run(0)
    for w in workers:
        w.join()
    out: list[str] = []
    for part in parts:
        if part is None:  # a malformed path (the state is damaged): look at everything again
            return None
        out.extend(part)
    return out


def _moved(rows: list[tuple[Any, int, int]]) -> list[str] | None:
    """The paths among (path, mtime_ns, size) whose file moved or is gone; None when a path is
    not a path."""
    stat = os.stat
    changed: list[str] = []
    try:
        for path, m, size in rows:
            try:
                st = stat(path)
            except OSError:
                changed.append(path)
                continue
            if st.st_mtime_ns != m or st.st_size != size:
                changed.append(path)
    except (TypeError, ValueError):
        return None
    return changed


def same_files(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Two states list the same files with the same recorded mtimes and sizes."""
    return (
        a is not None
        and b is not None
        and a.get("paths") == b.get("paths")
        and a.get("mtimes") == b.get("mtimes")
        and a.get("sizes") == b.get("sizes")
    )


def problems_to_json(problems: list[Problem]) -> list[list[Any]]:
    """[path, line, message, severity, words]: the English message and kb's words it was said in
    (kb.words.to_data), so that a problem read back is said in the reader's language too."""
    from kb.words import to_data

    return [[p.path, p.line, str(p.message), p.severity, to_data(p.message)] for p in problems]


def problems_from_json(rows: list[list[Any]]) -> list[Problem]:
    from kb.words import from_data

    # a row of an index written before the words were kept has four items: English only
    return [Problem(r[0], r[1], from_data(r[4]) if len(r) > 4 else r[2], r[3]) for r in rows]


def _notice_stderr(message: str) -> None:
    import sys

    from kb.sanitize import one_line

    sys.stderr.write(f"kb: notice: {one_line(message)}\n")


#: how the indexer tells the user it repaired something (one line); the TUI may replace it
NOTICE: Callable[[str], None] = _notice_stderr


def notice(message: str) -> None:
    NOTICE(message)


_NOT_INDEX_FILES = (MANIFEST, STATE)


def index_files(gen: Path) -> dict[str, list[int]]:
    """[size, mtime_ns] of the Whoosh files of a generation (recorded after every commit)."""
    out: dict[str, list[int]] = {}
    try:
        with os.scandir(gen) as it:
            for e in it:
                if e.name in _NOT_INDEX_FILES or e.name.endswith((".tmp", "WRITELOCK")):
                    continue
                st = e.stat()
                out[e.name] = [st.st_size, st.st_mtime_ns]
    except OSError:
        return {}
    return out


def index_damage(gen: Path, state: dict[str, Any]) -> str | None:
    """Why the generation's files are not the ones last committed (None if they are).

    A byte overwritten in a posting, stored-field or length file moves that file's mtime, and
    a truncated one its size; a few stats catch what would otherwise fail on some query or,
    worse, rank silently wrong. States written before this check existed carry no record."""
    recorded = state.get("index_files")
    if not isinstance(recorded, dict):
        return None
    now = index_files(gen)
    for name, rec in recorded.items():
        if now.get(name) != list(rec):
            return f"index file {name} was changed or removed"
    extra = sorted(set(now) - set(recorded))
    if extra:
        return f"unexpected index file {extra[0]}"
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


HALT_AT = "KBTUI_TEST_HALT_AT"
HALT_FILE = "KBTUI_TEST_HALT_FILE"


def halt_point(step: str) -> None:
    """A test hook for the kill -9 tests: when KBTUI_TEST_HALT_AT names `step`, write the step to
    KBTUI_TEST_HALT_FILE and wait here until killed, so a test kills the process at exactly this
    step instead of guessing with sleeps. Does nothing (one environment lookup) otherwise."""
    if os.environ.get(HALT_AT) != step:
        return
    # written aside and renamed: the test polls for the file and reads it at once
    marker = Path(os.environ[HALT_FILE])
    tmp = marker.with_name(f"{marker.name}.{os.getpid()}.tmp")
    tmp.write_text(step, encoding="utf-8")
    os.replace(tmp, marker)
    while True:
        time.sleep(60)


class Store:
    """One index folder: its lock, its CURRENT pointer and its generations."""

    def __init__(self, root: Path) -> None:
        self.root = root
        #: why the live generation could not be used, when it looked damaged (for the notice)
        self.damage: str | None = None

    # -- reading (no lock) ------------------------------------------------------------------
    def current(self) -> Path | None:
        self.damage = None
        try:
            raw = (self.root / CURRENT).read_bytes()
        except FileNotFoundError:
            return None  # never built
        except OSError as exc:
            self.damage = f"CURRENT cannot be read ({exc.strerror})"
            return None
        try:
            name = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            name = ""
        if not name.startswith("gen-") or "/" in name or "\x00" in name:
            self.damage = "CURRENT does not name a generation"
            return None
        gen = self.root / name
        if not gen.is_dir():
            self.damage = f"CURRENT names {name}, which is missing"
            return None
        return gen

    def sweep(self) -> None:
        """Remove what killed processes left behind: tmp-<pid>-* rebuild folders and
        CURRENT.<pid>.tmp pointers whose process is gone. (Cheap: one small listdir.)"""
        try:
            names = os.listdir(self.root)
        except OSError:
            return
        for name in names:
            if name.startswith("tmp-"):
                pid = name.split("-")[1] if name.count("-") >= 2 else ""
            elif name.startswith(f"{CURRENT}.") and name.endswith(".tmp"):
                pid = name.split(".")[1]
            else:
                continue
            if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
                path = self.root / name
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        path.unlink()

    @staticmethod
    def _load(path: Path) -> dict[str, Any] | None:
        try:
            with open(path, "rb") as f:
                data = marshal.loads(f.read())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        return data if isinstance(data, dict) else None

    @staticmethod
    def read_manifest(gen: Path) -> dict[str, Any] | None:
        data = Store._load(gen / MANIFEST)
        if data is None or not isinstance(data.get("groups"), dict):
            return None
        return data

    @staticmethod
    def read_state(gen: Path) -> dict[str, Any] | None:
        data = Store._load(gen / STATE)
        if data is None or not isinstance(data.get("paths"), list):
            return None
        return data

    # -- writing (under the lock) -----------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, wait: float) -> Iterator[None]:
        """Hold the writer lock; wait up to `wait` seconds for another indexer, then IndexBusy."""
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise IndexBusy(
                            f"{self.root}: another kb process is updating the search index; "
                            "try again in a moment"
                        ) from None
                    time.sleep(0.05)
            HELD_LOCK_FDS.add(fd)
            try:
                yield
            finally:
                HELD_LOCK_FDS.discard(fd)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @staticmethod
    def write_manifest(
        gen: Path, manifest: dict[str, Any], *, reserved: bool = False
    ) -> dict[str, Any]:
        """Write the manifest, then the state derived from it (each atomically). A crash between
        the two leaves a state older than the manifest: the cold check then sees changed files
        and takes the slow path, which reads the manifest. Never the other way round.
        `reserved`: `reserve` wrote the tmp files before the commit; they are overwritten in
        place, in disk blocks they already hold."""
        state = state_of(manifest)
        state["index_files"] = index_files(gen)
        for name, data in ((MANIFEST, manifest), (STATE, state)):
            tmp = gen / f"{name}.{os.getpid()}.tmp"
            try:
                with open(tmp, "r+b" if reserved else "wb") as f:
                    marshal.dump(data, f, 4)
                    if reserved:
                        f.truncate()
            except BaseException:  # a full disk: leave no half-written file behind
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
            os.replace(tmp, gen / name)
        return state

    @staticmethod
    def reserve(gen: Path, manifest: dict[str, Any]) -> None:
        """Before an update's commit: write the manifest and state aside, with room to spare for
        what the commit changes (the deleted count, the list of Whoosh files), so that
        `write_manifest(reserved=True)` after the commit needs no new disk space. A disk that
        fills up then fails here, while the live index is still the last committed one, and
        not between the commit and its manifest. (A copy-on-write file system, btrfs or ZFS,
        may still need space for the overwrite.)"""
        state = state_of(manifest)
        state["index_files"] = index_files(gen)
        for name, data, room in ((MANIFEST, manifest, 4096), (STATE, state, 65536)):
            with open(gen / f"{name}.{os.getpid()}.tmp", "wb") as f:
                f.write(marshal.dumps(data, 4))
                f.write(bytes(room))

    @staticmethod
    def discard_new(gen: Path, before: set[str]) -> None:
        """Remove what a failed update added to the live generation (a half-written segment, a
        Whoosh TOC or manifest tmp file): its files are again exactly the committed ones, so
        the next run finds the index valid instead of damaged. Under the lock: no reader opens
        uncommitted files."""
        try:
            names = os.listdir(gen)
        except OSError:
            return
        for name in names:
            if name in before:
                continue
            path = gen / name
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()

    def new_tmp(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f"tmp-{os.getpid()}-{os.urandom(4).hex()}"
        tmp.mkdir()
        return tmp

    def publish(self, tmp: Path) -> Path:
        """Turn a finished tmp folder into the live generation (atomic for readers). When the
        pointer cannot be written (disk full), the new generation is removed again and CURRENT
        still names the previous one."""
        gen = self.root / f"gen-{time.time_ns()}"
        os.rename(tmp, gen)
        halt_point("renamed")
        pointer = self.root / f"{CURRENT}.{os.getpid()}.tmp"
        try:
            pointer.write_text(gen.name + "\n", encoding="utf-8")
            with open(pointer, "rb") as f:
                os.fsync(f.fileno())
            halt_point("pointer-written")
            os.replace(pointer, self.root / CURRENT)
        except BaseException:
            with contextlib.suppress(OSError):
                pointer.unlink()
            shutil.rmtree(gen, ignore_errors=True)
            raise
        return gen

    def cleanup(self, keep: Path) -> None:
        """Remove abandoned tmp folders and all generations but the live one and the one before
        it (a reader that read CURRENT just before the swap may still be opening it)."""
        gens = sorted(
            (p for p in self.root.iterdir() if p.name.startswith("gen-") and p != keep),
            key=lambda p: int(p.name[4:]) if p.name[4:].isdigit() else 0,
        )
        stale = [p for p in self.root.iterdir() if p.name.startswith(("tmp-", f"{CURRENT}."))]
        for p in [*gens[:-1], *stale]:
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    p.unlink()

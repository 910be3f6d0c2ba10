"""A search index folder that cannot be written (a full disk, a read-only mount) never stops a
search and never damages the last good index: the failed update is rolled back, the search answers
from the last index built (stale, with a one-line warning) or from one built in memory, and `kb
index` says what to do with exit 2. Real failures: each test mounts a small tmpfs as the cache
(root, as in CI), fills it up or mounts it read-only."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from indexer import open_index
from indexer.store import IndexUnwritable, Store, index_damage, store_dir
from tests.helpers import entry_text, run_kb

WORDS = ["apricot", "blueberry", "cranberry", "durian", "elderflower", "feijoa"]


def fill(folder: Path) -> Path:
    """Write a file into `folder` until its file system is full (ENOSPC); returns the file."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 20, 1 << 16, 4096, 512, 1):
            block = bytes(chunk)
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
    finally:
        os.close(fd)
    return filler


def write_entry(root: Path, i: int, word: str) -> None:
    p = root / "emqx" / f"entry-{i}.md"
    p.parent.mkdir(parents=True, exist_ok=True)
    text = entry_text(f"entry-{i}", title=f"Entry about {word}", body=f"{word} {word}\n")
    p.write_text(text, encoding="utf-8")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("KBTUI_HOME", str(home))
    return home


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    for i, word in enumerate(WORDS):
        write_entry(root, i, word)
    return root


def committed_files(kb: Path) -> tuple[Path, dict, set[str]]:
    """The live generation, its state and the names of its files."""
    store = Store(store_dir([kb]))
    gen = store.current()
    assert gen is not None
    state = Store.read_state(gen)
    assert state is not None
    return gen, state, set(os.listdir(gen))


def ids(idx, query: str) -> list[str]:
    return [h.id for h in idx.search(query)]


def test_full_disk_update_is_rolled_back_and_search_answers_from_the_last_index(
    home, kb, tmpfs, capfd
):
    cache = tmpfs(home / "cache", "size=4m")
    with open_index([kb]) as idx:
        assert ids(idx, "durian") == ["entry-3"]
    gen, state, files = committed_files(kb)
    filler = fill(cache)
    write_entry(kb, 6, "gooseberry")  # a teammate's new entry: the index needs a write
    write_entry(kb, 3, "jackfruit")  # and a changed one
    capfd.readouterr()

    with open_index([kb]) as idx:
        assert idx.warning is not None
        assert ids(idx, "apricot") == ["entry-0"]  # the last good index answers
        assert ids(idx, "durian") == ["entry-3"]  # stale: as it was before the change
        assert ids(idx, "gooseberry") == []
    assert "No space left on device" in idx.warning
    assert "results may miss 2 changed entries" in idx.warning
    assert "free space there or set KBTUI_HOME to a writable folder" in idx.warning
    assert str(cache / "index") in idx.warning
    # rolled back: the generation holds exactly the committed files, and the state matches them
    assert committed_files(kb) == (gen, state, files)
    assert index_damage(gen, state) is None
    assert "damaged" not in capfd.readouterr().err

    # `kb index` was asked to write: it says so and what to do, and damages nothing either
    with pytest.raises(IndexUnwritable, match=r"No space left on device.*free space there"):
        open_index([kb], fallback=False)
    with pytest.raises(IndexUnwritable):
        open_index([kb], rebuild=True, fallback=False)
    assert committed_files(kb) == (gen, state, files)
    assert [
        p.name for p in Store(store_dir([kb])).root.iterdir() if p.name.startswith("tmp-")
    ] == []

    filler.unlink()  # space again: an ordinary update, no "damaged" index, no rebuild
    with open_index([kb]) as idx:
        assert idx.warning is None and not idx.rebuilt
        assert sorted(idx.reparsed) == ["entry-3", "entry-6"]
        assert ids(idx, "gooseberry") == ["entry-6"]
        assert ids(idx, "jackfruit") == ["entry-3"]
    assert "damaged" not in capfd.readouterr().err


def test_full_disk_and_no_index_searches_an_index_built_in_memory(home, kb, tmpfs):
    cache = tmpfs(home / "cache", "size=4m")
    fill(cache)
    with open_index([kb]) as idx:
        assert ids(idx, "elderflower") == ["entry-4"]
        assert idx.ids() == [f"entry-{i}" for i in range(6)]
        assert idx.warning is not None and "built in memory" in idx.warning
        assert "No space left on device" in idx.warning
    store = Store(store_dir([kb]))
    assert store.current() is None  # nothing half-built was published
    leftovers = [p.name for p in store.root.iterdir()] if store.root.exists() else []
    assert [n for n in leftovers if n.startswith(("tmp-", "gen-"))] == []


def test_read_only_cache_with_an_index_answers_from_it(home, kb, tmpfs):
    cache = tmpfs(home / "cache", "size=4m")
    with open_index([kb]):
        pass
    subprocess.run(["mount", "-o", "remount,ro", str(cache)], check=True)
    with open_index([kb]) as idx:  # nothing changed: the cold path writes nothing, no warning
        assert idx.warning is None
        assert ids(idx, "feijoa") == ["entry-5"]
    write_entry(kb, 6, "gooseberry")
    with open_index([kb]) as idx:
        assert idx.warning is not None
        assert "Read-only file system" in idx.warning and "results may miss" in idx.warning
        assert "make it writable or set KBTUI_HOME" in idx.warning
        assert ids(idx, "feijoa") == ["entry-5"]


def test_cli_read_only_cache_searches_from_memory_and_kb_index_says_what_to_do(home, tmpfs):
    tmpfs(home / "cache", "ro")
    r = run_kb("search", "monotonic time stepped backwards")
    assert r.returncode == 0, r.stderr  # a confident answer, as with a writable cache
    assert "emqx-monotonic-time-stepped-backwards" in r.stdout
    warnings = [line for line in r.stderr.splitlines() if "search index" in line]
    assert warnings == [
        f"kb: warning: cannot write the search index in {home / 'cache' / 'index'} (Read-only "
        "file system); searching an index built in memory for this run; make it writable or set "
        "KBTUI_HOME to a writable folder"
    ], r.stderr
    r = run_kb("index")
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (
        f"kb: cannot write the search index in {home / 'cache' / 'index'} (Read-only file "
        "system); make it writable or set KBTUI_HOME to a writable folder"
    )


def test_cli_read_only_cache_is_said_in_chinese(home, tmpfs):
    """Under --lang zh the fallback warning and `kb index`'s refusal are kb's words in Chinese;
    the folder stays as it is."""
    tmpfs(home / "cache", "ro")
    folder = home / "cache" / "index"
    r = run_kb("--lang", "zh", "search", "monotonic time stepped backwards")
    assert r.returncode == 0, r.stderr
    warnings = [line for line in r.stderr.splitlines() if str(folder) in line]
    assert warnings == [
        f"kb：警告：无法写入 {folder} 中的搜索索引（只读文件系统）；本次在内存中建立索引进行搜索；"
        "请让它可写，或把 KBTUI_HOME 设为一个可写的文件夹"
    ], r.stderr
    r = run_kb("--lang", "zh", "index")
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (
        f"kb：无法写入 {folder} 中的搜索索引（只读文件系统）；"
        "请让它可写，或把 KBTUI_HOME 设为一个可写的文件夹"
    )


def test_cli_full_disk_search_never_exits_70_and_recovers_without_a_rebuild(home, tmpfs, tmp_path):
    cache = tmpfs(home / "cache", "size=30m")
    user_kb = tmp_path / "user-kb"
    write_entry(user_kb, 0, "apricot")
    assert run_kb("--kb", str(user_kb), "search", "monotonic time").returncode == 0
    filler = fill(cache)
    write_entry(user_kb, 1, "gooseberry")  # the index needs a write
    for query, code in (("monotonic time stepped backwards", 0), ("gooseberry", 1)):
        r = run_kb("--kb", str(user_kb), "search", query)
        assert r.returncode == code, r.stderr
        assert "internal error" not in r.stderr and "damaged" not in r.stderr
        assert "results may miss 1 changed entry; free space there" in r.stderr
    r = run_kb("--kb", str(user_kb), "index")
    assert r.returncode == 2 and "No space left on device" in r.stderr, r.stderr
    filler.unlink()
    r = run_kb("--kb", str(user_kb), "index", "--json")
    assert r.returncode == 0 and "damaged" not in r.stderr, r.stderr
    assert '"rebuilt": false' in r.stdout and '"reparsed": 1' in r.stdout
    assert run_kb("--kb", str(user_kb), "search", "gooseberry").returncode == 0


def test_manifest_reserved_before_a_commit_is_written_after_it_on_a_full_disk(home, kb, tmpfs):
    # an update reserves the manifest and state files before its commit, so that a disk filling
    # up fails the update while it can still be rolled back, not between commit and manifest
    cache = tmpfs(home / "cache", "size=4m")
    with open_index([kb]):
        pass
    gen, _state, _files = committed_files(kb)
    manifest = Store.read_manifest(gen)
    assert manifest is not None
    manifest["deleted"] = 3
    Store.reserve(gen, manifest)
    fill(cache)
    with pytest.raises(OSError) as unreserved:  # what an unreserved write meets
        (gen / "other.tmp").write_bytes(b"\0" * 8192)
    assert unreserved.value.errno == errno.ENOSPC
    Store.write_manifest(gen, manifest, reserved=True)
    assert Store.read_manifest(gen) == manifest
    state = Store.read_state(gen)
    assert state is not None and index_damage(gen, state) is None
    assert [n for n in os.listdir(gen) if n.endswith(".tmp")] == ["other.tmp"]


def test_full_disk_with_only_touched_files_says_results_are_complete(home, kb, tmpfs):
    cache = tmpfs(home / "cache", "size=4m")
    with open_index([kb]):
        pass
    gen, state, files = committed_files(kb)
    fill(cache)
    touched = kb / "emqx" / "entry-2.md"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    with open_index([kb]) as idx:  # the state cannot record the new mtime: said, not an error
        assert idx.warning is not None and "its results are complete" in idx.warning
        assert ids(idx, "cranberry") == ["entry-2"]
    assert committed_files(kb) == (gen, state, files)  # no half-written manifest left behind


def leave_free(folder: Path, free: int) -> None:
    """Fill `folder`'s file system, then give `free` bytes back: room to start a build, not to
    finish it."""
    filler = fill(folder)
    os.truncate(filler, max(0, filler.stat().st_size - free))


# built in-process (the commit fails), and by worker processes (400+ entries; a worker fails)
@pytest.mark.parametrize("entries,free", [(60, 40 << 10), (420, 96 << 10)])
def test_a_build_that_fills_the_disk_falls_back_like_an_update(
    home, tmp_path, tmpfs, entries, free
):
    """Review: a *build* failing on a full disk (the first search, kb index --rebuild, a repair)
    still exited 70: the failed commit's writer.cancel() raised "This writer is closed" over the
    ENOSPC, and a worker's ENOSPC became "index worker exited with 1"."""
    root = tmp_path / "big"
    for i in range(entries):
        write_entry(root, i, f"{WORDS[i % len(WORDS)]} word{i} " * 40)
    cache = tmpfs(home / "cache", "size=8m")
    leave_free(cache, free)
    with open_index([root]) as idx:
        assert ids(idx, "word7")[:1] == ["entry-7"]
        assert idx.warning is not None and "No space left on device" in idx.warning
    r = run_kb("--kb", str(root), "index", "--rebuild")
    assert r.returncode == 2 and "No space left on device" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
    r = run_kb("--kb", str(root), "search", "word7")
    assert r.returncode in (0, 1) and "entry-7" in r.stdout, r.stderr

"""The on-disk index: incremental updates, rebuilds, corruption, kill -9 and concurrent indexers.

All of it runs for real: temp KBs, the real loader, real Whoosh files, real subprocesses and
signals. KBTUI_HOME points at a temp folder (conftest), so the index lives there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from array import array
from pathlib import Path

import pytest

import indexer.update as index_mod
from benchmarks.synthetic import generate
from indexer import IndexBusy, open_index
from indexer.store import CURRENT, MANIFEST, STATE, Store, store_dir
from tests.helpers import entry_text, run_kb

REPO = Path(__file__).resolve().parent.parent


# one distinctive word per entry, far apart (the typo fallback would join near neighbours)
WORDS = ["apricot", "blueberry", "cranberry", "durian", "elderflower", "feijoa"]


def make_small_kb(root: Path, n: int = 6) -> Path:
    for i in range(n):
        p = root / "emqx" / f"entry-{i}.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(entry_text(f"entry-{i}", title=f"Entry about {WORDS[i]}"), encoding="utf-8")
    return root


def bump(path: Path, text: str | None = None) -> None:
    """Rewrite (or touch) a file and make sure its mtime moves even on coarse clocks."""
    if text is not None:
        path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def found(idx, query: str) -> list[str]:
    return [h.id for h in idx.search(query)]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return make_small_kb(tmp_path / "kb")


def test_first_open_builds_then_nothing_is_reparsed(kb):
    with open_index([kb]) as idx:
        assert idx.rebuilt and sorted(idx.reparsed) == [f"entry-{i}" for i in range(6)]
        assert idx.doc_count == 6
        assert found(idx, "durian") == ["entry-3"]
    with open_index([kb]) as idx:
        assert not idx.rebuilt and idx.reparsed == []
        assert found(idx, "durian") == ["entry-3"]


def test_cold_open_with_no_change_parses_no_yaml(kb):
    open_index([kb]).close()
    code = textwrap.dedent(f"""
        import sys
        from indexer import open_index
        idx = open_index([{str(kb)!r}])
        assert idx.reparsed == [] and not idx.rebuilt
        assert [h.id for h in idx.search("cranberry")] == ["entry-2"]
        print(",".join(m for m in ("yaml", "kb.safeyaml", "kb.validate") if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_touch_without_change_reparses_nothing(kb):
    open_index([kb]).close()
    bump(kb / "emqx" / "entry-1.md")
    with open_index([kb]) as idx:
        assert idx.reparsed == [] and not idx.rebuilt
    # the new mtime was recorded: the next open does not even hash the file
    manifest = Store.read_manifest(Store(store_dir([kb])).current())
    path = str((kb / "emqx" / "entry-1.md").resolve())
    assert (
        manifest["groups"]["entry-1"]["files"][path][0]
        == (kb / "emqx" / "entry-1.md").stat().st_mtime_ns
    )


def test_modify_one_file_reparses_only_it(kb):
    open_index([kb]).close()
    bump(kb / "emqx" / "entry-4.md", entry_text("entry-4", title="Entry four now about gizmo"))
    with open_index([kb]) as idx:
        assert idx.reparsed == ["entry-4"] and not idx.rebuilt
        assert found(idx, "gizmo") == ["entry-4"]
        assert found(idx, "elderflower") == []
        assert idx.doc_count == 6


def test_delete_one_file(kb):
    open_index([kb]).close()
    (kb / "emqx" / "entry-2.md").unlink()
    with open_index([kb]) as idx:
        assert idx.reparsed == [] and not idx.rebuilt
        assert found(idx, "cranberry") == [] and idx.doc_count == 5
        assert "entry-2" not in idx.ids()


def test_add_one_file(kb):
    open_index([kb]).close()
    (kb / "emqx" / "entry-new.md").write_text(entry_text("entry-new", title="Brand new sprocket"))
    with open_index([kb]) as idx:
        assert idx.reparsed == ["entry-new"] and not idx.rebuilt
        assert found(idx, "sprocket") == ["entry-new"] and idx.doc_count == 7


def test_adding_a_translation_reparses_its_group(kb):
    open_index([kb]).close()
    (kb / "emqx" / "entry-5.zh.md").write_text(
        "---\nid: entry-5\nlang: zh\ntitle: 第五条：时钟回拨\nsummary: 一行说明。\n---\n正文。\n",
        encoding="utf-8",
    )
    with open_index([kb]) as idx:
        assert idx.reparsed == ["entry-5"]
        hits = idx.search("时钟回拨")
        assert [h.id for h in hits] == ["entry-5"] and hits[0].title_zh == "第五条：时钟回拨"


def test_bad_file_problems_are_kept_without_reparsing(kb):
    bad = kb / "emqx" / "entry-0.md"
    bad.write_text(
        "---\nid: entry-0\nkind: incident\ntitle: [unclosed\n---\nbody\n", encoding="utf-8"
    )
    with open_index([kb]) as idx:
        assert idx.doc_count == 5
        first = [str(p) for p in idx.problems]
        assert first and all(str(bad) in p or "entry-0" in p for p in first)
    with open_index([kb]) as idx:
        assert idx.reparsed == []
        assert [str(p) for p in idx.problems] == first  # re-warned from the manifest
    bump(bad, entry_text("entry-0", title="Fixed entry about doohickey"))
    with open_index([kb]) as idx:
        assert idx.reparsed == ["entry-0"] and idx.problems == []
        assert found(idx, "doohickey") == ["entry-0"]


def test_errors_are_told_apart_from_warnings_and_search_warns_only_errors(kb):
    """A search re-warns the files kept out of the index, not every lint warning of a big KB;
    `problems` (read on demand) still holds both, for `kb index` and the TUI."""
    (kb / "emqx" / "entry-1.md").write_text(
        entry_text("entry-1", title="Entry about blueberry", extra="versions: {emqx: '>= 5.0'}\n"),
        encoding="utf-8",
    )
    (kb / "emqx" / "entry-1.zh.md").write_text(
        "---\nid: entry-1\nlang: zh\ntitle: 蓝莓\nsummary: 一行说明。\n---\n正文。\n",
        encoding="utf-8",
    )
    bad = kb / "emqx" / "entry-0.md"
    bad.write_text("---\nid: entry-0\nkind: incident\ntitle: [unclosed\n---\nb\n", encoding="utf-8")
    for _ in range(2):  # built, then read back from the stored state
        with open_index([kb]) as idx:
            assert [p.severity for p in idx.errors] == ["error"]
            assert str(bad) in str(idx.errors[0])
            assert sorted(p.severity for p in idx.problems) == ["error", "warning"]
    r = run_kb("--kb", str(kb), "search", "blueberry")
    assert r.returncode == 0, r.stderr
    assert "entry-0.md" in r.stderr and "not translated" not in r.stderr


def test_schema_version_change_rebuilds(kb, monkeypatch):
    open_index([kb]).close()
    import indexer.schema

    monkeypatch.setattr(indexer.schema, "SCHEMA_VERSION", indexer.schema.SCHEMA_VERSION + 1000)
    monkeypatch.setattr(index_mod, "_FMT", None)
    with open_index([kb]) as idx:
        assert idx.rebuilt
        assert found(idx, "blueberry") == ["entry-1"]
    with open_index([kb]) as idx:
        assert not idx.rebuilt


def test_explicit_rebuild_and_old_generations_are_cleaned(kb):
    open_index([kb]).close()
    for _ in range(3):
        with open_index([kb], rebuild=True) as idx:
            assert idx.rebuilt
    root = store_dir([kb])
    gens = [p for p in root.iterdir() if p.name.startswith("gen-")]
    assert len(gens) == 2  # the live one and the one before it


def _corrupt_segments(gen: Path) -> None:
    for f in gen.iterdir():
        if f.suffix in (".seg", ".toc"):
            f.write_bytes(b"\x00garbage" * 16)


@pytest.mark.parametrize("damage", ["segments", "manifest", "pointer", "missing-gen", "doc-count"])
def test_unreadable_index_is_rebuilt(kb, damage):
    open_index([kb]).close()
    store = Store(store_dir([kb]))
    gen = store.current()
    if damage == "segments":
        _corrupt_segments(gen)
    elif damage == "manifest":
        (gen / MANIFEST).write_text("{not json", encoding="utf-8")
        (gen / STATE).write_bytes(b"\x00\x01garbage")
    elif damage == "pointer":
        (store.root / CURRENT).write_text("../../etc\n", encoding="utf-8")
    elif damage == "missing-gen":
        import shutil

        shutil.rmtree(gen)
    else:  # the index lost a document the manifest says it holds
        from whoosh.filedb.filestore import FileStorage

        ix = FileStorage(str(gen)).open_index()
        with ix.writer() as w:
            w.delete_by_term("id", "entry-5")
        ix.close()
    with open_index([kb]) as idx:
        assert idx.rebuilt
        assert found(idx, "feijoa") == ["entry-5"]


def test_different_sources_get_different_indexes(tmp_path):
    a = make_small_kb(tmp_path / "a", 2)
    b = make_small_kb(tmp_path / "b", 3)
    assert store_dir([a]) != store_dir([b]) != store_dir([a, b])
    with open_index([a]) as ia, open_index([b]) as ib:
        assert ia.doc_count == 2 and ib.doc_count == 3


def test_progress_is_reported(kb):
    seen: list[tuple[int, int]] = []
    open_index([kb], progress=lambda d, t: seen.append((d, t))).close()
    assert seen[-1] == (6, 6)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_busy_lock_waits_then_reports_busy(kb):
    open_index([kb]).close()
    store = Store(store_dir([kb]))
    with store.locked(wait=1):
        # nothing changed: readers never need the lock
        with open_index([kb]) as idx:
            assert found(idx, "blueberry") == ["entry-1"]
        start = time.monotonic()
        with pytest.raises(IndexBusy):
            open_index([kb], rebuild=True, wait=0.3)
        assert 0.25 < time.monotonic() - start < 5
        bump(kb / "emqx" / "entry-1.md", entry_text("entry-1", title="changed"))
        with pytest.raises(IndexBusy):
            open_index([kb], wait=0.2)


# -- processes ---------------------------------------------------------------------------------

CHILD = """
import sys, time
from indexer import open_index
kb, mode = sys.argv[1], sys.argv[2]
t = time.monotonic()
idx = open_index([kb], rebuild=(mode == "rebuild"), wait=120)
print(idx.doc_count, idx.rebuilt, round(time.monotonic() - t, 2), flush=True)
"""


def _child(kb: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(kb), mode],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def big_kb(tmp_path: Path) -> Path:
    # big enough for the parallel build path and for a rebuild that takes a while
    root = tmp_path / "big"
    generate(root, 600, zh_ratio=0.5, seed=3)
    return root


def test_two_concurrent_indexers(big_kb):
    procs = [_child(big_kb, "rebuild"), _child(big_kb, "rebuild")]
    outs = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.split()[0] == "600"
    with open_index([big_kb]) as idx:
        assert not idx.rebuilt and idx.doc_count == 600
        assert idx.search("syn emqx")  # answers


def _child_halting_at(kb: Path, mode: str, step: str, tmp_path: Path) -> subprocess.Popen:
    """A child indexer that stops at `step` (indexer.store.halt_point) and waits to be killed."""
    marker = tmp_path / f"halted-{step}"
    env = {**os.environ, "KBTUI_TEST_HALT_AT": step, "KBTUI_TEST_HALT_FILE": str(marker)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(kb), mode],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the child ended before {step}: {proc.communicate()}")
        assert time.monotonic() < deadline, f"the child never reached {step}"
        time.sleep(0.02)
    assert marker.read_text(encoding="utf-8") == step
    return proc


# every step of a rebuild at which a kill -9 can land, and whether the new generation is live
REBUILD_STEPS = [
    ("tmp-created", False),
    ("written", False),
    ("manifest-written", False),
    ("renamed", False),
    ("pointer-written", False),
    ("published", True),
]


@pytest.mark.parametrize(("step", "swapped"), REBUILD_STEPS)
def test_kill_9_at_each_step_of_a_rebuild(big_kb, tmp_path, step, swapped):
    with open_index([big_kb]) as idx:
        before = idx.path
        expected = [h.id for h in idx.search("bridge drops messages")]
    assert len(expected) >= 1
    root = store_dir([big_kb])
    proc = _child_halting_at(big_kb, "rebuild", step, tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # the pointer names a complete generation (the old one, or the new one once swapped), which
    # answers at once: nothing is rebuilt or reparsed
    with open_index([big_kb], wait=30) as idx:
        assert (idx.path != before) is swapped
        assert not idx.rebuilt and idx.reparsed == []
        assert idx.doc_count == 600
        assert [h.id for h in idx.search("bridge drops messages")] == expected
    # what the killed rebuild left behind is gone after the next open that takes the lock
    with open_index([big_kb], rebuild=True) as idx:
        assert idx.doc_count == 600
    left = sorted(p.name for p in root.iterdir() if p.name.startswith(("tmp-", "CURRENT.")))
    assert left == []


@pytest.mark.parametrize("step", ["update-written", "update-committed"])
def test_kill_9_during_incremental_update_converges(big_kb, tmp_path, capsys, step):
    """An update writes into the live generation, so a kill leaves files Whoosh did not commit
    (or a commit the manifest does not know): the next open sees it, says so, and rebuilds."""
    open_index([big_kb]).close()
    files = [
        f
        for f in sorted(big_kb.glob("emqx/*.md"))
        if not f.name.endswith(".zh.md") and "## Cause" in f.read_text(encoding="utf-8")
    ][:30]
    assert len(files) == 30
    for f in files:
        bump(f, f.read_text(encoding="utf-8").replace("## Cause", "## Cause\nflibbertigibbet\n", 1))
    proc = _child_halting_at(big_kb, "update", step, tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with open_index([big_kb], wait=30) as idx:
        assert idx.rebuilt and len(idx.reparsed) == 600
        assert "the search index was damaged" in capsys.readouterr().err
        assert idx.doc_count == 600
        assert len(idx.search("flibbertigibbet", limit=100)) == len(files)


def test_new_subfolder_and_rename_are_noticed(kb):
    open_index([kb]).close()
    (kb / "docker" / "deep").mkdir(parents=True)
    (kb / "docker" / "deep" / "entry-deep.md").write_text(
        entry_text("entry-deep", title="Deep guava")
    )
    with open_index([kb]) as idx:
        assert idx.reparsed == ["entry-deep"] and found(idx, "guava") == ["entry-deep"]
    # an editor's atomic save: write aside, rename over the original
    tmp = kb / "emqx" / ".entry-3.md.swp"
    tmp.write_text(entry_text("entry-3", title="Entry about kumquat"), encoding="utf-8")
    os.replace(tmp, kb / "emqx" / "entry-3.md")
    with open_index([kb]) as idx:
        assert idx.reparsed == ["entry-3"] and found(idx, "kumquat") == ["entry-3"]
    (kb / "emqx" / "entry-3.md").rename(kb / "docker" / "entry-3.md")
    with open_index([kb]) as idx:
        assert idx.reparsed == ["entry-3"]
        assert idx.search("kumquat")[0].path.endswith("docker/entry-3.md")


def test_a_later_source_overrides_and_the_index_follows(tmp_path):
    base = make_small_kb(tmp_path / "base", 3)
    user = tmp_path / "user"
    (user / "x").mkdir(parents=True)
    with open_index([base, user]) as idx:
        assert found(idx, "blueberry") == ["entry-1"]
    (user / "x" / "entry-1.md").write_text(entry_text("entry-1", title="Overridden about lychee"))
    with open_index([base, user]) as idx:
        assert idx.reparsed == ["entry-1"]
        assert found(idx, "lychee") == ["entry-1"] and found(idx, "blueberry") == []
    (user / "x" / "entry-1.md").unlink()
    with open_index([base, user]) as idx:
        assert found(idx, "blueberry") == ["entry-1"]


def test_deleted_documents_past_a_share_trigger_a_rebuild(tmp_path):
    """Whoosh keeps a replaced entry's old document (marked deleted) and still counts it in
    document frequencies; past STALE_SHARE of them (at least STALE_MIN) an update rebuilds, so the
    ranking stays close to that of a fresh index. (Whoosh's own merges may purge some earlier.)"""
    import shutil

    from whoosh.filedb.filestore import FileStorage

    from indexer.store import STALE_MIN, STALE_SHARE

    kb_dir = tmp_path / "kb"
    shutil.copytree(REPO / "kb" / "entries", kb_dir)
    store = Store(store_dir([kb_dir.resolve()]))

    def deleted() -> int:
        gen = store.current()
        assert gen is not None
        ix = FileStorage(str(gen)).open_index()
        try:
            return int(ix.doc_count_all() - ix.doc_count())
        finally:
            ix.close()

    with open_index([kb_dir]) as idx:
        assert idx.rebuilt
        total = idx.doc_count
    limit = max(STALE_MIN, STALE_SHARE * total)
    files = sorted(p for p in kb_dir.rglob("*.md") if not p.name.endswith(".zh.md"))
    kinds = []
    for path in files[: int(limit) + 3]:
        bump(path, path.read_text(encoding="utf-8") + "\n")
        with open_index([kb_dir]) as idx:
            kinds.append("rebuilt" if idx.rebuilt else "updated")
            assert deleted() <= limit
            assert idx.doc_count == total
    assert kinds.count("updated") >= STALE_MIN and "rebuilt" in kinds, kinds


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_changed_files_is_the_same_with_several_stat_threads(tmp_path, monkeypatch, threads):
    """The freshness check of a large KB stats its files in threads: the same files, in the same
    order, are found changed or gone whatever the number of threads, and a malformed state is
    still None."""
    import indexer.store as store_mod

    files = []
    for i in range(11):
        p = tmp_path / f"e{i:02}.md"
        p.write_text("x" * i, "utf-8")
        files.append(p)
    stats = [os.stat(p) for p in files]
    state = {  # as the store records it: paths, then mtimes and sizes as int64 arrays
        "paths": [str(p) for p in files],
        "mtimes": array("q", [s.st_mtime_ns for s in stats]).tobytes(),
        "sizes": array("q", [s.st_size for s in stats]).tobytes(),
    }
    monkeypatch.setattr(store_mod, "PARALLEL_STAT_MIN", 1)
    monkeypatch.setattr(store_mod, "STAT_THREADS", threads)
    monkeypatch.setattr(store_mod.os, "cpu_count", lambda: 4)
    assert store_mod.changed_files(state) == []
    files[2].write_text("changed", "utf-8")
    files[9].unlink()
    os.utime(files[5], ns=(1, 1))
    assert store_mod.changed_files(state) == [str(files[2]), str(files[5]), str(files[9])]
    assert store_mod.changed_files({**state, "paths": [*state["paths"][:-1], None]}) is None
    assert store_mod.changed_files({**state, "paths": state["paths"][:-1]}) is None

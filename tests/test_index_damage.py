"""A damaged search index repairs itself with a one-line notice (garbage CURRENT, damaged posting,
stored-field or length files), and what killed rebuilds leave behind is removed on the next open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import open_index
from indexer.store import CURRENT, Store, store_dir
from tests.helpers import entry_text

WORDS = ["apricot", "blueberry", "cranberry", "durian", "elderflower", "feijoa"]


@pytest.fixture
def kb(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("KBTUI_HOME", str(tmp_path / "home"))
    root = tmp_path / "kb"
    for i, word in enumerate(WORDS):
        p = root / "emqx" / f"entry-{i}.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        text = entry_text(
            f"entry-{i}", title=f"Entry about {word}", body=f"{word} {word}\n" * (i + 1)
        )
        p.write_text(text, encoding="utf-8")
    return root


def _ranking(idx) -> list[list[str]]:
    return [[h.id for h in idx.search(w)] for w in WORDS]


def _damage(gen: Path, suffix: str, keep_times: bool = False) -> None:
    [f] = [f for f in gen.iterdir() if f.name.endswith(suffix)]
    st = f.stat()
    data = bytearray(f.read_bytes())
    for i in range(0, len(data), 7):  # in place, same size
        data[i] ^= 0x5A
    f.write_bytes(bytes(data))
    if keep_times:  # a damaged disk block does not move the mtime
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.parametrize(
    "what",
    ["garbage CURRENT", ".pst", "_stored.col", "_text_len.col", "truncated .trm"],
)
def test_damaged_index_rebuilds_itself_with_a_notice(kb, what, capfd):
    with open_index([kb]) as idx:
        before = _ranking(idx)
    store = Store(store_dir([kb]))
    gen = store.current()
    assert gen is not None
    if what == "garbage CURRENT":
        (store.root / CURRENT).write_bytes(b"\xff\xfe\x00garbage\x80\n")
    elif what == "truncated .trm":
        [f] = [f for f in gen.iterdir() if f.name.endswith(".trm")]
        with open(f, "r+b") as fh:
            fh.truncate(f.stat().st_size // 2)
    else:
        _damage(gen, what)
    capfd.readouterr()
    with open_index([kb]) as idx:
        assert idx.rebuilt
        assert _ranking(idx) == before  # the same answers, the same order
    err = capfd.readouterr().err
    notices = [line for line in err.splitlines() if line.startswith("kb: notice: ")]
    assert len(notices) == 1 and "damaged" in notices[0], err
    with open_index([kb]) as idx:  # repaired for good: no notice, no rebuild
        assert not idx.rebuilt
    assert "notice" not in capfd.readouterr().err


def test_damage_found_only_while_reading_is_repaired_and_the_query_answered(kb, capfd):
    with open_index([kb]) as idx:
        before = _ranking(idx)
    gen = Store(store_dir([kb])).current()
    idx = open_index([kb])  # opened before the damage, like a TUI left running
    _damage(gen, ".pst", keep_times=True)
    _damage(gen, "_stored.col", keep_times=True)
    capfd.readouterr()
    try:
        assert _ranking(idx) == before
        assert idx.rebuilt
    finally:
        idx.close()
    notices = [ln for ln in capfd.readouterr().err.splitlines() if ln.startswith("kb: notice:")]
    assert len(notices) == 1


def test_leftover_tmp_folders_of_killed_rebuilds_are_removed_on_open(kb):
    open_index([kb]).close()
    root = store_dir([kb])
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    for i in range(21):
        d = root / f"tmp-{pid}-{i:08x}"
        d.mkdir()
        (d / "MAIN_x.pst").write_bytes(b"x" * 100)
    (root / f"{CURRENT}.{pid}.tmp").write_text("gen-1\n")
    alive = root / f"tmp-{os.getppid()}-cafebabe"  # a rebuild in progress elsewhere: kept
    alive.mkdir()
    with open_index([kb]) as idx:
        assert not idx.rebuilt
    left = sorted(p.name for p in root.iterdir() if p.name.startswith(("tmp-", f"{CURRENT}.")))
    assert left == [alive.name]

"""The real broker logs kept as fixtures stay complete and keep saying what their index claims."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "real-logs"
INDEX: dict[str, dict[str, object]] = json.loads((FIXTURES / "index.json").read_text())


def test_index_lists_every_log_file_and_nothing_else() -> None:
    on_disk = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.glob("*/*.log")}
    assert on_disk == set(INDEX)
    for rel, meta in INDEX.items():
        assert rel.split("/", 1)[0] == meta["product"], rel


@pytest.mark.parametrize("rel", sorted(INDEX))
def test_each_key_line_is_in_its_log(rel: str) -> None:
    lines = (FIXTURES / rel).read_text().splitlines()
    keys = INDEX[rel]["key"]
    assert isinstance(keys, list) and keys
    for key in keys:
        rx = re.compile(str(key))
        assert any(rx.search(line) for line in lines), f"{rel}: no line matches {key!r}"
    assert not any("\x1b" in line for line in lines), f"{rel}: ANSI escapes left in"


def test_healthy_logs_show_no_error() -> None:
    for rel, meta in INDEX.items():
        if meta["incident"] is None:
            text = (FIXTURES / rel).read_text()
            assert not re.search(r"\[error\]|Error|alarm set|denied", text), rel

"""Shared fixtures. Every test runs with KBTUI_HOME in a temp folder, so no test touches the user's
config or cache, and with no KB_PATH/locale leaking in from the environment."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("kbtui-home")
    monkeypatch.setenv("KBTUI_HOME", str(home))
    monkeypatch.delenv("KB_PATH", raising=False)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[..., Path]:
    """make_kb({"emqx/some-id.md": "---\\n...\\n---\\nbody"}) -> folder with those files."""

    def make(files: dict[str, str], name: str = "kb") -> Path:
        root = tmp_path / name
        for rel, text in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        root.mkdir(parents=True, exist_ok=True)
        return root

    return make

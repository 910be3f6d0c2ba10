"""Packaging: every Python package is listed in pyproject (the list is by hand because of the
assets mapping), the bundled KB and assets ship in the wheel, and both console scripts exist."""

from __future__ import annotations

import sys
import zipfile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from tests.helpers import REPO


def test_every_package_is_listed():
    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = set()
    for top in ("kb", "indexer", "tui"):
        for init in (REPO / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(REPO).parts))
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "kbtui_assets" in listed


def test_wheel_carries_entries_assets_and_scripts(tmp_path):
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("kbtui-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("kb/entries/emqx/") and n.endswith(".zh.md") for n in names)
    assert "kbtui_assets/schema/entry.schema.json" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "kb = kb.cli.main:main" in text and "kbtui = tui.app:main" in text

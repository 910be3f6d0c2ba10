"""The README's install command, alone, gives a working `kb export site` (search index included).

A fresh virtual environment gets exactly `pip install .` (from a clean copy of the tracked files),
then exports the bundled knowledge base. pip resolves from the machine's configured indexes and
wheel cache, so this takes a minute, not a download of the world.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.live, pytest.mark.slow]


@pytest.mark.timeout(900)
def test_readme_install_exports_the_site(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # the set-up line users copy: a venv, then `pip install .` and nothing else
    m = re.search(r"python3 -m venv \.venv && \.venv/bin/pip install (\S+) &&", readme)
    assert m and m.group(1) == ".", "README's install command changed: update this test"

    src = tmp_path / "src"
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        rel = name.decode()
        if not (ROOT / rel).is_file():
            continue  # deleted in the work tree
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, src / rel)

    venv = tmp_path / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", "."],
        cwd=src,
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]

    out = tmp_path / "public"
    run = subprocess.run(
        [str(venv / "bin" / "kb"), "export", "site", str(out), "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "internal error" not in run.stderr
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert (out / "signatures.js").is_file()
    assert (out / "entries" / "rabbitmq-enotconn-lb-tcp-health-check.html").is_file()
    assert '"search_records": ' in run.stdout and '"search_records": 0' not in run.stdout

"""A search does not build Whoosh's English word-variation tables (indexer.lazy), and Whoosh's
Variations query still works when something does use them."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import REPO, entry_text

CHILD = """
import sys
from indexer import search
assert search([sys.argv[1]], "apricot")
m = sys.modules["whoosh.lang.morph_en"]
assert getattr(m, "__file__", None) is None, m  # the stand-in: the tables were never built
from whoosh.lang.morph_en import variations
assert "rendered" in variations("render")
assert getattr(sys.modules["whoosh.lang.morph_en"], "__file__", None), "the real module"
print("ok")
"""


def test_search_leaves_word_variations_unbuilt_until_used(tmp_path):
    root = tmp_path / "kb"
    (root / "emqx").mkdir(parents=True)
    (root / "emqx" / "entry-a.md").write_text(
        entry_text("entry-a", title="About apricot"), encoding="utf-8"
    )
    env = {"KBTUI_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr

"""The core never imports the UI, and `kb search` stays light (STYLE.md 1-2)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from tests.helpers import REPO

PROBE = r"""
import json, sys
from kb.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stderr.write("\n@@MODULES@@" + json.dumps(sorted(sys.modules)) + "\n")
"""


def modules_after(*argv: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    marker = out.stderr.rsplit("@@MODULES@@", 1)
    assert len(marker) == 2, out.stderr
    return set(json.loads(marker[1]))


def test_kb_search_loads_no_textual_docker_or_markdown_rendering():
    mods = modules_after("search", "monotonic time")
    assert "whoosh" in mods  # the probe really searched
    for banned in (
        "textual",
        "docker",
        "markdown_it",
        "rich.markdown",
        "paho",
        "pika",
        "jinja2",
        "tui",
    ):
        assert not any(m == banned or m.startswith(banned + ".") for m in mods), banned


def test_kb_help_and_lint_load_no_search_engine_or_ui():
    for argv in (("--help",), ("lint", "docs/examples")):
        mods = modules_after(*argv)
        for banned in ("textual", "whoosh", "docker", "rich", "tui"):
            assert not any(m == banned or m.startswith(banned + ".") for m in mods), (argv, banned)


def test_no_module_in_kb_or_indexer_imports_textual_or_tui():
    offenders = []
    for package in ("kb", "indexer"):
        for path in (REPO / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for n in names:
                    if n.split(".")[0] in ("textual", "tui"):
                        offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {n}")
    assert offenders == []


def test_only_indexer_imports_whoosh():
    offenders = []
    for path in [*(REPO / "kb").rglob("*.py"), *(REPO / "tui").rglob("*.py")]:
        rel = path.relative_to(REPO)
        text = path.read_text(encoding="utf-8")
        if "import whoosh" in text or "from whoosh" in text:
            offenders.append(str(rel))
    assert offenders == []


def test_chinese_words_are_read_only_when_chinese_is_shown():
    """kb.zh (some 900 strings) costs an English command nothing: not loaded for English."""
    for argv in (("search", "monotonic time"), ("--help",), ("lint", "docs/examples")):
        assert "kb.zh" not in modules_after("--lang", "en", *argv), argv
    assert "kb.zh" in modules_after("--lang", "zh", "search", "monotonic time")

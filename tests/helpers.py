"""Plain helpers for tests (not fixtures): entry text builders and running the real CLI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def entry_text(
    id: str = "sample-entry",
    *,
    extra: str = "",
    kind: str = "incident",
    title: str = "A sample entry",
    body: str = "## Symptoms\nSomething breaks.\n",
) -> str:
    """A valid entry file; `extra` is appended to the front-matter (YAML at column 0)."""
    fm = (
        f"id: {id}\nkind: {kind}\ntitle: {title}\nsummary: One line about it.\n"
        "products: [emqx]\nupdated: 2026-11-21\nsymptoms: [it breaks]\n"
    )
    return f"---\n{fm}{extra}---\n{body}"


def run_kb(
    *args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60
):
    """Run the real `kb` CLI in a subprocess (the way users do)."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kb.cli.main", *args],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=REPO,
    )

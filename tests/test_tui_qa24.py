"""Pilot tests for the TUI findings of QA pass 24 (L17-L19), one or more per finding.

The real loader, indexer and `kb lint`; KBs written by the test (`make_kb`) or the fixture KB
(tests/fixtures/tui_kb). An unreachable Docker daemon is a socket path that does not exist, so the
shared daemon is never touched.
"""

from __future__ import annotations

import json

from helpers import run_kb
from textual.widgets import OptionList
from tui_support import (
    loaded,
    make_app,
    pilot_test,
    screen_text,
    wait_for,
)

from tui.app import KbApp
from tui.screens.problems import ProblemsScreen
from tui.services import Services

SIZE = (80, 24)


# --- L17: F6 leaves out kb lint's signature warnings ----------------------------------------------
# QA's /tmp/qa24/sigkb/weird-sigs.md, cut to the signatures lint warns about: `\C` has no
# JavaScript or Go form, `(?s).` can match the json-file branch's quote; plus one broken file
WEIRD_SIGS = """
    ---
    id: weird-sigs
    kind: incident
    title: "Weird signatures"
    summary: "Tests signature translation."
    products: [mosquitto]
    updated: 2026-11-21
    symptoms: [weird]
    signatures:
      - 'path /var/log/x failed'
      - '(?s)multi.line'
      - 'x{2,3}y \\C'
    ---
    ## Symptoms
    x
    """
BROKEN = "---\nid: tab-one\nkind: incident\n\ttitle: x\n---\nbody\n"


def lint_problems(kb) -> list[tuple[str, int, str]]:
    """What `kb lint --json` reports for the folder `kb`: (path, line, message), in its order."""
    done = run_kb("--kb", str(kb), "lint", "--json", str(kb))
    assert done.returncode == 1, done.stderr  # the broken file is an error
    return [(p["path"], p["line"], p["message"]) for p in json.loads(done.stdout)["problems"]]


def shown(screen: ProblemsScreen) -> list[tuple[str, int, str]]:
    return [(str(p.path), p.line, p.message) for p in screen.problems]


async def open_problems(pilot, count: int) -> ProblemsScreen:
    """F6, and wait until it lists `count` problems (it may add the signature warnings itself)."""
    app = pilot.app
    await pilot.press("f6")
    screen = await wait_for(
        pilot, lambda: isinstance(app.screen, ProblemsScreen) and app.screen, what="problems"
    )
    await wait_for(
        pilot,
        lambda: f"{count} problems — Enter copies file:line" in screen_text(app),
        what=f"{count} problems",
    )
    return screen


@pilot_test
async def test_l17_problems_and_their_count_are_what_kb_lint_reports(make_kb):
    kb = make_kb({"sig/weird-sigs.md": WEIRD_SIGS, "bad/tab-one.md": BROKEN})
    expected = lint_problems(kb)
    messages = " ".join(m for *_, m in expected)
    assert "has no exact JavaScript form" in messages and "has no Go equivalent" in messages
    assert "json-file branch" in messages and len(expected) == 4
    app = make_app(kb=kb)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        # the app adds the warnings after loading; the status line then counts them
        await wait_for(
            pilot, lambda: "4 problems (F6)" in screen_text(app), what="kb lint's count (4)"
        )
        screen = await open_problems(pilot, 4)
        assert shown(screen) == expected
        rows = screen.query_one(OptionList)
        assert rows.get_option_at_index(rows.highlighted or 0).prompt.plain.startswith(
            expected[0][0]
        )
        assert "has no exact JavaScript" in screen_text(app)


@pilot_test
async def test_l17_problems_opened_before_the_warnings_are_in_adds_them(make_kb):
    """A KB loaded before the app starts (no load worker): F6 adds the warnings itself, then the
    home status line counts them too."""
    kb = make_kb({"sig/weird-sigs.md": WEIRD_SIGS, "bad/tab-one.md": BROKEN})
    expected = lint_problems(kb)
    services = Services([kb], bundled=False)
    services.load()
    assert not services.problems_complete and len(services.problems()) == 1
    app = KbApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_problems(pilot, len(expected))
        assert shown(screen) == expected
        await pilot.press("escape")
        await wait_for(pilot, lambda: "4 problems (F6)" in screen_text(app), what="the count")

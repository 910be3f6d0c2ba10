"""Pilot tests for the TUI defects of QA pass 32 (an on-call walk at 80x24 and 200x50, English
and 中文), one or more per defect; each fails on the code before its fix.

The real loader, engine and services on KBs written by the test; no Docker daemon is touched."""

from __future__ import annotations

from textual.widgets import OptionList
from tui_support import loaded, make_app, pilot_test, screen_text, show_entry, wait_for

from tui.screens.choice import ChoiceScreen

SIZE = (80, 24)

FIXES = """
    ---
    id: qa32-fixes
    kind: incident
    title: Two fixes, several commands each
    summary: The broker stopped.
    products: [emqx]
    updated: 2026-12-05
    symptoms: [broker stopped]
    ---
    ## Fix
    ```sh
    docker ps -a --filter name=emqx --format '{{.Names}} {{.Status}}'
    docker inspect -f 'restarts={{.RestartCount}}' emqx
    ```

    ```yaml
    services:
      emqx:
        environment:
          ERL_FLAGS: "+c false"
        restart: unless-stopped
    ```
    """


@pilot_test
async def test_the_copy_fix_list_shows_each_command_on_its_own_line(make_kb):
    """`f` listed each code block joined on one line: `docker ps … '{{.Names}} {{.Status}}'
    docker inspect …` read as one command, and a YAML snippet lost its indentation."""
    app = make_app(kb=make_kb({"emqx/qa32-fixes.md": FIXES}))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await show_entry(pilot, "qa32-fixes")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="the list")
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0].split("\n") == [
            "docker ps -a --filter name=emqx --format '{{.Names}} {{.Status}}'",
            "docker inspect -f 'restarts={{.RestartCount}}' emqx",
        ]
        assert labels[1].split("\n") == [
            "services:",
            "  emqx:",
            "    environment:",
            '      ERL_FLAGS: "+c false"',
            "… 1 more line",
        ]
        assert "─" * 20 in screen_text(app)  # the two items apart
        await pilot.press("down", "enter")  # the second item: copied whole
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceScreen), what="copied")
        assert app.clipboard.endswith("restart: unless-stopped")

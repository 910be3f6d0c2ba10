"""Pilot tests for the TUI defects of an exploratory QA pass (kbtui's Textual app), one or more
per defect; each fails on the code before its fix.

The real loader, engine and services on the fixture KB (tests/fixtures/tui_kb) or KBs written by
the test; no Docker daemon is touched."""

from __future__ import annotations

import threading

from textual import events
from tui_support import loaded, make_app, pilot_test, type_text, wait_for

from tui.screens.entry import EntryScreen
from tui.screens.home import HomeScreen
from tui.widgets.result_list import ResultList
from tui.widgets.search_input import SearchInput

SIZE = (80, 24)


def slow_search(app, gate: threading.Event) -> None:
    """Searches wait for `gate`: Enter can come before the query's results are shown."""
    search = app.services.search

    def slow(*args, **kwargs):
        gate.wait(10)
        return search(*args, **kwargs)

    app.services.search = slow


async def home_screen(pilot) -> HomeScreen:
    app = pilot.app
    return await wait_for(
        pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen, what="home"
    )


# --- 1: Enter right after typing or pasting opened the previous query's highlighted entry -------
@pilot_test
async def test_1_enter_before_the_results_opens_this_querys_first_result():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        home = await home_screen(pilot)
        await type_text(pilot, "refused")
        await wait_for(pilot, lambda: home.last_query == "refused", what="the results")
        await pilot.press("enter")
        entry = await wait_for(
            pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="an entry"
        )
        first = entry.entry.id
        assert first == "tui-probe-listener"
        await pilot.press("escape")
        await home_screen(pilot)
        await pilot.press("slash")
        await pilot.press("escape")  # clears the box: the home view keeps that entry highlighted
        await wait_for(pilot, lambda: home.showing_home and home.results_current(), what="home")
        assert home.query_one(ResultList).highlighted_id() == first
        gate = threading.Event()
        slow_search(app, gate)
        home.query_one(SearchInput).post_message(events.Paste("markup in an entry"))
        await pilot.press("enter")  # at once: the results of "markup …" are not in yet
        await pilot.pause(0.2)
        assert not isinstance(app.screen, EntryScreen), app.screen.entry.id
        gate.set()
        entry = await wait_for(
            pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="an entry"
        )
        assert entry.entry.id == "tui-evil-faq" == home.last_hits[0].id
        await pilot.pause(0.1)  # the entry screen mounted (its Header) before the app stops


@pilot_test
async def test_1_enter_on_the_results_list_while_typing_waits_for_the_new_results():
    """Keys typed with the results focused go to the box; Enter in the list then must not open
    what it highlighted for the query before those keys."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        home = await home_screen(pilot)
        await type_text(pilot, "broker")
        await wait_for(pilot, lambda: home.last_query == "broker", what="the results")
        await pilot.press("down", "end")
        results = home.query_one(ResultList)
        old = results.highlighted_id()
        assert results.has_focus and old == home.last_hits[-1].id != home.last_hits[0].id
        gate = threading.Event()
        slow_search(app, gate)
        await type_text(pilot, " markup")  # into the box
        results.focus()
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, EntryScreen), app.screen.entry.id
        gate.set()
        entry = await wait_for(
            pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="an entry"
        )
        assert home.last_query == "broker markup"
        assert entry.entry.id == home.last_hits[0].id != old
        await pilot.pause(0.1)  # the entry screen mounted (its Header) before the app stops

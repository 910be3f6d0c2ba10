"""Pilot tests for the TUI defects of an exploratory QA pass (kbtui's Textual app), one or more
per defect; each fails on the code before its fix.

The real loader, engine and services on the fixture KB (tests/fixtures/tui_kb) or KBs written by
the test; no Docker daemon is touched."""

from __future__ import annotations

import threading

from textual import events
from textual.widgets import Button
from tui_support import (
    closed_port,
    loaded,
    make_app,
    pilot_test,
    screen_text,
    search,
    show_entry,
    type_text,
    wait_for,
)

from tui.screens.confirm import ConfirmScreen
from tui.screens.entry import EntryScreen
from tui.screens.home import HomeScreen
from tui.screens.paste_log import PasteLogScreen
from tui.screens.targets import TargetForm, TargetsScreen
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
        await search(pilot, "refused")
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
        await search(pilot, "broker")
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


# --- 2: F2, / and a jump down the stack discarded unsaved Targets changes without asking ---------
async def unsaved_host(pilot) -> TargetsScreen:
    """F8, h, lost-host at tcp://10.9.9.9:2375, ctrl+s: in the table, not in the file."""
    app = pilot.app
    await pilot.press("f8")
    targets = await wait_for(
        pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen, what="targets"
    )
    await pilot.press("h")
    await wait_for(pilot, lambda: isinstance(app.screen, TargetForm), what="host form")
    await type_text(pilot, "lost-host")
    await pilot.press("tab")
    await type_text(pilot, "tcp://10.9.9.9:2375")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: app.screen is targets, what="back to targets")
    assert targets.dirty and targets.hosts == [{"name": "lost-host", "url": "tcp://10.9.9.9:2375"}]
    return targets


async def asked(pilot) -> ConfirmScreen:
    app = pilot.app
    dialog = await wait_for(
        pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen, what="the question"
    )
    assert dialog.question == "Discard unsaved changes to the targets?"
    return dialog


@pilot_test
async def test_2_home_and_search_ask_before_discarding_unsaved_targets(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/kbtui-test.sock")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        targets = await unsaved_host(pilot)
        for key in ("f2", "slash"):
            await pilot.press(key)
            await asked(pilot)
            await pilot.press("n")  # no: the host is still there, unsaved
            await wait_for(pilot, lambda: app.screen is targets, what="targets again")
            assert targets.dirty and targets.hosts[0]["name"] == "lost-host"
        await pilot.press("slash")
        await asked(pilot)
        await pilot.press("y")
        home = await home_screen(pilot)
        await wait_for(pilot, lambda: home.query_one(SearchInput).has_focus, what="the box")
        assert targets not in app.screen_stack


@pilot_test
async def test_2_jumping_to_a_screen_lower_in_the_stack_asks_too(monkeypatch):
    """The triage list under Targets: ctrl+t goes back to it, over the unsaved Targets."""
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/kbtui-test.sock")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+t")
        triage = await wait_for(pilot, lambda: app.screen is not app.screen_stack[1] and app.screen)
        targets = await unsaved_host(pilot)
        await pilot.press("ctrl+t")
        await asked(pilot)
        await pilot.press("escape")  # Esc is "no"
        await wait_for(pilot, lambda: app.screen is targets, what="targets again")
        assert targets.dirty
        await pilot.press("ctrl+t")
        await asked(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is triage, what="the triage list")


@pilot_test
async def test_2_the_paste_log_text_is_kept_when_jumping_home():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, PasteLogScreen), what="paste log")
        await type_text(pilot, "connection refused")
        await pilot.press("f2")
        await home_screen(pilot)
        await pilot.press("ctrl+g")
        paste = await wait_for(
            pilot, lambda: isinstance(app.screen, PasteLogScreen) and app.screen, what="paste log"
        )
        await wait_for(pilot, lambda: paste.query_one("#log").text == "connection refused")


# --- 3: after a resize the highlighted result could be off screen ------------------------------
def highlight_in_view(results: ResultList) -> bool:
    results._update_lines()
    y = results._index_to_line[results.highlighted]
    bottom = y + results._heights[results.highlighted]
    top = round(results.scroll_y)
    return top <= y and bottom <= top + results.scrollable_content_region.height


@pilot_test
async def test_3_a_resize_keeps_the_highlighted_result_in_view():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        home = await home_screen(pilot)
        await search(pilot, "broker")
        await pilot.press("down", "end")
        results = home.query_one(ResultList)
        assert results.highlighted_id() == home.last_hits[-1].id and highlight_in_view(results)
        assert round(results.scroll_y) == 0  # all of it fits: the list is not scrolled
        await pilot.resize_terminal(80, 16)
        await pilot.pause(0.2)
        assert highlight_in_view(results), (results.scroll_y, results.highlighted)
        title = home.last_hits[-1].title[:30]
        assert title in " ".join(screen_text(app).split())


# --- 4: ctrl+l dropped the result count from the status line ------------------------------------
def status_line(home: HomeScreen) -> str:
    return str(home.query_one("#status").render())


@pilot_test
async def test_4_switching_language_says_the_result_count_in_the_new_language():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        home = await home_screen(pilot)
        await search(pilot, "broker")
        n, total = len(home.last_hits), len(app.services.entries)
        assert n > 1
        assert status_line(home) == f"{n} results · {total} entries"
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: app.lang == "zh", what="Chinese")
        assert status_line(home) == f"{n} 个结果 · {total} 个条目"
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: app.lang == "en", what="English")
        assert status_line(home) == f"{n} results · {total} entries"
        await search(pilot, "zzqqx")  # no match ("brokerzzqqx"): said again in Chinese too
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: app.lang == "zh", what="Chinese")
        assert status_line(home) == f"没有找到；换些词语 · {total} 个条目"


# --- 5: a kb: link to a missing entry was refused as "only http(s) links are opened" ------------
def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pilot_test
async def test_5_a_link_to_a_missing_entry_says_there_is_no_such_entry():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        entry = await show_entry(pilot, "tui-evil-faq")
        for href, entry_id in (
            ("kb:no-such-entry", "no-such-entry"),
            ("gone-entry.md", "gone-entry"),
        ):
            entry.follow_link(href)
            await pilot.pause(0.05)
            assert app.screen is entry
            assert toasts(app)[-1] == f"No entry '{entry_id}' in this knowledge base"
        assert not any("only http(s)" in t for t in toasts(app))
        entry.follow_link("kb:tui-probe-listener")  # one that exists still opens
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, EntryScreen) and app.screen.entry.id == "tui-probe-listener"
            ),
            what="the linked entry",
        )
        await pilot.pause(0.1)  # the entry screen mounted (its Header) before the app stops


# --- 6: "1 matching entries", "1 problems"; the tree's "Open entry: <title> (e)" lost its key ----
@pilot_test
async def test_6_one_matching_entry_and_one_more_line_are_singular():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        log = "\n".join(f"12:00:0{i} Connection refused: tui-probe" for i in range(6))
        app.action_paste_log(log)  # what a multi-line paste into the search box does
        paste = await wait_for(
            pilot,
            lambda: isinstance(app.screen, PasteLogScreen) and app.screen.done and app.screen,
            what="the diagnosis",
        )
        assert [d.id for d in paste.diagnoses] == ["tui-probe-listener"]
        await pilot.pause(0.1)
        text = " ".join(screen_text(app).split())
        assert "1 matching entry — Enter opens it" in text and "… 1 more line" in text
        assert "entries —" not in text and "more lines" not in text


@pilot_test
async def test_6_one_problem_is_singular(make_kb):
    kb = make_kb({"bad/tab-one.md": "---\nid: tab-one\nkind: incident\n\ttitle: x\n---\nbody\n"})
    app = make_app(kb=kb)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: "1 problem (F6)" in screen_text(app), what="1 problem")
        assert "problems" not in screen_text(app)
        await pilot.press("f6")
        await wait_for(
            pilot, lambda: "1 problem — Enter copies file:line" in screen_text(app), what="F6"
        )


@pilot_test
async def test_6_the_open_entry_button_keeps_its_key_at_80_columns():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.open_tree("tree-tui-triage")
        tree = await wait_for(
            pilot, lambda: type(app.screen).__name__ == "TreeScreen" and app.screen, what="tree"
        )
        await pilot.press("2")  # Closed: the conclusion that names tui-probe-listener
        button = await wait_for(
            pilot,
            lambda: [b for b in tree.query(Button) if b.name == "open-entry"],
            what="the open-entry button",
        )
        await pilot.pause(0.2)
        label = str(button[0].label)
        assert label.startswith("Open entry: Broker clients") and label.endswith("…  (e)"), label
        line = next(ln for ln in screen_text(app).split("\n") if "Open entry:" in ln)
        assert line.rstrip().endswith("…  (e)"), line
        await pilot.resize_terminal(160, 24)  # wide enough: the whole title
        await pilot.pause(0.2)
        label = str(button[0].label)
        assert label == "Open entry: " + app.services.get("tui-probe-listener").title + "  (e)"


# --- 7: at 80x24 the option a check suggests could be focused below the fold --------------------
OPTIONS = "\n".join(
    f'        - {{label: "Answer number {i}, a long option label", goto: end}}' for i in range(1, 7)
)
TREE_KB = {
    "probe/qa26-tree.md": f"""
---
id: qa26-tree
kind: incident
title: A tree whose check suggests the last of many options
summary: Used by the qa26 tests.
products: [mosquitto]
updated: 2026-12-01
symptoms: [refused]
checks:
  - id: port-open
    kind: net.tcp
    title: The broker port accepts TCP connections
    params: {{host: 127.0.0.1, port: PORT}}
    timeout: 2
tree:
  start: q
  nodes:
    q:
      question: >-
        Does the broker port accept TCP connections? This question is long on purpose, so that
        it takes several lines of an 80-column terminal and pushes the options down the screen,
        below the check's panel with its evidence.
      check: port-open
      options:
{OPTIONS}
        - {{label: "No, connections are refused", when: [fail, error], goto: end}}
    end:
      conclusion: Done.
---
## Symptoms
x
"""
}


@pilot_test
async def test_7_the_suggested_option_is_focused_in_view(make_kb):
    files = {k: v.replace("PORT", str(closed_port())) for k, v in TREE_KB.items()}
    app = make_app(kb=make_kb(files))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.open_tree("qa26-tree")
        tree = await wait_for(
            pilot, lambda: type(app.screen).__name__ == "TreeScreen" and app.screen, what="tree"
        )
        await wait_for(pilot, lambda: tree.suggested == 6, what="the check's suggestion")

        def in_view() -> bool:
            focused = app.focused
            if not (isinstance(focused, Button) and focused.name == "opt-6"):
                return False
            visible = tree.query_one("#tree-scroll").region
            region = focused.region
            return bool(region.height) and visible.y <= region.y and region.bottom <= visible.bottom

        # scrolled after layout (two refreshes): wait for it, however loaded the machine, then
        # check it stays there
        await wait_for(pilot, in_view, what="the suggested option focused and in view")
        for step in range(3):
            await pilot.pause(0.3)
            assert in_view(), (step, app.focused)
            assert "No, connections are refused" in screen_text(app)
            # away and back: the remembered result suggests the option again, at once
            await pilot.press("1") if step % 2 else await pilot.press("r")
            await pilot.pause(0.1)
            if step % 2:
                await pilot.press("b")

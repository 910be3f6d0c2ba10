"""Pilot tests for the TUI defects of QA pass 32 (an on-call walk at 80x24 and 200x50, English
and 中文), one or more per defect; each fails on the code before its fix.

The real loader, engine and services on KBs written by the test; no Docker daemon is touched."""

from __future__ import annotations

from textual import events
from textual.widgets import OptionList
from tui_support import loaded, make_app, pilot_test, screen_text, search, show_entry, wait_for

from tui.screens.choice import ChoiceScreen
from tui.screens.entry import EntryScreen
from tui.screens.paste_log import PasteLogScreen
from tui.widgets.result_list import ResultList

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


def flapping(n: int) -> str:
    return f"""
    ---
    id: qa32-flap-{n}
    kind: incident
    title: Listener {n} flapping
    summary: Listener {n} goes up and down.
    products: [emqx]
    updated: 2026-12-05
    symptoms: [listener flapping]
    signatures: ["qa32 listener flapping"]
    ---
    ## Symptoms
    The listener is flapping{" and flapping" * n}.
    """


async def keys_at_once(pilot, *keys: str) -> None:
    """The keys queued together, as a fast typist or key repeat sends them (Pilot's `press`
    waits for the app to settle after each key, and then nothing is ever lost)."""
    from textual.keys import _character_to_key

    app = pilot.app
    for key in keys:
        if len(key) == 1:  # a character, as Pilot's press names it
            event = events.Key(key if key.isalnum() else _character_to_key(key), key)
        else:
            event = events.Key(key, {"enter": "\r", "tab": "\t"}.get(key))
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause(0.3)


@pilot_test
async def test_keys_that_move_focus_do_not_lose_the_keys_behind_them(make_kb):
    """↓↓↓ Enter typed fast in the search box opened the first result: ↓ moved focus into the
    list after the keys already queued, so the next two ↓ went to the box (where ↓ focuses the
    list again). Likewise ctrl+o ↓ Enter in the paste-log screen."""
    kb = make_kb({f"emqx/qa32-flap-{n}.md": flapping(n) for n in (1, 2, 3)})
    app = make_app(kb=kb)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        home = await search(pilot, "flapping")
        results = home.query_one(ResultList)
        ids = [results.get_option_at_index(i).id for i in range(results.option_count)]
        ids = [i for i in ids if i]  # not the "Best match" / "Related" headings
        assert len(ids) == 3, ids
        await keys_at_once(pilot, "down", "down", "down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryScreen), what="an entry")
        assert app.screen.entry.id == ids[2]
        await pilot.press("escape", "escape", "escape")  # the entry, the list, the query
        home = await search(pilot, "flapping")
        await keys_at_once(pilot, "down", "x")  # a letter right after ↓ goes on in the box
        assert home.query_one("#search").value == "flappingx"
        await pilot.press("escape")
        app.action_paste_log("boot\nqa32 listener flapping\n")
        await wait_for(pilot, lambda: isinstance(app.screen, PasteLogScreen), what="paste log")
        screen = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(screen.diagnoses) == 3, what="three diagnoses")
        await keys_at_once(pilot, "ctrl+o", "down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryScreen), what="an entry")
        assert app.screen.entry.id == screen.diagnoses[1].id


def five_checks(port: int) -> str:
    checks = "".join(
        f"""
      - id: port-{n}
        kind: net.tcp
        title: The broker's listener {n} accepts TCP connections on its port
        params: {{host: 127.0.0.1, port: {port}}}
        timeout: 2"""
        for n in range(1, 6)
    )
    return f"""
    ---
    id: qa32-five-checks
    kind: incident
    title: Clients are refused on every listener of the broker at once
    summary: Nothing listens.
    products: [mosquitto]
    updated: 2026-12-05
    symptoms: [refused]
    checks:{checks}
    ---
    ## Fix
    Start the broker.
    """


@pilot_test
async def test_a_check_result_and_what_to_do_next_come_first_in_the_panel(make_kb, monkeypatch):
    """At 80x24, with five checks, the panel showed the check's title, kind, parameters, where
    it runs and its description, then the result: the evidence and "Next:" (what to do) of a
    host.clock failure were below the fold (Tab to the panel, then scroll: said nowhere). Once
    a check has run, its result and what to do next come first, the description after them."""
    from kb.checks.base import CheckResult, Next
    from tui.screens.checks import ChecksScreen

    def clock_failed(entry, spec, **kwargs):
        return CheckResult(
            check=spec.id,
            kind=spec.kind,
            title=spec.title,
            status="fail",
            summary="time sync is not active",
            evidence=[f"evidence line {n}" for n in range(1, 8)],
            next=Next(advice="enable NTP/chrony on the host"),
        )

    app = make_app(kb=make_kb({"mosquitto/qa32-five-checks.md": five_checks(1)}))
    monkeypatch.setattr(app.services, "run_check", clock_failed)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await show_entry(pilot, "qa32-five-checks")
        await pilot.press("c")
        checks = await wait_for(
            pilot, lambda: isinstance(app.screen, ChecksScreen) and app.screen, what="checks"
        )
        before = screen_text(app)
        assert "Not run yet" in before  # before a run: the description, then what to press
        await pilot.press("a")
        await wait_for(pilot, lambda: len(checks.results) == 5 and not checks.busy, what="runs")
        app.clear_notifications()
        await pilot.pause(0.3)
        text = screen_text(app)
        panel = text.split("╭", 1)[1]
        assert "✘ fail   time sync is not active" in panel, text
        assert "Next: enable NTP/chrony on the host" in panel, text
        assert "evidence line 3" in panel, text  # the first lines of the evidence too
        detail = " ".join(str(checks.query_one("#checks-detail").render()).split())
        # the description after the result
        assert detail.index("time sync is not active") < detail.index("net.tcp (host=127.0.0.1")


@pilot_test
async def test_tab_typed_fast_in_the_broker_form_moves_before_the_next_keys(tmp_path, monkeypatch):
    """`local<Tab><Tab>127.0.0.1<Tab>1883` typed fast (or by a password manager) filled the name
    field with `local127.0.0.11883`: Tab moved focus after the keys behind it had gone to the
    old field. Likewise Tab then `t` in Targets tested the table Tab was leaving."""
    from textual.widgets import Input

    from tui.screens.targets import TargetForm, TargetsScreen

    monkeypatch.setenv("KBTUI_HOME", str(tmp_path))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetsScreen), what="targets")
        await pilot.press("b")
        form = await wait_for(
            pilot, lambda: isinstance(app.screen, TargetForm) and app.screen, what="the form"
        )
        await keys_at_once(pilot, *"local", "tab", "tab", *"127.0.0.1", "tab", *"1883")
        assert form.query_one("#f-name", Input).value == "local"
        assert form.query_one("#f-host", Input).value == "127.0.0.1"
        assert form.query_one("#f-mqtt", Input).value == "1883"
        await pilot.press("ctrl+s")
        targets = await wait_for(
            pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen, what="saved"
        )
        targets.set_focus(targets.query_one("#hosts"))
        await pilot.pause(0.1)
        await keys_at_once(pilot, "tab", "t")  # `t` tests the brokers table's row, not hosts'
        await wait_for(pilot, lambda: "local:" in screen_text(app), what="the broker tested")


@pilot_test
async def test_nothing_found_says_what_to_try_as_kb_search_does(make_kb):
    """An empty result said only "No match" (`kb search`: "nothing found; try other words, fewer
    filters, or 'kb list'"); the counts after it stay on the line at 80 columns."""
    app = make_app(kb=make_kb({f"emqx/qa32-flap-{n}.md": flapping(n) for n in (1, 2)}))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await search(pilot, "zzzqqq")
        status = str(app.screen.query_one("#status").render())
        assert status == "Nothing found; try other words · 2 entries", status
        await search(pilot, " product:emqx")
        status = str(app.screen.query_one("#status").render())
        assert status.startswith("Nothing found; try other words or fewer filters"), status
        await pilot.press("ctrl+l")
        await wait_for(
            pilot, lambda: "没有找到；换些词语或少用筛选" in screen_text(app), what="中文"
        )


@pilot_test
async def test_arrows_and_enter_typed_fast_in_the_filters_dialog_choose_in_order(make_kb):
    """`↓ Enter ↓ Enter` typed fast chose the second product and left the kind alone: the
    second ↓ went to the product list, whose Enter had not moved focus yet."""
    from tui.screens.filters import FilterScreen

    app = make_app(kb=make_kb({f"emqx/qa32-flap-{n}.md": flapping(n) for n in (1, 2)}))
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+f")
        dialog = await wait_for(
            pilot, lambda: isinstance(app.screen, FilterScreen) and app.screen, what="filters"
        )
        await keys_at_once(pilot, "down", "enter", "down", "enter")
        assert app.screen is dialog
        assert (dialog.chosen.product, dialog.chosen.kind) == ("emqx", "incident")
        assert dialog.focused is dialog.query_one("#facet-tag")


def test_a_textual_without_the_private_parser_keeps_its_own_driver(monkeypatch):
    """The paste filter swaps the parser of Textual's private `textual._xterm_parser`: a Textual
    that moved it must still start, with its own driver (it failed to import: no app at all)."""
    import sys

    from textual.app import App

    monkeypatch.setitem(sys.modules, "tui.terminal_input", None)  # importing it raises ImportError
    app = make_app()
    assert app.get_driver_class() is App.get_driver_class(app)
    monkeypatch.undo()
    assert app.get_driver_class().__name__ == "PasteSafeLinuxDriver"

"""Pilot tests for issue 13 ("kbtui for on-call"): one test per reported defect (test_dNN_…),
then the usability gaps. The real loader, indexer and check engine; real TCP/HTTP listeners on
127.0.0.1 answer the checks. Docker-backed flows (live doctor, container picker) are in
test_tui_live.py.
"""

from __future__ import annotations

import asyncio
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import yaml
from textual import events
from textual.widgets import DataTable, Input, Select, TextArea
from tui_support import (
    FIXTURE_KB,
    closed_port,
    loaded,
    make_app,
    open_picker,
    pilot_test,
    screen_text,
    search,
    tcp_listener,
    type_text,
    wait_for,
)

from kb import paths
from tui.app import KbApp, main
from tui.i18n import has
from tui.screens.check_settings import CheckSettingsScreen
from tui.screens.checks import ChecksScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.doctor import finding_context
from tui.screens.entry import EntryScreen
from tui.screens.help import HelpScreen, sections
from tui.screens.home import HomeScreen
from tui.screens.paste_log import PasteLogScreen
from tui.screens.problems import ProblemsScreen
from tui.screens.targets import TargetForm, TargetsScreen
from tui.screens.tree import TreeScreen
from tui.services import Services
from tui.widgets.result_list import ResultList
from tui.widgets.search_input import SearchInput

SIZE = (80, 24)
WIDE = (140, 45)

LONG_TITLE = "The broker's MQTT listener port accepts TCP connections from the clients on this host"


def extra_kb(make_kb, *, http_port: int = 1, broken: bool = False):
    """A small KB next to the fixture one: long check titles, a CLI-worded fix, an HTTP check."""
    files = {
        "oncall/tui-oncall-port.md": f"""
            ---
            id: tui-oncall-port
            kind: incident
            title: On-call port entry with long check titles
            summary: Used by the on-call tests.
            products: [emqx]
            tags: [oncall]
            updated: 2026-12-01
            symptoms: [listener port closed]
            checks:
              - id: listener-open
                kind: net.tcp
                title: "{LONG_TITLE}"
                params: {{host: 127.0.0.1, port: 1}}
                timeout: 2
              - id: api-body
                kind: http.get
                title: The API answers
                params: {{url: "http://127.0.0.1:{http_port}/status", contains: "healthy"}}
                timeout: 2
            tree:
              start: q
              nodes:
                q:
                  question: Is the listener open?
                  check: listener-open
                  options:
                    - {{label: "Yes", when: [pass], goto: ok}}
                    - {{label: "No", when: [fail, error], goto: rerun}}
                ok:
                  conclusion: Fine.
                rerun:
                  conclusion: Nothing listens.
                  fix: "Re-run against your container: `kb check tui-oncall-port --set container=NAME`."
            ---
            ## Fix
            ```sh
            systemctl restart emqx
            ```
            """,
    }
    if broken:
        files["oncall/tui-oncall-broken.md"] = """
            ---
            id: tui-oncall-broken
            kind: incident
            title: [unclosed
            ---
            body
            """
    return make_kb(files)


def app_with(*kbs, lang: str = "en") -> KbApp:
    return KbApp(Services([FIXTURE_KB, *kbs], bundled=False), lang=lang)


async def results_focused(pilot, text: str) -> HomeScreen:
    """Home once loaded, with `text` searched and Down pressed: the results list has focus."""
    await loaded(pilot)
    home = await search(pilot, text)
    await pilot.press("down")
    assert isinstance(pilot.app.focused, ResultList)
    return home


async def open_entry(pilot, query: str, entry_id: str) -> EntryScreen:
    await loaded(pilot)
    await search(pilot, query)
    rl = pilot.app.screen.query_one(ResultList)
    rl.highlighted = rl.get_option_index(entry_id)
    await pilot.press("enter")
    return await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, EntryScreen)
            and pilot.app.screen.entry.id == entry_id
            and pilot.app.screen
        ),
        what=f"entry {entry_id}",
    )


async def open_checks(pilot) -> ChecksScreen:
    await pilot.press("c")
    return await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, ChecksScreen) and pilot.app.screen,
        what="checks",
    )


async def set_where(pilot, target: str = "", params: str = "") -> None:
    await pilot.press("p")
    dialog = await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, CheckSettingsScreen) and pilot.app.screen,
        what="where dialog",
    )
    dialog.query_one("#target", Input).value = target
    dialog.query_one("#params", Input).value = params
    await pilot.press("ctrl+s")
    await wait_for(
        pilot, lambda: not isinstance(pilot.app.screen, CheckSettingsScreen), what="applied"
    )


async def run_all(pilot, checks: ChecksScreen) -> None:
    await pilot.press("a")
    await wait_for(
        pilot,
        lambda: not checks.busy and len(checks.results) == len(checks.entry.checks),
        what="checks to finish",
    )


@contextmanager
def http_server(body: str) -> Iterator[int]:
    """A real HTTP server on 127.0.0.1 answering every GET with `body`."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


# --- defects ---------------------------------------------------------------------------------------
@pilot_test
async def test_d01_typing_after_down_adds_to_the_query():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        home = await results_focused(pilot, "refused")
        for key in ("w", "a", "space", "x"):
            await pilot.press(key)
        box = home.query_one(SearchInput)
        assert app.focused is box
        assert box.value == "refusedwa x"  # nothing replaced, the space kept
        await pilot.press("down", "backspace")
        assert box.value == "refusedwa "  # Backspace deletes one character, not the query


@pilot_test
async def test_d01_typing_after_down_keeps_its_order_when_the_results_are_slow(monkeypatch):
    # a key redirected to the box by a handler could be overtaken by the next key, which goes
    # straight to the box once focus has moved ("refusedwax" seen in the tmux test)
    slowed = ResultList._on_key

    async def slow_on_key(self, event):
        if event.key == "space":
            await asyncio.sleep(0.2)
        await slowed(self, event)

    monkeypatch.setattr(ResultList, "_on_key", slow_on_key, raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        home = await results_focused(pilot, "refused")
        for key, char in (("w", "w"), ("a", "a"), ("space", " ")):
            app.post_message(events.Key(key, char))
        await asyncio.sleep(0.05)
        app.post_message(events.Key("x", "x"))
        box = home.query_one(SearchInput)
        await wait_for(pilot, lambda: box.value.endswith("x"), what="the x")
        await asyncio.sleep(0.3)  # a space still on its way would land now
        await pilot.pause()
        assert box.value == "refusedwa x"


@pilot_test
async def test_d02_carriage_return_paste_keeps_the_lines():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        log = "2026-12-01 boot\r2026-12-01 Connection refused: tui-probe\r2026-12-01 done\r"
        app.screen.query_one(SearchInput).post_message(events.Paste(log))
        screen = await wait_for(
            pilot,
            lambda: isinstance(app.screen, PasteLogScreen) and app.screen.done and app.screen,
            what="diagnosis",
        )
        assert screen.query_one("#log", TextArea).document.line_count >= 3
        (d,) = screen.diagnoses
        assert d.id == "tui-probe-listener"
        assert [n for n, _ in d.lines] == [2]  # the matched line is line 2, not line 1
        # a paste straight into the log area keeps its \r lines too
        area = screen.query_one("#log", TextArea)
        area.text = ""
        area.focus()
        area.post_message(events.Paste("a\rb\rc"))
        await wait_for(pilot, lambda: area.text == "a\nb\nc", what="pasted lines")


@pilot_test
async def test_d03_ctrl_q_on_targets_with_unsaved_changes_asks():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("f8")
        targets = await wait_for(
            pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen, what="targets"
        )
        await pilot.press("h")
        form = await wait_for(
            pilot, lambda: isinstance(app.screen, TargetForm) and app.screen, what="form"
        )
        form.query_one("#f-name", Input).value = "lab"
        # a host needs a URL or a context (the checks' parser refuses one without either)
        form.query_one("#f-url", Input).value = "unix:///var/run/docker.sock"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: targets.dirty, what="unsaved change")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="question")
        await pilot.press("n")
        await pilot.pause(0.1)
        assert app.screen is targets and targets.dirty  # still there, nothing lost
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="question")
        await pilot.press("y")
        await wait_for(pilot, lambda: app._exit, what="exit")


@pilot_test
async def test_d04_check_detail_shows_the_parameters_used():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "refused", "tui-probe-listener")
        checks = await open_checks(pilot)
        await set_where(pilot, params="port=18830")
        text = str(checks.query_one("#checks-detail").render())
        assert "port=18830" in text
        assert "port=1)" not in text and "port=1," not in text  # not the entry's default


@pilot_test
async def test_d05_overrides_belong_to_the_entry_and_doctor_context_replaces_them():
    from kb.checks.doctor import Finding

    app = make_app()
    with tcp_listener() as port:
        async with app.run_test(size=SIZE) as pilot:
            await open_entry(pilot, "refused", "tui-probe-listener")
            await set_where(pilot, params=f"port={port}")
            svc = app.services
            assert svc.context("tui-probe-listener").overrides == {"port": port}
            assert svc.context("tree-tui-triage").is_default()  # another entry is untouched
            # the triage tree runs the same check with its own (default) context: port 1 fails
            app.open_tree("tree-tui-triage")
            tree = await wait_for(
                pilot, lambda: isinstance(app.screen, TreeScreen) and app.screen, what="tree"
            )
            await wait_for(pilot, lambda: tree.results, what="tree check")
            assert tree.results["tui-probe-listener#port-open"].status == "fail"
            # a doctor finding for container B replaces the earlier override A of that entry
            svc.set_context(
                "tui-probe-listener",
                finding_context(
                    Finding("tui-probe-listener", "fail", "broker-a", "local", [], "x")
                ),
            )
            finding = Finding("tui-probe-listener", "fail", "broker-b", "local", [], "exited 1")
            app.open_entry("tui-probe-listener", context=finding_context(finding))
            await pilot.pause(0.2)
            assert svc.context("tui-probe-listener").overrides == {"container": "broker-b"}
            checks = await open_checks(pilot)
            assert "container=broker-b" in screen_text(app)
            assert "broker-a" not in screen_text(app)
            assert checks.entry.id == "tui-probe-listener"


@pilot_test
async def test_d06_time_column_stays_visible_at_80_columns(make_kb):
    app = app_with(extra_kb(make_kb))
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "long check titles", "tui-oncall-port")
        checks = await open_checks(pilot)
        await run_all(pilot, checks)
        table = checks.query_one(DataTable)
        await pilot.pause(0.2)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert "Time" in screen_text(app)
        assert "s" in str(table.get_cell("listener-open", "time"))


@pilot_test
async def test_d07_missing_kb_folder_is_refused_and_problems_open_in_the_app(make_kb, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--kb", "/nonexistent-kbtui-folder"])
    assert exit_info.value.code == 2
    assert "/nonexistent-kbtui-folder" in capsys.readouterr().err
    app = app_with(extra_kb(make_kb, broken=True))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "1 problem (F6)" in screen_text(app)  # one broken file
        await pilot.press("f6")
        screen = await wait_for(
            pilot, lambda: isinstance(app.screen, ProblemsScreen) and app.screen, what="problems"
        )
        await wait_for(pilot, lambda: "indentation" in screen_text(app), what="row")
        from textual.widgets import OptionList

        rows = screen.query_one(OptionList)
        assert any(
            "tui-oncall-broken.md:" in rows.get_option_at_index(i).prompt.plain
            for i in range(rows.option_count)
        )
        await pilot.press("enter")
        assert app.clipboard.startswith(str(make_kb({}, name="kb")))
        assert ".md:" in app.clipboard


@pilot_test
async def test_d07_problems_screen_says_kbs_words_in_chinese(make_kb):
    """F6 under zh: the problem's message in Chinese (its YAML reason and path as written)."""
    app = app_with(extra_kb(make_kb, broken=True), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen), what="problems")
        await wait_for(pilot, lambda: "YAML 无效" in screen_text(app), what="row in Chinese")
        from textual.widgets import OptionList

        rows = app.screen.query_one(OptionList)
        row = rows.get_option_at_index(0).prompt.plain
        assert "tui-oncall-broken.md:" in row and "YAML 无效" in row and "invalid YAML" not in row


@pilot_test
async def test_d08_the_whole_app_in_chinese():
    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await wait_for(
            pilot,
            lambda: "个条目" in screen_text(app) and "帮助" in screen_text(app),
            what="status and footer in Chinese",
        )
        text = screen_text(app)
        assert "帮助" in text and "排查树" in text  # footer
        assert "个条目" in text and "筛选" in text  # status and filter lines
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        assert "所有页面" in screen_text(app)
        await pilot.press("escape")
        await open_entry(pilot, "refused", "tui-probe-listener")
        checks = await open_checks(pilot)
        text = screen_text(app)
        assert "状态" in text and "等待" in text  # column header and status words
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: "Status" in screen_text(app), what="English again")
        assert "Help" in screen_text(app)
        assert checks.lang == "en"


def test_d08_every_key_binding_has_a_chinese_translation():
    missing = [
        desc
        for _title, rows in sections(KbApp.BINDINGS)
        for _keys, desc in rows
        if desc and not has(desc)
    ]
    assert not missing, missing


@pilot_test
async def test_d09_inline_filters_are_shown_and_unknown_values_named():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await search(pilot, "kind:tree refused")
        assert "kind:tree" in str(app.screen.query_one("#filters").render())
        app.screen.query_one(SearchInput).value = ""
        await pilot.pause(0.1)
        await search(pilot, "product:nosuch x")
        status = str(app.screen.query_one("#status").render())
        assert "nosuch" in status and "mosquitto" in status


@pilot_test
async def test_d10_where_dialog_fits_80_columns_with_footer_and_example_placeholders():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "refused", "tui-probe-listener")
        await pilot.press("p")
        dialog = await wait_for(
            pilot, lambda: isinstance(app.screen, CheckSettingsScreen) and app.screen, what="dialog"
        )
        await pilot.pause(0.2)
        flat = " ".join(screen_text(app).split())
        assert "Empty: the check's own defaults." in flat  # the whole label, wrapped, not cut
        assert "Apply" in flat and "Cancel" in flat  # a footer with the dialog's keys
        for field in ("#target", "#params"):
            assert dialog.query_one(field, Input).placeholder.startswith("e.g.")


@pilot_test
async def test_where_dialog_refuses_overrides_kb_check_refuses():
    """A typo (`prot=`) or a bad value in the tree's dialog is shown under the field, as kb check
    says it, and not applied: the tree's check is not rerun on its defaults and its suggested
    answer stays the one for where it really ran. A parameter of the check the tree names from
    another entry (net.tcp's `port`) is accepted."""
    app = make_app()
    with tcp_listener() as port:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            app.open_tree("tree-tui-triage")
            tree = await wait_for(
                pilot, lambda: isinstance(app.screen, TreeScreen) and app.screen, what="tree"
            )
            await wait_for(pilot, lambda: tree.results, what="tree check")
            first = tree.results["tui-probe-listener#port-open"]
            assert first.status == "fail" and tree.suggested == 1
            await pilot.press("p")
            dialog = await wait_for(
                pilot,
                lambda: isinstance(app.screen, CheckSettingsScreen) and app.screen,
                what="where dialog",
            )
            problems = dialog.query_one("#settings-problems")
            for typed, said in (
                (f"prot={port}", "prot: no selected check has that parameter; known: host, port, timeout"),
                ("port=abc", "net.tcp: parameter 'port' must be an integer, got str 'abc'"),
                ("port=70000", "net.tcp: parameter 'port' must be a TCP port"),
            ):  # fmt: skip
                dialog.query_one("#params", Input).value = typed
                await pilot.press("ctrl+s")
                await pilot.pause(0.1)
                assert app.screen is dialog  # still open: nothing applied
                assert str(problems.render()).startswith(said)
                assert app.services.context("tree-tui-triage").is_default()
            assert tree.results["tui-probe-listener#port-open"] is first  # not rerun
            dialog.query_one("#params", Input).value = f"port={port}"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.screen is tree, what="applied")
            assert app.services.context("tree-tui-triage").overrides == {"port": port}
            await wait_for(
                pilot,
                lambda: tree.results.get("tui-probe-listener#port-open") not in (None, first),
                what="the check rerun on the new port",
            )
            assert tree.results["tui-probe-listener#port-open"].status == "pass"


def _visible(widget) -> bool:
    """`widget` is drawn whole inside the dialog's visible area (not scrolled or cut off below
    the screen's bottom edge, as the Parameters field was at 80x24)."""
    dialog = widget.screen.query_one("#dialog")
    view = dialog.scrollable_content_region
    return view.contains_region(widget.region) and widget.screen.region.contains_region(view)


@pilot_test
async def test_where_dialog_at_80x24_shows_the_focused_field_and_its_error(monkeypatch):
    """With a long picker (ten brokers) the list that has focus when the dialog opens, the field
    what is typed goes into and the error under it are all on screen at 80x24."""
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/kbtui-test.sock")  # targets only
    brokers = [{"name": f"emqx-{i}", "kind": "emqx", "host": "10.0.0.5"} for i in range(10)]
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"brokers": brokers}))
    path.chmod(0o600)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.open_tree("tree-tui-triage")
        await wait_for(pilot, lambda: isinstance(app.screen, TreeScreen), what="tree")
        dialog = await open_picker(pilot)
        await pilot.pause(0.1)
        assert len(dialog.items) == 10
        pick = dialog.query_one("#pick")
        assert app.focused is pick  # on the first broker, below the note on the Docker daemon
        assert pick.get_option_at_index(pick.highlighted).id == "0"
        assert _visible(app.focused)
        await type_text(pilot, "prot=18830")  # typing from the list goes on in the parameters
        assert app.focused is dialog.query_one("#params", Input)
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        problems = dialog.query_one("#settings-problems")
        assert "prot: no selected check has that parameter" in str(problems.render())
        assert _visible(app.focused) and _visible(problems)
        shown = " ".join(screen_text(app).split())
        assert "prot=18830" in shown and "no selected check has that parameter" in shown
        # QA's repro: a container name typed as the target and as a misspelt parameter; the two
        # problems wrap to four lines and the dialog scrolls to show them whole
        dialog.query_one("#target", Input).value = "qa22-exit1"
        dialog.query_one("#params", Input).value = "contaner=qa22-exit1"
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert problems.region.height == 4  # two problems, wrapped at 80 columns
        assert "no target named 'qa22-exit1'" in str(problems.render())
        assert _visible(problems)


@pilot_test
async def test_d11_tcp_checks_are_not_on_a_docker_host_and_next_steps_are_keys(make_kb):
    app = app_with(extra_kb(make_kb))
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "refused", "tui-probe-listener")
        checks = await open_checks(pilot)
        await run_all(pilot, checks)
        text = " ".join(screen_text(app).split())
        assert "Docker host" not in text
        detail = str(checks.query_one("#checks-detail").render())
        assert "kb show" not in detail and "Esc" in detail  # a key, not a CLI command
        await pilot.press("escape", "escape")
        await open_entry(pilot, "long check titles", "tui-oncall-port")
        await pilot.press("t")
        tree = await wait_for(
            pilot, lambda: isinstance(app.screen, TreeScreen) and app.screen, what="tree"
        )
        await wait_for(pilot, lambda: tree.results, what="tree check")
        await pilot.press("2")
        await wait_for(pilot, lambda: tree.node.is_conclusion, what="conclusion")
        assert "p chooses the container" in " ".join(screen_text(app).split())


@pilot_test
async def test_d12_targets_name_column_visible_focus_and_kind_choice():
    conf = {
        "docker_hosts": [{"name": "prod", "url": "ssh://ops@prod-docker-1.example.internal"}],
        "brokers": [
            {
                "name": "emqx-prod",
                "kind": "emqx",
                "host": "127.0.0.1",
                "ports": {"mqtt": closed_port()},
            }
        ],
    }
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(conf))
    path.chmod(0o600)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetsScreen), what="targets")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "ssh://ops@prod-docker-1.example.internal" in text  # the URL is not cut
        assert "▶ Docker hosts" in text
        await pilot.press("tab")
        await pilot.pause(0.1)
        assert "▶ Brokers" in screen_text(app)
        await pilot.press("tab", "t")
        await wait_for(pilot, lambda: "prod:" in screen_text(app), 20, "host test result")
        await pilot.press("b")
        form = await wait_for(
            pilot, lambda: isinstance(app.screen, TargetForm) and app.screen, what="form"
        )
        assert isinstance(form.query_one("#f-kind"), Select)


@pilot_test
async def test_d13_check_results_stay_with_the_entry():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "refused", "tui-probe-listener")
        checks = await open_checks(pilot)
        await run_all(pilot, checks)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryScreen), what="entry")
        again = await open_checks(pilot)
        assert again is not checks
        assert {r.status for r in again.results.values()} == {"fail"}
        assert set(again.state.values()) == {"fail"}


@pilot_test
async def test_d14_ansi_paste_into_the_search_box():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        box = app.screen.query_one(SearchInput)
        box.post_message(events.Paste("\x1b[31mrefused\x1b[0m"))
        await wait_for(pilot, lambda: box.value, what="pasted text")
        await pilot.pause(0.1)
        assert box.value == "refused"


@pilot_test
async def test_d15_secrets_in_check_evidence_are_redacted_on_screen(make_kb):
    # the shapes the old redactor let through: quoted JSON keys and a --flag value
    body = '{"password": "hunter2hunter", "api_key": "Sup3rS3cretValue"} --token t0kenVALUE99'
    with http_server(body) as port:
        app = app_with(extra_kb(make_kb, http_port=port))
        async with app.run_test(size=SIZE) as pilot:
            await open_entry(pilot, "long check titles", "tui-oncall-port")
            checks = await open_checks(pilot)
            await run_all(pilot, checks)
            table = checks.query_one(DataTable)
            table.move_cursor(row=1)
            await pilot.pause(0.2)
            detail = str(checks.query_one("#checks-detail").render())
            assert "<redacted>" in detail
            for secret in ("Sup3rS3cretValue", "hunter2hunter", "t0kenVALUE99"):
                assert secret not in detail and secret not in screen_text(app)
            await pilot.press("y")
            assert "Sup3rS3cretValue" not in app.clipboard and "<redacted>" in app.clipboard


# --- usability gaps --------------------------------------------------------------------------------
@pilot_test
async def test_preview_beside_results_when_wide():
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await loaded(pilot)
        home = await search(pilot, "refused")
        assert home.wide
        rl = home.query_one(ResultList)
        first = rl.get_option_at_index(rl.highlighted).id
        await wait_for(pilot, lambda: home.preview_id == first, what="preview")
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: home.preview_id not in (None, first), what="preview moved")
        entry = app.services.get(home.preview_id)
        assert entry.title[:30] in screen_text(app)
        await pilot.resize_terminal(*SIZE)
        await pilot.pause(0.2)
        assert not home.wide and not home.query_one("#preview").display


@pilot_test
async def test_home_shows_trees_and_recent_entries_and_navigation_keys():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "faq markup", "tui-evil-faq")
        await pilot.press("y")
        assert app.clipboard == "tui-evil-faq"  # copied, with a visible note
        assert any("Copied" in str(n.message) for n in app._notifications)
        app.screen.follow_link("tui-probe-listener.md")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, EntryScreen) and app.screen.entry.id == "tui-probe-listener"
            ),
            what="linked entry",
        )
        await pilot.pause(0.2)
        app.screen.follow_link("tui-evil-faq.md")  # back to an open entry: no second copy
        await pilot.pause(0.2)
        entries = [s for s in app.screen_stack if isinstance(s, EntryScreen)]
        assert [e.entry.id for e in entries] == ["tui-evil-faq"]
        await pilot.press("slash")  # / from anywhere: the search box
        home = await wait_for(
            pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen, what="home"
        )
        box = home.query_one(SearchInput)
        assert app.focused is box and box.value == "faq markup"
        await pilot.press("escape")  # Esc clears the box first
        assert box.value == ""
        await wait_for(pilot, lambda: home.showing_home, what="home view")
        text = screen_text(app)
        assert "Triage trees" in text and "Recently opened" in text
        ids = [
            home.query_one(ResultList).get_option_at_index(i).id
            for i in range(home.query_one(ResultList).option_count)
        ]
        assert ids.index("tree-tui-triage") < ids.index("tui-probe-listener")
        assert "tui-evil-faq" in ids


@pilot_test
async def test_palette_opens_entries_by_title():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await type_text(pilot, "nothing listens")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, EntryScreen) and app.screen.entry.id == "tui-probe-listener"
            ),
            what="entry from the palette",
        )


@pilot_test
async def test_where_dialog_picks_a_configured_target():
    conf = {"brokers": [{"name": "emqx-lab", "kind": "emqx", "host": "127.0.0.1"}]}
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(conf))
    path.chmod(0o600)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "refused", "tui-probe-listener")
        dialog = await open_picker(pilot)
        names = [i.name for i in dialog.items]
        assert names[0] == "emqx-lab"
        dialog.pick(dialog.items[0])
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert app.services.context("tui-probe-listener").target == "emqx-lab"


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("kbtui ")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "main keys:" in out and "examples:" in out and "kbtui --lang zh" in out


@pilot_test
async def test_results_say_best_match_or_related():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        home = await search(pilot, "refused")
        rl = home.query_one(ResultList)
        heading = None
        seen = {}
        for i in range(rl.option_count):
            option = rl.get_option_at_index(i)
            if option.disabled:
                heading = option.prompt.plain
            elif option.id:
                seen[option.id] = heading
        assert seen and all(h in ("Best match", "Related") for h in seen.values())
        for hit in home.last_hits:
            assert seen[hit.id] == ("Best match" if hit.confident else "Related")
        # new results highlight the first hit, not the one highlighted for the earlier query
        rl.highlighted = rl.get_option_index(home.last_hits[-1].id)
        assert len(home.last_hits) > 1
        assert rl.get_option_at_index(rl.highlighted).id != home.last_hits[0].id
        await search(pilot, " broker")
        assert rl.get_option_at_index(rl.highlighted).id == home.last_hits[0].id


@pilot_test
async def test_a_recently_opened_tree_is_listed_once_and_home_starts(tmp_path, monkeypatch):
    """A triage tree opened recently is both a tree and a recent entry: home lists it once (the
    list's ids must be unique; it used to stop the app at start with DuplicateID)."""
    import json

    monkeypatch.setenv("KBTUI_HOME", str(tmp_path))
    (tmp_path / "data").mkdir(parents=True, exist_ok=True)
    recent = ["tree-tui-triage", "tui-evil-faq"]
    (tmp_path / "data" / "tui-recent.json").write_text(json.dumps(recent), "utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        home = await wait_for(
            pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen, what="home"
        )
        await wait_for(pilot, lambda: home.showing_home, what="home view")
        results = home.query_one(ResultList)
        ids = [results.get_option_at_index(i).id for i in range(results.option_count)]
        assert ids.count("tree-tui-triage") == 1 and "tui-evil-faq" in ids, ids
        assert ids.index("tree-tui-triage") < ids.index("tui-evil-faq")
        await type_text(pilot, "x")  # a search, then back home: the list is rebuilt
        await pilot.press("backspace")
        await wait_for(pilot, lambda: home.showing_home, what="home view again")
        assert app.is_running

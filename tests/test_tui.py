"""Pilot tests of every kbtui flow, on the real loader, indexer and check engine.

The KB is tests/fixtures/tui_kb; checks that must pass or fail run against real TCP listeners that
the tests open on 127.0.0.1 (no mocks). Docker-backed flows are in test_tui_live.py.
"""

from __future__ import annotations

import socket
import stat

import yaml
from textual import events
from tui_support import (
    closed_port,
    loaded,
    make_app,
    pilot_test,
    screen_text,
    search,
    tcp_listener,
    type_text,
    wait_for,
)

from tests.helpers import write_config
from tui.screens.checks import ChecksScreen
from tui.screens.choice import ChoiceScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.entry import EntryScreen
from tui.screens.filters import FilterScreen
from tui.screens.help import HelpScreen, sections
from tui.screens.home import HomeScreen
from tui.screens.paste_log import PasteLogScreen
from tui.screens.targets import TargetForm, TargetsScreen
from tui.screens.tree import TreeScreen
from tui.screens.triage import TriageScreen
from tui.widgets.result_list import ResultList
from tui.widgets.search_input import SearchInput

SIZE = (80, 24)


def result_ids(app) -> list[str]:
    rl = app.screen.query_one(ResultList)
    return [
        rl.get_option_at_index(i).id for i in range(rl.option_count) if rl.get_option_at_index(i).id
    ]


async def open_entry(pilot, query: str, entry_id: str) -> EntryScreen:
    await loaded(pilot)
    await search(pilot, query)
    assert entry_id in result_ids(pilot.app)
    rl = pilot.app.screen.query_one(ResultList)
    rl.highlighted = rl.get_option_index(entry_id)
    await pilot.press("enter")
    screen = await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, EntryScreen) and pilot.app.screen,
        what="the entry screen",
    )
    assert screen.entry.id == entry_id
    await pilot.pause(0.2)
    return screen


async def set_params(pilot, text: str) -> None:
    """Keyboard: p opens 'where checks run', type NAME=VALUE, Enter applies."""
    await pilot.press("p")
    await wait_for(
        pilot,
        lambda: type(pilot.app.screen).__name__ == "CheckSettingsScreen",
        what="settings dialog",
    )
    await type_text(pilot, text)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: type(pilot.app.screen).__name__ != "CheckSettingsScreen",
        what="settings applied",
    )


# --- search ---------------------------------------------------------------------------------------
@pilot_test
async def test_starts_on_focused_search_box():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        assert isinstance(app.focused, SearchInput)
        await loaded(pilot)
        assert "3 entries" in screen_text(app)


@pilot_test
async def test_search_as_you_type_with_badges_and_highlighted_snippet():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await search(pilot, "refused")
        assert set(result_ids(app)) == {"tui-probe-listener", "tree-tui-triage"}
        text = screen_text(app)
        assert "incident" in text and "mosquitto" in text and "tree" in text
        # the snippet highlight covers the matched word, taken from Hit.highlights
        prompt = app.screen.query_one(ResultList).get_option("tui-probe-listener").prompt
        marked = [
            prompt.plain[s.start : s.end].lower() for s in prompt.spans if "reverse" in str(s.style)
        ]
        assert any("refused" in m for m in marked), marked
        # typing more narrows; clearing empties
        await search(pilot, " triage")
        assert result_ids(app)[0] == "tree-tui-triage"  # typing on re-ranks
        app.screen.query_one(SearchInput).value = ""
        # an empty box shows home: the triage trees (and recently opened entries)
        await wait_for(pilot, lambda: app.screen.showing_home, what="results cleared")
        assert result_ids(app) == ["tree-tui-triage"]


@pilot_test
async def test_inline_filters_and_filter_dialog():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await search(pilot, "kind:tree refused")
        assert result_ids(app) == ["tree-tui-triage"]
        app.screen.query_one(SearchInput).value = ""
        await pilot.pause(0.2)
        await search(pilot, "refused")
        assert len(result_ids(app)) == 2
        # ctrl+f: product list first; (any), docker, emqx, mosquitto → choose mosquitto, then kind tree
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen), what="filter dialog")
        await pilot.press(
            "down", "down", "down", "enter"
        )  # product: mosquitto → focus moves to kind
        await pilot.press("down", "down", "enter")  # kind: (any), faq, incident, tree → incident
        await pilot.press("enter")  # tag list: (any) is marked → apply
        home = await wait_for(
            pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen, what="home"
        )
        assert home.filters.product == "mosquitto" and home.filters.kind == "incident"
        await wait_for(
            pilot, lambda: result_ids(app) == ["tui-probe-listener"], what="filtered results"
        )
        assert "product:mosquitto" in screen_text(app)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(result_ids(app)) == 2, what="filters cleared")


# --- entry view -----------------------------------------------------------------------------------
@pilot_test
async def test_open_entry_and_toggle_language():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "refused", "tui-probe-listener")
        assert "Broker clients are refused" in screen_text(app)
        await pilot.press("l")
        await wait_for(pilot, lambda: "端口上没有监听" in screen_text(app), what="Chinese title")
        assert app.lang == "zh"
        await pilot.press("ctrl+l")
        await wait_for(
            pilot, lambda: "Broker clients are refused" in screen_text(app), what="English again"
        )
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@pilot_test
async def test_ctrl_l_swaps_entry_bodies_built_once():
    """ctrl+l rebuilt every Markdown widget of the entry's body at each switch (0.6-0.7 s of CPU
    on the longest bundled entry). Each language's body is built once, the other language's
    right after the shown one, and a switch only changes which one is displayed."""
    from textual.widgets import Markdown

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry(pilot, "refused", "tui-probe-listener")
        bodies = await wait_for(
            pilot,
            lambda: (
                len(screen.query(Markdown)) == 2
                and all(md.children for md in screen.query(Markdown))
                and list(screen.query(Markdown))
            ),
            what="the Chinese body built beside the English one",
        )
        blocks = list(screen.query("MarkdownBlock"))
        for lang, title in (("zh", "端口上没有监听"), ("en", "Broker clients are refused")):
            await pilot.press("ctrl+l")
            await wait_for(pilot, lambda t=title: t in screen_text(app), what=f"the {lang} entry")
            (shown,) = [md for md in bodies if md.display]
            assert shown.source.strip() == screen.entry.text(lang).body.strip()
            assert list(screen.query("MarkdownBlock")) == blocks  # the same widgets, none rebuilt


@pilot_test
async def test_a_language_switch_recomposes_only_the_footer_in_sight():
    """Every screen in the stack recomposed its footer at each ctrl+l; one under another screen
    now follows the language when its screen comes back."""
    from textual.widgets._footer import FooterKey

    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await open_entry(pilot, "refused", "tui-probe-listener")
        home = app.screen_stack[-2]
        assert isinstance(home, HomeScreen)
        keys = list(home.query(FooterKey))
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: "返回" in screen_text(app), what="the entry's footer in 中文")
        assert list(home.query(FooterKey)) == keys
        await pilot.press("escape")
        await wait_for(pilot, lambda: "筛选" in screen_text(app), what="home's footer in 中文")


@pilot_test
async def test_default_language_follows_locale(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    from tui.app import KbApp
    from tui.services import Services

    app = KbApp(Services([make_app().services.kb_paths[0]], bundled=False))
    assert app.lang == "zh"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert KbApp(Services([], bundled=False)).lang == "en"


@pilot_test
async def test_entry_text_is_shown_literally_never_as_markup_or_html():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_entry(pilot, "markup", "tui-evil-faq")
        text = screen_text(app)
        assert "[bold red]markup[/]" in text  # the title, literally
        assert "[link=https://evil.example]click[/link]" in text  # the summary, literally
        assert "[bold]this[/bold]" in text
        assert '<script>alert("x")</script>' in text and "<b>raw html</b>" in text
        assert "\x1b" not in text


@pilot_test
async def test_links_open_only_http_and_only_after_asking():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        entry = await open_entry(pilot, "markup", "tui-evil-faq")
        opened: list[str] = []
        app.open_url = lambda url, **kw: opened.append(url)  # record instead of launching a browser
        await pilot.press("o")
        choice = await wait_for(
            pilot, lambda: isinstance(app.screen, ChoiceScreen) and app.screen, what="links"
        )
        # javascript: and file: are not links at all to the Markdown parser; they stay text
        hrefs = ["https://example.com/docs", "tui-probe-listener.md"]
        assert [
            opt.prompt.plain.split("\n")[1].strip() for opt in choice.query_one("#choices").options
        ] == hrefs
        await pilot.press("escape")
        for href in ("javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/x"):
            entry.follow_link(href)  # what a mouse click on such a link would do
            await pilot.pause(0.05)
            assert app.screen is entry and opened == []
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="links")
        await pilot.press("enter")  # https link: asks first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("n")
        await pilot.pause(0.1)
        assert opened == [] and app.screen is entry
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="links")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirmation")
        await pilot.press("y")
        await wait_for(
            pilot, lambda: opened == ["https://example.com/docs"], what="link opened after yes"
        )
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen), what="links")
        await pilot.press("down", "enter")  # a link to another entry opens in the app
        other = await wait_for(
            pilot,
            lambda: isinstance(app.screen, EntryScreen) and app.screen is not entry and app.screen,
            what="linked entry",
        )
        assert other.entry.id == "tui-probe-listener"


# --- decision trees -------------------------------------------------------------------------------
async def _tree(pilot) -> TreeScreen:
    await pilot.press("t")
    return await wait_for(
        pilot, lambda: isinstance(pilot.app.screen, TreeScreen) and pilot.app.screen, what="tree"
    )


@pilot_test
async def test_tree_walk_with_a_check_answering_pass():
    app = make_app()
    with tcp_listener() as port:
        async with app.run_test(size=SIZE) as pilot:
            await open_entry(pilot, "refused", "tui-probe-listener")
            await set_params(pilot, f"port={port}")
            tree = await _tree(pilot)
            assert tree.node_id == "listening"
            await wait_for(pilot, lambda: "port-open" in tree.results, what="the check result")
            assert tree.results["port-open"].status == "pass"
            assert tree.suggested == 0
            await wait_for(
                pilot,
                lambda: app.focused is not None and app.focused.name == "opt-0",
                what="focus on 1",
            )
            text = screen_text(app)
            assert (
                "pass" in text and "suggests option 1" in text and "127.0.0.1" in text
            )  # evidence shown
            await pilot.press("enter")  # take the suggested answer
            await wait_for(pilot, lambda: tree.node_id == "auth", what="next question")
            await pilot.press("2")
            await wait_for(pilot, lambda: tree.node_id == "anonymous", what="conclusion")
            text = screen_text(app)
            assert "Conclusion" in text and "Allow anonymous clients" in text
            crumbs = str(tree.query_one("#crumbs").render())
            assert "› Yes, it accepts connections › No" in crumbs.replace(
                "\n", " "
            )  # the answers taken
            await pilot.press("b")
            assert tree.node_id == "auth"
            await pilot.press("1")
            assert tree.node_id == "check-acl"
            await pilot.press("r")
            assert tree.node_id == "listening" and tree.path == []
            assert tree.suggested == 0  # the cached result pre-selects again without re-running
            await pilot.press("enter", "2")
            await pilot.press("e")  # the conclusion names an entry: e opens it
            entry = await wait_for(
                pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="entry"
            )
            assert entry.entry.id == "tui-evil-faq"


@pilot_test
async def test_tree_check_fail_preselects_but_the_user_may_choose_otherwise():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "refused", "tui-probe-listener")
        await set_params(pilot, f"port={closed_port()}")
        tree = await _tree(pilot)
        await wait_for(pilot, lambda: "port-open" in tree.results, what="the check result")
        assert tree.results["port-open"].status == "fail"
        assert tree.suggested == 1
        assert tree.option_buttons[1].has_class("-suggested")
        await pilot.press("1")  # overrule the check
        assert tree.node_id == "auth"
        await pilot.press("b")
        await pilot.press("enter")  # focus is back on the suggestion
        await wait_for(pilot, lambda: tree.node_id == "listener", what="conclusion")
        await pilot.press("l")
        await wait_for(
            pilot, lambda: "为该端口添加 listener" in screen_text(app), what="Chinese conclusion"
        )


@pilot_test
async def test_triage_tree_from_home_runs_another_entrys_check():
    app = make_app()
    with tcp_listener() as port:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            app.services.set_check_settings("tree-tui-triage", None, f"port={port}")
            await pilot.press("ctrl+t")
            await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen), what="triage list")
            assert "Clients cannot connect to the broker" in screen_text(app)
            await pilot.press("enter")
            tree = await wait_for(
                pilot, lambda: isinstance(app.screen, TreeScreen) and app.screen, what="tree"
            )
            assert tree.entry.id == "tree-tui-triage"
            await wait_for(pilot, lambda: tree.results, what="cross-entry check")
            assert (
                tree.results["tui-probe-listener#port-open"].status == "pass"
                and tree.suggested == 0
            )
            await pilot.press("2")  # "Closed": a conclusion that opens the incident
            await pilot.press("e")
            entry = await wait_for(
                pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="entry"
            )
            assert entry.entry.id == "tui-probe-listener"


# --- checks ---------------------------------------------------------------------------------------
@pilot_test
async def test_run_all_checks_same_results_as_the_engine():
    from kb.checks.runner import run_check

    app = make_app()
    with tcp_listener() as port:
        async with app.run_test(size=SIZE) as pilot:
            entry = await open_entry(pilot, "refused", "tui-probe-listener")
            await pilot.press("c")
            checks = await wait_for(
                pilot, lambda: isinstance(app.screen, ChecksScreen) and app.screen, what="checks"
            )
            assert set(checks.state.values()) == {"pending"}
            await pilot.press("a")
            await wait_for(
                pilot, lambda: not checks.busy and len(checks.results) == 2, what="checks to finish"
            )
            assert {r.status for r in checks.results.values()} == {"fail"}  # port 1: refused
            await set_params(pilot, f"port={port}")
            await pilot.press("enter")  # run only the highlighted one
            await wait_for(
                pilot,
                lambda: not checks.busy and checks.results["port-open"].status == "pass",
                what="the selected check",
            )
            # new settings void the old results; Enter ran only the highlighted check
            assert "port-closed" not in checks.results
            assert checks.state["port-closed"] == "pending"
            ours = checks.results["port-open"]
            engine = run_check(entry.entry, entry.entry.check("port-open"), params={"port": port})
            assert (ours.status, ours.summary.split(" in ")[0]) == (
                engine.status,
                engine.summary.split(" in ")[0],
            )
            text = screen_text(app)
            assert "pass" in text and "pending" in text and "s " in text  # duration column


@pilot_test
async def test_checks_show_running_and_can_be_cancelled():
    # a listener with a full accept queue: further connects hang until the check's 2 s deadline
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    fillers = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", port))
        fillers.append(c)
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_entry(pilot, "refused", "tui-probe-listener")
            await pilot.press("c")
            checks = await wait_for(
                pilot, lambda: isinstance(app.screen, ChecksScreen) and app.screen, what="checks"
            )
            await set_params(pilot, f"port={port}")
            await pilot.press("a")
            await wait_for(
                pilot, lambda: "running" in checks.state.values(), what="a running check"
            )
            assert "running" in screen_text(app)
            await pilot.press("x")
            await wait_for(pilot, lambda: not checks.busy, timeout=5, what="cancel")
            statuses = {r.status for r in checks.results.values()} | set(checks.state.values())
            assert statuses & {"skip", "cancelled"}, statuses
            assert all(
                r.duration < 2 for r in checks.results.values()
            )  # stopped before the deadline
    finally:
        for c in fillers:
            c.close()
        srv.close()


# --- paste log ------------------------------------------------------------------------------------
@pilot_test
async def test_multiline_paste_into_search_diagnoses_the_log():
    app = make_app()
    log = "2026-11-21 10:00:00 client started\n2026-11-21 10:00:01 Connection refused: tui-probe 1883\nbye\n"
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.screen.query_one(SearchInput).post_message(events.Paste(log))
        screen = await wait_for(
            pilot, lambda: isinstance(app.screen, PasteLogScreen) and app.screen, what="paste"
        )
        await wait_for(pilot, lambda: screen.done, what="diagnosis")
        assert [d.id for d in screen.diagnoses] == ["tui-probe-listener"]
        assert screen.diagnoses[0].lines[0][0] == 2
        assert "Connection refused: tui-probe" in screen_text(app)
        await pilot.press("ctrl+o", "enter")
        entry = await wait_for(
            pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="entry"
        )
        assert entry.entry.id == "tui-probe-listener"


@pilot_test
async def test_paste_log_dialog_from_keyboard():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+g")
        screen = await wait_for(
            pilot, lambda: isinstance(app.screen, PasteLogScreen) and app.screen, what="dialog"
        )
        await type_text(pilot, "nothing to see here")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.done, what="diagnosis")
        assert screen.diagnoses == [] and "No entry matches" in screen_text(app)


# --- targets --------------------------------------------------------------------------------------
@pilot_test
async def test_targets_screen_shows_what_the_checks_will_not_use():
    """QA 23 M2/M3: an item with a problem vanished from every target list without a word."""
    write_config(
        "docker_hosts:\n  - {name: prod, url: '10.0.0.9:2376'}\n"
        "brokers:\n  - {name: mq, kind: mosquitto, hostname: 10.9.9.9}\n"
    )
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetsScreen), what="targets")
        text = " ".join(screen_text(app).split())
        assert "config.yaml:2: error: docker_hosts[0] (prod): url '10.0.0.9:2376' is not a" in text
        assert "config.yaml:4: error: brokers[0] (mq): unknown key 'hostname'" in text


def test_tui_picker_shows_unusable_targets_and_the_dialog_says_why() -> None:
    from tui.services import Services

    path = write_config(
        "docker_hosts:\n  - {name: prod, url: '10.0.0.9:2376'}\n"
        "brokers:\n  - {name: mq, kind: emqx, host: 10.0.0.5}\n"
    )
    svc = Services([], bundled=True)
    items = [i for i in svc.pick_items(timeout=0.2)[0] if i.kind != "container"]
    assert [(i.name, bool(i.problem)) for i in items] == [("mq", False), ("prod", True)]
    assert items[1].problem.startswith(f"{path}:2: docker_hosts[0] (prod): url '10.0.0.9:2376'")
    problems = svc.set_check_settings("tui-probe-listener", "prod", "")
    assert len(problems) == 1 and "target 'prod' is in the config but unusable" in problems[0]
    assert "fix it on the Targets screen (F8)" in problems[0]


@pilot_test
async def test_a_docker_url_password_is_never_shown_by_the_tui():
    """QA 25: the Targets table and the "Where checks run" list showed
    tcp://ops:Sup3rSecretPw@… in clear (the host test's result line was redacted)."""
    from tui.services import Services

    write_config("docker_hosts:\n  - {name: creds, url: 'tcp://ops:Sup3rSecretPw@127.0.0.1:1'}\n")
    items = [
        i for i in Services([], bundled=True).pick_items(timeout=0.2)[0] if i.kind != "container"
    ]
    assert items and all("Sup3rSecretPw" not in f"{i.detail} {i.problem}" for i in items), items
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetsScreen), what="targets")
        text = screen_text(app)
        assert "creds" in text and "Sup3rSecretPw" not in text


def test_tui_form_refuses_a_host_the_checks_would_not_use() -> None:
    from tui.screens.targets import validate_host

    assert validate_host({"name": "lab"}, set()) == (None, ["Give a URL or a context"])
    item, problems = validate_host({"name": "lab", "url": "tcp://"}, set())
    assert item is None and problems == ["URL: must start with unix://, tcp://, ssh:// or npipe://"]
    assert validate_host({"name": "lab", "url": "ssh://ops@h"}, set())[1] == []


@pilot_test
async def test_targets_edit_validate_and_save_0600():
    from kb import paths

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("f8")
        targets = await wait_for(
            pilot, lambda: isinstance(app.screen, TargetsScreen) and app.screen, what="targets"
        )
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetForm), what="host form")
        await type_text(pilot, "local")
        await pilot.press("tab")
        await type_text(pilot, "ftp://nope")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: "must start with unix://" in screen_text(app), what="URL refused"
        )
        assert isinstance(app.screen, TargetForm)
        app.screen.query_one("#f-url").value = ""
        app.screen.query_one("#f-url").focus()
        await type_text(pilot, "unix:///var/run/docker.sock")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetsScreen), what="back to targets")
        assert targets.hosts == [{"name": "local", "url": "unix:///var/run/docker.sock"}]
        await pilot.press("b")
        form = await wait_for(
            pilot, lambda: isinstance(app.screen, TargetForm) and app.screen, what="broker form"
        )
        for key, value in {
            "name": "emqx-local",
            "kind": "emqx",
            "mqtt": "1883",
            "password_env": "hunter2!",
            "container": "emqx",
        }.items():
            form.query_one(f"#f-{key}").value = value
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: "NAME of an environment" in screen_text(app), what="secret refused"
        )
        form.query_one("#f-password_env").value = "EMQX_PASS"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetsScreen), what="back to targets")
        await pilot.press("ctrl+s")
        path = paths.config_file()
        await wait_for(pilot, path.exists, what="config written")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        data = yaml.safe_load(path.read_text())
        assert data["docker_hosts"] == [{"name": "local", "url": "unix:///var/run/docker.sock"}]
        assert data["brokers"][0]["password_env"] == "EMQX_PASS" and data["brokers"][0][
            "ports"
        ] == {"mqtt": 1883}
        assert "hunter2" not in path.read_text()
        # the target is now usable for checks, validated by name
        assert app.services.set_check_settings("tui-probe-listener", "nope", "") != []
        assert app.services.set_check_settings("tui-probe-listener", "emqx-local", "") == []


# --- help, palette, layout ------------------------------------------------------------------------
@pilot_test
async def test_help_lists_every_binding():
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await loaded(pilot)
        await pilot.press("f1")
        help_screen = await wait_for(
            pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen, what="help"
        )
        text = str(help_screen.query_one("#help-text").render())
        for _title, rows in sections(type(app).BINDINGS):
            for keys, desc in rows:
                assert desc in text and keys in text
        for must in (
            "Run all",
            "Open entry",
            "Restart",
            "Filter",
            "Paste log",
            "Doctor",
            "Targets",
            "Command palette",
        ):
            assert must in text
        # keys as they are labelled, not Textual's names for them
        assert "slash" not in text and "question_mark" not in text and "escape" not in text
        assert any(
            keys.startswith("/") for _t, rows in sections(type(app).BINDINGS) for keys, _d in rows
        )
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@pilot_test
async def test_command_palette_has_the_app_actions():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for title in (
            "Triage trees",
            "Paste log",
            "Doctor",
            "Targets",
            "Filter",
            "Help",
        ):
            assert title in commands
        # only useful commands: nothing about screenshots or maximising panes
        assert not any("screenshot" in c.lower() or "maximize" in c.lower() for c in commands)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await type_text(pilot, "triage trees")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, TriageScreen), what="palette command ran"
        )


@pilot_test
async def test_resize_and_light_theme():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "refused", "tui-probe-listener")
        for size in ((60, 18), (120, 40), SIZE):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.1)
            assert "Broker clients" in screen_text(app).replace("\n", " ")
        await pilot.press("f9")
        assert app.theme == "textual-light"
        await pilot.press("f9")
        assert app.theme == "textual-dark"


def test_the_preview_shows_markdown_as_readable_text():
    """The preview pane (120 columns and wider) reads like the entry, not like its source: no
    `##`, no code fences, no emphasis markers; markup-looking text stays text."""
    from tui.screens.home import markdown_preview

    body = (
        "## Symptoms\n\n- Clients print **Connection refused**.\n- Logs say [red]x[/red]\n\n"
        "```text\nError: Address in use\n```\n\nA paragraph\nwrapped in the source.\n\n"
        + "\n\n".join(f"Line {i}." for i in range(50))
    )
    text = markdown_preview(body, 10)
    plain = text.plain
    assert plain.startswith("Symptoms\n") and "##" not in plain and "```" not in plain
    assert "• Clients print Connection refused." in plain and "**" not in plain
    assert "• Logs say [red]x[/red]" in plain  # text, never markup
    assert "  Error: Address in use" in plain
    assert "A paragraph wrapped in the source." in plain
    assert plain.rstrip().endswith("…") and "Line 49." not in plain
    assert any(span.style == "bold" for span in text.spans)


def test_the_preview_shows_a_table_row_on_one_line():
    """QA pass 32: at 200 columns `emqx-port-in-use-eaddrinuse`'s port table was previewed one
    cell a line (`端口`, `用途`, `能否修改`, `1883`, `MQTT over TCP`, `可以`, …)."""
    from tui.screens.home import markdown_preview

    body = (
        "Ports:\n\n| Port | Use | Can change |\n|---|---|---|\n"
        "| 1883 | MQTT over **TCP** | yes |\n| `8883` | MQTT over TLS | yes |\n\nAfter.\n"
    )
    text = markdown_preview(body, 20)
    lines = text.plain.split("\n")
    assert "Port │ Use │ Can change" in lines, lines
    assert "1883 │ MQTT over TCP │ yes" in lines and "8883 │ MQTT over TLS │ yes" in lines, lines
    assert "Ports:" in lines and "After." in lines and "1883" not in lines, lines
    assert any(text.plain[s.start : s.end].strip() == "Port │ Use │ Can change" for s in text.spans)


def test_the_tui_says_where_checks_run_without_secrets():
    from tui.services import CheckContext, Services

    svc = Services([], bundled=True)
    url = "http://admin:UrlPw77@127.0.0.1:1/x"
    svc.set_context("emqx-how-to-get", CheckContext(overrides={"url": url}))
    text = svc.where_text("emqx-how-to-get", "http.get")
    assert "UrlPw77" not in text and "admin:<redacted>@" in text, text


@pilot_test
async def test_read_only_cache_still_shows_results_with_a_warning(tmpfs, monkeypatch, tmp_path):
    # a root-owned or read-only ~/.cache: the index is built in memory, results show as usual and
    # the warning (folder, reason, what to do) sits above the status line instead of replacing them
    home = tmp_path / "home"
    monkeypatch.setenv("KBTUI_HOME", str(home))
    tmpfs(home / "cache", "ro")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await search(pilot, "refused")
        assert set(result_ids(app)) == {"tui-probe-listener", "tree-tui-triage"}
        text = " ".join(screen_text(app).split())
        assert "could not load" not in text
        assert "cannot write the search index in" in text
        assert "(Read-only file system); searching an index built in memory" in text
        assert "make it writable or set KBTUI_HOME to a writable folder" in text
        assert "3 entries" in text

"""Pilot tests for the TUI findings of QA pass 24 (L17-L19), one or more per finding.

The real loader, indexer and `kb lint`; KBs written by the test (`make_kb`) or the fixture KB
(tests/fixtures/tui_kb). An unreachable Docker daemon is a socket path that does not exist, so the
shared daemon is never touched.
"""

from __future__ import annotations

import itertools
import json
import re
from types import SimpleNamespace

import yaml
from helpers import run_kb
from rich.cells import cell_len
from textual.widgets import Input, OptionList
from tui_support import (
    loaded,
    make_app,
    open_picker,
    pilot_test,
    screen_text,
    show_entry,
    type_text,
    wait_for,
)

from kb import paths
from kb.cli.linebreak import break_offsets
from tui.app import KbApp
from tui.screens.check_settings import CheckSettingsScreen
from tui.screens.entry import EntryScreen
from tui.screens.problems import ProblemsScreen
from tui.services import Services
from tui.widgets.result_list import ResultList

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


# --- L18: the "Where checks run" dialog from the keyboard ------------------------------------------
def configure_brokers(monkeypatch, *names: str) -> None:
    """Configured brokers `names`, and no Docker daemon (so the list holds only them)."""
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/kbtui-test.sock")
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    brokers = [{"name": n, "kind": "emqx", "host": "127.0.0.1"} for n in names]
    path.write_text(yaml.safe_dump({"brokers": brokers}))
    path.chmod(0o600)


async def where_dialog(pilot) -> CheckSettingsScreen:
    """`p` on the fixture's listener entry, once the dialog has listed its targets."""
    await loaded(pilot)
    await show_entry(pilot, "tui-probe-listener")
    dialog: CheckSettingsScreen = await open_picker(pilot)
    await pilot.pause(0.1)
    return dialog


def highlighted_name(dialog: CheckSettingsScreen) -> str | None:
    pick = dialog.query_one("#pick", OptionList)
    if pick.highlighted is None:
        return None
    option_id = pick.get_option_at_index(pick.highlighted).id
    return None if option_id is None else dialog.items[int(option_id)].name


@pilot_test
async def test_l18_where_dialog_starts_on_the_targets_and_every_key_reaches_them(monkeypatch):
    configure_brokers(monkeypatch, "emqx-lab", "emqx-prod")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await where_dialog(pilot)
        pick = dialog.query_one("#pick", OptionList)
        target = dialog.query_one("#target", Input)
        params = dialog.query_one("#params", Input)
        # focus on the list, its first target highlighted; the footer says what Enter does
        assert app.focused is pick and highlighted_name(dialog) == "emqx-lab"

        # the footer is composed after the dialog's first refresh: under load, a moment later
        def footer_line() -> str:
            line = " ".join(screen_text(app).splitlines()[-1].split())
            return line if "⏎ Use" in line else ""

        footer = await wait_for(pilot, footer_line, what="the dialog's footer with ⏎ Use")
        assert "⏎ Use" in footer and "tab Next field" in footer and "esc Cancel" in footer
        # Enter on a target fills the target field; the parameters are next
        await pilot.press("enter")
        assert target.value == "emqx-lab" and app.focused is params
        # ↓ from the parameters goes into the list (highlighted), ↓ Enter picks the next target
        await pilot.press("down")
        assert app.focused is pick and highlighted_name(dialog) == "emqx-lab"
        await pilot.press("down", "enter")
        assert target.value == "emqx-prod" and app.focused is params
        # Tab and Shift+Tab reach every field, round; the list never gets focus unhighlighted
        pick.highlighted = None
        order = []
        for _ in range(3):
            await pilot.press("tab")
            order.append(app.focused.id)
        assert order == ["target", "pick", "params"]
        order = []
        for _ in range(3):
            await pilot.press("shift+tab")
            order.append(app.focused.id)
            if app.focused is pick:
                assert highlighted_name(dialog) is not None
        assert order == ["pick", "target", "params"]
        # ↑/↓ in the target field go into the list too
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is target
        await pilot.press("down")
        assert app.focused is pick
        # Esc closes and applies nothing
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryScreen), what="closed")
        assert app.services.context("tui-probe-listener").is_default()


@pilot_test
async def test_l18_typing_from_the_list_goes_on_in_the_parameters(monkeypatch):
    """`p`, `container=…`, Enter (what the tree's fix says) still works with focus on the list,
    and with nothing to pick, focus starts in the parameters."""
    configure_brokers(monkeypatch, "emqx-lab")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await where_dialog(pilot)
        await type_text(pilot, "port=1883")
        assert app.focused is dialog.query_one("#params", Input)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryScreen), what="applied")
        assert app.services.context("tui-probe-listener").overrides == {"port": 1883}
    configure_brokers(monkeypatch)  # no targets, no daemon
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await where_dialog(pilot)
        assert not dialog.items and app.focused is dialog.query_one("#params", Input)
        await pilot.press("up")
        assert app.focused is dialog.query_one("#target", Input)
        await pilot.press("down")
        assert app.focused is dialog.query_one("#params", Input)


# --- L19: English words split mid-word in Chinese snippets -----------------------------------------
# the Related snippet QA saw for 時鐘回撥 at 80x24 (the bundled triage tree's Chinese summary)
ZH_SNIPPET = (
    "…从“容器没了”一路排查到原因：现在是否在运行、最近是否退出过、Docker 是否根本没能启动它、"
    "是否被 OOM 杀掉、退出码是多少、是否陷入重启循环、日志里有没有已知特征（时钟回拨、License "
    "过期、端口被占用、缺少 logger 或 crypto、启动脚本超时放弃），以及重启后 EMQX 数据是否丢失。"
)


def hit(snippet: str) -> SimpleNamespace:
    return SimpleNamespace(
        id="tui-probe-listener",
        kind="tree",
        title="Triage: a container stopped unexpectedly (or keeps restarting)",
        title_zh=None,
        products=("docker", "emqx", "linux"),
        snippet=snippet,
        highlights=((snippet.index("时钟回拨"), snippet.index("时钟回拨") + 4),),
        confident=False,
    )


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text))


@pilot_test
async def test_l19_chinese_snippets_break_between_characters_never_inside_english_words():
    app = make_app()
    for width in range(70, 81):  # wherever the line ends, no English word is cut
        async with app.run_test(size=(width, 24)) as pilot:
            await loaded(pilot)
            results = app.screen.query_one(ResultList)
            results.show_hits([hit(ZH_SNIPPET)], "zh")
            await pilot.pause(0.1)
            lines = [line.strip(" ▃▅▇▁") for line in screen_text(app).splitlines()]
            first = next(i for i, line in enumerate(lines) if line.startswith("…从"))
            last = next(i for i, line in enumerate(lines) if line.endswith("失。"))
            snippet = lines[first : last + 1]
            assert "".join(snippet).replace(" ", "") == ZH_SNIPPET.replace(" ", ""), snippet
            for line in snippet:  # each English word whole on one line
                assert english_words(line) <= english_words(ZH_SNIPPET), (width, snippet)
            # the lines are filled, short only by an English word that did not fit (a Chinese
            # run no longer moves whole to the next line)
            assert all(cell_len(line) >= width - 12 for line in snippet[:-1]), (width, snippet)
        app = make_app()


def test_l19_break_offsets():
    def wrapped(text: str, width: int) -> list[str]:
        cuts = [0, *break_offsets(text, width), len(text)]
        return [text[a:b].rstrip() for a, b in itertools.pairwise(cuts)]

    # Chinese breaks anywhere, but not before closing or after opening punctuation
    assert wrapped("特征（时钟回拨、License 过期", 12) == ["特征（时钟回", "拨、License", "过期"]
    assert wrapped("已知特征（时钟", 10) == ["已知特征", "（时钟"]
    assert wrapped("一二三四、五", 8) == ["一二三", "四、五"]
    # English only at spaces; a word longer than the line is folded
    assert wrapped("hello world foo", 11) == ["hello world", "foo"]
    assert wrapped("aa bbbbbbbbbbbb c", 5) == ["aa", "bbbbb", "bbbbb", "bb c"]
    assert wrapped("中文English中文", 9) == ["中文", "English中", "文"]
    assert break_offsets("", 10) == [] and break_offsets("abc", 0) == []

"""Pilot tests for the TUI's Chinese mode (exploratory QA pass on 中文): line breaking outside the
results list, untranslated labels, ctrl+l on every screen, Chinese in fixed-width cells, help.

The real loader and indexer on a KB written by the test (`make_kb`) or the fixture KB.
"""

from __future__ import annotations

import re

from textual.content import Content
from textual.geometry import Offset
from textual.selection import Selection
from textual.widgets import Input, Static
from tui_support import loaded, make_app, pilot_test, screen_text, show_entry, wait_for

from tui.screens.check_settings import CheckSettingsScreen
from tui.screens.checks import ChecksScreen
from tui.screens.filters import FilterScreen
from tui.screens.help import HelpScreen
from tui.screens.paste_log import PasteLogScreen
from tui.screens.targets import TargetForm, TargetsScreen
from tui.screens.tree import TreeScreen
from tui.screens.triage import TriageScreen
from tui.services import CheckContext
from tui.wrap import BreakableVisual, wrap_lines

# Chinese prose with English words in it (QA's triage summary): wrapped at spaces only, a Chinese
# run is one long "word", folded at the column, and the English word after it is cut in two
LONG = (
    "从“容器没了”一路排查到原因：现在是否在运行、最近是否退出过、Docker 是否根本没能启动它、"
    "是否被 OOM 杀掉、退出码是多少、是否陷入重启循环、日志里有没有已知特征（时钟回拨、License "
    "过期、端口被占用、缺少 logger 或 crypto、启动脚本超时放弃），以及重启后 EMQX 数据是否丢失。"
)

ENTRY_EN = """
    ---
    id: zh-wrap
    kind: incident
    title: A container stopped unexpectedly
    summary: The broker container stopped.
    products: [emqx, docker]
    updated: 2026-11-21
    symptoms: [container stopped]
    checks:
      - id: port-open
        kind: net.tcp
        title: The broker port accepts TCP connections
        params: {host: 127.0.0.1, port: 1}
        timeout: 2
    tree:
      start: listening
      nodes:
        listening:
          question: Does the broker port accept TCP connections?
          options:
            - {label: "Yes", goto: fine}
            - {label: "No", goto: listener}
        fine:
          conclusion: Fine.
        listener:
          conclusion: Add a listener.
    ---
    ## Symptoms
    The container is gone.
    """

ENTRY_ZH = f"""
    ---
    id: zh-wrap
    lang: zh
    title: 容器意外停止
    summary: {LONG}
    symptoms: [容器停止]
    checks:
      port-open: 代理端口可以建立 TCP 连接，{LONG}
    tree:
      listening:
        question: 代理端口能建立 TCP 连接吗？{LONG}
        options: [能, 不能]
      fine:
        conclusion: 没问题。
      listener:
        conclusion: {LONG}
    ---
    ## 现象
    {LONG}

    - {LONG}
    """

TRIAGE_EN = """
    ---
    id: zh-triage
    kind: tree
    title: Clients cannot connect
    summary: A short triage.
    products: [emqx]
    updated: 2026-11-21
    tree:
      start: q
      nodes:
        q:
          question: Is it open?
          options:
            - {label: "Yes", goto: a}
            - {label: "No", goto: a}
        a:
          conclusion: Done.
    ---
    Start here.
    """

TRIAGE_ZH = f"""
    ---
    id: zh-triage
    lang: zh
    title: 客户端连不上代理：{LONG}
    summary: {LONG}
    tree:
      q:
        question: 端口开着吗？
        options: [是, 否]
      a:
        conclusion: 完成。
    ---
    从这里开始。
    """


def zh_kb(make_kb):
    return make_kb(
        {
            "emqx/zh-wrap.md": ENTRY_EN,
            "emqx/zh-wrap.zh.md": ENTRY_ZH,
            "triage/zh-triage.md": TRIAGE_EN,
            "triage/zh-triage.zh.md": TRIAGE_ZH,
        }
    )


ENGLISH = sorted(w for w in set(re.findall(r"[A-Za-z]{4,}", LONG)))


async def assert_breaks_between_characters(pilot, where: str) -> None:
    """`LONG` is on the screen with every English word whole, and no line starts with closing
    punctuation."""
    app = pilot.app
    await wait_for(pilot, lambda: "数据是否丢失" in re.sub(r"\s", "", screen_text(app)), what=where)
    text = screen_text(app)
    lines = [line.strip(" ▃▅▇▁│┃▎▊") for line in text.splitlines()]
    for word in ENGLISH:
        assert re.search(rf"\b{word}\b", text), (where, word, text)
    assert not [line for line in lines if line[:1] in ("、", "。", "，", "）")], (where, text)


async def walk_the_screens(pilot, width: int) -> None:
    app = pilot.app
    await loaded(pilot)
    await assert_breaks_between_characters(pilot, f"home {width}")  # the triage tree's title
    await pilot.press("ctrl+t")
    await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen), what="triage")
    await assert_breaks_between_characters(pilot, f"triage {width}")
    await pilot.press("escape")
    await show_entry(pilot, "zh-wrap")
    await assert_breaks_between_characters(pilot, f"entry {width}")  # the summary in the head
    await wait_for(pilot, lambda: "现象" in screen_text(app), what="the body")
    body = screen_text(app).split("现象", 1)[1]  # the body's paragraph and list item
    for word in ENGLISH:
        assert len(re.findall(rf"\b{word}\b", body)) == 2, (width, word, body)
    assert not re.search(r"^\W*[、。，）]", body, re.M), body
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(app.screen, ChecksScreen), what="checks")
    await assert_breaks_between_characters(pilot, f"checks {width}")
    await pilot.press("escape", "t")
    await wait_for(pilot, lambda: isinstance(app.screen, TreeScreen), what="tree")
    await assert_breaks_between_characters(pilot, f"question {width}")
    await pilot.press("2")
    await pilot.pause(0.2)
    await assert_breaks_between_characters(pilot, f"conclusion {width}")


@pilot_test
async def test_chinese_wraps_between_characters_on_every_screen(make_kb):
    """The tree's question and conclusion, the triage list, the home view, the entry's head and
    body, the checks detail: Chinese breaks between characters, English words stay whole."""
    kb = zh_kb(make_kb)
    for width in (66, 73, 79):
        app = make_app(kb=kb, lang="zh")
        async with app.run_test(size=(width, 70)) as pilot:
            await walk_the_screens(pilot, width)


def test_a_selection_across_breaks_copies_the_text_as_it_is():
    """Selection offsets are in the wrapped lines shown; the copy is the original text, with no
    newline where a line was broken and no space lost."""
    visual = BreakableVisual(Content(LONG))
    visual.wrapped(30)
    lines = wrap_lines(Content(LONG), 30)
    start = lines[1][1] + 2
    end = lines[3][1] + 5
    selection = Selection(Offset(2, 1), Offset(5, 3))
    assert visual.selected_text(selection) == LONG[start:end]
    assert visual.selected_text(Selection(None, None)) == LONG


# --- labels left in English in 中文 mode ---------------------------------------------------------
def flat(app) -> str:
    """The screen's text with its line breaks and spaces removed (Chinese may break anywhere)."""
    return re.sub(r"\s", "", screen_text(app))


async def see(pilot, *words: str, what: str = "") -> None:
    app = pilot.app
    wanted = [re.sub(r"\s", "", w) for w in words]
    try:
        await wait_for(pilot, lambda: all(w in flat(app) for w in wanted), 10, what or words[0])
    except AssertionError:
        raise AssertionError((words, screen_text(app))) from None


@pilot_test
async def test_targets_and_its_form_speak_chinese():
    app = make_app(lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetsScreen), what="targets")
        await see(pilot, "（无）", "DOCKER_HOST、当前上下文或本地套接字")
        await pilot.press("t")
        await see(pilot, "选择要测试的 Docker 主机或代理")
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetForm), what="the form")
        await see(pilot, "添加 Docker 主机", "ctrl+s：保存", "Docker 上下文名称（代替 URL）")
        await pilot.press("ctrl+s")
        await see(pilot, "名称：只能用字母", "请填写 URL 或上下文")


@pilot_test
async def test_filters_dialog_speaks_chinese():
    app = make_app(lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen), what="filters")
        await see(pilot, "筛选结果——Tab：下一个列表", "产品", "类型", "标签", "（任意）")


@pilot_test
async def test_entry_tree_and_picker_words_in_chinese():
    """Kind badges, the checks' badges on the entry, the tree's `← 检查：失败` mark, `体检：` for
    a place doctor chose, the picker's unclosed-quote message."""
    app = make_app(lang="zh")
    async with app.run_test(size=(100, 36)) as pilot:
        await loaded(pilot)
        await show_entry(pilot, "tui-probe-listener")
        await see(pilot, "故障")  # the kind badge (incident)
        await pilot.press("t")  # the tree runs port-open: port 1 is closed
        await wait_for(pilot, lambda: isinstance(app.screen, TreeScreen), what="tree")
        await see(pilot, "← 检查：失败")
        assert "fail" not in screen_text(app)
        await pilot.press("escape")
        await see(pilot, "本条目的检查：✘ 失败")  # the badges after the checks ran
        app.services.set_context(
            "tui-probe-listener",
            CheckContext(overrides={"container": "qa-x"}, origin="qa-x @ local"),
        )
        app.screen.settings_changed("tui-probe-listener")
        await see(pilot, "体检：qa-x @ local")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, CheckSettingsScreen), what="picker")
        app.screen.query_one("#params", Input).value = 'pattern="a b'
        app.screen.action_apply()
        await see(pilot, '引号（"）没有闭合')


# --- ctrl+l on the Targets and Paste-log screens ------------------------------------------------
@pilot_test
async def test_ctrl_l_relabels_targets_and_paste_log():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, TargetsScreen), what="targets")
        await pilot.press("t")
        await see(pilot, "(none)", "URL / context", "Select a Docker host or broker to test")
        await pilot.press("ctrl+l")
        await see(pilot, "（无）", "URL / 上下文", "凭据来源", "选择要测试的 Docker 主机或代理")
        await pilot.press("ctrl+l", "escape")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, PasteLogScreen), what="paste log")
        await pilot.press("ctrl+s")
        await see(pilot, "Paste a log, ctrl+s finds", "Nothing to diagnose: paste a log first.")
        await pilot.press("ctrl+l")
        await see(pilot, "粘贴日志，ctrl+s 查找匹配的条目", "没有可诊断的内容：请先粘贴日志。")


@pilot_test
async def test_ctrl_l_says_the_tree_breadcrumb_answers_again():
    """QA pass 32: the answers in a tree's breadcrumb stayed in the language they were given in
    (`… › Yes, it accepts connections` after ctrl+l to 中文, `Yes › Yes › 能` back in English)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await show_entry(pilot, "tui-probe-listener")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TreeScreen), what="tree")
        await pilot.press("1")  # "Yes, it accepts connections", whatever the check said
        await see(pilot, "› Yes, it accepts connections", "Do clients send a user name")
        await pilot.press("ctrl+l")
        await see(pilot, "› 能，可以连接", "客户端是否发送用户名和密码")
        assert "accepts connections" not in screen_text(app)
        await pilot.press("ctrl+l")
        await see(pilot, "› Yes, it accepts connections")
        assert "能，可以连接" not in screen_text(app)


@pilot_test
async def test_the_palette_names_an_entrys_kind_in_chinese():
    """QA pass 32: the palette's entries said `incident · tui-probe-listener` in 中文 (the
    results list says 故障)."""
    app = make_app(lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        for ch in "tui-probe":
            await pilot.press(ch)
        await see(pilot, "故障 · tui-probe-listener")
        assert "incident" not in screen_text(app)


# --- Chinese in the checks table's fixed-width cells --------------------------------------------
@pilot_test
async def test_checks_table_shows_the_kind_whole_or_not_at_all_in_chinese():
    for width in (58, 60, 62, 64, 66):
        app = make_app(lang="zh")
        async with app.run_test(size=(width, 24)) as pilot:
            await loaded(pilot)
            await show_entry(pilot, "tui-probe-listener")
            await pilot.press("c")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChecksScreen), what="checks")
            await see(pilot, "代理端口")
            rows = [line for line in screen_text(app).splitlines() if "代理端口" in line]
            for row in rows:
                assert "net.tcp" in row or "net." not in row, (width, row)


# --- help in 中文 -------------------------------------------------------------------------------
@pilot_test
async def test_help_in_chinese_has_distinct_tree_sections_and_the_triage_enter():
    app = make_app(lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        text = str(app.screen.query_one("#help-text", Static).render())
        titles = [line for line in text.splitlines() if line and not line.startswith(" ")]
        assert len(titles) == len(set(titles)), titles
        triage = text.split("排查树列表（ctrl+t）", 1)[1].split("\n\n", 1)[0]
        assert re.search(r"enter\s+逐步排查", triage), triage


@pilot_test
async def test_doctor_evidence_labels_are_chinese_and_the_copy_says_what_is_shown(monkeypatch):
    """The doctor (F7) said its findings in Chinese and their evidence as `status: exited`,
    `exit code: 1`, `log line 7: …`; the labels now follow the app's language (kb.i18n
    evidence_in, as `kb --lang zh doctor`), the log's own words stay as written."""
    from kb.checks.doctor import DoctorReport, Finding, HostReport
    from tui.screens.doctor import DoctorScreen

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/kbtui-test.sock")
    evidence = ["status: exited", "exit code: 1", "log line 7: OS monotonic time stepped backwards"]
    report = DoctorReport(
        findings=[Finding(None, "fail", "emqx", "local", evidence, "emqx: 意外退出")],
        hosts=[HostReport("local", "unix://x", True, 1)],
    )
    app = make_app(lang="zh")
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_text", lambda text, what="": copied.append(text))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        doctor = DoctorScreen(autoscan=False, live=False)
        await app.push_screen(doctor)
        doctor._done(report, None)
        await pilot.pause(0.3)
        text = screen_text(app)
        for said in (
            "状态：exited",
            "退出码：1",
            "日志第 7 行：OS monotonic time stepped backwards",
        ):
            assert said in text, (said, text)
        assert "status:" not in text and "log line" not in text, text
        await pilot.press("y")
        await pilot.pause(0.1)
        assert copied and "状态：exited" in copied[-1], copied

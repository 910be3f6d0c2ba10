"""Pilot tests for the TUI findings of QA pass 23 (M5, L2-L5, L8), one or more per finding.

The real loader, indexer and check engine on tests/fixtures/tui_kb; real TCP listeners answer the
checks. An unreachable Docker daemon is a unix socket that is bound but not listening
(`DOCKER_HOST=unix://…/dead.sock`): the shared daemon is never touched.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList, Static
from textual.widgets._footer import FooterKey
from tui_support import (
    closed_port,
    doctor_done,
    loaded,
    make_app,
    open_picker,
    pilot_test,
    screen_text,
    show_entry,
    tcp_listener,
    type_text,
    wait_for,
)

from tui.screens.doctor import DoctorScreen
from tui.screens.entry import EntryScreen
from tui.screens.home import HomeScreen
from tui.screens.problems import ProblemsScreen
from tui.screens.tree import TreeScreen
from tui.widgets.footer import KbFooter

SIZE = (80, 24)


async def walk_tree(pilot, entry_id: str, params: str) -> TreeScreen:
    """Open `entry_id`'s tree with `params` as where its checks run (what `p` sets)."""
    app = pilot.app
    await loaded(pilot)
    app.services.set_check_settings(entry_id, None, params)
    app.open_tree(entry_id)
    return await wait_for(
        pilot, lambda: isinstance(app.screen, TreeScreen) and app.screen, what="the tree"
    )


# --- M5: one Enter too many at a conclusion -------------------------------------------------------
@pilot_test
async def test_m5_enter_at_a_conclusion_keeps_it_and_b_undoes_start_over():
    app = make_app()
    with tcp_listener() as port:
        async with app.run_test(size=SIZE) as pilot:
            tree = await walk_tree(pilot, "tui-probe-listener", f"port={port}")
            await wait_for(pilot, lambda: tree.suggested == 0, what="the check's suggestion")
            await pilot.press("enter")  # take the suggested answer
            await wait_for(pilot, lambda: tree.node_id == "auth", what="the next question")
            await pilot.pause(0.2)
            await pilot.press("enter")  # the first option has focus: "Yes"
            await wait_for(pilot, lambda: tree.node_id == "check-acl", what="the conclusion")
            await pilot.pause(0.2)
            await pilot.press("enter")  # one more, by habit or key repeat
            await pilot.pause(0.2)
            assert tree.node_id == "check-acl" and [s.node for s in tree.path] == [
                "listening",
                "auth",
            ]
            assert "Check the ACL file" in screen_text(app)
            assert app.screen is tree

            await pilot.press("r")
            assert tree.node_id == "listening" and tree.path == []
            await pilot.press("b")  # back over the restart: the walk as it was
            assert tree.node_id == "check-acl"
            assert [s.node for s in tree.path] == ["listening", "auth"]
            assert "Check the ACL file" in screen_text(app)
            await pilot.press("b")  # and on back through its answers
            assert tree.node_id == "auth"


@pilot_test
async def test_m5_enter_at_a_conclusion_naming_an_entry_does_not_leave_the_tree():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = await walk_tree(pilot, "tree-tui-triage", f"port={closed_port()}")
        await wait_for(pilot, lambda: tree.suggested == 1, what="the check's suggestion")
        await pilot.press("enter")
        await wait_for(pilot, lambda: tree.node_id == "see-entry", what="the conclusion")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is tree and tree.node_id == "see-entry"
        await pilot.press("e")  # the entry is a key away
        await wait_for(pilot, lambda: isinstance(app.screen, EntryScreen), what="the entry")


# --- L5: the Chinese footer at 80 columns -------------------------------------------------------
def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


@pilot_test
async def test_l5_footer_drops_whole_keys_and_never_splits_a_wide_character():
    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        footer = app.screen.query_one(KbFooter)
        for size in (SIZE, (160, 30), SIZE, (60, 20)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            line = footer_line(app)
            assert line.endswith("^p 命令面板"), line
            keys = [k for k in footer.query(FooterKey) if not k.has_class("-command-palette")]
            shown = [k for k in keys if k.display]
            for key in shown:  # every key shown is whole: its key and its whole label
                assert f"{key.key_display} {key.description}" in line, (key.description, line)
            for key in keys:
                if not key.display:
                    assert key.description not in line
            assert shown == keys[: len(shown)]  # keys are dropped from the end only
            if size == (160, 30):
                assert "f8 目标" in line and len(shown) == len(keys)
            else:
                assert len(shown) < len(keys)


# --- L8: the palette has Problems (F6) and Home (F2) ----------------------------------------------
async def run_from_palette(pilot, words: str) -> None:
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), what="palette")
    await type_text(pilot, words)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await wait_for(
        pilot, lambda: not isinstance(pilot.app.screen, CommandPalette), what="palette closed"
    )


@pilot_test
async def test_l8_palette_opens_problems_and_goes_home():
    app = make_app()  # the fixture KB loads without problems: F6 still answers
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert not app.services.problems()
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Problems" in commands and "Home" in commands
        await run_from_palette(pilot, "problems")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen), what="problems")
        await show_entry(pilot, "tui-probe-listener")
        await run_from_palette(pilot, "home")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")


# --- an unreachable Docker daemon (L2, L3) --------------------------------------------------------
@pytest.fixture
def dead_docker(monkeypatch) -> Iterator[str]:
    """DOCKER_HOST at a unix socket that exists but refuses connections (bound, not listening)."""
    folder = Path(tempfile.mkdtemp(prefix="tui-dead-", dir="/tmp"))  # short: a socket path ≤ 107
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "dead.sock"))
    url = f"unix://{folder / 'dead.sock'}"
    monkeypatch.setenv("DOCKER_HOST", url)
    try:
        yield url
    finally:
        sock.close()
        shutil.rmtree(folder, ignore_errors=True)


async def picker_lines(lang: str) -> list[str]:
    """What the "Where checks run" picker lists for an entry, in `lang`."""
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await show_entry(pilot, "tui-probe-listener")
        dialog = await open_picker(pilot)
        await pilot.pause(0.2)
        pick = dialog.query_one("#pick", OptionList)
        return [str(pick.get_option_at_index(i).prompt) for i in range(pick.option_count)]


@pilot_test
async def test_l3_where_dialog_says_why_it_lists_no_containers(dead_docker):
    for lang, said in (("en", "cannot list containers: "), ("zh", "无法列出容器：")):
        shown = await picker_lines(lang)
        assert not any("no running containers" in s or "没有正在运行的容器" in s for s in shown)
        assert f"{said}no Docker daemon at {dead_docker}: connection refused" in shown, shown


def flat(text: str) -> str:
    """Screen text with its line breaks and runs of spaces as one space (status lines wrap)."""
    return " ".join(text.split())


@pilot_test
async def test_l2_doctor_names_an_unreachable_daemon_and_enter_opens_its_entry(dead_docker):
    app = make_app(kb=None, bundled=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        doctor = await doctor_done(pilot)
        (finding,) = doctor.findings
        assert doctor._title(finding) == f"Cannot reach the Docker daemon at {dead_docker}"
        text = flat(screen_text(app))
        assert "Cannot reach the Docker daemon" in text and "None" not in text
        status = flat(str(doctor.query_one("#doctor-status", Static).render()))
        assert "finding" not in status  # the host error is no finding
        assert status.startswith(f"could not scan local: no Docker daemon at {dead_docker}")
        await pilot.press("enter")
        entry = await wait_for(
            pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="the entry"
        )
        assert entry.entry.id == "docker-daemon-not-running"

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is doctor, what="the doctor again")
        await pilot.press("ctrl+l")
        await pilot.pause(0.3)
        status = flat(str(doctor.query_one("#doctor-status", Static).render()))
        assert status.startswith(f"无法扫描 local：no Docker daemon at {dead_docker}")
        assert "无法连接" in flat(screen_text(app))


@pilot_test
async def test_l2_enter_on_a_finding_without_an_entry_says_so(dead_docker):
    app = make_app()  # the fixture KB has no entry about the daemon
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        doctor = await doctor_done(pilot)
        assert "Cannot reach the Docker daemon" in flat(screen_text(app))
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen is doctor
        said = [str(n.message) for n in app._notifications]
        assert any(s.startswith("No entry for this finding: Cannot reach") for s in said), said


# --- L4: the doctor's Container column stays on screen --------------------------------------------
LONG = "exited with code 1 after 0.4s; its log ends: " + "Waiting for server startup… " * 6


@pilot_test
async def test_l4_container_column_is_visible_at_80_and_160_columns():
    from kb.checks.doctor import DoctorReport, Finding, HostReport

    findings = [
        Finding("tui-probe-listener", "fail", "qa23-exit1", "local", [LONG], LONG, "exit"),
        Finding("tui-evil-faq", "warn", "kbtui-test-apollo", "local", [], "restarting", "state"),
    ]
    report = DoctorReport(findings=findings, hosts=[HostReport("local", "unix://x", True, 2)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        doctor = DoctorScreen(autoscan=False, live=False)
        await app.push_screen(doctor)
        doctor._done(report, None)
        for size in (SIZE, (160, 48), SIZE):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            lines = screen_text(app).splitlines()
            header = next(line for line in lines if "Finding" in line)
            assert header.rstrip().endswith("Container"), header
            assert len(header.rstrip()) <= size[0]
            assert any(line.rstrip().endswith("qa23-exit1") for line in lines), lines
            assert any("kbtui-test-apol" in line for line in lines)
            assert any("…" in line and "exited with code 1" in line for line in lines)


# --- L5: the doctor's live status in Chinese ------------------------------------------------------
@pilot_test
async def test_l5_doctor_live_status_is_worded_in_the_language_shown():
    from kb.checks.doctor import DoctorReport, HostReport

    report = DoctorReport(hosts=[HostReport("local", "unix://x", True, 0)])
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        doctor = DoctorScreen(autoscan=False, live=False)
        await app.push_screen(doctor)
        doctor._done(report, None)
        # what the events worker hands over after a `die` event and the re-scan of its container
        doctor._rescanned("local", "qa23-restarting", "die", [])
        await pilot.pause(0.2)

        def status() -> str:
            return flat(str(doctor.query_one("#doctor-status", Static).render()))

        assert status().endswith("live: die qa23-restarting → rescanned")
        await pilot.press("ctrl+l")  # the note was worded in English; it follows the switch
        await pilot.pause(0.3)
        assert status().endswith("实时：qa23-restarting 退出 → 已重新扫描"), status()
        assert "live" not in status() and "die" not in status()

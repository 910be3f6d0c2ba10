"""kbtui against the real Docker Engine: the issue's "Done when" walk-through and the doctor screen.

Keyboard only, on the bundled KB, with the incident containers of tests/live (the `kbtui-test-*`
containers; kbtui-test-monotonic is EMQX that aborted with "OS monotonic time stepped backwards").
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tui_support import doctor_done, loaded, make_app, pilot_test, screen_text, type_text, wait_for

from tui.screens.checks import ChecksScreen
from tui.screens.doctor import DoctorScreen
from tui.screens.entry import EntryScreen
from tui.screens.tree import TreeScreen
from tui.widgets.result_list import ResultList

sys.path.insert(0, str(Path(__file__).resolve().parent / "live"))
import live_incidents as incidents  # noqa: E402

pytestmark = [pytest.mark.live, pytest.mark.shared_docker]
ENTRY = "emqx-monotonic-time-stepped-backwards"
CONTAINER = incidents.PREFIX + "monotonic"


@pilot_test
async def test_done_when_walkthrough_keyboard_only(incident_containers):
    from kb.checks.runner import run_check

    app = make_app(kb=None, bundled=True)  # what `kbtui` opens: the bundled KB
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        # 1. type `monotonic`, open the EMQX entry
        await type_text(pilot, "monotonic")
        home = app.screen
        await wait_for(
            pilot, lambda: home.last_query == "monotonic" and home.last_hits, what="results"
        )
        rl = home.query_one(ResultList)
        ids = [
            rl.get_option_at_index(i).id
            for i in range(rl.option_count)
            if rl.get_option_at_index(i).id
        ]
        assert ENTRY in ids
        await pilot.press("down")  # into the results
        while rl.get_option_at_index(rl.highlighted).id != ENTRY:
            await pilot.press("down")
        await pilot.press("enter")
        entry = await wait_for(
            pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="entry"
        )
        assert entry.entry.id == ENTRY
        # 2. switch to 中文
        await pilot.press("l")
        await wait_for(
            pilot,
            lambda: "EMQX 容器启动十分钟左右自动退出" in screen_text(app),
            what="Chinese entry",
        )
        # 3. point the checks at the local container, then walk the tree with checks answering
        await pilot.press("p")
        await wait_for(
            pilot, lambda: type(app.screen).__name__ == "CheckSettingsScreen", what="settings"
        )
        await type_text(pilot, f"container={CONTAINER}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is entry, what="settings applied")
        await pilot.press("t")
        tree = await wait_for(
            pilot, lambda: isinstance(app.screen, TreeScreen) and app.screen, what="tree"
        )
        assert "EMQX 容器现在还在运行吗" in screen_text(app)
        expected = [
            ("running", "container-running", "fail", 1),
            ("clock-log", "clock-log", "fail", 0),
            ("erl-flags", "erl-flags", "warn", 0),
        ]
        for node, check, status, option in expected:
            assert tree.node_id == node
            await wait_for(
                pilot, lambda check=check: check in tree.results, timeout=30, what=f"check {check}"
            )
            assert tree.results[check].status == status, tree.results[check]
            assert tree.suggested == option
            await wait_for(
                pilot,
                lambda option=option: app.focused is tree.option_buttons[option],
                what="focus",
            )
            await pilot.press("enter")  # accept what the check says
        assert tree.node_id == "host-clock"
        await wait_for(
            pilot, lambda: "host-clock" in tree.results, timeout=30, what="host clock check"
        )
        if tree.suggested is not None:
            await pilot.press("enter")
        else:  # the host clock could not be read here: the user answers
            await pilot.press("1")
        if tree.node_id == "virtualbox":
            await pilot.press("2")  # not VirtualBox
        await wait_for(pilot, lambda: tree.node.is_conclusion, what="a conclusion")
        assert "结论" in screen_text(app)
        crumbs = str(tree.query_one("#crumbs").render())
        assert "已经停止" in crumbs and "有，日志里能看到这条报错" in crumbs
        # 4. run the entry's checks against the local Docker host
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is entry, what="back to the entry")
        await pilot.press("c")
        checks = await wait_for(
            pilot, lambda: isinstance(app.screen, ChecksScreen) and app.screen, what="checks"
        )
        await pilot.press("a")
        await wait_for(
            pilot,
            lambda: not checks.busy and len(checks.results) == len(entry.entry.checks),
            timeout=60,
            what="all checks",
        )
        statuses = {k: r.status for k, r in checks.results.items()}
        assert statuses["container-running"] == "fail" and statuses["clock-log"] == "fail"
        assert statuses["erl-flags"] == "warn" and statuses["restart-count"] == "pass"
        # the same engine as `kb check`: identical statuses and summaries
        for spec in entry.entry.checks:
            if spec.kind.startswith("docker."):
                engine = run_check(entry.entry, spec, params={"container": CONTAINER})
                assert (engine.status, engine.summary) == (
                    statuses[spec.id],
                    checks.results[spec.id].summary,
                )
        assert "OS monotonic time stepped backwards" in " ".join(
            checks.results["clock-log"].evidence
        )


@pilot_test
async def test_doctor_finds_the_incident_and_opens_its_entry(incident_containers):
    app = make_app(kb=None, bundled=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        doctor = await doctor_done(pilot, timeout=90)
        found = [(f.entry, f.container) for f in doctor.findings]
        assert (ENTRY, CONTAINER) in found, found
        for _ in range(found.index((ENTRY, CONTAINER))):
            await pilot.press("down")
        assert "kbtui-test-monotonic" in screen_text(app)
        await pilot.press("enter")
        entry = await wait_for(
            pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="entry"
        )
        assert entry.entry.id == ENTRY


@pilot_test
async def test_doctor_in_chinese_says_its_findings_in_chinese(incident_containers):
    """The TUI's doctor scanned in English whatever the app's language: its findings (an OOM
    kill, an exit code, a log matching an entry) now follow the language, as kb --lang zh
    doctor does."""
    import re

    app = make_app(kb=None, bundled=True, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        doctor = await doctor_done(pilot, timeout=90)
        ours = [f for f in doctor.findings if f.kind in ("oom", "exit", "signature")]
        assert ours, doctor.findings
        for f in ours:
            assert re.search(r"[\u4e00-\u9fff]", f.summary) and "matches" not in f.summary, f


# --- issue 13: live doctor and the container picker ------------------------------------------------
OWN = "kbtui-tui-"  # containers of these tests (not the shared kbtui-test-* incidents)


@pytest.fixture
def doomed_container(docker_engine):
    """A running container that exits 1 once the test touches /tmp/die in it."""
    import uuid

    name = f"{OWN}doomed-{uuid.uuid4().hex[:6]}"
    incidents.docker(
        "run",
        "-d",
        "--name",
        name,
        "--network",
        "none",
        "--label",
        "kbtui-test=1",
        incidents.BASE_IMAGE,
        "sh",
        "-c",
        "while [ ! -f /tmp/die ]; do sleep 0.2; done; exit 1",
    )
    yield name
    incidents.docker("rm", "-f", "-v", name, check=False)


@pilot_test
async def test_live_doctor_picks_up_a_container_that_dies(doomed_container):
    app = make_app(kb=None, bundled=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("f7")
        doctor = await wait_for(
            pilot, lambda: isinstance(app.screen, DoctorScreen) and app.screen, what="doctor"
        )
        await wait_for(
            pilot, lambda: not doctor.scanning and doctor._following, timeout=90, what="scan"
        )
        assert doomed_container not in [f.container for f in doctor.findings]  # healthy so far
        await pilot.pause(1.5)  # the event stream is open
        incidents.docker("exec", doomed_container, "touch", "/tmp/die")
        await wait_for(
            pilot,
            lambda: doomed_container in [f.container for f in doctor.findings],
            timeout=30,
            what="the dead container's finding without pressing s",
        )
        finding = next(f for f in doctor.findings if f.container == doomed_container)
        assert finding.status in ("fail", "warn") and "exit code: 1" in finding.evidence
        assert doctor.live_events >= 1


@pilot_test
async def test_where_dialog_lists_containers_running_first(doomed_container, incident_containers):
    from tui_support import open_picker

    app = make_app(kb=None, bundled=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        app.open_entry(ENTRY)
        await pilot.pause(0.3)
        dialog = await open_picker(pilot, timeout=20)
        item = next(i for i in dialog.items if i.name == doomed_container)
        assert item.kind == "container"
        # a stopped container can be picked too (a tree about a container that stopped), listed
        # after the running ones with its status
        stopped = [i for i in dialog.items if i.kind == "container" and " · " in i.detail]
        running = [i for i in dialog.items if i.kind == "container" and " · " not in i.detail]
        assert stopped and running, dialog.items
        kinds = [" · " in i.detail for i in dialog.items if i.kind == "container"]
        assert kinds == sorted(kinds)
        assert any("Exited" in i.detail for i in stopped), stopped
        dialog.pick(item)
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.services.context(ENTRY).overrides == {"container": doomed_container}

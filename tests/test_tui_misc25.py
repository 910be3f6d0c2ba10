"""Pilot tests for the TUI defects of QA pass misc25 (#13, #14, #16), one or more per defect.

The real loader, engine and services on the fixture KB (tests/fixtures/tui_kb) or KBs written by
the test; no Docker daemon is touched (DOCKER_HOST names a socket that does not exist)."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import loaded, make_app, open_picker, pilot_test, show_entry, wait_for

from tui.screens.check_settings import CheckSettingsScreen
from tui.screens.checks import ChecksScreen
from tui.screens.entry import EntryScreen

SIZE = (100, 30)
RABBIT_KB = {
    "rabbitmq/misc25-alarm.md": """
        ---
        id: misc25-alarm
        kind: incident
        title: RabbitMQ blocks publishers on a memory alarm
        summary: Used by the misc25 tests.
        products: [rabbitmq]
        updated: 2026-12-01
        symptoms: [publishers blocked]
        checks:
          - id: alarms
            kind: rabbitmq.api
            title: No memory or disk alarm on this node
            params: {path: /api/health/checks/local-alarms}
        ---
        ## Symptoms
        x
        """
}


async def open_checks(pilot, entry_id: str) -> ChecksScreen:
    app = pilot.app
    await loaded(pilot)
    await show_entry(pilot, entry_id)
    await pilot.press("c")
    return await wait_for(
        pilot, lambda: isinstance(app.screen, ChecksScreen) and app.screen, what="checks"
    )


def detail(checks: ChecksScreen) -> str:
    return " ".join(str(checks.query_one("#checks-detail").render()).split())


# --- #13: the panel described the check with the entry's defaults, not what it runs with ----------
@pilot_test
async def test_13_the_description_uses_the_overrides_the_check_runs_with(monkeypatch, make_kb):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/kbtui-test.sock")
    app = make_app(kb=make_kb(RABBIT_KB))
    async with app.run_test(size=SIZE) as pilot:
        checks = await open_checks(pilot, "misc25-alarm")
        assert "API at http://127.0.0.1:15672/api/health/checks/local-alarms" in detail(checks)
        problems = app.services.set_check_settings(
            "misc25-alarm", None, "url=http://ops:s3cr3t-misc25@127.0.0.1:19999"
        )
        assert problems == []
        checks.settings_changed("misc25-alarm")
        await pilot.pause(0.1)
        text = detail(checks)
        # the parameter line and the description both say 19999; the password is in neither
        assert (
            "(path=/api/health/checks/local-alarms, url=http://ops:<redacted>@127.0.0.1:19999"
            in text
        )
        assert "API at http://ops:<redacted>@127.0.0.1:19999/api/health/checks/local-alarms" in text
        assert "15672" not in text and "s3cr3t-misc25" not in text


# --- #14: the "Where checks run" field could not take a value with spaces, even quoted -------------
LOGS_KB = {
    "docker/misc25-logs.md": """
        ---
        id: misc25-logs
        kind: incident
        title: Clients log connection refused
        summary: Used by the misc25 tests.
        products: [docker]
        updated: 2026-12-01
        symptoms: [connection refused]
        checks:
          - id: refused
            kind: docker.logs
            title: The app's log has no refused connections
            params: {container: app, pattern: refused}
        ---
        ## Symptoms
        x
        """
}


async def where(pilot, entry_id: str) -> CheckSettingsScreen:
    await loaded(pilot)
    await show_entry(pilot, entry_id)
    return await open_picker(pilot)


async def apply(pilot, dialog: CheckSettingsScreen, text: str) -> str:
    dialog.query_one("#params", Input).value = text
    await pilot.press("ctrl+s")
    await pilot.pause(0.2)
    return str(dialog.query_one("#settings-problems").render()) if dialog.is_attached else ""


@pilot_test
async def test_14_quoted_values_with_spaces_are_one_parameter(monkeypatch, make_kb):
    """Before: `container="qa25 x" timeout=4` → `'x"': use NAME=VALUE`."""
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/kbtui-test.sock")
    app = make_app(kb=make_kb(LOGS_KB))
    async with app.run_test(size=SIZE) as pilot:
        dialog = await where(pilot, "misc25-logs")
        # a quote not closed: one line that says so, nothing applied
        shown = await apply(pilot, dialog, 'pattern="connection refused timeout=4')
        assert shown.startswith('a quote (") is not closed'), shown
        assert app.services.context("misc25-logs").is_default()
        assert await apply(pilot, dialog, 'container="qa25 x" timeout=4') == ""
        await wait_for(pilot, lambda: isinstance(app.screen, EntryScreen), what="applied")
        assert app.services.context("misc25-logs").overrides == {
            "container": "qa25 x",
            "timeout": 4,
        }
        # reopened, the field shows them so that applying it again gives the same
        dialog = await open_picker(pilot)
        field = dialog.query_one("#params", Input)
        assert field.value == "container='qa25 x' timeout=4"
        shown = await apply(pilot, dialog, "pattern='connection refused, reset' exit_codes=[0,1]")
        assert "exit_codes" in shown  # docker.logs has no exit_codes: the value reached the rule
        assert await apply(pilot, dialog, r"pattern='refused \(x\)' tail=50,since=1h") == ""
        await wait_for(pilot, lambda: isinstance(app.screen, EntryScreen), what="applied")
        assert app.services.context("misc25-logs").overrides == {
            "pattern": r"refused \(x\)",
            "tail": 50,
            "since": "1h",
        }


def test_14_split_and_format_read_each_other_back():
    from kb.checks.runner import parse_overrides
    from tui.services import format_params, split_params

    for overrides in (
        {"container": "qa25 x", "timeout": 4},
        {"pattern": 'it\'s "quoted", really', "exit_codes": [0, 1], "anonymous": True},
        {"container": "1883", "pattern": r"\d+ ms"},
    ):
        assert parse_overrides(split_params(format_params(overrides))) == overrides
    assert split_params("port=1883,host=x exit_codes=[0,1]") == [
        "port=1883",
        "host=x",
        "exit_codes=[0,1]",
    ]


# --- #16: the live doctor's pop-ups went on over other screens, once per flap ----------------------
def _toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pilot_test
async def test_16_new_findings_pop_up_only_on_the_doctor_and_once_per_finding(monkeypatch):
    """Before: every flap of a health check (unhealthy → healthy → unhealthy every 4 s) popped up
    "New finding" on whatever screen was shown — at 160x50 over the F8 form's field errors."""
    from kb.checks.doctor import DoctorReport, Finding, HostReport
    from tui.screens import doctor as doctor_mod
    from tui.screens.doctor import DoctorScreen

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/kbtui-test.sock")

    def sick() -> list[Finding]:
        return [
            Finding("tui-probe-listener", "warn", "qa-flap", "local", [], "unhealthy", "unhealthy")
        ]

    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(pilot)
        doctor = DoctorScreen(autoscan=False, live=False)
        await app.push_screen(doctor)
        doctor._done(DoctorReport(hosts=[HostReport("local", "unix://x", True, 1)]), None)
        # on the doctor: the first time it turns unhealthy is announced
        doctor._rescanned("local", "qa-flap", "health_status", sick())
        await pilot.pause(0.1)
        new = [t for t in _toasts(app) if t.startswith("New finding")]
        assert len(new) == 1 and new[0].endswith("(qa-flap)"), new
        app.clear_notifications()
        # it flaps: healthy, unhealthy again — the same finding is not announced again
        for _ in range(3):
            doctor._rescanned("local", "qa-flap", "health_status", [])
            doctor._rescanned("local", "qa-flap", "health_status", sick())
        await pilot.pause(0.1)
        assert _toasts(app) == [] and doctor.live_events == 7
        # another screen: nothing pops up there, however many findings come
        await pilot.press("f8")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TargetsScreen", what="F8")
        assert not doctor.is_active
        doctor._announced.clear()  # as if ANNOUNCE_EVERY had passed
        for name in ("qa-a", "qa-b"):
            doctor._rescanned(
                "local", name, "die", [Finding(None, "fail", name, "local", [], "exit 1", "exit")]
            )
        doctor._rescanned("local", "qa-flap", "health_status", [])
        doctor._rescanned("local", "qa-flap", "health_status", sick())
        await pilot.pause(0.1)
        assert _toasts(app) == [] and doctor.unseen == 3
        # back on the doctor: one line with the count; the rows are there
        await pilot.press("escape")
        await wait_for(pilot, lambda: doctor.is_active, what="the doctor")
        await pilot.pause(0.1)
        assert _toasts(app) == ["3 new findings while away"] and doctor.unseen == 0
        assert {f.container for f in doctor.findings} == {"qa-a", "qa-b", "qa-flap"}
        # after ANNOUNCE_EVERY the flapping finding is announced again
        monkeypatch.setattr(doctor_mod, "ANNOUNCE_EVERY", 0.0)
        app.clear_notifications()
        doctor._rescanned("local", "qa-flap", "health_status", [])
        doctor._rescanned("local", "qa-flap", "health_status", sick())
        await pilot.pause(0.1)
        assert len([t for t in _toasts(app) if t.startswith("New finding")]) == 1

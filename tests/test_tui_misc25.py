"""Pilot tests for the TUI defects of QA pass misc25 (#13, #14, #16), one or more per defect.

The real loader, engine and services on the fixture KB (tests/fixtures/tui_kb) or KBs written by
the test; no Docker daemon is touched (DOCKER_HOST names a socket that does not exist)."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import loaded, make_app, open_picker, pilot_test, wait_for

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
    app.open_entry(entry_id)
    await wait_for(pilot, lambda: isinstance(app.screen, EntryScreen), what="the entry")
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

"""Snapshot tests of kbtui's main screens at 80×24 and 140×45 (pytest-textual-snapshot), on the
fixture KB: the preview beside the results, the Chinese UI and the target picker included.

Update after an intended change with: .venv/bin/pytest tests/test_tui_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
import yaml
from tui_support import make_app, pilot_test, type_text, wait_for

SIZE = (80, 24)
WIDE = (140, 45)


@pytest.fixture
def snap_compare(snap_compare):
    """pytest-textual-snapshot's snap_compare, with every input's cursor held steady before the
    picture is taken: under load the blink phase decided whether a placeholder's first character
    was drawn as the cursor (a failure no screen change caused)."""

    def compare(app, *, run_before=None, **kwargs):
        async def steady(pilot):
            if run_before is not None:
                await run_before(pilot)
            from textual.widgets import Input, TextArea

            for widget in pilot.app.screen.query("Input, TextArea"):
                if isinstance(widget, (Input, TextArea)):
                    widget.cursor_blink = False
            await pilot.pause(0.1)

        return snap_compare(app, run_before=steady, **kwargs)

    return compare


@pytest.fixture(autouse=True)
def _snapshot_home(tmp_path, monkeypatch):
    # the targets screen shows the config path as $KBTUI_HOME/…, so a per-test home is stable;
    # no Docker daemon here, so the target picker lists exactly the configured targets
    monkeypatch.setenv("KBTUI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/kbtui-snapshot.sock")
    conf = tmp_path / "home" / "config" / "config.yaml"
    conf.parent.mkdir(parents=True)
    conf.write_text(
        yaml.safe_dump(
            {
                "docker_hosts": [{"name": "prod", "url": "ssh://ops@prod-docker-1"}],
                "brokers": [
                    {
                        "name": "emqx-prod",
                        "kind": "emqx",
                        "host": "10.0.0.5",
                        "ports": {"mqtt": 1883},
                        "password_env": "EMQX_PASS",
                    }
                ],
            }
        )
    )
    conf.chmod(0o600)


async def _ready(pilot) -> None:
    await wait_for(pilot, pilot.app.services.loaded.is_set, 60, "the KB")
    await pilot.pause(0.2)


async def _search(pilot, text: str = "refused") -> None:
    await _ready(pilot)
    await type_text(pilot, text)
    home = pilot.app.screen
    await wait_for(pilot, lambda: home.last_query == text, what="results")
    await pilot.pause(0.1)


async def _entry(pilot) -> None:
    await _search(pilot, "anonymous listener")
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "EntryScreen", what="entry")
    await pilot.pause(0.3)


def test_home_results(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_search)


def test_home_results_light_theme(snap_compare):
    assert snap_compare(make_app(theme="textual-light"), terminal_size=SIZE, run_before=_search)


def test_filter_dialog(snap_compare):
    async def run_before(pilot):
        await _search(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause(0.2)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_entry_english(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_entry)


def test_entry_chinese(snap_compare):
    async def run_before(pilot):
        await _entry(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: pilot.app.lang == "zh", what="the language switch")
        # the "语言：中文" toast lives 1.5 s: under load the picture was taken before or after
        # it, so it is cleared and checked on its own (test_language_toggle_says_so)
        pilot.app.clear_notifications()
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


@pilot_test
async def test_language_toggle_says_so() -> None:
    app = make_app()
    said: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):  # type: ignore[no-untyped-def]
        said.append(str(message))
        return original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await _entry(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: "语言：中文" in said, what="the toast")
        await pilot.press("l")
        await wait_for(pilot, lambda: "Language: English" in said, what="the toast")


def test_tree_conclusion(snap_compare):
    async def run_before(pilot):
        await _entry(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "TreeScreen", what="tree")
        await pilot.press("1", "2")  # answered by hand: no timing-dependent check output on screen
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_checks_before_running(snap_compare):
    async def run_before(pilot):
        await _entry(pilot)
        await pilot.press("c")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_triage_trees(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_targets(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("f8")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("f1")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_paste_log_empty(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("ctrl+g")
        await wait_for(
            pilot, lambda: type(pilot.app.screen).__name__ == "PasteLogScreen", what="paste log"
        )
        pilot.app.screen.query_one(
            "#log"
        ).cursor_blink = False  # a blink phase must not decide the result
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


async def _picker(pilot) -> None:
    await _entry(pilot)
    await pilot.press("p")
    await wait_for(
        pilot,
        lambda: (
            type(pilot.app.screen).__name__ == "CheckSettingsScreen" and pilot.app.screen.loaded
        ),
        what="target picker",
    )
    pilot.app.screen.query_one("#params").cursor_blink = False
    await pilot.pause(0.3)


def test_target_picker(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_picker)


def test_target_picker_wide(snap_compare):
    assert snap_compare(make_app(), terminal_size=WIDE, run_before=_picker)


def test_preview_wide(snap_compare):
    async def run_before(pilot):
        await _search(pilot)
        await wait_for(pilot, lambda: pilot.app.screen.preview_id, what="preview")
        await pilot.pause(0.2)

    assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)


def test_home_chinese(snap_compare):
    assert snap_compare(make_app(lang="zh"), terminal_size=SIZE, run_before=_search)


def test_home_view_chinese_wide(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await wait_for(pilot, lambda: pilot.app.screen.showing_home, what="home view")
        await pilot.pause(0.2)

    assert snap_compare(make_app(lang="zh"), terminal_size=WIDE, run_before=run_before)


def test_checks_chinese(snap_compare):
    async def run_before(pilot):
        await _entry(pilot)
        await pilot.press("c")
        await pilot.pause(0.3)

    assert snap_compare(make_app(lang="zh"), terminal_size=SIZE, run_before=run_before)

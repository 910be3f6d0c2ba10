"""Helpers for the kbtui tests: the fixture KB, an app bound to it, and waiting for async work."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.helpers import free_ports, loopback_server
from tui.app import KbApp
from tui.services import Services

FIXTURE_KB = Path(__file__).resolve().parent / "fixtures" / "tui_kb"


def make_app(
    *,
    kb: Path | None = FIXTURE_KB,
    bundled: bool = False,
    lang: str = "en",
    theme: str | None = None,
) -> KbApp:
    """The real app on the real loader/indexer/engine, reading only the given KB."""
    return KbApp(Services([kb] if kb else [], bundled=bundled), lang=lang, theme=theme)


async def wait_for(
    pilot, cond: Callable[[], object], timeout: float = 15.0, what: str = "condition"
):
    """Let the app run until `cond()` is truthy; fail with `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = cond()
        if value:
            return value
        await pilot.pause(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


async def search(pilot, text: str) -> Any:
    """Type `text` into the home screen's box and wait until the list shows the box's results
    (the whole box: typed after an earlier query, the two together). Returns the home screen."""
    from tui.screens.home import HomeScreen
    from tui.widgets.search_input import SearchInput

    home = pilot.app.screen
    assert isinstance(home, HomeScreen), home
    before = home.shown_seq
    await type_text(pilot, text)
    await wait_for(
        pilot,
        lambda: home.shown_seq > before and home.last_query == home.query_one(SearchInput).value,
        what=f"results for {text!r}",
    )
    return home


async def doctor_done(pilot, timeout: float = 30.0) -> Any:
    """Open the doctor (F7) and wait until its scan has ended; returns the doctor screen."""
    from tui.screens.doctor import DoctorScreen

    await pilot.press("f7")
    doctor = await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, DoctorScreen)
            and not pilot.app.screen.scanning
            and pilot.app.screen.report is not None
            and pilot.app.screen
        ),
        timeout=timeout,
        what="the doctor's scan",
    )
    await pilot.pause(0.2)
    return doctor


async def open_picker(pilot, timeout: float = 15.0):
    """Press `p` and wait for the "Where checks run" dialog with its targets and containers
    listed; returns the dialog."""
    from tui.screens.check_settings import CheckSettingsScreen

    app = pilot.app
    await pilot.press("p")
    return await wait_for(
        pilot,
        lambda: isinstance(app.screen, CheckSettingsScreen) and app.screen.loaded and app.screen,
        timeout,
        "the picker",
    )


async def loaded(pilot) -> None:
    await wait_for(pilot, pilot.app.services.loaded.is_set, 60, "the KB to load")
    await pilot.pause(0.1)


async def show_entry(pilot, entry_id: str):
    """Open `entry_id` in the app (as a search result's Enter does) and wait for its screen."""
    from tui.screens.entry import EntryScreen

    app = pilot.app
    app.open_entry(entry_id)
    return await wait_for(
        pilot, lambda: isinstance(app.screen, EntryScreen) and app.screen, what="the entry"
    )


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


def screen_text(app) -> str:
    """Everything visible on the app's screen (modal screens included), as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


@contextmanager
def tcp_listener() -> Iterator[int]:
    """A real TCP listener on 127.0.0.1 that accepts and closes connections; yields its port."""
    with loopback_server(lambda conn: conn.close()) as port:
        yield port


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    return free_ports(1)[0]


def pilot_test(fn):
    """Run an async Pilot test with asyncio (no pytest async plugin needed); fixtures still work."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper

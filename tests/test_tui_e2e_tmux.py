"""End to end: start the installed `kbtui` in a real terminal (tmux), type a query, read the screen."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from tui_support import FIXTURE_KB

TMUX = shutil.which("tmux")
KBTUI = Path(sys.executable).with_name("kbtui")


def _tmux(*args: str) -> str:
    return subprocess.run(
        [TMUX, *args], capture_output=True, text=True, check=True, timeout=20
    ).stdout


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session)


def _wait_screen(session: str, needle: str, timeout: float = 30) -> str:
    end = time.monotonic() + timeout
    text = ""
    while time.monotonic() < end:
        text = _screen(session)
        if needle in text:
            return text
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} not on screen after {timeout}s:\n{text}")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)")
def test_kbtui_in_tmux_search_open_and_quit(tmp_path):
    assert KBTUI.exists(), f"the kbtui console script is missing at {KBTUI}; pip install -e ."
    session = f"kbtui-e2e-{uuid.uuid4().hex[:8]}"
    env_cmd = (
        f"env KBTUI_HOME={tmp_path} LANG=en_US.UTF-8 TERM=xterm-256color {KBTUI} --kb {FIXTURE_KB}"
    )
    _tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", env_cmd)
    try:
        _wait_screen(session, "entries")  # the KB loaded; the search box has focus
        _tmux("send-keys", "-t", session, "-l", "broker clients refused nothing listens")
        screen = _wait_screen(session, "Broker clients are refused")
        first = screen.split("Filters:", 1)[1]
        assert first.index("Broker clients are refused") < first.index("result")  # ranked first
        assert "incident" in screen and "mosquitto" in screen
        assert "\x1b" not in screen
        _tmux("send-keys", "-t", session, "Enter")
        screen = _wait_screen(session, "Checks")  # the entry view and its footer
        _tmux("send-keys", "-t", session, "C-l")
        _wait_screen(session, "端口上没有监听")
        _tmux("send-keys", "-t", session, "C-q")
        end = time.monotonic() + 10
        while time.monotonic() < end:
            alive = (
                subprocess.run([TMUX, "has-session", "-t", session], capture_output=True).returncode
                == 0
            )
            if not alive:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("kbtui did not exit on ctrl+q:\n" + _screen(session))
    finally:
        subprocess.run([TMUX, "kill-session", "-t", session], capture_output=True)

"""End to end: start the installed `kbtui` in a real terminal (tmux), type a query, read the screen."""

from __future__ import annotations

import os
import shlex
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


class Tmux:
    """One kbtui in a detached tmux session of the given size; removed on exit."""

    def __init__(self, tmp_path: Path, size: tuple[int, int], *args: str) -> None:
        self.session = f"kbtui-e2e-{uuid.uuid4().hex[:8]}"
        # the code under test, when the suite runs a checkout other than the installed one
        path = os.environ.get("PYTHONPATH")
        cmd = (
            f"env KBTUI_HOME={tmp_path} LANG=en_US.UTF-8 TERM=xterm-256color "
            + (f"PYTHONPATH={shlex.quote(path)} " if path else "")
            + f"{KBTUI} "
            + " ".join(args)
        )
        _tmux("new-session", "-d", "-s", self.session, "-x", str(size[0]), "-y", str(size[1]), cmd)

    def keys(self, *keys: str, literal: bool = False) -> None:
        _tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def wait(self, needle: str, timeout: float = 30) -> str:
        return _wait_screen(self.session, needle, timeout)

    def close(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.session], capture_output=True)


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)")
def test_kbtui_in_tmux_typing_after_down_and_a_cr_separated_paste(tmp_path):
    term = Tmux(tmp_path, (80, 24), "--kb", str(FIXTURE_KB))
    try:
        term.wait("entries")
        term.keys("refused", literal=True)
        term.wait(" results")
        term.keys("Down")
        time.sleep(0.3)
        term.keys("wa", literal=True)
        term.keys("Space")
        term.keys("x", literal=True)
        term.wait("refusedwa x")  # typed after the query, nothing replaced, the space kept
        term.keys("Escape")  # Esc clears the box
        end = time.monotonic() + 10
        while "refusedwa" in _screen(term.session) and time.monotonic() < end:
            time.sleep(0.1)
        assert "refusedwa" not in _screen(term.session)
        # tmux paste-buffer ends lines with \r (its default separator), inside bracketed paste
        log = "boot ok\nConnection refused: tui-probe on 1883\nshutting down\n"
        _tmux("set-buffer", "-b", term.session, log)
        _tmux("paste-buffer", "-p", "-b", term.session, "-t", term.session)
        screen = term.wait("matching entry — Enter opens it")  # one entry: the singular
        assert "Connection refused: tui-probe" in screen
        assert "2: Connection refused" in screen  # matched on line 2, the lines kept
    finally:
        term.close()


# A coloured log line, as `docker logs` of a broker writes it: the escape codes, tabs and Chinese
# are pasted as they are (tmux `paste-buffer -p` passes ESC inside the bracketed paste).
COLOURED_LINE = (
    "".join(f"\x1b[1;31mERROR\x1b[0m\tworker-{i}\t连接失败 " for i in range(40))
    + "\x1b[33mConnection refused: tui-probe on 1883\x1b[0m"
)


def test_a_paste_with_escape_sequences_is_one_paste_without_them():
    """QA pass 32: Textual's parser read an ESC inside a bracketed paste as a key and typed the
    next 32 characters as keys (ESC as `^`), outside the paste: the box got `^[1;31mERROR^[0m…`
    and holes. The parser now sees the paste without its escape sequences, in any chunking."""
    from textual import events

    from tui.terminal_input import PASTE_END, PASTE_START, PasteSafeParser

    wire = "a" + PASTE_START + COLOURED_LINE + PASTE_END + "\x1b[Bz"
    want = COLOURED_LINE.replace("\x1b[1;31m", "").replace("\x1b[0m", "").replace("\x1b[33m", "")
    for size in (1, 2, 5, 6, 7, 31, 32, 33, 4096):
        parser = PasteSafeParser()
        got = [e for i in range(0, len(wire), size) for e in parser.feed(wire[i : i + size])]
        pastes = [e.text for e in got if isinstance(e, events.Paste)]
        keys = [e.key for e in got if isinstance(e, events.Key)]
        assert pastes == [want], size
        assert keys == ["a", "down", "z"], size  # keys around the paste stay keys


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)")
def test_kbtui_in_tmux_a_coloured_log_line_pasted_is_searched_whole(tmp_path):
    term = Tmux(tmp_path, (80, 24), "--kb", str(FIXTURE_KB))
    try:
        term.wait("entries")
        _tmux("set-buffer", "-b", term.session, COLOURED_LINE)
        _tmux("paste-buffer", "-p", "-b", term.session, "-t", term.session)
        screen = term.wait("Broker clients are refused", timeout=20)
        box = screen.split("Filters:", 1)[0]
        assert "ERROR    worker-0    连接失败 ERROR    worker-1" in box, screen
        assert "^[" not in screen and "[0m" not in screen, screen
    finally:
        term.close()


@pytest.mark.live
@pytest.mark.shared_docker  # makes a container and scans the whole host
@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)")
def test_kbtui_in_tmux_live_doctor_sees_a_container_die(tmp_path):
    name = f"kbtui-tui-{uuid.uuid4().hex[:4]}"

    def docker(*args: str) -> None:
        subprocess.run(["docker", *args], check=True, capture_output=True, timeout=60)

    docker(
        "run",
        "-d",
        "--name",
        name,
        "--network",
        "none",
        "kbtui-test/busybox:latest",
        "sh",
        "-c",
        "while [ ! -f /tmp/die ]; do sleep 0.2; done; exit 1",
    )
    term = Tmux(tmp_path, (140, 45))
    try:
        term.wait("entries")
        term.keys("F7")
        # "live: following Docker events", or already "live: die <other container>" when another
        # test's restart-loop container is alive on the shared daemon: either way it follows
        term.wait("live: ", timeout=120)
        assert name not in _screen(term.session)
        docker("exec", name, "touch", "/tmp/die")
        term.wait(name, timeout=30)  # the new finding, without pressing s
    finally:
        term.close()
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)

"""`kb doctor` against a Docker endpoint whose log streams trickle one line per second, forever:
the whole-scan and per-container deadlines hold, Ctrl-C stops it within a second with what was
found so far, and a host whose scan was cut short is reported as not ok."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from live_servers import Trickle, trickle_docker

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.live


def _doctor(*args: str, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "KBTUI_HOME": str(home), "DOCKER_HOST": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "kb.cli.main", "doctor", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _since_first_request(daemon: Trickle) -> float:
    """Seconds from the scan's first request to the daemon until now (the process has exited)."""
    assert daemon.first_request is not None, "kb doctor never reached the daemon"
    return time.monotonic() - daemon.first_request


def test_scan_deadline_holds_against_a_trickling_daemon(tmp_path):
    with trickle_docker(containers=3) as daemon:
        p = _doctor(
            "--host", f"tcp://127.0.0.1:{daemon.port}", "--timeout", "3", "--json", home=tmp_path
        )
        out, err = p.communicate(timeout=60)
        took = _since_first_request(daemon)
    # before: over 200 s (every log stream read until the daemon stopped sending)
    assert took < 3 + 3, took  # the deadline, the 0.5 s grace, printing and exiting
    assert p.returncode == 3, err
    report = json.loads(out)
    [host] = report["hosts"]
    assert host["ok"] is False and "cut short" in host["error"] and "scan deadline" in host["error"]
    # what was found before the deadline is kept: the container that exited with code 1
    assert any(f["kind"] == "exit" for f in report["findings"]), report["findings"]


def test_container_deadline_covers_log_streams(tmp_path):
    with trickle_docker(containers=2) as daemon:
        p = _doctor(
            "--host",
            f"tcp://127.0.0.1:{daemon.port}",
            "--timeout",
            "120",
            "--container-timeout",
            "2",
            "--json",
            home=tmp_path,
        )
        out, err = p.communicate(timeout=120)
        took = _since_first_request(daemon)
    assert took < 2 + 3, took
    [host] = json.loads(out)["hosts"]
    assert p.returncode == 3 and host["ok"] is False
    assert "2 s container deadline" in host["error"]


def test_ctrl_c_stops_within_a_second_and_prints_what_was_found(tmp_path):
    with trickle_docker(containers=3) as daemon:
        p = _doctor("--host", f"tcp://127.0.0.1:{daemon.port}", "--timeout", "600", home=tmp_path)
        # into the log streams (a fixed sleep was too short on a loaded machine: the exited
        # container had not been seen yet when Ctrl-C came)
        assert daemon.streaming.wait(60), p.communicate()
        assert p.poll() is None, p.communicate()
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        took = time.monotonic() - sent
    assert took < 1.0, took
    assert p.returncode == 130, err
    assert "exited unexpectedly with code 1" in out  # found before Ctrl-C, printed after it
    assert "interrupted" in err


def test_a_daemon_that_never_lists_its_containers_is_told_so(tmp_path):
    """A port that accepts and never answers: the listing's own deadline cuts the host short,
    and the report says so (it used to name a container deadline with no container involved)."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections complete in the backlog; nothing is ever read or written
    try:
        port = silent.getsockname()[1]
        p = _doctor("--host", f"tcp://127.0.0.1:{port}", "--timeout", "60", "--json", home=tmp_path)
        out, err = p.communicate(timeout=90)
    finally:
        silent.close()
    [host] = json.loads(out)["hosts"]
    assert p.returncode == 3 and host["ok"] is False, (out, err)
    assert "container-list deadline" in host["error"] and "container deadline" not in host["error"]

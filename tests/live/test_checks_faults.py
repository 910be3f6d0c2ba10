"""Fault tests: every misbehaving endpoint ends within the deadline + 0.5 s with a clear result."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time

import pytest
from conftest import make_entry, spec
from live_servers import black_hole, silent_server, status_http, trickle_http

from kb.checks.runner import run_check

pytestmark = pytest.mark.live

DEADLINE = 2.0


def timed(kind: str, params: dict, **kw):
    s = spec(kind, {**params, "timeout": DEADLINE}, **kw)
    start = time.monotonic()
    result = run_check(make_entry(s), s)
    elapsed = time.monotonic() - start
    assert elapsed <= DEADLINE + 0.5, f"{kind} took {elapsed:.2f} s (deadline {DEADLINE} s)"
    assert "Traceback" not in result.summary
    return result, elapsed


def test_silent_socket_mqtt_never_sends_connack():
    with silent_server() as port:
        r, elapsed = timed("mqtt.connect", {"port": port, "anonymous": True})
    assert r.status == "error"
    assert "CONNACK" in r.summary and str(port) in r.summary
    assert elapsed >= DEADLINE - 0.3  # it really waited for the broker, not a shortcut


def test_silent_socket_http_and_amqp():
    with silent_server() as port:
        r, _ = timed("http.get", {"url": f"http://127.0.0.1:{port}/status"})
        assert r.status == "error" and ("deadline" in r.summary or "timed out" in r.summary)
        r, _ = timed("amqp.connect", {"port": port})
        assert r.status == "error"
        assert f"127.0.0.1:{port}" in r.summary or "deadline" in r.summary


def test_black_hole_tcp_listener():
    with black_hole() as port:
        r, _ = timed("net.tcp", {"port": port})
        assert r.status == "fail" and "no answer" in r.summary
        r, _ = timed("mqtt.connect", {"port": port})
        assert r.status == "error" and ("deadline" in r.summary or "no answer" in r.summary)
        r, _ = timed("http.get", {"url": f"http://127.0.0.1:{port}/"})
        assert r.status == "error"


def test_trickling_http_server_one_byte_per_second():
    with trickle_http() as port:
        r, elapsed = timed("http.get", {"url": f"http://127.0.0.1:{port}/api/v5/status"})
        assert r.status == "error" and "deadline" in r.summary.lower() or "within" in r.summary
        assert elapsed >= DEADLINE - 0.3
        r, _ = timed("rabbitmq.api", {"url": f"http://127.0.0.1:{port}"})
        assert r.status == "error"


def test_management_api_401_and_503():
    with status_http(401, b'{"error":"not_authorised"}') as (port, seen):
        r, _ = timed("rabbitmq.api", {"url": f"http://127.0.0.1:{port}"})
        assert r.status == "error" and "401" in r.summary and "credentials" in r.summary
        assert seen and all(s.startswith("GET ") for s in seen)
    with status_http(503, b'{"status":"failed","reason":"resource alarm(s) in effect"}') as (
        port,
        _,
    ):
        r, _ = timed("rabbitmq.api", {"url": f"http://127.0.0.1:{port}"})
        assert r.status == "fail" and "503" in r.summary
        assert any("alarm" in e for e in r.evidence)
        r, _ = timed("http.get", {"url": f"http://127.0.0.1:{port}/status"})
        assert r.status == "fail" and "503" in r.summary
    with status_http(200, b'{"status":"ok"}') as (port, _):
        r, _ = timed(
            "rabbitmq.api", {"url": f"http://127.0.0.1:{port}", "json": "status", "equals": "ok"}
        )
        assert r.status == "pass"


def test_docker_socket_missing(tmp_path):
    r, _ = timed("docker.daemon", {"host": f"unix://{tmp_path}/no-such.sock"})
    assert r.status == "error" and "does not exist" in r.summary


def test_docker_socket_silent(tmp_path):
    path = str(tmp_path / "silent.sock")
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(4)
    try:
        r, elapsed = timed("docker.daemon", {"host": f"unix://{path}"})
        assert r.status == "error" and ("did not answer" in r.summary or "deadline" in r.summary)
        assert elapsed >= DEADLINE - 0.3
    finally:
        srv.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to an unprivileged user")
def test_docker_socket_permission_denied(tmp_path):
    """An unprivileged user against a root-only socket: a clear error, within the deadline."""
    sock_dir = tmp_path / "d"
    sock_dir.mkdir()
    path = str(sock_dir / "docker.sock")
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(4)
    os.chmod(path, 0o600)
    os.chmod(tmp_path, 0o755)
    os.chmod(sock_dir, 0o755)
    # fork and drop to `nobody` in the child: the interpreter may live where nobody cannot exec it
    s = spec("docker.daemon", {"host": f"unix://{path}", "timeout": 2})
    rfd, wfd = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(rfd)
            os.setgid(65534)
            os.setuid(65534)
            r = run_check(make_entry(s), s)
            os.write(wfd, f"{r.status}|{r.summary}".encode())
        finally:
            os._exit(0)
    os.close(wfd)
    try:
        out = b""
        while chunk := os.read(rfd, 4096):
            out += chunk
        os.waitpid(pid, 0)
    finally:
        os.close(rfd)
        srv.close()
    elapsed = time.monotonic() - start
    text = out.decode()
    assert text.startswith("error|") and "permission denied" in text.lower(), text
    assert elapsed < DEADLINE + 0.5


def test_broker_stopped_mid_check(tmp_path, brokers):
    """A Mosquitto killed while the check waits on it: the check ends at once with a clear error."""
    port = 18830 + os.getpid() % 100
    conf = tmp_path / "m.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    proc = subprocess.Popen(
        ["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(40):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        threading.Timer(0.7, proc.kill).start()
        s = spec("mqtt.sys", {"port": port, "topic": "$SYS/kbtui/never-published", "timeout": 5})
        start = time.monotonic()
        r = run_check(make_entry(s), s)
        elapsed = time.monotonic() - start
    finally:
        proc.kill()
        proc.wait()
    assert r.status == "error", r
    assert "closed the connection" in r.summary
    assert elapsed < 2.5  # ended when the broker went away, not at the 5 s deadline


def test_cancel_ends_a_hung_check():
    with silent_server() as port:
        cancel = threading.Event()
        s = spec("mqtt.connect", {"port": port, "timeout": 10})
        threading.Timer(0.3, cancel.set).start()
        start = time.monotonic()
        r = run_check(make_entry(s), s, cancel=cancel)
        assert time.monotonic() - start < 1.0
        assert r.status == "skip" and "cancel" in r.summary

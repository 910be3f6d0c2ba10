"""Mosquitto failures reproduced for real, and named by the right entry.

Each case starts the provisioned `mosquitto` binary as a child process on a free loopback port
with a configuration that provokes one problem, talks to it with raw MQTT packets where the
problem needs a client, and feeds everything the broker printed to the same signature matching
`kb diagnose` uses. The broker's output must name the expected Mosquitto entry and no entry of
another product. (The incidents reproduced in containers live in test_real_incidents.py; these
are the ones the Mosquitto entries of issue 11 add.)
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kb.loader import load_kb
from kb.signatures import SignatureSet
from tests.helpers import free_ports

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mosquitto_bin() -> str:
    if shutil.which("mosquitto") is None or shutil.which("openssl") is None:
        if os.geteuid() != 0:
            pytest.skip("LIVE TESTS SKIPPED: no mosquitto/openssl and not root to provision them")
        subprocess.run(["bash", str(ROOT / "scripts/provision.d/brokers.sh")], check=True)
    path = shutil.which("mosquitto")
    assert path and shutil.which("openssl"), "mosquitto/openssl still missing after provisioning"
    return path


@pytest.fixture(scope="module")
def kb_sigs():
    kb = load_kb()
    return kb, SignatureSet.from_entries(kb.entries.values())


@pytest.fixture
def work():
    """A folder the broker can read after it drops to the `mosquitto` user (pytest's work
    lives under a 0700 directory of the test user)."""
    path = Path(tempfile.mkdtemp(prefix="kbtui-mq-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _utf8(s: str) -> bytes:
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def _remaining(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _connect_packet(
    client_id: str, keepalive: int = 60, user: str = "", password: str = ""
) -> bytes:
    flags = 0x02 | (0x80 if user else 0) | (0x40 if password else 0)
    body = _utf8("MQTT") + bytes([4, flags]) + struct.pack("!H", keepalive) + _utf8(client_id)
    if user:
        body += _utf8(user)
    if password:
        body += _utf8(password)
    return bytes([0x10]) + _remaining(len(body)) + body


def _publish_packet(topic: str, payload: bytes) -> bytes:
    body = _utf8(topic) + payload
    return bytes([0x30]) + _remaining(len(body)) + body


def _mqtt_session(port: int, packets: list[bytes], hold: float = 0.3) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=3)
    for p in packets:
        sock.sendall(p)
        time.sleep(0.05)
    time.sleep(hold)
    return sock


def _run(
    mosquitto: str,
    work: Path,
    conf: str,
    drive: Callable[[int], None] | None = None,
    wait: float = 1.0,
    until: str | None = None,
) -> str:
    """Start mosquitto with `conf` (PORT is replaced), let `drive` talk to it, return its output."""
    (port,) = free_ports(1)
    cfg = work / "mosquitto.conf"
    cfg.write_text(conf.replace("PORT", str(port)) + "\nlog_dest stderr\nlog_type all\n")
    out = work / "broker.log"
    with out.open("wb") as fh:
        proc = subprocess.Popen([mosquitto, "-c", str(cfg)], stdout=fh, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 5
            while drive is not None and time.monotonic() < deadline and proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            if drive is not None and proc.poll() is None:
                drive(port)
            # wait `wait` seconds, or until the broker has printed `until` (at most 10 s)
            end = time.monotonic() + (10 if until else wait)
            while time.monotonic() < end and proc.poll() is None:
                if until and until in out.read_text(errors="replace"):
                    break
                time.sleep(0.1)
        finally:
            if proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=10)
    return out.read_text(errors="replace")


def _assert_names(kb_sigs, output: str, expected: str) -> None:
    kb, sigs = kb_sigs
    found = sigs.match_text(output)
    assert expected in found, f"{expected} not named; got {found}\n{output}"
    foreign = [e for e in found if "mosquitto" not in kb.get(e).products]
    assert foreign == [], f"entries of another product: {foreign}"


def test_unknown_configuration_variable(mosquitto_bin, kb_sigs, work):
    out = _run(mosquitto_bin, work, "listener PORT 127.0.0.1\nallow_anonymus true")
    assert 'Unknown configuration variable "allow_anonymus"' in out
    _assert_names(kb_sigs, out, "mosquitto-unknown-configuration-variable")


def test_unreadable_password_file_and_missing_acl_file(mosquitto_bin, kb_sigs, work):
    pw = work / "passwd"
    pw.write_text("alice:$7$101$invalid$invalid\n")
    pw.chmod(0)  # unreadable for the broker's user (as root it drops to `mosquitto` first)
    out = _run(
        mosquitto_bin, work, f"listener PORT 127.0.0.1\nallow_anonymous false\npassword_file {pw}"
    )
    assert "Unable to open pwfile" in out
    _assert_names(kb_sigs, out, "mosquitto-unable-to-open-pwfile")
    out = _run(
        mosquitto_bin,
        work,
        f"listener PORT 127.0.0.1\nallow_anonymous true\nacl_file {work / 'missing.acl'}",
    )
    assert "Unable to open acl_file" in out
    _assert_names(kb_sigs, out, "mosquitto-unable-to-open-pwfile")


def test_log_file_in_unwritable_directory(mosquitto_bin, kb_sigs, work):
    logdir = work / "logs"
    logdir.mkdir()
    logdir.chmod(0o555)
    out = _run(
        mosquitto_bin,
        work,
        f"listener PORT 127.0.0.1\nallow_anonymous true\nlog_dest file {logdir / 'm.log'}",
        wait=0.5,
    )
    _assert_names(kb_sigs, out, "mosquitto-unable-to-open-log-file")


def test_tls_certificate_missing_and_plain_client_on_tls_port(mosquitto_bin, kb_sigs, work):
    out = _run(
        mosquitto_bin,
        work,
        f"listener PORT 127.0.0.1\nallow_anonymous true\ncertfile {work / 'no.crt'}\n"
        f"keyfile {work / 'no.key'}",
    )
    _assert_names(kb_sigs, out, "mosquitto-tls-certificate-errors")

    crt, key = work / "srv.crt", work / "srv.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(crt)],
        check=True,
        capture_output=True,
    )
    key.chmod(0o644)  # readable by the dropped-privilege user; a test key, never a real one
    out = _run(
        mosquitto_bin,
        work,
        f"listener PORT 127.0.0.1\nallow_anonymous true\ncertfile {crt}\nkeyfile {key}",
        drive=lambda port: _mqtt_session(port, [_connect_packet("plain-on-tls")]).close(),
    )
    _assert_names(kb_sigs, out, "mosquitto-tls-wrong-version-number")


def test_keepalive_expiry_and_client_id_takeover(mosquitto_bin, kb_sigs, work):
    held: list[socket.socket] = []

    def drive(port: int) -> None:
        held.append(_mqtt_session(port, [_connect_packet("kbtui-silent", keepalive=1)]))
        held.append(_mqtt_session(port, [_connect_packet("kbtui-twin")]))
        held.append(_mqtt_session(port, [_connect_packet("kbtui-twin")]))

    # the broker checks keepalives when its loop wakes: wait for the line (1.5 x 1 s at the least)
    out = _run(
        mosquitto_bin,
        work,
        "listener PORT 127.0.0.1\nallow_anonymous true",
        drive,
        until="has exceeded timeout",
    )
    for s in held:
        s.close()
    _assert_names(kb_sigs, out, "mosquitto-keepalive-exceeded-timeout")
    _assert_names(kb_sigs, out, "mosquitto-client-already-connected")


def test_acl_denied_publish(mosquitto_bin, kb_sigs, work):
    pw, acl = work / "passwd", work / "acl"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(pw), "alice", "s3cret"], check=True)
    acl.write_text("user alice\ntopic readwrite allowed/#\n")
    for f in (pw, acl):
        f.chmod(0o644)  # test credentials only: the broker's user must read them
    packets = [_connect_packet("kbtui-acl", user="alice", password="s3cret")]
    packets.append(_publish_packet("denied/x", b"1"))
    out = _run(
        mosquitto_bin,
        work,
        f"listener PORT 127.0.0.1\nallow_anonymous false\npassword_file {pw}\nacl_file {acl}",
        drive=lambda port: _mqtt_session(port, packets).close(),
    )
    assert "Denied PUBLISH from kbtui-acl" in out, out
    _assert_names(kb_sigs, out, "mosquitto-acl-denied-publish")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_acl_fix_as_written_is_a_valid_acl_file(mosquitto_bin, kb_sigs, work, lang):
    """The entry's ACL fix, pasted as the whole file, loads and grants what it says. (It used to
    carry a `# then: kill -HUP` comment after the topic: Mosquitto reads the rest of a `topic`
    line as the topic, rejects the file and does not start.)"""
    kb, _ = kb_sigs
    entry = kb.get("mosquitto-acl-denied-publish")
    fix = entry.node_text(entry.tree.nodes["write-rule"], lang)["fix"]
    pw, acl = work / "passwd", work / "acl"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(pw), "sensor", "s3cret"], check=True)
    acl.write_text(fix + "\n")
    for f in (pw, acl):
        f.chmod(0o644)  # test credentials only: the broker's user must read them
    packets = [_connect_packet("kbtui-fix", user="sensor", password="s3cret")]
    packets += [_publish_packet("sensors/t1", b"1"), _publish_packet("other/t1", b"1")]
    out = _run(
        mosquitto_bin,
        work,
        f"listener PORT 127.0.0.1\nallow_anonymous false\npassword_file {pw}\nacl_file {acl}",
        drive=lambda port: _mqtt_session(port, packets).close(),
    )
    assert "Invalid ACL" not in out and "Error opening acl file" not in out, out
    assert "Received PUBLISH from kbtui-fix (d0, q0, r0, m0, 'sensors/t1'" in out, out
    assert "Denied PUBLISH from kbtui-fix (d0, q0, r0, m0, 'other/t1'" in out, out


HAPROXY_CFG = """\
global
    log stdout format raw local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 3s
    timeout server 3s
frontend mqtt
    bind 127.0.0.1:{front}
    default_backend brokers
backend brokers
    server m1 127.0.0.1:{back}
"""


def test_haproxy_idle_timeout_drops_silent_mqtt_clients(mosquitto_bin, kb_sigs, work):
    """A real HAProxy 2.6 with `timeout client/server 3s` in front of a real Mosquitto: a client
    that sends nothing is cut after 3 s (mqtt.idle fails and says so, the broker logs the close),
    the same check straight at the broker passes, and a client whose keepalive (1 s) is below the
    proxy's timeout stays connected."""
    from conftest import make_entry, spec

    from kb.checks.runner import run_check

    haproxy = shutil.which("haproxy")
    if haproxy is None:
        subprocess.run(["bash", str(ROOT / "scripts/provision")], check=True)
        haproxy = shutil.which("haproxy")
    assert haproxy, "haproxy missing after provisioning"

    def check(params: dict):
        s = spec("mqtt.idle", params)
        return run_check(make_entry(s), s)

    results: dict[str, object] = {}

    def drive(port: int) -> None:
        (front,) = free_ports(1)
        cfg = work / "haproxy.cfg"
        cfg.write_text(HAPROXY_CFG.format(front=front, back=port))
        log = work / "haproxy.log"
        with log.open("wb") as fh:
            proxy = subprocess.Popen([haproxy, "-db", "-f", str(cfg)], stdout=fh, stderr=fh)
            try:
                end = time.monotonic() + 5
                while time.monotonic() < end:
                    try:
                        socket.create_connection(("127.0.0.1", front), timeout=0.2).close()
                        break
                    except OSError:
                        time.sleep(0.05)
                # no timeout given: the kind's own default deadline (30 s) leaves room for the wait
                results["proxied"] = check({"port": front, "idle": 8})
                # the entry's tree, its first question answered by the same check, ends at the fix
                from tree_walk import walk

                entry = "mqtt-load-balancer-idle-timeout"
                got = walk(kb_sigs[0], entry, {"port": front, "idle": 8}, {})
                results["walk"] = got.end.id
                results["direct"] = check({"port": port, "idle": 5})
                # keepalive 1 s < the proxy's 3 s: PINGREQ every second keeps the path open
                sock = socket.create_connection(("127.0.0.1", front), timeout=3)
                sock.sendall(_connect_packet("kbtui-pinger", keepalive=1))
                got = sock.recv(4)
                pongs = 0
                for _ in range(6):
                    time.sleep(1)
                    sock.sendall(b"\xc0\x00")
                    if sock.recv(2) == b"\xd0\x00":
                        pongs += 1
                sock.close()
                results["connack"], results["pongs"] = got, pongs
            finally:
                proxy.terminate()
                proxy.wait(timeout=10)
        results["haproxy_log"] = log.read_text(errors="replace")

    out = _run(mosquitto_bin, work, "listener PORT 127.0.0.1\nallow_anonymous true", drive)
    proxied, direct = results["proxied"], results["direct"]
    assert proxied.status == "fail", (proxied.summary, proxied.evidence)
    assert "closed after 3." in proxied.summary, proxied.summary
    assert direct.status == "pass" and "survived 5.0 s" in direct.summary, direct.summary
    assert results["walk"] == "fix", results["walk"]
    assert results["connack"][:1] == b"\x20" and results["pongs"] == 6, results
    # the broker sees a client that closed its connection, not a keepalive timeout
    assert "closed its connection." in out and "exceeded timeout" not in out, out
    # HAProxy's log: the client side timed out during the data phase (termination state cD)
    assert " cD " in results["haproxy_log"], results["haproxy_log"]

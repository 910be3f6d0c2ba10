"""Real RabbitMQ and Mosquitto incidents, made to happen on real brokers (Debian packages).

Each test provokes one incident on its own container and asserts the broker's own line appears;
the full log is kept as a fixture under tests/fixtures/real-logs/ (the content tests match entry
signatures against it). The fixtures must keep showing what the brokers print today: each test also
checks that the fixture holds the same key line as the fresh capture.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import real_brokers as rb

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("real-brokers")]

RABBIT_UP = r"Server startup complete"
MOSQ_UP = r"mosquitto version \S+ running"


@pytest.fixture(scope="session")
def real_incidents(docker_engine: str) -> Iterator[rb.Net]:
    missing = [
        image
        for image in (rb.RABBITMQ_IMAGE, rb.MOSQUITTO_IMAGE)
        if not rb.docker("image", "ls", "-q", image, check=False)
    ]
    if missing:
        subprocess.run(
            ["bash", str(rb.ROOT / "scripts/provision.d/real-brokers.sh")], check=True, timeout=900
        )
    net = rb.start_all()
    yield net
    rb.remove_all()


def _key(lines: list[str], pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return [line for line in lines if rx.search(line)]


def _keep(product: str, incident: str, lines: list[str], *patterns: str, name: str = "") -> None:
    """Save the capture (when asked); check the fixture shows the same key lines, and that the
    container's state is the one the fixture index records."""
    rb.save_fixture(product, incident, lines)
    stored = rb.fixture(product, incident)
    meta = rb.fixture_index()[f"{product}/{incident}.log"]
    for pattern in [*patterns, *meta["key"]]:
        assert _key(lines, pattern), f"fresh capture lacks {pattern!r}"
        assert _key(stored, pattern), f"fixture {product}/{incident}.log lacks {pattern!r}"
    if name:
        state = _state(name)
        want = meta["state"]
        assert state.get("Running") is want["running"], (name, state)
        if "exit_code" in want:
            assert state.get("ExitCode") == want["exit_code"], (name, state)
        if "oom_killed" in want:
            assert state.get("OOMKilled") is want["oom_killed"], (name, state)


def _state(name: str) -> dict[str, Any]:
    return dict(rb.inspect(name).get("State") or {})


def _wait_exit(name: str, timeout: float) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        state = _state(name)
        if state.get("Status") in ("exited", "dead"):
            return state
        time.sleep(0.5)
    raise AssertionError(f"{rb.PREFIX}{name} still {_state(name).get('Status')} after {timeout} s")


# -- RabbitMQ --------------------------------------------------------------------------------------


def test_rabbitmq_healthy(real_incidents: rb.Net) -> None:
    lines = rb.wait_for("rabbitmq-ok", RABBIT_UP, 120)
    assert not _key(lines, r"\[error\]|alarm set|BOOT FAILED")
    _keep("rabbitmq", "healthy", lines, RABBIT_UP, name="rabbitmq-ok")


def test_rabbitmq_memory_alarm(real_incidents: rb.Net) -> None:
    pattern = r"memory resource limit alarm set on node"
    lines = rb.wait_for("rabbitmq-memory-alarm", pattern, 120)
    _keep("rabbitmq", "memory-alarm", lines, pattern, name="rabbitmq-memory-alarm")


def test_rabbitmq_disk_alarm(real_incidents: rb.Net) -> None:
    pattern = r"disk resource limit alarm set on node"
    lines = rb.wait_for("rabbitmq-disk-alarm", pattern, 120)
    _keep("rabbitmq", "disk-alarm", lines, pattern, name="rabbitmq-disk-alarm")


def test_rabbitmq_refused_logins(real_incidents: rb.Net) -> None:
    rb.wait_for("rabbitmq-auth", RABBIT_UP, 120)
    ip = rb.ip_of("rabbitmq-auth")
    assert rb.amqp_login(ip, "guest", "not-the-password") != "ok"
    assert rb.amqp_login(ip, "guest", "guest") != "ok"  # guest is loopback-only by default
    bad, remote = r"PLAIN login refused: user 'guest' - invalid credentials", r"via localhost"
    rb.wait_for("rabbitmq-auth", bad, 20)
    lines = rb.wait_for("rabbitmq-auth", remote, 20)
    _keep("rabbitmq", "refused-logins", lines, bad, remote, name="rabbitmq-auth")


def test_rabbitmq_listener_port_clash_boot_failed(real_incidents: rb.Net) -> None:
    lines = rb.wait_for("rabbitmq-port-clash", r"BOOT FAILED", 120)
    state = _wait_exit("rabbitmq-port-clash", 60)
    lines = rb.logs("rabbitmq-port-clash")
    assert state["ExitCode"] == 0, state  # the wrapper exits 0 although the node never started
    _keep("rabbitmq", "port-clash-boot-failed", lines, name="rabbitmq-port-clash")


def test_rabbitmq_oom_under_memory_limit(real_incidents: rb.Net) -> None:
    state = _wait_exit("rabbitmq-oom", 120)
    assert state["OOMKilled"] is True, state
    _keep("rabbitmq", "oom-killed", rb.logs("rabbitmq-oom"), name="rabbitmq-oom")


def test_rabbitmq_lb_tcp_check_rst_enotconn(real_incidents: rb.Net) -> None:
    rb.wait_for("rabbitmq-lb-rst", RABBIT_UP, 120)
    ip = rb.ip_of("rabbitmq-lb-rst")
    pattern = r"enotconn"
    lines = rb.wait_for("rabbitmq-lb-rst", pattern, 90, also=lambda: rb.rst_probes(ip, 5672, 400))
    _keep("rabbitmq", "lb-tcp-check-enotconn", lines, name="rabbitmq-lb-rst")


@pytest.mark.slow
def test_rabbitmq_two_node_partition(real_incidents: rb.Net) -> None:
    net = real_incidents
    # formed a cluster: each node logs the other coming up
    rb.wait_for("part1", r"rabbit@kbtui-real-part2", 150)
    rb.wait_for("part2", RABBIT_UP, 150)
    rb.wait_for("part1", RABBIT_UP, 60)
    rb.docker("network", "disconnect", rb.NETWORK, rb.PREFIX + "part2")
    try:
        rb.wait_for("part1", r"net_tick_timeout", 60)
    finally:
        rb.docker("network", "connect", "--ip", net.ip(21), rb.NETWORK, rb.PREFIX + "part2")
    pattern = r"running_partitioned_network"

    def ping() -> None:  # a dist message makes the nodes meet again sooner
        rb.docker("exec", rb.PREFIX + "part1", "rabbitmqctl", "-q", "cluster_status", check=False)

    rb.wait_for("part1", pattern, 90, also=ping)
    lines1, lines2 = rb.logs("part1"), rb.logs("part2")
    _keep("rabbitmq", "partition-node1", lines1, name="part1")
    _keep("rabbitmq", "partition-node2", lines2, name="part2")


# -- Mosquitto -------------------------------------------------------------------------------------


def test_mosquitto_healthy(real_incidents: rb.Net) -> None:
    ip = rb.ip_of("mosquitto-ok")
    rb.wait_for("mosquitto-ok", MOSQ_UP, 30)
    assert rb.mqtt_connect(ip, "kbtui-healthy") == 0
    lines = rb.wait_for("mosquitto-ok", r"New client connected", 10)
    assert not _key(lines, r"Error|denied|not authori")
    _keep("mosquitto", "healthy", lines, MOSQ_UP, name="mosquitto-ok")


def test_mosquitto_address_in_use(real_incidents: rb.Net) -> None:
    pattern = r"Error: Address already in use"
    lines = rb.wait_for("mosquitto-address-in-use", pattern, 30)
    state = _wait_exit("mosquitto-address-in-use", 30)
    assert state["ExitCode"] != 0
    _keep("mosquitto", "address-in-use", lines, pattern, name="mosquitto-address-in-use")


def test_mosquitto_unknown_config_variable(real_incidents: rb.Net) -> None:
    pattern = r'Error: Unknown configuration variable "max_conections"'
    lines = rb.wait_for("mosquitto-unknown-option", pattern, 30)
    assert _wait_exit("mosquitto-unknown-option", 30)["ExitCode"] != 0
    _keep("mosquitto", "unknown-config-variable", lines, pattern, name="mosquitto-unknown-option")


def test_mosquitto_unwritable_persistence(real_incidents: rb.Net) -> None:
    rb.wait_for("mosquitto-unwritable-persistence", MOSQ_UP, 30)
    pattern = (
        r"Error saving in-memory database, unable to open /data/+mosquitto\.db\.new for writing"
    )
    lines = rb.wait_for("mosquitto-unwritable-persistence", pattern, 30)
    _keep(
        "mosquitto",
        "unwritable-persistence",
        lines,
        pattern,
        name="mosquitto-unwritable-persistence",
    )


def test_mosquitto_corrupt_database(real_incidents: rb.Net) -> None:
    pattern = r"Error: Couldn't open database"
    lines = rb.wait_for("mosquitto-corrupt-db", pattern, 30)
    assert _wait_exit("mosquitto-corrupt-db", 30)["ExitCode"] != 0
    _keep("mosquitto", "corrupt-database", lines, pattern, name="mosquitto-corrupt-db")


def test_mosquitto_max_connections(real_incidents: rb.Net) -> None:
    rb.wait_for("mosquitto-max-connections", MOSQ_UP, 30)
    ip = rb.ip_of("mosquitto-max-connections")
    assert rb.mqtt_connect_held(ip, "kbtui-first") == 0
    pattern = r"max_connections exceeded"
    lines = rb.wait_for(
        "mosquitto-max-connections", pattern, 20, also=lambda: rb.mqtt_connect(ip, "kbtui-second")
    )
    _keep("mosquitto", "max-connections", lines, pattern, name="mosquitto-max-connections")


def test_mosquitto_not_authorised(real_incidents: rb.Net) -> None:
    rb.wait_for("mosquitto-not-authorised", MOSQ_UP, 30)
    ip = rb.ip_of("mosquitto-not-authorised")
    assert rb.mqtt_connect(ip, "kbtui-anonymous") == 5  # CONNACK: not authorised
    pattern = r"Client \S+ disconnected, not authorised\."
    lines = rb.wait_for("mosquitto-not-authorised", pattern, 20)
    _keep("mosquitto", "not-authorised", lines, pattern, name="mosquitto-not-authorised")


def test_mosquitto_local_only_mode(real_incidents: rb.Net) -> None:
    pattern = r"Starting in local only mode"
    lines = rb.wait_for("mosquitto-local-only", pattern, 30)
    ip = rb.ip_of("mosquitto-local-only")
    with pytest.raises(OSError):  # nothing listens on the container's own address
        rb.mqtt_connect(ip, "kbtui-remote")
    _keep("mosquitto", "local-only-mode", lines, pattern, name="mosquitto-local-only")

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

pytestmark = pytest.mark.live

RABBIT_UP = r"Server startup complete"
MOSQ_UP = r"mosquitto version \S+ running"


# module scope: the brokers (ten Erlang VMs among them) are removed as soon as this file is done,
# not left using CPU and memory under the tests that run after it
@pytest.fixture(scope="module")
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
        if want.get("oom"):
            # or the kernel's oom-kill line, when OOMKilled missed the kill and the daemon's
            # buffer lost the event (on a busy CI daemon, three seconds later once)
            killed = state.get("OOMKilled") is True or _oom_event(name)
            assert killed or _kernel_oom(rb.inspect(name)["Id"]), (name, state)


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


def test_rabbitmq_node_name_host_nxdomain_boot_failed(real_incidents: rb.Net) -> None:
    """The node's host part answers nxdomain: "epmd error for host …" at prelaunch, BOOT FAILED,
    and the container exits (code 0, like every boot failure of this image)."""
    pattern = r"ERROR: epmd error for host nosuchhost: nxdomain \(non-existing domain\)"
    rb.wait_for("rabbitmq-epmd-nxdomain", pattern, 180)
    state = _wait_exit("rabbitmq-epmd-nxdomain", 60)
    assert state["ExitCode"] == 0, state
    lines = rb.logs("rabbitmq-epmd-nxdomain")
    _keep("rabbitmq", "epmd-nxdomain-boot-failed", lines, pattern, name="rabbitmq-epmd-nxdomain")


def _kernel_oom(cid: str) -> bool:
    from kb.checks.kinds.host_oom import container_oom_kills

    return cid in container_oom_kills()


def _oom_event(name: str) -> bool:
    """Did the daemon record an `oom` event for the container? (OOMKilled misses some: when the
    event arrives after the exit was processed — a child of the wrapper was killed — it stays false.)"""
    out = rb.docker(
        "events",
        "--since",
        "30m",
        "--until",
        "0s",
        "--filter",
        f"container={rb.PREFIX}{name}",
        "--filter",
        "event=oom",
        "--format",
        "{{.Action}}",
        timeout=30,
    )
    return "oom" in out.split()


def test_rabbitmq_oom_under_memory_limit(real_incidents: rb.Net) -> None:
    state = _wait_exit("rabbitmq-oom", 120)
    cid = rb.inspect("rabbitmq-oom")["Id"]

    def killed() -> bool:
        # OOMKilled, the daemon's oom event (which its 256-event buffer may already have lost
        # on a busy CI daemon), or the kernel's own oom-kill line naming the container's cgroup:
        # the evidence kb doctor reads when the other two are gone
        return bool(state["OOMKilled"] or _oom_event("rabbitmq-oom") or _kernel_oom(cid))

    end = time.monotonic() + 10
    while not killed() and time.monotonic() < end:
        time.sleep(0.5)  # the event may come a moment after the exit
    assert killed(), state
    _keep("rabbitmq", "oom-killed", rb.logs("rabbitmq-oom"), name="rabbitmq-oom")


def test_rabbitmq_lb_tcp_check_rst_enotconn(real_incidents: rb.Net) -> None:
    rb.wait_for("rabbitmq-lb-rst", RABBIT_UP, 120)
    ip = rb.ip_of("rabbitmq-lb-rst")
    pattern = r"enotconn"
    lines = rb.wait_for("rabbitmq-lb-rst", pattern, 90, also=lambda: rb.rst_probes(ip, 5672, 400))
    _keep("rabbitmq", "lb-tcp-check-enotconn", lines, name="rabbitmq-lb-rst")


def test_rabbitmq_mqtt_lb_tcp_check_rst_crash_report(real_incidents: rb.Net) -> None:
    rb.wait_for("rabbitmq-lb-rst", r"rabbitmq_mqtt", 120)  # listed among the started plugins
    ip = rb.ip_of("rabbitmq-lb-rst")
    pattern = r"rabbit_mqtt_reader:do_terminate\(shutdown,undefined\)"
    lines = rb.wait_for("rabbitmq-lb-rst", pattern, 60, also=lambda: rb.rst_probes(ip, 1883, 3))
    # one crash report per check, yet the listener keeps answering MQTT: a CONNACK comes back
    # (code 5: anonymous MQTT logs in as guest, which may not connect from another host)
    assert rb.mqtt_connect(ip, "kbtui-after-probes") == 5
    out = rb.docker(
        "exec",
        rb.PREFIX + "rabbitmq-lb-rst",
        "rabbitmq-diagnostics",
        "-q",
        "check_protocol_listener",
        "mqtt",
    )
    assert "A listener for protocol mqtt is running" in out
    _keep("rabbitmq", "lb-tcp-check-mqtt-crash", lines, name="rabbitmq-lb-rst")


@pytest.mark.slow
def test_rabbitmq_two_node_partition(real_incidents: rb.Net) -> None:
    net = real_incidents
    # formed a cluster: each node logs the other coming up
    rb.wait_for("part1", r"rabbit@kbtui-real-part2", 150)
    rb.wait_for("part2", RABBIT_UP, 150)
    rb.wait_for("part1", RABBIT_UP, 60)
    rb.docker("network", "disconnect", net.name, rb.PREFIX + "part2")
    try:
        # both sides must time the other out before the network comes back: a node that sees the
        # peer return first logs another reason, and its capture lacks the key line
        rb.wait_for("part1", r"down: net_tick_timeout", 60)
        rb.wait_for("part2", r"down: net_tick_timeout", 60)
    finally:
        rb.docker("network", "connect", "--ip", net.ip(21), net.name, rb.PREFIX + "part2")
    pattern = r"running_partitioned_network"

    def ping() -> None:  # a dist message makes the nodes meet again sooner
        rb.docker("exec", rb.PREFIX + "part1", "rabbitmqctl", "-q", "cluster_status", check=False)

    rb.wait_for("part1", pattern, 90, also=ping)
    rb.wait_for("part2", pattern, 60, also=ping)
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
    # Mosquitto's per-listener client count can drift below zero as clients come and go
    # (eclipse-mosquitto/mosquitto#1460), and then the limit lets more in: a CI run in which
    # earlier scans had connected to this container saw "kbtui-second" admitted 45 rounds in a
    # row. A restart counts from zero again.
    name = "mosquitto-max-connections"
    rb.wait_for(name, MOSQ_UP, 30)
    starts = sum(bool(re.search(MOSQ_UP, line)) for line in rb.logs(name))
    rb.docker("restart", "-t", "1", rb.PREFIX + name, timeout=60)
    end = time.monotonic() + 30
    while sum(bool(re.search(MOSQ_UP, line)) for line in rb.logs(name)) <= starts:
        assert time.monotonic() < end, f"{name} did not start again after a restart"
        time.sleep(0.2)
    ip = rb.ip_of(name)
    assert rb.mqtt_connect_held(ip, "kbtui-first") == 0
    pattern = r"max_connections exceeded"

    held = [0]

    def second() -> None:
        # the held client takes the one slot; a fresh one while it is held must be denied
        if rb.mqtt_connect(ip, "kbtui-second") == 0:
            # the first was dropped: hold again, under a new client id each time (a CI run under
            # load saw Mosquitto 2.0.11 let "kbtui-second" in round after round while one client
            # id was taken over again and again)
            held[0] += 1
            rb.mqtt_connect_held(ip, f"kbtui-first-{held[0]}")

    lines = rb.wait_for("mosquitto-max-connections", pattern, 30, also=second)
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


# -- the "broker does not start" tree, walked with its live checks --------------------------------

# container -> (broker picked at the first question, what to wait for: "exit", "oom" or a log
# line, the conclusion the walk must reach, the entry that conclusion opens)
WONT_START: dict[str, tuple[str, str, str, str | None]] = {
    "rabbitmq-port-clash": (
        "RabbitMQ", "exit", "rmq-port-conclusion", "rabbitmq-listener-eaddrinuse-boot-failed",
    ),
    "rabbitmq-oom": ("RabbitMQ", "oom", "oom", "docker-container-oom-triage"),
    "rabbitmq-epmd-nxdomain": (
        "RabbitMQ", "exit", "rmq-epmd-conclusion", "rabbitmq-epmd-error-host-nxdomain",
    ),
    "mosquitto-address-in-use": (
        "Mosquitto", "exit", "mosq-port-conclusion", "mosquitto-address-already-in-use",
    ),
    "mosquitto-unknown-option": (
        "Mosquitto", "exit", "mosq-config-conclusion", "mosquitto-unknown-configuration-variable",
    ),
    "mosquitto-corrupt-db": (
        "Mosquitto", "exit", "mosq-db-conclusion", "mosquitto-corrupt-persistence-database",
    ),
    "mosquitto-unwritable-persistence": (
        "Mosquitto", "Error saving in-memory database", "mosq-save-conclusion",
        "mosquitto-persistence-unable-to-save",
    ),
    # running brokers, healthy or with a problem that is not a start failure: "it has started"
    "rabbitmq-ok": ("RabbitMQ", RABBIT_UP, "rmq-started", None),
    "rabbitmq-memory-alarm": ("RabbitMQ", RABBIT_UP, "rmq-started", None),
    "mosquitto-ok": ("Mosquitto", MOSQ_UP, "mosq-started", "tree-mqtt-client-cannot-connect"),
    "mosquitto-local-only": (
        "Mosquitto", "Starting in local only mode", "mosq-started", "tree-mqtt-client-cannot-connect",
    ),
    "mosquitto-not-authorised": (
        "Mosquitto", MOSQ_UP, "mosq-started", "tree-mqtt-client-cannot-connect",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(WONT_START))
def test_wont_start_tree_walked_live_lands_on_the_incident(
    real_incidents: rb.Net, bundled_kb: Any, name: str
) -> None:
    from tree_walk import walk

    broker, ready, end, entry = WONT_START[name]
    if ready == "exit" or ready == "oom":
        _wait_exit(name, 120)
        deadline = time.monotonic() + 10
        while ready == "oom" and not _oom_event(name) and time.monotonic() < deadline:
            time.sleep(0.5)  # the daemon's oom event may come a moment after the exit
    else:
        rb.wait_for(name, ready, 120)
    got = walk(
        bundled_kb, "tree-broker-wont-start", {"container": rb.PREFIX + name}, {"product": broker}
    )
    assert (got.end.id, got.end.entry) == (end, entry), got.trail()
    if entry is not None:
        assert bundled_kb.get(entry) is not None, entry


# -- kb doctor on the real incidents (runs last: every incident above has been provoked) ----------

# container -> (product, the entries `kb doctor` must name). Healthy containers: nothing at all.
DOCTOR_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "rabbitmq-ok": ("rabbitmq", ()),
    "mosquitto-ok": ("mosquitto", ()),
    "rabbitmq-memory-alarm": ("rabbitmq", ("rabbitmq-memory-alarm-publishers-blocked",)),
    "rabbitmq-disk-alarm": ("rabbitmq", ("rabbitmq-disk-alarm-free-disk-insufficient",)),
    "rabbitmq-auth": (
        "rabbitmq",
        ("rabbitmq-login-refused-invalid-credentials", "rabbitmq-guest-remote-localhost-only"),
    ),
    "rabbitmq-port-clash": ("rabbitmq", ("rabbitmq-listener-eaddrinuse-boot-failed",)),
    "rabbitmq-oom": ("docker", ("docker-container-oom-triage",)),
    "rabbitmq-epmd-nxdomain": ("rabbitmq", ("rabbitmq-epmd-error-host-nxdomain",)),
    "rabbitmq-lb-rst": (
        "rabbitmq",
        ("rabbitmq-enotconn-lb-tcp-health-check", "rabbitmq-mqtt-lb-tcp-check-crash-report"),
    ),
    "part1": ("rabbitmq", ("rabbitmq-network-partition",)),
    "part2": ("rabbitmq", ("rabbitmq-network-partition",)),
    "mosquitto-address-in-use": ("mosquitto", ("mosquitto-address-already-in-use",)),
    "mosquitto-unknown-option": ("mosquitto", ("mosquitto-unknown-configuration-variable",)),
    "mosquitto-unwritable-persistence": ("mosquitto", ("mosquitto-persistence-unable-to-save",)),
    "mosquitto-corrupt-db": ("mosquitto", ("mosquitto-corrupt-persistence-database",)),
    "mosquitto-max-connections": ("mosquitto", ("mosquitto-max-connections-exceeded",)),
    "mosquitto-not-authorised": ("mosquitto", ("mosquitto-not-authorised",)),
    "mosquitto-local-only": ("mosquitto", ("mosquitto-local-only-mode",)),
}


def test_doctor_names_right_product_entries_for_real_incidents(
    real_incidents: rb.Net, bundled_kb: Any
) -> None:
    import json
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "kb.cli.main", "doctor", "--json"],
        capture_output=True,
        timeout=120,
        cwd=rb.ROOT,
    )
    assert proc.returncode in (1, 2), proc.stderr
    report = json.loads(proc.stdout)
    assert all(h["ok"] for h in report["hosts"]), report["hosts"]
    found: dict[str, list[dict[str, Any]]] = {}
    for f in report["findings"]:
        found.setdefault(f["container"], []).append(f)

    def products(entry_id: str | None) -> set[str]:
        """The products an entry is about (a triage tree routes to any product: none)."""
        entry = bundled_kb.get(entry_id) if entry_id else None
        return set(entry.products) if entry is not None and entry.kind != "tree" else set()

    brokers = {"emqx", "vernemq", "mosquitto", "rabbitmq"}
    for name, (product, want) in DOCTOR_NAMES.items():
        got = found.get(rb.PREFIX + name, [])
        if not want:
            assert not got, f"healthy {name} got findings: {[f['summary'] for f in got]}"
            continue
        ids = {f["entry"] for f in got}
        for entry_id in want:
            assert bundled_kb.get(entry_id) is not None, f"bundled KB lacks {entry_id}"
            assert entry_id in ids, f"{name}: expected {entry_id}, got {ids}"
            assert product in products(entry_id), (name, entry_id)
        for f in got:  # and never an entry about another broker
            named = products(f["entry"]) & brokers
            assert not named or product in named or product == "docker", (name, f["entry"])
    # the port clash exits 0, yet doctor calls it a failure
    clash = found.get(rb.PREFIX + "rabbitmq-port-clash", [])
    assert any(f["status"] == "fail" for f in clash), clash


def test_docker_top_tells_a_wrapper_that_handles_sigterm_from_one_that_does_not(
    real_incidents: rb.Net,
) -> None:
    from conftest import make_entry, spec

    from kb.checks.kinds import docker_top

    def top(container: str) -> Any:
        from kb.checks.runner import run_check

        s = spec("docker.top", {"container": rb.PREFIX + container})
        return run_check(make_entry(s), s)

    rb.wait_for("rabbitmq-ok", RABBIT_UP, 120)
    # Debian's /usr/sbin/rabbitmq-server is `sh` running `su` without exec: PID 1 has no TERM
    # handler, so `docker stop` waits 10 s and SIGKILLs (measured: 10.3 s, exit 137)
    r = top("rabbitmq-ok")
    assert r.status == "fail" and "does not handle SIGTERM" in r.summary, r
    # a wrapper that traps TERM and stops its child is fine
    rb.docker("rm", "-f", rb.PREFIX + "trap", check=False)
    rb.docker(
        "run", "-d", "--name", rb.PREFIX + "trap", "--network", "none", rb.HOLDER_IMAGE,
        "sh", "-c", 'trap "kill $c; wait $c; exit 0" TERM; sleep 600 & c=$!; wait $c',
    )  # fmt: skip
    try:
        time.sleep(1)
        r = top("trap")
        assert r.status == "pass" and "handles SIGTERM" in r.summary, r
    finally:
        rb.docker("rm", "-f", rb.PREFIX + "trap", check=False)
    assert top("mosquitto-ok").status == "pass"  # mosquitto itself is PID 1
    assert docker_top._sigterm("SigIgn:\t0000000000000000\nSigCgt:\t0000000000004a03\n") == "caught"

"""Issue 11, "Correct these": each correction of the bundled entries, shown by a test where a test
can show it, plus the real RabbitMQ/Docker lines of the new entries.

Signatures are checked against real lines: the RabbitMQ captures in tests/fixtures/real-logs (made
by tests/live/test_real_incidents.py), lines quoted in public issues, and lines captured on this
project's Docker Engine 20.10. `updated:` is checked against git history.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest

from kb.checks.base import FAIL, PASS
from kb.checks.kinds import host_disk
from kb.loader import load_kb
from kb.signatures import SignatureSet

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real-logs"


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.fixture(scope="module")
def sigs(kb):
    return SignatureSet.from_entries(kb.entries.values())


def _matches(sigs: SignatureSet, line: str) -> set[str]:
    return set(sigs.match_text(line))


def _names_only(
    sigs: SignatureSet, entry: str, named: tuple[str, ...], unnamed: tuple[str, ...]
) -> None:
    """Each `named` line is matched by `entry`'s signatures and no other entry's; no `unnamed`
    line is matched by `entry`'s."""
    for line in named:
        assert _matches(sigs, line) == {entry}, line
    for line in unnamed:
        assert entry not in _matches(sigs, line), line


def _conclusions(entry) -> str:
    return "\n".join(
        f"{n.conclusion or ''} {n.fix or ''}" for n in entry.tree.nodes.values() if n.is_conclusion
    )


def _body(entry) -> str:
    return entry.body + "\n" + entry.translations["zh"].body


# --- updated: is the date the entry last changed --------------------------------------------------


def _last_change(paths: list[Path]) -> dt.date | None:
    out = subprocess.run(
        ["git", "log", "-1", "--format=%as", "--", *[str(p) for p in paths]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return dt.date.fromisoformat(out) if out else None


def test_updated_is_not_older_than_the_last_commit_that_changed_the_entry(kb):
    stale = []
    for e in kb.entries.values():
        en = Path(e.path)
        changed = _last_change([en, en.with_name(f"{e.id}.zh.md")])
        updated = (
            e.updated if isinstance(e.updated, dt.date) else dt.date.fromisoformat(str(e.updated))
        )
        if changed is not None and updated < changed:
            stale.append(f"{e.id}: updated {updated}, last changed {changed}")
    assert stale == [], "set `updated:` to the day you change an entry:\n" + "\n".join(stale)


def test_no_entry_carries_a_sources_date_as_updated(kb):
    # the three seed incidents used to carry the date of their source (2018, 2020, 2024)
    for eid in (
        "vernemq-netsplit-blocks-clients",
        "docker-sdk-stop-timeout-vs-client-timeout",
        "emqx-monotonic-time-stepped-backwards",
    ):
        assert str(kb.get(eid).updated) >= "2026-12-02", eid


# --- emqx-docker-data-lost-on-restart ---------------------------------------------------------


def test_data_lost_entry_separates_retained_ram_from_mnesia_and_config(kb):
    e = kb.get("emqx-docker-data-lost-on-restart")
    body = _body(e)
    assert "retainer.backend.storage_type" in body and "ram" in body
    assert "cluster.hocon" in body  # 5.x rules and connectors
    assert "API key" in body and "banned" in body  # what a node rename really loses in 5.x
    assert "uid 1000" in body and "permission denied" in body
    assert any("emqx/issues/6348" in (s.url or "") for s in e.sources)
    retainer = next(c for c in e.checks if c.id == "retainer-disc")
    assert retainer.params["name"] == "EMQX_RETAINER__BACKEND__STORAGE_TYPE"
    assert any(n.check == "retainer-disc" for n in e.tree.nodes.values())
    assert "rules and resources" not in e.title.lower()


# --- vernemq-netsplit-blocks-clients ----------------------------------------------------------

AUTH_ERROR = (
    "2018-09-10 02:49:46.399 [warning] <0.1628.0>@vmq_mqtt_fsm:check_user:566 can't authenticate "
    'client {[],<<"0a91a0ffdc00216b037226c46b46">>} due to error'
)
NOT_READY = (
    "2019-03-12 10:11:12.123 [warning] <0.3371.0>@vmq_mqtt_fsm:check_user:543 can't register client "
    '{[],<<"sensor-17">>} with username <<"sensor">> due to reason not_ready'
)


def test_vernemq_auth_error_is_not_a_netsplit_but_not_ready_is(sigs):
    assert "vernemq-netsplit-blocks-clients" not in _matches(sigs, AUTH_ERROR)
    assert "vernemq-netsplit-blocks-clients" in _matches(sigs, NOT_READY)


def test_vernemq_fix_warns_that_docker_restart_leaves_the_cluster(kb):
    e = kb.get("vernemq-netsplit-blocks-clients")
    assert "cluster leave" in _conclusions(e)
    assert "or restart its container" not in _conclusions(e)
    assert {"vernemq/issues/866", "vernemq/issues/1332"} <= {
        "/".join((s.url or "").split("/")[-3:]) for s in e.sources
    }


# --- emqx-monotonic-time-stepped-backwards ----------------------------------------------------


def test_monotonic_entry_blames_the_clock_source_not_ntp(kb):
    e = kb.get("emqx-monotonic-time-stepped-backwards")
    assert "OTP 25" not in " ".join(e.versions.values())
    assert "18" in e.versions["erlang"]
    assert any("known-issues-5.8" in (s.url or "") for s in e.sources)
    ends = _conclusions(e)
    assert "set-ntp" not in ends  # NTP never steps the monotonic clock
    assert "current_clocksource" in ends and "paravirt-provider" in ends
    body = _body(e)
    assert "dmesg" in body and "Marking clocksource" in body
    host_clock = next(c for c in e.checks if c.id == "host-clock")
    assert "0.3 s" in host_clock.title  # says what the short sample cannot catch


# --- emqx-default-erlang-cookie-warning -------------------------------------------------------


def test_cookie_entry_treats_the_default_cookie_as_remote_code_execution(kb):
    e = kb.get("emqx-default-erlang-cookie-warning")
    assert "harmless" not in _conclusions(e).lower()
    assert "remote code execution" in e.body and "远程代码执行" in e.translations["zh"].body
    assert "/etc/emqx/emqx.conf" in e.body
    assert "harmless" not in e.summary.lower()
    assert any(c.kind == "docker.inspect" and "4370" in c.params["field"] for c in e.checks)


def test_cookie_entry_sees_host_networking_before_it_calls_the_port_closed(kb):
    """A `--network host` container has no PortBindings, so the 4370 check passes on it; the
    tree asks about the network mode first (review emqx22, finding 7.2)."""
    e = kb.get("emqx-default-erlang-cookie-warning")
    host = next(c for c in e.checks if c.id == "not-host-network")
    assert host.params["field"] == "HostConfig.NetworkMode" and host.params["not_equals"] == "host"
    single = next(o for o in e.tree.nodes["cluster"].options if o.label.startswith("No"))
    assert single.goto == "host-net"
    on_fail = next(o for o in e.tree.nodes["host-net"].options if "fail" in (o.when or []))
    assert on_fail.goto == "exposed-rce"


# --- rabbitmq-enotconn-lb-tcp-health-check ----------------------------------------------------


def test_lb_health_check_uses_listener_checks_not_vhosts_or_cluster_alarms(kb):
    e = kb.get("rabbitmq-enotconn-lb-tcp-health-check")
    paths = {c.params.get("path") for c in e.checks if c.kind == "rabbitmq.api"}
    assert "/api/health/checks/port-listener/5672" in paths
    assert "/api/health/checks/local-alarms" in paths
    assert "/api/vhosts" not in paths and "/api/health/checks/alarms" not in paths
    fix = e.tree.nodes["switch-http"].fix
    assert "port-listener/5672" in fix and "protocol-listener/amqp" in fix
    assert "Do not use the cluster-wide" in fix


# --- emqx-port-in-use-eaddrinuse -------------------------------------------------------------

RABBIT_RANCH = (
    "2026-12-02 07:08:22.888638+00:00 [error] <0.765.0> Failed to start Ranch listener "
    "{acceptor,{0,0,0,0,0,0,0,0},5672} in ranch_tcp:listen(#{connection_type => supervisor,"
    "handshake_timeout => 5000,max_connections => infinity,num_acceptors => 10,num_conns_sups => 1,"
    "socket_opts => [{cacerts,'...'},{key,'...'},{cert,'...'},{ip,{0,0,0,0,0,0,0,0}},{port,5672},"
    "inet6,{backlog,128},{nodelay,true},{linger,{true,0}},{exit_on_close,false}]}) for reason "
    "eaddrinuse (address already in use)"
)
# hassio-addons/app-emqx#15 (EMQX 5)
EMQX_RANCH = (
    "2022-11-26T13:36:32.784352+01:00 [error] Failed to start Ranch listener 'ws:default' in "
    "ranch_tcp:listen([{cacerts,'...'},{key,'...'},{cert,'...'},{ip,{0,0,0,0}},{port,8083},"
    "{backlog,1024},{buffer,4096},{high_watermark,1048576},{nodelay,true},{send_timeout,15000},"
    "{send_timeout_close,true}]) for reason eaddrinuse (address already in use)"
)
DOCKER_BIND = (
    "docker: Error response from daemon: driver failed programming external connectivity on "
    "endpoint c1-busy2 (9a107388c9a36002acdeafd97d34ae5e61e1f31731b8ee158da05ba65bb4f6e0): Bind for "
    "127.0.0.1:18999 failed: port is already allocated"
)


def test_emqx_port_entry_claims_only_emqx_lines(kb, sigs):
    assert _matches(sigs, RABBIT_RANCH) == {"rabbitmq-listener-eaddrinuse-boot-failed"}
    assert _matches(sigs, EMQX_RANCH) == {"emqx-port-in-use-eaddrinuse"}
    assert "emqx-port-in-use-eaddrinuse" in _matches(
        sigs, "Protocol 'ekka': register/listen error: eaddrinuse"
    )
    assert _matches(sigs, DOCKER_BIND) == {"docker-port-already-allocated"}
    mosq = (REAL / "mosquitto" / "address-in-use.log").read_text(encoding="utf-8")
    assert "emqx-port-in-use-eaddrinuse" not in set(sigs.match_text(mosq))
    e = kb.get("emqx-port-in-use-eaddrinuse")
    assert "5369" in e.body and any(c.params.get("port") == 5369 for c in e.checks)


# --- emqx-log-maximum-heap-size-reached ------------------------------------------------------


def test_heap_entry_has_the_debug_and_large_payload_branch(kb):
    e = kb.get("emqx-log-maximum-heap-size-reached")
    nodes = e.tree.nodes
    assert nodes["debug"].check == "debug-log"
    assert {o.goto for o in nodes["debug"].options} >= {"debug-trace", "large-payload"}
    assert {"emqx/issues/5717", "emqx/issues/9867"} <= {
        "/".join((s.url or "").split("/")[-3:]) for s in e.sources
    }


# --- generic Docker lines no longer blamed on one story ---------------------------------------

DIE_EXIT_1 = (
    "2026-12-02T07:00:00.000000000Z container die 4b1f0c2d9e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"
    "7c6d5e4f3a2b (exitCode=1, image=python:3.12, name=worker)"
)
CANNOT_CONNECT = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
SDK_DEADLINE = (
    'Post "http://%2Fvar%2Frun%2Fdocker.sock/v1.41/containers/b1f8bb98a25d/stop?t=20": '
    "context deadline exceeded"
)


def test_exit_1_event_and_plain_cannot_connect_point_at_no_specific_story(sigs):
    assert "container-exits-code-1-startup-script-timeout" not in _matches(sigs, DIE_EXIT_1)
    assert _matches(sigs, CANNOT_CONNECT) == {"docker-daemon-not-running"}
    assert _matches(sigs, SDK_DEADLINE) == {"docker-sdk-stop-timeout-vs-client-timeout"}
    assert (
        _matches(sigs, 'Get "http://x/v1.41/containers/json": context deadline exceeded') == set()
    )


# --- real RabbitMQ lines (tests/fixtures/real-logs) reach the right RabbitMQ entry -------------

RABBIT_EXPECT = {
    "rabbitmq/memory-alarm.log": {"rabbitmq-memory-alarm-publishers-blocked"},
    "rabbitmq/disk-alarm.log": {"rabbitmq-disk-alarm-free-disk-insufficient"},
    "rabbitmq/port-clash-boot-failed.log": {"rabbitmq-listener-eaddrinuse-boot-failed"},
    "rabbitmq/epmd-nxdomain-boot-failed.log": {"rabbitmq-epmd-error-host-nxdomain"},
    "rabbitmq/lb-tcp-check-enotconn.log": {"rabbitmq-enotconn-lb-tcp-health-check"},
    "rabbitmq/refused-logins.log": {
        "rabbitmq-login-refused-invalid-credentials",
        "rabbitmq-guest-remote-localhost-only",
    },
    "rabbitmq/partition-node1.log": {"rabbitmq-network-partition"},
    "rabbitmq/partition-node2.log": {"rabbitmq-network-partition"},
    "rabbitmq/healthy.log": set(),
}


@pytest.mark.parametrize("name", sorted(RABBIT_EXPECT))
def test_real_rabbitmq_logs_reach_their_entry_and_no_other(sigs, name):
    index = json.loads((REAL / "index.json").read_text(encoding="utf-8"))
    assert name in index
    text = (REAL / name).read_text(encoding="utf-8")
    found = set(sigs.match_text(text))
    assert RABBIT_EXPECT[name] <= found, f"{name}: got {sorted(found)}"
    extra = {i for i in found - RABBIT_EXPECT[name] if not i.startswith("rabbitmq-")}
    assert extra == set(), f"{name}: entries of other products fire: {sorted(extra)}"
    if not RABBIT_EXPECT[name]:
        assert found == set(), f"{name}: a healthy broker log matches {sorted(found)}"


def test_guest_refusal_is_told_apart_from_a_wrong_password(sigs):
    text = (REAL / "rabbitmq" / "refused-logins.log").read_text(encoding="utf-8")
    for line in text.splitlines():
        if "can only connect via localhost" in line:
            assert _matches(sigs, line) == {"rabbitmq-guest-remote-localhost-only"}
        elif "invalid credentials" in line:
            assert _matches(sigs, line) == {"rabbitmq-login-refused-invalid-credentials"}


# --- host.disk: the check kind behind the disk entries ----------------------------------------


def test_host_disk_evaluates_space_and_inodes():
    full = {"path": "/x", "total": 100 << 30, "free": 3 << 30, "inodes": 1000, "inodes_free": 900}
    assert host_disk.evaluate({"min_free_pct": 10.0}, full).status == FAIL
    roomy = dict(full, free=40 << 30)
    assert host_disk.evaluate({"min_free_pct": 10.0}, roomy).status == PASS
    assert host_disk.evaluate({"min_free_pct": 10.0, "min_free_gb": 50}, roomy).status == FAIL
    no_inodes = dict(roomy, inodes_free=10)
    assert host_disk.evaluate({}, no_inodes).status == FAIL


def test_host_disk_probe_measures_a_real_filesystem(tmp_path):
    data = host_disk.probe(None, {"path": str(tmp_path)})
    assert data["total"] > 0 and 0 <= data["free"] <= data["total"]
    with pytest.raises(FileNotFoundError):
        host_disk.probe(None, {"path": str(tmp_path / "missing")})


# --- RabbitMQ channel/CLI errors captured from a private 3.10.8 node (tests/fixtures/captured) ---

CAPTURED = ROOT / "tests" / "fixtures" / "captured"


def _captured(*names: str) -> str:
    """The text of captured files, one after the other."""
    return "\n".join((CAPTURED / name).read_text(encoding="utf-8") for name in names)


def _assert_captured_lines(sigs, text: str, want: dict[str, str | frozenset[str]]) -> None:
    """Each line holding a key of `want` matches exactly that key's entry (or entries), every
    other line matches nothing, and every key occurs."""
    seen = set()
    for line in text.splitlines():
        got = _matches(sigs, line)
        keys = [key for key in want if key in line]
        if keys:
            expected = want[keys[0]]
            expected = {expected} if isinstance(expected, str) else set(expected)
            assert got == expected, f"{line!r} -> {sorted(got)}"
            seen.update(keys)
        else:
            assert got == set(), f"an unrelated line matches {sorted(got)}: {line!r}"
    assert seen == set(want)


def test_captured_shovel_errors_reach_exactly_their_entries(sigs):
    """Five dynamic shovels that cannot connect, and the CLI and HTTP API without the plugin
    (3.10.8); the remote node's login refusal is the credentials entry's line; the connection
    headers, the missing exchange's report and shovel_status match nothing."""
    shovel = "rabbitmq-shovel-cannot-connect"
    login = "rabbitmq-login-refused-invalid-credentials"
    want: dict[str, str | frozenset[str]] = {
        # the shovel's own line of a refused login is the credentials entry's too; the shovel's
        # primary signature puts it first in search
        "ACCESS_REFUSED - Login was refused": frozenset({shovel, login}),
        "failed to connect (URI:": shovel,
        "has no more URIs to try for connection": shovel,
        "could not connect to": shovel,
        "component shovel not found": shovel,
        "Command 'shovel_status' not found": shovel,
        "PLAIN login refused: user 'bad'": login,
        # the node's own line for the shovel's direct connection to a missing vhost: the vhost
        # entry's (the shovel's line after it names the shovel entry)
        "vhost nosuchvhost not found": "rabbitmq-vhost-access-refused",
    }
    _assert_captured_lines(sigs, _captured("rabbitmq-3.10.8-shovel-errors.txt"), want)


def test_captured_federation_lines_reach_exactly_their_entries(sigs):
    """Two 3.10.8 nodes: federation without the plugin, links that cannot connect (wrong password,
    unresolvable host, missing vhost, upstream user without configure/write) and links that never
    start (no or non-matching policy). The link's warning names the federation entry; the
    upstream's own refusals and the auth_failure reason on the record's next lines name the login
    and vhost entries; healthy link lines, the x-federation-upstream fallback, federation_status
    output and the supervisor reports match nothing."""
    federation = "rabbitmq-federation-link-not-running"
    login = "rabbitmq-login-refused-invalid-credentials"
    want: dict[str, str | frozenset[str]] = {
        "did not connect to ": federation,
        "Command 'federation_status' not found": federation,
        "component federation-upstream not found": federation,
        "ACCESS_REFUSED - Login was refused": login,
        "PLAIN login refused: user 'fed'": login,
        "vhost nope not found": "rabbitmq-vhost-access-refused",
    }
    _assert_captured_lines(sigs, _captured("rabbitmq-3.10.8-federation.txt"), want)


def test_captured_rabbitmq_channel_errors_reach_exactly_their_entries(sigs):
    text = _captured("rabbitmq-3.10.8-channel-errors.log")
    want = {
        "inequivalent arg 'durable'": "rabbitmq-inequivalent-arg-precondition-failed",
        "timed out waiting for delivery acknowledgement": "rabbitmq-consumer-ack-timeout",
        "delivery acknowledgement on channel 1 timed out": "rabbitmq-consumer-ack-timeout",
        "missed heartbeats from client": "rabbitmq-missed-heartbeats",
        "Invalid challenge reply": "rabbitmq-erlang-cookie-cli-auth-failed",
    }
    _assert_captured_lines(sigs, text, want)
    cli = _captured("rabbitmqctl-3.10.8-cookie-mismatch.txt")
    assert set(sigs.match_text(cli)) == {"rabbitmq-erlang-cookie-cli-auth-failed"}


def test_captured_delayed_message_exchange_lines_reach_exactly_their_entry(sigs):
    # the plugin's failure lines name the entry; healthy lines around them (connections, the
    # plugin enabled, started or stopped, rabbitmq-plugins' own chatter) name nothing
    entry = "rabbitmq-delayed-message-exchange-plugin"
    keys = (
        "exchange type 'x-delayed-message'",  # unknown / invalid, on declare
        "exchange type x-delayed-message",  # Could not find … / … not found, on publish
        "'x-delayed-type' must be an existing exchange type",
        "    rabbitmq_delayed_message_exchange:",  # Failed to enable some plugins: <name>:
        "plugins_not_found",
        "enabled but missing",
    )
    text = _captured(
        "rabbitmq-3.10.8-delayed-message-exchange.log",
        "rabbitmq-plugins-3.10.8-delayed-message-exchange.txt",
    )
    want: dict[str, str | frozenset[str]] = dict.fromkeys(keys, entry)
    # any plugins_not_found is also rabbitmq-plugins-not-found's; the delayed entry's signature
    # is primary, so search and diagnose put it first (test_plugin_not_found_lines_…)
    want["plugins_not_found"] = frozenset({entry, "rabbitmq-plugins-not-found"})
    # so is the "enabled but missing" warning, which 4.2.9 / 4.3.3 print from `enable` in place of
    # plugins_not_found (rabbitmq-server a2947a91d6)
    want["enabled but missing"] = frozenset({entry, "rabbitmq-plugins-not-found"})
    _assert_captured_lines(sigs, text, want)


def test_captured_plugins_not_found_lines_reach_their_entry(sigs, bundled_index):
    generic, delayed = "rabbitmq-plugins-not-found", "rabbitmq-delayed-message-exchange-plugin"
    text = _captured("rabbitmq-plugins-3.10.8-plugins-not-found.txt")
    want: dict[str, str | frozenset[str]] = {
        'rabbitmq-management"]}': generic,  # hyphen for underscore
        "rabbitmq_managment]}": generic,  # misspelt
        '3.10.2.ez"]}': frozenset({generic, delayed}),  # the delayed plugin's file name
    }
    _assert_captured_lines(sigs, text, want)
    # the delayed plugin's own name: its primary signature puts its entry first
    for line, first in (
        ("{:plugins_not_found, [:rabbitmq_delayed_message_exchange]}", delayed),
        ('{:plugins_not_found, [:"rabbitmq-management"]}', generic),
    ):
        assert bundled_index.search(line)[0].id == first, line


def test_captured_max_message_size_lines_reach_exactly_their_entry(sigs):
    # the refused publish and the refused configuration value name the entry; the generic
    # validation-phase header names the configuration-schema entry; the connection lines and the
    # channel-error header around them name nothing
    keys = ("is larger than configured max size", "max_message_size invalid")
    text = _captured("rabbitmq-3.10.8-max-message-size.log")
    want: dict[str, str | frozenset[str]] = dict.fromkeys(keys, "rabbitmq-message-size-exceeds-max")
    want["Error preparing configuration in phase"] = "broker-config-no-setting-with-that-name"
    _assert_captured_lines(sigs, text, want)


def test_captured_quorum_queue_lines_reach_exactly_their_entry(sigs):
    # a 3-node 3.10.8 cluster with two nodes stopped: the failed consume (the crash frame), get,
    # declare and forced delete name the entry, in the broker log and in what pika printed; node
    # down/up lines, the crash reason lines, leader elections and membership changes name nothing.
    # pika's NackError for the publishes says only that the broker nacked: the publisher-confirms
    # entry's line, whose nack branch asks about a quorum queue and leads here
    entry = "rabbitmq-quorum-queue-unavailable"
    keys = (
        "[{rabbit_quorum_queue,consume,3,",
        "Cannot get a message from queue 'queue 'orders' in vhost '/'': {timeout,",
        "Cannot declare quorum queue 'newq' in vhost '/' on node 'kbqq1@localhost' with leader on node 'kbqq1@localhost': cluster_not_formed",
        "Could not delete quorum 'queue 'payments' in vhost '/'', not enough nodes  online to reach a quorum",
    )
    text = _captured(
        "rabbitmq-3.10.8-quorum-queue-unavailable.log",
        "rabbitmq-3.10.8-quorum-queue-pika.txt",
        "rabbitmq-queues-3.10.8-quorum-queue-unavailable.txt",
    )
    want: dict[str, str | frozenset[str]] = dict.fromkeys(keys, entry)
    want["pika.exceptions.NackError: "] = "rabbitmq-publisher-confirms-nack-timeout"
    _assert_captured_lines(sigs, text, want)


def _assert_claims(
    sigs, entry: str, own: tuple[str, ...], others: tuple[str, ...], *, only: bool = False
) -> None:
    """`entry`'s signatures match every line of `own` (with `only`: no other entry's do) and none
    of `others`."""
    for line in own:
        got = _matches(sigs, line)
        assert got == {entry} if only else entry in got, (line, sorted(got))
    for line in others:
        assert entry not in _matches(sigs, line), line


def test_mosquitto_config_file_lines_reach_exactly_their_entry(sigs):
    # reproduced on mosquitto 2.0.11 (-c naming a missing file, a directory, an unreadable file),
    # the 1.4 form without a timestamp (eclipse-mosquitto/mosquitto#620) and a compose prefix
    own = (
        "1796241964: Error: Unable to open config file config/mosquitto.conf.",
        "1796241964: Error: Config file config/mosquitto.conf is a directory.",
        "Error: Unable to open config file /mosquitto/config/mosquitto.conf",
        "mosquitto  | 1654374192: Error: Unable to open config file /mosquitto/config/mosquitto.conf.",
    )
    # the neighbouring start-up failures keep their own entries
    neighbours = (
        '1796195130: Error: Unable to open pwfile "/tmp/pw".',
        "1796195130: Error: Unable to open log file /mosquitto/log/mosquitto.log for writing.",
        "1796195130: Config loaded from /mosquitto/config/mosquitto.conf.",
    )
    _assert_claims(sigs, "mosquitto-unable-to-open-config-file", own, neighbours, only=True)


def test_mosquitto_bridge_connect_failures_reach_their_entry(sigs):
    # reproduced on mosquitto 2.0.11 (wrong remote_password, remote stopped, a remote refusing
    # protocol level 0x84) and the 1.x wording of eclipse-mosquitto/mosquitto#580
    own = (
        "1796243923: Connection Refused: not authorised",
        "1796244131: Connection Refused: unacceptable protocol version",
        "1796244055: Error creating bridge: Broken pipe.",
        "1510095695: Error creating bridge: Unknown error.",
        "1510095695: Warning: Unable to connect to bridge factory-bridge.",
    )
    # client tools print the same CONNACK text (with a trailing period), and a healthy bridge's
    # lines and ordinary clients' socket errors are not bridge failures
    others = (
        "Connection error: Connection Refused: not authorised.",
        "Connection Refused: not authorised.",
        "1796244081: Connecting bridge (step 1) cloud (broker.invalid:1883)",
        "1796244081: Received CONNACK on connection local.vm.edge5.",
        "1796244081: New bridge connected from 127.0.0.1:43766 as vm.edge5 (p2, c0, k60, u'bridgeuser').",
        "1635324132: Socket error on client <unknown>, disconnecting.",
        "1796195152: Client <unknown> disconnected: Protocol error.",
    )
    _assert_claims(sigs, "mosquitto-bridge-cannot-connect", own, others)


def test_mosquitto_websockets_listener_failures_reach_their_entry(sigs):
    # reproduced on mosquitto 2.0.11 (websockets-only config, a taken port) and quoted from eclipse-mosquitto/mosquitto#538, #755, #1740
    own = (
        "1796245533: Error: Unable to start any listening sockets, exiting.",
        "mqtt_1   | 1594126251: Error: Unable to start any listening sockets, exiting.",
        "1796245533: Error: Unable to create websockets listener on port 18861.",
        "Error: Websockets support not available.",
        "Starting Mosquitto MQTT brokerError: Websockets support not available.",
    )
    # a working websockets listener, a WebSocket client on the plain port (the same line as TLS
    # sent to a plain port) and the config-error follow-up line are not this entry's
    others = (
        "1796245237: Opening websockets listen socket on port 18861.",
        "1796245264: New client connected from ::ffff:127.0.0.1:49871 as wsprobe (p2, c1, k10).",
        "1796245258: Client <unknown> disconnected due to protocol error.",
        "1796245529: Error found at mosquitto.conf:3.",
        "1796245264: Websockets support available.",
    )
    _assert_claims(sigs, "mqtt-over-websocket-fails", own, others)


def test_an_emqx_node_with_a_wrong_cookie_is_not_a_rabbitmq_cli_problem(sigs):
    # emqx/emqx#6440: the same Erlang kernel line, from a whole EMQX node
    line = (
        "2021-12-14T09:13:49.305+00:00 [error] ** Connection attempt from node "
        "'emqx@172.18.0.3' rejected. Invalid challenge reply. **"
    )
    assert "rabbitmq-erlang-cookie-cli-auth-failed" not in _matches(sigs, line)


# --- Docker Engine lines: each reaches exactly its entry ---------------------------------------

DOCKER_LINES = [
    # captured on this project's Docker Engine 20.10.24 / CLI 28.2.2
    (
        "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: "
        'runc create failed: unable to start container process: exec: "nosuchcmd": executable file '
        "not found in $PATH: unknown.",
        "docker-oci-executable-not-found",
    ),
    (
        "permission denied while trying to connect to the Docker daemon socket at "
        'unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/containers/json": '
        "dial unix /var/run/docker.sock: connect: permission denied",
        "docker-socket-permission-denied",
    ),
    (
        "unable to configure the Docker daemon with file /tmp/c1bad.json: invalid character '}' "
        "looking for beginning of object key string",
        "docker-daemon-json-invalid",
    ),
    (
        "unable to configure the Docker daemon with file /tmp/c1dup.json: the following directives "
        "are specified both as a flag and in the configuration file: log-driver: (from flag: "
        "journald, from file: json-file)",
        "docker-daemon-json-invalid",
    ),
    # the wording of the public reports cited by the entries (addresses and paths vary)
    (
        "Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may "
        "increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
        "docker-pull-rate-limit",
    ),
    (
        'Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: TLS handshake '
        "timeout",
        "docker-pull-tls-handshake-timeout",
    ),
    (
        "Error response from daemon: could not find an available, non-overlapping IPv4 address pool "
        "among the defaults to assign to the network",
        "docker-address-pools-exhausted",
    ),
    (
        "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: "
        "runc create failed: unable to start container process: error during container init: error "
        'mounting "/tmp/c1dir" to rootfs at "/etc/hostname": mount /tmp/c1dir:/etc/hostname (via '
        "/proc/self/fd/6), flags: 0x5000: not a directory: unknown: Are you trying to mount a "
        "directory onto a file (or vice-versa)? Check if the specified host path exists and is the "
        "expected type",
        "docker-bind-mount-not-a-directory",
    ),
    (
        'docker: Error response from daemon: Conflict. The container name "/c1-dup" is already in '
        'use by container "94f30fa16fe4bc2db046db9e1a1327e1d6a0c1a3cb582a68a5e29e29c51484ce". You '
        "have to remove (or rename) that container to be able to reuse that name.",
        "docker-container-name-conflict",
    ),
    # moby/moby#36428 (Engine 18.x wording)
    (
        'docker: Error response from daemon: OCI runtime create failed: container_linux.go:296: starting container process caused "process_linux.go:398: container init caused "rootfs_linux.go:58: mounting \\"/home/u/credentials.cfg\\" to rootfs \\"/var/lib/docker/overlay2/e84/merged\\" at \\"/var/lib/docker/overlay2/e84/merged/mordred-override.cfg\\" caused \\"not a directory\\""": unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type.',
        "docker-bind-mount-not-a-directory",
    ),
    ("exec /usr/local/bin/docker-entrypoint.sh: exec format error", "docker-exec-format-error"),
    (
        "standard_init_linux.go:228: exec user process caused: exec format error",
        "docker-exec-format-error",
    ),
    (
        'level=error msg="[resolver] read from DNS server failed, read udp '
        '172.18.0.2:46376->192.168.1.1:53: i/o timeout"',
        "docker-dns-resolution-fails",
    ),
    (
        "failed to register layer: Error processing tar file(exit status 1): write "
        "/usr/lib/x86_64-linux-gnu/libLLVM-15.so.1: no space left on device",
        "docker-no-space-left-on-device",
    ),
]


@pytest.mark.parametrize("line,eid", DOCKER_LINES, ids=[e for _, e in DOCKER_LINES])
def test_docker_lines_reach_exactly_their_entry(sigs, line, eid):
    assert _matches(sigs, line) == {eid}


def test_new_signatures_stay_quiet_on_other_products_real_logs(kb):
    mine = [
        e for e in kb.entries.values() if e.id.startswith(("rabbitmq-", "docker-")) and e.signatures
    ]
    rabbit = SignatureSet.from_entries([e for e in mine if e.id.startswith("rabbitmq-")])
    docker = SignatureSet.from_entries([e for e in mine if e.id.startswith("docker-")])
    for f in sorted((REAL / "mosquitto").glob("*.log")):
        text = f.read_text(encoding="utf-8")
        assert rabbit.match_text(text) == [], f.name
        assert docker.match_text(text) == [], f.name
    for f in sorted((REAL / "rabbitmq").glob("*.log")):
        assert docker.match_text(f.read_text(encoding="utf-8")) == [], f.name


def test_waiting_for_tables_capture_reaches_only_its_entry(sigs):
    text = _captured("rabbitmq-3.10.8-waiting-for-tables.log")
    assert set(sigs.match_text(text)) == {"rabbitmq-waiting-for-mnesia-tables"}


def test_cookie_file_mode_error_reaches_its_entry(sigs):
    # printed by erl (OTP 25) when $HOME/.erlang.cookie had mode 644
    line = "Cookie file /tmp/c1home2/.erlang.cookie must be accessible by owner only"
    assert _matches(sigs, line) == {"rabbitmq-erlang-cookie-file-permissions"}


def test_out_of_fds_capture_reaches_only_its_entry(sigs):
    text = _captured("rabbitmq-3.10.8-out-of-fds.log")
    assert set(sigs.match_text(text)) == {"rabbitmq-out-of-file-descriptors"}
    # Ranch's own line is shared with other Ranch users (EMQX), so it names no entry by itself
    assert _matches(sigs, "Ranch acceptor reducing accept rate: out of file descriptors") == set()


def test_unknown_delivery_tag_capture_reaches_only_its_entry(sigs):
    text = _captured("rabbitmq-3.10.8-unknown-delivery-tag.log")
    assert set(sigs.match_text(text)) == {"rabbitmq-unknown-delivery-tag"}


CORRECTED = """
emqx-docker-data-lost-on-restart vernemq-netsplit-blocks-clients emqx-monotonic-time-stepped-backwards
emqx-default-erlang-cookie-warning rabbitmq-enotconn-lb-tcp-health-check emqx-port-in-use-eaddrinuse
emqx-log-maximum-heap-size-reached container-exits-code-1-startup-script-timeout
docker-sdk-stop-timeout-vs-client-timeout docker-container-oom-triage
""".split()


@pytest.mark.parametrize("eid", CORRECTED)
def test_corrected_entries_state_cost_or_risk_in_both_languages(kb, eid):
    e = kb.get(eid)
    ends = _conclusions(e).lower()
    fix = e.body.split("## Fix", 1)[1].split("\n## ", 1)[0].lower()
    assert re.search(r"\b(cost|risk)\b", fix + ends), (
        f"{eid}: the fix does not state its cost or risk"
    )
    zh = e.translations["zh"]
    zfix = zh.body.split("## 解决", 1)[1].split("\n## ", 1)[0] if "## 解决" in zh.body else ""
    ztree = " ".join(str(v) for v in zh.tree_text.values())
    assert re.search("代价|风险", zfix + ztree), f"{eid}: the Chinese fix does not state its cost"


# rabbitmq/rabbitmq-server#10199 (3.12.10) and #10233; BOOT FAILED alone names no entry
FEATURE_FLAG_LINES = [
    "[error] <0.231.0> Feature flags: `direct_exchange_routing_v2`: required feature flag not "
    "enabled! It must be enabled before upgrading RabbitMQ.",
    "[error] <0.231.0> Failed to initialize feature flags registry: {disabled_required_feature_flag, "
    "direct_exchange_routing_v2}",
    "Error during startup: {error,failed_to_initialize_feature_flags_registry}",
]


@pytest.mark.parametrize("line", FEATURE_FLAG_LINES)
def test_feature_flag_boot_failure_reaches_its_entry(sigs, line):
    assert _matches(sigs, line) == {"rabbitmq-feature-flags-upgrade-boot-failed"}


def test_boot_failed_alone_names_no_entry(sigs):
    assert _matches(sigs, "2024-04-24 15:26:47.817125+00:00 [error] <0.235.0> BOOT FAILED") == set()


# --- the AMQP connect tree: what a client and the broker print, captured on a private 3.10.8 node ---

AMQP_TREE = "tree-amqp-client-cannot-connect"


def test_client_connect_captures_name_only_the_entries_that_own_their_lines(sigs):
    # the login refusal, the memory alarm and the vhost refusals (a missing vhost, a vhost without
    # permissions) have incidents; a missing queue or exchange, a narrow permission pattern and a
    # closed connection have none (the tree's conclusions answer them), so those lines name nothing
    login = "rabbitmq-login-refused-invalid-credentials"
    memory = "rabbitmq-memory-alarm-publishers-blocked"
    vhost = "rabbitmq-vhost-access-refused"
    broker = _captured("rabbitmq-3.10.8-client-connect-errors.log")
    for key in (
        "vhost /mall not found",
        "access to vhost '/shop' refused for user 'mall'",
        "access to vhost '/' refused for user 'boss'",
        "no queue 'mall.order.cancel'",
        "no exchange 'mall.order.direct'",
        "access to queue 'app.q' in vhost '/' refused for user 'narrow'",
        "client unexpectedly closed TCP connection",
    ):
        assert key in broker, key
    want = {
        "invalid credentials": login,
        "memory resource limit alarm set": memory,
        "vm_memory_high_watermark set.": memory,
        "vhost /mall not found": vhost,
        "access to vhost '/shop' refused for user 'mall'": vhost,
        "access to vhost '/' refused for user 'boss'": vhost,
    }
    _assert_captured_lines(sigs, broker, want)
    default_vhost = _captured("rabbitmq-3.10.8-default-vhost.log")
    assert "vhost / not found" in default_vhost
    _assert_captured_lines(sigs, default_vhost, {"vhost / not found": vhost})
    pika = _captured("rabbitmq-3.10.8-pika-client-errors.txt")
    # a pika client on the host refused by a stopped broker shows no container: the compose
    # entry's signatures leave it to the AMQP triage tree
    want = {"Login was refused": login, "(530) ": vhost}
    _assert_captured_lines(sigs, pika, want)


def test_amqp_tree_quotes_its_reproduced_lines_verbatim(kb):
    # the broker and pika texts the tree lists as printed here are in the captures, verbatim, in
    # both languages (Spring and Celery lines come from the public issues it cites)
    captured = _captured(
        "rabbitmq-3.10.8-client-connect-errors.log",
        "rabbitmq-3.10.8-pika-client-errors.txt",
    )
    captured = captured.replace("\\'", "'")  # pika's output is a repr: quotes come escaped
    reproduced = re.compile(
        r"^(NOT_ALLOWED|NOT_FOUND|ACCESS_REFUSED|IncompatibleProtocolError|vhost /"
        r"|client unexpectedly closed TCP connection$)"
    )
    e = kb.get(AMQP_TREE)
    for body in (e.body, e.translations["zh"].body):
        section = body.split("\n## ", 2)[1]  # the lines that end in this tree
        quotes = [q for q in re.findall(r"`([^`]+)`", section) if reproduced.match(q)]
        assert len(quotes) == 8, quotes
        for q in quotes:
            assert q in captured, q


def test_amqp_tree_sorts_by_the_client_error_and_reaches_each_cause(kb):
    e = kb.get(AMQP_TREE)
    nodes = e.tree.nodes
    assert len(nodes[e.tree.start].options) <= 9  # the TUI chooses options with the keys 1-9
    ends = {n.entry for n in nodes.values() if n.is_conclusion and n.entry}
    assert {
        "docker-compose-app-cannot-reach-broker",
        "rabbitmq-login-refused-invalid-credentials",
        "rabbitmq-guest-remote-localhost-only",
        "rabbitmq-inequivalent-arg-precondition-failed",
        "rabbitmq-delayed-message-exchange-plugin",
        "rabbitmq-missed-heartbeats",
        "rabbitmq-memory-alarm-publishers-blocked",
        "rabbitmq-disk-alarm-free-disk-insufficient",
    } <= ends
    for eid in ends:  # the tree lists what it leads to (the search's tree rule reads this)
        assert eid in e.related, eid
    # the vhost and declaration causes without an incident end in a fix, in both languages
    zh = e.translations["zh"].tree_text
    for nid in ("vhost-missing", "vhost-permissions", "no-queue", "no-exchange", "http-port"):
        assert nodes[nid].fix and zh[nid].get("fix"), nid
        assert re.search(r"\bCost\b", nodes[nid].fix) and "代价" in zh[nid]["fix"], nid
    assert "rabbitmqctl add_vhost" in nodes["vhost-missing"].fix
    assert "set_permissions -p" in nodes["vhost-permissions"].fix
    # no node asks a question that no option answers for a check status it can get
    for n in nodes.values():
        if n.check:
            assert n.option_for("pass") is not None or n.option_for("error") is not None, n.id


def test_entries_the_amqp_tree_leads_to_link_back_to_it(kb):
    e = kb.get(AMQP_TREE)
    ends = {n.entry for n in e.tree.nodes.values() if n.is_conclusion and n.entry}
    missing = sorted(eid for eid in ends if AMQP_TREE not in kb.get(eid).related)
    assert missing == [], f"add {AMQP_TREE} to `related` of {missing}"


# public lines for the compose health gate (v2 2.15+, v2 before 2.16, v1) and the EMQX memory alarm
# (4.3, 5.0): each names exactly its entry, not the compose/broker connection entry or an EMQX
# memory neighbour; the lines around them name nothing
GATE = "docker-compose-depends-on-unhealthy-dependency"
SYSMEM = "emqx-high-system-memory-usage-alarm"
HEALTH_GATE_LINES = [
    ("dependency failed to start: container docker-metrics-1 is unhealthy", GATE),
    ('dependency failed to start: container for service "web" is unhealthy', GATE),
    ("dependency failed to start: container hrm_database exited (0)", GATE),
    ('ERROR: for api  Container "925e231df5aa" is unhealthy.', GATE),
    ('ERROR: for app  Service "dex" is missing a healthcheck configuration', GATE),
    (
        "2022-05-24T19:07:37.897193+00:00 [warning] [Alarm Handler] Alarm "
        "high_system_memory_usage is activated, System memory usage is higher than 70.0%",
        SYSMEM,
    ),
    (
        "2023-04-21T07:49:16.929025-04:00 [warning] msg: alarm_is_activated, mfa: "
        'emqx_alarm:do_actions/3, line: 416, message: <<"78.30% mem usage">>, '
        "name: high_system_memory_usage",
        SYSMEM,
    ),
]


# "driver failed programming external connectivity" is printed for a taken host port and for Docker's
# iptables chains flushed by a firewall restart: each line names only its own entry
FLUSHED = "docker-iptables-rules-lost-after-firewall-restart"
TAKEN = "docker-port-already-allocated"
PUBLISH_LINES = [
    (
        "docker: Error response from daemon: driver failed programming external connectivity on "
        "endpoint bind (14e1a51512de): iptables failed: iptables --wait -t nat -A DOCKER -p tcp "
        "-d 0/0 --dport 10000 -j DNAT --to-destination 172.17.0.2:10000 ! -i docker0: iptables: "
        "No chain/target/match by that name.",
        FLUSHED,
    ),
    (
        "ERROR: Failed to program FILTER chain: iptables failed: iptables --wait -I FORWARD -o "
        "br-9f4dfff0d6a0 -j DOCKER: iptables v1.8.4 (nf_tables): Chain 'DOCKER' does not exist",
        FLUSHED,
    ),
    (
        "docker: Error response from daemon: driver failed programming external connectivity on "
        "endpoint emqx (3f2c): Bind for 0.0.0.0:1883 failed: port is already allocated.",
        TAKEN,
    ),
]


# the lines around them name no entry; firewalld's clean-up probes while Docker starts fail on
# purpose
QUIET_LINES = [
    " Container hrm_redis  Healthy",
    " Container hrm_database  Error",
    "ERROR: Encountered errors while bringing up the project.",
    "2023-04-21T07:51:16.931938-04:00 [warning] msg: alarm_is_deactivated, mfa: "
    "emqx_alarm:do_actions/3, line: 422, name: high_system_memory_usage",
    "WARNING: COMMAND_FAILED: '/usr/sbin/iptables -w10 -t filter -X DOCKER-ISOLATION' failed: "
    "iptables: No chain/target/match by that name.",
    "WARNING: COMMAND_FAILED: '/usr/sbin/iptables -w2 -t filter -C FORWARD -o docker0 -j DOCKER' "
    "failed: iptables: No chain/target/match by that name.",
]


@pytest.mark.parametrize("line,eid", HEALTH_GATE_LINES + PUBLISH_LINES)
def test_health_gate_memory_alarm_and_publish_lines_reach_exactly_their_entry(sigs, line, eid):
    assert _matches(sigs, line) == {eid}


@pytest.mark.parametrize("line", QUIET_LINES)
def test_lines_around_them_name_nothing(sigs, line):
    assert _matches(sigs, line) == set()


def test_mosquitto_bind_errors_in_both_c_libraries_wordings(sigs):
    """Mosquitto prints strerror() after `Error:`: glibc builds (Debian packages) say "Address
    already in use", the Alpine-based eclipse-mosquitto image (musl) says "Address in use" — the
    same port clash (cmccambridge/mosquitto-unraid#42). musl's "Address not available" is a bind to
    an address the container lacks: `::1` in local-only mode without IPv6 (mosquitto#2212)."""
    _assert_claims(
        sigs,
        "mosquitto-address-already-in-use",
        ("1796195175: Error: Address already in use", "1733404635: Error: Address in use"),
        ("1733404635: Opening ipv4 listen socket on port 1883.",),
        only=True,
    )
    _assert_claims(
        sigs,
        "mosquitto-local-only-mode",
        ("5/19/2021 4:59\tstdout\t1621400387: Error: Address not available",),
        ("1621400387: Opening ipv6 listen socket on port 1883.",),
    )
    # a Docker daemon's or a Go client's bind error is not Mosquitto's
    for line in (
        "Error starting userland proxy: listen tcp4 0.0.0.0:1883: bind: address already in use",
        "dial tcp 192.168.1.5:1883: bind: cannot assign requested address",
    ):
        assert not {"mosquitto-address-already-in-use", "mosquitto-local-only-mode"} & _matches(
            sigs, line
        ), line


def test_captured_credential_helper_lines_reach_their_entry(sigs, bundled_index):
    # the CLI's store error names the entry, and only it: the OCI entry ("Container will not
    # start") claims Go's 'exec: "X": executable file not found' only where a container process
    # was being started (QA 30); the commands and comments name nothing
    entry = "docker-credential-helper-not-found"
    text = _captured("docker-cli-28.2.2-credential-helper-missing.txt")
    want: dict[str, str | frozenset[str]] = {"error storing credentials": entry}
    _assert_captured_lines(sigs, text, want)
    line = next(x for x in text.splitlines() if "error storing credentials" in x)
    hits = bundled_index.search(line)
    assert hits[0].id == entry and hits[0].confident


def test_pull_rate_limit_phrase_is_recognised_without_its_prefix(sigs):
    # users quote Docker Hub's sentence without the registry's error code in front
    entry = "docker-pull-rate-limit"
    assert _matches(sigs, "error (`You have reached your pull rate limit`) when pulling") == {entry}
    assert entry in _matches(
        sigs, "toomanyrequests: You have reached your unauthenticated pull rate limit."
    )


# One capture per entry written from a reproduction: the lines holding a key name the entry, every
# other line of the capture (commands, comments, healthy log lines) names nothing. A key given as a
# (key, entries) pair is a line the capture shares with other entries: it names exactly those (the
# capture's own entry among them or not).
CAPTURED_ENTRIES: list[
    tuple[str | tuple[str, ...], str, tuple[str | tuple[str, tuple[str, ...]], ...]]
] = [
    # a Python grpcio HookProvider built from EMQX's exhook.proto, called the way EMQX calls it
    # (grpcio stubs and curl over clear-text HTTP/2): gRPC and curl output, no EMQX line, so
    # nothing in it names an entry
    (
        "emqx-exhook-grpcio-1.85.4-provider-no-hooks.txt",
        "emqx-exhook-grpc-server-not-called",
        (),
    ),
    # hyperf/amqp files loaded by PHP 8.2 against php-amqplib 3.5.3: the two fatal declaration
    # errors; not the headers, exit codes or the loaded line; and Hyperf's four result calls
    # against RabbitMQ 3.10.8, whose queue depths name nothing
    (
        (
            "rabbitmq-php-8.2-php-amqplib-3.5.3-hyperf-amqp-declaration.txt",
            "rabbitmq-3.10.8-php-amqplib-3.5.3-hyperf-results.txt",
        ),
        "hyperf-amqp-consumer-and-connection-pitfalls",
        ("Declaration of Hyperf\\Amqp\\",),
    ),
    # RabbitMQ 3.10.8 given NODE_PORT / RABBITMQ_DIST_PORT = tcp://… (a Service named node or
    # rabbitmq-dist), pika and Node.js given RABBITMQ_PORT = tcp://…, and the variables of Docker
    # 20.10.24 legacy links; not the commands, the BOOT FAILED banner, the control node's healthy
    # lines or the links' _ADDR/_PROTO/_NAME/_ENV lines
    (
        "rabbitmq-3.10.8-service-link-port-env.txt",
        "broker-port-env-var-injected-by-service-links",
        (
            "Invalid value for $RABBITMQ_",
            "invalid literal for int()",
            "Port could not be cast",
            "Received type string ('tcp://",
            "RABBITMQ_PORT=tcp://:",
            "_TCP=tcp://:",
            "NODE_PORT=tcp://:",
        ),
    ),
    # the Bitnami RabbitMQ image's data directory for uid 1001 (GNU mkdir, both quote styles) on a
    # root-owned bind mount and a new named volume; not the commands, id, ls or exit lines
    (
        "docker-20.10.24-bitnami-rabbitmq-volume-uid1001.txt",
        "rabbitmq-bitnami-image-init-fails",
        ("mkdir: cannot create directory",),
    ),
    # a fixed subnet equal to, around and inside an existing network's; not the commands, the
    # network id or the inspect output
    (
        "docker-20.10.24-pool-overlaps.txt",
        "docker-network-pool-overlaps",
        ("Pool overlaps with other one on this address space",),
    ),
    # RabbitMQ 3.10.8 on an Erlang without asn1, then without crypto (both forms of each line); not
    # the commands, the crash dump notice, the package's Depends or the minimum read from the beam
    (
        "rabbitmq-3.10.8-erlang-app-missing.txt",
        "rabbitmq-erlang-version-incompatible",
        ("asn1.app", "crypto.app"),
    ),
    # a configuration file the node's user cannot read (in conf.d and as rabbitmq.conf); not the
    # generic parse failure, the crash lines or the banner of the silently skipped directories
    (
        "rabbitmq-3.10.8-config-file-eacces.txt",
        "rabbitmq-config-file-permission-denied",
        ("File operation error: eacces", "Could not open file"),
    ),
    # rabbitmq.conf keys the schema does not know, values of the wrong type, a file in another
    # syntax and a broken advanced.config (3.10.8); the validator line of max_message_size is that
    # entry's own; not the commands, the suggestions, the generic parse failure, the BOOT FAILED
    # banner or the node that booted with a management key
    (
        "rabbitmq-3.10.8-config-unknown-key-wrong-type.txt",
        "broker-config-no-setting-with-that-name",
        (
            "there is no setting with that name",
            "Conf file attempted to set unknown variable",
            "Error preparing configuration in phase",
            "failed_to_prepare_configuration",
            "Error transforming datatype for",
            "cannot be converted to a(n)",
            "Error converting value on line",
            "parsing incomplete",
            "Failed to load advanced configuration file",
            "failed_to_read_advanced_configuration_file",
            ("Max message size should be between", ("rabbitmq-message-size-exceeds-max",)),
        ),
    ),
    # a 32-bit program's clock read refused under a profile without the time64 calls; not the
    # same program's successes or its sleep
    (
        "docker-20.10.24-seccomp-time64.txt",
        "docker-seccomp-time64-operation-not-permitted",
        ("failed: Operation not permitted (1)",),
    ),
    # the daemon's user and group refusals at run and at exec; not the commands, the numeric ids
    # that work or the echo into /etc/passwd
    (
        "docker-20.10.24-unable-to-find-user.txt",
        "docker-unable-to-find-user-passwd",
        ("no matching entries in passwd file", "no matching entries in group file"),
    ),
    # dockerd's three refusals to start (the stale containerd.pid's timeout, no containerd at
    # --containerd, a live --pidfile); not "containerd is still running" (normal when dockerd
    # restarts while its containerd lives on), the grpc reconnect line or the pid parse error
    (
        "docker-20.10.24-containerd-start-timeout.txt",
        "docker-daemon-containerd-start-timeout",
        (
            "timeout waiting for containerd to start",
            "context deadline exceeded",
            "ensure docker is not running or delete",
        ),
    ),
    # modprobe's refusal of veth on a kernel whose /lib/modules/$(uname -r) is gone; not the
    # commands, the ls error or the same refusal for bridge, br_netfilter and overlay
    (
        "docker-kmod-30-veth-module-missing.txt",
        "docker-veth-pair-operation-not-supported",
        ("Module veth not found in directory",),
    ),
    # the missing --mount source and the daemon's failed mkdir (read-only, /sys); not the commands
    # or the root-owned directory -v made
    (
        "docker-20.10.24-bind-mount-source-missing.txt",
        "docker-bind-mount-source-missing",
        ("bind source path does not exist", "error while creating mount source path"),
    ),
    # each client's "closed" error after the 404; not the 404 itself (the cause: the AMQP client
    # tree's no-queue branch), the broker's channel-error lines or Go's 504 (a closed connection
    # says it too)
    (
        "rabbitmq-3.10.8-channel-closed-after-404.txt",
        "rabbitmq-channel-closed-after-channel-error",
        (
            "Channel is closed.",
            "IllegalOperationError: Channel closed",
            "channel is already closed due to channel error",
            "Channel connection is closed.",
        ),
    ),
    # the socket's refusal as the CLI, a Go client and docker-py word it; not the command lines
    (
        "docker-20.10.24-socket-permission-denied-clients.txt",
        "docker-socket-permission-denied",
        ("connect: permission denied", "PermissionError(13"),
    ),
    # PostgreSQL's two data-directory refusals; not its HINT and DETAIL lines
    (
        "docker-postgresql-15-data-directory-checks.txt",
        "docker-bind-mount-permission-denied",
        ("has wrong ownership", "has invalid permissions"),
    ),
    # the boots after kill -9 and after a truncated recovery.dets (the store's two-line warning and
    # the CQv2 index's dropped count); not the store's one-line warning (a new node's first boot
    # prints it too), the clean boots' recovery lines, list_queues or OTP's dets repair notice
    (
        "rabbitmq-3.10.8-unclean-shutdown-recovery.txt",
        "rabbitmq-unclean-shutdown-slow-recovery",
        (
            "> rebuilding indices from scratch",
            "recovery terms differ from present",
            "after unclean shutdown",
        ),
    ),
    # a stopped vhost (its clients' 320 and the node's closures) and deleted users and vhosts; not
    # a new client's 541 refusal (a connect failure: the AMQP client tree's vhost-down branch,
    # found by its words), "because the vhost is stopping" (every node stop logs it), the node's
    # "Closing connection … because" follow-ups or the deletion notices
    (
        "rabbitmq-3.10.8-vhost-down.txt",
        "rabbitmq-connection-forced-shutdown",
        ("CONNECTION_FORCED - ", 'connection_forced: "'),
    ),
    # the discarded limit (docker run -m and docker update), docker info's two limit warnings and
    # the daemon's start-up line; not its blkio lines, the kernel-TCP or OOM-disable warnings
    (
        "docker-20.10.24-no-memory-cgroup.txt",
        "docker-memory-limit-not-supported",
        (
            "Limitation discarded",
            "No memory limit support",
            "No swap limit support",
            "does not support cgroup memory limit",
        ),
    ),
    # each client library's own missed-heartbeat error and the broker's line; not the Java
    # client's generic driver-error header, Go's 504 afterwards or the broker's "client unexpectedly
    # closed TCP connection" (any client that goes away says that)
    (
        "rabbitmq-3.10.8-client-heartbeat-timeouts.txt",
        "rabbitmq-missed-heartbeats",
        (
            "No activity or too many missed heartbeats",
            "Too many heartbeats missed",
            "Error: Heartbeat timeout",
            "Heartbeat missing with heartbeat",
            "Missed server heartbeat",
            'i/o timeout"',
            "missed heartbeats from client",
        ),
    ),
    # publisher confirms on 3.10.8 (pika, Java 5.0.0, amqplib, php-amqplib, amqp091-go): each
    # client's nack, unroutable and confirm-timeout lines, and the node's warning for a quorum
    # queue declared with reject-publish-dlx (it falls back to drop-head and never nacks); the
    # node's memory alarm during the timeout runs is the alarm entry's; the confirmed steps, the
    # frames printed by the listeners, the 404 closes (the channel-closed entry's case, found by
    # its words), PHP's generic read time-out, the blocked-connection lines and the benchmarks
    # name nothing
    (
        "rabbitmq-3.10.8-publisher-confirms.txt",
        "rabbitmq-publisher-confirms-nack-timeout",
        (
            "NackError: ",
            "UnroutableError: ",
            "Message was Nack'ed by broker",
            "nacks received",
            "reply-text=NACKS RECEIVED",
            "TIMEOUT WAITING FOR ACK",
            "Error: message nacked",
            "Invalid overflow strategy",
            (
                "memory resource limit alarm set on node",
                ("rabbitmq-memory-alarm-publishers-blocked",),
            ),
        ),
    ),
    # the broker's channel errors and the client's 405/403; not the channel-error header
    (
        "rabbitmq-3.10.8-exclusive-queue-locked.log",
        "rabbitmq-exclusive-queue-resource-locked",
        ("cannot obtain exclusive access to locked queue", "in exclusive use"),
    ),
    # MANIFEST_UNKNOWN and the platform miss; not other registries' bare "name unknown" /
    # "unauthorized" or the progress line
    (
        "docker-20.10.24-pull-manifest-not-found.txt",
        "docker-pull-manifest-not-found",
        ("not found: manifest unknown", "no matching manifest for"),
    ),
    # the backup and open-for-update failures; -c's "Unable to open file … for writing" is left
    # to the words (it is not mosquitto_passwd's alone)
    (
        "mosquitto_passwd-2.0.11-cannot-write.txt",
        "mosquitto-passwd-cannot-write",
        ("Error creating backup password file", "Unable to open password file"),
    ),
    # 2.1's refusal of -c on a path that exists (O_EXCL); not 2.0.11's "Is a directory", the
    # successful additions or the --help text
    (
        "mosquitto_passwd-2.1.2-c-file-exists.txt",
        "mosquitto-passwd-cannot-write",
        ("for writing. File exists.",),
    ),
    # the node-name check's refusal for the reasons the live incident does not show (timeout,
    # address; its nxdomain log is tests/fixtures/real-logs/rabbitmq/epmd-nxdomain-boot-failed.log), the
    # line and the reason term in the supervisor report and the Kernel pid line; not BOOT FAILED,
    # the crash report's other lines or the crash-dump notice
    (
        ("rabbitmq-3.10.8-epmd-error-timeout.log", "rabbitmq-3.10.8-epmd-error-address.log"),
        "rabbitmq-epmd-error-host-nxdomain",
        ("epmd error for host", "epmd_error,"),
    ),
    # each missing-tag refusal (API answer and log line); not the wrong password
    (
        "rabbitmq-3.10.8-management-user-tags.txt",
        "rabbitmq-management-not-management-user",
        ("Not management user", "Not administrator user", "Not monitor user"),
    ),
    # the forced closures (client and broker, shutdown and an operator's reason); not the stop
    # and SIGTERM notices or the connection headers
    (
        "rabbitmq-3.10.8-connection-forced.log",
        "rabbitmq-connection-forced-shutdown",
        ("CONNECTION_FORCED - ", "connection_forced: "),
    ),
    # an empty and a partial host directory over the broker's config directory: Mosquitto's two
    # refusals are its own entry's lines (docker-bind-mount-hides-image-files links it from its
    # tree); busybox's "cat: can't open '/conf/app.conf'", the listings, Mosquitto's "Error found
    # at" and RabbitMQ's silent start (0 plugins, no config file) match nothing
    (
        "docker-20.10.24-bind-mount-hides-image-files.txt",
        "mosquitto-unable-to-open-config-file",
        ("Error: Unable to open config file", "Error: Unable to open include_dir"),
    ),
    # the refused renames inside the container; not the inode numbers or the stale file's text
    (
        "docker-20.10.24-single-file-bind-mount.txt",
        "docker-single-file-bind-mount-out-of-sync",
        ("Device or resource busy",),
    ),
    # runc and containerd's v1 runtime refusing to start a container when the daemon's mount
    # namespace lacks the devices hierarchy, every hierarchy or the name=systemd one, or has only
    # cgroup2; runc refused the devices rules under a restricted parent; not the commands, the
    # runtime's deprecation warning or the containers that started
    (
        "docker-20.10.24-runc-cgroup-hierarchy.txt",
        "docker-runc-cgroup-namespace-setup-fails",
        (
            "mountpoint for devices not found",
            "no cgroup mount found in mountinfo",
            "cannot find cgroup mount destination",
            "cgroup mountpoint does not exist",
            'failed to write "a *:* rwm"',
            'failed to write "b *:* m"',
        ),
    ),
    # the thread failure under EPERM for clone3; not "Aborted" or the exit codes
    (
        "docker-20.10.24-seccomp-clone3.txt",
        "docker-seccomp-clone3-operation-not-permitted",
        ("Failed to create thread",),
    ),
    # each plugin load failure and the loader's reason; not "Loading plugin:", the bare
    # "Load error: (null)" or the start-up lines
    (
        "mosquitto-2.0.11-auth-plugin-load.txt",
        "mosquitto-auth-plugin-load-error",
        (
            "Unable to load auth plugin",
            "Unsupported auth plugin version",
            "cannot open shared object file",
            "undefined symbol",
        ),
    ),
    # the plugin's load and save failures, the missing plugin_opt_config_file and mosquitto_ctrl
    # refused at SUBSCRIBE; the CONNACK refusals are the not-authorised entry's; the bare "Error:
    # Out of memory." and the self-kick's "disconnected due to out of memory" (both printed for
    # other causes too, the latter by 2.0.15+ with no dynsec) match nothing
    (
        "mosquitto-2.0.11-dynamic-security.txt",
        "mosquitto-dynamic-security-plugin-fails",
        (
            "Error loading Dynamic security plugin config",
            "Error saving Dynamic security plugin config",
            "plugin_opt_config_file defined",
            "Subscribe error: Not authorized",
            "already exists. Remove the file",
            ("Sending CONNACK to 127.0.0.1 (0, 135)", ("mosquitto-not-authorised",)),
            ("disconnected, not authorised", ("mosquitto-not-authorised",)),
            # a publish the plugin denies is logged as any ACL denial
            ("Denied PUBLISH", ("mosquitto-acl-denied-publish",)),
        ),
    ),
    # RabbitMQ 3.10.8 closing connections that break AMQP 0-9-1 framing (raw sockets, non-AMQP
    # bytes on the AMQP port, two pika threads on one channel) and what the clients got; not the
    # connection headers, "fatal_frame_error", the open/close lines or pika's IncompatibleProtocolError
    # for a non-AMQP port (the AMQP triage tree's), nor pika's own assertion errors
    (
        (
            "rabbitmq-3.10.8-frame-errors.log",
            "rabbitmq-3.10.8-frame-errors-client.txt",
            "rabbitmq-3.10.8-frame-desync.txt",
        ),
        "rabbitmq-amqp-frame-and-protocol-errors",
        (
            "caused a connection exception unexpected_frame",
            "caused a connection exception channel_error",
            "caused a connection exception frame_error",
            "negotiated frame_max = ",
            "{bad_header,<<",
            "amqp1_0_plugin_not_enabled",
            "{bad_version,",
            "UNEXPECTED_FRAME - ",
            "CHANNEL_ERROR - ",
            "FRAME_ERROR - ",
            "pop from an empty deque",
        ),
    ),
    # each TLS alert line of the listener and the TLS header on the plain port; not their
    # continuation lines (" - no_client_certificate_provided") or the connection header
    (
        "rabbitmq-3.10.8-tls-listener.log",
        "rabbitmq-tls-handshake-failed",
        ("TLS server: In state", "unsupported_record_type,65", "bad_header,<<22,3,1"),
    ),
    # a pika consumer through a node restart: the forced closure is the connection-forced
    # entry's line; pika's bare AMQPConnectionError retries match nothing
    (
        "rabbitmq-3.10.8-pika-recovery.txt",
        "rabbitmq-connection-forced-shutdown",
        ("CONNECTION_FORCED",),
    ),
    # each packet the broker rejects; not the connect lines or the bare protocol-error
    # disconnects (a wildcard publish, an invalid CONNECT's <unknown> client)
    (
        "mosquitto-2.0.11-malformed-packets.txt",
        "mosquitto-malformed-packet-protocol-error",
        (
            "disconnected due to malformed packet",
            "Invalid subscription string",
            "Invalid QoS in PUBLISH",
            "Invalid protocol version",
        ),
    ),
    # the image's entrypoint refusing two variables; not its advice line
    (
        "rabbitmq-image-4.1-deprecated-env-vars.txt",
        "rabbitmq-docker-deprecated-env-vars",
        ("is set but deprecated", "deprecated environment variables detected"),
    ),
    # the CLI against a node name epmd does not know; not its generic reasons or diagnostics
    (
        "rabbitmqctl-3.10.8-node-not-running.txt",
        "tree-broker-wont-start",
        ("not running at all",),
    ),
    # an inherited un-prefixed LOGS naming a directory (read as RABBITMQ_LOGS): the log-file
    # failure and every cannot_log_to_file ... eisdir form; not BOOT FAILED or the banner lines
    (
        "rabbitmq-3.10.8-inherited-logs-variable.txt",
        "rabbitmq-windows-service-fails-to-start",
        ("illegal operation on a directory", "eisdir"),
    ),
    # a root-owned data base, log base and node directory: the one-line forms of each failure;
    # not the pretty-printed BOOT FAILED blocks or the crash report around them
    (
        "rabbitmq-3.10.8-data-log-dir-eacces.txt",
        "rabbitmq-data-dir-permission-denied",
        (
            "Failed to write PID file",
            "failed to open log file at",
            "Application rabbit exited with reason",
            "Kernel pid terminated",
        ),
    ),
    # a damaged or foreign Mnesia directory (3.10.8): the schema integrity failure in every form
    # that carries the tuple, the Mnesia repair and corrupt-log lines, the Mnesia start failure;
    # the message store's warnings after a deleted DCD are the unclean-shutdown entry's; the
    # continuation lines, the dets repair, mnesia_tm's crash and the CLI output match nothing
    (
        "rabbitmq-3.10.8-mnesia-dir-damaged.txt",
        "broker-mnesia-schema-integrity-failed",
        (
            "schema_integrity_check_failed",
            "repaired, lost",
            "Corrupt logfile deleted",
            "mnesia_app,start",
            ("recovery terms differ", ("rabbitmq-unclean-shutdown-slow-recovery",)),
            ("rebuilding indices from scratch", ("rabbitmq-unclean-shutdown-slow-recovery",)),
        ),
    ),
    # a will fired by a clean disconnect, a killed, a silent and a delayed client: only the
    # keepalive expiry names an entry (the FAQ has no signature); the will lines match nothing
    (
        "mosquitto-2.0.11-will-message.txt",
        "mosquitto-keepalive-exceeded-timeout",
        ("has exceeded timeout",),
    ),
    # a user-defined network over a routed block: routes, no log line; nothing in it may match
    (
        "docker-20.10.24-bridge-route-shadowing.txt",
        "docker-bridge-subnet-overlaps-lan",
        (),
    ),
    # a libwrap build at its open files limit: every refused connection; not the start-up lines
    (
        "mosquitto-2.0.11-open-files-limit.txt",
        "mosquitto-open-files-limit",
        ("denied access by tcpd",),
    ),
    # the listener's CA file missing or holding no certificate; not the OpenSSL detail lines
    (
        "mosquitto-2.0.11-cafile-errors.txt",
        "mosquitto-tls-certificate-errors",
        ("Unable to load CA certificates",),
    ),
    # the service words of mosquitto.exe given together with an option (the same parser on
    # Linux); not the usage text, the commands or the exit lines
    (
        "mosquitto-2.0.11-windows-service-arguments.txt",
        "mosquitto-windows-service-fails",
        ("Error: Unknown option '",),
    ),
    # listeners below 1024 refused (as root, as the mosquitto user, in a container with the sysctl
    # at 1024); not the "Permission denied" lines after them, the setcap run or the commands
    (
        "mosquitto-2.0.11-privileged-port.txt",
        "mosquitto-privileged-port-permission-denied",
        ("If you are trying to bind to a privileged port",),
    ),
    # a pull and a login with stored credentials the registry no longer accepts; not the
    # anonymous pull's "manifest unknown" after the logout, nor the commands
    (
        "docker-20.10.24-pull-stale-credentials.txt",
        "docker-pull-unauthorized-stale-login",
        ("unauthorized: incorrect username or password",),
    ),
    # a stopped container whose network was pruned or removed, and docker run naming a missing
    # network; not the prune report, the successful start after the network came back, or the
    # commands
    (
        "docker-20.10.24-network-not-found.txt",
        "docker-network-not-found",
        ("network kbnf-net not found", "network kbnf-missing not found"),
    ),
    # docker network rm refused while a container runs on the network (twice: one container,
    # then one joined with docker network connect); not the inspect output, the prune report,
    # "endpoint h-netep-ghost not found" from disconnect -f, or the restarted private daemon's
    # "Removing stale sandbox" cleanup
    (
        "docker-20.10.24-network-active-endpoints.txt",
        "docker-network-has-active-endpoints",
        ("has active endpoints",),
    ),
    # a durable classic queue whose node is stopped, from the client and in the other node's
    # log; not the list_queues output, the forget_cluster_node and delete_queue runs, or the
    # "Channel error on connection" headers
    (
        "rabbitmq-3.10.8-home-node-down.txt",
        "rabbitmq-classic-queue-home-node-down",
        ("is down or inaccessible",),
    ),
    # a persistent QoS 1 subscriber's queue (max_queued_messages 5) overflowing while it is
    # offline; not the connection, subscription or PUBLISH lines around it
    (
        "mosquitto-2.0.11-queue-full-dropped.txt",
        "mosquitto-outgoing-messages-dropped",
        ("Outgoing messages are being dropped for client sub1.",),
    ),
    # the daemon's refusals of an API outside its range, both directions, to both CLIs and to
    # curl's JSON; not the /version answer, docker-py's own refusal or the negotiated versions
    (
        "docker-20.10.24-api-version-bounds.txt",
        "docker-client-api-version-too-old",
        ("is too old. Minimum supported API version", "is too new. Maximum supported API version"),
    ),
    # paho-mqtt 2.0.0 and 2.1.0 refusing 1.x-style client creation, a 1.x callback under
    # VERSION2, 1.6.1 without CallbackAPIVersion, the deprecation warning; not the script, the
    # successful connections or the __del__ noise
    (
        "mosquitto-2.0.11-paho-mqtt-client-versions.txt",
        "paho-mqtt-2-callback-api-version",
        (
            "Unsupported callback API version: version 2.0",
            "missing 1 required positional argument: 'callback_api_version'",
            "takes 4 positional arguments but 5 were given",
            "has no attribute 'CallbackAPIVersion'",
            "DeprecationWarning: Callback API version 1 is deprecated",
        ),
    ),
    # paho-mqtt 2.2.0 against Mosquitto 2.0.11 with max_inflight_messages 5: the client's full queue
    # (rc 15 and the ValueError) and the broker's PUBREC rc151 to a QoS 2 overrun; not the accepted
    # publishes, the rc0 acknowledgements, the subscriber's lines or on_publish's Success
    (
        "mosquitto-2.0.11-paho-inflight-window.txt",
        "mqtt-publish-inflight-window-full",
        ("(Message queue full.)", "Message is not queued due to ERR_QUEUE_SIZE", "rc151)"),
    ),
    # paho-mqtt 2.2.0 / 1.6.1 and MQTT.js 5.16.0 through broker restarts and a paused broker: paho's
    # reconnect retries and its keepalive give-up; not the refused first connect() (any client
    # against a stopped server), the reconnects, the session flags, MQTT.js's ECONNREFUSED or
    # paho 2.2.0's "Client is not connected" ERROR line
    (
        "mosquitto-2.0.11-paho-mqttjs-reconnect.txt",
        "mqtt-client-does-not-reconnect",
        (
            "Connection failed, retrying",
            # the keepalive give-up also names the ping-timeout entry, whose primary signature
            # puts it first (test_keepalive_timeout_line_is_the_ping_timeout_entrys_own)
            (
                "Keep alive timeout",
                ("mqtt-client-does-not-reconnect", "mqtt-client-pingresp-timeout"),
            ),
        ),
    ),
    # paho-mqtt 2.2.0 giving up on a frozen broker and a silently dropped flow (both callback API
    # versions), a callback that blocks the loop, and the broker's log of each run: the client's
    # keepalive give-up names the ping-timeout entry (and the reconnect entry, which shares the
    # reason-code line); the broker's expiry its own entry; not the blocked client's
    # "Unspecified error", the connect/ping lines or paho's "Client is not connected" line
    (
        "mosquitto-2.0.11-paho-pingresp-timeout.txt",
        "mqtt-client-pingresp-timeout",
        (
            "Client or broker did not communicate in the keepalive interval",
            (
                "Keep alive timeout",
                ("mqtt-client-does-not-reconnect", "mqtt-client-pingresp-timeout"),
            ),
            ("has exceeded timeout", ("mosquitto-keepalive-exceeded-timeout",)),
            ("already connected, closing old connection", ("mosquitto-client-already-connected",)),
        ),
    ),
    # static programs killed by SIGILL (ud2) and SIGSEGV in containers, and a read of the vsyscall
    # page on an xonly kernel: the kernel's invalid-opcode and vsyscall lines; not the NULL-pointer
    # segfault (a plain crash), the shell's "Illegal instruction", the exit codes or the commands
    (
        "docker-20.10.24-exit-132-139.txt",
        "docker-container-exit-132-139-cpu-or-kernel",
        ("trap invalid opcode", "vsyscall read attempt denied", "segfault at ffffffffff600000"),
    ),
    # wrong bridge topic lines refused at start-up (a direction that is not out/in/both, the QoS
    # before the direction, a "" pattern with one prefix, a wildcard prefix, QoS 3, no topic line);
    # the "Error found at FILE:LINE" after each is the unknown-variable entry's shared line
    (
        "mosquitto-2.0.11-bridge-topic-errors.txt",
        "mosquitto-bridge-messages-not-forwarded",
        (
            "Invalid bridge topic direction",
            "Invalid bridge remapping",
            "Invalid bridge topic local prefix",
            "Invalid bridge QoS level",
            "no topics defined",
            ("Error found at", ("mosquitto-unknown-configuration-variable",)),
        ),
    ),
    # a connected bridge whose messages do not cross (wrong direction, prefixes, a left-out QoS,
    # echo without try_private, retained with bridge_outgoing_retain false, a local acl_file the
    # bridge ignores) logs nothing of its own: no line may name an entry, except "Denied PUBLISH
    # from" (the remote's for the bridge's id, the local one's for an anonymous client), which is
    # the ACL entry's
    (
        "mosquitto-2.0.11-bridge-topics.txt",
        "mosquitto-bridge-messages-not-forwarded",
        (("Denied PUBLISH from", ("mosquitto-acl-denied-publish",)),),
    ),
    # dockerd's network controller refusing to start: a network named docker0 in local-kv.db, a
    # bip or a reused docker0 address another network holds (IPAM's refusal, also the pool-overlap
    # entry's line), bip written as the network address, a missing --bridge interface, no
    # iptables on the PATH; not the "failed to find iptables" warning before it, the starts that
    # worked, the routes of a bip overlapping another interface or the legacy/nft listings
    (
        "docker-20.10.24-network-controller-init.txt",
        "docker-daemon-network-controller-init-fails",
        (
            "conflicts with network",
            (
                "Pool overlaps with other one on this address space",
                ("docker-daemon-network-controller-init-fails", "docker-network-pool-overlaps"),
            ),
            "failed to allocate gateway",
            "must be created manually",
            "failed to create NAT chain DOCKER: Iptables not found",
        ),
    ),
    # dockerd's storage driver refusing the data root: no d_type (refusal, the warning of an existing
    # overlay2 directory, containerd's overlayfs snapshotter), an overlay data root (the failed
    # test mount, the kernel's upperdir line), several driver directories, aufs and a misspelled
    # driver; not the header, the commands, the fuse-overlayfs and aufs probes, docker info or the
    # read-only data roots' mkdir/chmod lines
    (
        "docker-20.10.24-storage-driver-init.txt",
        "docker-storage-driver-init-fails",
        (
            "error initializing graphdriver: ",
            "formatted without d_type support",
            "snapshotter.v1.overlayfs does not support d_type",
            "not supported as upperdir",
            'msg="failed to mount overlay: invalid argument"',
        ),
    ),
    # local-kv.db moved aside (the network-controller entry's last resort): a container that had
    # been started on a user-defined network asks for the forgotten network ID, also after a
    # network of the same name is back; not the commands, the inspect output or the ip link listing
    (
        "docker-20.10.24-local-kv-moved-aside.txt",
        "docker-network-not-found",
        ("network 0e9617b85e7125c11ce5e9ff62ae6c1c67e1909f1898873edaa45961c5bb5101 not found",),
    ),
    # message TTL and dead-lettering on classic and quorum queues: the refused expirations (client
    # and log), the refused routing key without a DLX, the cycle drops and the quorum dead-letter
    # warnings; not the listings, the x-death headers, the "Channel error on connection" headers,
    # the silent drops (nothing is logged) or the second lines of the cycle records
    (
        "rabbitmq-3.10.8-message-ttl-dead-letter.txt",
        "rabbitmq-message-ttl-not-expiring",
        (
            "invalid expiration '",
            "routing_key_but_no_dlx_defined",
            "Dead-letter queues cycle detected",
            "Falling back to dead-letter-strategy at-most-once",
            "Cannot forward any dead-letter messages",
            "Disabling dead-lettering",
        ),
    ),
    # the Docker CLIs without the compose plugin, the shells without docker-compose, Compose
    # 2.40.3's version warning and its schema refusal, docker-compose 1.29.2 and 1.25.0 refusing
    # newer files, and the v1 container name a v2 project no longer has; not the commands, the
    # "unknown shorthand flag" of the CLI's own flag parser, the explanation v1 appends, or the
    # create/recreate progress lines
    (
        "docker-compose-v1-v2-mismatch.txt",
        "docker-compose-v1-v2-mismatch",
        (
            "is not a docker command",
            "unknown command: docker compose",
            "docker-compose: command not found",
            "docker-compose: not found",
            "the attribute `version` is obsolete",
            "No such container: h-compose-demo_web_1",
            "is invalid because:",
            "does not match any of the regexes",
            "Unsupported config option for",
            "contains unsupported option",
            "is invalid - it should be a string",
            "is unsupported. You might",
            "Additional properties are not allowed",
            "Invalid top-level property",
            "additional properties 'start_interval' not allowed",
            "version must be a string",
        ),
    ),
    # a Celery 5.7.0 worker on RabbitMQ 3.10.8 sent a pika JSON and text body, an unregistered task,
    # a pickle task and pickle, XML and broken-JSON bodies without headers: the unknown-message,
    # unregistered, invalid-task and decode lines and the ContentDisallowed traceback lines name the
    # entry; the healthy task, the report's follow-up lines, the other traceback lines, the
    # rabbitmqadmin output and the dead-letter run's queue listing name nothing
    (
        "rabbitmq-3.10.8-celery-5.7.0-unknown-messages.txt",
        "celery-received-unknown-message-rabbitmq",
        (
            "Received and deleted unknown message.  Wrong destination?!?",
            "Received unregistered task of type 'billing.tasks.charge'.",
            "Received invalid task message: Refusing to deserialize",
            "Can't decode message body:",
            "kombu.exceptions.ContentDisallowed: Refusing to deserialize",
        ),
    ),
    # Mosquitto 2.0.11 under reconnecting paho-mqtt and MQTT.js clients, stopped, started and
    # paused: the stale connection dropped after the pause is the keepalive entry's line, the
    # client's own abandoned attempt taking over its id is the client-id entry's; the restarts,
    # saves, connects and disconnects name nothing
    (
        "mosquitto-2.0.11-reconnect-broker.log",
        "mqtt-client-does-not-reconnect",
        (
            ("has exceeded timeout, disconnecting", ("mosquitto-keepalive-exceeded-timeout",)),
            ("already connected, closing old connection", ("mosquitto-client-already-connected",)),
        ),
    ),
    # dockerd 20.10.24 with a registry mirror (docker-registry 2.8.2): the mirror being tried (its
    # URL ends in a slash), the fallback after its 404 and a mirror without scheme refused on
    # reload and at start name the mirror entry; the final Docker Hub / quay.io lookup failure the
    # CLI prints (this machine has no Internet) is the DNS entry's; the Hub endpoint's own "Trying
    # to pull", the connection-refused and time-out fallbacks (any registry logs those) match
    # nothing
    (
        "docker-20.10.24-registry-mirror.txt",
        "docker-registry-mirror-not-used",
        (
            "from http://127.0.0.1:5077/ v2",
            "from http://127.0.0.1:5079/ v2",
            "after error: manifest unknown",
            "invalid mirror:",
            (
                'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup',
                ("docker-pull-registry-dns-lookup-fails",),
            ),
            (
                'Error response from daemon: Get "https://quay.io/v2/": dial tcp: lookup',
                ("docker-pull-registry-dns-lookup-fails",),
            ),
        ),
    ),
    # dockerd 20.10.24 without the NVIDIA Container Toolkit: --gpus all / device=0 and
    # --runtime=nvidia; the CLI's usage hint, the commands and exit statuses name nothing
    (
        "docker-20.10.24-gpus-no-nvidia-toolkit.txt",
        "docker-gpu-could-not-select-device-driver",
        ("could not select device driver", "Unknown runtime specified nvidia"),
    ),
    # consumers stalled at their prefetch on RabbitMQ 3.10.8 (pika 1.4.4): the stall itself prints
    # nothing (rabbitmqctl, management API and kb check output name no entry); the lines around it
    # are other entries': the close_connection that releases it, the double ack after a
    # wrong-channel ack and the acknowledgement timeout
    (
        "rabbitmq-3.10.8-consumer-stalled-at-prefetch.txt",
        "rabbitmq-consumer-stalls-unacked-at-prefetch",
        (
            ("CONNECTION_FORCED - h-w-stall", ("rabbitmq-connection-forced-shutdown",)),
            ('connection_forced: "h-w-stall', ("rabbitmq-connection-forced-shutdown",)),
            ("unknown delivery tag 1", ("rabbitmq-unknown-delivery-tag",)),
            (
                "has timed out waiting for delivery acknowledgement",
                ("rabbitmq-consumer-ack-timeout",),
            ),
            ("delivery acknowledgement on channel 1 timed out", ("rabbitmq-consumer-ack-timeout",)),
        ),
    ),
    # MariaDB's own 1045 replies (the mysql CLI's and PyMySQL's renderings) and the hashes:
    # shared by every MySQL client, so no signature claims them; the EMQX entry matches only the
    # driver's Erlang tuple around the same text (test below)
    ("emqx-auth-mysql-mariadb-10.11.19-replies.txt", "emqx-auth-mysql-backend-fails", ()),
    # EMQX 5.8.9 and 4.4.19 bin/nodetool against a plain OTP 25 node: a wrong cookie, another
    # name, a short host and a stopped node all print the ping line (quoted or not), and the node
    # reports the CLI's remsh_maint_ name when it rejects the cookie; the commands, pong, exit
    # codes and the error-logger headers name nothing
    (
        "emqx-nodetool-5.8.9-4.4.19-ping-failures.txt",
        "emqx-ctl-node-not-responding-to-pings",
        ("not responding to pings", "Connection attempt from node 'remsh_maint_"),
    ),
    # EMQX's bin/emqx of v5.8.9, v5.0.17 and v4.4.19 against epmd-less OTP 25 nodes: the 5.0.18+
    # name/cookie/several-nodes refusals, 5.0.0-5.0.17's and 4.x's node_is_not_running! and
    # missing vm.*.args lines all name the entry; the CLI's own report on a host part without dots
    # is the long-name entry's; pong, ss, the hints after the errors and emqx stop's
    # "Graceful shutdown failed" name nothing
    (
        "emqx-bin-emqx-5.8.9-5.0.17-4.4.19-cli-errors.txt",
        "emqx-ctl-node-not-responding-to-pings",
        (
            "not responding to pings",
            "is not running?",
            "EMQX_NODE__COOKIE is different",
            "More than one EMQX node found running",
            "node_is_not_running!",
            "Generated config file vm.*.args",
            "There is no vm.*.args config file found",
            "Connection attempt from node 'remsh_maint_",
            (
                "System running to use fully qualified hostnames",
                ("erlang-distribution-failed-to-start",),
            ),
        ),
    ),
    # retained messages on Mosquitto 2.0.11: r0/r1 client lines, MQTT 5 subscription options,
    # restarts and a bridge missing a delete; normal traffic, so no line may name any entry (the
    # entry's signatures are EMQX's refusals to store)
    ("mosquitto-2.0.11-retained-messages.txt", "mqtt-retained-message-not-received", ()),
    # shared subscriptions on Mosquitto 2.0.11: one group, two names, plain + shared, a publish to
    # $share/… (denied: the ACL entry's line too), an offline member, acl_file and dynsec; only
    # the Denied PUBLISH of a $share topic names an entry, the client lines and traffic nothing
    (
        "mosquitto-2.0.11-shared-subscriptions.txt",
        "mqtt-shared-subscription-not-load-balanced",
        (
            (
                "Denied PUBLISH from",
                ("mqtt-shared-subscription-not-load-balanced", "mosquitto-acl-denied-publish"),
            ),
        ),
    ),
    # paho-mqtt, mosquitto_pub, MQTT.js, paho.mqtt.golang and Paho Java given a malformed broker
    # address (Mosquitto 2.0.11), and Compose 2.40.3 / docker run passing MQTT_HOST written many
    # ways: each library's own refusal of the string names the entry; not glibc's bare "Name or
    # service not known", mosquitto_pub's "Lookup error" (any DNS failure prints them), Go's
    # lookup of a well-formed name, the refused, reset and TLS lines (other entries' causes) or
    # the healthy connects
    (
        (
            "mosquitto-2.0.11-malformed-broker-address.txt",
            "docker-compose-2.40.3-mqtt-address-env-quotes.txt",
        ),
        "mqtt-client-broker-address-malformed",
        (
            'with base 10: "18931\'"',
            "Error: unsupported URL scheme.",
            "- topic missing.",
            "getaddrinfo ENOTFOUND mqtt://",
            "getaddrinfo ENOTFOUND 127.0.0.1:18931",
            "getaddrinfo ENOTFOUND '127.0.0.1'",
            "Missing protocol",
            'Received type string ("18931\'")',
            "too many colons in address",
            "missing port in address",
            "lookup '127.0.0.1': no such host",
            "Failed to parse %q broker address",
            "no servers defined to connect to",
            "network Error : unknown protocol",
            "no NetworkModule installed for scheme",
            "Can't parse string to URI",
            "missing scheme in broker URI",
            "URI path must be empty",
            "java.net.URI.userInfo accessible",
            "UnknownHostException: '127.0.0.1'",
            "is declared with a trailing space",
            # the review's re-run: a quoted host inside MQTT.js's URL leaves no host and no port,
            # and the refusal at localhost:1883 is the localhost-in-a-container entry's line
            ("connect ECONNREFUSED 127.0.0.1:1883", ("docker-compose-app-cannot-reach-broker",)),
        ),
    ),
    # a private RabbitMQ 3.10.8 node with busy waiting off (its default), at the runtime's default
    # and at very_long, erl on the same OTP 25 and Docker 20.10.24 CPU limits: only the runtime's
    # refusals of a wrong busy-wait value or scheduler count name the entry; runtime_thread_stats,
    # msacc, scheduler utilization, status and cpu.stat lines name nothing
    (
        (
            "rabbitmq-3.10.8-scheduler-busy-wait.txt",
            "docker-20.10.24-erlang-busy-wait-cpu-quota.txt",
        ),
        "erlang-scheduler-busy-wait-high-cpu",
        ("busy wait threshold: ", "bad amount of schedulers online"),
    ),
]


def _captured_want(
    entry: str, keys: tuple[str | tuple[str, tuple[str, ...]], ...]
) -> dict[str, str | frozenset[str]]:
    """A key names `entry` alone, or, given as (key, entries), exactly those entries."""
    want: dict[str, str | frozenset[str]] = {}
    for key in keys:
        if isinstance(key, tuple):
            want[key[0]] = frozenset(key[1])
        else:
            want[key] = entry
    return want


@pytest.mark.parametrize(
    "capture,entry,keys", CAPTURED_ENTRIES, ids=[c[1] for c in CAPTURED_ENTRIES]
)
def test_captured_lines_reach_exactly_their_entry(sigs, capture, entry, keys):
    names = (capture,) if isinstance(capture, str) else capture
    _assert_captured_lines(sigs, _captured(*names), _captured_want(entry, keys))


def test_keepalive_timeout_line_is_the_ping_timeout_entrys_own(kb, sigs):
    """paho-mqtt's "Keep alive timeout" reason and MQTT.js's "Keepalive timeout" error say the
    client gave up on its own PINGREQ: the ping-timeout entry's primary signature; the reconnect
    entry, which also covers a dead connection found through keepalive, shares it unmarked."""
    pattern = "Keep ?alive timeout"
    assert pattern in kb.get("mqtt-client-pingresp-timeout").primary_signatures
    assert pattern in kb.get("mqtt-client-does-not-reconnect").signatures
    assert pattern not in kb.get("mqtt-client-does-not-reconnect").primary_signatures
    for line in (
        "05:21:53 on_disconnect: reason=Keep alive timeout (value 141)",
        "Error: Keepalive timeout",
    ):
        assert _matches(sigs, line) == {
            "mqtt-client-pingresp-timeout",
            "mqtt-client-does-not-reconnect",
        }, line


def test_captured_empty_docker_logs_lines_name_their_entry(sigs):
    """dockerd 20.10.24 refusing docker logs for the none driver and for syslog without its
    dual-logging cache names the empty-logs entry; the missing command's OCI error (the container
    that never ran) is the OCI entry's; RabbitMQ's banners, its handler switch, Mosquitto's and
    busybox's lines, Python's and the rotation's name nothing. The banner naming a log file is a
    normal setting, read by the entry's own check, not a signature."""
    want: dict[str, str | frozenset[str]] = {
        "configured logging driver does not support reading": "docker-logs-empty",
        'exec: "/opt/app/run-broker": stat': "docker-oci-executable-not-found",
    }
    text = _captured("docker-20.10.24-logs-empty.txt")
    _assert_captured_lines(sigs, text, want)
    assert "Logs: /var/log/rabbitmq/rabbit@h-logsempty-rmq.log" in text


def test_invalid_mirror_wording_of_newer_engines_names_the_mirror_entry(sigs):
    """ValidateMirror's wording on 28.3+ (no scheme) and up to 28.2 (bare host name), beside the
    20.10.24 capture's (CAPTURED_ENTRIES)."""
    for line in (
        'failed to start daemon: invalid mirror: no scheme specified for "mirror.example.com":'
        " must use either 'https://' or 'http://'",
        'invalid mirror: unsupported scheme "" in "abc.mirror.aliyuncs.com"',
    ):
        assert _matches(sigs, line) == {"docker-registry-mirror-not-used"}, line


def test_captured_healthcheck_lines_name_the_healthcheck_entry(sigs):
    """dockerd 20.10.24 health checks that fail on purpose (curl missing in shell and exec form, a
    server on [::1] probed on localhost, exit 2, a wrong port, no credentials, 500ms and 1s
    timeouts on the RabbitMQ CLI, the host's published port probed inside the container): the
    unhealthy docker ps lines, State.Health JSON of failing probes and health_status: unhealthy
    events name the health-check entry; the exec-form curl failure names the OCI entry too;
    healthy and starting lines, healthy events, the commands and the CLI's refusal of
    --health-start-interval name nothing."""
    health = "docker-healthcheck-unhealthy"
    want: dict[str, str | frozenset[str]] = {
        # first: the JSON line holding the exec failure is also the OCI entry's line
        "executable file not found in $PATH": frozenset(
            {health, "docker-oci-executable-not-found"}
        ),
        "Health check exceeded timeout": health,
        '"Status":"unhealthy"': health,
        "(unhealthy)": health,
        "health_status: unhealthy": health,
    }
    _assert_captured_lines(sigs, _captured("docker-20.10.24-healthcheck-unhealthy.txt"), want)


def test_captured_vhost_refusals_name_their_entry_and_the_connection_limit_does_not(sigs):
    """pika, amqplib, amqp-tools and amqp091-go refused on a vhost without permissions and on a
    missing one, and the node's lines for them (3.10.8): each refusal names the vhost entry; the
    vhost connection limit, whose text starts the same way, the broker's 'Error on AMQP
    connection' headers, the commands and the successful connections name nothing."""
    vhost = "rabbitmq-vhost-access-refused"
    want: dict[str, str | frozenset[str]] = {
        "connection limit (0) is reached": frozenset(),  # first: its lines name nothing
        "refused for user": vhost,
        "not found": vhost,
        "Expected ConnectionOpenOk; got <ConnectionClose channel:0>": vhost,
        'Exception (403) Reason: "no access to this vhost"': vhost,
    }
    text = _captured("rabbitmq-3.10.8-vhost-access-refused.txt")
    _assert_captured_lines(sigs, text, want)
    # pika reads amqp://host// as the empty vhost; amqplib and amqp091-go read it as /
    assert "virtual_host == ''" in text and "vhost  not found" in text


def test_docker_in_lxc_lines_name_only_their_entry(sigs):
    """runc's failures inside an LXC container (the AppArmor denial of November 2025's runc and
    the proc mount without nesting) name the LXC entry alone: the OCI-not-found entry's signature
    asks for an exec failure, not any `OCI runtime create failed … permission denied`."""
    lxc = "docker-in-lxc-container-start-fails"
    lines = [
        "docker: Error response from daemon: failed to create task for container: failed to create"
        " shim task: OCI runtime create failed: runc create failed: unable to start container"
        " process: error during container init: open sysctl net.ipv4.ip_unprivileged_port_start"
        " file: reopen fd 8: permission denied: unknown",
        "OCI runtime create failed: runc create failed: unable to start container process: error"
        ' during container init: error mounting "proc" to rootfs at "/proc": mount proc:/proc'
        " (via /proc/self/fd/6), flags: 0xe: permission denied: unknown",
    ]
    for line in lines:
        assert _matches(sigs, line) == {lxc}, line
    exec_denied = (
        "OCI runtime create failed: container_linux.go:349: starting container process caused"
        ' "exec: \\"/docker-entrypoint.sh\\": permission denied": unknown'
    )
    assert _matches(sigs, exec_denied) == {"docker-oci-executable-not-found"}


def test_time64_clock_failures_of_each_runtime_name_only_their_entry(sigs):
    """The clock failures the time64 entry quotes from its sources (not from its capture, which
    is a stand-in program): Python 3.7, 3.8 and 3.9+ at start, the Erlang VM's abort and
    Mosquitto's logging line, bare and behind a compose prefix. Python's other start-up lines, a
    clock error that is not EPERM and Mosquitto's lines around it name nothing."""
    entry = "docker-seccomp-time64-operation-not-permitted"
    for line in (
        "Fatal Python error: _Py_InitializeMainInterpreter: can't initialize time",
        "Fatal Python error: pyinit_main: can't initialize time",
        "Fatal Python error: init_interp_main: can't initialize time",
        "clock_gettime(CLOCK_MONOTONIC, _) failed: Operation not permitted (1)",
        "Error obtaining system time.",
        "mosquitto_1  | Error obtaining system time.",
    ):
        assert _matches(sigs, line) == {entry}, line
    for line in (
        "Python runtime state: core initialized",
        "PermissionError: [Errno 1] Operation not permitted",
        "clock_gettime(CLOCK_MONOTONIC, _) failed: Invalid argument (22)",
        "1612149585: Error obtaining system time for the log file name",
    ):
        assert _matches(sigs, line) == set(), line


def test_captured_mqtt_v5_connects_to_rabbitmq_3_10_name_their_entry(sigs):
    """Two MQTT 5 CONNECTs against the MQTT plugin of RabbitMQ 3.10.8: the first line of each
    parse error names the MQTT 5 entry; the wrapped continuation lines, the 3.1.1 client's accept
    and close, the clients' own output and the AMQP timeout warning name nothing."""
    _assert_captured_lines(
        sigs,
        _captured("rabbitmq-3.10.8-mqtt-v5-client.log"),
        {"unparseable payload: <<16,": "rabbitmq-mqtt-v5-client-rejected"},
    )


def test_bind_mount_capture_names_the_permission_and_the_missing_source_entries(sigs):
    """busybox as a non-root uid on root-owned bind mounts (the permission entry), and the --mount
    of a missing source in the same capture (the missing-source entry); not touch's line, the
    read-only mount or the commands."""
    perm = "docker-bind-mount-permission-denied"
    _assert_captured_lines(
        sigs,
        _captured("docker-20.10.24-bind-mount-permission-denied.txt"),
        {
            "can't create directory '/data/db'": perm,
            "sh: can't create /data/error.log": perm,
            "bind source path does not exist": "docker-bind-mount-source-missing",
        },
    )


def test_tcp_probe_lines_name_no_entry(sigs):
    """A TCP probe's `Client <unknown> closed its connection.` is harmless and periodic (a health
    check every two minutes): no signature may claim it, or every such log would raise a fleet
    alert and fill `kb diagnose`. Its entry (mosquitto-unknown-client-tcp-probe) is found by
    words. The capture's HTTP probe, real client and start-up lines name nothing either."""
    _assert_captured_lines(sigs, _captured("mosquitto-2.0.11-tcp-probes.txt"), {})


def test_vernemq_refused_publish_and_subscribe_name_only_their_entry(sigs):
    """VerneMQ's authorization refusals, in the shapes its source prints (the hook arguments up to
    2.1.1, client / user / topic from 2.1.2, the SUBSCRIBE line from 2.1.2), name the
    authorization entry; the authentication refusal of the same chain stays with its own entry,
    and a refused publish for another reason (a cluster not ready) names neither."""
    authz = "vernemq-publish-subscribe-not-authorized"
    lines = [
        'can\'t auth publish [<<"u">>,{[],<<"c1">>},0,[<<"a">>],<<"1">>,false] due to chain_exhausted',
        '[error] can\'t auth publish [undefined,{[],<<"c2">>},1,[<<"t">>],<<>>,false] due to'
        " plugin_chain_exhausted",
        'can\'t auth publish for client {[],<<"c3">>} (user <<"u">>) on topic [<<"a">>,<<"b">>]'
        " due to plugin_chain_exhausted",
        'can\'t authorize SUBSCRIBE from v3 client {[],<<"c4">>} from 10.1.2.3:5000 due to'
        " not_authorized",
        # the session's end as VerneMQ 1.4 and older logged it (vmq_ranch, before commit 792eeed)
        "[warning] session stopped abnormally due to 'publish_not_authorized_3_1_1'",
    ]
    for line in lines:
        assert _matches(sigs, line) == {authz}, line
    login = (
        'can\'t authenticate client {[],<<"c5">>} from 10.1.2.3:5001 due to plugin_chain_exhausted'
    )
    assert _matches(sigs, login) == {"vernemq-authentication-plugin-chain-exhausted"}
    for other in (
        'can\'t auth publish for client {[],<<"c6">>} (user <<"u">>) on topic [<<"a">>] due to'
        " not_ready",
        'can\'t authorize SUBSCRIBE from v3 client {[],<<"c7">>} from 10.1.2.3:5002 due to not_ready',
    ):
        assert _matches(sigs, other) == set(), other


def test_captured_include_dir_failures_reach_the_config_file_entry(sigs):
    """Mosquitto 2.0.11 with an include_dir it cannot open (a relative path started from /, a
    directory its user cannot read): the include_dir line names the config-file entry; the
    "Error found at FILE:LINE" that follows every configuration error stays the unknown-variable
    entry's line (its signature, shared by any error in a config file); the successful start
    from the config's own directory matches nothing."""
    want: dict[str, str | frozenset[str]] = {
        "Unable to open include_dir": "mosquitto-unable-to-open-config-file",
        "Error found at": "mosquitto-unknown-configuration-variable",
    }
    _assert_captured_lines(sigs, _captured("mosquitto-2.0.11-include-dir.txt"), want)


def test_mosquitto_restore_sub_assertion_names_the_persistence_entry(sigs):
    """The abort of Mosquitto 2.0.18 and older restoring a subscription without a client id (the
    assertion in persist__restore_sub, quoted from the fix's source) names the persistence
    entry; 2.0.19's warning for the same file (the broker starts) names nothing."""
    line = "mosquitto: persist_read.c:550: persist__restore_sub: Assertion `client_id' failed."
    assert _matches(sigs, line) == {"mosquitto-corrupt-persistence-database"}
    assert _matches(sigs, "[16:01:02] INFO: Starting mosquitto MQTT broker... " + line) == {
        "mosquitto-corrupt-persistence-database"
    }
    warning = "1796387261: Warning: Persistence found a subscription with no client id, ignoring."
    assert _matches(sigs, warning) == set()


def test_mosquitto_puid_pgid_refusals_name_their_entry(sigs):
    """The refusals 2.1's check_uid() prints (format read off v2.1.0 and v2.1.1) name the PUID/PGID
    entry, behind a compose prefix too; the broker's ordinary start lines (its version and the
    user it runs as) name nothing of it."""
    entry = "mosquitto-puid-pgid-not-a-valid-id"
    _names_only(
        sigs,
        entry,
        named=(
            "1770000000: Error: PGID not a valid ID '1001'",
            "mosquitto  | 1770000000: Error: PUID not a valid ID 'mosquitto'",
            "1770000000: Error: PUID must not be negative",
        ),
        unnamed=(
            "1770000000: mosquitto version 2.1.1 starting",
            "1770000000: Info: running mosquitto as user: mosquitto.",
        ),
    )


def test_hyperf_frame_heartbeat_lines_name_their_entry(sigs):
    """php-amqplib's invalid-frame refusals for a heartbeat (the wordings of <= 2.5, 2.8-3.4 and
    3.5+, read off its source) and Hyperf's read timeout in the receive loop name the Hyperf
    entry; a method frame of another type, php-amqplib's missed-heartbeat exception and the
    receive loop broken by a reset name none of it."""
    entry = "hyperf-amqp-frame-heartbeat-recv-loop-broken"
    _names_only(
        sigs,
        entry,
        named=(
            "PhpAmqpLib\\Exception\\AMQPInvalidFrameException: Expecting AMQP method, received frame"
            " type 8 (FRAME-HEARTBEAT)",
            "AMQPRuntimeException: Expecting AMQP method, received frame type: 8 (FRAME-HEARTBEAT)",
            "PhpAmqpLib\\Exception\\AMQPInvalidFrameException: Expecting 1, received frame type 8"
            " (FRAME-HEARTBEAT)",
            "[ERROR] Recv loop broken. The reason is PhpAmqpLib\\Exception\\AMQPConnectionClosedException:"
            " Read data failed, The reason is Operation timed out",
        ),
        unnamed=(
            "Expecting AMQP method, received frame type 3 (FRAME-BODY)",
            "PhpAmqpLib\\Exception\\AMQPHeartbeatMissedException: Missed server heartbeat",
            "[ERROR] Recv loop broken. The reason is PhpAmqpLib\\Exception\\AMQPConnectionClosedException:"
            " Read data failed, The reason is Connection reset by peer",
        ),
    )


def test_hyperf_amqp_pitfall_lines_name_their_entry(sigs):
    """hyperf/amqp's own messages of the 1.1-2.1 connection (KeepaliveIO/SwooleIO read of a
    closed socket, the keepaliveIO socket channel, its heartbeat timer; read off v2.1.23) name the
    pitfalls entry; php-amqplib's own closed-connection errors, another class's declaration
    error and the 2.2+ heartbeat-frame line do not."""
    entry = "hyperf-amqp-consumer-and-connection-pitfalls"
    _names_only(
        sigs,
        entry,
        named=(
            "[ERROR] PhpAmqpLib\\Exception\\AMQPRuntimeException:Connection is closed.(0) in"
            " /srv/app/vendor/hyperf/amqp/src/Connection/KeepaliveIO.php:147",
            "PhpAmqpLib\\Exception\\AMQPRuntimeException: Socket of keepaliveIO is exhausted. Cannot"
            " establish new socket before wait_timeout.",
            "[ERROR] KeepaliveIO heartbeat failed, PhpAmqpLib\\Exception\\AMQPRuntimeException:"
            " Error sending data",
        ),
        unnamed=(
            "PhpAmqpLib\\Exception\\AMQPConnectionClosedException: Broken pipe or closed connection",
            "PhpAmqpLib\\Exception\\AMQPRuntimeException: Connection is closed. in"
            " /srv/app/vendor/php-amqplib/php-amqplib/PhpAmqpLib/Wire/IO/StreamIO.php:120",
            "PHP Fatal error:  Declaration of App\\Amqp\\MyIO::select($sec, $usec) must be compatible"
            " with PhpAmqpLib\\Wire\\IO\\AbstractIO::select(?int $sec, int $usec = 0)",
            "PhpAmqpLib\\Exception\\AMQPInvalidFrameException: Expecting 1, received frame type 8"
            " (FRAME-HEARTBEAT)",
        ),
    )


def test_emqx_unknown_env_vars_warning_names_the_env_entry(sigs):
    """EMQX 5's boot warning for EMQX_ variables that match no field (hocon's unknown_env_vars)
    names the environment-variable entry; the override lines printed for accepted variables
    name nothing."""
    entry = "emqx-docker-env-vars-not-applied"
    line = '2026-12-04T10:00:00+00:00 [warning] unknown_env_vars: ["EMQX_LISTENER__TCP__EXTERNAL"]'
    assert _matches(sigs, line) == {entry}
    assert _matches(sigs, "EMQX_NODE__NAME [node.name]: emqx@172.17.0.2") == set()


def test_docker_forward_drop_warning_names_the_routing_entry(sigs):
    """The bridge driver's warning when it sets the FORWARD policy to DROP (moby's
    setup_ip_forwarding.go) names the routing entry, as logged by dockerd; the iptables failure
    of a missing netfilter module, which also mentions the FORWARD chain, stays with its entry."""
    entry = "docker-forward-policy-drop-breaks-routing"
    line = (
        'time="2026-12-04T10:00:00Z" level=warning msg="IP forwarding policy set to \'drop\','
        " use '--ip-forward-no-drop' to disable\" ipv=4"
    )
    assert _matches(sigs, line) == {entry}
    module = (
        "unable to insert jump to DOCKER rule in FORWARD chain:  (iptables failed: iptables --wait"
        " -I FORWARD -j DOCKER-USER: iptables: No chain/target/match by that name."
    )
    assert entry not in _matches(sigs, module)


def test_active_endpoints_signature_reads_every_engine_form(sigs):
    """The three wordings of libnetwork's ActiveEndpointsError, filled in from moby's format
    strings: "network %s id %s has active endpoints" (17.05 to 28.0.4), "(%s)" with the endpoint
    names (28.1.x) and with name:%q id:%q per endpoint (28.2.0 and later), each behind the
    daemon's "error while removing network: "; Compose 2.18's warning too."""
    entry = "docker-network-has-active-endpoints"
    prefix = "Error response from daemon: error while removing network: "
    for line in (
        prefix + "network myapp_default id " + "0f" * 32 + " has active endpoints",
        prefix + "network myapp_default has active endpoints (broker, worker)",
        prefix + 'network myapp_default has active endpoints (name:"broker" id:"5d0b2a4c1f3e")',
        "! Network myapp_default  Resource is still in use",
        # Compose 5.4's warning when up cannot remove a renamed network (docker/compose
        # ba2358c98, pkg/compose/executor_ops.go)
        "network myapp_old is still in use and was left in place; remove it manually once no"
        " container is attached",
    ):
        assert _matches(sigs, line) == {entry}, line
    # a volume compose down could not remove is not this entry
    assert entry not in _matches(sigs, "! Volume myapp_data  Resource is still in use")


def test_reproduced_mysql_1045_text_names_the_mysql_auth_entry_only_in_the_driver_tuple(sigs):
    """The 1045 messages MariaDB 10.11.19 sent here (empty user without password, an account whose
    host part is localhost reached over TCP) name nothing as the server or a client prints them;
    inside mysql-otp's {Code, SQLState, Message} tuple, the form emqx_auth_mysql's start failure
    prints (emqxarchive/emqx-auth-mysql#262), on one line or split after the SQLSTATE as the
    pretty-printed report splits it, they name the EMQX MySQL entry alone."""
    text = _captured("emqx-auth-mysql-mariadb-10.11.19-replies.txt")
    messages = re.findall(
        r"Access denied for user '[^']*'@'[^']*' \(using password: (?:YES|NO)\)", text
    )
    assert "Access denied for user ''@'127.0.0.1' (using password: NO)" in messages
    assert "Access denied for user 'h_a_emqx'@'127.0.0.1' (using password: YES)" in messages
    for message in messages:
        assert _matches(sigs, message) == set()
        for tuple_text in (
            f'{{failed_to_start_child, {{worker,1}}, {{1045,<<"28000">>, <<"{message}">>}}}}',
            f'{{1045,<<"28000">>,\n     <<"{message}">>}}}}}}',
        ):
            assert set(sigs.match_text(tuple_text)) == {"emqx-auth-mysql-backend-fails"}, tuple_text


def test_mysql_auth_plugin_start_and_connect_lines_of_4_1_to_4_4(sigs):
    """Lines built from the format strings at the tags (no real copy found): emqx_plugins.erl
    v4.3.0/v4.4.19 'Load plugin ~s failed, cannot start plugin ~s for ~0p' and
    emqx-auth-mysql v4.1.0 / emqx v4.4.19 emqx_auth_mysql_cli.erl "[MySQL] Can't connect to MySQL
    server: ~p - ~p". They name the EMQX MySQL entry; another auth plugin's start failure and the
    plugin's success line do not."""
    entry = "emqx-auth-mysql-backend-fails"
    own = (
        "2023-03-01T10:00:00.000000+00:00 [error] Load plugin emqx_auth_mysql failed, cannot start "
        "plugin emqx_auth_mysql for {bad_return,{{emqx_auth_mysql_app,start,[normal,[]]},x}}",
        "2020-09-01 10:00:00.000 [error] [MySQL] Can't connect to MySQL server: 1045 - "
        "<<\"Access denied for user 'emqx'@'172.18.0.3' (using password: YES)\">>",
        "2020-09-01 10:00:00.000 [error] [MySQL] Can't connect to MySQL server: Connection refused.",
    )
    for line in own:
        assert _matches(sigs, line) == {entry}, line
    for line in (
        "2023-03-01T10:00:00.000000+00:00 [error] Load plugin emqx_auth_pgsql failed, cannot start "
        "plugin emqx_auth_pgsql for {bad_return,x}",
        "2023-03-01T10:00:00.000000+00:00 [info] Load plugin emqx_auth_mysql successfully",
    ):
        assert entry not in _matches(sigs, line), line


def test_runc_cgroup_entry_versions_follow_the_runc_tags(kb, sigs):
    """Review of docker-runc-cgroup-namespace-setup-fails: "no cgroup mount found in mountinfo"
    and the devices mode check appear in runc v1.0.0-rc91 (v1.0.0-rc90 still says "mountpoint for
    cgroup not found"), "cgroup namespaces aren't enabled in the kernel" in v1.0.0-rc6, and the
    final-child error reads "can't get final child's PID from pipe" from v1.1.0 on (runc
    libcontainer at those tags). kernel.pid_max cannot be 0 (kernel/pid.c pid_max_min is 301), and
    systemd 256 refuses the cgroup v1 layout unless SYSTEMD_CGROUP_ENABLE_LEGACY_FORCE=1, 258
    dropped it (systemd v256 and v258 release notes)."""
    entry = kb.entries["docker-runc-cgroup-namespace-setup-fails"]
    text = _conclusions(entry) + _body(entry)
    assert "runc 1.0.0-rc91 and later" in text
    assert "1.0.0-rc93 and later" not in text
    assert "runc 1.0 and later" not in text
    assert "kernel.pid_max" not in text
    assert "SYSTEMD_CGROUP_ENABLE_LEGACY_FORCE=1" in text
    assert "Compose v2.15.0" in text
    line = (
        "docker: Error response from daemon: failed to create task for container: failed to create"
        " shim task: OCI runtime create failed: runc create failed: unable to start container"
        " process: can't get final child's PID from pipe: EOF: unknown."
    )
    assert _matches(sigs, line) == {entry.id}


def test_dynsec_wordings_of_other_versions_name_the_dynsec_entry(sigs):
    """mosquitto_ctrl 2.0.16+ reports an existing file from `dynsec init` through O_EXCL
    (apps/mosquitto_ctrl/dynsec.c), 2.1's save goes through mosquitto_write_file
    (libcommon/file_common.c); "disconnected due to out of memory" is no dynsec sign on 2.0.15+
    (775bd2e; thin-edge.io#3054 on 2.0.18)."""
    entry = "mosquitto-dynamic-security-plugin-fails"
    for line in (
        "dynsec init: Unable to open 'dynamic-security.json' for writing (File exists).",
        "1796524700: Error saving Dynamic security plugin config: unable to open "
        "/mosquitto/data/dynamic-security.json.new for writing, error Permission denied",
        "1796524700: Error: Not generating dynsec config, MOSQUITTO_DYNSEC_PASSWORD must be at "
        "least 12 characters.",
    ):
        assert _matches(sigs, line) == {entry}, line
    assert _matches(sigs, "1796524700: Client mapper-1 disconnected due to out of memory.") == set()

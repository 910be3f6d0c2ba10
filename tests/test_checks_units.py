"""Unit tests of the checks engine that need no Docker or broker: declarations, evaluation, redaction,
parameter resolution, the runner's deadline and error handling, and streaming diagnose."""

from __future__ import annotations

import io
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from kb.checks import registry
from kb.checks.base import Next, Verdict
from kb.checks.diagnose import diagnose
from kb.checks.redact import redact
from kb.checks.runner import ParamError, exit_code, parse_overrides, resolve_params, run_check
from kb.model import CheckSpec, Entry

DOCS = Path(__file__).resolve().parents[1] / "docs" / "checks.md"


def entry(*checks: CheckSpec, signatures: tuple[str, ...] = ()) -> Entry:
    return Entry(
        id="unit",
        kind="incident",
        title="t",
        summary="",
        body="",
        path="<unit>",
        signatures=signatures,
        checks=checks,
    )


def test_every_documented_kind_is_registered_with_its_parameters():
    doc = DOCS.read_text()
    documented = set(re.findall(r"^\| `([a-z]+\.[a-z_]+)` \|", doc, re.M))
    assert documented == set(registry.kinds())
    for name, kind in registry.kinds().items():
        assert kind.param("timeout") is not None, name
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{name}` |"))
        for p in kind.params:
            if p.name in (
                "timeout",
                "host",
                "port",
                "tls",
                "protocol",
                "username_env",
                "password_env",
            ):
                continue  # common parameters, documented once per section
            assert re.search(rf"`{p.name}[`:]", row), (
                f"{name}: parameter {p.name} not in docs/checks.md"
            )


def test_validate_params_catches_mistakes():
    assert (
        registry.validate_params("docker.container", {"container": "x", "exit_codes": [0, 1]}) == []
    )
    assert registry.validate_params("docker.container", {}) == [
        "docker.container: missing required parameter 'container'"
    ]
    assert registry.validate_params("mqtt.roundtrip", {"qos": 3}) == [
        "mqtt.roundtrip: parameter 'qos' must be one of [0, 1, 2]"
    ]
    [exec_problem] = registry.validate_params(
        "docker.exec", {"container": "x", "command": "rm -rf /"}
    )
    assert exec_problem.startswith("docker.exec: parameter 'command' must be one of [")
    [unknown] = registry.validate_params("nope.kind", {})
    assert unknown.startswith("unknown check kind 'nope.kind'; use one of: amqp.connect, ")


def test_a_check_with_nothing_to_test_is_refused_at_lint_time():
    """Audit: docker.logs without `pattern` or `signatures: true` passed `kb lint` and failed at
    run time (error, exit 3); docker.inspect/docker.info without a comparison passed on any
    value."""
    validate = registry.validate_params
    for params in ({"container": "x"}, {"container": "x", "signatures": False}):
        assert validate("docker.logs", params) == [
            "docker.logs: set 'pattern' or 'signatures'; without one the check has nothing to test"
        ]
    assert validate("docker.logs", {"container": "x", "signatures": True}) == []
    assert validate("docker.logs", {"container": "x", "pattern": "boom"}) == []
    [problem] = validate("docker.inspect", {"container": "x", "field": "State.Status"})
    assert problem.startswith("docker.inspect: set 'equals' or 'not_equals' or 'present'")
    assert validate("docker.info", {"field": "MemoryLimit"}) != []
    # a comparison with a false or zero value is a comparison
    for extra in ({"present": False}, {"equals": 0}, {"equals": False}, {"max": 0}):
        assert validate("docker.inspect", {"container": "x", "field": "f", **extra}) == [], extra


def test_importing_the_registry_imports_no_heavy_library():
    import subprocess
    import sys

    code = "import sys; from kb.checks import registry; registry.kinds(); print([m for m in ('docker','paho','pika','requests') if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "text, secret",
    [
        ("EMQX_NODE__COOKIE=abc123", "abc123"),
        ("DB_PASSWORD='p w'", "p w"),
        ("url http://admin:hunter22@10.0.0.1:18083/api", "hunter22"),
        ("Authorization: Basic Zm9vOmJhcg==", "Zm9vOmJhcg=="),
        ("password: s3cret-value", "s3cret-value"),
        ("the token is tok-999", "tok-999"),
    ],
)
def test_redact(text, secret):
    out = redact(text, {"tok-999"})
    assert secret not in out and "<redacted>" in out


def test_redact_leaves_ordinary_text():
    for text in (
        "kbtui-test-cookie log matches",
        "author: Jane, bypass=1",
        "WARNING: Configure node.cookie in /opt/emqx/etc/emqx.conf",
        "HostConfig.Memory: 0",
    ):
        assert redact(text) == text


def test_parse_overrides_reads_yaml_scalars():
    assert parse_overrides(
        ["port=1884", "anonymous=true", "exit_codes=[0, 1]", "container=emqx", "x=5.0"]
    ) == {"port": 1884, "anonymous": True, "exit_codes": [0, 1], "container": "emqx", "x": 5.0}
    with pytest.raises(ParamError):
        parse_overrides(["novalue"])


def test_resolve_params_precedence_and_validation():
    from kb.checks.targets import Broker

    spec = CheckSpec("c", "mqtt.connect", "t", {"port": 1883, "anonymous": True})
    target = Broker(
        name="b", kind="mosquitto", host="10.1.1.1", ports={"mqtt": 1884}, password_env="P"
    )
    params, problems = resolve_params(spec, {"port": 2000}, target)
    assert (
        problems == []
        and params["host"] == "10.1.1.1"
        and params["port"] == 2000
        and params["password_env"] == "P"
    )
    _, problems = resolve_params(spec, {"port": "x"})
    # text that is no number: no advice about quotes (there were none on the command line)
    assert problems == ["mqtt.connect: parameter 'port' must be an integer, got str 'x'"]
    _, problems = resolve_params(spec, {"port": "1883"})  # a quoted number in an entry file
    assert problems == [
        "mqtt.connect: parameter 'port' must be an integer, got str '1883'; write it without quotes"
    ]


def test_exponent_numbers_get_the_right_advice():
    """QA misc25 #10: `--set timeout=1e1` said "write it without quotes" (none were written):
    YAML 1.1 reads 1e1 as text. The advice now says what to write."""
    from kb.checks.runner import parse_overrides, resolve_params

    overrides = parse_overrides(["timeout=1e1"])
    assert overrides == {"timeout": "1e1"}  # what PyYAML makes of it
    spec = CheckSpec("c", "rabbitmq.api", "t", {})
    _, problems = resolve_params(spec, overrides)
    assert problems == [
        "rabbitmq.api: parameter 'timeout' must be a number, got str '1e1'; "
        "YAML reads 1e1 as text: write 10 or 10.0"
    ]
    spec = CheckSpec("c", "mqtt.connect", "t", {})
    _, problems = resolve_params(spec, parse_overrides(["port=1E3"]))
    assert problems[0].endswith("got str '1E3'; YAML reads 1E3 as text: write 1000")
    _, problems = resolve_params(spec, {"port": "2.5e0"})
    assert problems[0].endswith("YAML reads 2.5e0 as text, and it is not a whole number")
    # a float YAML does read (dot and signed exponent) is accepted
    assert resolve_params(CheckSpec("c", "rabbitmq.api", "t", {}), {"timeout": 1.0e1})[1] == []


def _kind_with(probe, evaluate=lambda p, d: Verdict("pass", "ok")):
    from kb.checks.base import CheckKind
    from kb.checks.kinds._common import TIMEOUT

    return CheckKind("unit.fake", "fake", (TIMEOUT,), probe, evaluate)


def test_runner_deadline_abandons_a_hung_probe(monkeypatch):
    release = threading.Event()
    kinds = dict(registry.kinds())
    kinds["unit.fake"] = _kind_with(lambda ctx, p: release.wait(60))
    monkeypatch.setattr(registry, "kinds", lambda: kinds)
    spec = CheckSpec("c", "unit.fake", "t", {"timeout": 0.5})
    start = time.monotonic()
    r = run_check(entry(spec), spec)
    release.set()
    assert r.status == "error" and "0.5 s" in r.summary
    assert time.monotonic() - start < 1.0


def test_runner_turns_exceptions_into_errors_and_applies_on_fail(monkeypatch):
    kinds = dict(registry.kinds())
    kinds["unit.fake"] = _kind_with(lambda ctx, p: 1 / 0)
    kinds["unit.fail"] = _kind_with(
        lambda ctx, p: None, lambda p, d: Verdict("fail", "bad", ("x",) * 50)
    )
    kinds["unit.fail"] = kinds["unit.fail"].__class__(
        **{**kinds["unit.fail"].__dict__, "name": "unit.fail"}
    )
    monkeypatch.setattr(registry, "kinds", lambda: kinds)
    r = run_check(entry(), CheckSpec("c", "unit.fake", "t"))
    assert r.status == "error" and "ZeroDivisionError" in r.summary and "Traceback" not in r.summary
    r = run_check(entry(), CheckSpec("c", "unit.fail", "t", on_fail="warn"))
    assert r.status == "warn" and len(r.evidence) == 20
    assert r.next == Next(entry="unit", params=(), advice=None)
    assert r.to_dict()["next"] == {
        "entry": "unit",
        "params": [],
        "advice": None,
        "advice_zh": None,
    }
    assert exit_code([r]) == 1


def test_evaluators_are_pure_and_cover_the_contract():
    from kb.checks.kinds import docker_container, docker_mount, docker_top

    params = {"container": "emqx", "running": True, "max_restarts": 3}
    state = {
        "name": "emqx",
        "status": "exited",
        "running": False,
        "restarting": False,
        "exit_code": 137,
        "oom_killed": True,
        "restart_count": 0,
        "health": None,
        "started": "s",
        "finished": "f",
        "error": "",
    }
    v = docker_container.evaluate(params, state)
    assert v.status == "fail" and "OOM" in v.summary
    assert docker_container.evaluate(params, None).status == "skip"
    mounts = [{"type": "volume", "source": "v", "destination": "/opt/emqx"}]
    assert (
        docker_mount.evaluate({"container": "e", "destination": "/opt/emqx/data"}, mounts).status
        == "pass"
    )
    assert (
        docker_mount.evaluate({"container": "e", "destination": "/opt/emqx/data"}, []).status
        == "fail"
    )
    top = {
        "running": True,
        "titles": ["UID", "PID", "PPID", "CMD"],
        "processes": [
            ["root", "10", "1", "/bin/sh /startup.sh"],
            ["root", "11", "10", "java -jar app.jar"],
        ],
    }
    assert docker_top.evaluate({"container": "a"}, top).status == "fail"


def test_diagnose_streams_in_chunks_with_file_line_numbers():
    from kb.signatures import SignatureSet

    class KB:
        entries = {"e1": entry()}

        def get(self, i):
            return self.entries.get(i)

    e = Entry(
        id="e1",
        kind="incident",
        title="Clock",
        summary="",
        body="",
        path="x",
        signatures=("OS monotonic time stepped backwards",),
    )
    kb = KB()
    kb.entries = {"e1": e}
    sigs = SignatureSet.from_entries([e])
    text = (
        "".join(f"line {i}\n" for i in range(1, 5000))
        + "OS monotonic time stepped backwards!\n"
        + "tail\n" * 10
    )
    for chunk in (64, 1000, 1 << 20):
        got = diagnose(kb, io.BytesIO(text.encode()), chunk_size=chunk, sigs=sigs)
        assert [(d.id, d.lines) for d in got] == [
            ("e1", [(5000, "OS monotonic time stepped backwards!")])
        ]
    assert diagnose(kb, "nothing here\n", sigs=sigs) == []


# -- docker.events: the daemon holds only its last 256 events ------------------------------------


def _seen(**kw):
    from kb.checks.kinds.docker_events import EventsSeen

    base = {"since": 1000.0, "matches": (), "held": 10, "oldest": 1500.0}
    return EventsSeen(**{**base, **kw})


def test_docker_events_passes_only_when_the_whole_window_was_seen():
    from kb.checks.kinds.docker_events import DAEMON_EVENTS_KEPT, evaluate

    params = {"container": "emqx", "since": "1h"}
    assert evaluate(params, _seen()).status == "pass"
    # a full buffer that starts after `since`: older events are gone, so no pass
    full = _seen(held=DAEMON_EVENTS_KEPT, oldest=1500.0)
    v = evaluate(params, full)
    assert v.status == "warn" and "could not be seen in full" in v.summary
    assert any(f"last {DAEMON_EVENTS_KEPT} events" in e for e in v.evidence)
    # a full buffer whose oldest event is before `since` covered the window
    assert evaluate(params, _seen(held=DAEMON_EVENTS_KEPT, oldest=900.0)).status == "pass"


def test_docker_events_falls_back_to_the_containers_own_last_stop():
    from kb.checks.kinds.docker_events import evaluate

    gone = _seen(held=256, oldest=1500.0, finished=1200.0, exit_code=137, oom_killed=True)
    v = evaluate({"container": "emqx", "since": "1h"}, gone)
    assert v.status == "fail" and "from its state" in v.summary
    assert "exit code 137, OOMKilled" in v.evidence[0]
    # oom asked: a stop that was not an OOM kill is not one
    plain = _seen(finished=1200.0, exit_code=1)
    assert evaluate({"container": "emqx", "events": ["oom"]}, plain).status == "pass"
    assert evaluate({"container": "emqx", "events": ["die"]}, plain).status == "fail"
    # events still held win over the state, with their own evidence
    held = _seen(matches=({"time": 1300, "action": "die", "container": "emqx", "exit_code": "2"},))
    v = evaluate({"container": "emqx"}, held)
    assert v.status == "fail" and v.evidence[0].endswith("emqx die exit code 2")


class _EventsDocker:
    """A read-only client for docker.events: one container, the daemon's events as given."""

    def __init__(self, endpoint: str, events: list[dict]) -> None:
        self.endpoint = endpoint
        self._events = events

    def inspect_container(self, name: str) -> dict:
        return {"Id": "c" * 64, "State": {"OOMKilled": False, "ExitCode": 0, "FinishedAt": ""}}

    def events(self, since: float, until: float, filters: dict) -> list[dict]:
        return self._events

    def info(self) -> dict:
        return {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)"}


class _EventsCtx:
    def __init__(self, client: _EventsDocker) -> None:
        self.client = client

    def docker(self, host: str | None = None) -> _EventsDocker:
        return self.client

    def check(self) -> None:
        pass


def test_docker_events_reads_an_oom_kill_the_daemon_no_longer_holds_from_the_kernel_log(
    monkeypatch,
):
    """CI: RabbitMQ's wrapper lost its child to the OOM killer and exited 0 (OOMKilled false), and
    the daemon's 256-event buffer had dropped the oom event three seconds later on a busy daemon:
    the check said warn and the won't-start tree had nowhere to go. On this machine's daemon the
    kernel's oom-kill line names the container's memory cgroup: that is an oom event."""
    from kb.checks.kinds import docker_events, host_oom

    now = time.time()
    cid = "c" * 64
    monkeypatch.setattr(host_oom, "container_oom_kills", lambda: {cid: [now - 60], "d" * 64: [now]})
    busy = [{"Type": "network", "Action": "connect", "time": now - 30}] * 256
    params = {"container": "rabbitmq", "events": ["oom"], "since": "24h"}

    seen = docker_events.probe(
        _EventsCtx(_EventsDocker("unix:///var/run/docker.sock", busy)), params
    )
    v = docker_events.evaluate(params, seen)
    assert v.status == "fail", v
    assert v.evidence[0].endswith("rabbitmq oom (kernel log: oom-kill in its memory cgroup)")
    # an oom event the daemon still holds is the same kill, not a second one
    held = [{"Type": "container", "Action": "oom", "time": now - 62, "id": cid}]
    seen = docker_events.probe(
        _EventsCtx(_EventsDocker("unix:///var/run/docker.sock", held)), params
    )
    assert [e["action"] for e in seen.matches] == ["oom"]
    # a remote daemon's containers are not in this machine's kernel log
    away = _EventsDocker("tcp://10.0.0.9:2376", busy)
    v = docker_events.evaluate(params, docker_events.probe(_EventsCtx(away), params))
    assert v.status == "warn" and "could not be seen in full" in v.summary


# -- host.oom: the kernel's ring buffer forgets too ---------------------------------------------


class _Ctx:
    def check(self) -> None:
        pass


KMSG = [
    b"6,5000,1000000,-;eth0: link up\n",
    b"3,5001,2000000,-;Memory cgroup out of memory: Killed process 4242 (beam.smp) total-vm:1kB\n",
    b"6,5002,3000000,-;veth1: entered promiscuous mode\n",
]


def test_host_oom_knows_when_the_ring_buffer_no_longer_reaches_the_window():
    from kb.checks.kinds.host_oom import evaluate, scan_kmsg

    # records 0-4999 were overwritten, and the oldest left (1 s after boot) is after the cutoff
    found = scan_kmsg(_Ctx(), KMSG, cutoff_us=500_000, boot_wall=1_700_000_000)
    assert found["truncated"] and found["kills"][0]["comm"] == "beam.smp"
    assert evaluate({"since": "1h"}, {**found, "top": []}).status == "fail"
    quiet = scan_kmsg(_Ctx(), [KMSG[0], KMSG[2]], cutoff_us=500_000, boot_wall=1_700_000_000)
    v = evaluate({"since": "1h"}, {**quiet, "top": []})
    assert v.status == "warn" and "could not be seen in full" in v.summary
    assert "2023-11-14T22:13:21Z" in v.evidence[0]  # boot_wall + 1 s
    # the buffer still reaches the cutoff: a kill before it is out of the window, a clean pass
    early = scan_kmsg(_Ctx(), KMSG, cutoff_us=2_500_000, boot_wall=1_700_000_000)
    assert not early["truncated"] and not early["kills"]
    assert evaluate({"since": "1h"}, {**early, "top": []}).status == "pass"
    # nothing lost since boot (sequence 0 first), booted inside the window: pass, and says so
    whole = scan_kmsg(_Ctx(), [b"6,0,0,-;Linux version 6.1\n"], -1e12, 1_700_000_000)
    v = evaluate({"since": "1d"}, {**whole, "booted": "2023-11-14T22:13:20Z", "top": []})
    assert v.status == "pass" and "since the host booted" in v.summary


# -- docker.network_mtu --------------------------------------------------------------------------


def test_network_mtu_models_each_driver_and_says_when_it_cannot_compare():
    from kb.checks.kinds.docker_network_mtu import Network, evaluate

    params = {"container": "emqx"}
    # an overlay's own MTU must fit the path (VXLAN is carried in it); its containers get 50 less
    overlay = Network("swarm-net", "overlay", None)
    assert overlay.mtu == 1500 and "containers get 1450 inside VXLAN" in overlay.line()
    assert Network("vpn-net", "overlay", 1400).mtu == 1400
    # macvlan/ipvlan ignore the option: the parent interface decides, not judged
    assert Network("mv", "macvlan", 9000).mtu is None
    data = {"mode": "swarm-net", "networks": [overlay], "limit": 1450, "source": "max"}
    v = evaluate(params, data)
    assert v.status == "fail" and "network MTU 1500 is larger than the path out (1450)" in v.summary
    # an internal network has no way out: not judged
    inner = Network("backend", "bridge", None, internal=True)
    v = evaluate(params, {**data, "networks": [inner]})
    assert v.status == "pass" and "a smaller link further on is not seen" in v.summary
    remote = {**data, "limit": None, "source": "the Docker host ssh://prod is not this machine"}
    v = evaluate(params, remote)
    assert v.status == "skip" and "ssh://prod is not this machine" in v.summary
    assert "max" in v.settable
    assert evaluate(params, {**data, "mode": "host"}).status == "skip"


# -- rabbitmq.consumers: what the management API does and does not say ---------------------------


def _api(consumers, channels, version="3.10.8"):
    ok = {"status": 200, "reason": "OK", "body": "[]"}
    return {
        "consumers": {**ok, "json": consumers},
        "channels": {**ok, "json": channels},
        "queues": {**ok, "json": [{"name": "q", "vhost": "/", "type": "classic"}]},
        "overview": {**ok, "json": {"rabbitmq_version": version}},
    }


def _consumer(channel, prefetch, ack=True, **kw):
    return {
        "queue": {"name": "q", "vhost": "/"},
        "channel_details": {"name": channel} if channel else [],
        "consumer_tag": "t",
        "prefetch_count": prefetch,
        "ack_required": ack,
        "active": True,
        "activity_status": "up",
        **kw,
    }


def test_rabbitmq_consumers_cannot_tell_a_channel_wide_limit_it_is_not_shown():
    """4.0.3-4.2.x still enforce global QoS (Celery's) but stopped reporting it: a consumer with
    no limit of its own is a doubt there, a fail where the global limit is shown (3.x) or where
    global QoS is denied and turned per-consumer (4.3+)."""
    from kb.checks.kinds.rabbitmq_consumers import evaluate

    shown = [
        {
            "name": "c1",
            "prefetch_count": 0,
            "global_prefetch_count": 16,
            "messages_unacknowledged": 16,
        }
    ]
    v = evaluate({}, _api([_consumer("c1", 0)], shown))
    assert v.status == "pass" and "1 at their limit" in v.summary, v
    hidden = [{"name": "c1", "prefetch_count": 0, "messages_unacknowledged": 16}]
    v = evaluate({}, _api([_consumer("c1", 0)], hidden, version="4.2.1"))
    assert v.status == "warn" and "does not report" in v.summary, v
    v = evaluate({}, _api([_consumer("c1", 0)], hidden, version="4.3.0"))
    assert v.status == "fail" and "no prefetch limit" in v.summary, v


def test_rabbitmq_consumers_judges_each_kind_of_consumer():
    from kb.checks.kinds.rabbitmq_consumers import evaluate

    channels = [
        {
            "name": "c1",
            "prefetch_count": 10,
            "global_prefetch_count": 0,
            "messages_unacknowledged": 20,
        }
    ]
    # two consumers of 10 on one channel may hold 20 together: at their limit, not over it
    two = [_consumer("c1", 10), _consumer("c1", 10)]
    v = evaluate({}, _api(two, channels))
    assert v.status == "pass" and "2 at their limit" in v.summary, v
    # automatic acknowledgement: no limit applies at all, a doubt rather than a pass
    v = evaluate({}, _api([_consumer("c1", 0, ack=False)], channels))
    assert v.status == "warn" and "automatic acknowledgement" in v.summary, v
    # a single-active-consumer standby is no finding
    waiting = _consumer("c1", 0, active=False, activity_status="waiting")
    v = evaluate({}, _api([waiting], channels))
    assert v.status == "pass" and any("waiting" in e for e in v.evidence), v
    # no channel reported (an AMQP 1.0 link, or figures not in yet): a doubt, neither fail nor pass
    v = evaluate({}, _api([waiting, _consumer(None, 0)], channels))
    assert v.status == "warn" and "without a channel reported" in v.summary, v
    assert any("AMQP 1.0 link" in e for e in v.evidence)


def test_mqtt_idle_tells_a_closed_from_a_forgotten_from_a_surviving_connection():
    from kb.checks.kinds.mqtt_idle import evaluate

    base = {"where": "lb:1883", "idle": 21.0, "asked": 25.0, "closed_after": None, "answered": True}
    v = evaluate({}, base)
    assert v.status == "pass" and "survived 21.0 s" in v.summary
    assert "asked for 25.0 s; the deadline left room for 21.0 s" in v.evidence
    v = evaluate({}, {**base, "closed_after": 10.0})
    assert v.status == "fail" and "closed after 10.0 s" in v.summary and "below 10.0 s" in v.advice
    v = evaluate({}, {**base, "answered": False})
    assert v.status == "fail" and "no longer answered" in v.summary
    # closed right after the subscribe: a middlebox reset, or a broker refusing the subscription
    v = evaluate({}, {**base, "answered": False, "closed_on_subscribe": True})
    assert v.status == "fail" and "closed when the probe subscribed" in v.summary
    assert "straight at the broker" in v.advice
    v = evaluate({}, {**base, "keepalive": 30, "server_keepalive": 20, "idle": 19.0})
    assert "the broker imposed a keepalive of 20 s (MQTT 5)" in v.evidence


def test_a_kind_may_declare_a_longer_default_deadline():
    """mqtt.idle's wait needs its own 30 s default: the general 5 s would leave it 1 s of idling."""
    from kb.checks.runner import timeout_for

    assert timeout_for(CheckSpec("c", "mqtt.idle", "t", {}), {}) == 30.0
    assert timeout_for(CheckSpec("c", "mqtt.idle", "t", {}), {"timeout": 12}) == 12.0
    assert timeout_for(CheckSpec("c", "net.tcp", "t", {}), {}) == 5.0


def test_the_kernel_names_the_container_of_an_oom_kill():
    """The oom-kill summary line (kernel 6.18 here, cgroupfs driver) ends its memcg paths in the
    container's id: `kb doctor` keeps that when the daemon's 256-event buffer has lost the event."""
    from kb.checks.kinds.host_oom import memcg_kills

    cid = "9f0ec04b282d3726d6a3b40dbf54d865822e90b8b063096c5954ac16368f94c9"
    line = (
        f"6,5210,6258981249,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset={cid},"
        f"mems_allowed=0,oom_memcg=/docker/{cid},task_memcg=/docker/{cid},task=beam.smp,"
        "pid=30345,uid=101\n"
    ).encode()
    other = b"3,5211,6258981314,-;Memory cgroup out of memory: Killed process 30345 (beam.smp)\n"
    systemd = line.replace(f"/docker/{cid}".encode(), f"/system.slice/docker-{cid}.scope".encode())
    assert memcg_kills([line, other], boot_wall=1000.0) == {cid: [1000.0 + 6258.981249]}
    assert list(memcg_kills([systemd], boot_wall=0.0)) == [cid]


# -- docker.shared_mount ------------------------------------------------------------------------
def _m(source: str, dest: str, rw: bool = True, name: str = "", kind: str = "bind") -> dict:
    return {"type": kind, "name": name, "source": source, "destination": dest, "rw": rw}


def test_shared_mount_judges_writers_by_host_path() -> None:
    from kb.checks.kinds.docker_shared_mount import evaluate

    params = {"container": "vmq", "destination": "/vernemq/data/meta"}
    mine = [_m("/var/lib/docker/volumes/v/_data", "/vernemq/data", name="v", kind="volume")]
    other = {"name": "vmq2", "mounts": [_m("/var/lib/docker/volumes/v/_data", "/d", name="v")]}
    r = evaluate(params, {"id": "x", "mounts": mine, "others": [other]})
    assert r.status == "fail" and "volume v" in r.summary
    # a sibling path that only shares a prefix of characters is another directory
    near = {"name": "n", "mounts": [_m("/var/lib/docker/volumes/v2/_data", "/d")]}
    assert evaluate(params, {"id": "x", "mounts": mine, "others": [near]}).status == "pass"
    # a bind of a directory inside the volume's data is the same data
    inner = {"name": "i", "mounts": [_m("/var/lib/docker/volumes/v/_data/meta", "/m")]}
    assert evaluate(params, {"id": "x", "mounts": mine, "others": [inner]}).status == "fail"
    ro = {"name": "r", "mounts": [_m("/var/lib/docker/volumes/v/_data", "/b", rw=False)]}
    r = evaluate(params, {"id": "x", "mounts": mine, "others": [ro]})
    assert r.status == "pass" and "read-only only" in r.summary
    # the innermost mount covering the path decides (a separate volume mounted below a bind)
    nested = [*mine, _m("/srv/meta", "/vernemq/data/meta")]
    r = evaluate(params, {"id": "x", "mounts": nested, "others": [other]})
    assert r.status == "pass" and "/srv/meta" in r.summary
    # a bind of a directory above the data (Portainer's agent binds /var/lib/docker/volumes)
    # reaches the files but is no broker: listed, not judged
    agent = {"name": "agent", "mounts": [_m("/var/lib/docker/volumes", "/var/lib/docker/volumes")]}
    r = evaluate(params, {"id": "x", "mounts": mine, "others": [agent]})
    assert r.status == "pass" and any("a directory above the data" in e for e in r.evidence)
    # the same named volume is the same data even when no host path is reported (plugins, CSI)
    bare = [_m("", "/vernemq/data", name="vmq", kind="volume")]
    twin = {"name": "vmq2", "mounts": [_m("", "/vernemq/data", name="vmq", kind="volume")]}
    r = evaluate(params, {"id": "x", "mounts": bare, "others": [twin]})
    assert r.status == "fail" and "no host path reported" in r.evidence[0]
    assert evaluate(params, None).status == "skip"


def test_shared_mount_wants_an_absolute_destination() -> None:
    from kb.checks.kinds.docker_shared_mount import PARAMS

    dest = next(p for p in PARAMS if p.name == "destination")
    assert dest.check is not None
    assert dest.check("/vernemq/data") is None and "absolute" in (dest.check("vernemq/data") or "")


# -- logs in other encodings (kb diagnose, kb search -) -------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-8"])
def test_a_log_in_utf16_or_with_a_bom_is_read_as_text(encoding) -> None:
    """Windows PowerShell writes `docker logs x > file` as UTF-16 (with a byte-order mark);
    some tools write it without one, or UTF-8 with a mark: each is read as the text it holds."""
    import io

    from kb.checks.diagnose import _chunks, decode_log, log_stream

    text = "2024-01-01 boot\nOS monotonic time stepped backwards! Maybe add '+c false'\n" * 50
    data = text.encode(encoding)
    assert decode_log(data) == text
    got = "".join(_chunks(log_stream(io.BytesIO(data)), 64))
    assert got == text


@pytest.mark.parametrize(
    "overrides,target,away",
    [
        ({"host": "tcp://192.0.2.1:2375"}, None, "tcp://192.0.2.1:2375"),
        ({"host": "ssh://ops@prod-1"}, None, "ssh://ops@prod-1"),
        ({"host": "10.0.0.5"}, None, "10.0.0.5"),  # a broker on another machine
        ({"host": "127.0.0.1"}, None, None),
        # this machine by other names (review: they were taken for another machine)
        ({"host": "::1"}, None, None),
        ({"host": "[::1]:1883"}, None, None),
        ({"host": "127.0.1.1"}, None, None),
        ({"host": "0.0.0.0"}, None, None),
        ({"host": socket.gethostname()}, None, None),
        ({"host": "unix:///var/run/docker.sock"}, None, None),
        ({}, None, None),
        ({}, "broker", "10.0.0.5"),
        ({}, "docker", "tcp://192.0.2.1:2376"),
        ({}, "default-docker", None),  # a configured host with only a name: this daemon
    ],
)
def test_host_checks_skip_a_run_about_another_machine(monkeypatch, overrides, target, away):
    """QA: host.oom read this machine's kernel and passed for a container on a remote Docker
    host. host.* kinds read only the machine kb runs on."""
    from kb.checks.targets import Broker, DockerHost

    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setenv("DOCKER_CONTEXT", "default")
    tgt = {
        None: None,
        "broker": Broker("b", "rabbitmq", host="10.0.0.5"),
        "docker": DockerHost("prod", url="tcp://192.0.2.1:2376"),
        "default-docker": DockerHost("local"),
    }[target]
    spec = CheckSpec("c", "host.disk", "t", {"path": "/"})
    r = run_check(entry(spec), spec, tgt, overrides)
    if away is None:
        assert r.status != "skip", r
    else:
        assert r.status == "skip" and away in r.summary and "this machine's kernel" in r.summary


def test_an_http_server_that_is_no_docker_daemon_is_an_error_not_a_missing_container():
    """QA: a wrong port answered 404 to everything; container checks said "no container named
    …" (skip), docker.events passed, and the run exited 0. A real daemon's 404 carries a JSON
    {"message": "No such container: …"} (the live tests keep that a skip)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class NotDocker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<h1>Not Found</h1>")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotDocker)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host = f"tcp://127.0.0.1:{server.server_address[1]}"
        for kind, params in (
            ("docker.container", {"container": "emqx"}),
            ("docker.events", {"container": "emqx", "events": ["oom"]}),
        ):
            spec = CheckSpec("c", kind, "t", {**params, "host": host})
            r = run_check(entry(spec), spec)
            assert r.status == "error" and "is not a Docker daemon" in r.summary, (kind, r)
    finally:
        server.shutdown()


def test_colour_codes_do_not_hide_a_line_from_the_signatures():
    from kb.signatures import SignatureSet

    e = entry(signatures=(r"(?i)\bOS monotonic time stepped backwards",))
    sigs = SignatureSet.from_entries([e])
    text = "start\n\x1b[1;31mOS monotonic time stepped backwards\x1b[0m\n\x1b]0;title\x07tail\n"
    assert sigs.scan_text(text) == {"unit": [(2, "OS monotonic time stepped backwards")]}
    assert sigs.match_text("\x1b[33mOS monotonic time stepped backwards") == ["unit"]


def test_unset_credential_variables_the_entry_names_skip_those_the_user_names_are_errors(
    monkeypatch,
):
    """Review: an entry's own default (MQTT_USERNAME) left unset made an error, which trees read
    as 'the TLS handshake fails'; it is a skip (nothing was tried). A variable the user names
    with --set (or a target) and forgot to export stays an error (QA: it had passed anonymously)."""
    monkeypatch.delenv("KBTUI_T_USER", raising=False)
    monkeypatch.delenv("KBTUI_T_PASS", raising=False)
    names = {"username_env": "KBTUI_T_USER", "password_env": "KBTUI_T_PASS"}
    spec = CheckSpec("c", "mqtt.connect", "t", {"port": 1, **names})
    r = run_check(entry(spec), spec)
    assert r.status == "skip" and "KBTUI_T_USER" in r.summary and "nothing was sent" in r.summary
    r = run_check(entry(spec), spec, None, dict(names))
    assert r.status == "error" and "KBTUI_T_PASS" in r.summary
    assert "KBTUI_T_PASS" in redact(r.summary)  # a variable's name is no secret


def test_checks_named_is_the_one_rule_for_a_check_reference():
    from kb.loader import load_kb
    from kb.model import checks_named
    from kb.paths import bundled_kb

    entries = load_kb([bundled_kb()]).entries
    eid = "rabbitmq-memory-alarm-publishers-blocked"
    entry, specs, problem = checks_named(entries, eid)
    assert problem is None and [s.id for s in specs] == [c.id for c in entry.checks]
    assert [s.id for s in checks_named(entries, f"{eid}#mem-limit")[1]] == ["mem-limit"]
    for ref, why in (
        (f"{eid}#", "has no check named after '#'"),
        (f"{eid}#nope", "has no check 'nope'"),
        ("no-such-entry#x", "no entry 'no-such-entry'"),
    ):
        _, specs, problem = checks_named(entries, ref)
        assert specs == [] and problem is not None and why in problem, (ref, problem)


# --- QA misc25 #12: docker.exec where the command cannot run ---------------------------------------


class _FakeExecDocker:
    """A Docker client with one container: its inspect `State` and what an exec answers."""

    def __init__(self, state: dict, exec_result=None, restarts: int = 0) -> None:
        self.state, self.exec_result, self.restarts = state, exec_result, restarts
        self.execs = 0

    def inspect_container(self, name: str) -> dict:
        return {"Name": "/" + name, "State": self.state, "RestartCount": self.restarts}

    def exec_allowed(self, name: str, argv: tuple[str, ...]):
        self.execs += 1
        if isinstance(self.exec_result, BaseException):
            raise self.exec_result
        return self.exec_result


class _FakeExecCtx:
    def __init__(self, client: _FakeExecDocker) -> None:
        self.client = client

    def docker(self, host=None):
        return self.client


def _exec_verdict(client: _FakeExecDocker, command: str = "rabbitmq.check_running"):
    from kb.checks.kinds import docker_exec

    params = {"container": "app", "command": command}
    return docker_exec.evaluate(params, docker_exec.probe(_FakeExecCtx(client), params))


RUNNING = {"Status": "running", "Running": True}
OCI_NOT_FOUND = (
    "OCI runtime exec failed: exec failed: unable to start container process: exec: "
    '"rabbitmq-diagnostics": executable file not found in $PATH: unknown\r\n'
)


def test_docker_exec_of_a_command_the_container_lacks_is_skip_not_fail():
    """Before: FAIL "exited with 126" on a busybox container: a false "problem present"."""
    v = _exec_verdict(_FakeExecDocker(RUNNING, (126, OCI_NOT_FOUND)))
    assert v.status == "skip", v
    assert v.summary == (
        "app has no `rabbitmq-diagnostics` (not a RabbitMQ container?): "
        "`rabbitmq-diagnostics -q check_running` cannot run there; nothing was checked"
    )
    assert v.evidence[0] == "$ rabbitmq-diagnostics -q check_running  (exit 126)"
    assert "executable file not found" in v.evidence[1] and v.settable == ("container",)
    # crun words it as "no such file or directory" (exit 127)
    crun = "crun: executable file `mosquitto` not found: No such file or directory\n"
    v = _exec_verdict(
        _FakeExecDocker(RUNNING, (127, "OCI runtime exec failed: " + crun)), "mosquitto.version"
    )
    assert v.status == "skip" and "(not a Mosquitto container?)" in v.summary
    # the command ran and failed on its own: still a fail
    v = _exec_verdict(_FakeExecDocker(RUNNING, (69, "Error: unable to perform an operation")))
    assert v.status == "fail" and "exited with 69" in v.summary
    v = _exec_verdict(
        _FakeExecDocker(RUNNING, (127, "/usr/lib/x/rabbitmq-diagnostics: erl: not found"))
    )
    assert v.status == "fail"


def test_docker_exec_on_a_paused_or_restarting_container_is_a_tidy_skip():
    """Before: ERROR with the API's raw text, a restarting container named by its 64-char id."""
    client = _FakeExecDocker({"Status": "paused", "Running": True, "Paused": True}, (0, ""))
    v = _exec_verdict(client)
    assert client.execs == 0 and v.status == "skip" and "\n" not in v.summary
    assert v.summary.startswith("app is paused (docker pause): ")
    assert "unpause" in (v.advice or "")
    client = _FakeExecDocker(
        {"Status": "restarting", "Running": True, "Restarting": True, "ExitCode": 1},
        (0, ""),
        restarts=7,
    )
    v = _exec_verdict(client)
    assert client.execs == 0 and v.status == "skip"
    assert v.summary.startswith("app is restarting (its process exited with 1, 7 restarts so far)")


def test_docker_exec_when_the_container_pauses_between_inspect_and_exec():
    import docker.errors
    import requests

    from kb.checks.dockerclient import DockerUnavailable

    cid = "e4f361efb28f66730801f05fc67900614f55293301cb11d6793b460a23d0b43e"
    response = requests.Response()
    response.status_code = 409
    api = docker.errors.APIError("409", response, f"Container {cid} is restarting, wait until …")
    err = DockerUnavailable(f"Docker API error from unix:///x: Container {cid} is restarting")
    err.__cause__ = api

    class Racing(_FakeExecDocker):
        def exec_allowed(self, name, argv):
            self.state = {"Status": "restarting", "Running": True, "Restarting": True}
            raise err

    v = _exec_verdict(Racing(RUNNING))
    assert v.status == "skip" and v.summary.startswith("app is restarting") and cid not in v.summary
    # any other API error stays an error (the runner reports it)
    other = DockerUnavailable("Docker API error from unix:///x: boom")
    other.__cause__ = docker.errors.APIError("500", None, "boom")
    with pytest.raises(DockerUnavailable):
        _exec_verdict(_FakeExecDocker(RUNNING, other))


def test_credentials_written_in_a_url_are_sent_percent_decoded():
    """Review of QA 25: a password holding @ or : must be %-encoded in a URL; it was sent as
    written ('p%40ss'), so the broker refused it whatever the user did."""
    import base64
    import http.server
    import threading

    from kb.checks import httpget

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            seen.append(self.headers.get("Authorization", ""))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    class Ctx:
        secrets: list[str] = []

        def add_secret(self, s: str) -> None:
            self.secrets.append(s)

        def remaining(self) -> float:
            return 5.0

        def on_abort(self, fn: object) -> None:
            pass

        def check(self) -> None:
            pass

    try:
        port = server.server_address[1]
        out = httpget.get(Ctx(), f"http://admin:p%40ss%3Aw@127.0.0.1:{port}/api/overview")
    finally:
        server.shutdown()
    assert out["status"] == 200
    assert seen == ["Basic " + base64.b64encode(b"admin:p@ss:w").decode()]


# --- docker.env with `product`: one broker's variable is not asked of another's container ----------


class _EnvDocker:
    """A Docker client with one container: its image and environment."""

    def __init__(self, image: str, env: list[str], cmd: list[str] | None = None) -> None:
        self.info = {"Config": {"Image": image, "Env": env, "Cmd": cmd or []}}

    def inspect_container(self, name: str) -> dict:
        return self.info


def test_docker_env_for_one_broker_skips_another_brokers_container():
    """Before: erlang-scheduler-busy-wait-high-cpu#emqx-erl-flags (ERL_FLAGS contains
    "+sbwt none") run with --set container=rabbitmq warned "rabbitmq: ERL_FLAGS is not set" on a
    RabbitMQ container, which passes the busy-wait flags through its own scripts. With
    `product: emqx` the check skips a container recognised as another broker, still judges an
    EMQX one, and one it cannot recognise (a custom image) as before."""
    from kb.checks.kinds import docker_env

    params = {"container": "mq", "name": "ERL_FLAGS", "contains": "+sbwt none", "product": "emqx"}

    def verdict(client: _EnvDocker):
        return docker_env.evaluate(params, docker_env.probe(_FakeExecCtx(client), params))

    v = verdict(_EnvDocker("rabbitmq:3.13-management", ["RABBITMQ_VERSION=3.13.7"]))
    assert v.status == "skip", v
    assert v.summary == (
        "mq runs RabbitMQ, not EMQX: ERL_FLAGS of EMQX does not apply; nothing was checked"
    )
    assert v.settable == ("container",) and v.summary_zh and "RabbitMQ" in v.summary_zh
    assert verdict(_EnvDocker("emqx/emqx:5.8.6", [])).status == "fail"
    flags = ["ERL_FLAGS=+sbwt none +sbwtdcpu none +sbwtdio none"]
    assert verdict(_EnvDocker("emqx/emqx:5.8.6", flags)).status == "pass"
    assert verdict(_EnvDocker("registry.local/broker:1", [])).status == "fail"
    # a RabbitMQ image started by its process name, not its image name
    assert verdict(_EnvDocker("registry.local/mq:1", [], ["rabbitmq-server"])).status == "skip"
    # without `product` nothing changes
    del params["product"]
    assert verdict(_EnvDocker("rabbitmq:3.13", [])).status == "fail"
    words = docker_env.describe({**params, "product": "emqx"}, "en")
    assert words.healthy.endswith("; only for an EMQX container, another broker's is skipped")


def test_check_kinds_name_the_brokers_kb_doctor_recognises():
    """The display names the check kinds use (and docker.env's `product` choices, derived from
    them) cover exactly the brokers kb.checks.brokers recognises, in its order."""
    from kb.checks.brokers import BROKER_PRODUCTS
    from kb.checks.kinds._common import PRODUCT_NAMES

    assert tuple(PRODUCT_NAMES) == BROKER_PRODUCTS
    product = next(p for p in registry.get("docker.env").params if p.name == "product")
    assert product.choices == BROKER_PRODUCTS

"""Docker kinds, `kb doctor` and `kb diagnose` against incidents reproduced on a real Docker Engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import live_incidents as inc
import pytest
from conftest import ROOT, make_entry, spec

from kb.checks import dockerclient
from kb.checks.runner import run_check

pytestmark = pytest.mark.live
KB = [sys.executable, "-m", "kb.cli.main"]


def check(kind: str, params: dict, **kw):
    s = spec(kind, params, **kw)
    return run_check(make_entry(s, signatures=kw.pop("signatures", ())), s)


def kb(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KB, *args], input=stdin, capture_output=True, timeout=120, cwd=ROOT)


def test_daemon(docker_engine):
    r = check("docker.daemon", {})
    assert r.status == "pass" and "API" in r.summary
    assert any(e.startswith("endpoint: unix://") for e in r.evidence)


def test_container_states(incident_containers):
    r = check("docker.container", {"container": "kbtui-test-oom"})
    assert r.status == "fail" and "OOM" in r.summary and "OOMKilled: true" in r.evidence
    r = check("docker.container", {"container": "kbtui-test-restartloop"})
    assert r.status == "fail" and "restarted" in r.summary
    r = check("docker.container", {"container": "kbtui-test-healthy"})
    assert r.status == "pass" and "health: healthy" in r.evidence
    r = check("docker.container", {"container": "kbtui-test-job-done", "running": False})
    assert r.status == "pass"
    r = check("docker.container", {"container": "kbtui-test-apollo", "running": False})
    assert r.status == "fail" and "exited unexpectedly with code 1" in r.summary
    assert check("docker.container", {"container": "kbtui-test-nope"}).status == "skip"


def test_logs_env_mount_inspect(incident_containers):
    r = check(
        "docker.logs",
        {"container": "kbtui-test-monotonic", "pattern": "monotonic time stepped backwards"},
    )
    assert r.status == "fail" and "+c false" in r.evidence[0]
    r = check("docker.logs", {"container": "kbtui-test-healthy-emqx", "pattern": "monotonic time"})
    assert r.status == "pass"
    r = check("docker.env", {"container": "kbtui-test-cookie", "name": "EMQX_NODE__COOKIE"})
    assert r.status == "fail" and "not set" in r.summary
    r = check("docker.env", {"container": "kbtui-test-nomount", "name": "EMQX_NODE__COOKIE"})
    assert r.status == "pass" and r.evidence == ["EMQX_NODE__COOKIE=<redacted>"]
    r = check("docker.mount", {"container": "kbtui-test-nomount", "destination": "/opt/emqx/data"})
    assert r.status == "fail"
    r = check("docker.mount", {"container": "kbtui-test-cookie", "destination": "/opt/emqx/data"})
    assert r.status == "pass" and "volume" in r.summary
    r = check(
        "docker.inspect",
        {"container": "kbtui-test-oom", "field": "HostConfig.Memory", "max": 16 * 2**20},
    )
    assert r.status == "pass"
    r = check(
        "docker.inspect",
        {"container": "kbtui-test-oom", "field": "State.OOMKilled", "equals": False},
    )
    assert r.status == "fail"
    r = check(
        "docker.inspect",
        {
            "container": "kbtui-test-restartloop",
            "field": "HostConfig.RestartPolicy.Name",
            "equals": "always",
        },
    )
    assert r.status == "pass"


def test_events_and_top(incident_containers):
    # the window reaches back to the session's start (the containers are made once per session and
    # filtered by id): the OOM stand-in's events may have left the daemon's 256-event buffer since,
    # and then its own State says it stopped
    r = check("docker.events", {"container": "kbtui-test-oom", "since": "3h"})
    assert r.status == "fail", r
    assert any(" oom" in e or "exit code 137" in e for e in r.evidence), r.evidence
    r = check("docker.events", {"container": "kbtui-test-healthy", "since": "3h"})
    assert r.status in ("pass", "warn") and not any("healthy" in e for e in r.evidence), r
    inc.docker("rm", "-f", "kbtui-test-wrapper", check=False)
    inc.run("wrapper", cmd="sleep 600 & wait $!")
    try:
        r = check("docker.top", {"container": "kbtui-test-wrapper"})
        assert r.status == "fail" and "shell" in r.summary
        assert any("sleep 600" in e for e in r.evidence)
        assert (
            check("docker.top", {"container": "kbtui-test-wrapper", "shell_pid1": True}).status
            == "pass"
        )
    finally:
        inc.docker("rm", "-f", "kbtui-test-wrapper", check=False)
    r = check("docker.top", {"container": "kbtui-test-healthy"})
    assert r.status == "pass" and "sleep" in r.summary


def test_the_kernel_log_names_the_oom_stand_in(incident_containers):
    """The kernel's oom-kill line names the OOM stand-in's memory cgroup, so `kb doctor` can tell
    an OOM kill after the daemon's event buffer has lost it."""
    from kb.checks.kinds.host_oom import container_oom_kills

    cid = inc.inspect("oom")["Id"]
    assert cid in container_oom_kills(), cid


def test_events_beyond_the_daemons_buffer(incident_containers, docker_engine):
    """dockerd keeps only its last 256 events: a stop pushed out of that buffer is still found (from
    the container's State) and a window the buffer no longer covers is a warn, never a pass."""
    import docker

    from kb.checks.kinds.docker_events import DAEMON_EVENTS_KEPT

    for name in ("evicted", "flood", "flood-b"):
        inc.docker("rm", "-f", inc.PREFIX + name, check=False)
    inc.run("evicted", cmd="echo bye; exit 3")
    inc.run("flood", cmd="exec sleep 600")
    api = docker.APIClient(base_url=docker_engine, timeout=30)
    try:
        end = time.monotonic() + 30
        while inc.inspect("evicted").get("State", {}).get("Status") != "exited":
            assert time.monotonic() < end, "the evicted stand-in did not exit"
            time.sleep(0.2)
        r = check("docker.events", {"container": inc.PREFIX + "evicted", "since": "10m"})
        assert r.status == "fail" and any(e.endswith("die exit code 3") for e in r.evidence), r
        flood = inc.PREFIX + "flood"
        for _ in range(DAEMON_EVENTS_KEPT // 2 + 10):  # two rename events each, no state change
            api.rename(flood, flood + "-b")
            api.rename(flood + "-b", flood)
        r = check("docker.events", {"container": inc.PREFIX + "evicted", "since": "10m"})
        assert r.status == "fail" and "from its state" in r.summary, r
        assert "exit code 3 (docker inspect State" in r.evidence[0], r.evidence
        r = check("docker.events", {"container": inc.PREFIX + "flood", "since": "10m"})
        assert r.status == "warn" and "could not be seen in full" in r.summary, r
        # `docker events` itself no longer shows the stop: the fallback is what found it
        out = inc.docker(
            "events",
            "--since",
            "10m",
            "--until",
            "0s",
            "--filter",
            f"container={inc.PREFIX}evicted",
            "--format",
            "{{.Action}}",
        )
        assert "die" not in out.split()
    finally:
        api.close()
        for name in ("evicted", "flood", "flood-b"):
            inc.docker("rm", "-f", inc.PREFIX + name, check=False)


def test_network_mtu_against_real_networks(incident_containers, bundled_kb):
    """Docker gives a user-defined network 1500 unless its driver option says otherwise, whatever
    the host's own MTU: the check compares what the container's interfaces really get (read back
    from inside it) with the host's route out."""
    from kb.checks.kinds.docker_network_mtu import host_path_mtu

    name, plain, small = inc.PREFIX + "mtu", inc.PREFIX + "mtu-plain", inc.PREFIX + "mtu-1280"
    inc.docker("rm", "-f", name + "-side", name, name + "-small", check=False)
    for net in (plain, small):
        inc.docker("network", "rm", net, check=False)
    inc.docker("network", "create", plain)
    inc.docker("network", "create", "-o", "com.docker.network.driver.mtu=1280", small)
    try:
        inc.docker("run", "-d", "--name", name, "--network", plain, inc.BASE_IMAGE, "sleep", "600")
        inc.docker("network", "connect", small, name)
        # what the kernel really gave the container: 1500 where no option is set
        mtus = inc.docker("exec", name, "cat", "/sys/class/net/eth0/mtu", "/sys/class/net/eth1/mtu")
        assert sorted(mtus.split()) == ["1280", "1500"], mtus
        r = check("docker.network_mtu", {"container": name, "max": 1400})
        assert r.status == "fail" and "network MTU 1500 is larger than the path out (1400)" in (
            r.summary
        ), r
        assert f"network {plain} (bridge): MTU 1500 (no com.docker.network.driver.mtu" in str(
            r.evidence
        )
        assert f"network {small} (bridge): MTU 1280 (com.docker.network.driver.mtu=1280)" in str(
            r.evidence
        )
        # the entry's tree, its question answered by the check, ends at the fix
        from tree_walk import walk

        entry = "docker-network-mtu-mismatch"
        yes = bundled_kb.get(entry).tree.nodes["confirm"].options[0].label
        got = walk(bundled_kb, entry, {"container": name, "max": 1400}, {"confirm": yes})
        assert got.end.id == "fix", got.trail()
        # against this host's own route out (1400 on the test machines: the real mismatch)
        host = host_path_mtu("1.1.1.1")
        with open("/sys/class/net/lo/mtu") as fh:  # an IPv6 target reads the IPv6 route's MTU
            assert host_path_mtu("::1") == int(fh.read())
        r = check("docker.network_mtu", {"container": name})
        assert r.status == ("fail" if host < 1500 else "pass"), (host, r)
        assert f"path out: MTU {host} (this host's route to 1.1.1.1)" in r.evidence, r.evidence
        inc.docker(
            "run",
            "-d",
            "--name",
            name + "-small",
            "--network",
            small,
            inc.BASE_IMAGE,
            "sleep",
            "600",
        )
        r = check("docker.network_mtu", {"container": name + "-small", "max": 1400})
        assert r.status == "pass" and "fits the path out (1400)" in r.summary, r
        r = check("docker.network_mtu", {"container": inc.PREFIX + "healthy"})
        assert r.status == "skip" and "network mode none" in r.summary, r
        # a container that shares another's network (Compose network_mode "service:vpn") is
        # judged by that container's networks
        inc.docker(
            "run",
            "-d",
            "--name",
            name + "-side",
            "--network",
            f"container:{name}",
            inc.BASE_IMAGE,
            "sleep",
            "600",
        )
        r = check("docker.network_mtu", {"container": name + "-side", "max": 1400})
        assert r.status == "fail" and f"(the network of {name}" in r.summary, r
    finally:
        inc.docker("rm", "-f", name + "-side", name, name + "-small", check=False)
        for net in (plain, small):
            inc.docker("network", "rm", net, check=False)


def test_exec_allow_list(incident_containers):
    r = check(
        "docker.exec", {"container": "kbtui-test-healthy", "command": "date", "pattern": r"^\d{4}-"}
    )
    assert r.status == "pass" and r.evidence[0].startswith("$ date -u")
    client = dockerclient.get_client()
    with pytest.raises(dockerclient.ReadOnlyViolation):
        client.exec_allowed("kbtui-test-healthy", ("rm", "-rf", "/"))
    with pytest.raises(dockerclient.ReadOnlyViolation):  # even straight through the API client
        client.api.exec_create("kbtui-test-healthy", ["sh", "-c", "touch /x"])


def test_exec_where_the_command_cannot_run_is_skip(docker_engine):
    """QA misc25 #12: `rabbitmq.check_running` in a busybox container was FAIL "exited with 126"
    (a false "problem present"); on a paused or restarting container an ERROR with Docker's raw
    text (`is paused, unpause…`, the 64-character id). Now each is a one-line skip by name."""
    nocmd, paused, looping = (inc.PREFIX + n for n in ("exec-nocmd", "exec-paused", "exec-loop"))
    try:
        inc.run("exec-nocmd", cmd="exec sleep 600")
        inc.run("exec-paused", cmd="exec sleep 600")
        inc.docker("pause", paused)
        inc.run("exec-loop", "--restart", "always", cmd="exit 1")
        r = check("docker.exec", {"container": nocmd, "command": "rabbitmq.check_running"})
        assert r.status == "skip", r
        assert r.summary.startswith(
            f"{nocmd} has no `rabbitmq-diagnostics` (not a RabbitMQ container?)"
        )
        assert any("executable file not found" in e for e in r.evidence), r.evidence
        r = check("docker.exec", {"container": paused, "command": "rabbitmq.check_running"})
        assert r.status == "skip" and r.summary.startswith(f"{paused} is paused"), r
        deadline = time.monotonic() + 30
        while not inc.inspect("exec-loop").get("State", {}).get("Restarting"):
            assert time.monotonic() < deadline, "the container never showed as restarting"
            time.sleep(0.2)
        r = check("docker.exec", {"container": looping, "command": "date"})
        assert r.status == "skip" and r.summary.startswith(f"{looping} is restarting"), r
        cid = inc.inspect("exec-loop")["Id"]
        assert cid not in r.summary and "\n" not in r.summary
    finally:
        inc.docker("rm", "-f", nocmd, paused, looping, check=False)


def test_client_refuses_writes(incident_containers):
    api = dockerclient.get_client().api
    for attempt in (
        lambda: api.stop("kbtui-test-healthy"),
        lambda: api.kill("kbtui-test-healthy"),
        lambda: api.remove_container("kbtui-test-job-done"),
        lambda: api.create_container("kbtui-test/busybox:latest", "true"),
        lambda: api.restart("kbtui-test-healthy"),
        lambda: api.prune_containers(),
    ):
        with pytest.raises(dockerclient.ReadOnlyViolation):
            attempt()
    assert inc.inspect("healthy")["State"]["Running"] is True
    assert inc.inspect("job-done")  # still there


def test_doctor_names_each_incident_and_nothing_for_healthy(incident_containers, bundled_kb):
    proc = kb("doctor", "--json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    by_container: dict[str, set[str]] = {}
    for f in report["findings"]:
        assert {"entry", "status", "container", "host", "evidence", "summary"} <= set(f)
        by_container.setdefault(f["container"], set()).add(f["entry"])
    for name, entry in incident_containers.items():
        got = by_container.get(inc.PREFIX + name, set())
        if entry is None:
            assert not got, f"healthy container {name} got findings {got}"
        else:
            assert bundled_kb.get(entry) is not None, f"bundled KB lacks {entry}"
            assert entry in got, f"{name}: expected {entry}, got {got}"
    assert inc.CANARY_SECRET.encode() not in proc.stdout + proc.stderr


def test_doctor_in_chinese_says_the_container_state_in_chinese(incident_containers):
    """Under --lang zh the container-state findings (OOM kill, exit code, restart loop) and the
    signature findings ("log matches …") are Chinese like the check findings beside them; they
    were English (problem.text only; "log matches" before the Chinese title)."""
    import re

    en = json.loads(kb("doctor", "--json").stdout)["findings"]
    zh = {
        (f["container"], f["entry"], f["status"]): f["summary"]
        for f in json.loads(kb("--lang", "zh", "doctor", "--json").stdout)["findings"]
    }
    state = re.compile(
        r"killed by the OOM killer|exited unexpectedly|restarted \d+ times|log matches “"
    )
    pairs = [
        (f["summary"], zh.get((f["container"], f["entry"], f["status"])))
        for f in en
        if state.search(f["summary"])
    ]
    assert pairs, en
    for english, chinese in pairs:
        assert chinese and re.search(r"[\u4e00-\u9fff]", chinese), (english, chinese)
        assert "matches" not in chinese, (english, chinese)  # not only the entry's title


def test_doctor_text_and_unreachable_host(incident_containers, tmp_path):
    proc = kb("doctor")
    out = proc.stdout.decode()
    assert proc.returncode == 1 and "kb show emqx-monotonic-time-stepped-backwards" in out
    proc = kb("doctor", "--host", f"unix://{tmp_path}/none.sock")
    assert proc.returncode == 3
    assert "does not exist" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


@pytest.mark.parametrize("name", ["monotonic", "apollo", "cookie"])
def test_docker_logs_piped_into_diagnose(incident_containers, name):
    logs = subprocess.run(["docker", "logs", inc.PREFIX + name], capture_output=True, timeout=30)
    proc = kb("diagnose", "-", "--json", stdin=logs.stdout + logs.stderr)
    assert proc.returncode == 0, proc.stderr
    ids = [d["id"] for d in json.loads(proc.stdout)]
    assert incident_containers[name] in ids


def test_kb_check_entry_against_incident(incident_containers):
    proc = kb(
        "check",
        "emqx-monotonic-time-stepped-backwards#clock-log",
        "--set",
        "container=kbtui-test-monotonic",
    )
    assert proc.returncode == 1 and b"FAIL" in proc.stdout and b"stepped backwards" in proc.stdout
    proc = kb(
        "check",
        "emqx-monotonic-time-stepped-backwards#clock-log",
        "--set",
        "container=kbtui-test-healthy-emqx",
    )
    assert proc.returncode == 0, proc.stdout


def test_docker_host_env_and_context(incident_containers, tmp_path):
    env = {**os.environ, "DOCKER_HOST": "unix:///var/run/docker.sock"}
    code = "from kb.checks.dockerclient import resolve_endpoint as r; print(r())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    ).stdout.strip()
    assert out == "unix:///var/run/docker.sock"
    # a Docker context made with the real CLI is honoured when DOCKER_HOST is unset
    cfg = tmp_path / "dockercfg"
    env = {k: v for k, v in os.environ.items() if k != "DOCKER_HOST"} | {"DOCKER_CONFIG": str(cfg)}
    subprocess.run(
        [
            "docker",
            "context",
            "create",
            "kbtui-test-ctx",
            "--docker",
            "host=unix:///run/kbtui-ctx.sock",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["docker", "context", "use", "kbtui-test-ctx"], env=env, check=True, capture_output=True
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "unix:///run/kbtui-ctx.sock", out.stderr


def test_host_oom_sees_the_container_oom_kill(incident_containers):
    r = check("host.oom", {"since": "1h"})
    assert r.status == "fail" and "OOM kill" in r.summary
    assert any("in a memory cgroup" in e for e in r.evidence)


def test_a_daemon_that_refuses_the_pinned_api_is_read_at_its_minimum(incident_containers, tmp_path):
    """Docker 29.0-29.2 refuse every API under 1.44 ("client version 1.41 is too old. Minimum
    supported API version is 1.44 …"); the checks pin 1.41. Against the real daemon behind a gate
    that answers as those releases do, the client re-pins once and reads the real container."""
    from live_servers import version_gate_docker

    sock = str(tmp_path / "docker29.sock")
    with version_gate_docker(sock, "1.44") as seen:
        r = check("docker.container", {"container": "kbtui-test-oom", "host": f"unix://{sock}"})
        assert r.status == "fail" and "OOM" in r.summary, (r.summary, r.evidence)
        refused = [s for s in seen if s.endswith(" 400")]
        assert len(refused) == 1 and "/v1.41/" in refused[0], seen
        assert any("/v1.44/containers/kbtui-test-oom/json 200" in s for s in seen), seen
        # the connection keeps the version it learnt: the next check is refused nothing
        before = len(seen)
        r = check(
            "docker.container", {"container": "kbtui-test-restartloop", "host": f"unix://{sock}"}
        )
        assert r.status == "fail", r.summary
        assert seen[before:] and not [s for s in seen[before:] if s.endswith(" 400")], seen
        p = kb("doctor", "--host", f"unix://{sock}", "--json")
        report = json.loads(p.stdout)
        assert all(h["ok"] for h in report["hosts"]), report["hosts"]
        assert b"too old" not in p.stdout + p.stderr


LEVELDB_LOCK = (
    '{"Kernel pid terminated",application_controller,"{application_start_failure,plumtree,{{error,'
    "{shutdown,{failed_to_start_child,plumtree_metadata_leveldb_instance_sup,{shutdown,"
    '{failed_to_start_child,plmtrlvld_0,{db_open,\\"IO error: lock /vernemq/data/meta/meta/0/LOCK: '
    'Resource temporarily unavailable\\"}}}}}},{plumtree_app,start,[normal,[]]}}}"}'
)


def test_shared_mount_finds_the_second_writer(incident_containers, bundled_kb, tmp_path):
    """Two running containers on one data volume (what `docker compose up --scale` or a second
    `docker run` with the same -v makes): the check names the other writer; a read-only sharer, a
    stopped one and a container with its own volume are not judged writers; a bind of a parent
    directory is the same data."""
    p = inc.PREFIX + "store"
    vol, own = p + "-vol", p + "-own"
    names = [p + s for s in ("-a", "-b", "-ro", "-own", "-parent", "-child")]
    for n in names:
        inc.docker("rm", "-f", n, check=False)
    for v in (vol, own):
        inc.docker("volume", "rm", "-f", v, check=False)
    parent = tmp_path / "broker"
    (parent / "data").mkdir(parents=True)
    try:
        run = ("run", "-d", "--name")
        inc.docker(*run, p + "-a", "-v", f"{vol}:/vernemq/data", inc.BASE_IMAGE, "sleep", "600")
        # the second broker: its log has the real LevelDB lock line (a stand-in that echoes it)
        inc.docker(
            *run,
            p + "-b",
            "-v",
            f"{vol}:/vernemq/data",
            inc.BASE_IMAGE,
            "sh",
            "-c",
            f"echo '{LEVELDB_LOCK}'; sleep 600",
        )
        inc.docker(*run, p + "-ro", "-v", f"{vol}:/backup:ro", inc.BASE_IMAGE, "sleep", "600")
        inc.docker(*run, p + "-own", "-v", f"{own}:/vernemq/data", inc.BASE_IMAGE, "sleep", "600")
        # what the entry tells users to run lists both writers (and the reader)
        listed = inc.docker("ps", "--filter", f"volume={vol}", "--format", "{{.Names}}").split()
        assert sorted(listed) == sorted([p + "-a", p + "-b", p + "-ro"]), listed

        r = check("docker.shared_mount", {"container": p + "-b", "destination": "/vernemq/data"})
        assert r.status == "fail" and "1 other running container(s)" in r.summary, r
        assert any(
            e.startswith(f"{p}-a: volume {vol} -> /vernemq/data (read-write)") for e in r.evidence
        ), r.evidence
        assert any(
            e.startswith(f"{p}-ro: volume {vol} -> /backup (read-only)") for e in r.evidence
        ), r.evidence
        r = check("docker.shared_mount", {"container": p + "-own", "destination": "/vernemq/data"})
        assert (
            r.status == "pass"
            and f"no other running container of this daemon mounts volume {own}" in r.summary
        ), r
        # a path with nothing mounted lives in the container's own layer
        r = check("docker.shared_mount", {"container": p + "-own", "destination": "/var/lib/x"})
        assert r.status == "pass" and "nothing is mounted at /var/lib/x" in r.summary, r
        assert (
            check("docker.shared_mount", {"container": p + "-nope", "destination": "/d"}).status
            == "skip"
        )

        # the entry's tree, both questions answered by its checks, ends at the second writer
        from tree_walk import walk

        entry = "broker-store-lock-held-by-another-process"
        got = walk(bundled_kb, entry, {"container": p + "-b", "destination": "/vernemq/data"}, {})
        assert got.end.id == "two-writers", got.trail()

        # a stopped writer holds no lock: the reader alone is not a writer
        inc.docker("stop", "-t", "0", p + "-a")
        r = check("docker.shared_mount", {"container": p + "-b", "destination": "/vernemq/data"})
        assert r.status == "pass" and "read-only only" in r.summary, r

        # a bind of the parent directory reaches the files (listed, not judged: Portainer's agent
        # binds /var/lib/docker/volumes and is no broker); seen from the parent's side, a bind of
        # a directory inside its data is a writer of it
        inc.docker(*run, p + "-parent", "-v", f"{parent}:/srv", inc.BASE_IMAGE, "sleep", "600")
        inc.docker(
            *run,
            p + "-child",
            "-v",
            f"{parent / 'data'}:/opt/emqx/data",
            inc.BASE_IMAGE,
            "sleep",
            "600",
        )
        r = check(
            "docker.shared_mount", {"container": p + "-child", "destination": "/opt/emqx/data"}
        )
        assert r.status == "pass", r
        assert (
            f"{p}-parent: bind {parent} -> /srv (read-write); a directory above the data, not judged"
            in r.evidence
        ), r
        r = check("docker.shared_mount", {"container": p + "-parent", "destination": "/srv"})
        assert (
            r.status == "fail"
            and f"{p}-child: bind {parent / 'data'} -> /opt/emqx/data (read-write)" in r.evidence
        ), r
    finally:
        for n in names:
            inc.docker("rm", "-f", n, check=False)
        for v in (vol, own):
            inc.docker("volume", "rm", "-f", v, check=False)


def test_a_paused_container_is_no_healthy_one(incident_containers):
    """QA: `docker pause` left a broker frozen (connections accepted, never answered) and the
    check said "running and healthy" (State.Running stays true), doctor said nothing. And a
    failing health check with no output showed three identical "health check:  (exit 1)" lines."""
    paused, sick = inc.PREFIX + "paused", inc.PREFIX + "sick"
    try:
        inc.run("paused", cmd="exec sleep 3600")
        inc.docker("pause", paused)
        inc.run(
            "sick",
            "--health-cmd",
            "false",
            "--health-interval",
            "1s",
            "--health-retries",
            "2",
            cmd="exec sleep 3600",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = json.loads(inc.docker("inspect", sick))[0]["State"]
            if len(state.get("Health", {}).get("Log") or []) >= 3:
                break
            time.sleep(0.5)
        r = check("docker.container", {"container": paused})
        assert (
            r.status == "fail" and "paused" in r.summary and f"docker unpause {paused}" in r.summary
        )
        assert "paused: true" in r.evidence
        r = check("docker.container", {"container": sick})
        assert r.status == "fail" and "health check" in r.summary
        health = [e for e in r.evidence if e.startswith("health check:")]
        assert health == ["health check: exit 1, no output (3 times)"], r.evidence
        report = json.loads(kb("doctor", "--json").stdout)
        found = {f["container"]: f for f in report["findings"]}
        assert found[paused]["status"] == "warn" and "paused" in found[paused]["summary"]
        assert found[paused]["entry"] == "tree-container-stopped-unexpectedly"
    finally:
        inc.docker("rm", "-f", paused, sick, check=False)


def test_a_coloured_log_line_meets_a_signature_that_starts_with_a_word_boundary(
    incident_containers,
):
    """QA: `\\x1b[31mOS monotonic …` (a colour logger, a TTY) did not match `\\bOS monotonic …`:
    the `m` ending the colour code is a word character. docker.logs passed "not seen" and doctor
    missed the line."""
    name = inc.PREFIX + "coloured"
    try:
        inc.run(
            "coloured",
            cmd="printf '\\033[31mOS monotonic time stepped backwards! Maybe add +c false\\033[0m\\n'; exit 1",
        )
        deadline = time.monotonic() + 20
        while inc.inspect("coloured").get("State", {}).get("Status") != "exited":
            assert time.monotonic() < deadline
            time.sleep(0.3)
        r = check(
            "docker.logs",
            {"container": name, "pattern": r"(?i)\bOS monotonic time stepped backwards"},
        )
        assert r.status == "fail" and r.evidence[0].startswith("OS monotonic"), r
        report = json.loads(kb("doctor", "--json").stdout)
        entries = {f["entry"] for f in report["findings"] if f["container"] == name}
        assert "emqx-monotonic-time-stepped-backwards" in entries, report["findings"]
        # --lang zh: the finding names the entry by its Chinese title (QA: titles stayed English)
        report = json.loads(kb("--lang", "zh", "doctor", "--json").stdout)
        summaries = [f["summary"] for f in report["findings"] if f["container"] == name]
        assert any("EMQX 容器启动十分钟左右自动退出" in s for s in summaries), summaries
    finally:
        inc.docker("rm", "-f", name, check=False)

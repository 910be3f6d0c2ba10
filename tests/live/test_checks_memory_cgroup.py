"""A Docker daemon that cannot limit memory, for real: a dockerd started without the memory cgroup
(scripts/provision.d/nomem-docker.sh), as on a Raspberry Pi booted without cgroup_enable=memory.
Its `docker info` says "No memory limit support" and it discards `docker run -m`; the checks of
docker-memory-limit-not-supported must say so, and pass on the shared daemon, which can."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_entry, spec

from kb.checks.runner import run_check

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
SOCK = "unix:///var/run/kbtui-nomem-docker.sock"
NAME = "kbtui-nomem-limited"
ENTRY = "docker-memory-limit-not-supported"


def check(kind: str, params: dict):
    s = spec(kind, params)
    return run_check(make_entry(s), s)


def kb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kb.cli.main", *args], capture_output=True, timeout=120, cwd=ROOT
    )


@pytest.fixture(scope="module")
def nomem(docker_engine: str) -> Iterator[str]:
    subprocess.run(
        ["bash", str(ROOT / "scripts/provision.d/nomem-docker.sh")],
        check=True,
        timeout=300,
        capture_output=True,
    )
    subprocess.run(["docker", "-H", SOCK, "rm", "-f", NAME], capture_output=True, timeout=60)
    run = subprocess.run(
        ["docker", "-H", SOCK, "run", "-d", "--name", NAME, "-m", "64m"]
        + ["kbtui-test/busybox:latest", "sleep", "600"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    # the daemon accepted the limit with a warning and dropped it
    assert "Limitation discarded" in run.stderr, run.stderr
    yield SOCK
    subprocess.run(["docker", "-H", SOCK, "rm", "-f", NAME], capture_output=True, timeout=60)


def test_docker_info_names_the_missing_memory_cgroup(nomem: str) -> None:
    r = check("docker.info", {"host": nomem, "field": "MemoryLimit", "equals": True})
    assert r.status == "fail" and "MemoryLimit is not True" in r.summary, r.summary
    assert "MemoryLimit: False" in r.evidence
    assert "daemon warning: WARNING: No memory limit support" in r.evidence, r.evidence
    # the shared daemon of the same machine has the memory cgroup
    r = check("docker.info", {"field": "MemoryLimit", "equals": True})
    assert r.status == "pass", (r.summary, r.evidence)
    r = check("docker.info", {"host": nomem, "field": "NoSuchField", "present": True})
    assert r.status == "fail" and "NoSuchField: (absent)" in r.evidence


def test_the_entry_walks_to_the_kernel_on_that_daemon_and_passes_on_the_shared_one(
    nomem: str,
) -> None:
    p = kb("check", ENTRY, "--set", f"host={nomem}", "--set", f"container={NAME}", "--json")
    assert p.returncode == 1, p.stderr
    got = {r["check"]: r["status"] for r in json.loads(p.stdout)["results"]}
    assert got == {"daemon-memory": "fail", "daemon-swap": "warn", "mem-limit": "fail"}, got
    # what `docker info` printed on that daemon, pasted into kb diagnose, names the entry
    info = subprocess.run(["docker", "-H", nomem, "info"], capture_output=True, timeout=60)
    p = subprocess.run(
        [sys.executable, "-m", "kb.cli.main", "diagnose", "-", "--json"],
        input=info.stdout + info.stderr,
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    assert p.returncode == 0 and [m["id"] for m in json.loads(p.stdout)] == [ENTRY], p.stdout
    p = kb("check", f"{ENTRY}#daemon-memory", "--json")
    assert p.returncode == 0, p.stdout[-400:]


def test_doctor_says_once_that_the_host_cannot_limit_memory(nomem: str) -> None:
    p = kb("doctor", "--host", nomem, "--json")
    report = json.loads(p.stdout)
    host = [f for f in report["findings"] if f["kind"] == "host"]
    assert [(f["entry"], f["status"]) for f in host] == [(ENTRY, "warn")], report["findings"]
    assert "WARNING: No memory limit support" in host[0]["evidence"]
    assert all(h["ok"] for h in report["hosts"]), report["hosts"]
    # the shared daemon can: no such finding there
    p = kb("doctor", "--json")
    shared = json.loads(p.stdout)
    assert not [f for f in shared["findings"] if f["entry"] == ENTRY], shared["findings"]

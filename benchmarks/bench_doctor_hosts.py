"""Benchmark `kb doctor` across many remote Docker hosts: 10 ssh hosts × 20 containers (aim ≤ 10 s).

Uses what scripts/provision.d/remote-docker.sh provisions (root): a stock OpenSSH sshd on
127.0.0.1 with ten ports (22101-22110, one per "host": ten separate logins, as ten machines would
need) and a private dockerd. It creates 20 containers on that daemon (crashes, a real Mosquitto
error line, clean exits, running ones), then times, in-process and cold (a fresh client and ssh
connection per run):

- the same daemon scanned through its unix socket (the local baseline);
- one ssh:// host, and one tcp+TLS host;
- ten ssh:// hosts at once (each its own login, each forwarding the same daemon's socket).

    .venv/bin/python benchmarks/bench_doctor_hosts.py [--runs 3] [--keep]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PREFIX = "kbtui-bench-hosts-"
IMAGE = "kbtui-test/busybox:latest"
CONTAINERS = 20


def remote_env() -> dict[str, str]:
    subprocess.run(
        ["bash", str(ROOT / "scripts/provision.d/remote-docker.sh")],
        check=True,
        capture_output=True,
    )
    out: dict[str, str] = {}
    for line in Path("/var/lib/kbtui-remote/env.sh").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key] = value.strip('"')
    return out


def docker(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        ["docker", "-H", env["KBTUI_TLS_SOCKET"], *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()


def create(env: dict[str, str]) -> None:
    remove(env)
    kinds = [
        ["sh", "-c", "echo 'worker crashed'; exit 1"],
        ["sh", "-c", "echo '1796195309: Error: Address already in use'; exit 1"],
        ["sh", "-c", "echo finished; exit 0"],
        ["sh", "-c", "echo up; exec sleep 3600"],
    ]
    for i in range(CONTAINERS):
        cmd = kinds[i % len(kinds)]
        docker(env, "run", "-d", "--name", f"{PREFIX}{i:02d}", "--network", "none", IMAGE, *cmd)
    time.sleep(1)


def remove(env: dict[str, str]) -> None:
    names = docker(env, "ps", "-aq", "--filter", f"name=^{PREFIX}").split()
    if names:
        docker(env, "rm", "-f", *names)


def scan(hosts: list[str]) -> tuple[float, Any]:
    from kb.checks import dockerclient
    from kb.checks.doctor import run_doctor
    from kb.loader import load_kb

    kbase = load_kb()
    dockerclient.close_all()  # cold: new clients, new ssh logins
    start = time.monotonic()
    report = run_doctor(kbase, hosts=hosts)
    elapsed = time.monotonic() - start
    dockerclient.close_all()
    return elapsed, report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="leave the containers in place")
    args = ap.parse_args()
    env = remote_env()
    os.environ["KBTUI_SSH_CONFIG"] = env["KBTUI_SSH_CONFIG"]
    sock = env["KBTUI_TLS_SOCKET"][len("unix://") :]
    create(env)
    try:
        total = len(docker(env, "ps", "-aq").split())
        cases = {
            "local unix socket, 1 host": [env["KBTUI_TLS_SOCKET"]],
            "ssh://, 1 host": [f"ssh://root@127.0.0.1:{env['KBTUI_SSH_PORT']}{sock}"],
            "tcp+TLS, 1 host": [env["KBTUI_TLS_HOST"]],
            "ssh://, 10 hosts at once": [
                f"ssh://root@127.0.0.1:{p}{sock}" for p in env["KBTUI_SSH_BENCH_PORTS"].split()
            ],
        }
        os.environ["DOCKER_TLS_VERIFY"] = "1"
        os.environ["DOCKER_CERT_PATH"] = env["KBTUI_TLS_CERT_PATH"]
        print(f"daemon: {total} containers ({CONTAINERS} made by this benchmark)")
        worst_many = 0.0
        for name, hosts in cases.items():
            times = []
            for _ in range(args.runs):
                elapsed, report = scan(hosts)
                times.append(elapsed)
                bad = [h for h in report.hosts if not h.ok]
                if bad:
                    print(f"  {name}: host not ok: {bad[0].host}: {bad[0].error}")
                    return 1
            scanned = sum(h.containers for h in report.hosts)
            print(
                f"{name:28s} {scanned:4d} containers  median {statistics.median(times):.2f} s"
                f"  (min {min(times):.2f}, max {max(times):.2f}, {len(report.findings)} findings)"
            )
            if len(hosts) > 1:
                worst_many = max(times)
        verdict = "OK" if worst_many <= 10 else "TOO SLOW"
        print(
            f"10 ssh hosts x {total} containers: worst {worst_many:.2f} s (aim <= 10 s): {verdict}"
        )
        return 0 if worst_many <= 10 else 1
    finally:
        if not args.keep:
            remove(env)


if __name__ == "__main__":
    raise SystemExit(main())

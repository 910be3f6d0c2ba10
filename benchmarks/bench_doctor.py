"""Benchmark `kb doctor` on a Docker host with 50 containers (aim: under 5 s).

Creates 50 `kbtui-bench-*` containers from the provisioned busybox image (a mix of running, exited,
and log-heavy ones, each logging 500 lines), runs `kb doctor --json` (as a user would, a fresh
process) a few times and reports the wall time. Removes only its own containers. Needs root/Docker
(scripts/provision.d/docker.sh).

    .venv/bin/python benchmarks/bench_doctor.py [--containers 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

PREFIX = "kbtui-bench-"
IMAGE = "kbtui-test/busybox:latest"


def docker(*args: str, check: bool = True) -> str:
    p = subprocess.run(["docker", *args], capture_output=True, text=True)
    if check and p.returncode:
        raise SystemExit(f"docker {' '.join(args[:3])}…: {p.stderr.strip()}")
    return p.stdout.strip()


def cleanup() -> None:
    names = [
        n
        for n in docker("ps", "-a", "--filter", f"name=^{PREFIX}", "--format", "{{.Names}}").split()
        if n.startswith(PREFIX)
    ]
    if names:
        docker("rm", "-f", *names, check=False)


def start(i: int) -> None:
    lines = 'i=0; while [ $i -lt 500 ]; do echo "$i INFO request handled in 3 ms client=c$i"; i=$((i+1)); done'
    if i % 5 == 0:  # some exited containers, one in ten with an error exit
        cmd = f"{lines}; exit {1 if i % 10 == 0 else 0}"
    else:
        cmd = f"{lines}; exec sleep 3600"
    docker("run", "-d", "--name", f"{PREFIX}{i:02d}", "--network", "none", IMAGE, "sh", "-c", cmd)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--containers", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    cleanup()
    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(start, range(args.containers)))
        time.sleep(2)  # let the log loops finish
        total = len(docker("ps", "-aq").split())
        times = []
        findings = 0
        for _ in range(args.runs):
            t = time.perf_counter()
            p = subprocess.run(
                [sys.executable, "-m", "kb.cli.main", "doctor", "--json"],
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - t)
            if p.returncode not in (0, 1):
                raise SystemExit(f"kb doctor failed ({p.returncode}): {p.stderr[-300:]}")
            report = json.loads(p.stdout)
            findings = len(report["findings"])
            scanned = sum(h["containers"] for h in report["hosts"])
        print(
            f"kb doctor: {scanned} containers on the host ({args.containers} bench, {total} total), "
            f"{findings} findings"
        )
        print(
            f"wall time per run (fresh process): min {min(times):.2f} s, median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s  (aim < 5 s)"
        )
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

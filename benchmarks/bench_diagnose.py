"""Benchmark `kb diagnose`: throughput on a 100 MB log (aim ≥ 100 MB/s) and one 4 MB line (aim < 1 s).

Writes a synthetic log (realistic broker lines, a few incident lines scattered in), then runs
`kb diagnose FILE --json` in a fresh process against the bundled KB's signatures, and reports MB/s
and the peak RSS (bounded memory: it must not grow with the file). Then scans single lines of
4 MB (a container that prints one enormous line, or `print('clientid: CENSYS '*250000)`), in-process and in a
fresh `kb diagnose -`: the time must stay linear in the line length.

    .venv/bin/python benchmarks/bench_diagnose.py [--mb 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

LINES = [
    "2024-09-18T08:{m:02d}:{s:02d}.123456+00:00 [info] msg: client_connected, clientid: dev-{n}, peername: 10.1.{a}.{b}:5{n}",
    "2024-09-18T08:{m:02d}:{s:02d}.223456+00:00 [debug] mqtt_packet_received: PUBLISH(Q1, R0, D0, Topic=sensors/{n}/temp, PacketId={n})",
    "2024-09-18T08:{m:02d}:{s:02d}.323456+00:00 [warning] msg: session_takeover, clientid: dev-{n}, reason: discarded",
    '{a}.{b}.1.2 - - [18/Sep/2024:08:{m:02d}:{s:02d} +0000] "GET /api/v5/clients?page={n} HTTP/1.1" 200 5123',
    "2024-09-18 08:{m:02d}:{s:02d}.000 [info] <0.{n}.0> accepting AMQP connection <0.{n}.0> (10.0.{a}.{b}:4{n} -> 10.0.0.5:5672)",
]
INCIDENTS = [
    "2024-09-18T08:10:02 [error] OS monotonic time stepped backwards! Maybe add '+c false' in vm.args",
    "WARNING: Default (insecure) Erlang cookie is in use.",
    "Server failed to start in 240 seconds!",
]


def write_log(path: str, mb: int) -> int:
    rnd = random.Random(1)
    target = mb * 1_000_000
    size = 0
    with open(path, "w") as fh:
        while size < target:
            block = []
            for _ in range(5000):
                t = rnd.choice(LINES)
                block.append(
                    t.format(
                        m=rnd.randrange(60),
                        s=rnd.randrange(60),
                        n=rnd.randrange(100000),
                        a=rnd.randrange(256),
                        b=rnd.randrange(256),
                    )
                )
            if rnd.random() < 0.02:
                block.append(rnd.choice(INCIDENTS))
            text = "\n".join(block) + "\n"
            fh.write(text)
            size += len(text)
    return size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    fd, path = tempfile.mkstemp(prefix="kbtui-bench-", suffix=".log")
    os.close(fd)
    try:
        size = write_log(path, args.mb)
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            p = subprocess.run(
                [sys.executable, "-m", "kb.cli.main", "diagnose", path, "--json"],
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - t)
            if p.returncode not in (0, 1):
                raise SystemExit(f"kb diagnose failed: {p.stderr[-300:]}")
            found = [d["id"] for d in json.loads(p.stdout)]
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        best = min(times)
        print(f"kb diagnose: {size / 1e6:.0f} MB log, entries found: {', '.join(found)}")
        print(
            f"wall time (fresh process): min {best:.2f} s, median {statistics.median(times):.2f} s "
            f"→ {size / 1e6 / best:.0f} MB/s best, {size / 1e6 / statistics.median(times):.0f} MB/s median "
            f"(aim ≥ 100 MB/s); peak RSS {peak:.0f} MB"
        )
    finally:
        os.unlink(path)
    long_lines()
    return 0


def long_lines() -> None:
    from kb.checks.diagnose import diagnose
    from kb.loader import load_kb
    from kb.signatures import SignatureSet

    kbase = load_kb()
    sigs = SignatureSet.from_entries(kbase.entries.values())
    for label, text in (
        ("4.25 MB line, a signature hit every 17 bytes", "clientid: CENSYS " * 250_000),
        ("4 MB line, no hit", "x" * 4_000_000),
        ("8.5 MB line, a hit every 17 bytes", "clientid: CENSYS " * 500_000),
    ):
        t = time.perf_counter()
        found = diagnose(kbase, text, sigs=sigs)
        took = time.perf_counter() - t
        print(f"{label}: {took:.3f} s in-process (aim < 1 s), {len(found)} entries")
    t = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "kb.cli.main", "diagnose", "-", "--json"],
        input="clientid: CENSYS " * 250_000,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise SystemExit(f"kb diagnose failed: {p.stderr[-300:]}")
    print(f"kb diagnose - (fresh process, 4.25 MB single line): {took:.2f} s wall")


if __name__ == "__main__":
    sys.exit(main())

"""`host.oom`: no kernel OOM kill since a given time; evidence lists the kills and top oom_score.

Reads the kernel log from /dev/kmsg (non-blocking, bounded) and /proc/*/oom_score.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

from kb.checks.base import (
    FAIL,
    MAX_EVIDENCE_LINES,
    PASS,
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.kinds._common import TIMEOUT, duration, parse_duration, shown

PARAMS = (
    TIMEOUT,
    Param("since", str, default="24h", help="look back this far: 90s, 15m, 2h, 1d", check=duration),
)

KILLED = re.compile(
    r"(Out of memory|Memory cgroup out of memory): Killed process (\d+) \(([^)]*)\)(.*)"
)
MAX_KMSG_BYTES = 64 << 20


def _kmsg_kills(ctx: Any, since_s: float) -> list[dict[str, Any]]:
    # kmsg timestamps are microseconds on the kernel's monotonic clock (CLOCK_MONOTONIC)
    cutoff_us = (time.clock_gettime(time.CLOCK_MONOTONIC) - since_s) * 1e6
    boot_wall = time.time() - time.clock_gettime(time.CLOCK_MONOTONIC)
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    kills = []
    read = 0
    try:
        while read < MAX_KMSG_BYTES:
            try:
                rec = os.read(fd, 8192)
            except BlockingIOError:
                break
            except OSError as exc:  # EPIPE: a record was overwritten while reading; keep going
                if exc.errno == 32:
                    continue
                raise
            if not rec:
                break
            read += len(rec)
            head, _, msg = rec.decode("utf-8", "replace").partition(";")
            fields = head.split(",")
            if len(fields) < 3:
                continue
            ts = int(fields[2])
            if ts < cutoff_us:
                continue
            m = KILLED.search(msg)
            if m:
                ctx.check()
                when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(boot_wall + ts / 1e6))
                kills.append(
                    {
                        "time": when,
                        "pid": m.group(2),
                        "comm": m.group(3),
                        "cgroup": m.group(1).startswith("Memory cgroup"),
                        "detail": m.group(4).strip()[:120],
                    }
                )
    finally:
        os.close(fd)
    return kills


def _top_scores(limit: int = 5) -> list[tuple[int, str, str]]:
    scores = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/oom_score") as fh:
                score = int(fh.read())
            with open(f"/proc/{pid}/comm") as fh:
                comm = fh.read().strip()
        except (OSError, ValueError):
            continue
        scores.append((score, pid, comm))
    scores.sort(reverse=True)
    return scores[:limit]


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    since_s = parse_duration(params.get("since", "24h"))
    try:
        kills = _kmsg_kills(ctx, since_s)
    except PermissionError as exc:
        raise PermissionError(
            "cannot read the kernel log (/dev/kmsg): run as root or allow dmesg"
        ) from exc
    return {"kills": kills, "top": _top_scores()}


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    since = params.get("since", "24h")
    top = [f"oom_score {s} pid {pid} {comm}" for s, pid, comm in data["top"]]
    if data["kills"]:
        kills = [
            f"{k['time']} killed {k['pid']} ({k['comm']}){' in a memory cgroup' if k['cgroup'] else ''} {k['detail']}"
            for k in data["kills"]
        ]
        ev = tuple(kills[-(MAX_EVIDENCE_LINES - len(top)) :] + top)
        return Verdict(
            FAIL,
            f"{len(kills)} kernel OOM kill(s) in the last {since}; last: {data['kills'][-1]['comm']}",
            ev,
            advice="check memory limits (-m) and the processes with the highest oom_score",
        )
    return Verdict(PASS, f"no kernel OOM kill in the last {since}", tuple(top))


def describe(params: Params, lang: str) -> Description:
    since = shown(params, "since", "24h")
    if lang == "zh":
        return Description(f"本机内核最近 {since} 的 OOM 记录", "没有进程被内核 OOM 杀死")
    return Description(
        f"the kernel's OOM kills on this host in the past {since}",
        "no process was killed by the kernel's OOM killer",
    )


KINDS = [
    CheckKind(
        "host.oom",
        "no kernel OOM kill since a given time",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

"""`host.oom`: no kernel OOM kill since a given time; evidence lists the kills and top oom_score.

Reads the kernel log from /dev/kmsg (non-blocking, bounded) and /proc/*/oom_score.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

from kb.checks.base import (
    FAIL,
    MAX_EVIDENCE_LINES,
    PASS,
    WARN,
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.container import utc_stamp
from kb.checks.kinds._common import TIMEOUT, duration, parse_duration, shown

PARAMS = (
    TIMEOUT,
    Param("since", str, default="24h", help="look back this far: 90s, 15m, 2h, 1d", check=duration),
)

KILLED = re.compile(
    r"(Out of memory|Memory cgroup out of memory): Killed process (\d+) \(([^)]*)\)(.*)"
)
MAX_KMSG_BYTES = 64 << 20


def _records(fd: int) -> Iterator[bytes]:
    """The kernel log's records still in its ring buffer, oldest first (non-blocking, bounded)."""
    read = 0
    while read < MAX_KMSG_BYTES:
        try:
            rec = os.read(fd, 8192)
        except BlockingIOError:
            return
        except OSError as exc:  # EPIPE: a record was overwritten while reading; keep going
            if exc.errno == 32:
                continue
            raise
        if not rec:
            return
        read += len(rec)
        yield rec


def _header(rec: bytes) -> tuple[int, int, str] | None:
    """A /dev/kmsg record ("prio,seq,usec,flags;message") as (seq, usec, message)."""
    head, _, msg = rec.decode("utf-8", "replace").partition(";")
    fields = head.split(",")
    if len(fields) < 3 or not fields[1].isdigit() or not fields[2].isdigit():
        return None
    return int(fields[1]), int(fields[2]), msg


@contextlib.contextmanager
def _kmsg() -> Iterator[Iterator[bytes]]:
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    try:
        yield _records(fd)
    finally:
        os.close(fd)


def scan_kmsg(
    ctx: Any, records: Iterable[bytes], cutoff_us: float, boot_wall: float
) -> dict[str, Any]:
    """The OOM kills after `cutoff_us` (kernel monotonic microseconds) among /dev/kmsg records,
    and where the buffer starts: the first record's sequence number is above 0 when older
    records have been overwritten."""
    kills = []
    first: tuple[int, int] | None = None  # (seq, usec) of the oldest record still held
    for rec in records:
        parsed = _header(rec)
        if parsed is None:
            continue
        seq, ts, msg = parsed
        if first is None:
            first = (seq, ts)
        if ts < cutoff_us:
            continue
        m = KILLED.search(msg)
        if m:
            ctx.check()
            kills.append(
                {
                    "time": utc_stamp(boot_wall + ts / 1e6),
                    "pid": m.group(2),
                    "comm": m.group(3),
                    "cgroup": m.group(1).startswith("Memory cgroup"),
                    "detail": m.group(4).strip()[:120],
                }
            )
    # the buffer no longer reaches the cutoff: records were overwritten and the oldest left is
    # younger than the window's start
    lost = first is not None and first[0] > 0 and first[1] > cutoff_us
    oldest = utc_stamp(boot_wall + first[1] / 1e6) if lost and first is not None else None
    return {"kills": kills, "truncated": lost, "oldest": oldest}


# the kernel's summary line of a memory-cgroup OOM kill names the cgroup, and Docker's cgroup paths
# end in the container's id (/docker/<id>, /system.slice/docker-<id>.scope)
MEMCG_KILL = re.compile(r"oom-kill:.*?\btask_memcg=\S*?([0-9a-f]{64})")


def memcg_kills(records: Iterable[bytes], boot_wall: float) -> dict[str, list[float]]:
    """Container id -> wall-clock times of the kernel's OOM kills in its memory cgroup."""
    out: dict[str, list[float]] = {}
    for rec in records:
        parsed = _header(rec)
        m = MEMCG_KILL.search(parsed[2]) if parsed else None
        if parsed and m:
            out.setdefault(m.group(1), []).append(boot_wall + parsed[1] / 1e6)
    return out


def container_oom_kills() -> dict[str, list[float]]:
    """The kernel log's OOM kills per container id on this machine ({} when it cannot be read)."""
    boot_wall = time.time() - time.clock_gettime(time.CLOCK_MONOTONIC)
    try:
        with _kmsg() as records:
            return memcg_kills(records, boot_wall)
    except OSError:
        return {}


def docker_host_oom_kills(
    client: Any, info: dict[str, Any] | None = None
) -> dict[str, list[float]]:
    """`container_oom_kills` for the Docker host `client` talks to: {} unless that host is this
    machine (a remote daemon's containers are not in this kernel's log). The daemon keeps only its
    last 256 events and misses some kills (a wrapper that lost its child keeps OOMKilled false);
    the kernel names the container's memory cgroup for as long as its ring buffer holds the line."""
    from kb.checks.dockerclient import not_this_kernel

    if not_this_kernel(client, info) is not None:
        return {}
    return container_oom_kills()


def _kmsg_kills(ctx: Any, since_s: float) -> dict[str, Any]:
    # kmsg timestamps are microseconds on the kernel's monotonic clock (CLOCK_MONOTONIC)
    uptime = time.clock_gettime(time.CLOCK_MONOTONIC)
    boot_wall = time.time() - uptime
    with _kmsg() as records:
        out = scan_kmsg(ctx, records, (uptime - since_s) * 1e6, boot_wall)
    if since_s > uptime:
        out["booted"] = utc_stamp(boot_wall)
    return out


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
        found = _kmsg_kills(ctx, since_s)
    except PermissionError as exc:
        raise PermissionError(
            "cannot read the kernel log (/dev/kmsg): run as root or allow dmesg"
        ) from exc
    return {**found, "top": _top_scores()}


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
            summary_zh=f"最近 {since} 内，内核发生了 {len(kills)} 次 OOM kill；最后一次："
            f"{data['kills'][-1]['comm']}",
            advice_zh="检查内存限制（-m）和 oom_score 最高的进程",
        )
    if data.get("truncated"):
        return Verdict(
            WARN,
            f"no kernel OOM kill since {data['oldest']}, but the last {since} could not be seen "
            "in full",
            (
                f"the kernel's ring buffer has overwritten its older messages; the oldest left is "
                f"from {data['oldest']}",
                *top,
            ),
            advice="Look for older kills in the persistent journal (journalctl -k) or syslog.",
            summary_zh=f"自 {data['oldest']} 以来内核没有 OOM kill，但最近 {since} 的记录"
            "无法全部看到",
            advice_zh="到持久化的 journal（journalctl -k）或 syslog 里查找更早的 OOM kill。",
        )
    if data.get("booted"):
        return Verdict(
            PASS,
            f"no kernel OOM kill since the host booted at {data['booted']}",
            (
                f"the host booted at {data['booted']}, less than {since} ago; the kernel log "
                "starts there",
                *top,
            ),
            summary_zh=f"自主机在 {data['booted']} 启动以来，内核没有 OOM kill",
        )
    return Verdict(
        PASS,
        f"no kernel OOM kill in the last {since}",
        tuple(top),
        summary_zh=f"最近 {since} 内，内核没有 OOM kill",
    )


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

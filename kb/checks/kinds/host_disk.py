"""`host.disk`: free space on the filesystem that holds a path on this host (os.statvfs).

The cause behind "no space left on device" from Docker and RabbitMQ's disk alarm is a full
filesystem; this kind observes it directly. It reads one statvfs record and nothing else.
"""

from __future__ import annotations

import os
from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import TIMEOUT, in_range, joined, shown

PARAMS = (
    TIMEOUT,
    Param("path", str, default="/var/lib/docker", help="a path on the filesystem to measure"),
    Param(
        "min_free_pct",
        float,
        default=10.0,
        help="healthy when at least this % is free",
        check=in_range(0, 100, "a percentage"),
    ),
    Param(
        "min_free_gb",
        float,
        help="and at least this many GiB are free (optional)",
        check=in_range(0, 1e9),
    ),
    Param(
        "min_free_inodes_pct",
        float,
        default=5.0,
        help="healthy when at least this % of inodes are free",
    ),
)

GIB = 1 << 30


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    path = params.get("path", "/var/lib/docker")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} does not exist on this host (set path=...)")
    st = os.statvfs(path)
    return {
        "path": path,
        "total": st.f_blocks * st.f_frsize,
        "free": st.f_bavail * st.f_frsize,
        "inodes": st.f_files,
        "inodes_free": st.f_favail,
    }


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 100.0


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    min_pct = float(params.get("min_free_pct", 10.0))
    min_gb = params.get("min_free_gb")
    min_ipct = float(params.get("min_free_inodes_pct", 5.0))
    free_pct = _pct(data["free"], data["total"])
    ifree_pct = _pct(data["inodes_free"], data["inodes"])
    ev = (
        f"{data['path']}: {data['free'] / GIB:.1f} GiB free of {data['total'] / GIB:.1f} GiB ({free_pct:.1f}%)",
        f"inodes: {data['inodes_free']} free of {data['inodes']} ({ifree_pct:.1f}%)"
        if data["inodes"]
        else "inodes: not reported by this filesystem",
    )
    problems: list[tuple[str, str]] = []
    if free_pct < min_pct:
        problems.append(
            (f"{free_pct:.1f}% free (< {min_pct:g}%)", f"剩余 {free_pct:.1f}%（< {min_pct:g}%）")
        )
    if min_gb is not None and data["free"] / GIB < float(min_gb):
        gb = f"{data['free'] / GIB:.1f} GiB"
        problems.append(
            (f"{gb} free (< {float(min_gb):g} GiB)", f"剩余 {gb}（< {float(min_gb):g} GiB）")
        )
    if data["inodes"] and ifree_pct < min_ipct:
        problems.append(
            (
                f"{ifree_pct:.1f}% inodes free (< {min_ipct:g}%)",
                f"inode 剩余 {ifree_pct:.1f}%（< {min_ipct:g}%）",
            )
        )
    if problems:
        en, zh = joined(problems, ", ", "，")
        return Verdict(
            FAIL,
            f"the filesystem holding {data['path']} is nearly full: {en}",
            ev,
            advice="find what fills it: du -xsh under that path, docker system df",
            settable=("path",),
            summary_zh=f"{data['path']} 所在的文件系统快满了：{zh}",
            advice_zh="找出是什么占满了它：在该路径下运行 du -xsh，以及 docker system df",
        )
    return Verdict(
        PASS,
        f"{free_pct:.1f}% free on the filesystem holding {data['path']}",
        ev,
        summary_zh=f"{data['path']} 所在的文件系统剩余 {free_pct:.1f}%",
    )


def describe(params: Params, lang: str) -> Description:
    path = shown(params, "path", "/var/lib/docker")
    pct = shown(params, "min_free_pct", 10.0)
    if lang == "zh":
        return Description(
            f"本机存放 {path} 的文件系统的剩余空间", f"至少 {pct}% 的空间和足够的 inode 是空闲的"
        )
    return Description(
        f"free space on the filesystem that holds {path} on this host",
        f"at least {pct}% of its space, and enough inodes, are free",
    )


KINDS = [
    CheckKind(
        "host.disk",
        "enough free space on the filesystem holding a path",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

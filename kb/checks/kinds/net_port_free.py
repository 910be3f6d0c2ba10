"""`net.port_free`: a port is free (or bound) on this host; evidence names the process holding it.

The eaddrinuse story: a broker cannot start because something else already listens on its port.
"""

from __future__ import annotations

import errno
import os
import socket
from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import TIMEOUT, ip_literal, port_number, shown

PARAMS = (
    TIMEOUT,
    Param("port", int, required=True, help="TCP port", check=port_number),
    Param("bind", str, default="0.0.0.0", help="address to try binding", check=ip_literal),
    Param("expect", str, default="free", choices=("free", "bound")),
)


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as fh:
                next(fh, None)
                for line in fh:
                    cols = line.split()
                    if (
                        len(cols) > 9
                        and cols[3] == "0A"
                        and int(cols[1].rsplit(":", 1)[1], 16) == port
                    ):
                        inodes.add(cols[9])
        except OSError:
            continue
    return inodes


def holders(port: int, ctx: Any = None, limit: int = 5) -> list[str]:
    """`pid command` of processes listening on `port` (best effort; needs permission to read fds)."""
    inodes = _listening_inodes(port)
    if not inodes:
        return []
    wanted = {f"socket:[{i}]" for i in inodes}
    found: list[str] = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        if ctx is not None:
            ctx.check()
        fd_dir = f"/proc/{pid}/fd"
        try:
            for fd in os.listdir(fd_dir):
                try:
                    if os.readlink(f"{fd_dir}/{fd}") in wanted:
                        with open(f"/proc/{pid}/cmdline", "rb") as fh:
                            cmd = fh.read(200).replace(b"\0", b" ").decode(errors="replace").strip()
                        found.append(f"{pid} {cmd}")
                        break
                except OSError:
                    continue
        except OSError:
            continue
        if len(found) >= limit:
            break
    return found


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    port, addr = int(params["port"]), params.get("bind", "0.0.0.0")
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # servers set SO_REUSEADDR, so TIME_WAIT leftovers do not count as "in use"
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((addr, port))
        free, reason = True, ""
    except OSError as exc:
        if exc.errno == errno.EACCES:
            raise PermissionError(
                f"not allowed to bind {addr}:{port}; run as root to test ports below 1024"
            ) from exc
        free = False
        reason = f"{exc.strerror} ({errno.errorcode.get(exc.errno or 0, '?')})"
    finally:
        sock.close()
    return {"free": free, "reason": reason, "holders": [] if free else holders(port, ctx)}


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    where = f"{params.get('bind', '0.0.0.0')}:{params['port']}"
    ev = tuple([data["reason"]] if data["reason"] else []) + tuple(
        f"held by {h}" for h in data["holders"]
    )
    want_free = params.get("expect", "free") == "free"
    if data["free"]:
        return Verdict(
            PASS if want_free else FAIL, f"{where} is free", ev, summary_zh=f"{where} 空闲"
        )
    held = f" (held by {data['holders'][0]})" if data["holders"] else ""
    held_zh = f"（占用者：{data['holders'][0]}）" if data["holders"] else ""
    return Verdict(
        FAIL if want_free else PASS,
        f"{where} is in use{held}",
        ev,
        summary_zh=f"{where} 已被占用{held_zh}",
    )


def describe(params: Params, lang: str) -> Description:
    port, bind = shown(params, "port", ""), shown(params, "bind", "0.0.0.0")
    free = params.get("expect", "free") == "free"
    if lang == "zh":
        return Description(
            f"本机 {bind} 上的端口 {port}",
            "端口空闲" if free else "端口已被监听（并显示占用它的进程）",
        )
    return Description(
        f"port {port} on {bind} on this host",
        "the port is free"
        if free
        else "the port is bound (the process holding it is shown when known)",
    )


KINDS = [
    CheckKind(
        "net.port_free",
        "a port is free (or bound) on this host",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

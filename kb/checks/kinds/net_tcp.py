"""`net.tcp`: a TCP connection to host:port opens; evidence is the connect latency."""

from __future__ import annotations

import errno
import socket
import time
from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import TIMEOUT, bare_host, host_name, host_port, port_number, shown

PARAMS = (
    TIMEOUT,
    Param("host", str, default="127.0.0.1", help="host name or address", check=host_name),
    Param("port", int, required=True, help="TCP port", check=port_number),
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    host, port = bare_host(params.get("host", "127.0.0.1")), int(params["port"])
    start = time.monotonic()
    # leave the runner a little time to report, so a black hole ends as a clear `fail`
    budget = max(0.05, ctx.remaining() - 0.2)
    try:
        sock = socket.create_connection((host, port), timeout=budget)
    except TimeoutError:
        return {"ok": False, "reason": f"no answer within {budget:.1f} s (filtered or black-holed)"}
    except OSError as exc:
        reason = errno.errorcode.get(exc.errno or 0, "") or type(exc).__name__
        return {"ok": False, "reason": f"{exc.strerror or exc} ({reason})"}
    latency = time.monotonic() - start
    sock.close()
    return {"ok": True, "latency_ms": round(latency * 1000, 1)}


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    where = host_port(params.get("host", "127.0.0.1"), params["port"])
    if data["ok"]:
        return Verdict(
            PASS,
            f"TCP {where} opens in {data['latency_ms']} ms",
            (f"latency: {data['latency_ms']} ms",),
            summary_zh=f"TCP {where} 可以连通，用时 {data['latency_ms']} ms",
        )
    return Verdict(
        FAIL,
        f"TCP {where} does not open: {data['reason']}",
        (data["reason"],),
        summary_zh=f"TCP {where} 无法连通：{data['reason']}",
    )


def describe(params: Params, lang: str) -> Description:
    host, port = shown(params, "host", "127.0.0.1"), shown(params, "port", "")
    if lang == "zh":
        return Description(f"到 {host}:{port} 的 TCP 连接", "连接可以建立（并记录延迟）")
    return Description(
        f"a TCP connection to {host}:{port}", "the connection opens (the latency is reported)"
    )


KINDS = [
    CheckKind("net.tcp", "a TCP port is reachable", PARAMS, probe, evaluate, describe=describe)
]

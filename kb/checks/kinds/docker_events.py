"""`docker.events`: no die/oom/kill (or other) events for a container since a given time."""

from __future__ import annotations

import datetime as dt
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
from kb.checks.kinds._common import DOCKER_COMMON, duration, on_docker_host, parse_duration, shown

PARAMS = (
    *DOCKER_COMMON,
    Param("container", str, help="container name or id (default: all containers)"),
    Param("events", list, default=["die", "oom", "kill"], help="event actions to look for"),
    Param("since", str, default="1h", help="look back this far: 90s, 15m, 2h, 1d", check=duration),
)


def probe(ctx: ProbeContext, params: Params) -> list[dict[str, Any]]:
    since = time.time() - parse_duration(params.get("since", "1h"))
    filters: dict[str, Any] = {
        "type": ["container"],
        "event": [str(e) for e in params.get("events", ["die", "oom", "kill"])],
    }
    client = ctx.docker(params.get("host"))
    if params.get("container"):
        # by id when the container exists: a removed namesake's events are not this container's
        info = client.inspect_container(params["container"])
        filters["container"] = [info["Id"] if info else params["container"]]
    out = []
    for ev in client.events(since=since, until=time.time(), filters=filters):
        attrs = (ev.get("Actor") or {}).get("Attributes") or {}
        out.append(
            {
                "time": ev.get("time"),
                "action": ev.get("Action") or ev.get("status"),
                "container": attrs.get("name") or (ev.get("id") or "")[:12],
                "exit_code": attrs.get("exitCode"),
            }
        )
        ctx.check()
    return out


def _fmt(e: dict[str, Any]) -> str:
    when = dt.datetime.fromtimestamp(e["time"] or 0, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    code = f" exit code {e['exit_code']}" if e.get("exit_code") not in (None, "") else ""
    return f"{when} {e['container']} {e['action']}{code}"


def evaluate(params: Params, data: list[dict[str, Any]]) -> Verdict:
    who = params.get("container") or "any container"
    since = params.get("since", "1h")
    kinds = ", ".join(str(e) for e in params.get("events", ["die", "oom", "kill"]))
    if data:
        ev = tuple(_fmt(e) for e in data[-MAX_EVIDENCE_LINES:])
        return Verdict(FAIL, f"{len(data)} {kinds} event(s) for {who} in the last {since}", ev)
    return Verdict(PASS, f"no {kinds} events for {who} in the last {since}")


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    dh = on_docker_host(params, zh)
    events = shown(params, "events", ["die", "oom", "kill"])
    since = shown(params, "since", "1h")
    container = params.get("container")
    if zh:
        who = f"容器 `{container}`" if container else "所有容器"
        return Description(f"{who}最近 {since} 内的 Docker 事件{dh}", f"没有发生 {events} 事件")
    who = f"container `{container}`" if container else "all containers"
    return Description(
        f"Docker events of {who} in the past {since}{dh}", f"none of [{events}] happened"
    )


KINDS = [
    CheckKind(
        "docker.events",
        "no die/oom/kill events since a given time",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

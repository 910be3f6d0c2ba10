"""`docker.events`: no die/oom/kill (or other) events for a container since a given time."""

from __future__ import annotations

import time
from dataclasses import dataclass
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
from kb.checks.container import iso_ts, utc_stamp
from kb.checks.kinds._common import DOCKER_COMMON, duration, on_docker_host, parse_duration, shown

PARAMS = (
    *DOCKER_COMMON,
    Param("container", str, help="container name or id (default: all containers)"),
    Param("events", list, default=["die", "oom", "kill"], help="event actions to look for"),
    Param("since", str, default="1h", help="look back this far: 90s, 15m, 2h, 1d", check=duration),
)


# moby keeps only its last 256 events in memory (daemon/events/events.go, eventsLimit, unchanged
# up to v29) and none across a restart: `since` cannot reach further back than that buffer
DAEMON_EVENTS_KEPT = 256


@dataclass(frozen=True)
class EventsSeen:
    """What the daemon still holds for the window, and the container's own last stop."""

    since: float
    matches: tuple[dict[str, Any], ...]
    held: int
    """Events of any kind the daemon returned for the window (all types, all containers)."""
    oldest: float | None
    """Time of the oldest of them: how far back the daemon's memory reaches when `held` is full."""
    finished: float | None = None
    """The named container's last stop (`State.FinishedAt`), when it is inside the window."""
    exit_code: int | None = None
    oom_killed: bool = False

    @property
    def truncated(self) -> bool:
        """The buffer was full and starts after `since`: older events are gone, not absent."""
        return (
            self.held >= DAEMON_EVENTS_KEPT and self.oldest is not None and self.oldest > self.since
        )


def probe(ctx: ProbeContext, params: Params) -> EventsSeen:
    now = time.time()
    since = now - parse_duration(params.get("since", "1h"))
    wanted = {str(e) for e in params.get("events", ["die", "oom", "kill"])}
    client = ctx.docker(params.get("host"))
    cid = state = None
    if params.get("container"):
        # by id when the container exists: a removed namesake's events are not this container's
        info = client.inspect_container(params["container"])
        cid = info["Id"] if info else None
        state = (info or {}).get("State") or {}
    name = str(params.get("container") or "")
    # unfiltered (the buffer holds at most DAEMON_EVENTS_KEPT): the count and the oldest time say
    # whether the window was seen in full; the filtering is done here
    held, oldest, out = 0, None, []
    for ev in client.events(since=since, until=now, filters={}):
        held += 1
        when = ev.get("time")
        if isinstance(when, (int, float)) and (oldest is None or when < oldest):
            oldest = float(when)
        ctx.check()
        if ev.get("Type", ev.get("type")) != "container":
            continue
        action = str(ev.get("Action") or ev.get("status") or "")
        verb = action.split(":", 1)[0]  # "exec_die", "health_status: healthy"
        if verb not in wanted:
            continue
        attrs = (ev.get("Actor") or {}).get("Attributes") or {}
        ev_id = str(ev.get("id") or (ev.get("Actor") or {}).get("ID") or "")
        if name and ev_id != cid and not (cid is None and attrs.get("name") == name):
            continue
        out.append(
            {
                "time": when,
                "action": action,
                "container": attrs.get("name") or ev_id[:12],
                "exit_code": attrs.get("exitCode"),
            }
        )
    if "oom" in wanted and cid:
        out.extend(_kernel_kills(client, cid, name or cid[:12], since, now, out))
        out.sort(key=lambda e: float(e["time"] or 0))
    finished = iso_ts((state or {}).get("FinishedAt"))
    inside = finished is not None and finished >= since
    return EventsSeen(
        since=since,
        matches=tuple(out),
        held=held,
        oldest=oldest,
        finished=finished if inside else None,
        exit_code=(state or {}).get("ExitCode") if inside else None,
        oom_killed=bool((state or {}).get("OOMKilled")) if inside else False,
    )


# a kernel oom-kill line this close to an oom event the daemon still holds is that event
SAME_KILL_S = 5.0


def _kernel_kills(
    client: Any, cid: str, name: str, since: float, now: float, held: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The kernel log's OOM kills in the container's memory cgroup inside the window, when the
    Docker host is this machine (`host_oom.docker_host_oom_kills`, the evidence `kb doctor` reads
    too): the daemon's oom event can be gone or never recorded. Nothing when it cannot be read."""
    from kb.checks.kinds.host_oom import docker_host_oom_kills

    try:
        kills = docker_host_oom_kills(client).get(cid, [])
    except Exception:  # noqa: BLE001 - a host that cannot say where it runs loses this evidence
        return []
    events = [
        float(e["time"])
        for e in held
        if str(e["action"]).startswith("oom") and isinstance(e["time"], (int, float))
    ]
    return [
        {"time": t, "action": "oom (kernel log: oom-kill in its memory cgroup)", "container": name}
        for t in kills
        if since <= t <= now + 1 and not any(abs(t - s) < SAME_KILL_S for s in events)
    ]


def _fmt(e: dict[str, Any]) -> str:
    code = f" exit code {e['exit_code']}" if e.get("exit_code") not in (None, "") else ""
    return f"{utc_stamp(e['time'] or 0)} {e['container']} {e['action']}{code}"


def _from_state(params: Params, seen: EventsSeen) -> str | None:
    """The container's own record of a stop inside the window that the wanted events would have
    shown (die: any stop; oom: OOMKilled), when the daemon no longer holds those events."""
    wanted = {str(e) for e in params.get("events", ["die", "oom", "kill"])}
    if seen.finished is None:
        return None
    if "die" in wanted or ("oom" in wanted and seen.oom_killed):
        oom = ", OOMKilled" if seen.oom_killed else ""
        return (
            f"{utc_stamp(seen.finished)} {params.get('container')} stopped, exit code "
            f"{seen.exit_code}{oom} (docker inspect State; the event itself is no longer held)"
        )
    return None


def evaluate(params: Params, data: EventsSeen) -> Verdict:
    who = params.get("container") or "any container"
    who_zh = f"容器 {params['container']} " if params.get("container") else "所有容器"
    none_zh = "没有" if params.get("container") else "都没有"
    since = params.get("since", "1h")
    kinds = ", ".join(str(e) for e in params.get("events", ["die", "oom", "kill"]))
    if data.matches:
        ev = tuple(_fmt(e) for e in data.matches[-MAX_EVIDENCE_LINES:])
        return Verdict(
            FAIL,
            f"{len(data.matches)} {kinds} event(s) for {who} in the last {since}",
            ev,
            summary_zh=f"最近 {since} 内，{who_zh}有 {len(data.matches)} 个 {kinds} 事件",
        )
    stopped = _from_state(params, data)
    if stopped is not None:
        return Verdict(
            FAIL,
            f"{who} stopped in the last {since} (from its state)",
            (stopped,),
            summary_zh=f"{who_zh}在最近 {since} 内停止过（据其状态记录）",
        )
    if data.truncated:
        return Verdict(
            WARN,
            f"no {kinds} events for {who} since {utc_stamp(data.oldest or 0)}, but the last {since} "
            "could not be seen in full",
            (
                f"the daemon keeps only its last {DAEMON_EVENTS_KEPT} events; the oldest it "
                f"still holds is from {utc_stamp(data.oldest or 0)}",
            ),
            advice="Look for older stops in the daemon's own log or in the fleet's monitoring.",
            summary_zh=f"自 {utc_stamp(data.oldest or 0)} 以来，{who_zh}{none_zh} {kinds} 事件，"
            f"但最近 {since} 的事件无法全部看到",
            advice_zh="到守护进程自己的日志或集群的监控里查找更早的停止记录。",
        )
    return Verdict(
        PASS,
        f"no {kinds} events for {who} in the last {since}",
        summary_zh=f"最近 {since} 内，{who_zh}{none_zh} {kinds} 事件",
    )


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

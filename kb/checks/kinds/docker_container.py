"""`docker.container`: a container's state (running, exit code, OOMKilled, restarts, health)."""

from __future__ import annotations

from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Param, Verdict
from kb.checks.kinds._common import CONTAINER, DOCKER_COMMON, exit_code_list, in_range, no_container

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param("running", bool, default=True, help="healthy means running"),
    Param(
        "max_restarts",
        int,
        default=3,
        help="highest acceptable restart count",
        check=in_range(0, 1_000_000),
    ),
    Param("allow_oom", bool, default=False, help="an OOM kill is acceptable"),
    Param(
        "exit_codes",
        list,
        default=[0],
        help="exit codes accepted when stopped",
        check=exit_code_list,
    ),
)


def probe(ctx: Any, params: dict[str, Any]) -> dict[str, Any] | None:
    info = ctx.docker(params.get("host")).inspect_container(params["container"])
    if info is None:
        return None
    state = info.get("State") or {}
    health = (state.get("Health") or {}).get("Status")
    return {
        "name": (info.get("Name") or "").lstrip("/"),
        "status": state.get("Status"),
        "running": bool(state.get("Running")),
        "restarting": bool(state.get("Restarting")),
        "exit_code": state.get("ExitCode"),
        "oom_killed": bool(state.get("OOMKilled")),
        "restart_count": info.get("RestartCount") or 0,
        "health": health,
        "started": state.get("StartedAt"),
        "finished": state.get("FinishedAt"),
        "error": state.get("Error") or "",
    }


def state_evidence(d: dict[str, Any]) -> tuple[str, ...]:
    ev = [
        f"status: {d['status']}",
        f"exit code: {d['exit_code']}",
        f"OOMKilled: {str(d['oom_killed']).lower()}",
        f"restart count: {d['restart_count']}",
    ]
    if d.get("health"):
        ev.append(f"health: {d['health']}")
    ev.append(f"started: {d['started']}")
    if not d["running"]:
        ev.append(f"finished: {d['finished']}")
    if d.get("error"):
        ev.append(f"error: {d['error']}")
    return tuple(ev)


def evaluate(params: dict[str, Any], data: dict[str, Any] | None) -> Verdict:
    name = params["container"]
    if data is None:
        return no_container(name)
    problems: list[str] = []
    want_running = params.get("running", True)
    if want_running and not data["running"]:
        problems.append(f"not running ({data['status']}, exit code {data['exit_code']})")
    if not want_running and data["running"]:
        problems.append("running")
    if data["oom_killed"] and not params.get("allow_oom", False):
        problems.append("killed by the OOM killer")
    max_restarts = params.get("max_restarts", 3)
    if data["restart_count"] > max_restarts:
        problems.append(f"restarted {data['restart_count']} times (> {max_restarts})")
    if data.get("health") == "unhealthy":
        problems.append("health check reports unhealthy")
    if not data["running"] and not data["restarting"]:
        codes = params.get("exit_codes", [0])
        if data["exit_code"] not in codes and want_running is False:
            problems.append(f"exit code {data['exit_code']} not in {codes}")
    ev = state_evidence(data)
    if problems:
        return Verdict(FAIL, f"{name}: " + "; ".join(problems), ev)
    state = "running" if data["running"] else f"stopped with exit code {data['exit_code']}"
    return Verdict(PASS, f"{name}: {state}, restarts {data['restart_count']}", ev)


KINDS = [CheckKind("docker.container", "a container's state is healthy", PARAMS, probe, evaluate)]

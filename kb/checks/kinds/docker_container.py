"""`docker.container`: a container's state (running, exit code, OOMKilled, restarts, health)."""

from __future__ import annotations

from typing import Any

from kb.checks.base import (
    FAIL,
    PASS,
    WARN,
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.container import DEFAULT_MAX_RESTARTS, ContainerState, Expectation, exit_codes, judge
from kb.checks.kinds._common import (
    CONTAINER,
    DOCKER_COMMON,
    container_description,
    exit_code_list,
    in_range,
    no_container,
    on_docker_host,
    shown,
)

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


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    info = ctx.docker(params.get("host")).inspect_container(params["container"])
    if info is None:
        return None
    return ContainerState.from_inspect(info).to_dict()


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name = params["container"]
    if data is None:
        return no_container(name)
    state = ContainerState.from_dict(data)
    expect = Expectation(
        running=bool(params.get("running", True)),
        max_restarts=int(params.get("max_restarts", DEFAULT_MAX_RESTARTS)),
        allow_oom=bool(params.get("allow_oom", False)),
        exit_codes=exit_codes(params.get("exit_codes", [0])),
    )
    problems = judge(state, expect)
    ev = state.evidence()
    if problems:
        extra = [line for p in problems for line in p.evidence]
        status = FAIL if any(p.status == "fail" for p in problems) else WARN
        return Verdict(
            status,
            f"{name}: " + "; ".join(p.text for p in problems),
            (*ev, *extra),
            summary_zh=f"{name}: " + "；".join(p.text_zh or p.text for p in problems),
        )
    how = "running" if state.running else f"stopped with exit code {state.exit_code}"
    how_zh = "正在运行" if state.running else f"已停止，退出码 {state.exit_code}"
    return Verdict(
        PASS,
        f"{name}: {how}, restarts {state.restart_count}",
        tuple(ev),
        summary_zh=f"{name}: {how_zh}，重启 {state.restart_count} 次",
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    c, dh = shown(params, "container", ""), on_docker_host(params, zh)
    running = params.get("running", True)
    codes = shown(params, "exit_codes", [0])
    mr = shown(params, "max_restarts", 3)
    oom = params.get("allow_oom", False)
    if zh:
        want = "正在运行" if running else f"已停止且退出码属于 {codes}"
        extra = "" if oom else "、没有被 OOM 杀死"
        return container_description(
            f"容器 `{c}` 的状态{dh}",
            f"容器{want}{extra}、重启次数不超过 {mr}、健康检查不是 unhealthy",
            zh,
        )
    want = "is running" if running else f"has stopped with an exit code in [{codes}]"
    extra = "" if oom else ", was not OOM-killed"
    return container_description(
        f"the state of container `{c}`{dh}",
        f"the container {want}{extra}, restarted at most {mr} times, and its health check "
        "is not `unhealthy`",
        zh,
    )


KINDS = [
    CheckKind(
        "docker.container",
        "a container's state is healthy",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

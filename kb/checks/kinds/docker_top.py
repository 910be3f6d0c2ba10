"""`docker.top`: the container's main process is not a shell wrapper that waits on children.

The start-script story: an entrypoint shell script starts the real service as a child and waits; when
the child dies the script exits 1 and the real cause is buried. `top` shows the process tree.

A shell as PID 1 is only a stop problem when it does not handle SIGTERM: the kernel drops signals
sent to a namespace's init that has no handler, so `docker stop` waits its timeout and kills
everything (exit 137). Wrappers that trap TERM and stop their child cleanly are fine. When the
image has `cat`, the check reads PID 1's `SigCgt` from /proc/1/status (an allow-listed exec) to
tell the two apart instead of guessing from the command line.
"""

from __future__ import annotations

import os
from typing import Any

from kb.checks.base import (
    FAIL,
    MAX_EVIDENCE_LINES,
    PASS,
    SKIP,
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.kinds._common import (
    CONTAINER,
    DOCKER_COMMON,
    container_description,
    no_container,
    on_docker_host,
    shown,
)

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param("shell_pid1", bool, default=False, help="a shell as the main process is acceptable"),
)

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    client = ctx.docker(params.get("host"))
    info = client.inspect_container(params["container"])
    if info is None:
        return None
    if not (info.get("State") or {}).get("Running"):
        return {"running": False, "titles": [], "processes": []}
    top = client.top(params["container"])
    titles, processes = top.get("Titles") or [], top.get("Processes") or []
    term: str | None = None
    if _main_is_shell(titles, processes):
        try:
            code, text = client.exec_allowed(params["container"], ("cat", "/proc/1/status"))
        except Exception:  # noqa: BLE001 - no cat in the image, exec refused: we cannot tell
            code, text = None, ""
        term = _sigterm(text) if code == 0 else None
    return {"running": True, "titles": titles, "processes": processes, "pid1_sigterm": term}


def _columns(titles: list[str]) -> tuple[int, int, int]:
    try:
        return titles.index("PID"), titles.index("PPID"), titles.index("CMD")
    except ValueError:
        return 1, 2, len(titles) - 1


def _main_is_shell(titles: list[str], processes: list[list[Any]]) -> bool:
    i_pid, i_ppid, i_cmd = _columns(titles)
    pids = {str(p[i_pid]) for p in processes}
    roots = [p for p in processes if str(p[i_ppid]) not in pids]
    return bool(roots) and _is_shell(str(roots[0][i_cmd]))


def _sigterm(status: str) -> str | None:
    """'caught', 'ignored' or 'default': what PID 1 does with SIGTERM (15), from /proc/1/status."""
    masks: dict[str, int] = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("SigCgt", "SigIgn"):
            try:
                masks[key] = int(value.strip(), 16)
            except ValueError:
                return None
    if "SigCgt" not in masks:
        return None
    bit = 1 << (15 - 1)
    if masks["SigCgt"] & bit:
        return "caught"
    return "ignored" if masks.get("SigIgn", 0) & bit else "default"


def _is_shell(cmd: str) -> bool:
    argv = cmd.split()
    if not argv:
        return False
    prog = os.path.basename(argv[0])
    if prog == "busybox" and len(argv) > 1:
        prog = os.path.basename(argv[1])
    return prog in SHELLS


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name = params["container"]
    if data is None:
        return no_container(name)
    if not data["running"]:
        return Verdict(
            SKIP,
            f"{name} is not running, so it has no processes to list",
            advice="check the container state and its logs",
            settable=("container",),
            summary_zh=f"{name} 没有在运行，所以没有进程可列出",
            advice_zh="检查容器的状态和日志",
        )
    titles = data["titles"]
    i_pid, i_ppid, i_cmd = _columns(titles)
    procs = [(str(p[i_pid]), str(p[i_ppid]), str(p[i_cmd])) for p in data["processes"]]
    pids = {p[0] for p in procs}
    roots = [p for p in procs if p[1] not in pids]
    ev = tuple(f"{pid} (parent {ppid}): {cmd}" for pid, ppid, cmd in procs[:MAX_EVIDENCE_LINES])
    if not roots:
        return Verdict(PASS, f"{name}: no processes listed", ev, summary_zh=f"{name}: 没有列出进程")
    main = roots[0]
    children = [p for p in procs if p[1] == main[0]]
    if _is_shell(main[2]) and children and not params.get("shell_pid1", False):
        term = data.get("pid1_sigterm")
        if term == "caught":
            return Verdict(
                PASS,
                f"{name}: the main process is a shell ({main[2]}) that handles SIGTERM, "
                "so `docker stop` reaches the service",
                (*ev, "PID 1 catches SIGTERM (SigCgt in /proc/1/status)"),
                summary_zh=f"{name}: 主进程是一个处理 SIGTERM 的 shell（{main[2]}），"
                "所以 `docker stop` 能传到服务",
            )
        if term in ("default", "ignored"):
            return Verdict(
                FAIL,
                f"{name}: the main process is a shell ({main[2]}) that does not handle SIGTERM: "
                "`docker stop` waits out its timeout, then kills everything (exit 137)",
                (*ev, f"PID 1 SIGTERM disposition: {term} (not in SigCgt of /proc/1/status)"),
                advice="exec the service from the script (`exec …`), or run with --init",
                summary_zh=f"{name}: 主进程是一个不处理 SIGTERM 的 shell（{main[2]}）："
                "`docker stop` 会等到超时，然后杀死所有进程（exit 137）",
                advice_zh="在脚本中用 exec 启动服务（`exec …`），或者加 --init 运行",
            )
        return Verdict(
            FAIL,
            f"{name}: the main process is a shell ({main[2]}) with {len(children)} child process(es)",
            ev,
            advice="read the child's own logs; the script's exit code hides the real cause",
            summary_zh=f"{name}: 主进程是一个 shell（{main[2]}），带有 {len(children)} 个子进程",
            advice_zh="查看子进程自己的日志；脚本的退出码掩盖了真正的原因",
        )
    return Verdict(
        PASS, f"{name}: main process is {main[2]}", ev, summary_zh=f"{name}: 主进程是 {main[2]}"
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    c, dh = shown(params, "container", ""), on_docker_host(params, zh)
    if zh:
        healthy = (
            "可以读取进程列表（允许由 shell 作为 1 号进程）"
            if params.get("shell_pid1")
            else "主进程不是包着子进程的 shell（shell 不会转发信号）"
        )
        return container_description(f"容器 `{c}` 内的进程列表{dh}", healthy, zh)
    healthy = (
        "the process list can be read (a shell as PID 1 is accepted)"
        if params.get("shell_pid1")
        else "the main process is not a shell wrapper with children (a shell does not pass "
        "signals on)"
    )
    return container_description(f"the processes in container `{c}`{dh}", healthy, zh)


KINDS = [
    CheckKind(
        "docker.top",
        "the main process is not a shell wrapper with children",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

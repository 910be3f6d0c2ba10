"""`docker.exec`: run one allow-listed, read-only command inside a container and match its output."""

from __future__ import annotations

import re
from typing import Any

from kb.checks.allowlist import ALLOWED_COMMANDS
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
from kb.checks.dockerclient import DockerUnavailable
from kb.checks.kinds._common import (
    CONTAINER,
    DOCKER_COMMON,
    PRODUCT_NAMES,
    compile_pattern,
    container_description,
    needs_text,
    no_container,
    on_docker_host,
    shown,
)

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param(
        "command",
        str,
        required=True,
        help="a name from the allow-list",
        choices=tuple(ALLOWED_COMMANDS),
    ),
    Param("pattern", str, help="RE2 pattern to look for in the output", check=needs_text),
    Param("expect", str, default="present", choices=("present", "absent")),
)


# the container runtime's answer when argv[0] is not in the container (runc, crun; exit 126/127)
_NOT_FOUND = re.compile(
    r"(?i)exec failed|OCI runtime|unable to start container process|starting container process"
)
_NOT_FOUND_WHY = re.compile(r"(?i)executable file not found|no such file or directory")


def _state(info: dict[str, Any]) -> dict[str, Any]:
    """Whether a command can run in the container, from its inspect `State`."""
    st = info.get("State") or {}
    if st.get("Paused"):
        state = "paused"
    elif st.get("Restarting"):
        state = "restarting"
    elif st.get("Running"):
        state = "running"
    else:
        state = str(st.get("Status") or "not running")
    return {
        "running": state == "running",
        "state": state,
        "restarts": info.get("RestartCount"),
        "exit_code": st.get("ExitCode"),
    }


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    argv = ALLOWED_COMMANDS[params["command"]]
    client = ctx.docker(params.get("host"))
    info = client.inspect_container(params["container"])
    if info is None:
        return None
    state = _state(info)
    if not state["running"]:
        return state
    try:
        code, output = client.exec_allowed(params["container"], argv)
    except DockerUnavailable as exc:
        # 409: paused or restarting (or stopped) between the inspect and the exec; Docker's own
        # text names the container by its 64-character id
        if getattr(getattr(exc.__cause__, "response", None), "status_code", None) != 409:
            raise
        info = client.inspect_container(params["container"])
        if info is None:
            return None
        state = _state(info)
        if state["running"]:
            m = re.search(r"is (paused|restarting|not running)", str(exc))
            if m is None:
                raise
            state = {**state, "running": False, "state": m.group(1)}
        return state
    return {"running": True, "argv": list(argv), "exit_code": code, "output": output}


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name = params["container"]
    if data is None:
        return no_container(name)
    command = " ".join(ALLOWED_COMMANDS[params["command"]])
    if not data["running"]:
        state = data.get("state", "not running")
        if state == "paused":
            return Verdict(
                SKIP,
                f"{name} is paused (docker pause): `{command}` cannot run in it until it is "
                "unpaused; nothing was checked",
                advice="A paused container is frozen: its container check reports it; "
                "unpause it (docker unpause) and run this check again",
                summary_zh=f"{name} 已暂停（docker pause）：在恢复之前无法在其中运行 `{command}`；"
                "没有检查任何内容",
                advice_zh="暂停的容器处于冻结状态，它的容器检查会报告这一点；"
                "恢复它（docker unpause）后再运行这项检查",
            )
        if state == "restarting":
            restarts = data.get("restarts")
            count = f", {restarts} restarts so far" if restarts else ""
            count_zh = f"，目前已重启 {restarts} 次" if restarts else ""
            return Verdict(
                SKIP,
                f"{name} is restarting (its process exited with {data.get('exit_code')}{count}): "
                f"`{command}` cannot run until it stays up; nothing was checked",
                advice="A container in a restart loop: read its logs for why its process exits",
                summary_zh=f"{name} 正在重启（其进程退出码为 {data.get('exit_code')}{count_zh}）："
                f"在它稳定运行之前无法运行 `{command}`；没有检查任何内容",
                advice_zh="容器陷入了重启循环：查看它的日志，找出进程退出的原因",
            )
        return Verdict(
            SKIP,
            f"{name} is not running; cannot run {params['command']}",
            summary_zh=f"{name} 没有在运行；无法运行 {params['command']}",
        )
    lines = [ln for ln in data["output"].splitlines() if ln.strip()]
    cmd = " ".join(data["argv"])
    ev = tuple([f"$ {cmd}  (exit {data['exit_code']})", *lines[: MAX_EVIDENCE_LINES - 1]])
    if data["exit_code"] in (126, 127) and _NOT_FOUND.search(data["output"]):
        if _NOT_FOUND_WHY.search(data["output"]):
            program = data["argv"][0]
            product = PRODUCT_NAMES.get(params["command"].split(".", 1)[0])
            kind = f" (not a {product} container?)" if product else ""
            kind_zh = f"（不是 {product} 容器？）" if product else ""
            return Verdict(
                SKIP,
                f"{name} has no `{program}`{kind}: `{cmd}` cannot run there; nothing was checked",
                (*ev, f"the container has no {program} on its PATH: this check does not apply"),
                settable=("container",),
                summary_zh=f"{name} 里没有 `{program}`{kind_zh}：无法在其中运行 `{cmd}`；"
                "没有检查任何内容",
            )
    if data["exit_code"] not in (0, None):
        return Verdict(
            FAIL,
            f"{name}: `{cmd}` exited with {data['exit_code']}",
            ev,
            summary_zh=f"{name}: `{cmd}` 的退出码为 {data['exit_code']}",
        )
    if params.get("pattern"):
        pat = compile_pattern(params["pattern"])
        found = [ln for ln in lines if pat.search(ln)]
        if params.get("expect", "present") == "present" and not found:
            return Verdict(
                FAIL,
                f"{name}: `{cmd}` output lacks the expected pattern",
                ev,
                summary_zh=f"{name}: `{cmd}` 的输出中没有预期的模式",
            )
        if params.get("expect", "present") == "absent" and found:
            return Verdict(
                FAIL,
                f"{name}: `{cmd}` output shows the pattern",
                (ev[0], *found[: MAX_EVIDENCE_LINES - 1]),
                summary_zh=f"{name}: `{cmd}` 的输出中出现了该模式",
            )
    return Verdict(
        PASS, f"{name}: `{cmd}` looks healthy", ev, summary_zh=f"{name}: `{cmd}` 的结果看起来正常"
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    c, dh = shown(params, "container", ""), on_docker_host(params, zh)
    cmd = shown(params, "command", "")
    pat = params.get("pattern")
    present = params.get("expect", "present") == "present"
    if zh:
        tail = f"，且输出中{'包含' if present else '不包含'} `{pat}`" if pat else ""
        return container_description(
            f"在容器 `{c}` 中运行只读命令 `{cmd}` 的输出{dh}", f"命令以 0 退出{tail}", zh
        )
    tail = f" and its output {'contains' if present else 'does not contain'} `{pat}`" if pat else ""
    return container_description(
        f"the output of the read-only command `{cmd}` run in container `{c}`{dh}",
        f"the command exits 0{tail}",
        zh,
    )


KINDS = [
    CheckKind(
        "docker.exec",
        "an allow-listed read-only command inside a container",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

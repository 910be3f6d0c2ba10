"""`docker.exec`: run one allow-listed, read-only command inside a container and match its output."""

from __future__ import annotations

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
from kb.checks.kinds._common import (
    CONTAINER,
    DOCKER_COMMON,
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


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    argv = ALLOWED_COMMANDS[params["command"]]
    client = ctx.docker(params.get("host"))
    info = client.inspect_container(params["container"])
    if info is None:
        return None
    if not (info.get("State") or {}).get("Running"):
        return {"running": False}
    code, output = client.exec_allowed(params["container"], argv)
    return {"running": True, "argv": list(argv), "exit_code": code, "output": output}


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name = params["container"]
    if data is None:
        return no_container(name)
    if not data["running"]:
        return Verdict(SKIP, f"{name} is not running; cannot run {params['command']}")
    lines = [ln for ln in data["output"].splitlines() if ln.strip()]
    cmd = " ".join(data["argv"])
    ev = tuple([f"$ {cmd}  (exit {data['exit_code']})", *lines[: MAX_EVIDENCE_LINES - 1]])
    if data["exit_code"] not in (0, None):
        return Verdict(FAIL, f"{name}: `{cmd}` exited with {data['exit_code']}", ev)
    if params.get("pattern"):
        pat = compile_pattern(params["pattern"])
        found = [ln for ln in lines if pat.search(ln)]
        if params.get("expect", "present") == "present" and not found:
            return Verdict(FAIL, f"{name}: `{cmd}` output lacks the expected pattern", ev)
        if params.get("expect", "present") == "absent" and found:
            return Verdict(
                FAIL,
                f"{name}: `{cmd}` output shows the pattern",
                (ev[0], *found[: MAX_EVIDENCE_LINES - 1]),
            )
    return Verdict(PASS, f"{name}: `{cmd}` looks healthy", ev)


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

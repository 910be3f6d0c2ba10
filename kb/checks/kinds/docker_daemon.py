"""`docker.daemon`: the Docker daemon answers; evidence is its version, API version and endpoint."""

from __future__ import annotations

from typing import Any

from kb.checks.base import PASS, CheckKind, Description, Params, ProbeContext, Verdict
from kb.checks.kinds._common import DOCKER_COMMON, on_docker_host

PARAMS = DOCKER_COMMON


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    client = ctx.docker(params.get("host"))
    info = client.version()
    return {
        "version": info.get("Version"),
        "api": info.get("ApiVersion"),
        "os": info.get("Os"),
        "endpoint": client.endpoint,
    }


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    return Verdict(
        PASS,
        f"Docker {data['version']} (API {data['api']}) answers at {data['endpoint']}",
        (f"version: {data['version']}", f"api: {data['api']}", f"endpoint: {data['endpoint']}"),
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    dh = on_docker_host(params, zh)
    if zh:
        return Description("Docker 守护进程" + dh, "守护进程有响应（并报告版本和 API 版本）")
    return Description(
        "the Docker daemon" + dh, "the daemon answers (with its version and API version)"
    )


KINDS = [
    CheckKind(
        "docker.daemon", "the Docker daemon answers", PARAMS, probe, evaluate, describe=describe
    )
]

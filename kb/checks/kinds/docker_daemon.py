"""`docker.daemon`: the Docker daemon answers; evidence is its version, API versions and endpoint."""

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
        "min_api": info.get("MinAPIVersion"),
        "os": info.get("Os"),
        "endpoint": client.endpoint,
    }


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    evidence = [f"version: {data['version']}", f"api: {data['api']}"]
    if data.get("min_api"):
        # the oldest API it serves: clients built for an older one get "client version … is too
        # old" (Docker 29.0-29.2: 1.44)
        evidence.append(f"oldest api served: {data['min_api']}")
    evidence.append(f"endpoint: {data['endpoint']}")
    return Verdict(
        PASS,
        f"Docker {data['version']} (API {data['api']}) answers at {data['endpoint']}",
        tuple(evidence),
        summary_zh=f"{data['endpoint']} 上的 Docker {data['version']}（API {data['api']}）有响应",
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

"""`docker.daemon`: the Docker daemon answers; evidence is its version, API version and endpoint."""

from __future__ import annotations

from typing import Any

from kb.checks.base import PASS, CheckKind, Verdict
from kb.checks.kinds._common import DOCKER_COMMON

PARAMS = DOCKER_COMMON


def probe(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
    client = ctx.docker(params.get("host"))
    info = client.version()
    return {
        "version": info.get("Version"),
        "api": info.get("ApiVersion"),
        "os": info.get("Os"),
        "endpoint": client.endpoint,
    }


def evaluate(params: dict[str, Any], data: dict[str, Any]) -> Verdict:
    return Verdict(
        PASS,
        f"Docker {data['version']} (API {data['api']}) answers at {data['endpoint']}",
        (f"version: {data['version']}", f"api: {data['api']}", f"endpoint: {data['endpoint']}"),
    )


KINDS = [CheckKind("docker.daemon", "the Docker daemon answers", PARAMS, probe, evaluate)]

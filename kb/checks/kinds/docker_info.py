"""`docker.info`: a value in `docker info` (memory-limit support, cgroup version, storage driver …)."""

from __future__ import annotations

from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import (
    DOCKER_COMMON,
    FIELD_COMPARED,
    FIELD_COMPARISON,
    MISSING,
    field_conditions,
    field_problems,
    field_shown,
    joined,
    on_docker_host,
    resolve,
    shown,
)

PARAMS = (
    *DOCKER_COMMON,
    Param("field", str, required=True, help="dotted path, e.g. MemoryLimit, CgroupVersion"),
    *FIELD_COMPARISON,
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    client = ctx.docker(params.get("host"))
    info = client.info()
    value = resolve(info, params["field"])
    return {
        "found": value is not MISSING,
        "value": None if value is MISSING else value,
        # what the daemon itself warns about ("No memory limit support", "No swap limit
        # support" …): `docker info` prints these at its end
        "warnings": [str(w) for w in info.get("Warnings") or []],
        "version": info.get("ServerVersion"),
        "endpoint": client.endpoint,
    }


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    field = params["field"]
    value = data["value"] if data["found"] else MISSING
    ev = [f"{field}: {field_shown(value)}"]
    ev += [f"daemon warning: {w}" for w in data["warnings"]]
    ev.append(f"Docker {data['version']} at {data['endpoint']}")
    problems = field_problems(value, params)
    if problems:
        en, zh = joined(problems, " and ", "，且")
        return Verdict(
            FAIL, f"docker info: {field} {en}", tuple(ev), summary_zh=f"docker info: {field} {zh}"
        )
    return Verdict(
        PASS,
        f"docker info: {field} is as expected",
        tuple(ev),
        summary_zh=f"docker info: {field} 符合预期",
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    field, dh = shown(params, "field", ""), on_docker_host(params, zh)
    text = field_conditions(params, zh)
    if zh:
        return Description(f"`docker info` 中的字段 `{field}`{dh}", f"该值{text}")
    return Description(f"the field `{field}` of `docker info`{dh}", f"the value {text}")


KINDS = [
    CheckKind(
        "docker.info",
        "a value in docker info is as expected",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
        needs_one_of=FIELD_COMPARED,
    )
]

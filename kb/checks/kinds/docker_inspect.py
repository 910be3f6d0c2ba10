"""`docker.inspect`: a value in `docker inspect` (restart policy, memory limit, ports, ...)."""

from __future__ import annotations

from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import (
    CONTAINER,
    DOCKER_COMMON,
    FIELD_COMPARED,
    FIELD_COMPARISON,
    MISSING,
    container_description,
    field_conditions,
    field_problems,
    field_shown,
    joined,
    no_container,
    on_docker_host,
    resolve,
    shown,
)

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param("field", str, required=True, help="dotted path, e.g. HostConfig.RestartPolicy.Name"),
    *FIELD_COMPARISON,
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    info = ctx.docker(params.get("host")).inspect_container(params["container"])
    if info is None:
        return None
    value = resolve(info, params["field"])
    if value is MISSING:
        return {"found": False, "value": None}
    return {"found": True, "value": value}


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name, field = params["container"], params["field"]
    if data is None:
        return no_container(name)
    value = data["value"] if data["found"] else MISSING
    ev = (f"{field}: {field_shown(value)}",)
    problems = field_problems(value, params)
    if problems:
        en, zh = joined(problems, " and ", "，且")
        return Verdict(FAIL, f"{name}: {field} {en}", ev, summary_zh=f"{name}: {field} {zh}")
    return Verdict(
        PASS, f"{name}: {field} is as expected", ev, summary_zh=f"{name}: {field} 符合预期"
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    c, dh = shown(params, "container", ""), on_docker_host(params, zh)
    field = shown(params, "field", "")
    text = field_conditions(params, zh)
    if zh:
        return container_description(
            f"`docker inspect {c}` 中的字段 `{field}`{dh}", f"该值{text}", zh
        )
    return container_description(
        f"the field `{field}` of `docker inspect {c}`{dh}", f"the value {text}", zh
    )


KINDS = [
    CheckKind(
        "docker.inspect",
        "a value in docker inspect is as expected",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
        needs_one_of=FIELD_COMPARED,
    )
]

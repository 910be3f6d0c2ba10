"""`docker.inspect`: a value in `docker inspect` (restart policy, memory limit, ports, ...)."""

from __future__ import annotations

import json
from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import (
    ANY,
    CONTAINER,
    DOCKER_COMMON,
    container_description,
    finite,
    no_container,
    on_docker_host,
    scalar_equals,
    shown,
)

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param("field", str, required=True, help="dotted path, e.g. HostConfig.RestartPolicy.Name"),
    Param("equals", ANY, help="the value must equal this"),
    Param("not_equals", ANY, help="the value must not equal this"),
    Param("present", bool, help="the field must exist (true) or be absent/empty (false)"),
    Param("min", float, help="the value must be at least this", check=finite),
    Param("max", float, help="the value must be at most this", check=finite),
)

_MISSING = object()


def resolve(doc: Any, dotted: str) -> Any:
    """Walk `dotted` through nested dicts/lists; keys may themselves contain dots (labels, ports)."""
    parts = dotted.split(".")
    cur = doc
    i = 0
    while i < len(parts):
        if isinstance(cur, list):
            try:
                cur = cur[int(parts[i])]
            except (ValueError, IndexError):
                return _MISSING
            i += 1
            continue
        if not isinstance(cur, dict):
            return _MISSING
        # longest key first, so `Config.Labels.com.docker.compose.project` finds the label
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in cur:
                cur = cur[key]
                i = j
                break
        else:
            return _MISSING
    return cur


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    info = ctx.docker(params.get("host")).inspect_container(params["container"])
    if info is None:
        return None
    value = resolve(info, params["field"])
    if value is _MISSING:
        return {"found": False, "value": None}
    return {"found": True, "value": value}


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else str(value)
    return text


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name, field = params["container"], params["field"]
    if data is None:
        return no_container(name)
    value = data["value"]
    empty = not data["found"] or value in (None, "", [], {})
    ev = (f"{field}: {_show(value) if data['found'] else '(absent)'}",)
    problems: list[str] = []
    if "present" in params and params["present"] is not None:
        if params["present"] and empty:
            problems.append("is absent or empty")
        if not params["present"] and not empty:
            problems.append("is set")
    if params.get("equals") is not None and not scalar_equals(value, params["equals"]):
        problems.append(f"is not {params['equals']!r}")
    if params.get("not_equals") is not None and scalar_equals(value, params["not_equals"]):
        problems.append(f"is {params['not_equals']!r}")
    for bound, ok in (("min", lambda v, b: v >= b), ("max", lambda v, b: v <= b)):
        if params.get(bound) is not None:
            try:
                if not ok(float(value), float(params[bound])):
                    problems.append(f"is {'below' if bound == 'min' else 'above'} {params[bound]}")
            except (TypeError, ValueError):
                problems.append(f"is not a number (needed for `{bound}`)")
    if problems:
        return Verdict(FAIL, f"{name}: {field} " + " and ".join(problems), ev)
    return Verdict(PASS, f"{name}: {field} is as expected", ev)


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    c, dh = shown(params, "container", ""), on_docker_host(params, zh)
    field = shown(params, "field", "")
    conds: list[tuple[str, str, Any]] = []
    for key, en, zh_word in (
        ("equals", "equals", "等于"),
        ("not_equals", "is not", "不等于"),
        ("min", "is at least", "不小于"),
        ("max", "is at most", "不大于"),
    ):
        if key in params:
            conds.append((en, zh_word, shown(params, key)))
    if "present" in params:
        pres = params.get("present")
        conds.append(("is present" if pres else "is absent", "存在" if pres else "不存在", None))
    if zh:
        text = "、".join(f"{z} `{v}`" if v is not None else z for _, z, v in conds) or "满足条件"
        return container_description(
            f"`docker inspect {c}` 中的字段 `{field}`{dh}", f"该值{text}", zh
        )
    text = " and ".join(f"{e} `{v}`" if v is not None else e for e, _, v in conds) or "matches"
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
    )
]

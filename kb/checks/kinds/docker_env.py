"""`docker.env`: an environment variable of a container is set (or unset) and has a given value."""

from __future__ import annotations

from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import (
    ANY,
    CONTAINER,
    DOCKER_COMMON,
    container_description,
    no_container,
    on_docker_host,
    scalar_equals,
    shown,
)
from kb.checks.redact import is_secret_name

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param("name", str, required=True, help="variable name"),
    Param("present", bool, default=True, help="healthy means the variable is set"),
    Param("equals", ANY, help="the value must equal this"),
    Param("contains", str, help="the value must contain this"),
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    info = ctx.docker(params.get("host")).inspect_container(params["container"])
    if info is None:
        return None
    env = (info.get("Config") or {}).get("Env") or []
    for item in env:
        key, sep, value = item.partition("=")
        if key == params["name"]:
            return {"set": True, "value": value if sep else ""}
    return {"set": False, "value": None}


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name, var = params["container"], params["name"]
    if data is None:
        return no_container(name)
    secret = is_secret_name(var)
    shown = "<redacted>" if secret else data["value"]
    want_present = params.get("present", True)
    if not data["set"]:
        if want_present:
            return Verdict(
                FAIL,
                f"{name}: {var} is not set",
                (f"{var}: unset",),
                summary_zh=f"{name}: 没有设置 {var}",
            )
        return Verdict(
            PASS,
            f"{name}: {var} is not set, as expected",
            (f"{var}: unset",),
            summary_zh=f"{name}: 没有设置 {var}，符合预期",
        )
    ev = (f"{var}={shown}",)
    if not want_present:
        return Verdict(FAIL, f"{name}: {var} is set", ev, summary_zh=f"{name}: 设置了 {var}")
    value = data["value"]
    if params.get("equals") is not None and not scalar_equals(value, params["equals"]):
        return Verdict(
            FAIL,
            f"{name}: {var} does not have the expected value",
            ev,
            summary_zh=f"{name}: {var} 的值不是预期的值",
        )
    if params.get("contains") and params["contains"] not in value:
        return Verdict(
            FAIL,
            f"{name}: {var} does not contain {params['contains']!r}",
            ev,
            summary_zh=f"{name}: {var} 不包含 {params['contains']!r}",
        )
    return Verdict(
        PASS, f"{name}: {var} is set as expected", ev, summary_zh=f"{name}: {var} 已按预期设置"
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    c, dh = shown(params, "container", ""), on_docker_host(params, zh)
    name = shown(params, "name", "")
    present = params.get("present", True)
    cond_en, cond_zh = [], []
    if "equals" in params:
        cond_en.append(f"equals `{shown(params, 'equals')}`")
        cond_zh.append(f"等于 `{shown(params, 'equals')}`")
    if "contains" in params:
        cond_en.append(f"contains `{shown(params, 'contains')}`")
        cond_zh.append(f"包含 `{shown(params, 'contains')}`")
    if zh:
        ok = "已设置" + ("且" + "、".join(cond_zh) if cond_zh else "") if present else "未设置"
        return container_description(
            f"容器 `{c}` 的环境变量 `{name}`{dh}", f"该变量{ok}（疑似密钥的值会被隐去）", zh
        )
    ok = (
        ("is set" + (" and " + " and ".join(cond_en) if cond_en else ""))
        if present
        else "is not set"
    )
    return container_description(
        f"the environment variable `{name}` of container `{c}`{dh}",
        f"the variable {ok} (values of secret-looking names are never shown)",
        zh,
    )


KINDS = [
    CheckKind(
        "docker.env",
        "a container environment variable is set as expected",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

"""`docker.env`: an environment variable of a container is set (or unset) and has a given value."""

from __future__ import annotations

from typing import Any

from kb.checks.base import (
    FAIL,
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
    ANY,
    CONTAINER,
    DOCKER_COMMON,
    PRODUCT_NAMES,
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
    Param(
        "product",
        str,
        choices=tuple(PRODUCT_NAMES),
        help="the variable belongs to this broker: skip on a container recognised as another one",
    ),
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    info = ctx.docker(params.get("host")).inspect_container(params["container"])
    if info is None:
        return None
    if params.get("product"):
        # a variable of one broker says nothing about another one's container (EMQX's ERL_FLAGS
        # on a RabbitMQ container): recognised by image, process or ports, as kb doctor does
        from kb.checks.brokers import recognise

        runs = recognise(info)
        if runs is not None and runs != params["product"]:
            return {"set": False, "value": None, "runs": runs}
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
    if data.get("runs"):
        runs = PRODUCT_NAMES.get(data["runs"], data["runs"])
        want = PRODUCT_NAMES.get(params["product"], params["product"])
        return Verdict(
            SKIP,
            f"{name} runs {runs}, not {want}: {var} of {want} does not apply; nothing was checked",
            (f"container recognised as {runs} (image, process or ports)",),
            settable=("container",),
            summary_zh=f"{name} 运行的是 {runs}，不是 {want}：{want} 的 {var} 不适用；没有检查任何内容",
        )
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
    product = PRODUCT_NAMES.get(str(params.get("product")), "") if params.get("product") else ""
    if zh:
        ok = "已设置" + ("且" + "、".join(cond_zh) if cond_zh else "") if present else "未设置"
        only = f"；只适用于 {product} 容器，其他 Broker 的容器跳过" if product else ""
        return container_description(
            f"容器 `{c}` 的环境变量 `{name}`{dh}", f"该变量{ok}（疑似密钥的值会被隐去）{only}", zh
        )
    ok = (
        ("is set" + (" and " + " and ".join(cond_en) if cond_en else ""))
        if present
        else "is not set"
    )
    article = "an" if product[:1] in ("A", "E", "I", "O", "U") else "a"
    only = (
        f"; only for {article} {product} container, another broker's is skipped" if product else ""
    )
    return container_description(
        f"the environment variable `{name}` of container `{c}`{dh}",
        f"the variable {ok} (values of secret-looking names are never shown){only}",
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

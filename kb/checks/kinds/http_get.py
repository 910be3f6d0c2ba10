"""`http.get`: a GET answers with the expected status and JSON value (EMQX /status, VerneMQ /health)."""

from __future__ import annotations

import json
from typing import Any

from kb.checks import httpget
from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import (
    ANY,
    MISSING,
    PASSWORD_ENV,
    TIMEOUT,
    USERNAME_ENV,
    field_shown,
    http_url,
    in_range,
    joined,
    resolve,
    scalar_equals,
    shown,
)

PARAMS = (
    TIMEOUT,
    Param("url", str, required=True, help="http:// or https:// URL", check=http_url),
    Param("status", int, default=200, help="expected HTTP status", check=in_range(100, 599)),
    Param("json", str, help="dotted path into the JSON body"),
    Param("equals", ANY, help="the JSON value (or body) must equal this"),
    Param("contains", str, help="the JSON value (or body) must contain this"),
    USERNAME_ENV,
    PASSWORD_ENV,
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    user = ctx.credential(params.get("username_env"), user=True)
    pwd = ctx.credential(params.get("password_env"))
    return httpget.get(ctx, params["url"], user, pwd)


def judge_value(params: Params, data: dict[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
    """(problems as (English, Chinese), evidence) for the json/equals/contains part, shared with
    rabbitmq.api."""
    problems: list[tuple[str, str]] = []
    ev: list[str] = []
    value: Any = data["body"]
    if params.get("json"):
        if data["json"] is None:
            problem = (
                f"the body is not JSON (wanted {params['json']})",
                f"响应体不是 JSON（需要读取 {params['json']}）",
            )
            return [problem], [data["body"]]
        value = resolve(data["json"], params["json"])
        if value is MISSING:
            problem = (
                f"no {params['json']} in the JSON body",
                f"响应体（JSON）中没有 {params['json']}",
            )
            return [problem], [json.dumps(data["json"])]
        ev.append(f"{params['json']}: {field_shown(value)}")
    elif data["body"]:
        ev.append(f"body: {data['body']}")
    if params.get("equals") is not None and not scalar_equals(value, params["equals"]):
        problems.append((f"value is not {params['equals']!r}", f"值不是 {params['equals']!r}"))
    if params.get("contains") is not None:
        text = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
        if str(params["contains"]) not in text:
            problems.append(
                (
                    f"value does not contain {params['contains']!r}",
                    f"值不包含 {params['contains']!r}",
                )
            )
    return problems, ev


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    want = params.get("status", 200)
    ev = [f"HTTP {data['status']} {data['reason']}"]
    if data["status"] != want:
        if data["body"]:
            ev.append(f"body: {data['body']}")
        return Verdict(
            FAIL,
            f"GET answered {data['status']} {data['reason']} (expected {want})",
            tuple(ev),
            summary_zh=f"GET 返回了 {data['status']} {data['reason']}（预期 {want}）",
        )
    problems, more = judge_value(params, data)
    ev.extend(more)
    if problems:
        en, zh = joined(problems, "; ", "；")
        return Verdict(FAIL, f"GET answered but {en}", tuple(ev), summary_zh=f"GET 有响应，但{zh}")
    return Verdict(
        PASS,
        f"GET answered {data['status']} as expected",
        tuple(ev),
        summary_zh=f"GET 按预期返回了 {data['status']}",
    )


def describe(params: Params, lang: str) -> Description:
    url, status = shown(params, "url", ""), shown(params, "status", 200)
    if lang == "zh":
        extra = f"，且 JSON 字段 `{params['json']}` 符合预期" if params.get("json") else ""
        return Description(f"HTTP GET {url}", f"返回状态码 {status}{extra}")
    extra = f" and the JSON value `{params['json']}` matches" if params.get("json") else ""
    return Description(f"an HTTP GET of {url}", f"the status is {status}{extra}")


KINDS = [
    CheckKind(
        "http.get",
        "an HTTP endpoint answers as expected",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

"""`rabbitmq.api`: a read of the RabbitMQ management API (alarms, overview) answers 200."""

from __future__ import annotations

from typing import Any

from kb.checks import httpget
from kb.checks.base import (
    ERROR,
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
    PASSWORD_ENV,
    TIMEOUT,
    USERNAME_ENV,
    http_url,
    joined,
    shown,
)
from kb.checks.kinds.http_get import judge_value

MANAGEMENT_URL = Param(
    "url", str, default="http://127.0.0.1:15672", help="management API base URL", check=http_url
)

PARAMS = (
    TIMEOUT,
    MANAGEMENT_URL,
    Param("path", str, default="/api/health/checks/alarms", help="API path to read"),
    Param("json", str, help="dotted path into the JSON body"),
    Param("equals", ANY, help="the JSON value must equal this"),
    USERNAME_ENV,
    PASSWORD_ENV,
)


def read(ctx: ProbeContext, params: Params, path: str) -> dict[str, Any]:
    """GET `path` from the management API at `url`, with the check's credentials: the *_env
    variables it names, else the user and password written in the URL, else guest/guest
    (RabbitMQ's loopback-only default)."""
    from urllib.parse import urlsplit

    user = ctx.credential(params.get("username_env"), user=True)
    pwd = ctx.credential(params.get("password_env"))
    base = params.get("url", "http://127.0.0.1:15672")
    in_url = urlsplit(base).username is not None
    if user is None and pwd is None and not params.get("username_env") and not in_url:
        # (QA: a URL's own user:password were dropped for guest/guest, so a wrong password
        # in --set url=http://nobody:wrong@… passed)
        user, pwd = "guest", "guest"
    url = base.rstrip("/") + path
    return httpget.get(ctx, url, user, pwd)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    return read(ctx, params, params.get("path", "/api/health/checks/alarms"))


def not_read(
    path: str, data: dict[str, Any], settable: tuple[str, ...] = ("url", "path")
) -> Verdict | None:
    """The verdict for an answer that is not a 200 (None for a 200): refused credentials are an
    error, a path the API does not have a skip, any other status a fail."""
    ev = [f"HTTP {data['status']} {data['reason']}"]
    if data["status"] in (401, 403):
        return Verdict(
            ERROR,
            f"the management API refused the credentials ({data['status']}) for {path}",
            tuple(ev),
            advice="use the credentials of a monitoring user",
            settable=("username_env", "password_env"),
            summary_zh=f"管理 API 拒绝了访问 {path} 的凭据（{data['status']}）",
            advice_zh="使用一个监控用户的凭据",
        )
    if data["status"] in (404, 406):
        # the management API has no such path: a release older than the endpoint (the
        # deprecated-features API came with 3.13) or another path; not a finding either way.
        # For an unknown path RabbitMQ 3.10.8 answers 404 without an Accept header and 406 Not
        # Acceptable (empty body) to the JSON requests this kind sends
        return Verdict(
            SKIP,
            f"this management API has no {path} ({data['status']}): an older RabbitMQ release, "
            "or another path",
            tuple(ev),
            settable=settable,
            summary_zh=f"这个管理 API 没有 {path}（{data['status']}）：RabbitMQ 版本较旧，"
            "或者路径不对",
        )
    if data["status"] != 200:
        if data["body"]:
            ev.append(f"body: {data['body']}")
        return Verdict(
            FAIL,
            f"{path} answered {data['status']} {data['reason']}",
            tuple(ev),
            summary_zh=f"{path} 返回了 {data['status']} {data['reason']}",
        )
    return None


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    path = params.get("path", "/api/health/checks/alarms")
    refused = not_read(path, data)
    if refused is not None:
        return refused
    ev = [f"HTTP {data['status']} {data['reason']}"]
    problems, more = judge_value(params, data)
    ev.extend(more)
    if problems:
        en, zh = joined(problems, "; ", "；")
        return Verdict(FAIL, f"{path}: {en}", tuple(ev), summary_zh=f"{path}: {zh}")
    return Verdict(PASS, f"{path} answered 200", tuple(ev), summary_zh=f"{path} 返回了 200")


def describe(params: Params, lang: str) -> Description:
    url = shown(params, "url", "http://127.0.0.1:15672")
    path = shown(params, "path", "/api/health/checks/alarms")
    if lang == "zh":
        return Description(f"RabbitMQ 管理 API {url}{path}", "返回 HTTP 200（且 JSON 值符合预期）")
    return Description(
        f"the RabbitMQ management API at {url}{path}",
        "it answers HTTP 200 (and the JSON value matches)",
    )


KINDS = [
    CheckKind(
        "rabbitmq.api",
        "a RabbitMQ management API read answers 200",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

"""`mqtt.connect`: connect with credentials, or check that anonymous clients are refused.

The CENSYS story: a broker that accepts anonymous clients on the internet collects unknown clients.
"""

from __future__ import annotations

from typing import Any

from kb.checks.base import (
    FAIL,
    PASS,
    WARN,
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.kinds._common import MQTT_COMMON, mqtt_where
from kb.checks.mqtt import Session

PARAMS = (
    *MQTT_COMMON,
    Param("anonymous", bool, default=False, help="check that anonymous clients are refused"),
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    anonymous = bool(params.get("anonymous", False))
    s = Session(ctx, params, anonymous=anonymous)
    try:
        rc = s.connect()
        return {
            "accepted": not rc.is_failure,
            "reason": str(rc),
            "code": int(rc.value),
            "where": s.where,
            "v5": s.v5,
        }
    finally:
        s.close()


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    where, reason = data["where"], data["reason"]
    ev = (f"CONNACK: {reason} (code {data['code']})", f"protocol: {'5' if data['v5'] else '3.1.1'}")
    if params.get("anonymous", False):
        if data["accepted"]:
            return Verdict(
                WARN,
                f"{where} accepts anonymous MQTT clients",
                ev,
                advice="set allow_anonymous false (Mosquitto) or enable authentication",
                summary_zh=f"{where} 接受匿名的 MQTT 客户端",
                advice_zh="设置 allow_anonymous false（Mosquitto），或者启用认证",
            )
        return Verdict(
            PASS,
            f"{where} refuses anonymous clients ({reason})",
            ev,
            summary_zh=f"{where} 拒绝匿名客户端（{reason}）",
        )
    if data["accepted"]:
        return Verdict(
            PASS, f"{where} accepted the connection", ev, summary_zh=f"{where} 接受了连接"
        )
    return Verdict(
        FAIL,
        f"{where} refused the connection: {reason}",
        ev,
        advice="check the user name and password the variables hold",
        settable=("username_env", "password_env"),
        summary_zh=f"{where} 拒绝了连接：{reason}",
        advice_zh="检查环境变量中保存的用户名和密码",
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    where = mqtt_where(params, zh)
    if params.get("anonymous"):
        if zh:
            return Description(
                f"{where}是否接受匿名连接", "Broker 拒绝匿名客户端（接受匿名连接时结果为 warn）"
            )
        return Description(
            f"whether {where} accepts anonymous clients",
            "the broker refuses an anonymous client (an accepted anonymous connection is a "
            "warning)",
        )
    if zh:
        return Description(
            f"使用凭据连接{where}", "带凭据的连接被接受（密码只从环境变量读取，从不显示）"
        )
    return Description(
        f"a connection with credentials to {where}",
        "the connection is accepted (credentials come from environment variables and are never "
        "shown)",
    )


KINDS = [
    CheckKind(
        "mqtt.connect",
        "an MQTT connection is accepted (or anonymous refused)",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

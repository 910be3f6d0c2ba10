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


# paho reports an MQTT 3.1.1 CONNACK return code as the MQTT 5 reason code it maps to
_V3_RETURN_CODES = {0: 0, 132: 1, 133: 2, 136: 3, 134: 4, 135: 5}


def _connack(data: dict[str, Any]) -> str:
    """The CONNACK as the broker sent it: MQTT 3.1.1's return code (5, as Mosquitto logs it),
    MQTT 5's reason code (135)."""
    code = int(data["code"])
    if data["v5"] or code not in _V3_RETURN_CODES:
        return f"CONNACK: {data['reason']} (reason code {code})"
    return f"CONNACK: {data['reason']} (return code {_V3_RETURN_CODES[code]})"


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    where, reason = data["where"], data["reason"]
    ev = (_connack(data), f"protocol: {'5' if data['v5'] else '3.1.1'}")
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
    if not params.get("username_env"):
        # nothing to log in with: the connection was an anonymous one, and must say so
        if data["accepted"]:
            return Verdict(
                PASS,
                f"{where} accepted the connection without credentials (no username_env set:"
                " it lets anonymous clients in)",
                ev,
                summary_zh=f"{where} 接受了未提供凭据的连接（没有设置 username_env：它允许匿名客户端接入）",
            )
        return Verdict(
            FAIL,
            f"{where} refused the connection: {reason} (no credentials were sent: no"
            " username_env set)",
            ev,
            advice="set username_env and password_env to the names of the variables that hold a"
            " user's name and password",
            settable=("username_env", "password_env"),
            summary_zh=f"{where} 拒绝了连接：{reason}（未提供凭据：没有设置 username_env）",
            advice_zh="把 username_env 和 password_env 设为保存用户名和密码的环境变量名",
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

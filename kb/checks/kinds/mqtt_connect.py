"""`mqtt.connect`: connect with credentials, or check that anonymous clients are refused.

The CENSYS story: a broker that accepts anonymous clients on the internet collects unknown clients.
"""

from __future__ import annotations

from typing import Any

from kb.checks.base import FAIL, PASS, WARN, CheckKind, Param, Verdict
from kb.checks.kinds._common import MQTT_COMMON
from kb.checks.mqtt import Session

PARAMS = (
    *MQTT_COMMON,
    Param("anonymous", bool, default=False, help="check that anonymous clients are refused"),
)


def probe(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
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


def evaluate(params: dict[str, Any], data: dict[str, Any]) -> Verdict:
    where, reason = data["where"], data["reason"]
    ev = (f"CONNACK: {reason} (code {data['code']})", f"protocol: {'5' if data['v5'] else '3.1.1'}")
    if params.get("anonymous", False):
        if data["accepted"]:
            return Verdict(
                WARN,
                f"{where} accepts anonymous MQTT clients",
                ev,
                next="set allow_anonymous false (Mosquitto) or enable authentication",
            )
        return Verdict(PASS, f"{where} refuses anonymous clients ({reason})", ev)
    if data["accepted"]:
        return Verdict(PASS, f"{where} accepted the connection", ev)
    return Verdict(
        FAIL,
        f"{where} refused the connection: {reason}",
        ev,
        next="check the user name and password variables (username_env/password_env)",
    )


KINDS = [
    CheckKind(
        "mqtt.connect",
        "an MQTT connection is accepted (or anonymous refused)",
        PARAMS,
        probe,
        evaluate,
    )
]

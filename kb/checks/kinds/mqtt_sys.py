"""`mqtt.sys`: a `$SYS` topic publishes within the deadline (broker version, uptime, clients)."""

from __future__ import annotations

from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import MQTT_COMMON, mqtt_refused, mqtt_where, shown
from kb.checks.mqtt import MqttError, Session

PARAMS = (
    *MQTT_COMMON,
    Param("topic", str, default="$SYS/broker/version", help="the $SYS topic to read"),
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    topic = params.get("topic", "$SYS/broker/version")
    s = Session(ctx, params)
    try:
        rc = s.connect()
        if rc.is_failure:
            return {"refused": str(rc), "where": s.where}
        _, mid = s.client.subscribe(topic, qos=0)
        s.wait(lambda: mid in s.subacked, "SUBACK")
        try:
            s.wait(lambda: bool(s.messages), f"message on {topic}")
        except MqttError as exc:
            if not exc.timed_out:
                raise
            return {"topic": topic, "payload": None}
        return {
            "topic": s.messages[0][0],
            "payload": s.messages[0][1][:300].decode("utf-8", "replace"),
        }
    finally:
        s.close()


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    if "refused" in data:
        return mqtt_refused(params, data["where"], data["refused"])
    if data["payload"] is None:
        return Verdict(
            FAIL,
            f"nothing arrived on {data['topic']} within the deadline",
            advice="the broker may not publish $SYS topics, or the client may not read them",
            settable=("topic",),
            summary_zh=f"时限内 {data['topic']} 上没有收到任何消息",
            advice_zh="Broker 可能不发布 $SYS 主题，或者该客户端无权读取它们",
        )
    return Verdict(
        PASS,
        f"{data['topic']}: {data['payload']}",
        (f"{data['topic']}: {data['payload']}",),
        summary_zh=f"{data['topic']}: {data['payload']}",
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    where = mqtt_where(params, zh)
    topic = shown(params, "topic", "$SYS/broker/version")
    if zh:
        return Description(f"{where}的 `{topic}` 主题", "在时限内收到一条消息")
    return Description(f"the `{topic}` topic of {where}", "a message arrives within the deadline")


KINDS = [
    CheckKind("mqtt.sys", "a $SYS topic publishes", PARAMS, probe, evaluate, describe=describe)
]

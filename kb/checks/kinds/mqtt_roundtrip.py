"""`mqtt.roundtrip`: publish one non-retained message to a unique topic and receive it back.

The only check that sends a message: it is marked active. The topic is unique per run under a
configurable prefix, so nothing else subscribes to it and nothing is left behind (no retain).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from kb.checks.base import FAIL, PASS, CheckKind, Description, Param, Params, ProbeContext, Verdict
from kb.checks.kinds._common import MQTT_COMMON, mqtt_refused, mqtt_where, shown
from kb.checks.mqtt import MqttError, Session

PARAMS = (
    *MQTT_COMMON,
    Param("topic_prefix", str, default="kbtui/probe", help="prefix of the unique probe topic"),
    Param("qos", int, default=1, choices=(0, 1, 2), help="QoS of the probe message"),
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    topic = f"{params.get('topic_prefix', 'kbtui/probe').rstrip('/')}/{uuid.uuid4().hex}"
    qos = int(params.get("qos", 1))
    payload = f"kbtui-roundtrip {uuid.uuid4().hex}".encode()
    s = Session(ctx, params)
    try:
        rc = s.connect()
        if rc.is_failure:
            return {"refused": str(rc), "where": s.where}
        _, mid = s.client.subscribe(topic, qos=qos)
        s.wait(lambda: mid in s.subacked, "SUBACK")
        start = time.monotonic()
        s.client.publish(topic, payload, qos=qos, retain=False)
        try:
            s.wait(lambda: any(p == payload for _, p, _ in s.messages), "the probe message back")
        except MqttError as exc:
            if not exc.timed_out:
                raise
            return {"topic": topic, "ok": False, "reason": str(exc), "where": s.where}
        got = next(t for _, p, t in s.messages if p == payload)
        return {
            "topic": topic,
            "ok": True,
            "latency_ms": round((got - start) * 1000, 1),
            "where": s.where,
            "qos": qos,
        }
    finally:
        s.close()


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    if "refused" in data:
        return mqtt_refused(params, data["where"], data["refused"])
    if not data["ok"]:
        return Verdict(
            FAIL,
            f"round trip on {data['where']} failed: {data['reason']}",
            (f"topic: {data['topic']}",),
            summary_zh=f"{data['where']} 上的消息往返失败：{data['reason']}",
        )
    return Verdict(
        PASS,
        f"round trip on {data['where']} in {data['latency_ms']} ms (QoS {data['qos']})",
        (f"topic: {data['topic']}", f"latency: {data['latency_ms']} ms"),
        summary_zh=f"{data['where']} 上的消息往返用时 {data['latency_ms']} ms（QoS {data['qos']}）",
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    where = mqtt_where(params, zh)
    prefix = shown(params, "topic_prefix", "kbtui/probe")
    if zh:
        return Description(
            f"向{where}的唯一主题（前缀 `{prefix}`）发布一条非保留消息",
            "消息能收回（并记录往返延迟）",
        )
    return Description(
        f"a non-retained message published to a unique topic under `{prefix}` on {where}",
        "the message comes back (the round-trip latency is reported)",
    )


KINDS = [
    CheckKind(
        "mqtt.roundtrip",
        "a published message comes back",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
        active=True,
    )
]

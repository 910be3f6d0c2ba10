"""`mqtt.idle`: an MQTT connection that sends nothing survives a given idle time.

A load balancer, proxy or NAT between clients and the broker that closes idle TCP connections
sooner than the clients' keepalive makes every quiet client drop at the same interval. This check
connects with a keepalive a little longer than the wait (so no PINGREQ is sent), stays silent for
`idle` seconds while watching the socket, then subscribes to a unique topic: a connection the path
closed, or forgot, shows either way. It waits at most 26 s and speaks plain MQTT over TCP or TLS,
so longer timeouts (60 s and up) and WebSocket-only paths are beyond it.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from kb.checks.base import (
    FAIL,
    MAX_TIMEOUT,
    PASS,
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.kinds._common import (
    MQTT_COMMON,
    in_range,
    mqtt_refused,
    mqtt_where,
    shown,
    timeout_seconds,
)
from kb.checks.mqtt import MqttError, Session

PARAMS = (
    Param(
        "timeout",
        float,
        default=MAX_TIMEOUT,
        help="whole-probe deadline in seconds (max 30): the idle time plus a few seconds",
        check=timeout_seconds,
    ),
    *(p for p in MQTT_COMMON if p.name != "timeout"),
    Param(
        "idle",
        float,
        default=25.0,
        help="seconds to stay silent (at most the deadline less 4 s)",
        check=in_range(1, 26, "a number of seconds"),
    ),
)
SPARE = 4.0  # seconds of the deadline kept for connecting and for the subscribe after the wait


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    s = Session(ctx, params)
    try:
        asked = float(params.get("idle", 25.0))
        # a keepalive longer than the wait keeps the client silent through it (no PINGREQ), and
        # unlike 0 it is accepted by brokers with a max_keepalive (Mosquitto 2.0.12-2.0.15 refuse
        # keepalive 0 from 3.1.1 clients by default)
        keepalive = int(asked) + 5
        rc = s.connect(keepalive=keepalive)
        if rc.is_failure:
            return {"refused": str(rc), "where": s.where}
        room = ctx.remaining() - SPARE
        server_ka = getattr(s.connack_props, "ServerKeepAlive", None) if s.v5 else None
        idle = max(0.5, min(asked, room))
        if server_ka:
            # an MQTT 5 broker that imposes its own keepalive closes a silent client after 1.5 x
            # it: stay within it, so that the broker's rule is not mistaken for the path's
            idle = max(0.5, min(idle, float(server_ka) - 1))
        start = time.monotonic()
        closed_after = None
        while time.monotonic() - start < idle:
            ctx.check()
            rc_loop = s.client.loop(timeout=min(0.2, idle - (time.monotonic() - start) + 0.01))
            if rc_loop != 0 or s.disconnected:
                closed_after = round(time.monotonic() - start, 1)
                break
        answered, closed_on_subscribe = False, False
        if closed_after is None:
            topic = f"kbtui/probe/idle/{uuid.uuid4().hex[:12]}"
            _rc, mid = s.client.subscribe(topic, qos=0)
            try:
                s.wait(lambda: mid in s.subacked, "SUBACK after the idle wait")
                answered = True
            except MqttError as exc:
                closed_on_subscribe = not exc.timed_out
        return {
            "where": s.where,
            "idle": round(idle, 1),
            "asked": asked,
            "keepalive": keepalive,
            "server_keepalive": server_ka,
            "closed_after": closed_after,
            "answered": answered,
            "closed_on_subscribe": closed_on_subscribe,
        }
    finally:
        s.close()


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    if "refused" in data:
        return mqtt_refused(params, data["where"], data["refused"])
    where, idle = data["where"], data["idle"]
    ev = [f"silent for {idle} s (keepalive {data.get('keepalive', 0)}: no PINGREQ in that time)"]
    if data.get("server_keepalive"):
        ev.append(f"the broker imposed a keepalive of {data['server_keepalive']} s (MQTT 5)")
    if data["asked"] > idle:
        ev.append(f"asked for {data['asked']} s; the deadline left room for {idle} s")
    if data["closed_after"] is not None:
        t = data["closed_after"]
        return Verdict(
            FAIL,
            f"{where}: the connection was closed after {t} s without traffic; something on the "
            "path (a load balancer, proxy or NAT) drops idle connections that soon",
            (*ev, f"closed by the other side after {t} s"),
            advice=(
                f"Give the clients a keepalive well below {t} s, or raise the idle timeout of the "
                "load balancer or proxy in front of the broker."
            ),
            settable=("idle", "host", "port"),
            summary_zh=f"{where}: 连接在没有流量 {t} 秒后被关闭；路径上的某个设备（负载均衡器、"
            "代理或 NAT）会这么快丢弃空闲连接",
            advice_zh=f"让客户端的 keepalive 远小于 {t} 秒，或者调大 Broker 前面的负载均衡器"
            "或代理的空闲超时。",
        )
    if data.get("closed_on_subscribe"):
        return Verdict(
            FAIL,
            f"{where}: the connection was closed when the probe subscribed after {idle} s "
            "without traffic: a load balancer or NAT that forgot it resets it then, unless the "
            "broker itself closes connections on a subscription it refuses",
            (*ev, "closed after a SUBSCRIBE to a unique kbtui/probe/idle/ topic"),
            advice=(
                f"Compare with the same check straight at the broker; if that passes, give the "
                f"clients a keepalive well below {idle} s or raise the idle timeout on the path."
            ),
            settable=("idle", "host", "port"),
            summary_zh=f"{where}: 没有流量 {idle} 秒后，探测发出订阅时连接被关闭：忘记了这条连接的"
            "负载均衡器或 NAT 会在这时重置它，除非是 Broker 自己因为拒绝订阅而关闭了连接",
            advice_zh=f"直接对 Broker 运行同样的检查作对比；如果那样能通过，就让客户端的 "
            f"keepalive 远小于 {idle} 秒，或者调大路径上的空闲超时。",
        )
    if not data["answered"]:
        return Verdict(
            FAIL,
            f"{where}: after {idle} s without traffic the connection no longer answered; a load "
            "balancer or NAT forgot it",
            (*ev, "no SUBACK to a subscribe sent after the wait"),
            advice=(
                f"Give the clients a keepalive well below {idle} s, or raise the idle timeout on "
                "the path."
            ),
            settable=("idle", "host", "port"),
            summary_zh=f"{where}: 没有流量 {idle} 秒后连接不再应答；负载均衡器或 NAT 忘记了它",
            advice_zh=f"让客户端的 keepalive 远小于 {idle} 秒，或者调大路径上的空闲超时。",
        )
    return Verdict(
        PASS,
        f"{where}: a silent connection survived {idle} s (any idle timeout on the path is longer)",
        (*ev, "the broker answered a subscribe after the wait"),
        settable=("idle",),
        summary_zh=f"{where}: 静默的连接坚持了 {idle} 秒（路径上如有空闲超时，也比这更长）",
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    where = mqtt_where(params, zh)
    idle = shown(params, "idle", 25)
    if zh:
        return Description(
            f"连到{where}、{idle} 秒内不发任何数据的 MQTT 连接",
            "连接没有被关闭，之后 Broker 仍然应答",
        )
    return Description(
        f"an MQTT connection to {where} that sends nothing for {idle} s",
        "it is not closed, and the broker still answers afterwards",
    )


KINDS = [
    CheckKind(
        "mqtt.idle",
        "a silent MQTT connection survives an idle time",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

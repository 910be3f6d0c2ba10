"""`rabbitmq.consumers`: every consumer that acknowledges by hand has a prefetch limit (basic.qos).

Reads the management API's consumers and channels (only the columns it needs). A consumer with
manual acknowledgements and no limit, on its own or on its channel, is sent as many messages as
the queue holds: one greedy worker takes the whole backlog while the others sit idle, and its
process holds all of it in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from kb.checks.base import (
    ERROR,
    FAIL,
    MAX_EVIDENCE_LINES,
    PASS,
    SKIP,
    WARN,
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.kinds._common import PASSWORD_ENV, TIMEOUT, USERNAME_ENV, joined, shown
from kb.checks.kinds.rabbitmq_api import MANAGEMENT_URL, not_read, read

PARAMS = (
    TIMEOUT,
    MANAGEMENT_URL,
    Param("vhost", str, help="only this virtual host (default: all)"),
    Param("queue", str, help="only the consumers of this queue (default: all)"),
    USERNAME_ENV,
    PASSWORD_ENV,
)

CONSUMER_COLUMNS = (
    "queue.name,queue.vhost,channel_details.name,consumer_tag,prefetch_count,ack_required,"
    "active,activity_status"
)
CHANNEL_COLUMNS = "name,prefetch_count,global_prefetch_count,messages_unacknowledged"
QUEUE_COLUMNS = "name,vhost,type"
# a quorum queue turns "no limit" into this many (since quorum queues came in 3.8.0:
# rabbit_quorum_queue.erl up to 3.13, rabbit_fifo_client.erl UNLIMITED_PREFETCH_COUNT in 4.x)
QUORUM_UNLIMITED = 2000
# 4.0.3 stopped reporting a channel's global (channel-wide) limit, which is still enforced up to
# 4.2.x (rabbitmq-server 1539e08d83); 4.3.0 denies global QoS by default and turns a request for
# it into a per-consumer limit, so from there a consumer's own prefetch is the whole story
GLOBAL_DENIED = (4, 3, 0)


def _paths(params: Params) -> tuple[str, str, str, str]:
    vhost = params.get("vhost")
    overview = "/api/overview?columns=rabbitmq_version"
    if vhost is None:
        return (
            f"/api/consumers?columns={CONSUMER_COLUMNS}",
            f"/api/channels?columns={CHANNEL_COLUMNS}",
            f"/api/queues?columns={QUEUE_COLUMNS}",
            overview,
        )
    v = quote(str(vhost), safe="")
    return (
        f"/api/consumers/{v}?columns={CONSUMER_COLUMNS}",
        f"/api/vhosts/{v}/channels?columns={CHANNEL_COLUMNS}",
        f"/api/queues/{v}?columns={QUEUE_COLUMNS}",
        overview,
    )


KEYS = ("consumers", "channels", "queues", "overview")


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    return {key: read(ctx, params, path) for key, path in zip(KEYS, _paths(params), strict=True)}


def _version(text: Any) -> tuple[int, ...] | None:
    parts = str(text or "").split("+")[0].split("-")[0].split(".")
    return tuple(int(p) for p in parts) if parts and all(p.isdigit() for p in parts) else None


# what is known about one consumer's limit
LIMITED, UNLIMITED, UNKNOWN, AUTO_ACK, WAITING, OTHER_PROTOCOL = (
    "limited",
    "unlimited",
    "unknown",
    "auto-ack",
    "waiting",
    "other-protocol",
)


@dataclass(frozen=True)
class Consumer:
    queue: str
    vhost: str
    channel: str
    state: str
    limit: int
    """The prefetch that applies: the consumer's own, and its channel's global one (0: none)."""
    unacked: int
    """Unacknowledged messages on its channel (shared by the channel's consumers)."""
    capacity: int | None = None
    """What the channel's consumers may hold together (None: no limit, or not known)."""
    queue_type: str = "classic"

    def line(self) -> str:
        where = f"queue '{self.queue}' (vhost '{self.vhost}'), channel {self.channel}"
        if self.state == WAITING:
            return f"{where}: waiting (a single active consumer or a higher priority one has it)"
        if self.state == OTHER_PROTOCOL:
            return (
                f"{where}: no prefetch and no channel reported (an AMQP 1.0 link, which its "
                "credit limits, or a channel the API has not reported yet): cannot tell"
            )
        if self.state == AUTO_ACK:
            return f"{where}: automatic acknowledgement (no limit applies)"
        if self.state == UNKNOWN:
            return (
                f"{where}: no prefetch of its own; this broker does not report channel-wide "
                f"(global) limits, which Celery uses: cannot tell, {self.unacked} unacknowledged"
            )
        limit = f"prefetch {self.limit}" if self.limit else "no prefetch limit"
        if not self.limit and self.queue_type == "quorum":
            limit += f" (a quorum queue caps it at {QUORUM_UNLIMITED})"
        full = " (at its limit)" if self.capacity and self.unacked >= self.capacity else ""
        return f"{where}: {limit}, {self.unacked} unacknowledged{full}"


def consumers_of(params: Params, data: dict[str, Any]) -> list[Consumer]:
    channels = {
        str(c.get("name")): c for c in data["channels"]["json"] or [] if isinstance(c, dict)
    }
    types = {
        (str(q.get("vhost")), str(q.get("name"))): str(q.get("type") or "classic")
        for q in data["queues"]["json"] or []
        if isinstance(q, dict)
    }
    overview = data["overview"]["json"] if isinstance(data["overview"]["json"], dict) else {}
    version = _version(overview.get("rabbitmq_version"))
    own_only = version is not None and version >= GLOBAL_DENIED
    every = [c for c in data["consumers"]["json"] or [] if isinstance(c, dict)]
    # the channel's consumers together may hold the sum of their own limits (each is per
    # consumer), or at most its global limit
    owns: dict[str, list[int]] = {}
    for c in every:
        if c.get("ack_required"):
            name = str((c.get("channel_details") or {}).get("name") or "")
            owns.setdefault(name, []).append(int(c.get("prefetch_count") or 0))
    out = []
    for c in every:
        queue = c.get("queue") or {}
        if params.get("queue") is not None and queue.get("name") != params["queue"]:
            continue
        name = str((c.get("channel_details") or {}).get("name") or "")
        ch = channels.get(name)
        own = int(c.get("prefetch_count") or 0)
        shared = int((ch or {}).get("global_prefetch_count") or 0)
        global_known = ch is not None and ("global_prefetch_count" in ch or own_only)
        limits = [x for x in (own, shared) if x]
        per_consumer = owns.get(name, [])
        capacity = None
        if per_consumer and all(per_consumer):
            capacity = sum(per_consumer)
        if shared:
            capacity = min(capacity or shared, shared)
        if c.get("active") is False or c.get("activity_status") == "waiting":
            state = WAITING
        elif not c.get("ack_required"):
            state = AUTO_ACK
        elif limits:
            state = LIMITED
        elif not name:
            # no channel: an AMQP 1.0 link (its credit limits it), or an AMQP 0-9-1 consumer whose
            # channel figures the API has not reported yet (up to one statistics interval)
            state = OTHER_PROTOCOL
        elif global_known:
            state = UNLIMITED
        else:
            state = UNKNOWN
        out.append(
            Consumer(
                queue=str(queue.get("name") or "?"),
                vhost=str(queue.get("vhost") or "?"),
                channel=name or "-",
                state=state,
                limit=min(limits) if limits else 0,
                unacked=int((ch or {}).get("messages_unacknowledged") or 0),
                capacity=capacity,
                queue_type=types.get((str(queue.get("vhost")), str(queue.get("name"))), "classic"),
            )
        )
    return out


ORDER = (UNLIMITED, UNKNOWN, AUTO_ACK, LIMITED, WAITING, OTHER_PROTOCOL)


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    for key, path in zip(KEYS, _paths(params), strict=True):
        if key == "overview":
            continue  # the version only sharpens the verdict; older or locked-down APIs lack it
        refused = not_read(path.split("?")[0], data[key], settable=("url", "vhost"))
        if refused is not None:
            return refused
        if not isinstance(data[key]["json"], list):
            return Verdict(
                ERROR,
                f"{path.split('?')[0]} did not answer a JSON list (or answered more than 1 MiB)",
                (f"HTTP {data[key]['status']} {data[key]['reason']}",),
                settable=("vhost", "queue"),
                summary_zh=f"{path.split('?')[0]} 返回的不是 JSON 列表（或者超过了 1 MiB）",
            )
    found = consumers_of(params, data)
    where = f" of queue '{params['queue']}'" if params.get("queue") is not None else ""
    where_zh = f"队列 '{params['queue']}' 的" if params.get("queue") is not None else ""
    if not found:
        return Verdict(
            SKIP, f"no consumers{where} to look at", summary_zh=f"没有{where_zh}消费者可查看"
        )
    ordered = sorted(found, key=lambda c: (ORDER.index(c.state), -c.unacked))
    ev = tuple(c.line() for c in ordered[:MAX_EVIDENCE_LINES])
    by = {state: [c for c in found if c.state == state] for state in ORDER}
    if by[UNLIMITED]:
        held = max(c.unacked for c in by[UNLIMITED])
        return Verdict(
            FAIL,
            f"{len(by[UNLIMITED])} of {len(found)} consumer(s){where} acknowledge by hand with "
            f"no prefetch limit (the greediest channel holds {held} unacknowledged)",
            ev,
            advice=(
                "Give every consumer a prefetch limit (basic.qos) in its client settings, so the "
                "broker hands each worker only a few messages at a time."
            ),
            settable=("vhost", "queue"),
            summary_zh=f"{len(found)} 个{where_zh}消费者中有 {len(by[UNLIMITED])} 个手动确认"
            f"但没有 prefetch 限制（最贪心的通道持有 {held} 条未确认消息）",
            advice_zh="在每个消费者的客户端设置里加上 prefetch 限制（basic.qos），"
            "让 Broker 每次只交给每个 worker 少量消息。",
        )
    doubts: list[tuple[str, str]] = []
    if by[UNKNOWN]:
        doubts.append(
            (
                f"{len(by[UNKNOWN])} whose limit this broker does not report (a channel-wide one)",
                f"{len(by[UNKNOWN])} 个的限制这个 Broker 不报告（通道级的限制）",
            )
        )
    if by[OTHER_PROTOCOL]:
        doubts.append(
            (
                f"{len(by[OTHER_PROTOCOL])} without a channel reported (cannot tell)",
                f"{len(by[OTHER_PROTOCOL])} 个没有报告通道（无法判断）",
            )
        )
    if by[AUTO_ACK]:
        doubts.append(
            (
                f"{len(by[AUTO_ACK])} with automatic acknowledgement (no limit applies)",
                f"{len(by[AUTO_ACK])} 个使用自动确认（不适用限制）",
            )
        )
    if doubts:
        en, zh = joined(doubts, "; ", "；")
        return Verdict(
            WARN,
            f"{len(found)} consumer(s){where}: {en}",
            ev,
            settable=("queue",),
            summary_zh=f"{len(found)} 个{where_zh}消费者：{zh}",
        )
    full = sum(1 for c in by[LIMITED] if c.capacity and c.unacked >= c.capacity)
    at_limit = f"; {full} at their limit" if full else ""
    at_limit_zh = f"；其中 {full} 个已达到上限" if full else ""
    return Verdict(
        PASS,
        f"{len(found)} consumer(s){where} have a prefetch limit{at_limit}",
        ev,
        summary_zh=f"全部 {len(found)} 个{where_zh}消费者都有 prefetch 限制{at_limit_zh}",
    )


def describe(params: Params, lang: str) -> Description:
    url = shown(params, "url", "http://127.0.0.1:15672")
    queue = params.get("queue")
    if lang == "zh":
        who = f"队列 `{queue}` 的消费者" if queue else "所有消费者"
        return Description(
            f"RabbitMQ 管理 API {url} 上{who}的 prefetch（basic.qos）设置",
            "每个手动确认（manual ack）的消费者都设置了 prefetch 上限",
            skip="没有可检查的消费者",
        )
    who = f"the consumers of queue `{queue}`" if queue else "every consumer"
    return Description(
        f"the prefetch (basic.qos) of {who}, read from the RabbitMQ management API at {url}",
        "every consumer that acknowledges by hand has a prefetch limit",
        skip="there are no consumers to look at",
    )


KINDS = [
    CheckKind(
        "rabbitmq.consumers",
        "every manually acknowledging consumer has a prefetch limit",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

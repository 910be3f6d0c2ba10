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
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.kinds._common import PASSWORD_ENV, TIMEOUT, USERNAME_ENV, http_url, shown
from kb.checks.kinds.rabbitmq_api import not_read, read

PARAMS = (
    TIMEOUT,
    Param(
        "url",
        str,
        default="http://127.0.0.1:15672",
        help="management API base URL",
        check=http_url,
    ),
    Param("vhost", str, help="only this virtual host (default: all)"),
    Param("queue", str, help="only the consumers of this queue (default: all)"),
    USERNAME_ENV,
    PASSWORD_ENV,
)

CONSUMER_COLUMNS = (
    "queue.name,queue.vhost,channel_details.name,consumer_tag,prefetch_count,ack_required"
)
CHANNEL_COLUMNS = "name,prefetch_count,global_prefetch_count,messages_unacknowledged"
QUEUE_COLUMNS = "name,vhost,type"
# a quorum queue turns "no limit" into this many (rabbit_quorum_queue.erl since 3.12.0,
# rabbit_fifo_client.erl UNLIMITED_PREFETCH_COUNT in 4.x)
QUORUM_UNLIMITED = 2000


def _paths(params: Params) -> tuple[str, str, str]:
    vhost = params.get("vhost")
    if vhost is None:
        return (
            f"/api/consumers?columns={CONSUMER_COLUMNS}",
            f"/api/channels?columns={CHANNEL_COLUMNS}",
            f"/api/queues?columns={QUEUE_COLUMNS}",
        )
    v = quote(str(vhost), safe="")
    return (
        f"/api/consumers/{v}?columns={CONSUMER_COLUMNS}",
        f"/api/vhosts/{v}/channels?columns={CHANNEL_COLUMNS}",
        f"/api/queues/{v}?columns={QUEUE_COLUMNS}",
    )


KEYS = ("consumers", "channels", "queues")


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any]:
    return {key: read(ctx, params, path) for key, path in zip(KEYS, _paths(params), strict=True)}


@dataclass(frozen=True)
class Consumer:
    queue: str
    vhost: str
    channel: str
    tag: str
    manual_ack: bool
    limit: int
    """The prefetch that applies: the consumer's own, else its channel's global one (0: none)."""
    unacked: int
    """Unacknowledged messages on its channel (shared by the channel's consumers)."""
    queue_type: str = "classic"

    def line(self) -> str:
        where = f"queue '{self.queue}' (vhost '{self.vhost}'), channel {self.channel}"
        if not self.manual_ack:
            return f"{where}: automatic acknowledgement (no prefetch applies)"
        limit = f"prefetch {self.limit}" if self.limit else "no prefetch limit"
        if not self.limit and self.queue_type == "quorum":
            limit += f" (a quorum queue caps it at {QUORUM_UNLIMITED})"
        full = " (at its limit)" if self.limit and self.unacked >= self.limit else ""
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
    out = []
    for c in data["consumers"]["json"] or []:
        if not isinstance(c, dict):
            continue
        queue = c.get("queue") or {}
        if params.get("queue") is not None and queue.get("name") != params["queue"]:
            continue
        name = str((c.get("channel_details") or {}).get("name") or "?")
        ch = channels.get(name) or {}
        own, shared = int(c.get("prefetch_count") or 0), int(ch.get("global_prefetch_count") or 0)
        limit = min(x for x in (own, shared) if x) if (own or shared) else 0
        out.append(
            Consumer(
                queue=str(queue.get("name") or "?"),
                vhost=str(queue.get("vhost") or "?"),
                channel=name,
                tag=str(c.get("consumer_tag") or ""),
                manual_ack=bool(c.get("ack_required")),
                limit=limit,
                unacked=int(ch.get("messages_unacknowledged") or 0),
                queue_type=types.get((str(queue.get("vhost")), str(queue.get("name"))), "classic"),
            )
        )
    return out


def evaluate(params: Params, data: dict[str, Any]) -> Verdict:
    for key, path in zip(KEYS, _paths(params), strict=True):
        refused = not_read(path.split("?")[0], data[key], settable=("url", "vhost"))
        if refused is not None:
            return refused
        if not isinstance(data[key]["json"], list):
            return Verdict(
                ERROR,
                f"{path.split('?')[0]} did not answer a JSON list (or answered more than 1 MiB)",
                (f"HTTP {data[key]['status']} {data[key]['reason']}",),
                settable=("vhost", "queue"),
            )
    found = consumers_of(params, data)
    where = f" of queue '{params['queue']}'" if params.get("queue") is not None else ""
    if not found:
        return Verdict(SKIP, f"no consumers{where} to look at")
    unlimited = [c for c in found if c.manual_ack and not c.limit]
    ordered = sorted(found, key=lambda c: (c not in unlimited, -c.unacked))
    ev = tuple(c.line() for c in ordered[:MAX_EVIDENCE_LINES])
    if unlimited:
        held = max(c.unacked for c in unlimited)
        return Verdict(
            FAIL,
            f"{len(unlimited)} of {len(found)} consumer(s){where} acknowledge by hand with no "
            f"prefetch limit (the greediest channel holds {held} unacknowledged)",
            ev,
            advice=(
                "Give every consumer a prefetch limit (basic.qos) in its client settings, so the "
                "broker hands each worker only a few messages at a time."
            ),
            settable=("vhost", "queue"),
        )
    full = sum(1 for c in found if c.manual_ack and c.unacked >= c.limit > 0)
    at_limit = f"; {full} at their limit" if full else ""
    return Verdict(PASS, f"{len(found)} consumer(s){where} have a prefetch limit{at_limit}", ev)


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

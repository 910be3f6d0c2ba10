"""One way to present what a check or a scan found: redact, then clip; one overall status; one
line for an exception. The runner and doctor both use it, so a result reads the same wherever it
comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.checks.base import MAX_EVIDENCE_CHARS, MAX_EVIDENCE_LINES, PASS, SEVERITY
from kb.checks.context import Cancelled, DeadlineExceeded
from kb.redact import redact_clip

# exception types whose name adds nothing to their message
_PLAIN = (
    "RuntimeError",
    "ValueError",
    "Exception",
    "ConnectionError",
    "PermissionError",
    "DockerUnavailable",
    "MqttError",
    "AmqpError",
    "ReadOnlyViolation",
)


def reason(exc: BaseException) -> str:
    """A one-line reason for an exception, without a traceback."""
    if isinstance(exc, (DeadlineExceeded, Cancelled)):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    if not text:
        return name
    return text if name in _PLAIN else f"{name}: {text}"


# the reasons probes give most often (kb.checks.dockerclient, mqtt, httpget, the kinds' own
# raises), in Chinese: (English pattern, Chinese template over its groups); what a library says
# (a TLS error's text, an API error's body) stays verbatim inside
_REASONS_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), zh)
    for pattern, zh in (
        (r"no result within (\S+) s", "{0} 秒内没有结果（超过时限）"),
        (r"cancelled", "已取消"),
        (
            r"no Docker daemon at (\S+): the socket does not exist \(is dockerd running\?\)",
            "{0} 上没有 Docker 守护进程：套接字不存在（dockerd 在运行吗？）",
        ),
        (
            r"no Docker daemon at (\S+): connection refused",
            "{0} 上没有 Docker 守护进程：连接被拒绝",
        ),
        (
            r"permission denied on (\S+): run as root or add the user to the docker group",
            "无权访问 {0}：请用 root 运行，或把当前用户加入 docker 组",
        ),
        (
            r"the Docker daemon at (\S+) did not answer in time",
            "{0} 上的 Docker 守护进程没有及时响应",
        ),
        (
            r"cannot reach the Docker daemon at (\S+): (.*)",
            "无法连接 {0} 上的 Docker 守护进程：{1}",
        ),
        (r"Docker API error from (\S+): (.*)", "{0} 返回了 Docker API 错误：{1}"),
        (r"cannot use Docker endpoint (\S+): (.*)", "无法使用 Docker 端点 {0}：{1}"),
        (r"no MQTT broker at (\S+): connection refused", "{0} 上没有 MQTT Broker：连接被拒绝"),
        (r"no answer from (\S+) within the deadline", "{0} 在时限内没有应答"),
        (r"cannot reach (\S+): (.*)", "无法连接 {0}：{1}"),
        (r"(\S+) sent no (.+) within the deadline", "{0} 在时限内没有发回 {1}"),
        (r"(\S+) closed the connection before (.+)", "{0} 在 {1} 之前关闭了连接"),
        (r"(\S+) refused the connection:? \(?([^)]*)\)?", "{0} 拒绝了连接：{1}"),
        (r"cannot connect to (\S+): (.*)", "无法连接 {0}：{1}"),
        (
            r"cannot open an AMQP connection to (\S+): connection refused",
            "无法打开到 {0} 的 AMQP 连接：连接被拒绝",
        ),
        (
            r"cannot open an AMQP connection to (\S+): no answer within the deadline",
            "无法打开到 {0} 的 AMQP 连接：时限内没有应答",
        ),
        (r"cannot open an AMQP connection to (\S+): (.*)", "无法打开到 {0} 的 AMQP 连接：{1}"),
        (
            r"cannot read the kernel log \(/dev/kmsg\): run as root or allow dmesg",
            "无法读取内核日志（/dev/kmsg）：请用 root 运行，或允许读取 dmesg",
        ),
        (
            r"not allowed to bind (\S+); run as root to test ports below 1024",
            "无权绑定 {0}；测试 1024 以下的端口需要 root 权限",
        ),
        (
            r"FileNotFoundError: (\S+) does not exist on this host \(set path=\.\.\.\)",
            "这台主机上不存在 {0}（用 path=... 指定）",
        ),
    )
)


def reason_zh(text: str) -> str:
    """A probe's one-line reason (`reason`) in Chinese: the known ones worded, any other kept
    verbatim after a Chinese lead-in."""
    for pattern, zh in _REASONS_ZH:
        m = pattern.fullmatch(text)
        if m is not None:
            return zh.format(*m.groups())
    return f"检查未能完成：{text}"


def line(text: str, secrets: Iterable[str] = (), subject: str | None = None) -> str:
    """One line: secrets redacted first (a cut must never leave half a secret), then clipped.

    A leading `subject: ` (the container a result is about) is a name, not a `key: value` pair
    the redactor should mask (`kbtui-test-cookie: EMQX_NODE__COOKIE is not set`).
    """
    text = str(text)
    if subject and text.startswith(f"{subject}: "):
        rest = text[len(subject) + 2 :]
        room = max(40, MAX_EVIDENCE_CHARS - len(subject) - 2)
        return f"{subject}: {redact_clip(rest, room, secrets)}"
    return redact_clip(text, MAX_EVIDENCE_CHARS, secrets)


def evidence(lines: Iterable[str], secrets: Iterable[str] = ()) -> list[str]:
    """Evidence lines, each through `line`, at most MAX_EVIDENCE_LINES (the last says how many
    more there were)."""
    items = list(lines)
    if len(items) > MAX_EVIDENCE_LINES:
        extra = len(items) - (MAX_EVIDENCE_LINES - 1)
        items = items[: MAX_EVIDENCE_LINES - 1] + [f"… {extra} more"]
    return [line(x, secrets) for x in items]


def worst(statuses: Iterable[str]) -> str:
    """The worst of `statuses` (pass when there are none)."""
    out = PASS
    for status in statuses:
        if SEVERITY[status] > SEVERITY[out]:
            out = status
    return out

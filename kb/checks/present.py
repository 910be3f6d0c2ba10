"""One way to present what a check or a scan found: redact, then clip; one overall status; one
line for an exception. The runner and doctor both use it, so a result reads the same wherever it
comes from.
"""

from __future__ import annotations

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

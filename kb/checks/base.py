"""Types shared by every check kind: parameters, the kind declaration, verdicts and results.

A kind goes probe -> evaluate -> present (the nagiosplugin split): `probe(ctx, params)` collects
plain data (dicts, lists, strings) and may block on I/O; `evaluate(params, data)` is a pure function
that turns that data into a `Verdict`; the runner wraps both with a deadline and turns timeouts and
exceptions into `error` results. The CLI and the TUI only present `CheckResult`s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

PASS, WARN, FAIL, ERROR, SKIP = "pass", "warn", "fail", "error", "skip"
# worst first: used to rank results and pick an overall status
SEVERITY: dict[str, int] = {FAIL: 4, ERROR: 3, WARN: 2, SKIP: 1, PASS: 0}

MAX_EVIDENCE_LINES = 20
MAX_EVIDENCE_CHARS = 300
DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 30.0


@dataclass(frozen=True)
class Param:
    """A declared parameter of a check kind. `type` is one of str, int, float, bool, list."""

    name: str
    type: type
    required: bool = False
    default: Any = None
    help: str = ""
    choices: tuple[Any, ...] = ()
    # range/shape check of a value of the right type: None if fine, else what is wrong (one line,
    # completing "parameter 'x' ...", e.g. "must be a TCP port, 1-65535; got 70000")
    check: Callable[[Any], str | None] | None = None


@dataclass(frozen=True)
class Verdict:
    """What `evaluate` decides: status, one-line summary, evidence lines, what to do next."""

    status: str
    summary: str
    evidence: tuple[str, ...] = ()
    next: str | None = None


@dataclass(frozen=True)
class CheckKind:
    """A registered check kind. `probe` does the I/O; `evaluate` is pure."""

    name: str
    summary: str
    params: tuple[Param, ...]
    probe: Callable[[Any, dict[str, Any]], Any]
    evaluate: Callable[[dict[str, Any], Any], Verdict]
    active: bool = False  # sends something (only the MQTT round trip)

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None


@dataclass
class CheckResult:
    """The outcome of running one check, ready to present or serialise."""

    check: str
    kind: str
    title: str
    status: str
    summary: str
    evidence: list[str] = field(default_factory=list)
    duration: float = 0.0
    next: str | None = None
    entry: str | None = None
    target: str | None = None
    active: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["duration"] = round(self.duration, 3)
        return d

"""The check contract: parameters, the kind declaration, the probe context, verdicts and results.

A kind goes probe -> evaluate -> present (the nagiosplugin split): `probe(ctx, params)` collects
plain data (dicts, lists, strings) and may block on I/O; `evaluate(params, data)` is a pure function
that turns that data into a `Verdict`; `describe(params, lang)` says in plain words what the check
looks at and what healthy means (the site and the TUI show it). The runner wraps probe and evaluate
with a deadline and turns timeouts and exceptions into `error` results. A result says *what next*
as data (`Next`: an entry id, the parameters worth changing, advice); the CLI and the TUI each word
it for their own medium.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


class Cancelled(Exception):
    """The user cancelled the run."""


class DeadlineExceeded(Exception):
    """The probe ran past its deadline."""


Params = Mapping[str, Any]
"""The parameters a check runs with: entry defaults < target < user overrides, validated."""

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


class ProbeContext(Protocol):
    """What a probe may use: its deadline, cancellation, secrets, recording and Docker access.

    The runner hands each probe one (`kb.checks.context.RunContext`); tests may pass their own.
    """

    timeout: float
    deadline: float
    cancel: threading.Event

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        ...

    def check(self) -> None:
        """Raise if cancelled or past the deadline; probes call this between steps."""
        ...

    def on_abort(self, fn: Callable[[], None]) -> None:
        """Call `fn` (close a socket) when the runner abandons the probe."""
        ...

    def add_secret(self, value: str | None) -> None:
        """Redact `value` from everything this check outputs."""
        ...

    def credential(self, env_name: str | None, *, user: bool = False) -> str | None:
        """The value of environment variable `env_name`, registered as a secret (a `user` name:
        masked where it stands as a word)."""
        ...

    def record(self, channel: str, what: str) -> None:
        """Note what was sent on the wire (the read-only audit)."""
        ...

    def docker(self, host: str | None = None) -> Any:
        """The read-only Docker client for `host` (a configured name or URL)."""
        ...


def in_lang(en: str, zh: str | None, lang: str) -> str:
    """`zh` when `lang` is Chinese and there is a Chinese text, else `en`: the one rule."""
    return zh if lang == "zh" and zh else en


@dataclass(frozen=True)
class Next:
    """What to look at next, as data: the CLI says `kb show ID` / `--set NAME=…`, the TUI a key."""

    entry: str | None = None
    """The entry that explains this result (set by the runner for fail/warn)."""
    params: tuple[str, ...] = ()
    """Parameters the user may change to look elsewhere (`container`, `timeout`, …)."""
    advice: str | None = None
    """Advice in plain words that holds in any medium (no command lines, no keys)."""
    advice_zh: str | None = None
    """The same advice in Chinese (None: the kind has none; `advice_in` falls back to English)."""

    def advice_in(self, lang: str) -> str | None:
        """The advice in `lang` (`zh`: the Chinese where there is one), else the English."""
        return in_lang(self.advice, self.advice_zh, lang) if self.advice else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "params": list(self.params),
            "advice": self.advice,
            "advice_zh": self.advice_zh,
        }


@dataclass(frozen=True)
class Verdict:
    """What `evaluate` decides: status, one-line summary, evidence lines, what to do next."""

    status: str
    summary: str
    evidence: tuple[str, ...] = ()
    advice: str | None = None
    """Plain-words advice (`Next.advice`)."""
    settable: tuple[str, ...] = ()
    """Parameters worth changing (`Next.params`)."""
    summary_zh: str | None = None
    """The summary in Chinese, written next to the English by every kind (identifiers, paths,
    numbers, container names and log text kept verbatim); tests/test_check_zh.py fails for
    a kind that builds a verdict without one."""
    advice_zh: str | None = None
    """The advice in Chinese (given wherever `advice` is)."""


@dataclass(frozen=True)
class Description:
    """A check in plain words, for the site and the TUI: what it looks at, what healthy means."""

    looks_at: str
    healthy: str
    skip: str | None = None
    """When this kind reports skip (None: the generic "not applicable here")."""


Probe = Callable[[ProbeContext, Params], Any]
Evaluate = Callable[[Params, Any], Verdict]
Describe = Callable[[Params, str], Description]


@dataclass(frozen=True)
class CheckKind:
    """A registered check kind. `probe` does the I/O; `evaluate` is pure; `describe` words it."""

    name: str
    summary: str
    params: tuple[Param, ...]
    probe: Probe
    evaluate: Evaluate
    describe: Describe | None = None
    active: bool = False  # sends something (only the MQTT round trip)
    # groups of parameters of which each check must set at least one (docker.logs: a pattern or
    # the entry's signatures; docker.inspect: a comparison), so `kb lint` says so, not the run
    needs_one_of: tuple[tuple[str, ...], ...] = ()

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
    next: Next | None = None
    entry: str | None = None
    target: str | None = None
    active: bool = False
    summary_zh: str | None = None
    """The summary in Chinese (redacted as `summary` is); None where there is none."""

    def summary_in(self, lang: str) -> str:
        """The summary in `lang`: the Chinese under `zh` where there is one, else the English.
        Every face (CLI, TUI, doctor) asks this, so the fallback rule lives here only."""
        return in_lang(self.summary, self.summary_zh, lang)

    def advice_in(self, lang: str) -> str | None:
        """The advice (`next.advice`) in `lang`, falling back to the English; None if none."""
        return self.next.advice_in(lang) if self.next is not None else None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["duration"] = round(self.duration, 3)
        d["next"] = self.next.to_dict() if self.next is not None else None
        return d

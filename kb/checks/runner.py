"""Run an entry's checks: resolve parameters, enforce the deadline, evaluate, redact, present.

Each probe runs in a daemon thread. The runner waits for it until the whole-probe deadline (the
check's `timeout`, default 5 s, capped at 30 s) or a cancel, then abandons it: it shuts down the
sockets the probe registered and returns `error`. Exceptions become `error` with a one-line reason;
no traceback ever reaches a result.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from kb.checks import registry
from kb.checks.base import (
    DEFAULT_TIMEOUT,
    ERROR,
    FAIL,
    MAX_EVIDENCE_CHARS,
    MAX_EVIDENCE_LINES,
    MAX_TIMEOUT,
    SKIP,
    WARN,
    CheckResult,
    Verdict,
)
from kb.checks.context import Cancelled, DeadlineExceeded, ProbeContext
from kb.redact import redact, redact_clip

GRACE = 0.1  # how long after the deadline we wait for a probe that is finishing its own timeout


class ParamError(ValueError):
    """Bad parameter overrides (`--set`): the message says which and how to fix it."""


def parse_overrides(items: Iterable[str] | dict[str, Any] | None) -> dict[str, Any]:
    """`["k=v", ...]` to a dict, each value read as a YAML scalar (`3` int, `true` bool, `[0, 1]` list)."""
    if items is None:
        return {}
    if isinstance(items, dict):
        return dict(items)
    import yaml

    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ParamError(f"--set {item!r}: use --set NAME=VALUE")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        if value is None:
            value = raw
        out[key.strip()] = value
    return out


def _coerce(kind_name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Small friendly coercions: an int where a number is declared is fine; `--set x=5` for a string."""
    kind = registry.get(kind_name)
    if kind is None:
        return params
    out = dict(params)
    for name, value in params.items():
        p = kind.param(name)
        if p is None:
            continue
        if p.type is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = str(value)
        if p.type is list and isinstance(value, (str, int)) and not isinstance(value, bool):
            out[name] = [value]
    return out


def resolve_params(
    spec: Any, overrides: dict[str, Any] | None = None, target: Any = None
) -> tuple[dict[str, Any], list[str]]:
    """The parameters a check runs with (entry defaults < target < overrides) and any problems."""
    from kb.checks import targets as targets_mod

    kind = registry.get(spec.kind)
    if kind is None:
        return {}, registry.validate_params(spec.kind, {})
    declared = {p.name for p in kind.params}
    params = dict(spec.params)
    if target is not None:
        params.update(targets_mod.params_for(spec.kind, declared, target))
    if overrides:
        # an override the kind does not declare is ignored for this check but reported once by the CLI
        params.update({k: v for k, v in overrides.items() if k in declared})
    params = _coerce(spec.kind, params)
    return params, registry.validate_params(spec.kind, params)


def _timeout_for(spec: Any, params: dict[str, Any]) -> float:
    value = params.get("timeout") or getattr(spec, "timeout", None) or DEFAULT_TIMEOUT
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = DEFAULT_TIMEOUT
    return max(0.1, min(value, MAX_TIMEOUT))


def _reason(exc: BaseException) -> str:
    """A one-line reason for an exception, without a traceback."""
    if isinstance(exc, (DeadlineExceeded, Cancelled)):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    generic = (
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
    if not text:
        return name
    return text if name in generic else f"{name}: {text}"


def _clip(line: str, secrets: set[str] | frozenset[str] = frozenset()) -> str:
    """Redacted, then cut (never the other way round: a cut could leave a secret's head)."""
    return redact_clip(line, MAX_EVIDENCE_CHARS, secrets)


def _present(
    spec: Any,
    entry: Any,
    verdict: Verdict,
    duration: float,
    secrets: set[str],
    target_name: str | None,
    active: bool,
) -> CheckResult:
    status = verdict.status
    if status == FAIL and getattr(spec, "on_fail", "fail") == "warn":
        status = WARN
    evidence = list(verdict.evidence)
    if len(evidence) > MAX_EVIDENCE_LINES:
        extra = len(evidence) - (MAX_EVIDENCE_LINES - 1)
        evidence = evidence[: MAX_EVIDENCE_LINES - 1] + [f"… {extra} more"]
    entry_id = getattr(entry, "id", None)
    nxt = verdict.next
    if nxt is None and status in (FAIL, WARN) and entry_id:
        nxt = f"kb show {entry_id}"
    return CheckResult(
        check=spec.id,
        kind=spec.kind,
        title=redact(spec.title, secrets),
        status=status,
        summary=_clip(verdict.summary, secrets),
        evidence=[_clip(str(e), secrets) for e in evidence],
        duration=duration,
        next=redact(nxt, secrets) if nxt else None,
        entry=entry_id,
        target=target_name,
        active=active,
    )


def run_check(
    entry: Any,
    spec: Any,
    overrides: dict[str, Any] | Iterable[str] | None = None,
    target: Any = None,
    cancel: threading.Event | None = None,
    *,
    docker_hosts: dict[str, str] | None = None,
    default_docker_host: str | None = None,
) -> CheckResult:
    """Run one check of `entry`. Never raises for a probe problem: that is an `error` result."""
    start = time.monotonic()
    kind = registry.get(spec.kind)
    target_name = getattr(target, "name", None)
    if isinstance(target, str):
        from kb.checks import targets as targets_mod

        found = targets_mod.load()
        target_obj = found.broker(target) or found.docker_host(target)
        if target_obj is None:
            return _present(
                spec,
                entry,
                Verdict(ERROR, f"no target named {target!r} in the config"),
                0.0,
                set(),
                target,
                False,
            )
        target, target_name = target_obj, target
        docker_hosts = {**found.docker_urls(), **(docker_hosts or {})}
    if kind is None:
        return _present(
            spec,
            entry,
            Verdict(ERROR, f"unknown check kind {spec.kind!r}"),
            0.0,
            set(),
            target_name,
            False,
        )
    try:
        params, problems = resolve_params(spec, parse_overrides(overrides), target)
    except ParamError as exc:
        problems, params = [str(exc)], {}
    if problems:
        return _present(
            spec, entry, Verdict(ERROR, "; ".join(problems)), 0.0, set(), target_name, kind.active
        )

    timeout = _timeout_for(spec, params)
    ctx = ProbeContext(
        timeout, cancel, entry, docker_hosts=docker_hosts, default_docker_host=default_docker_host
    )
    box: dict[str, Any] = {}

    def work() -> None:
        ctx.activate()
        try:
            box["data"] = kind.probe(ctx, params)
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a result
            box["exc"] = exc

    thread = threading.Thread(target=work, name=f"kb-check-{spec.id}", daemon=True)
    thread.start()
    while thread.is_alive():
        remaining = ctx.deadline + GRACE - time.monotonic()
        if remaining <= 0 or ctx.cancel.is_set():
            break
        thread.join(min(0.05, remaining))
    if thread.is_alive():
        ctx.abort()  # unblock sockets; the daemon thread is abandoned
        if ctx.cancel.is_set():
            verdict = Verdict(SKIP, "cancelled")
        else:
            verdict = Verdict(
                ERROR,
                f"no result within {timeout:g} s (deadline)",
                next="the target may be hung or unreachable; raise `timeout` to wait longer",
            )
    elif "exc" in box:
        failure = box["exc"]
        if isinstance(failure, Cancelled):
            verdict = Verdict(SKIP, "cancelled")
        else:
            verdict = Verdict(ERROR, _reason(failure))
    else:
        try:
            verdict = kind.evaluate(params, box.get("data"))
        except Exception as exc:  # noqa: BLE001 - a bug in an evaluator must not crash the caller
            verdict = Verdict(ERROR, f"could not evaluate the result: {_reason(exc)}")
    ctx.abort()  # release anything the probe left registered
    return _present(
        spec, entry, verdict, time.monotonic() - start, ctx.secrets, target_name, kind.active
    )


def run_checks(
    entry: Any,
    specs: Iterable[Any] | None = None,
    overrides: dict[str, Any] | Iterable[str] | None = None,
    target: Any = None,
    on_result: Callable[[CheckResult], None] | None = None,
    cancel: threading.Event | None = None,
    **kwargs: Any,
) -> list[CheckResult]:
    """Run `specs` (default: all of the entry's checks) in order; `on_result` sees each as it ends."""
    results: list[CheckResult] = []
    parsed = parse_overrides(overrides) if not isinstance(overrides, dict) else overrides
    for spec in list(specs if specs is not None else entry.checks):
        if cancel is not None and cancel.is_set():
            break
        result = run_check(entry, spec, parsed, target, cancel, **kwargs)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def overall(results: Iterable[CheckResult]) -> str:
    """The worst status among `results` (pass when empty)."""
    from kb.checks.base import PASS, SEVERITY

    worst = PASS
    for r in results:
        if SEVERITY[r.status] > SEVERITY[worst]:
            worst = r.status
    return worst


def exit_code(results: Iterable[CheckResult]) -> int:
    """CLI exit code: 0 all pass/skip, 1 a fail or warn, 3 an error (could not run)."""
    from kb.errors import EXIT_COULD_NOT_RUN, EXIT_OK, EXIT_PROBLEM

    statuses = {r.status for r in results}
    if ERROR in statuses:
        return EXIT_COULD_NOT_RUN
    if statuses & {FAIL, WARN}:
        return EXIT_PROBLEM
    return EXIT_OK

"""Live check and doctor results as Prometheus metrics (`kb serve metrics`).

Signatures tell Prometheus what was *logged*; checks tell what *is* (a port answers, a container
has a mount, an alarm is set). `kb serve metrics` runs chosen entries' checks and `kb doctor` on
an interval, each round under a deadline, and serves the last results in Prometheus' text format
so the fleet's own rules can alert on them too. Everything it runs is a read-only check; checks
that send something (the MQTT round trip) are left out unless asked for.

Metrics (label values pass through the one redactor):
- `kb_check_status{entry,check,kind,host}`: 0 pass, 1 warn, 2 fail, 3 error, 4 skip;
- `kb_check_duration_seconds{entry,check,kind,host}`;
- `kb_doctor_finding{entry,container,host,kind,status}`: 1 for each current finding;
- `kb_doctor_host_ok{host}`: 1 when the host was scanned completely;
- `kb_refresh_complete`, `kb_refresh_duration_seconds`, `kb_refresh_timestamp_seconds`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from kb.checks.base import ERROR, CheckResult
from kb.model import Entry
from kb.words import Words

STATUS_VALUE: dict[str, int] = {"pass": 0, "warn": 1, "fail": 2, "error": 3, "skip": 4}


@dataclass(frozen=True)
class Selected:
    """One check to run each round, and the host label its result carries. `docker_host` is the
    Docker endpoint (a URL or context; None: the environment's own) its docker.* and host.*
    kinds use when their parameters name none: with several `--host`, one Selected per host."""

    entry: Entry
    spec: Any
    host: str
    docker_host: str | None = None


@dataclass
class Round:
    """The results of one refresh."""

    checks: list[tuple[Selected, CheckResult]] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    hosts: list[Any] = field(default_factory=list)
    complete: bool = True
    duration: float = 0.0
    finished_at: float = 0.0


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str | None) -> str:
    from kb.redact import redact

    parts = [f'{k}="{_escape(redact(v or ""))}"' for k, v in labels.items()]
    return "{" + ",".join(parts) + "}"


def render(rnd: Round | None) -> str:
    """Prometheus text exposition (version 0.0.4) of a round; before the first one, just that."""
    out: list[str] = []

    def family(name: str, kind: str, help_text: str) -> None:
        out.append(f"# HELP {name} {help_text}")
        out.append(f"# TYPE {name} {kind}")

    family(
        "kb_check_status",
        "gauge",
        "Result of a knowledge-base check: 0 pass, 1 warn, 2 fail, 3 error, 4 skip.",
    )
    for sel, res in rnd.checks if rnd else ():
        labels = _labels(entry=sel.entry.id, check=sel.spec.id, kind=sel.spec.kind, host=sel.host)
        out.append(f"kb_check_status{labels} {STATUS_VALUE.get(res.status, 3)}")
    family("kb_check_duration_seconds", "gauge", "How long the check took in the last round.")
    for sel, res in rnd.checks if rnd else ():
        labels = _labels(entry=sel.entry.id, check=sel.spec.id, kind=sel.spec.kind, host=sel.host)
        out.append(f"kb_check_duration_seconds{labels} {res.duration:.3f}")
    family("kb_doctor_finding", "gauge", "A current kb doctor finding (1 while it holds).")
    seen: set[str] = set()
    for f in rnd.findings if rnd else ():
        labels = _labels(
            entry=f.entry or "", container=f.container, host=f.host, kind=f.kind, status=f.status
        )
        if labels not in seen:  # one series per finding identity
            seen.add(labels)
            out.append(f"kb_doctor_finding{labels} 1")
    family("kb_doctor_host_ok", "gauge", "1 when kb doctor scanned the Docker host completely.")
    for h in rnd.hosts if rnd else ():
        out.append(f"kb_doctor_host_ok{_labels(host=h.host)} {1 if h.ok else 0}")
    family("kb_refresh_complete", "gauge", "1 when the last round finished within its deadline.")
    if rnd is not None:
        out.append(f"kb_refresh_complete {1 if rnd.complete else 0}")
    family("kb_refresh_duration_seconds", "gauge", "Wall time of the last round.")
    if rnd is not None:
        out.append(f"kb_refresh_duration_seconds {rnd.duration:.3f}")
    family("kb_refresh_timestamp_seconds", "gauge", "Unix time the last round finished.")
    if rnd is not None:
        out.append(f"kb_refresh_timestamp_seconds {rnd.finished_at:.3f}")
    return "\n".join(out) + "\n"


def host_label(
    spec: Any,
    params: dict[str, Any],
    docker_host: str | None,
    docker_hosts: dict[str, str] | None = None,
) -> str:
    """Where a check looks: its broker/host parameter or URL, else the Docker endpoint.

    `docker_host` is the label of the default Docker endpoint (a `--host` as given; None:
    `local`). A docker.* check whose `host` parameter names a Docker endpoint (`--target` a
    Docker host, a broker's `docker_host`, `--set host=ssh://…`) runs there, and is labelled as
    kb doctor labels that host: a configured host's name, else the URL or context as given."""
    from urllib.parse import urlsplit

    if spec.kind.startswith("docker."):
        return docker_label(params.get("host"), docker_hosts or {}) or docker_host or "local"
    if spec.kind.startswith("host."):
        return docker_host or "local"
    from kb.checks.kinds._common import with_defaults
    from kb.checks.registry import get

    # where the kind looks by default (rabbitmq.api: http://127.0.0.1:15672) when the entry
    # does not say: the label is that, not the Docker host
    kind = get(spec.kind)
    if kind is not None:
        params = with_defaults(kind.params, params)
    url = params.get("url")
    if isinstance(url, str) and "://" in url:
        parts = urlsplit(url)
        return parts.hostname or url if parts.port is None else f"{parts.hostname}:{parts.port}"
    host = params.get("host")
    port = params.get("port")
    if host:
        return f"{host}:{port}" if port else str(host)
    return docker_host or "local"


def docker_label(host: Any, docker_hosts: dict[str, str]) -> str | None:
    """The label of the Docker endpoint a docker.* check's `host` parameter names (a configured
    host's name, else the URL or context as given), or None when it names none (unset, or a
    broker's address: the check then uses the default endpoint, kb.checks.context.docker_url)."""
    from kb.checks.context import docker_url

    if not isinstance(host, str) or not host:
        return None
    if host in docker_hosts:
        return host
    if "://" in host:
        return next((name for name, url in docker_hosts.items() if url == host), host)
    return host if docker_url(host, docker_hosts) is not None else None


def collect(
    selected: list[Selected],
    *,
    run_one: Callable[[Selected, threading.Event], CheckResult],
    doctor: Callable[[threading.Event, float], Any] | None,
    deadline: float,
    stop: threading.Event | None = None,
) -> Round:
    """One round: every selected check and the doctor scan, concurrently, ended by `deadline`.

    A check still running at the deadline is cancelled and reported as `error` ("did not finish
    within the refresh deadline"), whatever it answers to the cancellation. `stop` (the service
    is shutting down) ends the round early the same way, within a tenth of a second."""
    start = time.monotonic()
    cancel = threading.Event()
    rnd = Round()
    workers = max(1, min(8, len(selected) + (1 if doctor else 0)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kb-metrics")
    try:
        futures = {pool.submit(run_one, sel, cancel): sel for sel in selected}
        doc = pool.submit(doctor, cancel, deadline) if doctor else None
        not_done = set(futures) | ({doc} if doc else set())
        end = start + deadline
        # short waits: a stop (SIGTERM) or Ctrl-C is seen between them
        while not_done and (stop is None or not stop.is_set()):
            remaining = end - time.monotonic()
            if remaining <= 0:
                break
            _, not_done = wait(not_done, timeout=min(0.1, remaining))
        late = set(not_done)  # cut off by the deadline (or the stop): an error, not its answer
        if late:
            rnd.complete = False
            cancel.set()
            wait(late, timeout=1.0)
        for fut, sel in futures.items():
            if fut not in late and fut.exception() is None:
                rnd.checks.append((sel, fut.result()))
            else:
                rnd.checks.append((sel, _unfinished(sel, deadline, time.monotonic() - start)))
        if doc is not None and doc.done() and doc.exception() is None:
            report = doc.result()
            rnd.findings = list(report.findings)
            rnd.hosts = list(report.hosts)
            if getattr(report, "interrupted", False) or not all(h.ok for h in report.hosts):
                rnd.complete = False
        elif doc is not None:
            rnd.complete = False
    finally:
        # also on Ctrl-C (--once): the workers stop within ~50 ms instead of running on until
        # their own timeouts while the interpreter waits for them at exit
        cancel.set()
        pool.shutdown(wait=False, cancel_futures=True)
    rnd.duration = time.monotonic() - start
    rnd.finished_at = time.time()
    return rnd


def _unfinished(sel: Selected, deadline: float, took: float) -> CheckResult:
    return CheckResult(
        check=sel.spec.id,
        kind=sel.spec.kind,
        title=sel.spec.title,
        status=ERROR,
        summary=f"did not finish within the {deadline:g}s refresh deadline",
        duration=took,
        entry=sel.entry.id,
    )


def select_checks(
    kbase: Any, refs: Iterable[str], *, allow_active: bool
) -> tuple[list[tuple[Entry, Any]], list[Words]]:
    """`entry` (all its checks) or `entry#check` references -> (entry, spec) pairs, and problems."""
    from kb.checks import registry
    from kb.model import checks_named

    chosen: list[tuple[Entry, Any]] = []
    problems: list[Words] = []
    for ref in refs:
        # the one rule for a check reference, as `kb check` reads it (`ID#` names no check)
        entry, specs, problem = checks_named(kbase.entries, ref)
        if entry is None or problem:
            problems.append(Words("--check {ref}: {problem}", ref=ref, problem=problem))
            continue
        eid = entry.id
        for spec in specs:
            kind = registry.get(spec.kind)
            if kind is not None and kind.active and not allow_active:
                problems.append(
                    Words(
                        "--check {ref}: {kind} sends messages; left out (--allow-active runs it)",
                        ref=f"{eid}#{spec.id}",
                        kind=spec.kind,
                    )
                )
                continue
            chosen.append((entry, spec))
    return chosen, problems


class Server:
    """Refreshes a Round on an interval in a thread; `text()` is the last one rendered.

    `refresh` gets the `stop` event: setting it (SIGTERM, Ctrl-C) ends the loop and cuts the
    running round short, so the service exits at once instead of when the round's checks end."""

    def __init__(self, refresh: Callable[[threading.Event], Round], interval: float) -> None:
        self._refresh = refresh
        self._interval = interval
        self._lock = threading.Lock()
        self._text = render(None)
        self.stop = threading.Event()
        self.rounds = 0

    def text(self) -> str:
        with self._lock:
            return self._text

    def loop(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            rnd = self._refresh(self.stop)
            if self.stop.is_set():
                return  # a round cut short by the shutdown is not published
            with self._lock:
                self._text = render(rnd)
                self.rounds += 1
            self.stop.wait(max(0.0, self._interval - (time.monotonic() - started)))

"""`kb doctor`: scan every container of each Docker host and name the entries that explain problems.

For each container (hosts and containers scanned concurrently): unexpected exits, OOM kills
(the container's flag, or the daemon's `oom` event when the flag missed it), a boot that failed
whatever the exit code (RabbitMQ's `BOOT FAILED`), restart loops and failing health checks; its
recent logs (a bounded tail) against every entry's signatures; and, for recognised broker
containers (`kb.checks.brokers`: image, process, ports), network probes of the broker itself and the
container-side checks (`docker.mount`, `docker.env`) of the entries for that product. A recognised
broker's logs are never explained by an entry about other brokers only. Healthy containers produce
nothing. Findings are ranked worst first, each with evidence and the entry id.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import asdict, dataclass, field
from typing import Any

from kb.checks import present
from kb.checks.base import (
    ERROR,
    FAIL,
    SEVERITY,
    WARN,
    Cancelled,
    DeadlineExceeded,
    in_lang,
)
from kb.checks.brokers import recognise
from kb.checks.container import (
    DEFAULT_MAX_RESTARTS,
    ContainerState,
    Expectation,
    iso_ts,
    judge,
    list_name,
)
from kb.checks.context import RunContext
from kb.redact import redact, secrets_in_env

LOG_TAIL = 500  # lines of each container's log matched against signatures
LOG_MAX_BYTES = 2 << 20
RESTART_LOOP = DEFAULT_MAX_RESTARTS  # more restarts than this is a loop
PER_CONTAINER_TIMEOUT = 10.0  # one container: inspect, its log stream, its checks
SCAN_TIMEOUT = 60.0  # the whole scan, every host (`kb doctor --timeout`)
GRACE = 0.25  # after a deadline or Ctrl-C, how long to wait for workers to hand in what they have
WORKERS = 16
OOM_EVENT_WINDOW = 7 * 86400.0  # how far back the daemon's `oom` events are read

# Generic findings point at these entries (first that exists), else at an entry with the tag.
GENERIC_ENTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "oom": (("docker-container-oom-triage",), ("oom",)),
    "killed": (("docker-container-oom-triage",), ("exit-137", "oom")),
    "restart-loop": (("tree-container-stopped-unexpectedly",), ("restart-loop", "container-exit")),
    "exit": (("tree-container-stopped-unexpectedly",), ("container-exit", "exit-code")),
    "unhealthy": (("tree-container-stopped-unexpectedly",), ("healthcheck",)),
    # a paused container: the tree's first check (is it running?) fails on it and says so
    "paused": (("tree-container-stopped-unexpectedly",), ("container-exit",)),
    "memory-limit": (("docker-memory-limit-not-supported",), ("cgroup",)),
}
# how specific a finding is: a log signature names the cause; a generic state points at triage
SPECIFICITY = {
    "signature": 3,
    "probe": 2,
    "check": 2,
    "oom": 1,
    "killed": 1,
    "restart-loop": 1,
    "unhealthy": 1,
    "paused": 1,
    "exit": 0,
    "host": 0,
}

PRODUCT_CHECK_KINDS = frozenset({"docker.mount", "docker.env"})


HOST_UNSCANNED = "cannot scan"  # a host finding's summary: "cannot scan HOST: why"
HOST_UNSCANNED_ZH = "无法扫描"  # the same in Chinese: "无法扫描 HOST：原因"


def _unscanned(scan: _Scan, label: str, why: str) -> str:
    """A host finding's summary in the scan's language: kb's words in Chinese under zh, the
    host and what a daemon or ssh said kept verbatim."""
    if scan.lang != "zh":
        return f"{HOST_UNSCANNED} {label}: {why}"
    return f"{HOST_UNSCANNED_ZH} {label}：{unscanned_why_zh(why)}"


_STEP_ZH = {
    "scan": "整次扫描",
    "host": "主机",
    "container": "容器",
    "container-list": "列出容器",
}


def _scan_error(scan: _Scan, why: str) -> str:
    if scan.lang != "zh":
        return f"scan error: {why}"
    return f"扫描出错：{unscanned_why_zh(why)}"


def unscanned_why_zh(why: str) -> str:
    """A reason a host or container was not (fully) scanned, in Chinese where kb worded it
    (`kb --lang zh doctor`'s findings and its stderr line)."""
    import re

    if why == "interrupted":
        return "已中断"
    m = re.fullmatch(r"cut short by the (\S+) s (\S+) deadline", why)
    if m is not None and m.group(2) in _STEP_ZH:
        return f"超过了{_STEP_ZH[m.group(2)]}的 {m.group(1)} 秒时限，扫描被截断"
    zh = present.reason_zh(why)
    return why if zh == f"检查未能完成：{why}" else zh  # a daemon's own words: verbatim


#: what matched a signature, in Chinese (`kb --lang zh doctor`)
MATCHED_ZH = {"log": "日志", "health check": "健康检查"}


@dataclass
class Finding:
    entry: str | None
    status: str
    container: str
    host: str
    evidence: list[str]
    summary: str
    kind: str = (
        "state"  # oom | killed | restart-loop | exit | unhealthy | signature | probe | check | host
    )
    check: str | None = None

    def __post_init__(self) -> None:
        # a host may be a URL with a password (tcp://ops:secret@…): redacted where it is made,
        # so no output (text, JSON, the TUI, metrics labels) can show it
        self.host = redact(self.host)
        # "qa-token-api: exited …" reads as `token…: value` to the redactor, which masked the
        # summary's first word (QA), as "cannot scan creds: cannot use …" did for a host named
        # creds: the container's or host's name is no secret, what follows it may be
        for prefix in (
            f"{self.container}: ",
            f"{HOST_UNSCANNED} {self.host}: ",
            f"{HOST_UNSCANNED_ZH} {self.host}：",
        ):
            if self.summary.startswith(prefix):
                self.summary = prefix + redact(self.summary[len(prefix) :])
                break
        else:
            self.summary = redact(self.summary)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class HostReport:
    host: str
    endpoint: str
    ok: bool
    containers: int = 0
    error: str | None = None

    def __post_init__(self) -> None:
        self.host, self.endpoint = redact(self.host), redact(self.endpoint)
        self.error = redact(self.error) if self.error else self.error


@dataclass
class DoctorReport:
    findings: list[Finding] = field(default_factory=list)
    hosts: list[HostReport] = field(default_factory=list)
    duration: float = 0.0
    interrupted: bool = False  # Ctrl-C (or the caller's cancel): what was found so far

    def to_dict(self) -> dict[str, Any]:
        from kb.redact import redact

        hosts = [
            {**asdict(h), "endpoint": redact(h.endpoint), "error": redact(h.error or "") or None}
            for h in self.hosts
        ]
        return {
            "findings": [f.to_dict() for f in self.findings],
            "hosts": hosts,
            "duration": round(self.duration, 3),
            "interrupted": self.interrupted,
        }

    @property
    def status(self) -> str:
        """The worst finding; a host that could not be scanned (fully) counts as an error."""
        return present.worst(
            [f.status for f in self.findings] + [ERROR for h in self.hosts if not h.ok]
        )


def pick_entry(kbase: Any, ids: tuple[str, ...], tags: tuple[str, ...]) -> str | None:
    for eid in ids:
        if kbase.get(eid) is not None:
            return eid
    for entry in kbase.entries.values():
        if set(entry.tags) & set(tags):
            return entry.id
    return ids[0] if ids else None


def _env_secrets(info: dict[str, Any]) -> set[str]:
    return secrets_in_env((info.get("Config") or {}).get("Env") or [])


def _summary(name: str, text: str, secrets: set[str]) -> str:
    """Redacted summary; the container name in front is a name, not a `name: value` secret."""
    return present.line(text, secrets, subject=name)


class _Pool:
    """Daemon worker threads: a scan cut short by its deadline or Ctrl-C returns at once, even
    while a worker is still blocked in a read (ThreadPoolExecutor's threads are joined at exit)."""

    def __init__(self, workers: int) -> None:
        self._q: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]] | None]
        self._q = queue.SimpleQueue()
        self._n = workers
        self._started = 0
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        with self._lock:
            if self._started < self._n:
                self._started += 1
                threading.Thread(target=self._work, daemon=True, name="kb-doctor").start()
        self._q.put((fut, fn, args))
        return fut

    def _work(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            fut, fn, args = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                fut.set_exception(exc)

    def shutdown(self) -> None:
        for _ in range(self._started):
            self._q.put(None)


class _Scan:
    """One doctor run: shared inputs, a thread-safe findings list, the deadlines and a watchdog."""

    def __init__(
        self,
        kbase: Any,
        cancel: threading.Event | None,
        timeout: float = SCAN_TIMEOUT,
        container_timeout: float = PER_CONTAINER_TIMEOUT,
        host_timeout: float | None = None,
        lang: str = "en",
    ) -> None:
        from kb.signatures import SignatureSet

        self.kbase = kbase
        self.lang = lang  # the language of entry and check titles in findings
        self.cancel = cancel or threading.Event()
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.container_timeout = container_timeout
        self.host_timeout = timeout if host_timeout is None else min(host_timeout, timeout)
        self.host_deadlines: dict[str, float] = {}  # host label -> its own deadline
        self.active: set[RunContext] = set()
        self.cut_short: dict[str, list[str]] = {}  # host -> what was not fully scanned, and why
        self.done = threading.Event()
        self.sigs = SignatureSet.from_entries(kbase.entries.values())
        self.findings: list[Finding] = []
        self.lock = threading.Lock()
        self.product_checks: dict[str, list[tuple[Any, Any]]] = {}
        for entry in kbase.entries.values():
            if entry.kind == "tree":  # trees route to incidents; the incident names the cause
                continue
            for spec in entry.checks:
                if spec.kind in PRODUCT_CHECK_KINDS:
                    for product in entry.products:
                        self.product_checks.setdefault(product, []).append((entry, spec))

    def add(self, finding: Finding) -> None:
        with self.lock:
            self.findings.append(finding)

    def context(self, host_limit: float | None = None, until: float | None = None) -> RunContext:
        """A context for one container (or a host's listing), bounded by the scan's deadline
        and by `until` (the host's deadline)."""
        end = self.deadline if until is None else min(self.deadline, until)
        left = max(0.0, end - time.monotonic())
        ctx = RunContext(min(host_limit or self.container_timeout, left), self.cancel)
        with self.lock:
            self.active.add(ctx)
        return ctx

    def release(self, ctx: RunContext) -> None:
        with self.lock:
            self.active.discard(ctx)

    def incomplete(self, host: str, what: str) -> None:
        with self.lock:
            self.cut_short.setdefault(host, []).append(what)

    def over(self) -> bool:
        return self.cancel.is_set() or time.monotonic() >= self.deadline

    def watchdog(self) -> None:
        """Abort every context past its deadline (closing its log stream), all of them when the
        scan is over; ticks every 50 ms so Ctrl-C and deadlines act within a fraction of a second."""
        while not self.done.wait(0.05):
            now = time.monotonic()
            if now >= self.deadline:
                self.cancel.set()
            with self.lock:
                late = [c for c in self.active if self.cancel.is_set() or now >= c.deadline]
            for ctx in late:
                ctx.abort()

    def generic(self, kind: str) -> str | None:
        ids, tags = GENERIC_ENTRIES[kind]
        return pick_entry(self.kbase, ids, tags)


def _daemon_limits(scan: _Scan, info: dict[str, Any] | None, label: str) -> None:
    """A daemon without the memory cgroup accepts `docker run -m` and `mem_limit` with a warning
    and drops them: every container of the host runs unlimited. Said once per host, with the
    daemon's own warnings as evidence (docker-memory-limit-not-supported)."""
    if info is None or info.get("MemoryLimit") is not False:
        return
    evidence = [str(w) for w in info.get("Warnings") or [] if "limit support" in str(w)]
    scan.add(
        Finding(
            scan.generic("memory-limit"),
            WARN,
            "-",
            label,
            evidence or ["docker info: MemoryLimit false"],
            f"{label}: the daemon cannot limit memory (no memory cgroup): -m and mem_limit are "
            "discarded and every container runs unlimited"
            if scan.lang != "zh"
            else f"{label}：守护进程无法限制内存（没有 memory cgroup）：-m 和 mem_limit 被丢弃，"
            "每个容器都不受限制地运行",
            "host",
        )
    )


def _oom_times(client: Any, since: float, until: float) -> dict[str, list[float]]:
    """Container id -> times of the daemon's `oom` events (one read of the event log per host).

    Docker sets State.OOMKilled only when the kernel's OOM event arrives before the container's
    exit is processed; when a child (RabbitMQ's beam.smp under its wrapper shell) is the one killed,
    the event often comes second and the flag stays false. The event log keeps the truth.
    """
    out: dict[str, list[float]] = {}
    try:
        for event in client.events(
            since=since, until=until, filters={"type": ["container"], "event": ["oom"]}
        ):
            cid = str(event.get("id") or (event.get("Actor") or {}).get("ID") or "")
            when = event.get("timeNano")
            t = int(when) / 1e9 if when else float(event.get("time") or 0)
            if cid:
                out.setdefault(cid, []).append(t)
    except Exception:  # noqa: BLE001 - an unreadable event log only loses this extra evidence
        return {}
    return out


def _kernel_oom_times(
    client: Any, info: dict[str, Any] | None, oom: dict[str, list[float]]
) -> None:
    """Add the kernel log's OOM kills per container to the daemon's events when the Docker host is
    this machine (`host_oom.docker_host_oom_kills`)."""
    from kb.checks.kinds.host_oom import docker_host_oom_kills

    if info is None:
        return
    for cid, times in docker_host_oom_kills(client, info).items():
        oom.setdefault(cid, []).extend(times)


def _scan_container(
    scan: _Scan,
    client: Any,
    host: str,
    summary: dict[str, Any],
    oom_events: dict[str, list[float]] | None = None,
) -> None:
    host_end = scan.host_deadlines.get(host)
    if scan.over() or (host_end is not None and time.monotonic() >= host_end):
        scan.incomplete(host, f"{list_name(summary)}: not scanned ({_why(scan, None, host)})")
        return
    ctx = scan.context(until=host_end)
    try:
        _scan_one(scan, ctx, client.bound(ctx), host, summary, oom_events)
    except (DeadlineExceeded, Cancelled):
        scan.incomplete(host, f"{list_name(summary)}: {_why(scan, ctx, host)}")
    except Exception as exc:
        if _removed(exc):  # `docker rm` between the listing and its logs: nothing was lost
            return
        if ctx.remaining() <= 0 or scan.over():  # a read broken by the abort at the deadline
            scan.incomplete(host, f"{list_name(summary)}: {_why(scan, ctx, host)}")
        else:
            raise
    finally:
        scan.release(ctx)


def _removed(exc: BaseException) -> bool:
    import docker.errors

    return isinstance(exc, docker.errors.NotFound)


def _why(
    scan: _Scan, ctx: RunContext | None, host: str | None = None, step: str = "container"
) -> str:
    now = time.monotonic()
    if scan.cancel.is_set() and now < scan.deadline:
        return "interrupted"
    if now >= scan.deadline:
        return f"cut short by the {scan.timeout:g} s scan deadline"
    host_end = scan.host_deadlines.get(host or "")
    if host_end is not None and now >= host_end:
        return f"cut short by the {scan.host_timeout:g} s host deadline"
    return f"cut short by the {ctx.timeout if ctx else scan.container_timeout:g} s {step} deadline"


def _scan_one(
    scan: _Scan,
    ctx: RunContext,
    client: Any,
    host: str,
    summary: dict[str, Any],
    oom_events: dict[str, list[float]] | None = None,
) -> None:
    from kb.checks import brokers

    cid = summary["Id"]
    info = client.inspect_container(cid)
    if info is None:  # removed while we looked
        return
    state = ContainerState.from_inspect(info)
    name, running = state.name or cid[:12], state.running
    secrets = _env_secrets(info)
    product = recognise(info)
    base_ev = [line for line in state.evidence() if not line.startswith(("health:", "started:"))]

    def add(
        kind: str,
        status: str,
        text: str,
        evidence: list[str],
        entry: str | None = None,
        check: str | None = None,
    ) -> None:
        scan.add(
            Finding(
                entry or scan.generic(kind),
                status,
                name,
                host,
                present.evidence(evidence, secrets),
                _summary(name, text, secrets),
                kind,
                check,
            )
        )

    # the container verdict (kb.checks.container): exit code, OOM kill (flag or daemon event of
    # this run), restart loop, health — before the logs, so a slow log stream cut short by a
    # deadline or Ctrl-C still leaves these findings
    stopped = not running and state.status in ("exited", "dead")
    oom_at = (oom_events or {}).get(cid, [])
    expect = Expectation(running=None, max_restarts=RESTART_LOOP)
    problems = judge(state.with_observations(oom_at, None), expect)

    def said(problem: Any) -> str:
        """The finding in the scan's language (its check findings follow it too)."""
        return in_lang(problem.text, problem.text_zh, scan.lang)

    for problem in problems:
        status = FAIL if problem.status == "fail" else WARN
        add(problem.what, status, f"{name}: {said(problem)}", [*base_ev, *problem.evidence])

    # recent logs (bounded tail, bounded bytes): read once, used by the verdict and signatures
    lines: list[str] = []
    cut: BaseException | None = None
    if len(scan.sigs) or product:
        size = 0
        try:
            for line in client.log_lines(cid, tail=LOG_TAIL):
                size += len(line) + 1
                if size > LOG_MAX_BYTES:
                    break
                lines.append(line)
                ctx.check()
        except Exception as exc:  # the deadline closed the stream: scan what came, then say so
            if ctx.remaining() > 0 and not scan.over():
                raise
            cut = exc

    # a boot failure its exit code hides (RabbitMQ's BOOT FAILED, exit 0) needs the log
    boot_line = brokers.boot_failure(lines) if stopped else None
    if boot_line is not None:
        seen = {(p.what, p.text) for p in problems}
        state = state.with_observations(oom_at, boot_line)
        for problem in judge(state, expect):
            if (problem.what, problem.text) in seen:
                continue
            problems.append(problem)
            status = FAIL if problem.status == "fail" else WARN
            add(problem.what, status, f"{name}: {said(problem)}", [*base_ev, *problem.evidence])
    broken = any(p.status == "fail" for p in problems)
    started = iso_ts(state.started)

    def explain(text: str, prefix: str, status: str, extra: list[str] | None = None) -> int:
        """Findings for entries whose signatures match `text`; entries about other brokers only
        are not used for a recognised broker. Returns how many were added."""
        added = 0
        for entry_id, matched in scan.sigs.scan_text(text).items():
            entry = scan.kbase.get(entry_id)
            if entry is not None and brokers.is_foreign(tuple(entry.products), product, entry.kind):
                continue
            title = entry.text(scan.lang).title if entry is not None else entry_id
            summary = (
                f"{name}: {MATCHED_ZH.get(prefix, prefix)}匹配“{title}”"
                if scan.lang == "zh"
                else f"{name}: {prefix} matches “{title}”"
            )
            add(
                "signature",
                status,
                summary,
                [*(extra or []), *_distinct_lines(prefix, matched)],
                entry=entry_id,
            )
            added += 1
        return added

    if len(scan.sigs) and lines:
        explain("\n".join(lines), "log", FAIL if broken or not running else WARN)

    if cut is not None:
        raise DeadlineExceeded("log stream cut short") from cut
    if not product:
        return

    # network probes of the broker itself (only where its address is reachable from here)
    local = str(client.endpoint).startswith(("unix://", "npipe://"))
    probes = brokers.probe_container(info, product, ctx.deadline, local)
    uptime = time.time() - started if started else 0.0
    for pr in probes:
        if pr.ok is not False:
            continue
        ev = [*base_ev, f"probe {pr.name} {pr.address}: {pr.detail}"]
        if pr.alarms:
            synth = brokers.alarm_lines(pr.alarms)
            if explain("\n".join(synth), "health check", FAIL, ev):
                continue
            add("probe", FAIL, f"{name}: {pr.detail}", [*ev, *synth])
        elif uptime > 30 or any("running" in ln or "startup complete" in ln for ln in lines):
            # refused after start-up finished (a booting broker has no listener yet)
            add(
                "probe",
                FAIL,
                f"{name}: {pr.detail} ({pr.address})",
                ev,
                entry=_probe_entry(scan, product, pr.name, pr.detail),
            )

    # container-side checks of entries about the product this container runs
    from kb.checks.runner import run_check

    for entry, spec in scan.product_checks.get(product, []):
        ctx.check()
        result = run_check(
            entry, spec, params={"container": cid, "host": client.endpoint}, cancel=scan.cancel
        )
        if result.status == FAIL:
            # the check's summary in the scan's language, as the titles around it are
            text = result.summary_in(scan.lang).replace(cid, name)
            text = text if text.startswith(f"{name}: ") else f"{name}: {text}"
            add(
                "check",
                FAIL,
                text,
                [
                    f"check {entry.id}#{spec.id}: "
                    + entry.text(scan.lang).check_titles.get(spec.id, spec.title),
                    *result.evidence,
                ],
                entry=entry.id,
                check=spec.id,
            )


def _probe_entry(scan: _Scan, product: str, probe: str, detail: str) -> str | None:
    """The entry for a failed network probe: a refused login, or nothing listening."""
    if probe == "mqtt-connect" and "CONNACK" in detail:
        ids: tuple[str, ...] = ("mosquitto-not-authorised",)
        tag = "authentication"
    else:
        ids = {
            "mosquitto": ("mosquitto-local-only-mode",),
            "rabbitmq": ("rabbitmq-listener-eaddrinuse-boot-failed",),
        }.get(product, ())
        tag = "listener"
    for eid in ids:
        if scan.kbase.get(eid) is not None:
            return eid
    for entry in scan.kbase.entries.values():
        if product in entry.products and tag in entry.tags and entry.kind != "tree":
            return str(entry.id)
    return None


def _scan_host(
    scan: _Scan,
    label: str,
    url: str | None,
    pool: _Pool,
    on_progress: Callable[[int, int], None] | None,
    progress: list[int],
) -> HostReport:
    from kb.checks import dockerclient

    shared = dockerclient.get_client(url)
    host_end = time.monotonic() + scan.host_timeout
    scan.host_deadlines[label] = host_end
    # the listing (and an ssh login) gets the container budget, within the host's deadline
    ctx = scan.context(
        host_limit=max(PER_CONTAINER_TIMEOUT, scan.container_timeout), until=host_end
    )
    client = shared.bound(ctx)
    try:
        containers = client.containers(all=True)
    except Exception as exc:  # an unreachable host is a result, not a crash
        late = ctx.remaining() <= 0 or scan.over()
        # the daemon did not list its containers in time: no container was involved yet
        why = _why(scan, ctx, label, "container-list") if late else present.reason(exc)
        scan.add(Finding(None, ERROR, "-", label, [], _unscanned(scan, label, why), "host"))
        return HostReport(label, client.endpoint, False, 0, why)
    finally:
        scan.release(ctx)
    ctx = scan.context(host_limit=PER_CONTAINER_TIMEOUT, until=host_end)
    client = shared.bound(ctx)
    try:
        now = time.time()
        oom = _oom_times(client, now - OOM_EVENT_WINDOW, now)
        try:
            info: dict[str, Any] | None = client.info()
        except Exception:  # noqa: BLE001 - whether the host answers is the listing's to say
            info = None
        _kernel_oom_times(client, info, oom)
        _daemon_limits(scan, info, label)
    finally:
        scan.release(ctx)
    client.cache_inspect(True)
    try:
        with lock_progress:
            progress[1] += len(containers)
        futures = {pool.submit(_scan_container, scan, client, label, c, oom): c for c in containers}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for fut in done:
                failed = fut.exception()
                if failed is not None:  # one broken container must not hide the others
                    # ... and a host that lost one is not a clean bill of health
                    scan.incomplete(label, f"{list_name(futures[fut])}: {present.reason(failed)}")
                    scan.add(
                        Finding(
                            None,
                            ERROR,
                            "-",
                            label,
                            [],
                            _scan_error(scan, present.reason(failed)),
                            "host",
                        )
                    )
                with lock_progress:
                    progress[0] += 1
                    if on_progress:
                        on_progress(progress[0], progress[1])
            if pending and (scan.over() or time.monotonic() >= host_end):
                # the watchdog aborted them; give them a moment to hand in what they found
                done, pending = wait(pending, timeout=GRACE)
                for fut in pending:
                    scan.incomplete(label, f"{list_name(futures[fut])}: {_why(scan, None, label)}")
                    fut.cancel()
                break
    finally:
        client.cache_inspect(False)
    cut = scan.cut_short.get(label)
    if cut:
        error = f"scan cut short, {len(cut)} of {len(containers)} container(s) incomplete: " + (
            "; ".join(cut[:5]) + (" …" if len(cut) > 5 else "")
        )
        return HostReport(label, client.endpoint, False, len(containers), error)
    return HostReport(label, client.endpoint, True, len(containers))


lock_progress = threading.Lock()


def rank_key(f: Finding) -> tuple[int, int, str, str]:
    return (-SEVERITY[f.status], -SPECIFICITY.get(f.kind, 0), f.host, f.container)


def resolve_docker_hosts(hosts: Iterable[str], command: str) -> list[tuple[str, str | None]]:
    """`--host` values -> (label, endpoint URL or context; None for `local`, the environment's
    own daemon), each named once. A configured host's name stands for its URL. The one rule for
    `kb doctor --host` and `kb serve metrics --host`: a name that is no endpoint, no Docker
    context and no configured host is a UserError naming the known ones (serve metrics took a
    mistyped name for a host and reported it as an error series, silently)."""
    from kb.checks import targets as targets_mod
    from kb.checks.dockerclient import context_endpoint
    from kb.errors import UserError
    from kb.words import Words

    try:
        found = targets_mod.load()
    except Exception:  # an explicit --host must work without a config
        found = targets_mod.Targets()
    named = found.docker_urls()
    out: list[tuple[str, str | None]] = []
    for h in dict.fromkeys(hosts):  # a host named twice is used once
        if h in named:
            out.append((h, named[h]))
        elif found.unusable_named(h, "docker_hosts") is not None and "://" not in h:
            raise UserError(
                "{command}: --host {host!r}: {why}", command=command, host=h, why=found.missing(h)
            )
        elif h == "local":  # what reports call the default
            out.append(("local", None))
        elif "://" not in h and ":" not in h and not context_endpoint(h):
            # not a URL, not host:port (docker-py's tcp://host:port), not a Docker context
            known = ", ".join(sorted(named)) or Words("none configured")
            raise UserError(
                "{command}: --host {host!r} is neither a Docker endpoint (unix:///var/run/"
                "docker.sock, tcp://HOST:2376, ssh://USER@HOST), a Docker context nor a "
                "configured host (known: {known}; 'local' is this machine's daemon)",
                command=command,
                host=h,
                known=known,
            )
        else:
            problem = targets_mod.docker_url_problem(h) if "://" in h else None
            if problem is not None:
                # the rule `kb check --set host=` and the config obey: credentials in the URL, a
                # tcp:// endpoint without a port … would only fail once the scan runs
                raise UserError("{command}: --host {problem}", command=command, problem=problem)
            out.append((h, h))
    return out


def run_doctor(
    kbase: Any,
    hosts: list[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    *,
    timeout: float = SCAN_TIMEOUT,
    container_timeout: float = PER_CONTAINER_TIMEOUT,
    host_timeout: float | None = None,
    lang: str = "en",
) -> DoctorReport:
    """Scan `hosts` (URLs or configured names; default: configured hosts, else the local one).
    Entry and check titles in findings are in `lang` where the entry has that translation.

    The whole scan ends by `timeout` seconds and each container's by `container_timeout` (log
    streams included): what is still running then is aborted, what was found so far is kept, and
    a host that was not fully scanned is reported not ok. Hosts are scanned concurrently, each
    within its own `host_timeout` (default: the scan's), so one slow host cannot use up the others'
    time. Ctrl-C (KeyboardInterrupt in the calling thread) or `cancel` stop the scan the same way
    within a fraction of a second.
    """
    from kb.checks import targets as targets_mod

    start = time.monotonic()
    scan = _Scan(kbase, cancel, timeout, container_timeout, host_timeout, lang)
    conf = targets_mod.load() if not hosts else None
    # configured hosts that are not used (a problem in config.yaml): reported as not scanned
    dropped: list[HostReport] = []
    if hosts:
        from kb.checks.dockerclient import resolve_endpoint

        wanted: list[tuple[str, str | None]] = [
            (h, resolve_endpoint(None) if url is None else url)
            for h, url in resolve_docker_hosts(hosts, "doctor")
        ]
    elif conf is not None and (conf.docker_hosts or conf.unusable_named_in("docker_hosts")):
        # never the local daemon in place of configured hosts that cannot be used
        wanted = [(h.name, h.url) for h in conf.docker_hosts]
        dropped = [
            HostReport(u.name, "", False, 0, f"not scanned: {u.why()}")
            for u in conf.unusable_named_in("docker_hosts")
        ]
    else:
        from kb.checks.dockerclient import resolve_endpoint

        wanted = [("local", resolve_endpoint(None))]
    progress = [0, 0]
    report = DoctorReport(hosts=list(dropped))
    pool, host_pool = _Pool(WORKERS), _Pool(max(1, len(wanted)))
    threading.Thread(target=scan.watchdog, daemon=True, name="kb-doctor-watchdog").start()
    futs = [
        host_pool.submit(_scan_host, scan, label, url, pool, on_progress, progress)
        for label, url in wanted
    ]
    try:
        try:
            pending = set(futs)
            while pending:  # short waits: Ctrl-C reaches this thread between them
                _done, pending = wait(pending, timeout=0.1)
                if pending and scan.over() and time.monotonic() > scan.deadline + 2 * GRACE + 1:
                    break  # a host stuck past every deadline: report it as cut short
        except KeyboardInterrupt:
            report.interrupted = True
            scan.cancel.set()
            wait(futs, timeout=GRACE + 0.1)  # each host hands in what it has
        if cancel is not None and cancel.is_set() and time.monotonic() < scan.deadline:
            report.interrupted = True
        for (label, url), fut in zip(wanted, futs, strict=True):
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                report.hosts.append(fut.result())
            else:
                why = "interrupted" if report.interrupted else "cut short by the scan deadline"
                exc = fut.exception() if fut.done() and not fut.cancelled() else None
                if exc is not None:
                    why = present.reason(exc)
                report.hosts.append(HostReport(label, url or "", False, 0, why))
    finally:
        scan.done.set()
        pool.shutdown()
        host_pool.shutdown()
    with scan.lock:
        report.findings = sorted(scan.findings, key=rank_key)
    report.duration = time.monotonic() - start
    return report


def _host_url(host: str | None) -> str | None:
    """A configured Docker host name to its URL; anything else (a URL, None) as it is."""
    if not host or host == "local":
        return None
    from kb.checks import targets as targets_mod

    try:
        return targets_mod.load().docker_urls().get(host, host)
    except Exception:  # an unreadable config: treat `host` as a URL
        return host


def scan_containers(
    kbase: Any,
    host: str,
    names: list[str],
    cancel: threading.Event | None = None,
    lang: str = "en",
) -> list[Finding]:
    """Doctor findings for just `names` on `host` (the label `run_doctor` reported), ranked.

    Used by a live doctor view to re-scan only the containers a Docker event named.
    """
    from kb.checks import dockerclient

    scan = _Scan(kbase, cancel, timeout=PER_CONTAINER_TIMEOUT * max(1, len(names)), lang=lang)
    client = dockerclient.get_client(_host_url(host))
    # the same deadlines as a whole scan: the watchdog closes a log stream that overruns
    threading.Thread(target=scan.watchdog, daemon=True, name="kb-doctor-watchdog").start()
    try:
        for name in names:
            ctx = scan.context()
            try:
                info = client.bound(ctx).inspect_container(name)
            except Exception as exc:  # one unreachable container is a finding, not a crash
                scan.add(
                    Finding(
                        None, ERROR, name, host, [], _scan_error(scan, present.reason(exc)), "host"
                    )
                )
                continue
            finally:
                scan.release(ctx)
            if info is None:
                continue
            _scan_container(scan, client, host, {"Id": info.get("Id") or name, "Names": [name]})
    finally:
        scan.done.set()
    with scan.lock:
        return sorted(scan.findings, key=rank_key)


WATCHED_EVENTS = ("die", "oom", "health_status", "start")


def follow_events(
    host: str | None,
    stop: threading.Event,
    on_event: Callable[[str, str], None],
) -> None:
    """Call `on_event(container name, action)` for container die/oom/health_status/start events on
    `host` until `stop` is set. Blocking: run it in a thread. Raises if the daemon is unreachable."""
    from kb.checks import dockerclient

    client = dockerclient.get_client(_host_url(host))
    api = client.api
    since = int(time.time())
    while not stop.is_set():
        # one-second windows that follow each other without gaps: each stream ends by itself
        # (`until`), so `stop` is noticed within a second and no event falls between windows
        until = since + 1
        stream = api.events(
            since=since,
            until=until,
            filters={"type": "container", "event": list(WATCHED_EVENTS)},
            decode=True,
        )
        for ev in stream:
            action = str(ev.get("Action") or ev.get("status") or "").split(":")[0]
            attrs = (ev.get("Actor") or {}).get("Attributes") or {}
            name = str(attrs.get("name") or str(ev.get("id", ""))[:12])
            if action in WATCHED_EVENTS and name:
                on_event(name, action)
        since = until
        rest = until - time.time()
        if rest > 0:
            stop.wait(rest)


def _distinct_lines(prefix: str, matched: list[tuple[int, str]]) -> list[str]:
    """Evidence lines for a signature's matches: a line repeated word for word (each restart of
    a crash-looping container prints it again) is shown once, with its first line number and how
    often it came."""
    firsts: dict[str, int] = {}
    counts: dict[str, int] = {}
    for n, t in matched:
        firsts.setdefault(t, n)
        counts[t] = counts.get(t, 0) + 1
    return [
        f"{prefix} line {n}: {t}" + (f" (x{counts[t]})" if counts[t] > 1 else "")
        for t, n in firsts.items()
    ]

"""The container verdict, in one place: is this container's state (exit code, OOM kill, restarts,
health) a problem? `kb doctor` (every container, default expectations) and the `docker.container`
check kind (one container, an entry's expectations) both ask `judge`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MAX_RESTARTS = 3  # more restarts than this is a restart loop
# stopped with these codes is normal: success, Ctrl-C (SIGINT), `docker stop` (SIGTERM)
EXPECTED_EXIT_CODES: frozenset[int] = frozenset({0, 130, 143})


@dataclass(frozen=True)
class ContainerState:
    """What `docker inspect` says about a container's life, as plain data."""

    name: str
    status: str | None
    running: bool
    restarting: bool
    exit_code: int | None
    oom_killed: bool
    restart_count: int
    health: str | None
    started: str | None = None
    finished: str | None = None
    error: str = ""
    image: str | None = None
    memory_limit: int = 0
    restart_policy: str | None = None
    health_log: tuple[str, ...] = field(default=())
    oom_at: tuple[float, ...] = ()
    """Times of the daemon's `oom` events for this container (doctor reads them; the flag can miss
    a kill that lands after the exit was recorded)."""
    boot_failure: str | None = None
    """A log line saying the service failed to boot (RabbitMQ's `BOOT FAILED` exits 0)."""
    paused: bool = False
    """Frozen by `docker pause` (Docker's `State.Running` stays true while paused)."""

    @classmethod
    def from_inspect(cls, info: Mapping[str, Any]) -> ContainerState:
        state = info.get("State") or {}
        health = state.get("Health") or {}
        host_config = info.get("HostConfig") or {}
        return cls(
            name=str(info.get("Name") or str(info.get("Id") or "")[:12]).lstrip("/"),
            status=state.get("Status"),
            running=bool(state.get("Running")),
            restarting=bool(state.get("Restarting")),
            exit_code=state.get("ExitCode"),
            oom_killed=bool(state.get("OOMKilled")),
            restart_count=int(info.get("RestartCount") or 0),
            health=health.get("Status"),
            started=state.get("StartedAt"),
            finished=state.get("FinishedAt"),
            error=state.get("Error") or "",
            image=(info.get("Config") or {}).get("Image"),
            memory_limit=int(host_config.get("Memory") or 0),
            restart_policy=(host_config.get("RestartPolicy") or {}).get("Name"),
            health_log=health_lines(health),
            paused=bool(state.get("Paused")),
        )

    def with_observations(
        self, oom_at: Iterable[float] = (), boot_failure: str | None = None
    ) -> ContainerState:
        """This state plus what was seen beside `docker inspect`: `oom` events of the current run
        of the container, a boot-failure log line."""
        from dataclasses import replace

        started = iso_ts(self.started)
        times = tuple(t for t in oom_at if started is None or t >= started - 1)
        return replace(self, oom_at=times, boot_failure=boot_failure)

    @property
    def oom_by_event(self) -> bool:
        """Killed by the OOM killer although the flag says no (an event of this run, near its end)."""
        finished = iso_ts(self.finished)
        return (
            not self.oom_killed
            and not self.running
            and bool(self.oom_at)
            and (finished is None or min(self.oom_at) <= finished + 10)
        )

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContainerState:
        """The inverse of `to_dict` (a probe's plain data back into a state)."""
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("health_log", "oom_at"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)

    def evidence(self) -> list[str]:
        ev = [
            f"status: {self.status}",
            f"exit code: {self.exit_code}",
            f"OOMKilled: {str(self.oom_killed).lower()}",
            f"restart count: {self.restart_count}",
        ]
        if self.paused:
            ev.append("paused: true")
        if self.health:
            ev.append(f"health: {self.health}")
        if self.image:
            ev.append(f"image: {self.image}")
        if self.started:
            ev.append(f"started: {self.started}")
        if not self.running and self.finished:
            ev.append(f"finished: {self.finished}")
        if self.error:
            ev.append(f"error: {self.error}")
        return ev


SIGKILL_EXIT = 137  # 128 + 9: the main process was killed by SIGKILL


def health_lines(health: Mapping[str, Any]) -> tuple[str, ...]:
    """The last health probes (`State.Health.Log`, newest last) as evidence: the same result
    repeated is one line with its count, an empty output says so."""
    out: list[str] = []
    counts: list[int] = []
    for h in (health.get("Log") or [])[-3:]:
        output = " ".join(str(h.get("Output") or "").split())[:200] or "no output"
        line = f"health check: exit {h.get('ExitCode')}, {output}"
        if out and out[-1] == line:
            counts[-1] += 1
        else:
            out.append(line)
            counts.append(1)
    lines = [f"{line} ({n} times)" if n > 1 else line for line, n in zip(out, counts, strict=True)]
    if int(health.get("FailingStreak") or 0) > 1:
        lines.append(f"failing streak: {health.get('FailingStreak')} probes in a row")
    return tuple(lines)


@dataclass(frozen=True)
class Expectation:
    """What healthy means for a container. `running=None`: either, as long as a stop was clean."""

    running: bool | None = None
    max_restarts: int = DEFAULT_MAX_RESTARTS
    allow_oom: bool = False
    exit_codes: frozenset[int] = EXPECTED_EXIT_CODES


@dataclass(frozen=True)
class ContainerProblem:
    """One thing wrong: `what` is oom, killed (exit 137 without an OOM record), restart-loop,
    exit, not-running, running, paused or unhealthy."""

    what: str
    text: str
    evidence: tuple[str, ...] = ()
    status: str = "fail"
    text_zh: str = ""
    """`text` in Chinese (the `docker.container` check's summary under `--lang zh`)."""


def list_name(summary: Mapping[str, Any]) -> str:
    """A container's name as `docker ps` lists it (its first name without the leading slash),
    else its short id."""
    names = summary.get("Names") or []
    return str(names[0] if names else str(summary.get("Id", "?"))[:12]).lstrip("/")


def utc_stamp(t: float) -> str:
    """Seconds since the epoch as an RFC 3339 UTC time to the second (evidence lines)."""
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def judge(state: ContainerState, expect: Expectation) -> list[ContainerProblem]:
    """Every way `state` falls short of `expect`, most telling first (empty: healthy)."""
    out: list[ContainerProblem] = []
    killed = state.oom_killed or state.oom_by_event
    if killed and not expect.allow_oom:
        limit = state.memory_limit
        ev = [f"memory limit: {limit // (1 << 20)} MiB" if limit else "memory limit: none"]
        if state.oom_by_event:
            ev.append(
                f"oom kill at {utc_stamp(min(state.oom_at))}, from the daemon's events or the kernel "
                "log (after the exit was recorded, so OOMKilled is false)"
            )
        out.append(
            ContainerProblem(
                "oom",
                f"killed by the OOM killer (exit code {state.exit_code})",
                tuple(ev),
                text_zh=f"被 OOM killer 杀死（退出码 {state.exit_code}）",
            )
        )
    elif state.running and state.oom_at and not expect.allow_oom:
        when = utc_stamp(max(state.oom_at))
        out.append(
            ContainerProblem(
                "oom",
                f"the OOM killer killed a process in it at {when} (the container kept running)",
                (f"oom kill at {when}, from the daemon's events or the kernel log",),
                status="warn",
                text_zh=f"OOM killer 在 {when} 杀死了其中的一个进程（容器仍在运行）",
            )
        )
    if state.restart_count > expect.max_restarts:
        out.append(
            ContainerProblem(
                "restart-loop",
                f"restarted {state.restart_count} times, more than {expect.max_restarts}: a "
                f"restart loop (policy {state.restart_policy})",
                (f"restart policy: {state.restart_policy}",),
                text_zh=f"已重启 {state.restart_count} 次，超过 {expect.max_restarts} 次："
                f"陷入了重启循环（重启策略 {state.restart_policy}）",
            )
        )
    stopped = not state.running and not state.restarting and state.status in ("exited", "dead")
    if expect.running is True and not state.running:
        out.append(
            ContainerProblem(
                "not-running",
                f"not running ({state.status}, exit code {state.exit_code})",
                text_zh=f"没有在运行（{state.status}，退出码 {state.exit_code}）",
            )
        )
    elif expect.running is False and state.running:
        out.append(ContainerProblem("running", "running", text_zh="正在运行（预期是已停止）"))
    elif stopped and not killed:
        if state.exit_code == SIGKILL_EXIT and SIGKILL_EXIT not in expect.exit_codes:
            # the OOM killer, `docker kill` or a stop timeout: without OOMKilled or an oom event
            # (the daemon keeps only its last 256 events) only the kernel log can say which
            out.append(
                ContainerProblem(
                    "killed",
                    "killed by SIGKILL (exit code 137) with no OOM record left: the OOM killer, "
                    "docker kill or a stop timeout",
                    ("OOMKilled: false, and no oom event among those the daemon still holds",),
                    text_zh="被 SIGKILL 杀死（退出码 137），且没有留下 OOM 记录：可能是 OOM "
                    "killer、docker kill 或停止超时",
                )
            )
        elif state.exit_code not in expect.exit_codes:
            codes = ", ".join(str(c) for c in sorted(expect.exit_codes))
            out.append(
                ContainerProblem(
                    "exit",
                    f"exited unexpectedly with code {state.exit_code} (expected {codes})",
                    text_zh=f"意外退出，退出码 {state.exit_code}（预期为 {codes}）",
                )
            )
        elif state.boot_failure is not None:
            out.append(
                ContainerProblem(
                    "exit",
                    f"failed to boot (its log says so) although it exited with code "
                    f"{state.exit_code}",
                    (f"log: {state.boot_failure.strip()}",),
                    text_zh=f"启动失败（日志中这样写），尽管它以退出码 {state.exit_code} 退出",
                )
            )
    if state.paused and expect.running is not False:
        out.append(
            ContainerProblem(
                "paused",
                f"paused (docker pause): its processes are frozen, so connections are accepted "
                f"but never answered; docker unpause {state.name}",
                status="fail" if expect.running else "warn",
                text_zh="已暂停（docker pause）：其中的进程被冻结，连接会被接受但永远得不到"
                f"应答；执行 docker unpause {state.name}",
            )
        )
    if state.health == "unhealthy":
        out.append(
            ContainerProblem(
                "unhealthy", "fails its health check", state.health_log, text_zh="健康检查失败"
            )
        )
    return out


def iso_ts(text: str | None) -> float | None:
    """Seconds since the epoch of Docker's RFC 3339 timestamps (nanoseconds, Z); None if unset."""
    from datetime import datetime

    if not text or text.startswith("0001-"):
        return None
    head, _, frac = text.rstrip("Z").partition(".")
    try:
        base = datetime.fromisoformat(head + "+00:00").timestamp()
    except ValueError:
        return None
    digits = "".join(ch for ch in frac if ch.isdigit())[:6]
    return base + (int(digits) / 10 ** len(digits) if digits else 0.0)


def exit_codes(values: Iterable[Any]) -> frozenset[int]:
    """An entry's `exit_codes` parameter as a set of ints (non-numbers are ignored)."""
    return frozenset(int(v) for v in values if str(v).lstrip("-").isdigit())

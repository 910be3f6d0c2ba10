"""The context a probe runs in: its deadline, cancellation, secrets, targets and Docker access.

One `RunContext` per check run (it implements the `ProbeContext` protocol of kb.checks.base). The
runner creates it, runs the probe in a worker thread and, at the deadline or on cancel, calls
`abort()`, which shuts down the sockets the probe registered so an
abandoned thread does not stay blocked. Probes call `check()` between steps to stop early.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from kb.checks.base import Cancelled, DeadlineExceeded

__all__ = ["Cancelled", "DeadlineExceeded", "Recorder", "RunContext"]


class Recorder:
    """Collects what checks sent on the wire (Docker API calls, HTTP methods, MQTT packets)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def record(self, channel: str, what: str) -> None:
        with self._lock:
            self.events.append((channel, what))


# set by tests and by `KBTUI_RECORD` tooling; None in normal runs
RECORDER: Recorder | None = None


class RunContext:
    """The runner's `ProbeContext` (kb.checks.base): deadline, cancellation, secrets, Docker access."""

    def __init__(
        self,
        timeout: float,
        cancel: threading.Event | None = None,
        entry: Any = None,
        docker_hosts: dict[str, str] | None = None,
        default_docker_host: str | None = None,
    ) -> None:
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.cancel = cancel or threading.Event()
        self.entry = entry
        self.docker_hosts = docker_hosts or {}
        self.default_docker_host = default_docker_host
        self.secrets: set[str] = set()
        self._abort: list[Callable[[], None]] = []
        self._aborted = threading.Event()
        self._lock = threading.Lock()

    # -- time --------------------------------------------------------------------------------
    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def check(self) -> None:
        """Raise if cancelled, aborted or past the deadline; probes call this between steps."""
        if self.cancel.is_set():
            raise Cancelled("cancelled")
        if self._aborted.is_set() or time.monotonic() >= self.deadline:
            raise DeadlineExceeded(f"no result within {self.timeout:g} s")

    def on_abort(self, fn: Callable[[], None]) -> None:
        with self._lock:
            if self._aborted.is_set():
                fn()
            else:
                self._abort.append(fn)

    def abort(self) -> None:
        with self._lock:
            self._aborted.set()
            fns, self._abort = self._abort, []
        for fn in fns:
            try:
                fn()
            except Exception:  # aborting is best effort: the result is already an error
                pass

    # -- secrets -----------------------------------------------------------------------------
    def add_secret(self, value: str | None) -> None:
        if value:
            self.secrets.discard(value)  # a user name that is also a password is a password
            self.secrets.add(str(value))

    def credential(self, env_name: str | None, *, user: bool = False) -> str | None:
        """The value of environment variable `env_name` (registered as a secret), or None. A
        `user` name is masked where it stands as a word (`kb.redact.UserName`)."""
        if not env_name:
            return None
        value = os.environ.get(env_name)
        if value and user:
            from kb.redact import UserName

            if value not in self.secrets:
                self.secrets.add(UserName(value))
        else:
            self.add_secret(value)
        return value

    # -- recording (read-only audit) ---------------------------------------------------------
    def record(self, channel: str, what: str) -> None:
        if RECORDER is not None:
            RECORDER.record(channel, what)

    # -- Docker --------------------------------------------------------------------------------
    def docker(self, host: str | None = None) -> Any:
        """The read-only Docker client for `host` (a configured name or URL), created lazily.

        `host` is shared with the network kinds, where it is a broker address: `kb check ENTRY
        --set host=10.0.0.5` sets it for every check of the entry. Only a Docker URL
        (`unix://`, `tcp://`, `ssh://`, `npipe://`, `http(s)://`) or a configured Docker host name
        is a Docker endpoint; a bare address leaves the Docker checks on their default endpoint.
        """
        from kb.checks import dockerclient

        url = docker_url(host, self.docker_hosts, self.default_docker_host)
        return dockerclient.get_client(url).bound(self)


def docker_url(
    host: str | None, docker_hosts: Mapping[str, str], default: str | None = None
) -> str | None:
    """The Docker URL `host` stands for (a URL, a configured name, a context); `default` when
    it is none of them (a broker's address) or unset. None: the environment's own endpoint."""
    if host and host not in docker_hosts and "://" not in host:
        host = _docker_name(host)  # None for a broker address: not a Docker endpoint
    return docker_hosts.get(host, host) if host else default


def _docker_name(name: str) -> str | None:
    """The Docker URL a bare name stands for (a configured Docker host, else a Docker context),
    or None when it is neither (a broker's address given with --set host=…)."""
    from kb.checks import dockerclient, targets

    try:
        url = targets.load().docker_urls().get(name)
    except Exception:  # noqa: BLE001 - an unreadable config: the name is not a configured host
        url = None
    return url or dockerclient.context_endpoint(name)

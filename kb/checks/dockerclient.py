"""A read-only Docker client for checks: lazily created, pinned API version, refuses writes.

Every HTTP request goes through `ReadOnlyAPIClient.request`, which lets through GET and HEAD and,
as the only exception, the two POSTs of an exec whose argv is exactly one of the allow-listed
commands (`kb.checks.allowlist`). Anything else raises `ReadOnlyViolation` before a byte is sent.

Endpoint resolution: an explicit URL or configured host name, then `DOCKER_HOST`, then the current
Docker context (`docker context use`), then the local socket. `ssh://` uses the system ssh client.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from typing import Any

from kb.checks.allowlist import ALLOWED_ARGV
from kb.checks.context import DeadlineExceeded, current

PINNED_API_VERSION = "1.41"  # Docker 20.10+; newer daemons still serve it
DEFAULT_SOCKET = "unix:///var/run/docker.sock"
DEFAULT_TIMEOUT = 5.0

_EXEC_CREATE = re.compile(r"^/(v[\d.]+/)?containers/[^/]+/exec$")
_EXEC_START = re.compile(r"^/(v[\d.]+/)?exec/([0-9a-f]+)/start$")


class ReadOnlyViolation(RuntimeError):
    """A check tried to send a request that could change the Docker host."""


class DockerUnavailable(RuntimeError):
    """The Docker daemon could not be reached; the message says why and what to do."""


def resolve_endpoint(url: str | None = None) -> str:
    """The Docker endpoint to use: explicit, DOCKER_HOST, current context, local socket."""
    if url:
        return url
    env = os.environ.get("DOCKER_HOST")
    if env:
        return env
    try:
        from docker.context import ContextAPI

        ctx = ContextAPI.get_current_context()
        host = ctx.Host if ctx is not None else None
        if host:
            return host
    except Exception:  # a broken ~/.docker/config.json must not stop us using the socket
        pass
    return DEFAULT_SOCKET


def _make_api_client_class() -> type:
    import docker

    class ReadOnlyAPIClient(docker.APIClient):
        """docker.APIClient whose every request is vetted: reads only, plus allow-listed exec."""

        _kb_exec_ids: set[str]

        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            from urllib.parse import urlsplit

            path = urlsplit(url).path
            method = method.upper()
            if method not in ("GET", "HEAD"):
                self._vet_write(method, path, kwargs)
            ctx = current()
            if ctx is not None:
                remaining = ctx.remaining()
                if remaining <= 0:
                    raise DeadlineExceeded("no time left for the Docker request")
                kwargs["timeout"] = max(0.05, remaining)
                ctx.record("docker", f"{method} {path}")
            resp = super().request(method, url, *args, **kwargs)
            if ctx is not None and kwargs.get("stream"):
                self._kb_abortable(ctx, resp)
            if method == "POST" and _EXEC_CREATE.match(path) and resp.status_code == 201:
                try:
                    self._kb_exec_ids.add(resp.json()["Id"])
                except (ValueError, KeyError):
                    pass
            return resp

        def _kb_abortable(self, ctx: Any, resp: Any) -> None:
            """At the deadline, shut the stream's socket down: that wakes a read blocked on a
            daemon that sends nothing (docker-py turns the socket timeout off for log streams)."""
            import socket

            try:
                sock = self._get_raw_response_socket(resp)
            except Exception:  # not every transport exposes its socket (ssh): close is the fallback
                ctx.on_abort(resp.close)
                return

            def shut() -> None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except (OSError, AttributeError):
                    resp.close()

            ctx.on_abort(shut)

        def _vet_write(self, method: str, path: str, kwargs: dict[str, Any]) -> None:
            if method == "POST" and _EXEC_CREATE.match(path):
                body = kwargs.get("data")
                try:
                    spec = json.loads(body) if isinstance(body, (str, bytes)) else dict(body or {})
                except (TypeError, ValueError):
                    spec = {}
                argv = tuple(spec.get("Cmd") or ())
                if (
                    argv in ALLOWED_ARGV
                    and not spec.get("Privileged")
                    and not spec.get("AttachStdin")
                ):
                    return
                raise ReadOnlyViolation(f"exec of {list(argv)!r} is not on the allow-list")
            m = _EXEC_START.match(path)
            if method == "POST" and m and m.group(2) in self._kb_exec_ids:
                return
            raise ReadOnlyViolation(f"refused {method} {path}: checks are read-only")

    return ReadOnlyAPIClient


_client_class: type | None = None
_clients: dict[str, ReadOnlyDocker] = {}
_clients_lock = threading.Lock()


class ReadOnlyDocker:
    """The small read-only surface check kinds use, over one lazily created API client."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._api: Any = None
        self._lock = threading.Lock()
        self._inspect_cache: dict[str, Any] | None = None

    def cache_inspect(self, on: bool) -> None:
        """Memoise `inspect_container` (doctor runs several checks per container in one scan)."""
        self._inspect_cache = {} if on else None

    @property
    def api(self) -> Any:
        global _client_class
        with self._lock:
            if self._api is None:
                if _client_class is None:
                    _client_class = _make_api_client_class()
                kwargs: dict[str, Any] = {
                    "base_url": self.endpoint,
                    "version": PINNED_API_VERSION,
                    "timeout": DEFAULT_TIMEOUT,
                }
                if self.endpoint.startswith("ssh://"):
                    kwargs["use_ssh_client"] = (
                        True  # the system ssh: honours ~/.ssh/config and agents
                    )
                try:
                    api = _client_class(**kwargs)
                except Exception as exc:
                    raise DockerUnavailable(
                        f"cannot use Docker endpoint {self.endpoint}: {exc}"
                    ) from exc
                api._kb_exec_ids = set()
                self._api = api
            return self._api

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        import docker.errors
        import requests.exceptions

        try:
            return fn(*args, **kwargs)
        except (ReadOnlyViolation, DeadlineExceeded):
            raise
        except docker.errors.NotFound:
            raise
        except requests.exceptions.ConnectionError as exc:
            raise DockerUnavailable(self._explain(exc)) from exc
        except requests.exceptions.Timeout as exc:
            raise DockerUnavailable(
                f"the Docker daemon at {self.endpoint} did not answer in time"
            ) from exc
        except docker.errors.APIError as exc:
            raise DockerUnavailable(
                f"Docker API error from {self.endpoint}: {exc.explanation or exc}"
            ) from exc

    def _explain(self, exc: Exception) -> str:
        text = str(exc)
        if "No such file" in text or "FileNotFoundError" in text:
            return f"no Docker daemon at {self.endpoint}: the socket does not exist (is dockerd running?)"
        if "Permission denied" in text or "PermissionError" in text:
            return f"permission denied on {self.endpoint}: run as root or add the user to the docker group"
        if "Connection refused" in text:
            return f"no Docker daemon at {self.endpoint}: connection refused"
        if "timed out" in text.lower():
            return f"the Docker daemon at {self.endpoint} did not answer in time"
        return f"cannot reach the Docker daemon at {self.endpoint}: {text[:200]}"

    # -- reads ----------------------------------------------------------------------------------
    def version(self) -> dict[str, Any]:
        return self._call(self.api.version, api_version=False)

    def containers(self, all: bool = True) -> list[dict[str, Any]]:
        return self._call(self.api.containers, all=all)

    def inspect_container(self, name: str) -> dict[str, Any] | None:
        import docker.errors

        cache = self._inspect_cache
        if cache is not None and name in cache:
            return cache[name]
        try:
            info = self._call(self.api.inspect_container, name)
        except docker.errors.NotFound:
            info = None
        if cache is not None:
            cache[name] = info
        ctx = current()
        if ctx is not None and info is not None:
            # values of secret-looking env vars must not leak through logs or evidence of any check
            from kb.checks.redact import is_secret_name

            for item in (info.get("Config") or {}).get("Env") or []:
                key, _, value = item.partition("=")
                if value and is_secret_name(key):
                    ctx.add_secret(value)
        return info

    def top(self, name: str) -> dict[str, Any]:
        return self._call(self.api.top, name)

    def path_exists(self, name: str, path: str) -> bool | None:
        """Whether `path` exists in the container's filesystem (a HEAD on its archive endpoint,
        which reads a stat and copies nothing); None when the daemon cannot tell."""
        api = self.api
        resp = self._call(
            api.head, api._url("/containers/{0}/archive", name), params={"path": path}
        )
        if resp.status_code == 200:
            return True
        if resp.status_code == 404:
            return False
        return None

    def log_lines(
        self, name: str, tail: int = 1000, since_seconds: float | None = None
    ) -> Iterator[str]:
        """The container's last `tail` log lines (stdout and stderr), streamed, as text."""
        import time

        kwargs: dict[str, Any] = {
            "stdout": True,
            "stderr": True,
            "stream": True,
            "follow": False,
            "tail": tail,
        }
        if since_seconds is not None:
            kwargs["since"] = int(time.time() - since_seconds)
        stream = self._call(self.api.logs, name, **kwargs)
        ctx = current()
        if ctx is not None and hasattr(stream, "close"):
            ctx.on_abort(stream.close)
        pending: list[bytes] = []  # pieces of a line not ended yet (joined once: linear)
        try:
            for chunk in stream:
                if ctx is not None:
                    ctx.check()  # a daemon trickling lines never trips a read timeout
                *lines, rest = chunk.split(b"\n")
                if lines:
                    lines[0] = b"".join(pending) + lines[0]
                    pending = []
                    for line in lines:
                        yield line.decode("utf-8", "replace").rstrip("\r")
                if rest:
                    pending.append(rest)
            if pending:
                yield b"".join(pending).decode("utf-8", "replace").rstrip("\r")
        finally:
            if hasattr(stream, "close"):
                stream.close()

    def events(
        self, since: float, until: float, filters: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        # `until` makes the daemon end the stream, so this never blocks waiting for new events
        stream = self._call(
            self.api.events, since=int(since), until=int(until) + 1, filters=filters, decode=True
        )
        yield from stream

    def exec_allowed(self, name: str, argv: tuple[str, ...]) -> tuple[int | None, str]:
        """Run an allow-listed argv in the container; (exit code, combined output capped at 64 KB)."""
        if tuple(argv) not in ALLOWED_ARGV:
            raise ReadOnlyViolation(f"exec of {list(argv)!r} is not on the allow-list")
        ex = self._call(self.api.exec_create, name, list(argv), stdout=True, stderr=True, tty=False)
        out = self._call(self.api.exec_start, ex["Id"], stream=False, demux=False)
        code = self._call(self.api.exec_inspect, ex["Id"]).get("ExitCode")
        text = (out or b"")[:65536].decode("utf-8", "replace")
        return code, text


def get_client(url: str | None = None) -> ReadOnlyDocker:
    """The shared read-only client for an endpoint (created on first use; nothing connects yet)."""
    endpoint = resolve_endpoint(url)
    with _clients_lock:
        client = _clients.get(endpoint)
        if client is None:
            client = _clients[endpoint] = ReadOnlyDocker(endpoint)
        return client

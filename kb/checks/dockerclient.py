"""A read-only Docker client for checks: lazily created, pinned API version, refuses writes.

The API version is pinned (1.41) rather than negotiated, which costs no extra request; a daemon
that refuses it names the version it wants in its 400 answer, and the client re-pins to that.

Every HTTP request goes through `ReadOnlyAPIClient.request`, which lets through GET and HEAD and,
as the only exception, the two POSTs of an exec whose argv is exactly one of the allow-listed
commands (`kb.checks.allowlist`). Anything else raises `ReadOnlyViolation` before a byte is sent.

Endpoint resolution: an explicit URL, configured host name or Docker context name, then
`DOCKER_HOST`, then `DOCKER_CONTEXT`, then the current Docker context (`docker context use`), then
the local socket.

Remote hosts, as the Docker CLI reaches them:
- `ssh://[user@]host[:port][/path/to/docker.sock]`: ONE OpenSSH connection per host for the whole
  scan (`kb.checks.sshtunnel`), forwarding the remote Docker socket to a private local socket, so
  the scan costs one login however many requests it makes (a stock sshd drops parallel logins
  beyond MaxStartups 10). The system `ssh` honours ~/.ssh/config, agents and known_hosts.
- `tcp://` with TLS: `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH` (ca.pem, cert.pem, key.pem), a
  context's TLS material, or `ca` / `cert` / `key` / `tls_verify` on a configured Docker host.
"""

from __future__ import annotations

import copy
import json
import os
import re
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from kb.checks.allowlist import ALLOWED_ARGV
from kb.checks.base import DeadlineExceeded, ProbeContext

# Docker 20.10's API. Docker 29.0-29.2 refuse it (their default minimum is 1.44; 29.3 lowered it to
# 1.40) and daemons older than 20.10 do not know it: the client then re-pins to the bound the
# daemon's refusal names (`_version_demanded`), once per connection
PINNED_API_VERSION = "1.41"
DEFAULT_SOCKET = "unix:///var/run/docker.sock"
DEFAULT_TIMEOUT = 5.0

# the deadline of the request being sent: set by `ReadOnlyDocker._call` around each API call, from
# the deadline the client was bound to (`bound(ctx)`), read by the API client's `request`
_request_deadline: ContextVar[ProbeContext | None] = ContextVar("kb_docker_deadline", default=None)

_EXEC_CREATE = re.compile(r"^/(v[\d.]+/)?containers/[^/]+/exec$")
_EXEC_START = re.compile(r"^/(v[\d.]+/)?exec/([0-9a-f]+)/start$")


class ReadOnlyViolation(RuntimeError):
    """A check tried to send a request that could change the Docker host."""


class DockerUnavailable(RuntimeError):
    """The Docker daemon could not be reached; the message says why and what to do."""


@dataclass(frozen=True)
class TLSFiles:
    """Client TLS material for a tcp:// Docker endpoint (paths to PEM files)."""

    ca: str | None = None
    cert: str | None = None
    key: str | None = None
    verify: bool = True


# TLS material that a configured host or a Docker context gave for an endpoint URL
_endpoint_tls: dict[str, TLSFiles] = {}
_tls_lock = threading.Lock()


def register_tls(url: str, tls: TLSFiles) -> None:
    """Use `tls` for `url` (config entries and contexts call this when they resolve a host)."""
    with _tls_lock:
        _endpoint_tls[url] = tls


def tls_for(endpoint: str) -> TLSFiles | None:
    """The TLS material for a tcp:// endpoint: registered (config, context), else the standard
    DOCKER_TLS_VERIFY / DOCKER_CERT_PATH variables (as the Docker CLI reads them), else None."""
    if not endpoint.startswith(("tcp://", "https://")):
        return None
    with _tls_lock:
        registered = _endpoint_tls.get(endpoint)
    if registered is not None:
        return registered
    cert_path = os.environ.get("DOCKER_CERT_PATH") or None
    verify_env = os.environ.get("DOCKER_TLS_VERIFY")
    verify = verify_env is not None and verify_env != "" and verify_env != "0"
    if not (cert_path or verify):
        return None
    folder = cert_path or os.path.join(os.path.expanduser("~"), ".docker")
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    ca = os.path.join(folder, "ca.pem")
    return TLSFiles(
        ca=ca if os.path.exists(ca) else None,
        cert=cert if os.path.exists(cert) else None,
        key=key if os.path.exists(key) else None,
        verify=verify,
    )


def context_endpoint(name: str) -> str | None:
    """The Docker endpoint of the context `name` (its TLS material registered), or None."""
    try:
        from docker.context import ContextAPI

        ctx = ContextAPI.get_context(name)
    except Exception:  # a broken ~/.docker must not stop a scan of other hosts
        return None
    return _from_context(ctx)


def _from_context(ctx: Any) -> str | None:
    host = getattr(ctx, "Host", None) if ctx is not None else None
    if not host:
        return None
    try:
        tls = ctx.TLSConfig
    except Exception:  # noqa: BLE001 - unreadable TLS material: use the endpoint without it
        tls = None
    if tls is not None:
        cert = getattr(tls, "cert", None)
        verify = getattr(tls, "verify", True)
        register_tls(
            str(host),
            TLSFiles(
                ca=getattr(tls, "ca_cert", None) or (verify if isinstance(verify, str) else None),
                cert=cert[0] if isinstance(cert, tuple) else None,
                key=cert[1] if isinstance(cert, tuple) else None,
                verify=bool(verify),
            ),
        )
    return str(host)


def resolve_endpoint(url: str | None = None) -> str:
    """The Docker endpoint to use: explicit (a URL or a context name), DOCKER_HOST,
    DOCKER_CONTEXT, the current context, the local socket."""
    if url:
        if "://" not in url:
            from_context = context_endpoint(url)
            if from_context:
                return from_context
        return url
    env = os.environ.get("DOCKER_HOST")
    if env:
        return env
    named = os.environ.get("DOCKER_CONTEXT")
    if named and named != "default":
        from_context = context_endpoint(named)
        if from_context:
            return from_context
    try:
        from docker.context import ContextAPI

        host = _from_context(ContextAPI.get_current_context())
        if host:
            return host
    except Exception:  # a broken ~/.docker/config.json must not stop us using the socket
        pass
    return DEFAULT_SOCKET


# moby's version middleware: "client version 1.41 is too old. Minimum supported API version is
# 1.44, please upgrade your client to a newer version" / "client version 1.41 is too new. Maximum
# supported API version is 1.40" (HTTP 400)
_VERSION_BOUND = re.compile(
    r"client version \S+ is too (old|new)\. (?:Minimum|Maximum) supported API version is (\d+\.\d+)"
)


def _version_demanded(resp: Any, current: str) -> str | None:
    """The API version a daemon's 400 answer asks for instead of `current`, or None."""
    from docker.constants import MINIMUM_DOCKER_API_VERSION

    try:
        text = str(resp.json().get("message", ""))
    except (ValueError, AttributeError):
        return None
    m = _VERSION_BOUND.search(text)
    if m is None:
        return None
    want = m.group(2)
    asked = tuple(int(x) for x in want.split("."))
    have = tuple(int(x) for x in current.split("."))
    oldest = tuple(int(x) for x in MINIMUM_DOCKER_API_VERSION.split("."))
    if (m.group(1) == "old") != (asked > have) or asked < oldest:
        return None  # a bound on the wrong side, or older than docker-py can speak
    return want


def _hold_to_deadline(
    ctx: ProbeContext | None, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    """Give the request about to be sent the time left before `ctx`'s deadline (none left: raise),
    and note it for the audit."""
    if ctx is None:
        return
    remaining = ctx.remaining()
    if remaining <= 0:
        raise DeadlineExceeded("no time left for the Docker request")
    kwargs["timeout"] = max(0.05, remaining)
    ctx.record("docker", f"{method} {path}")


def _make_api_client_class() -> type:
    import docker

    class ReadOnlyAPIClient(docker.APIClient):
        """docker.APIClient whose every request is vetted: reads only, plus allow-listed exec."""

        _kb_exec_ids: set[str]
        _version: str  # docker-py's: the API version in every URL it builds

        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            from urllib.parse import urlsplit

            path = urlsplit(url).path
            method = method.upper()
            if method not in ("GET", "HEAD"):
                self._vet_write(method, path, kwargs)
            ctx = _request_deadline.get()
            _hold_to_deadline(ctx, method, path, kwargs)
            if self.verify is not True and "verify" not in kwargs:
                # requests would otherwise swap the daemon's CA for REQUESTS_CA_BUNDLE when set
                kwargs["verify"] = self.verify
            resp = super().request(method, url, *args, **kwargs)
            repin = _version_demanded(resp, self._version) if resp.status_code == 400 else None
            if repin is not None and f"/v{self._version}/" in url:
                # the daemon serves another API range (Docker 29.0-29.2 refuse anything under
                # 1.44; daemons older than 20.10 stop at 1.40): use its bound, once, from now on
                url = url.replace(f"/v{self._version}/", f"/v{repin}/", 1)
                self._version = repin
                _hold_to_deadline(ctx, method, urlsplit(url).path, kwargs)
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
        self._deadline: ProbeContext | None = None
        self._origin: ReadOnlyDocker | None = None  # a bound view shares its origin's connection
        self._tunnel: Any = None  # kb.checks.sshtunnel.SSHTunnel for ssh:// endpoints

    def bound(self, deadline: ProbeContext) -> ReadOnlyDocker:
        """This client (same connection, same cache) with every request held to `deadline`: its
        time left becomes each request's timeout, streams close when it aborts, secrets it reads
        are registered with it."""
        view = copy.copy(self)
        view._origin = self._origin or self
        view._deadline = deadline
        return view

    def close(self) -> None:
        """Drop the API client and any ssh connection (the next use opens them again)."""
        if self._origin is not None:
            self._origin.close()
            return
        with self._lock:
            if self._api is not None:
                try:
                    self._api.close()
                except Exception:  # noqa: BLE001 - closing must never fail a scan
                    pass
            self._api = None
            if self._tunnel is not None:
                self._tunnel.close()
                self._tunnel = None

    def cache_inspect(self, on: bool) -> None:
        """Memoise `inspect_container` (doctor runs several checks per container in one scan)."""
        (self._origin or self)._inspect_cache = {} if on else None

    @property
    def api(self) -> Any:
        """The docker-py API client, created (and for ssh:// connected) on first use."""
        return (self._origin or self)._connect(self._deadline)

    def _connect(self, deadline: ProbeContext | None) -> Any:
        global _client_class
        with self._lock:
            if self._tunnel is not None and not self._tunnel.alive():
                # the ssh connection ended (network, sshd restart): reconnect on this use
                self._tunnel.close()
                self._tunnel, self._api = None, None
            if self._api is None:
                if _client_class is None:
                    _client_class = _make_api_client_class()
                kwargs: dict[str, Any] = {
                    "base_url": self.endpoint,
                    "version": PINNED_API_VERSION,
                    "timeout": DEFAULT_TIMEOUT,
                }
                if self.endpoint.startswith("ssh://"):
                    from kb.checks.sshtunnel import SSHError, SSHTunnel

                    budget = deadline.remaining() if deadline is not None else None
                    tunnel = SSHTunnel(self.endpoint)
                    try:
                        kwargs["base_url"] = "unix://" + tunnel.open(budget)
                    except SSHError as exc:
                        raise DockerUnavailable(str(exc)) from exc
                    self._tunnel = tunnel
                tls = tls_for(self.endpoint)
                if tls is not None:
                    import docker.tls

                    client_cert = (tls.cert, tls.key) if tls.cert and tls.key else None
                    kwargs["tls"] = docker.tls.TLSConfig(
                        client_cert=client_cert,
                        ca_cert=tls.ca if tls.verify else None,
                        verify=tls.verify,
                    )
                try:
                    api = _client_class(**kwargs)
                except Exception as exc:
                    if self._tunnel is not None:
                        self._tunnel.close()
                        self._tunnel = None
                    raise DockerUnavailable(
                        f"cannot use Docker endpoint {self.endpoint}: {exc}"
                    ) from exc
                api._kb_exec_ids = set()
                self._api = api
            return self._api

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        import docker.errors
        import requests.exceptions

        token = _request_deadline.set(self._deadline)
        try:
            return fn(*args, **kwargs)
        except (ReadOnlyViolation, DeadlineExceeded):
            raise
        except docker.errors.NotFound as exc:
            if not _docker_404(exc):
                # an HTTP server that is not a Docker daemon (a wrong port, a proxy) answers 404
                # to everything: that is no "no such container", and no empty event list either
                raise DockerUnavailable(
                    f"{self.endpoint} is not a Docker daemon: it answered 404 without Docker's "
                    "error body (a wrong port, or a proxy in front of it?)"
                ) from exc
            raise
        except KeyError as exc:
            answer = exc.__context__
            if not isinstance(answer, requests.exceptions.HTTPError):
                raise
            # docker-py reads `message` from any JSON error body and raises KeyError without
            # one: an HTTP server that is not a Docker daemon (RabbitMQ's API on 15672, a proxy)
            status = getattr(answer.response, "status_code", "an error")
            raise DockerUnavailable(
                f"{self.endpoint} is not a Docker daemon: it answered HTTP {status} without "
                "Docker's error body (a wrong port, or a proxy in front of it?)"
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            raise DockerUnavailable(self._explain(exc)) from exc
        except requests.exceptions.Timeout as exc:
            raise DockerUnavailable(
                f"the Docker daemon at {self.endpoint} did not answer in time"
            ) from exc
        except docker.errors.APIError as exc:
            text = str(exc.explanation or exc)
            if "HTTP request to an HTTPS server" in text:
                raise DockerUnavailable(
                    f"the Docker daemon at {self.endpoint} speaks TLS: set DOCKER_TLS_VERIFY=1 and "
                    "DOCKER_CERT_PATH, use a TLS context, or set ca/cert/key on the configured host"
                ) from exc
            raise DockerUnavailable(f"Docker API error from {self.endpoint}: {text}") from exc
        finally:
            _request_deadline.reset(token)

    def _explain(self, exc: Exception) -> str:
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            folder = os.environ.get("DOCKER_CERT_PATH")
            if folder and not os.path.exists(os.path.join(folder, "ca.pem")):
                return (
                    f"TLS: the certificate of {self.endpoint} was not verified: DOCKER_CERT_PATH="
                    f"{folder} holds no ca.pem; put the CA that signed it there (or set `ca` in "
                    "the config)"
                )
            return (
                f"TLS: the certificate of {self.endpoint} was not verified: set DOCKER_CERT_PATH "
                "(ca.pem) or `ca` in the config to the CA that signed it"
            )
        if "SSLError" in text or "SSL" in type(exc).__name__ or "TLSV1_ALERT" in text:
            return (
                f"TLS handshake with {self.endpoint} failed (does it want a client certificate? "
                f"set DOCKER_CERT_PATH or `cert`/`key` in the config): {text[:160]}"
            )
        if self._tunnel is not None and not self._tunnel.alive():
            return f"the ssh connection to {self.endpoint} ended: {self._tunnel.reason()}"
        if "No such file" in text or "FileNotFoundError" in text:
            return f"no Docker daemon at {self.endpoint}: the socket does not exist (is dockerd running?)"
        if "Permission denied" in text or "PermissionError" in text:
            return f"permission denied on {self.endpoint}: run as root or add the user to the docker group"
        if "Connection refused" in text:
            return f"no Docker daemon at {self.endpoint}: connection refused"
        if "timed out" in text.lower():
            return f"the Docker daemon at {self.endpoint} did not answer in time"
        if "Connection aborted" in text and (
            "RemoteDisconnected" in text or "Connection reset" in text
        ):
            # it took the connection and hung up on the request: something listens, no Docker
            return (
                f"{self.endpoint} closed the connection without an HTTP answer (not a Docker "
                "daemon: a wrong port?)"
            )
        return f"cannot reach the Docker daemon at {self.endpoint}: {text[:200]}"

    # -- reads ----------------------------------------------------------------------------------
    def version(self) -> dict[str, Any]:
        return self._call(self.api.version, api_version=False)

    def info(self) -> dict[str, Any]:
        return self._call(self.api.info)

    def containers(self, all: bool = True) -> list[dict[str, Any]]:
        return self._call(self.api.containers, all=all)

    def inspect_container(self, name: str) -> dict[str, Any] | None:
        import docker.errors

        cache = (self._origin or self)._inspect_cache
        if cache is not None and name in cache:
            return cache[name]
        try:
            info = self._call(self.api.inspect_container, name)
        except docker.errors.NotFound:
            info = None
        if cache is not None:
            cache[name] = info
        ctx = self._deadline
        if ctx is not None and info is not None:
            # values of secret-looking env vars must not leak through logs or evidence of any check
            from kb.checks.redact import is_secret_name

            for item in (info.get("Config") or {}).get("Env") or []:
                key, _, value = item.partition("=")
                if value and is_secret_name(key):
                    ctx.add_secret(value)
        return info

    def inspect_network(self, name: str) -> dict[str, Any] | None:
        import docker.errors

        try:
            return self._call(self.api.inspect_network, name)
        except docker.errors.NotFound:
            return None

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
        ctx = self._deadline
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


def _docker_404(exc: Any) -> bool:
    """A 404 the Docker daemon itself sent: a JSON body with a `message` ("No such container:
    x"), which every Docker API error carries."""
    response = getattr(exc, "response", None)
    if response is None:
        return True  # raised by docker-py itself, not from an answer: trust it
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("message"), str)


LOCAL_ENDPOINTS = ("unix://", "tcp://127.0.0.1", "tcp://localhost", "tcp://[::1]")


def not_this_kernel(client: ReadOnlyDocker, info: dict[str, Any] | None = None) -> str | None:
    """Why this machine's kernel and routes are not the Docker host's (None: they are): a remote
    daemon, a non-Linux client, Docker Desktop's VM, rootless Docker's user-space network."""
    import sys

    if not client.endpoint.startswith(LOCAL_ENDPOINTS):
        return f"the Docker host {client.endpoint} is not this machine"
    if not sys.platform.startswith("linux"):
        return "this machine is not Linux (Docker Desktop runs containers in a VM)"
    if info is None:
        info = client.info()
    if "Docker Desktop" in str(info.get("OperatingSystem") or ""):
        return "Docker Desktop sends containers' traffic through its own host sockets"
    if any("rootless" in str(o) for o in info.get("SecurityOptions") or []):
        return "rootless Docker re-creates containers' connections from host sockets"
    return None


def close_all() -> None:
    """Close every client and ssh connection (end of a scan; the process exiting does it too)."""
    with _clients_lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        client.close()


def get_client(url: str | None = None) -> ReadOnlyDocker:
    """The shared read-only client for an endpoint (created on first use; nothing connects yet)."""
    endpoint = resolve_endpoint(url)
    with _clients_lock:
        client = _clients.get(endpoint)
        if client is None:
            client = _clients[endpoint] = ReadOnlyDocker(endpoint)
        return client

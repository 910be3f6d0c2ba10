"""One OpenSSH connection per remote Docker host, reused for a whole scan.

`ssh -N -L LOCAL.sock:REMOTE.sock host` forwards the remote Docker socket to a private local unix
socket; the Docker client then talks to that socket as if the daemon were local. Every HTTP
connection becomes a channel of the same SSH connection: one login per host, however many
requests (docker-py's own ssh transport starts one `ssh … docker system dial-stdio` per connection:
70 logins for 23 containers, and a stock sshd drops logins beyond MaxStartups 10:30:100).

The system `ssh` is used, so ~/.ssh/config, agents, jump hosts and known_hosts work as for the
Docker CLI. `KBTUI_SSH_CONFIG` names a different ssh config file (`ssh -F`), for tests and for
users who keep kb's hosts apart. BatchMode: kb never prompts for a password.
"""

from __future__ import annotations

import atexit
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from urllib.parse import unquote, urlsplit

DEFAULT_REMOTE_SOCKET = "/var/run/docker.sock"
CONNECT_TIMEOUT = 10.0  # seconds for the login when the caller has no deadline of its own
ATTEMPTS = 3  # a login dropped by MaxStartups (or a reset during key exchange) is retried
SSH_CONFIG_ENV = "KBTUI_SSH_CONFIG"
# ssh's words for a connection the server dropped before authentication: worth another try
_TRANSIENT = (
    "kex_exchange_identification",
    "Connection reset by peer",
    "Connection closed by remote host",
    "Connection closed by",
    "banner exchange",
)

_open: set[SSHTunnel] = set()
_open_lock = threading.Lock()


class SSHError(RuntimeError):
    """The ssh connection could not be made; the message says why (one line)."""


class SSHTunnel:
    """The remote Docker socket of `url` (ssh://[user@]host[:port][/socket]) as a local socket."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "ssh" or not parts.hostname:
            raise SSHError(f"not an ssh:// URL: {url!r}")
        self.url = url
        self.host = parts.hostname
        self.user = unquote(parts.username) if parts.username else None
        self.port = parts.port
        self.remote_socket = parts.path if parts.path not in ("", "/") else DEFAULT_REMOTE_SOCKET
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: str | None = None
        self._stderr = b""
        self.logins = 0  # ssh processes started (one per host unless the connection dropped)

    def _argv(self, local: str, timeout: float) -> list[str]:
        argv = ["ssh"]
        config = os.environ.get(SSH_CONFIG_ENV)
        if config:
            argv += ["-F", config]
        argv += [
            "-o", "BatchMode=yes",
            "-o", "ExitOnForwardFailure=yes",
            "-o", f"ConnectTimeout={max(1, int(timeout))}",
            "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=3",
            "-o", "StreamLocalBindUnlink=yes",
            "-o", "ControlMaster=no",
            "-o", "ControlPath=none",
            "-nNT",
            "-L", f"{local}:{self.remote_socket}",
        ]  # fmt: skip
        if self.port:
            argv += ["-p", str(self.port)]
        if self.user:
            argv += ["-l", self.user]
        return [*argv, "--", self.host]

    def open(self, timeout: float | None = None) -> str:
        """Log in and forward; returns the local socket path. Raises SSHError with ssh's reason."""
        if shutil.which("ssh") is None:
            raise SSHError(
                f"{self.url}: ssh:// needs the OpenSSH client (`ssh`) on PATH; install openssh-client"
            )
        deadline = time.monotonic() + (timeout if timeout is not None else CONNECT_TIMEOUT)
        self._dir = tempfile.mkdtemp(prefix="kbtui-ssh-")
        local = os.path.join(self._dir, "docker.sock")
        reason = "no answer"
        for attempt in range(ATTEMPTS):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._start(local, remaining)
            reason = self._wait_ready(local, deadline)
            if not reason:
                with _open_lock:
                    _open.add(self)
                return local
            self._stop()
            if not any(word in reason for word in _TRANSIENT) or attempt == ATTEMPTS - 1:
                break
            # sshd refused a login while others were in key exchange (MaxStartups): back off
            time.sleep(
                min(max(0.0, deadline - time.monotonic()), 0.2 * 2**attempt + random.random() * 0.2)
            )
        self.close()
        where = f"{self.user + '@' if self.user else ''}{self.host}"
        raise SSHError(f"ssh to {where} failed: {reason}")

    def _start(self, local: str, timeout: float) -> None:
        if os.path.exists(local):
            os.unlink(local)
        self.logins += 1
        self._proc = subprocess.Popen(
            self._argv(local, timeout),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C in the terminal is kb's to handle, not ssh's
        )

    def _wait_ready(self, local: str, deadline: float) -> str:
        """'' once the forward accepts connections, else ssh's reason."""
        proc = self._proc
        assert proc is not None
        delay = 0.005
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self._stderr = proc.stderr.read() if proc.stderr else b""
                return self.reason() or f"ssh exited with code {proc.returncode}"
            if os.path.exists(local):
                probe = socket.socket(socket.AF_UNIX)
                try:
                    probe.connect(local)
                    return ""
                except OSError:
                    pass
                finally:
                    probe.close()
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return "no login within the deadline"

    def reason(self) -> str:
        lines = [ln.strip() for ln in self._stderr.decode("utf-8", "replace").splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith("Warning: Permanently added")]
        return lines[-1] if lines else ""

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=2)
        if proc.stderr is not None:
            if not self._stderr:
                try:
                    self._stderr = proc.stderr.read() or b""
                except (OSError, ValueError):
                    pass
            proc.stderr.close()

    def close(self) -> None:
        self._stop()
        with _open_lock:
            _open.discard(self)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


@atexit.register
def _close_all() -> None:
    with _open_lock:
        tunnels = list(_open)
    for tunnel in tunnels:
        tunnel.close()

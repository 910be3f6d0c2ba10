"""Plain helpers for tests (not fixtures): entry text builders and running the real CLI."""

from __future__ import annotations

import os
import random
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports that nothing listens on, for servers a test starts itself.

    Every probe stays bound until all are picked, so two never coincide (closing each probe before
    the next bind(0) let the kernel hand out the same port twice). They are drawn from below the
    kernel's ephemeral range, so no bind(0) or outgoing connection elsewhere takes one before the
    server binds it.
    """
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    candidates = random.sample(range(10000, low), min(low - 10000, count * 20))
    ports: list[int] = []
    with ExitStack() as held:
        for port in candidates:
            probe = held.enter_context(socket.socket())
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            ports.append(port)
            if len(ports) == count:
                return ports
    raise OSError(f"no {count} free ports between 10000 and {low}")


def entry_text(
    id: str = "sample-entry",
    *,
    extra: str = "",
    kind: str = "incident",
    title: str = "A sample entry",
    body: str = "## Symptoms\nSomething breaks.\n",
) -> str:
    """A valid entry file; `extra` is appended to the front-matter (YAML at column 0)."""
    fm = (
        f"id: {id}\nkind: {kind}\ntitle: {title}\nsummary: One line about it.\n"
        "products: [emqx]\nupdated: 2026-11-21\nsymptoms: [it breaks]\n"
    )
    return f"---\n{fm}{extra}---\n{body}"


def run_kb(
    *args: str,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: Path = REPO,
):
    """Run the real `kb` CLI in a subprocess (the way users do), in `cwd` (the repository's
    modules stay importable from any folder)."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    if cwd != REPO:
        full_env["PYTHONPATH"] = os.pathsep.join([str(REPO), full_env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "kb.cli.main", *args],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=cwd,
    )


#: a Playwright wait predicate (argument: the query): the site's search has run for that query.
#: Enter on a page's header form goes to search.html, and while that page loads there may be no
#: form at all, so it must not throw on a missing one (it did once, under load)
SEARCHED_JS = (
    "q => { const f = document.querySelector('form[data-search]');"
    " return f !== null && f.getAttribute('data-searched') === q; }"
)


def read_pty(fd: int, until: bytes | None = None, timeout: float = 30.0) -> bytes:
    """What a program wrote to its terminal, read from the pty's master side `fd`: until `until`
    appears, else until the program closes the terminal (EOF, or EIO on Linux) or `timeout`."""
    import select
    import time

    seen = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end and (until is None or until not in seen):
        if not select.select([fd], [], [], 1)[0]:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen


def write_config(text: str) -> Path:
    """The user's config.yaml (under KBTUI_HOME) with `text`, mode 0600 as kb requires."""
    from kb import paths

    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)
    return path


@contextmanager
def loopback_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP listener on 127.0.0.1 (a free port) that hands each connection to `handle`, in
    its accept thread, until the block ends; yields the port. `handle` closes the connection."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn = server.accept()[0]
            except OSError:
                continue
            handle(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(3)
        server.close()

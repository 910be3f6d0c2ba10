"""Small misbehaving servers for fault tests, bound to 127.0.0.1 only, each stopped by the test.

- silent: accepts and never answers (also an MQTT listener that never sends CONNACK)
- black hole: a listener whose accept queue is full, so new SYNs are dropped and connect hangs
- trickle: an HTTP server that sends one byte per second
- status: an HTTP server answering a fixed status (401, 503) with a JSON body
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from collections.abc import Iterator


def _free_listener(backlog: int = 16) -> socket.socket:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(backlog)
    return s


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """Accepts connections, reads whatever comes, never writes. Yields the port."""
    srv = _free_listener()
    stop = threading.Event()
    conns: list[socket.socket] = []

    def loop() -> None:
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                c, _ = srv.accept()
                conns.append(c)
            except OSError:
                continue

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield srv.getsockname()[1]
    finally:
        stop.set()
        t.join(1)
        for c in conns:
            c.close()
        srv.close()


@contextlib.contextmanager
def black_hole() -> Iterator[int]:
    """A port where connect() hangs: the accept queue (backlog 0) is full and never drained."""
    srv = _free_listener(backlog=0)
    port = srv.getsockname()[1]
    fillers = []
    for _ in range(4):  # fill the accept queue; later SYNs are dropped by the kernel
        f = socket.socket()
        f.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            f.connect(("127.0.0.1", port))
        fillers.append(f)
    time.sleep(0.2)
    try:
        yield port
    finally:
        for f in fillers:
            f.close()
        srv.close()


@contextlib.contextmanager
def trickle_http() -> Iterator[int]:
    """An HTTP server that answers one byte per second, forever (until stopped)."""
    srv = _free_listener()
    stop = threading.Event()
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        + b"{" * 100000
    )

    def serve(c: socket.socket) -> None:
        with contextlib.suppress(OSError):
            c.recv(4096)
            for i in range(len(response)):
                if stop.wait(1.0):
                    break
                c.sendall(response[i : i + 1])
        c.close()

    def loop() -> None:
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                c, _ = srv.accept()
            except OSError:
                continue
            threading.Thread(target=serve, args=(c,), daemon=True).start()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield srv.getsockname()[1]
    finally:
        stop.set()
        t.join(1)
        srv.close()


class _Status(http.server.BaseHTTPRequestHandler):
    status = 200
    body = b"{}"
    methods: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.methods.append(
            f"GET {self.path} auth={'yes' if self.headers.get('Authorization') else 'no'}"
        )
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def status_http(status: int, body: bytes = b"{}") -> Iterator[tuple[int, list[str]]]:
    """An HTTP server answering every GET with `status`; yields (port, requests seen)."""
    seen: list[str] = []
    handler = type("H", (_Status,), {"status": status, "body": body, "methods": seen})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield srv.server_address[1], seen
    finally:
        srv.shutdown()
        srv.server_close()

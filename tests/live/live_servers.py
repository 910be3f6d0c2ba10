"""Small misbehaving servers for fault tests, bound to 127.0.0.1 only, each stopped by the test.

- silent: accepts and never answers (also an MQTT listener that never sends CONNACK)
- black hole: a listener whose accept queue is full, so new SYNs are dropped and connect hangs
- trickle: an HTTP server that sends one byte per second
- status: an HTTP server answering a fixed status (401, 503) with a JSON body
"""

from __future__ import annotations

import contextlib
import dataclasses
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


@dataclasses.dataclass
class Trickle:
    """What `trickle_docker` yields: its port, when the client's first request arrived (the
    scan began: a deadline test times from here, not from a process start-up that a loaded
    machine can stretch by seconds) and whether a log stream is being read."""

    port: int
    first_request: float | None = None  # time.monotonic()
    streaming: threading.Event = dataclasses.field(default_factory=threading.Event)


@contextlib.contextmanager
def trickle_docker(containers: int = 3, line: bytes = b"") -> Iterator[Trickle]:
    """A Docker Engine API endpoint (the few calls `kb doctor` makes) whose log streams trickle one
    line per second, forever. Container 0 exited with code 1 (a finding `kb doctor` reports
    before it reads any log), the others run. `line` is what each log line says."""
    import json

    stop = threading.Event()
    seen = Trickle(port=0)
    ids = [f"{i:02d}" + "ab" * 31 for i in range(containers)]

    def inspect(i: int) -> dict[str, object]:
        exited = i == 0
        return {
            "Id": ids[i],
            "Name": f"/kbtui-hostile-trickle-{i}",
            "RestartCount": 0,
            "State": {
                "Status": "exited" if exited else "running",
                "Running": not exited,
                "ExitCode": 1 if exited else 0,
                "OOMKilled": False,
                "FinishedAt": "2026-12-01T00:00:00Z" if exited else "",
            },
            "Config": {"Image": "busybox", "Tty": True, "Env": [], "ExposedPorts": {}},
            "HostConfig": {},
            "NetworkSettings": {"Ports": {}},
        }

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _json(self, data: object) -> None:
            body = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            if seen.first_request is None:
                seen.first_request = time.monotonic()
            path = self.path.split("?")[0]
            parts = path.strip("/").split("/")
            if parts[-2:] == ["containers", "json"]:
                return self._json(
                    [
                        {"Id": cid, "Names": [f"/kbtui-hostile-trickle-{i}"]}
                        for i, cid in enumerate(ids)
                    ]
                )
            cid = parts[-2] if len(parts) >= 2 else ""
            i = next((n for n, full in enumerate(ids) if full.startswith(cid)), None)
            if i is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if parts[-1] == "json":
                return self._json(inspect(i))
            if parts[-1] == "logs":
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.docker.raw-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                seen.streaming.set()
                n = 0
                with contextlib.suppress(OSError):
                    while not stop.wait(1.0):
                        n += 1
                        self.wfile.write(line or f"trickled line {n}".encode() + b"\n")
                        self.wfile.flush()
                self.close_connection = True
                return None
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    seen.port = srv.server_address[1]
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield seen
    finally:
        stop.set()
        srv.shutdown()
        srv.server_close()


@contextlib.contextmanager
def version_gate_docker(
    path: str, minimum: str, upstream: str = "/var/run/docker.sock", upstream_api: str = "1.41"
) -> Iterator[list[str]]:
    """A unix socket at `path` in front of the real dockerd that serves only API `minimum` and
    newer, as Docker 29.0-29.2 do with their default minimum of 1.44 (moby's version middleware:
    the same 400 answer, the same message). What it lets through goes to the real daemon at the
    newest API that daemon speaks (`upstream_api`: Docker 20.10.24 here, whose reads are the same
    in the versions between). Yields the request lines seen, with the status given."""
    import http.client
    import json
    import os
    import re
    import socketserver

    seen: list[str] = []
    floor = tuple(int(x) for x in minimum.split("."))

    class Upstream(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.connect(upstream)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def address_string(self) -> str:
            return "unix"

        def _forward(self) -> None:
            m = re.match(r"/v(\d+)\.(\d+)/", self.path)
            if m and (int(m.group(1)), int(m.group(2))) < floor:
                asked = f"{m.group(1)}.{m.group(2)}"
                body = json.dumps(
                    {
                        "message": f"client version {asked} is too old. Minimum supported API "
                        f"version is {minimum}, please upgrade your client to a newer version"
                    }
                ).encode()
                seen.append(f"{self.command} {self.path.split('?')[0]} 400")
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else None
            conn = Upstream("localhost", timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            target = re.sub(r"^/v\d+\.\d+/", f"/v{upstream_api}/", self.path)
            conn.request(self.command, target, body=data, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            conn.close()
            seen.append(f"{self.command} {self.path.split('?')[0]} {resp.status}")
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "content-length", "connection"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_HEAD = do_POST = _forward  # noqa: N815 - http.server API

        def log_message(self, *args: object) -> None:
            pass

    class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
        daemon_threads = True
        # socketserver listens with a backlog of 5; a unix connect() with a timeout past a full
        # backlog fails at once with EAGAIN (no retry as TCP's SYN has), and kb doctor's
        # parallel scan opens more than 5 at once. dockerd listens with the kernel's somaxconn.
        request_queue_size = 128

    if os.path.exists(path):
        os.unlink(path)
    srv = Server(path, Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield seen
    finally:
        srv.shutdown()
        srv.server_close()

"""Recording proxies for the read-only audit: every Docker API request, HTTP request line and MQTT
control packet a check sends passes through one of these and is written down.

- `UnixHttpProxy`: a unix socket in front of dockerd's socket, recording each request line
- `TcpProxy`: a 127.0.0.1 TCP port in front of a broker; a parser records what the client sends
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable


class _Proxy:
    def __init__(
        self,
        listener: socket.socket,
        connect: Callable[[], socket.socket],
        parser_factory: Callable[[], Callable[[bytes], None]],
    ) -> None:
        self.listener = listener
        self.connect = connect
        self.parser_factory = parser_factory
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()

    def _accept(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                continue
            client.settimeout(None)
            try:
                upstream = self.connect()
            except OSError:
                client.close()
                continue
            parse = self.parser_factory()
            threading.Thread(target=self._pipe, args=(client, upstream, parse), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, None), daemon=True).start()

    @staticmethod
    def _pipe(
        src: socket.socket, dst: socket.socket, parse: Callable[[bytes], None] | None
    ) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if parse is not None:
                    parse(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


def http_request_lines(record: list[str]) -> Callable[[], Callable[[bytes], None]]:
    """A parser factory noting `METHOD /path` of each HTTP request on a connection (keep-alive aware)."""

    def factory() -> Callable[[bytes], None]:
        buf = bytearray()
        state = {"body_left": 0}

        def feed(data: bytes) -> None:
            buf.extend(data)
            while True:
                if state["body_left"]:
                    n = min(state["body_left"], len(buf))
                    del buf[:n]
                    state["body_left"] -= n
                    if state["body_left"]:
                        return
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(buf[:end]).decode("latin-1")
                del buf[: end + 4]
                lines = head.split("\r\n")
                method, path = lines[0].split(" ")[:2]
                record.append(f"{method} {path}")
                for line in lines[1:]:
                    if line.lower().startswith("content-length:"):
                        state["body_left"] = int(line.split(":", 1)[1])
                if not state["body_left"] and method not in (
                    "GET",
                    "HEAD",
                    "POST",
                    "PUT",
                    "DELETE",
                ):
                    return

        return feed

    return factory


MQTT_TYPES = {
    1: "CONNECT",
    3: "PUBLISH",
    4: "PUBACK",
    5: "PUBREC",
    6: "PUBREL",
    7: "PUBCOMP",
    8: "SUBSCRIBE",
    10: "UNSUBSCRIBE",
    12: "PINGREQ",
    14: "DISCONNECT",
    15: "AUTH",
}


def mqtt_packets(record: list[str]) -> Callable[[], Callable[[bytes], None]]:
    """A parser factory noting the type (and retain flag of PUBLISH) of each client packet."""

    def factory() -> Callable[[bytes], None]:
        buf = bytearray()
        tls = False
        started = False

        def feed(data: bytes) -> None:
            nonlocal tls, started
            if tls:
                return
            buf.extend(data)
            if len(buf) >= 3 and buf[0] == 0x16 and buf[1] == 0x03 and not started:
                # a TLS ClientHello (a `tls: true` check): encrypted from here on, and the plain
                # upstream broker cannot complete the handshake, so nothing can be written
                tls = True
                record.append("TLS handshake")
                return
            started = True
            while len(buf) >= 2:
                mult, length, i = 1, 0, 1
                while True:
                    if i >= len(buf):
                        return
                    b = buf[i]
                    length += (b & 0x7F) * mult
                    mult *= 128
                    i += 1
                    if not b & 0x80:
                        break
                if len(buf) < i + length:
                    return
                kind = MQTT_TYPES.get(buf[0] >> 4, f"type{buf[0] >> 4}")
                if kind == "PUBLISH":
                    topic_len = int.from_bytes(buf[i : i + 2], "big")
                    topic = bytes(buf[i + 2 : i + 2 + topic_len]).decode("utf-8", "replace")
                    kind = f"PUBLISH retain={buf[0] & 1} topic={topic}"
                record.append(kind)
                del buf[: i + length]

        return feed

    return factory


class UnixHttpProxy(_Proxy):
    def __init__(self, path: str, upstream: str, record: list[str]) -> None:
        listener = socket.socket(socket.AF_UNIX)
        if os.path.exists(path):
            os.unlink(path)
        listener.bind(path)
        listener.listen(64)

        def connect() -> socket.socket:
            s = socket.socket(socket.AF_UNIX)
            s.connect(upstream)
            return s

        super().__init__(listener, connect, http_request_lines(record))


class TcpProxy(_Proxy):
    def __init__(self, upstream_port: int, parser: Callable[[], Callable[[bytes], None]]) -> None:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        super().__init__(
            listener, lambda: socket.create_connection(("127.0.0.1", upstream_port)), parser
        )

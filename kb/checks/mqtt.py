"""MQTT sessions for checks (paho-mqtt 2.x), driven by hand in the probe thread under the deadline.

The network loop is run with `client.loop()` rather than a background thread, so a listener that
never sends CONNACK ends at the deadline with a clear message, and nothing outlives the probe.
"""

from __future__ import annotations

import ssl
import time
import uuid
from collections.abc import Callable
from typing import Any

from kb.checks.base import Params, ProbeContext
from kb.checks.kinds._common import bare_host, host_port, tls_hint


class MqttError(Exception):
    """A readable reason why an MQTT session could not do what the check needed."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class Session:
    """One short MQTT connection: connect, optionally subscribe/publish, then disconnect."""

    def __init__(self, ctx: ProbeContext, params: Params, *, anonymous: bool = False) -> None:
        import paho.mqtt.client as mqtt

        self.ctx = ctx
        self.host = bare_host(params.get("host", "127.0.0.1"))
        self.port = int(params.get("port", 1883))
        proto = str(params.get("protocol", "3.1.1"))
        self.v5 = proto == "5"
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=f"kbtui-check-{uuid.uuid4().hex[:12]}",
            protocol=mqtt.MQTTv5 if self.v5 else mqtt.MQTTv311,
        )
        self.connack: Any = None
        self.connack_props: Any = None
        self.connected = False
        self.disconnected = False
        self.subacked: set[int] = set()
        self.puback: set[int] = set()
        self.messages: list[tuple[str, bytes | bytearray, float]] = []
        self.sent: list[str] = []
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = lambda c, u, mid, rcs, props: self.subacked.add(mid)
        self.client.on_publish = lambda c, u, mid, rc, props: self.puback.add(mid)
        self.client.on_message = lambda c, u, msg: self.messages.append(
            (msg.topic, msg.payload, time.monotonic())
        )
        self.client.on_log = self._on_log
        self.anonymous = anonymous
        if not anonymous:
            user = ctx.credential(params.get("username_env"), user=True)
            pwd = ctx.credential(params.get("password_env"))
            if user is not None:
                self.client.username_pw_set(user, pwd)
        self.tls = bool(params.get("tls"))
        if self.tls:
            self.client.tls_set(cert_reqs=ssl.CERT_REQUIRED)

    # paho's log lines name each packet sent and received; kept for the read-only audit test
    def _on_log(self, client: Any, userdata: Any, level: int, buf: str) -> None:
        if buf.startswith("Sending "):
            packet = buf.split()[1]
            self.sent.append(packet)
            self.ctx.record("mqtt", packet)

    def _on_connect(
        self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any
    ) -> None:
        self.connack = reason_code
        self.connack_props = properties
        self.connected = not reason_code.is_failure

    def _on_disconnect(
        self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any
    ) -> None:
        self.disconnected = True

    @property
    def where(self) -> str:
        return host_port(self.host, self.port)

    def connect(self, keepalive: int = 30) -> Any:
        """Open the connection and wait for CONNACK; returns the reason code (success or refusal).
        `keepalive=0` asks for no PINGREQ at all (the idle check needs a silent connection)."""
        self.client.connect_timeout = max(0.05, self.ctx.remaining())
        try:
            self.client.connect(self.host, self.port, keepalive=keepalive)
        except ConnectionRefusedError as exc:
            raise MqttError(f"no MQTT broker at {self.where}: connection refused") from exc
        except TimeoutError as exc:
            raise MqttError(f"no answer from {self.where} within the deadline") from exc
        except OSError as exc:
            why = f"{exc.strerror or exc}{tls_hint(exc, 'tls=false, or the TLS port' if self.tls else None)}"
            raise MqttError(f"cannot reach {self.where}: {why}") from exc
        import socket

        sock = self.client.socket()
        # plain and TLS sockets both subclass socket.socket; a websocket wrapper cannot be shut down
        if isinstance(sock, socket.socket):
            raw = sock

            def _abort() -> None:
                try:
                    raw.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            self.ctx.on_abort(_abort)
        self.wait(lambda: self.connack is not None, "CONNACK")
        return self.connack

    def wait(self, done: Callable[[], bool], what: str) -> None:
        while not done():
            remaining = self.ctx.remaining()
            if remaining <= 0.05:
                raise MqttError(f"{self.where} sent no {what} within the deadline", timed_out=True)
            self.ctx.check()
            rc = self.client.loop(timeout=min(0.1, remaining))
            if done():
                return
            if rc != 0 or self.disconnected:
                raise MqttError(f"{self.where} closed the connection before {what}")

    def close(self) -> None:
        try:
            if self.connected and not self.disconnected:
                self.client.disconnect()
                self.client.loop(timeout=0.05)
        except Exception:  # closing is best effort; the result is already decided
            pass
        finally:
            try:
                sock = self.client.socket()
                if sock is not None:
                    sock.close()
            except Exception:
                pass

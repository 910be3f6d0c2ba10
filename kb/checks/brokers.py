"""Broker containers for `kb doctor`: which product a container runs, and network-level probes.

Recognition reads only what `inspect` returns: the image name, then the process (entrypoint,
command), then the ports the container exposes or publishes.

Probes go to the container's own address on its Docker network (or 127.0.0.1 for host-network
containers) and only when the Docker endpoint is local, where that address is reachable:

- Mosquitto: the MQTT listener (1883) accepts a connection; with credentials in
  `KBTUI_MQTT_USER` / `KBTUI_MQTT_PASSWORD`, an MQTT CONNECT that must be accepted. A refused
  connection on the container's address means no listener there (local-only mode).
- RabbitMQ: the AMQP listener (5672) accepts a connection, and, with credentials in
  `KBTUI_RABBITMQ_USER` / `KBTUI_RABBITMQ_PASSWORD` (a user with the `monitoring` tag), the
  management health checks `/api/health/checks/local-alarms` and `.../port-listener/5672`.

Probes collect plain data (`Probe`); `kb.checks.doctor` turns it into findings. They never make a
broker log a warning: a bare TCP check closes cleanly before sending a byte (a refused anonymous
login or a reset would leave `not authorised` or `enotconn` lines the next scan would report).
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import Any

BROKER_PRODUCTS = ("emqx", "vernemq", "mosquitto", "rabbitmq")
# process names (basename of the entrypoint / command words) that say which broker runs
PROCESS_NAMES: dict[str, str] = {
    "rabbitmq-server": "rabbitmq",
    "rabbitmq": "rabbitmq",
    "mosquitto": "mosquitto",
    "emqx": "emqx",
    "vernemq": "vernemq",
    "vmq": "vernemq",
}
BROKER_PORTS: dict[int, str] = {
    18083: "emqx",
    8888: "vernemq",
    15672: "rabbitmq",
    5672: "rabbitmq",
    4369: "rabbitmq",
}
MQTT_PORTS = frozenset({1883})
# a boot that failed whatever the exit code: RabbitMQ's own banner, the Erlang VM's boot abort
BOOT_FAILURE = re.compile(r"\bBOOT FAILED\b|init terminating in do_boot")
PROBE_TIMEOUT = 2.0
# management API credentials for the health probes (values are secrets: redacted in any output)
RABBITMQ_USER_ENV = "KBTUI_RABBITMQ_USER"
RABBITMQ_PASSWORD_ENV = "KBTUI_RABBITMQ_PASSWORD"
MQTT_USER_ENV = "KBTUI_MQTT_USER"
MQTT_PASSWORD_ENV = "KBTUI_MQTT_PASSWORD"


def _image_product(image: str) -> str | None:
    name = image.rsplit("/", 1)[-1].split(":")[0].split("@")[0].lower()
    repo = image.split(":")[0].lower()
    for product in BROKER_PRODUCTS:
        if product in name or product in repo.rsplit("/", 1)[-1]:
            return product
    return None


def _process_product(info: dict[str, Any]) -> str | None:
    config = info.get("Config") or {}
    words: list[str] = []
    for part in (info.get("Path"), *(info.get("Args") or [])):
        if isinstance(part, str):
            words.extend(part.split())
    for key in ("Entrypoint", "Cmd"):
        value = config.get(key)
        if isinstance(value, list):
            for part in value:
                if isinstance(part, str):
                    words.extend(part.split())
    for word in words:
        base = os.path.basename(word.strip("'\";&|()"))
        if base in PROCESS_NAMES:
            return PROCESS_NAMES[base]
    return None


def _port_numbers(info: dict[str, Any]) -> set[int]:
    ports = dict((info.get("NetworkSettings") or {}).get("Ports") or {})
    ports.update((info.get("Config") or {}).get("ExposedPorts") or {})
    return {int(p.split("/")[0]) for p in ports if p.split("/")[0].isdigit()}


def recognise(info: dict[str, Any]) -> str | None:
    """The broker product a container runs: by image name, then process, then ports."""
    image = (info.get("Config") or {}).get("Image") or info.get("Image") or ""
    product = _image_product(str(image)) or _process_product(info)
    if product:
        return product
    numbers = _port_numbers(info)
    for port, name in BROKER_PORTS.items():
        if port in numbers:
            return name
    if numbers & {1883, 8883}:
        return "mosquitto"
    return None


def is_foreign(
    entry_products: tuple[str, ...], product: str | None, kind: str = "incident"
) -> bool:
    """True when an entry is about other brokers only: its log signatures must not be used to
    explain a container recognised as `product` (EMQX's eaddrinuse is not RabbitMQ's). Triage
    trees route to causes of any product and are never foreign."""
    if product is None or kind == "tree":
        return False
    brokers = {p for p in entry_products if p in BROKER_PRODUCTS}
    return bool(brokers) and product not in brokers


def boot_failure(lines: list[str]) -> str | None:
    """The line that says the broker's boot failed, if any."""
    for line in lines:
        if BOOT_FAILURE.search(line):
            return line
    return None


# -- network probes --------------------------------------------------------------------------------


@dataclass
class Probe:
    """What one network probe saw. `ok` None: it could not tell (timeout, no credentials...)."""

    name: str  # mqtt-connect | amqp-listener | local-alarms | port-listener
    address: str
    ok: bool | None
    detail: str
    alarms: list[dict[str, Any]] = field(default_factory=list)


def container_address(info: dict[str, Any]) -> str | None:
    """The address the host reaches the container on, or None (no network, or none reachable)."""
    settings = info.get("NetworkSettings") or {}
    mode = str((info.get("HostConfig") or {}).get("NetworkMode") or "")
    if mode == "host":
        return "127.0.0.1"
    for net in (settings.get("Networks") or {}).values():
        ip = (net or {}).get("IPAddress")
        if ip:
            return str(ip)
    ip = settings.get("IPAddress")
    return str(ip) if ip else None


def _connect(address: str, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((address, port), timeout=timeout)


def tcp_probe(name: str, address: str, port: int, timeout: float = PROBE_TIMEOUT) -> Probe:
    """Is anything accepting connections there? Connect, then close cleanly without a byte sent:
    neither Mosquitto nor RabbitMQ logs a warning for that (a refused login or a reset would)."""
    where = f"{address}:{port}"
    try:
        with _connect(address, port, timeout):
            pass
    except ConnectionRefusedError:
        return Probe(name, where, False, "connection refused: nothing listens there")
    except OSError as exc:
        return Probe(name, where, None, f"no answer ({exc.strerror or exc})")
    return Probe(name, where, True, "accepts connections")


def mqtt_probe(
    address: str, port: int, auth: tuple[str, str], timeout: float = PROBE_TIMEOUT
) -> Probe:
    """An MQTT 3.1.1 CONNECT with the configured credentials, then DISCONNECT.

    Only with credentials: an anonymous CONNECT to a broker that requires a login would itself
    make the broker log `not authorised`, the very line the next scan would report."""
    where = f"{address}:{port}"
    client_id = b"kbtui-doctor-probe"
    user, password = auth[0].encode(), auth[1].encode()
    body = (
        b"\x00\x04MQTT\x04\xc2\x00\x0a"
        + struct.pack("!H", len(client_id))
        + client_id
        + struct.pack("!H", len(user))
        + user
        + struct.pack("!H", len(password))
        + password
    )
    if len(body) > 127:
        return Probe("mqtt-connect", where, None, "credentials too long for this probe")
    try:
        with _connect(address, port, timeout) as s:
            s.sendall(b"\x10" + bytes([len(body)]) + body)
            data = s.recv(4)
            if len(data) == 4 and data[0] == 0x20:
                if data[3] == 0:
                    s.sendall(b"\xe0\x00")  # DISCONNECT
                    return Probe("mqtt-connect", where, True, "CONNACK accepted")
                return Probe(
                    "mqtt-connect", where, False, f"CONNACK refused (return code {data[3]})"
                )
            return Probe("mqtt-connect", where, None, "no CONNACK (not an MQTT listener?)")
    except ConnectionRefusedError:
        return Probe("mqtt-connect", where, False, "connection refused: nothing listens there")
    except OSError as exc:
        return Probe("mqtt-connect", where, None, f"no answer ({exc.strerror or exc})")


def mqtt_credentials() -> tuple[str, str] | None:
    user, password = os.environ.get(MQTT_USER_ENV), os.environ.get(MQTT_PASSWORD_ENV)
    return (user, password) if user and password else None


def rabbitmq_credentials() -> tuple[str, str] | None:
    user, password = os.environ.get(RABBITMQ_USER_ENV), os.environ.get(RABBITMQ_PASSWORD_ENV)
    return (user, password) if user and password else None


def _http_json(
    url: str, auth: tuple[str, str], timeout: float
) -> tuple[int, dict[str, Any] | None]:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=timeout)
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    try:
        conn.request(
            "GET", parts.path, headers={"Authorization": f"Basic {token}", "Accept": "*/*"}
        )
        resp = conn.getresponse()
        body = resp.read(1 << 16)
    finally:
        conn.close()
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return resp.status, parsed if isinstance(parsed, dict) else None


def rabbitmq_health(
    address: str, auth: tuple[str, str], port: int = 15672, timeout: float = PROBE_TIMEOUT
) -> list[Probe]:
    """The management API's local-alarms and port-listener health checks (GET only)."""
    out: list[Probe] = []
    for name, path in (
        ("local-alarms", "/api/health/checks/local-alarms"),
        ("port-listener", "/api/health/checks/port-listener/5672"),
    ):
        where = f"http://{address}:{port}{path}"
        try:
            status, body = _http_json(where, auth, timeout)
        except ConnectionRefusedError:
            out.append(Probe(name, where, None, "management API not listening"))
            break
        except OSError as exc:
            out.append(Probe(name, where, None, f"no answer ({exc.strerror or exc})"))
            break
        if status == 200:
            out.append(Probe(name, where, True, "ok"))
        elif status == 503 and body is not None:
            alarms = [a for a in body.get("alarms") or [] if isinstance(a, dict)]
            reason = str(body.get("reason") or "failed")
            out.append(Probe(name, where, False, f"503: {reason}", alarms))
        else:  # 401: wrong credentials, or a user without the monitoring tag
            out.append(Probe(name, where, None, f"HTTP {status}"))
            break
    return out


def alarm_lines(alarms: list[dict[str, Any]]) -> list[str]:
    """RabbitMQ's own log wording for each alarm the health check reports (to match signatures)."""
    return [
        f"{a.get('resource')} resource limit alarm set on node {a.get('node')}."
        for a in alarms
        if a.get("resource")
    ]


def probe_container(
    info: dict[str, Any], product: str, deadline: float, local_endpoint: bool
) -> list[Probe]:
    """Network probes for a running broker container (none when its address is unreachable)."""
    if not local_endpoint or not (info.get("State") or {}).get("Running"):
        return []
    address = container_address(info)
    if address is None:
        return []

    def budget() -> float:
        return max(0.05, min(PROBE_TIMEOUT, deadline - time.monotonic()))

    probes: list[Probe] = []
    if product == "mosquitto":
        ports = sorted(_port_numbers(info) & MQTT_PORTS) or [1883]
        mqtt_auth = mqtt_credentials()
        for port in ports:
            if mqtt_auth is not None:
                probes.append(mqtt_probe(address, port, mqtt_auth, budget()))
            else:
                probes.append(tcp_probe("mqtt-listener", address, port, budget()))
    elif product == "rabbitmq":
        probes.append(tcp_probe("amqp-listener", address, 5672, budget()))
        auth = rabbitmq_credentials()
        if auth is not None and time.monotonic() < deadline:
            probes.extend(rabbitmq_health(address, auth, 15672, budget()))
    return probes

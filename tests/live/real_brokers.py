"""Real RabbitMQ and Mosquitto incidents, reproduced in containers built from Debian packages.

The images are built and cached by `scripts/provision.d/real-brokers.sh`. Every container, network
and temporary config here carries the `kbtui-real-` prefix; cleanup removes only those. Containers
sit on one user-defined network with fixed addresses, and the tests talk to container IPs (not
published ports): docker-proxy turns a client's RST into a clean close, which changes what a broker
logs.

`start_all()` creates every incident at once (brokers boot in parallel), `wait_for()` waits for a
container's log to show a line. Captured lines are the fixtures under
`tests/fixtures/real-logs/<product>/<incident>.log`; `KBTUI_CAPTURE_REAL_LOGS=1` rewrites them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREFIX = "kbtui-real-"
BASE_NETWORK = PREFIX + "net"
# the network in use: create_network sets it. dockerd can keep a network it will not remove ("has
# active endpoints" with no container attached: a leaked endpoint count in its store, which
# survived a CI run on a session's machine and failed the next run's setup); then a fresh name
# (BASE_NETWORK-2 …) on a free subnet is used
NETWORK = BASE_NETWORK
RABBITMQ_IMAGE = "kbtui-real/rabbitmq:latest"
MOSQUITTO_IMAGE = "kbtui-real/mosquitto:latest"
HOLDER_IMAGE = "kbtui-test/busybox:latest"
# candidate subnets for the test network; the first one the daemon accepts is used
SUBNETS = (
    "10.231.57.0/24",
    "10.232.58.0/24",
    "172.29.213.0/24",
    "10.233.59.0/24",
    "172.29.214.0/24",
)
COOKIE = "KBTUIREALPARTITIONCOOKIE"
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "real-logs"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def docker(*args: str, check: bool = True, timeout: float = 120) -> str:
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def inspect(name: str) -> dict[str, Any]:
    out = docker("inspect", PREFIX + name, check=False)
    data = json.loads(out) if out else []
    return data[0] if data else {}


def logs(name: str) -> list[str]:
    """The container's whole log (stdout and stderr, in order of arrival per stream), as lines."""
    proc = subprocess.run(
        ["docker", "logs", PREFIX + name], capture_output=True, timeout=60, check=False
    )
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    return [ANSI.sub("", line).rstrip("\r") for line in text.splitlines()]


def wait_for(
    name: str, pattern: str, timeout: float, also: Callable[[], None] | None = None
) -> list[str]:
    """Wait until a log line of `name` matches `pattern`; returns the log. `also` runs each round."""
    rx = re.compile(pattern)
    end = time.monotonic() + timeout
    while True:
        lines = logs(name)
        if any(rx.search(line) for line in lines):
            return lines
        if time.monotonic() > end:
            state = inspect(name).get("State", {})
            tail = "\n".join(lines[-15:])
            raise AssertionError(
                f"{PREFIX}{name}: no log line matching {pattern!r} within {timeout:.0f} s "
                f"(status {state.get('Status')}, exit {state.get('ExitCode')}); log tail:\n{tail}"
            )
        if also is not None:
            also()
        time.sleep(0.5)


def ip_of(name: str) -> str:
    nets = inspect(name).get("NetworkSettings", {}).get("Networks", {})
    ip = (nets.get(NETWORK) or {}).get("IPAddress")
    if not ip:
        raise AssertionError(f"{PREFIX}{name} has no address on {NETWORK}")
    return str(ip)


@dataclass
class Net:
    name: str
    prefix: str  # "10.231.57." — fixed addresses are prefix + host number

    def ip(self, host: int) -> str:
        return f"{self.prefix}{host}"


def remove_all() -> None:
    release_held()
    names = docker(
        "ps", "-a", "--filter", f"name=^{PREFIX}", "--format", "{{.Names}}", check=False
    ).split()
    names = [n for n in names if n.startswith(PREFIX)]
    if names:
        docker("rm", "-f", "-v", *names, check=False)
    for name in _test_networks():
        docker("network", "rm", name, check=False)
    for stale in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        shutil.rmtree(stale, ignore_errors=True)


def _test_networks() -> list[str]:
    names = docker("network", "ls", "--format", "{{.Name}}", check=False).split()
    return [n for n in names if n == BASE_NETWORK or n.startswith(BASE_NETWORK + "-")]


def create_network() -> Net:
    """The test network, on the first subnet the daemon accepts, under the first name no
    network holds (one that remove_all could not remove stays as it is)."""
    global NETWORK
    taken = set(_test_networks())
    last = ""
    for name in [BASE_NETWORK] + [f"{BASE_NETWORK}-{i}" for i in range(2, 6)]:
        if name in taken:
            continue
        for subnet in SUBNETS:
            proc = subprocess.run(
                ["docker", "network", "create", "--subnet", subnet, name],
                capture_output=True,
                text=True,
                timeout=60,
            )
            if proc.returncode == 0:
                NETWORK = name
                return Net(name, subnet.rsplit(".", 1)[0] + ".")
            last = proc.stderr.strip()
        break  # no subnet was free under a free name: another name will not help
    raise RuntimeError(f"cannot create a test network (taken: {sorted(taken)}): {last}")


def config_dir(name: str, files: dict[str, str]) -> Path:
    """A world-readable folder of config files to bind-mount (brokers drop root privileges)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{name}-"))
    folder.chmod(0o755)
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o644)
    return folder


def run(name: str, image: str, *args: str, net: Net | None = None, ip: int | None = None) -> None:
    argv = ["run", "-d", "--name", PREFIX + name, "--label", "kbtui-real=1"]
    if net is not None:
        argv += ["--network", net.name]
        if ip is not None:
            argv += ["--ip", net.ip(ip)]
    docker(*argv, *_split_image_args(args, image))


def _split_image_args(args: tuple[str, ...], image: str) -> list[str]:
    """`run` options before `--`, the image, then the command after `--`."""
    if "--" in args:
        i = args.index("--")
        return [*args[:i], image, *args[i + 1 :]]
    return [*args, image]


# -- the incidents ---------------------------------------------------------------------------------

RABBIT_CONF = "/etc/rabbitmq/rabbitmq.conf"
MOSQ_CONF = "/etc/mosquitto/mosquitto.conf"


def _rabbit_conf(name: str, text: str, advanced: str | None = None) -> list[str]:
    files = {"rabbitmq.conf": text}
    if advanced is not None:
        files["advanced.config"] = advanced
    folder = config_dir(name, files)
    mounts = ["-v", f"{folder / 'rabbitmq.conf'}:{RABBIT_CONF}:ro"]
    if advanced is not None:
        mounts += ["-v", f"{folder / 'advanced.config'}:/etc/rabbitmq/advanced.config:ro"]
    return mounts


def _rabbit_plugins(name: str, *plugins: str) -> list[str]:
    """Enable plugins besides the image's management plugin (an `enabled_plugins` file)."""
    names = ",".join(("rabbitmq_management", *plugins))
    folder = config_dir(name + "-plugins", {"enabled_plugins": f"[{names}].\n"})
    return ["-v", f"{folder / 'enabled_plugins'}:/etc/rabbitmq/enabled_plugins:ro"]


def _mosq_conf(name: str, text: str) -> list[str]:
    folder = config_dir(name, {"mosquitto.conf": text})
    return ["-v", f"{folder / 'mosquitto.conf'}:{MOSQ_CONF}:ro"]


MOSQ_BASE = "pid_file /run/mosquitto/mosquitto.pid\nlog_dest stderr\n"

PARTITION_CONF = """\
cluster_formation.peer_discovery_backend = rabbit_peer_discovery_classic_config
cluster_formation.classic_config.nodes.1 = rabbit@kbtui-real-part1
cluster_formation.classic_config.nodes.2 = rabbit@kbtui-real-part2
cluster_partition_handling = ignore
"""
# a short tick makes the partition show within seconds instead of the default 60 s
PARTITION_ADVANCED = "[{kernel, [{net_ticktime, 4}]}].\n"


def _partition_node(net: Net, me: str, peer: str, me_ip: int, peer_ip: int) -> None:
    cookie_cmd = (
        f"printf %s {COOKIE} > /var/lib/rabbitmq/.erlang.cookie && "
        "chown rabbitmq:rabbitmq /var/lib/rabbitmq/.erlang.cookie && "
        "chmod 400 /var/lib/rabbitmq/.erlang.cookie && exec /usr/sbin/rabbitmq-server"
    )
    run(
        me,
        RABBITMQ_IMAGE,
        "--hostname",
        PREFIX + me,
        "--add-host",
        f"{PREFIX}{peer}:{net.ip(peer_ip)}",
        *_rabbit_conf(me, PARTITION_CONF, PARTITION_ADVANCED),
        "--",
        "sh",
        "-c",
        cookie_cmd,
        net=net,
        ip=me_ip,
    )


def start_all() -> Net:
    """Create every incident container (brokers boot in parallel); returns the network."""
    from concurrent.futures import Future, ThreadPoolExecutor

    remove_all()
    net = create_network()
    r, m = RABBITMQ_IMAGE, MOSQUITTO_IMAGE
    # `docker run` copies the image (vfs): start containers a few at a time, dependents after
    # the container whose network namespace they share
    pool = ThreadPoolExecutor(4)
    started: dict[str, Future[None]] = {}

    def go(name: str, image: str, *args: str, **kw: Any) -> None:
        dep = next((a.split(":", 1)[1] for a in args if a.startswith("container:")), None)

        def job() -> None:
            if dep is not None:
                started[dep.removeprefix(PREFIX)].result()
            run(name, image, *args, **kw)

        started[name] = pool.submit(job)

    # RabbitMQ
    # healthy means as deployed properly: data on a volume, not in the container layer
    go("rabbitmq-ok", r, "--mount", "type=volume,target=/var/lib/rabbitmq", net=net, ip=10)
    go(
        "rabbitmq-memory-alarm",
        r,
        *_rabbit_conf("memory", "vm_memory_high_watermark.absolute = 10MB\n"),
        net=net,
        ip=11,
    )
    go(
        "rabbitmq-disk-alarm",
        r,
        *_rabbit_conf("disk", "disk_free_limit.absolute = 50000GB\n"),
        net=net,
        ip=12,
    )
    go("rabbitmq-auth", r, net=net, ip=13)
    # the load balancer's TCP checks hit both listeners: AMQP (5672) and MQTT (1883)
    go("rabbitmq-lb-rst", r, *_rabbit_plugins("lb-rst", "rabbitmq_mqtt"), net=net, ip=14)
    go("port-holder", HOLDER_IMAGE, "--", "httpd", "-f", "-p", "5672", net=net, ip=15)
    go("rabbitmq-port-clash", r, "--network", f"container:{PREFIX}port-holder")
    go("rabbitmq-oom", r, "-m", "48m", "--memory-swap", "48m", net=net, ip=16)
    # a node name whose host part no DNS knows: no network, and a resolver that refuses every
    # lookup (nxdomain); the node retries for about a minute, then stops at prelaunch
    go(
        "rabbitmq-epmd-nxdomain",
        r,
        *("--network", "none", "--dns", "127.0.0.1", "-e", "RABBITMQ_NODENAME=rabbit@nosuchhost"),
    )
    started["part1"] = pool.submit(_partition_node, net, "part1", "part2", 20, 21)
    started["part2"] = pool.submit(_partition_node, net, "part2", "part1", 21, 20)
    # Mosquitto
    go("mosquitto-ok", m, "--mount", "type=volume,target=/var/lib/mosquitto", net=net, ip=30)
    go("mosquitto-address-in-use", m, "--network", f"container:{PREFIX}mosquitto-ok")
    go(
        "mosquitto-unknown-option",
        m,
        *_mosq_conf(
            "unknown", MOSQ_BASE + "listener 1883\nallow_anonymous true\nmax_conections 10\n"
        ),
        net=net,
        ip=31,
    )
    unwritable = config_dir("unwritable-data", {})
    unwritable.chmod(0o755)  # owned by root: mosquitto (after dropping privileges) cannot write
    go(
        "mosquitto-unwritable-persistence",
        m,
        *_mosq_conf(
            "unwritable",
            MOSQ_BASE + "listener 1883\nallow_anonymous true\npersistence true\n"
            "persistence_location /data/\nautosave_interval 1\n",
        ),
        "-v",
        f"{unwritable}:/data",
        net=net,
        ip=32,
    )
    corrupt = config_dir("corrupt-data", {"mosquitto.db": "this is not a mosquitto database\n" * 4})
    corrupt.chmod(0o777)
    (corrupt / "mosquitto.db").chmod(0o666)
    go(
        "mosquitto-corrupt-db",
        m,
        *_mosq_conf(
            "corrupt",
            MOSQ_BASE + "listener 1883\nallow_anonymous true\npersistence true\n"
            "persistence_location /data/\n",
        ),
        "-v",
        f"{corrupt}:/data",
        net=net,
        ip=33,
    )
    go(
        "mosquitto-max-connections",
        m,
        *_mosq_conf(
            "maxconn", MOSQ_BASE + "listener 1883\nallow_anonymous true\nmax_connections 1\n"
        ),
        net=net,
        ip=34,
    )
    go(
        "mosquitto-not-authorised",
        m,
        *_mosq_conf("noauth", MOSQ_BASE + "listener 1883\nallow_anonymous false\n"),
        net=net,
        ip=35,
    )
    # no listener configured: Mosquitto 2 listens on loopback only
    go("mosquitto-local-only", m, *_mosq_conf("localonly", MOSQ_BASE), net=net, ip=36)
    pool.shutdown(wait=True)
    for fut in started.values():
        fut.result()  # a failed `docker run` fails the session here, with its message
    return net


# -- clients that make brokers log -----------------------------------------------------------------


def amqp_login(host: str, user: str, password: str, timeout: float = 5.0) -> str:
    """One AMQP 0-9-1 login with pika; returns "ok" or the error's class name."""
    import pika

    params = pika.ConnectionParameters(
        host=host,
        port=5672,
        credentials=pika.PlainCredentials(user, password),
        socket_timeout=timeout,
        blocked_connection_timeout=timeout,
        connection_attempts=1,
        stack_timeout=timeout,
    )
    try:
        conn = pika.BlockingConnection(params)
    except Exception as exc:
        return type(exc).__name__
    conn.close()
    return "ok"


def rst_probes(host: str, port: int, count: int) -> None:
    """`count` load-balancer style TCP checks: connect, then reset (SO_LINGER 0) at once."""
    linger = struct.pack("ii", 1, 0)
    for _ in range(count):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        s.settimeout(1.0)
        try:
            s.connect((host, port))
        except OSError:
            pass
        finally:
            s.close()


_HELD: list[socket.socket] = []  # connections kept open until the session ends


def _connect_packet(client_id: str, keepalive: int = 60) -> bytes:
    cid = client_id.encode()
    body = b"\x00\x04MQTT\x04\x02" + struct.pack("!H", keepalive)
    body += struct.pack("!H", len(cid)) + cid
    return b"\x10" + bytes([len(body)]) + body


def _connack(s: socket.socket) -> int | None:
    try:
        data = s.recv(4)
    except OSError:
        return None
    return data[3] if len(data) == 4 and data[0] == 0x20 else None


def mqtt_connect(host: str, client_id: str, timeout: float = 3.0) -> int | None:
    """A bare MQTT 3.1.1 CONNECT (no credentials); the CONNACK return code, None when none came."""
    with socket.create_connection((host, 1883), timeout=timeout) as s:
        s.sendall(_connect_packet(client_id))
        return _connack(s)


def mqtt_connect_held(host: str, client_id: str, timeout: float = 3.0) -> int | None:
    """Like `mqtt_connect`, but the connection stays open until `release_held()`."""
    s = socket.create_connection((host, 1883), timeout=timeout)
    _HELD.append(s)
    # keepalive 0: held without PINGREQs for the whole session, never timed out by the broker
    s.sendall(_connect_packet(client_id, keepalive=0))
    return _connack(s)


def release_held() -> None:
    while _HELD:
        _HELD.pop().close()


def hold_tcp(host: str, port: int) -> socket.socket:
    return socket.create_connection((host, port), timeout=5)


def save_fixture(product: str, incident: str, lines: list[str]) -> None:
    """Write captured lines to the fixtures (only with KBTUI_CAPTURE_REAL_LOGS=1)."""
    if os.environ.get("KBTUI_CAPTURE_REAL_LOGS") != "1":
        return
    path = FIXTURES / product / f"{incident}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def fixture_index() -> dict[str, Any]:
    return dict(json.loads((FIXTURES / "index.json").read_text()))


def fixture(product: str, incident: str) -> list[str]:
    return (FIXTURES / product / f"{incident}.log").read_text().splitlines()

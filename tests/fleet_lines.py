"""Real log lines labelled with the entry they belong to, and near-miss lines that belong to none,
for the fleet pipeline test (every entry with signatures needs at least one real line).

Lines come from every real-log source the suite has: the seed lines of tests/test_content.py, the
public Docker and RabbitMQ feature-flag lines of tests/test_content_corrections.py, the corpus of tests/fixtures/log-corpus,
the captures of tests/fixtures/real-logs and tests/fixtures/captured, and SUPPLEMENT below for
entries none of those cover (each with where the line was seen).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# (entry id, line, where it comes from) for entries no labelled real-log source covers yet
SUPPLEMENT: list[tuple[str, str, str]] = [
    (
        "rabbitmq-erlang-cookie-file-permissions",
        "Cookie file /tmp/c1home2/.erlang.cookie must be accessible by owner only",
        "printed by erl (OTP 25) for a $HOME/.erlang.cookie of mode 644 (tests/test_content_corrections.py)",
    ),
    (
        "docker-daemon-json-invalid",
        "1月 11 02:59:48 nanosaur dockerd[17670]: unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character '<' looking for beginning of value",
        "https://github.com/rnanosaur/nanosaur/pull/47 (journalctl -u docker.service)",
    ),
    (
        "docker-daemon-json-invalid",
        "unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: debug: (from flag: true, from file: true)",
        "https://github.com/moby/moby/issues/42948 (dockerd --debug)",
    ),
    (
        "docker-no-space-left-on-device",
        "failed to register layer: Error processing tar file(exit status 1): write /usr/share/vim/vim74/syntax/sisu.vim: no space left on device",
        "https://github.com/NVIDIA/nvidia-docker/issues/792 (docker pull)",
    ),
    (
        "docker-registry-x509-unknown-authority",
        'Nov 11 23:08:13 peptone dockerd[14445]: time="2016-11-11T23:08:13.763732262+01:00" level=error msg="Attempting next endpoint for push after error: Get https://10.0.0.15:5000/v2/: http: server gave HTTP response to HTTPS client"',
        "https://github.com/distribution/distribution/issues/2061 (journalctl of dockerd 1.12.3)",
    ),
    (
        "docker-pull-registry-dns-lookup-fails",
        "docker: Error response from daemon: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io on [::1]:53: read udp [::1]:42089->[::1]:53: read: connection refused.",
        "https://github.com/distribution/distribution/issues/3477 (docker run)",
    ),
    (
        "rabbitmq-message-size-exceeds-max",
        "exception: Basic.publish: (406) PRECONDITION_FAILED - message size 179010654 is larger than configured max size 134217728",
        "https://github.com/celery/py-amqp/issues/428 (Celery task publish, RabbitMQ 3.x default limit)",
    ),
    (
        "android-emulator-charles-proxy-freeze",
        "CONNECT mumu.nie.netease.com:443 HTTP/1.1",
        "a Charles session line for the host named in seeds/002 (representative, not captured)",
    ),
    (
        "hyperf-amqp-frame-heartbeat-recv-loop-broken",
        "[BUG] hyperf3.1 Recv loop broken. The reason is PhpAmqpLib\\Exception\\AMQPConnectionClosedException: Read data failed, The reason is Operation timed out",
        "https://github.com/hyperf/hyperf/issues/7047 (its title, verbatim; hyperf/amqp 3.1.28)",
    ),
    (
        "emqx-docker-env-vars-not-applied",
        '2023-06-14T08:01:52.000000+00:00 [warning] unknown_env_vars: ["EMQX_AUTHN_BUILTIN_DB_AUTHENTICATION__MECHANISM"]',
        "https://github.com/emqx/emqx/issues/11068 (the variable the issue sets; its log line is cut off in the store, representative)",
    ),
    (
        "docker-forward-policy-drop-breaks-routing",
        "time=\"2026-12-04T10:00:00.000000000Z\" level=warning msg=\"IP forwarding policy set to 'drop', use '--ip-forward-no-drop' to disable\"",
        "the warning of moby's daemon/libnetwork/drivers/bridge/setup_ip_forwarding.go in dockerd's log format (representative, not captured)",
    ),
    (
        "emqx-unknown-clients-censys",
        "2024-05-12T03:11:09.118442+00:00 [info] clientid: CENSYS, msg: client_connected, peername: 167.94.138.60:53722",
        "an EMQX 5 connect line with the client id seeds/004 names (representative, not captured)",
    ),
    (
        "mqtt-retained-message-not-received",
        "2026-12-06T03:00:00.000000+00:00 [error] msg: retain_failed_for_payload_size_exceeded_limit,"
        " config: retainer.max_payload_size, size: 2097152, limit: 1048576",
        "the error store_retained logs in emqx v5.8.0 apps/emqx_retainer/src/emqx_retainer.erl, in"
        " EMQX 5's log format (representative, not captured: no EMQX runs here, and the one public"
        " line is on a page a relevance query comes from)",
    ),
]

# Healthy output of each product, and lines one key word away from a signature: none may count.
NEAR_MISS_LINES: list[str] = [
    # EMQX
    "2024-09-18T15:05:16.087475180Z Listener tcp:default on 0.0.0.0:1883 started.",
    "2024-09-18T15:05:16.579731083Z EMQX 5.8.0 is running now!",
    "2024-09-18T15:05:12.946053895Z EMQX_NODE__NAME [node.name]: emqx@172.17.0.2",
    "2023-03-01T10:00:00.000000+08:00 [warning] clientid: dev-1, msg: terminate, reason: {shutdown, normal}",
    "2023-03-01T10:00:00.000000+08:00 [info] clientid: dev-1, msg: session_resumed",
    "Os monotonic time is steady; no correction needed",
    # RabbitMQ
    "2026-11-21 12:00:00.000 [info] <0.1.0> accepting AMQP connection <0.19464.506> (10.0.0.1:50000 -> 10.0.0.2:5672)",
    "2026-11-21 12:00:01.000 [info] <0.19464.506> closing AMQP connection <0.19464.506> (10.0.0.1:50000 -> 10.0.0.2:5672, vhost: '/', user: 'guest')",
    "2026-11-21 12:00:02.000 [info] <0.230.0> Server startup complete; 4 plugins started.",
    "2026-11-21 12:00:03.000 [info] <0.230.0> memory resource limit alarm cleared on node rabbit@node1",
    # Mosquitto
    "1732190000: New client connected from 127.0.0.1:50000 as probe (p2, c1, k60).",
    "1732190001: mosquitto version 2.0.11 running",
    "1732190002: Opening ipv4 listen socket on port 1883.",
    "1732190003: Client probe disconnected.",
    # VerneMQ
    "2018-09-08 02:55:17.083 [info] <0.2518.117> cluster event: node 'VerneMQ@10.0.0.2' joined",
    # Docker daemon and containers
    'time="2026-11-21T12:00:00.000000000Z" level=info msg="Daemon has completed initialization"',
    "2019-09-22T02:08:03.772408118-07:00 container die a54711efd65d (exitCode=0, image=app:latest, name=job)",
    "2019-09-22T02:08:04.000000000-07:00 container start a54711efd65d (image=app:latest, name=job)",
    'Server started in 12 seconds "ok" <ready> & listening\tport 8080',
    # generic
    "Starting nginx 1.25.3",
    "INFO  [main] c.e.Application : Started Application in 4.2 seconds",
]


def _corpus() -> list[tuple[str | None, str]]:
    """(entry or None, line) from tests/fixtures/log-corpus/*.yaml: a list of {line, expect};
    `expect` names an entry, or says `own`/`none` (no single entry)."""
    import yaml

    out: list[tuple[str | None, str]] = []
    for path in sorted((FIXTURES / "log-corpus").glob("*.y*ml")):
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data.get("lines", []) if isinstance(data, dict) else data
        for item in items or []:
            if not isinstance(item, dict) or not isinstance(item.get("line"), str):
                continue
            label = item.get("expect")
            out.append((label if isinstance(label, str) else None, item["line"]))
    return out


def _captured_logs() -> list[tuple[str | None, str]]:
    """Every line of the logs captured from real brokers and tools: the broker containers of
    tests/fixtures/real-logs and the captures of tests/fixtures/captured."""
    out: list[tuple[str | None, str]] = []
    paths = [*(FIXTURES / "real-logs").glob("*/*.log"), *(FIXTURES / "captured").glob("*")]
    for path in sorted(p for p in paths if p.is_file() and p.suffix in (".log", ".txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip():
                out.append((None, line))
    return out


def real_lines(kbase: Any) -> list[tuple[str | None, str]]:
    """(entry id or None, line) for every real line the suite knows; the id is set where a source
    labels the line with one entry that exists in `kbase`."""
    from tests.test_content import LOG_LINES
    from tests.test_content_corrections import DOCKER_LINES, FEATURE_FLAG_LINES

    pairs: list[tuple[str | None, str]] = [
        *LOG_LINES,
        *((eid, line) for line, eid in DOCKER_LINES),
        *(("rabbitmq-feature-flags-upgrade-boot-failed", line) for line in FEATURE_FLAG_LINES),
        *_corpus(),
        *_captured_logs(),
        *((e, line) for e, line, _ in SUPPLEMENT),
    ]
    return [(e if e in kbase.entries else None, line) for e, line in pairs]

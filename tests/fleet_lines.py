"""Real log lines labelled with the entry they belong to, and near-miss lines that belong to none,
for the fleet pipeline test (every entry with signatures needs at least one real line).

Lines come from every labelled source the suite has: the seed lines of tests/test_content.py, the
real-log corpus under tests/fixtures/log-corpus/ (when present), and SUPPLEMENT below for entries
none of those cover (each with where the line was seen).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# (entry id, line, where it comes from) for entries no labelled real-log source covers yet
SUPPLEMENT: list[tuple[str, str, str]] = [
    (
        "emqx-port-in-use-eaddrinuse",
        "Failed to start mqtt listener mqtt:ws:external on 0.0.0.0:8083: eaddrinuse",
        "https://github.com/emqx/emqx/issues/9806 (EMQX 5.0, console output)",
    ),
    (
        "android-emulator-charles-proxy-freeze",
        "CONNECT mumu.nie.netease.com:443 HTTP/1.1",
        "a Charles session line for the host named in seeds/002 (representative, not captured)",
    ),
    (
        "emqx-unknown-clients-censys",
        "2024-05-12T03:11:09.118442+00:00 [info] clientid: CENSYS, msg: client_connected, peername: 167.94.138.60:53722",
        "an EMQX 5 connect line with the client id seeds/004 names (representative, not captured)",
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


def _corpus() -> list[tuple[str, str]]:
    """(entry, line) pairs from tests/fixtures/log-corpus/*.yaml, whatever shape each file has:
    a list of {line, expect|entry}, or a mapping with such a list under `lines`."""
    import yaml

    out: list[tuple[str, str]] = []
    folder = FIXTURES / "log-corpus"
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.y*ml")):
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data.get("lines", []) if isinstance(data, dict) else data
        for item in items or []:
            if not isinstance(item, dict) or not isinstance(item.get("line"), str):
                continue
            label = item.get("expect", item.get("entry"))
            if isinstance(label, list):
                label = label[0] if label else None
            if isinstance(label, str) and label not in ("none", ""):
                out.append((label, item["line"]))
    return out


def labelled_lines(kbase: Any) -> list[tuple[str, str]]:
    """(entry id, line) for every known real line whose entry exists in `kbase`."""
    from tests.test_content import LOG_LINES

    pairs = [*LOG_LINES, *_corpus(), *((e, line) for e, line, _ in SUPPLEMENT)]
    return [(e, line) for e, line in pairs if e in kbase.entries]

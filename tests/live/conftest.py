"""Shared fixtures for live tests: a real Docker Engine, the incident containers, local fault servers.

Live tests skip, loudly, only when this is not root and no Docker daemon answers; as root (CI) the
Engine is provisioned by scripts/provision.d/docker.sh, and a failure there fails the tests.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# docker_engine and incident_containers are in tests/conftest.py (test_tui_live.py uses them too)


@pytest.fixture(scope="session")
def bundled_kb():
    from kb.loader import load_kb

    return load_kb()


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def brokers() -> dict[str, int]:
    """Mosquitto 1883 (anonymous), 1884 (password), RabbitMQ 5672/15672 (provisioned as root)."""
    ports = {"mqtt": 1883, "mqtt_auth": 1884, "amqp": 5672, "rabbitmq_api": 15672}
    if not all(_port_open(p) for p in ports.values()):
        if os.geteuid() != 0:
            pytest.skip(
                "LIVE TESTS SKIPPED: brokers not running and not root; run scripts/test as root"
            )
        subprocess.run(["bash", str(ROOT / "scripts/provision.d/brokers.sh")], check=True)
    missing = [name for name, p in ports.items() if not _port_open(p)]
    assert not missing, f"brokers not listening after provisioning: {missing}"
    os.environ["KBTUI_TEST_MQTT_USER"] = "kbtui-test"
    os.environ["KBTUI_TEST_MQTT_PASS"] = "kbtui-test-pass"
    return ports


def make_entry(*specs, signatures=(), entry_id="live-test"):
    """An Entry built directly from kb.model, for checks that need no bundled content."""
    from kb.model import Entry

    return Entry(
        id=entry_id,
        kind="incident",
        title="live test",
        summary="",
        body="",
        path="<test>",
        signatures=tuple(signatures),
        checks=tuple(specs),
    )


def spec(
    kind: str,
    params: dict | None = None,
    timeout: float | None = None,
    on_fail: str = "fail",
    cid: str = "c",
):
    from kb.model import CheckSpec

    return CheckSpec(
        id=cid,
        kind=kind,
        title=f"{kind} test",
        params=params or {},
        timeout=timeout,
        on_fail=on_fail,
    )

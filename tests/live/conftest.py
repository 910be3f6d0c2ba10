"""Shared fixtures for live tests: a real Docker Engine, the incident containers, local fault servers.

Live tests skip, loudly, only when this is not root and no Docker daemon answers; as root (CI) the
Engine is provisioned by scripts/provision.d/docker.sh, and a failure there fails the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import live_incidents as incidents
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _daemon_up() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "version"], capture_output=True, timeout=20).returncode == 0


@pytest.fixture(scope="session")
def docker_engine() -> str:
    """The Docker endpoint the live tests use (provisioned when running as root)."""
    if not _daemon_up():
        if os.geteuid() != 0:
            pytest.skip(
                "LIVE TESTS SKIPPED: not root and no Docker daemon answers; run scripts/test as root"
            )
        subprocess.run(["bash", str(ROOT / "scripts/provision.d/docker.sh")], check=True)
    assert _daemon_up(), "Docker daemon still not answering after provisioning"
    return "unix:///var/run/docker.sock"


@pytest.fixture(scope="session")
def incident_containers(docker_engine: str):
    """All incident containers, in their incident states; removed (only kbtui-test-*) afterwards."""
    incidents.start_all()
    yield incidents.EXPECTED
    incidents.remove_all()


@pytest.fixture(scope="session")
def bundled_kb():
    from kb.loader import load_kb

    return load_kb()

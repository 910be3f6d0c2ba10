"""Shared fixtures. Every test runs with KBTUI_HOME in a temp folder, so no test touches the user's
config or cache, and with no KB_PATH/locale leaking in from the environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# before any test module imports numpy: see indexer/semantic.py (two xdist workers on two cores,
# each with spinning OpenBLAS threads, made the suite twice as slow)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("kbtui-home")
    monkeypatch.setenv("KBTUI_HOME", str(home))
    monkeypatch.delenv("KB_PATH", raising=False)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(scope="module")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The search index of the bundled KB, built once per test module in a KBTUI_HOME of its own."""
    from indexer import open_index
    from kb.paths import bundled_kb

    mp = pytest.MonkeyPatch()
    mp.setenv("KBTUI_HOME", str(tmp_path_factory.mktemp("bundled-index-home")))
    idx = open_index([bundled_kb()])
    yield idx
    idx.close()
    mp.undo()


@pytest.fixture
def tmpfs() -> Iterator[Callable[[Path, str], Path]]:
    """tmpfs(path, "size=4m") or tmpfs(path, "ro"): a fresh tmpfs mounted there, unmounted after the
    test; for real ENOSPC and EROFS (tests/test_index_unwritable.py). Needs root, as in CI."""
    if os.geteuid() != 0:
        pytest.skip("TMPFS TESTS SKIPPED: mounting a tmpfs needs root; run scripts/test as root")
    mounted: list[Path] = []

    def make(path: Path, options: str) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
        mounted.append(path)
        return path

    yield make
    for path in reversed(mounted):
        if subprocess.run(["umount", str(path)], check=False).returncode:
            subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[..., Path]:
    """make_kb({"emqx/some-id.md": "---\\n...\\n---\\nbody"}) -> folder with those files."""

    def make(files: dict[str, str], name: str = "kb") -> Path:
        root = tmp_path / name
        for rel, text in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        root.mkdir(parents=True, exist_ok=True)
        return root

    return make


# -- the shared Docker Engine and its incident containers (tests/live and test_tui_live.py) --------
# Live tests skip, loudly, only when this is not root and no Docker daemon answers; as root (CI)
# the Engine is provisioned by scripts/provision.d/docker.sh, and a failure there fails the tests.


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
        subprocess.run(["bash", str(REPO / "scripts/provision.d/docker.sh")], check=True)
    assert _daemon_up(), "Docker daemon still not answering after provisioning"
    # containers a killed earlier run left behind (the fleet module's, removed at its own end)
    # would be scanned by every doctor test of this one: nothing of this session exists yet
    left = subprocess.run(
        ["docker", "ps", "-aq", "--filter", "name=^kbtui-fleet-"],
        capture_output=True, text=True, timeout=30,
    ).stdout.split()  # fmt: skip
    if left:
        subprocess.run(["docker", "rm", "-f", *left], capture_output=True, timeout=60)
    return "unix:///var/run/docker.sock"


@pytest.fixture(scope="session")
def incident_containers(docker_engine: str) -> Iterator[dict[str, str | None]]:
    """All incident containers (tests/live/live_incidents.py), in their incident states; made once
    per session, removed (only kbtui-test-*) at its end."""
    live = str(REPO / "tests" / "live")
    if live not in sys.path:
        sys.path.insert(0, live)
    import live_incidents as incidents

    incidents.start_all()
    yield incidents.EXPECTED
    incidents.remove_all()


# Tests that share the one Docker Engine (containers created and removed by prefix, `kb doctor`
# over every container of the host, which a container vanishing mid-scan marks not ok): one xdist
# group, so `scripts/test -n 2 --dist loadgroup` runs them one after another on one worker while the
# rest of the suite runs on the other. Closer groups set by these modules are replaced: two groups
# could still race on the shared daemon. Every test under tests/live/ is in it unless its file is
# listed in OWN_SERVICES_FILES; elsewhere, the tests marked `shared_docker`.
SHARED_DOCKER_GROUP = "docker-and-brokers"

# tests/live/ files that touch neither the shared Engine nor its containers, and change nothing the
# others see: they run beside the shared group, on either worker. A module's own xdist_group is
# kept (test_remote_docker's session fixture makes its containers once per worker).
OWN_SERVICES_FILES = {
    # fake Docker API servers of its own on free loopback ports
    "test_doctor_deadlines.py",
    # fault servers of its own on free ports, its own mosquitto; the host brokers only read
    "test_checks_faults.py",
    # its own mosquitto processes on free ports
    "test_mosquitto_reproductions.py",
    # the host's Mosquitto and RabbitMQ, read and used as any client would (nothing stopped)
    "test_checks_brokers.py",
    # the private --tlsverify dockerd (its own data root and containers) and the stock sshd
    "test_remote_docker.py",
    # its own dockerd without the memory cgroup (the shared daemon's docker info is only read)
    "test_checks_memory_cgroup.py",
}


def _shares_docker(item: pytest.Item) -> bool:
    path = Path(str(item.fspath)).resolve()
    if (REPO / "tests" / "live") in path.parents:
        return path.name not in OWN_SERVICES_FILES
    return item.get_closest_marker("shared_docker") is not None


# before xdist's own hook, which reads the group into the test id
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not _shares_docker(item):
            continue
        # xdist joins every xdist_group name it finds up the chain: drop the module's own so
        # that all these tests land in exactly one group
        for node in item.listchain():
            node.own_markers[:] = [m for m in node.own_markers if m.name != "xdist_group"]
        item.add_marker(pytest.mark.xdist_group(SHARED_DOCKER_GROUP))

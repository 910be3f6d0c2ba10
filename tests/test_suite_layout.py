"""The suite's own layout: tests on the shared Docker Engine form exactly one xdist group; live
tests on services of their own run beside it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests import conftest
from tests.helpers import free_ports


class _Node:
    def __init__(self, *marks: pytest.MarkDecorator) -> None:
        self.own_markers: list[pytest.Mark] = [m.mark for m in marks]


class _Item(_Node):
    def __init__(self, path: Path, module: _Node, *marks: pytest.MarkDecorator) -> None:
        super().__init__(*marks)
        self.fspath = path
        self.module = module

    def listchain(self) -> list[_Node]:
        return [self.module, self]

    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.own_markers.append(marker.mark)

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        for node in reversed(self.listchain()):
            for mark in node.own_markers:
                if mark.name == name:
                    return mark
        return None


def _groups(item: _Item) -> list[str]:
    return [m.args[0] for n in item.listchain() for m in n.own_markers if m.name == "xdist_group"]


def test_shared_docker_tests_get_one_group_and_others_keep_theirs() -> None:
    tests, live_dir = conftest.REPO / "tests", conftest.REPO / "tests" / "live"
    live = _Item(live_dir / "test_real_incidents.py", _Node(pytest.mark.xdist_group("brokers")))
    tui = _Item(tests / "test_tui_live.py", _Node(pytest.mark.shared_docker))
    tmux_doctor = _Item(tests / "test_tui_e2e_tmux.py", _Node(), pytest.mark.shared_docker)
    tmux_search = _Item(tests / "test_tui_e2e_tmux.py", _Node(), pytest.mark.live)
    unit = _Item(tests / "test_loader.py", _Node(pytest.mark.xdist_group("mine")))
    remote = _Item(live_dir / "test_remote_docker.py", _Node(pytest.mark.xdist_group("remote")))
    faults = _Item(live_dir / "test_checks_faults.py", _Node(pytest.mark.live))
    items = [live, tui, tmux_doctor, tmux_search, unit, remote, faults]
    conftest.pytest_collection_modifyitems(None, items)  # type: ignore[arg-type]
    for item in (live, tui, tmux_doctor):
        assert _groups(item) == [conftest.SHARED_DOCKER_GROUP]
    assert _groups(tmux_search) == []  # a terminal of its own: on either worker
    assert _groups(unit) == ["mine"]
    assert _groups(remote) == ["remote"]  # its own daemon: beside the shared group
    assert _groups(faults) == []  # its own fault servers: on either worker


def test_files_said_to_run_beside_the_shared_group_exist() -> None:
    for name in conftest.OWN_SERVICES_FILES:
        assert (conftest.REPO / "tests" / "live" / name).is_file(), name


def test_free_ports_are_distinct_and_outside_the_kernels_ephemeral_range() -> None:
    """Servers a test starts get ports no other server of the same test and no bind(0) can take
    (two of the fleet pipeline's six once got the same port, and its alerts went nowhere)."""
    low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for _ in range(20):
        ports = free_ports(6)
        assert len(set(ports)) == 6
        assert all(10000 <= p < low for p in ports)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        # bind(0) draws from the range free_ports avoids
        assert low <= taken.getsockname()[1] <= high

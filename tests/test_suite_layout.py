"""The suite's own layout: tests on the shared Docker Engine form exactly one xdist group."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import conftest


class _Node:
    def __init__(self) -> None:
        self.own_markers: list[pytest.Mark] = []


class _Item(_Node):
    def __init__(self, path: Path, module: _Node) -> None:
        super().__init__()
        self.fspath = path
        self.module = module

    def listchain(self) -> list[_Node]:
        return [self.module, self]

    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.own_markers.append(marker.mark)


def _groups(item: _Item) -> list[str]:
    return [m.args[0] for n in item.listchain() for m in n.own_markers if m.name == "xdist_group"]


def test_shared_docker_tests_get_one_group_and_others_keep_theirs() -> None:
    live_module, other_module = _Node(), _Node()
    live_module.own_markers.append(pytest.mark.xdist_group("real-brokers").mark)
    other_module.own_markers.append(pytest.mark.xdist_group("mine").mark)
    live = _Item(conftest.REPO / "tests" / "live" / "test_real_incidents.py", live_module)
    tmux = _Item(conftest.REPO / "tests" / "test_tui_e2e_tmux.py", _Node())
    unit = _Item(conftest.REPO / "tests" / "test_loader.py", other_module)
    conftest.pytest_collection_modifyitems(None, [live, tmux, unit])  # type: ignore[arg-type]
    assert _groups(live) == [conftest.SHARED_DOCKER_GROUP]
    assert _groups(tmux) == [conftest.SHARED_DOCKER_GROUP]
    assert _groups(unit) == ["mine"]

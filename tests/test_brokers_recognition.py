"""Broker recognition and the doctor rules that depend on it (no Docker needed: inspect data)."""

from __future__ import annotations

from typing import Any

import pytest

from kb.checks import brokers


def _info(
    image: str = "app:1",
    cmd: list[str] | None = None,
    ports: dict[str, Any] | None = None,
    path: str = "",
    args: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "Path": path,
        "Args": args or [],
        "Config": {"Image": image, "Cmd": cmd, "ExposedPorts": ports or {}},
        "NetworkSettings": {"Ports": {}},
    }


@pytest.mark.parametrize(
    ("info", "product"),
    [
        (_info("kbtui-real/rabbitmq:021089eaa15d"), "rabbitmq"),
        (_info("rabbitmq:3.13-management"), "rabbitmq"),
        (_info("eclipse-mosquitto:2"), "mosquitto"),
        (_info("emqx/emqx:5.8.0"), "emqx"),
        (_info("vernemq/vernemq"), "vernemq"),
        # a private image name: the process says what it is
        (_info("registry.local/mq:7", path="/usr/sbin/rabbitmq-server"), "rabbitmq"),
        (_info("corp/broker:1", cmd=["/usr/sbin/mosquitto", "-c", "/etc/m.conf"]), "mosquitto"),
        (_info("corp/broker:1", cmd=["sh", "-c", "exec mosquitto -c /x"]), "mosquitto"),
        # ports last
        (_info("corp/x:1", ports={"5672/tcp": {}}), "rabbitmq"),
        (_info("corp/x:1", ports={"1883/tcp": {}}), "mosquitto"),
        (_info("corp/x:1", cmd=["nginx"], ports={"80/tcp": {}}), None),
    ],
)
def test_recognise(info: dict[str, Any], product: str | None) -> None:
    assert brokers.recognise(info) == product


def test_foreign_entries() -> None:
    assert brokers.is_foreign(("emqx", "docker", "erlang"), "rabbitmq")
    assert not brokers.is_foreign(("rabbitmq",), "rabbitmq")
    assert not brokers.is_foreign(("emqx", "rabbitmq"), "rabbitmq")
    assert not brokers.is_foreign(("docker",), "rabbitmq")  # generic Docker entries apply
    assert not brokers.is_foreign(("emqx",), None)  # unrecognised container: anything goes
    assert not brokers.is_foreign(("docker", "emqx"), "mosquitto", "tree")


def test_boot_failure_whatever_the_exit_code() -> None:
    lines = [
        "2026-12-02 07:08:22.890308+00:00 [error] <0.665.0> BOOT FAILED",
        "Server startup complete",
    ]
    assert brokers.boot_failure(lines) == lines[0]
    assert brokers.boot_failure(['{"init terminating in do_boot",{error,x}}']) is not None
    assert brokers.boot_failure(["Server startup complete; 3 plugins started."]) is None


def test_container_address() -> None:
    info = {"NetworkSettings": {"Networks": {"n": {"IPAddress": "10.0.0.7"}}}, "HostConfig": {}}
    assert brokers.container_address(info) == "10.0.0.7"
    assert brokers.container_address({"HostConfig": {"NetworkMode": "host"}}) == "127.0.0.1"
    assert brokers.container_address({"NetworkSettings": {"Networks": {}}}) is None


def test_alarm_lines_use_rabbitmqs_own_wording() -> None:
    alarms = [{"node": "rabbit@a", "resource": "memory"}, {"node": "rabbit@a", "resource": "disk"}]
    assert brokers.alarm_lines(alarms) == [
        "memory resource limit alarm set on node rabbit@a.",
        "disk resource limit alarm set on node rabbit@a.",
    ]


def test_tcp_probe_refused_and_accepted() -> None:
    import socket

    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        port = srv.getsockname()[1]
        assert brokers.tcp_probe("x", "127.0.0.1", port).ok is True
    refused = brokers.tcp_probe("x", "127.0.0.1", port)
    assert refused.ok is False and "refused" in refused.detail


def test_docker_timestamps() -> None:
    from kb.checks.container import iso_ts as _iso_ts

    assert _iso_ts("0001-01-01T00:00:00Z") is None
    assert _iso_ts("2026-12-02T07:10:32.359793992Z") == pytest.approx(1796195432.359794)


def test_a_container_removed_mid_scan_is_not_a_lost_container() -> None:
    import docker.errors

    from kb.checks import doctor
    from kb.loader import load_kb

    class Gone:
        endpoint = "unix:///nonexistent.sock"

        def bound(self, ctx: Any) -> Gone:
            return self

        def inspect_container(self, cid: str) -> dict[str, Any]:
            return {"Name": "/x", "State": {"Status": "running", "Running": True}, "Config": {}}

        def log_lines(self, cid: str, tail: int = 0) -> Any:
            raise docker.errors.NotFound("No such container: x")

    scan = doctor._Scan(load_kb(), None)
    doctor._scan_container(scan, Gone(), "h", {"Id": "abc", "Names": ["/x"]})
    assert scan.cut_short == {} and scan.findings == []

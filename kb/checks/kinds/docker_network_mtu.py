"""`docker.network_mtu`: a container's networks have an MTU no larger than the host's path out.

Docker does not follow the host's MTU (it stopped in 1.10.0): every network is 1500 unless its
`com.docker.network.driver.mtu` option says otherwise, and the daemon's `mtu` setting reaches the
default `bridge` network only. Behind a VPN, PPPoE or a cloud overlay the host's own path is
smaller, and where path-MTU discovery is broken the container's large packets vanish: TLS
handshakes and big downloads hang while small requests work.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

from kb.checks.base import (
    FAIL,
    PASS,
    SKIP,
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.kinds._common import (
    CONTAINER,
    DOCKER_COMMON,
    container_description,
    in_range,
    ip_literal,
    no_container,
    on_docker_host,
    shown,
)

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param(
        "max",
        int,
        help="the largest MTU the path out allows (default: the local host's route MTU to target)",
        check=in_range(576, 65535, "an MTU"),
    ),
    Param(
        "target",
        str,
        default="1.1.1.1",
        help="an outside IPv4 address whose route gives the host's MTU (no packet is sent)",
        check=ip_literal,
    ),
)

MTU_OPTION = "com.docker.network.driver.mtu"
DEFAULT_MTU = 1500  # moby daemon/config DefaultNetworkMtu, the kernel's default for veth
VXLAN_OVERHEAD = 50  # the overlay driver subtracts it (libnetwork/drivers/overlay vxlanEncap)
IP_MTU = 14  # <linux/in.h>: the path MTU the kernel holds for a connected socket's route
LOCAL_ENDPOINTS = ("unix://", "npipe://", "tcp://127.0.0.1", "tcp://localhost", "tcp://[::1]")


@dataclass(frozen=True)
class Network:
    name: str
    driver: str
    option: int | None
    """The network's `com.docker.network.driver.mtu` (None: not set)."""

    @property
    def mtu(self) -> int | None:
        """What the container's interface gets (None: this driver's MTU is not Docker's to say)."""
        if self.driver == "bridge":
            return self.option or DEFAULT_MTU
        if self.driver == "overlay":
            return (self.option or DEFAULT_MTU) - VXLAN_OVERHEAD
        return self.option

    def line(self) -> str:
        how = f"{MTU_OPTION}={self.option}" if self.option else f"no {MTU_OPTION}: Docker's 1500"
        if self.driver == "overlay":
            how += f", minus {VXLAN_OVERHEAD} for VXLAN"
        shown_mtu = self.mtu if self.mtu is not None else "set by the driver"
        return f"network {self.name} ({self.driver}): MTU {shown_mtu} ({how})"


def host_path_mtu(target: str) -> int:
    """The MTU of the local host's route to `target`, as the kernel would use it (policy routing
    and route MTUs included); connecting a UDP socket sends nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((target, 9))
        return int(s.getsockopt(socket.IPPROTO_IP, IP_MTU))


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    client = ctx.docker(params.get("host"))
    info = client.inspect_container(params["container"])
    if info is None:
        return None
    mode = str((info.get("HostConfig") or {}).get("NetworkMode") or "")
    networks = []
    for name, attached in ((info.get("NetworkSettings") or {}).get("Networks") or {}).items():
        net = client.inspect_network((attached or {}).get("NetworkID") or name) or {}
        raw = str((net.get("Options") or {}).get(MTU_OPTION) or "").strip()
        option = int(raw) if raw.isdigit() and int(raw) > 0 else None
        networks.append(Network(name, str(net.get("Driver") or "?"), option))
        ctx.check()
    limit, source = params.get("max"), "max"
    if limit is None:
        local = client.endpoint.startswith(LOCAL_ENDPOINTS)
        if local:
            target = params.get("target", "1.1.1.1")
            try:
                limit, source = host_path_mtu(target), f"this host's route to {target}"
            except OSError as exc:
                source = f"no route to {target} from this host ({exc.strerror or exc})"
        else:
            source = f"the Docker host {client.endpoint} is not this machine"
    return {"mode": mode, "networks": networks, "limit": limit, "source": source}


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name = params["container"]
    if data is None:
        return no_container(name)
    if data["mode"] in ("host", "none") or data["mode"].startswith("container:"):
        return Verdict(SKIP, f"{name} uses network mode {data['mode']}: no Docker network MTU")
    networks: list[Network] = data["networks"]
    if not networks:
        return Verdict(SKIP, f"{name} is attached to no network")
    ev = [n.line() for n in networks]
    limit = data["limit"]
    if limit is None:
        return Verdict(
            SKIP,
            f"cannot tell the path MTU to compare with: {data['source']}",
            tuple(ev),
            settable=("max",),
        )
    ev.append(f"path out: MTU {limit} ({data['source']})")
    over = [n for n in networks if n.mtu is not None and n.mtu > limit]
    if over:
        worst = max(n.mtu or 0 for n in over)
        return Verdict(
            FAIL,
            f"{name}: network MTU {worst} is larger than the path out ({limit}); large packets "
            "can vanish where path-MTU discovery is blocked",
            tuple(ev),
            advice=(
                "Give the container's networks an MTU no larger than the host's path out, and "
                "recreate them; the daemon's own mtu setting reaches the default bridge only."
            ),
            settable=("max",),
        )
    return Verdict(PASS, f"{name}: every network's MTU fits the path out ({limit})", tuple(ev))


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    dh = on_docker_host(params, zh)
    limit = shown(params, "max", None)
    if zh:
        than = f"{limit}" if limit else "本机出口路由的 MTU"
        return container_description(f"容器所在 Docker 网络的 MTU{dh}", f"不大于 {than}", zh)
    than = f"{limit}" if limit else "the MTU of the host's route out"
    return container_description(
        f"the MTU of the container's Docker networks{dh}", f"no larger than {than}", zh
    )


KINDS = [
    CheckKind(
        "docker.network_mtu",
        "a container's networks have an MTU no larger than the host's path out",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

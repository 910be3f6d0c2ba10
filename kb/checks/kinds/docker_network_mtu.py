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
from kb.checks.dockerclient import not_this_kernel
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
        help="an outside IP address whose route gives the host's MTU (no packet is sent)",
        check=ip_literal,
    ),
)

MTU_OPTION = "com.docker.network.driver.mtu"
DEFAULT_MTU = 1500  # moby daemon/config DefaultNetworkMtu, the kernel's default for veth
VXLAN_OVERHEAD = 50  # the overlay driver subtracts it (libnetwork/drivers/overlay vxlanEncap)
IP_MTU, IPV6_MTU = 14, 24  # <linux/in.h>, <linux/in6.h>: the MTU of a connected socket's route
GWBRIDGE = "docker_gwbridge"  # swarm tasks reach the outside through it, not their overlay


@dataclass(frozen=True)
class Network:
    name: str
    driver: str
    option: int | None
    """The network's `com.docker.network.driver.mtu` (None: not set)."""
    internal: bool = False
    egress_of: str | None = None
    """For docker_gwbridge: the overlay network whose containers go out through it."""

    @property
    def mtu(self) -> int | None:
        """The size that must fit the host's path out (None: not Docker's to say). For an overlay
        that is the network's MTU itself, which VXLAN's 50 bytes are taken out of for the
        containers; macvlan and ipvlan take the parent interface's MTU and ignore the option."""
        if self.driver in ("bridge", "overlay"):
            return self.option or DEFAULT_MTU
        return None

    def line(self) -> str:
        if self.mtu is None:
            return f"network {self.name} ({self.driver}): the parent interface's MTU (not judged)"
        how = f"{MTU_OPTION}={self.option}" if self.option else f"no {MTU_OPTION}: Docker's 1500"
        if self.driver == "overlay":
            how += f"; containers get {self.mtu - VXLAN_OVERHEAD} inside VXLAN"
        if self.egress_of:
            how += f"; the way out of overlay {self.egress_of}"
        if self.internal:
            how += "; internal, no way out (not judged)"
        return f"network {self.name} ({self.driver}): MTU {self.mtu} ({how})"


def host_path_mtu(target: str) -> int:
    """The MTU of this host's route to `target` (the learned path MTU, else the route's mtu, else
    the device's), from a connected UDP socket: nothing is sent. Linux only."""
    family, level, option = (
        (socket.AF_INET6, socket.IPPROTO_IPV6, IPV6_MTU)
        if ":" in target
        else (socket.AF_INET, socket.IPPROTO_IP, IP_MTU)
    )
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.connect((target, 9))
        return int(s.getsockopt(level, option))


def _network(client: Any, ref: str, name: str) -> Network:
    net = client.inspect_network(ref) or {}
    raw = str((net.get("Options") or {}).get(MTU_OPTION) or "").strip()
    option = int(raw) if raw.isdigit() and int(raw) > 0 else None
    return Network(name, str(net.get("Driver") or "?"), option, bool(net.get("Internal")))


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    client = ctx.docker(params.get("host"))
    info = client.inspect_container(params["container"])
    if info is None:
        return None
    mode = str((info.get("HostConfig") or {}).get("NetworkMode") or "")
    via = None
    if mode.startswith("container:"):  # e.g. Compose network_mode "service:vpn": its networks
        ref = mode.split(":", 1)[1]
        info = client.inspect_container(ref) or {}
        via = str(info.get("Name") or ref[:12]).lstrip("/")
        mode = str((info.get("HostConfig") or {}).get("NetworkMode") or "")
    networks = []
    for name, attached in ((info.get("NetworkSettings") or {}).get("Networks") or {}).items():
        networks.append(_network(client, (attached or {}).get("NetworkID") or name, name))
        ctx.check()
    overlays = [n.name for n in networks if n.driver == "overlay"]
    if overlays and client.inspect_network(GWBRIDGE) is not None:
        gw = _network(client, GWBRIDGE, GWBRIDGE)
        networks.append(Network(gw.name, gw.driver, gw.option, False, overlays[0]))
    limit, source = params.get("max"), "max"
    if limit is None:
        target = params.get("target", "1.1.1.1")
        reason = not_this_kernel(client)
        if reason is None:
            try:
                limit, source = host_path_mtu(target), f"this host's route to {target}"
            except OSError as exc:
                source = f"no route to {target} from this host ({exc.strerror or exc})"
        else:
            source = reason
    return {"mode": mode, "via": via, "networks": networks, "limit": limit, "source": source}


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name = params["container"]
    if data is None:
        return no_container(name)
    who = f"{name} (the network of {data['via']})" if data.get("via") else name
    who_zh = f"{name}（使用 {data['via']} 的网络）" if data.get("via") else name
    if data["mode"] in ("host", "none") or data["mode"].startswith("container:"):
        return Verdict(
            SKIP,
            f"{who} uses network mode {data['mode']}: no Docker network MTU",
            summary_zh=f"{who_zh} 使用网络模式 {data['mode']}：没有 Docker 网络 MTU 可查",
        )
    networks: list[Network] = data["networks"]
    if not networks:
        return Verdict(
            SKIP, f"{who} is attached to no network", summary_zh=f"{who_zh} 没有连接任何网络"
        )
    ev = [n.line() for n in networks]
    limit = data["limit"]
    if limit is None:
        return Verdict(
            SKIP,
            f"cannot tell the path MTU to compare with: {data['source']}",
            tuple(ev),
            settable=("max", "target"),
            summary_zh=f"无法得知用来比较的路径 MTU：{data['source']}",
        )
    ev.append(f"path out: MTU {limit} ({data['source']})")
    judged = [n for n in networks if n.mtu is not None and not n.internal]
    over = [n for n in judged if (n.mtu or 0) > limit]
    if over:
        worst = max(n.mtu or 0 for n in over)
        return Verdict(
            FAIL,
            f"{who}: network MTU {worst} is larger than the path out ({limit}); large packets "
            "can vanish where path-MTU discovery is blocked",
            tuple(ev),
            advice=(
                "Give the container's networks an MTU no larger than the host's path out, and "
                "recreate them; the daemon's own mtu setting reaches the default bridge only."
            ),
            settable=("max", "target"),
            summary_zh=f"{who_zh}: 网络 MTU {worst} 大于出口路径的 MTU（{limit}）；在路径 MTU "
            "发现被阻断的地方，大包会无声丢失",
            advice_zh="给容器的网络设置不大于主机出口路径的 MTU，然后重新创建这些网络；"
            "守护进程自身的 mtu 设置只作用于默认的 bridge 网络。",
        )
    return Verdict(
        PASS,
        f"{who}: every network's MTU fits the path out ({limit}); a smaller link further on is "
        "not seen from here",
        tuple(ev),
        settable=("max", "target"),
        summary_zh=f"{who_zh}: 每个网络的 MTU 都不超过出口路径的 MTU（{limit}）；"
        "更远处更小的链路从这里看不到",
    )


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

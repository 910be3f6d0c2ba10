"""`docker.shared_mount`: no other running container of the same Docker daemon mounts a
container's data directory read-write.

Two broker processes on one data directory fight over its stores' locks: LevelDB as VerneMQ builds
it (basho's fork: `flock`) and RocksDB (EMQX 5 and later, Mnesia tables kept by `mnesia_rocksdb`
and durable storage: `fcntl`) lock a `LOCK` file in each store they open, and the second opener
gets `IO error: lock …/LOCK: Resource temporarily unavailable` (LevelDB) or `IO error: While lock
file: …/LOCK: Resource temporarily unavailable` (RocksDB). Containers share the host's kernel, so
a volume or bind mount used by two running containers is one set of files and locks for both.

A writer is another container mounting the same volume (by name), or a host directory that is the
data directory or lies inside it. A bind of a directory above it (Portainer's agent binds
/var/lib/docker/volumes) reaches the files but is no broker: listed, not judged. Only this daemon's
containers are seen: Kubernetes pods (each mounts a volume from its own kubelet path), Podman, a
second daemon, other hosts on a network filesystem and a broker installed on the host are not.
One `docker ps` (its Mounts) and one inspect answer it.
"""

from __future__ import annotations

from typing import Any

from kb.checks.base import (
    FAIL,
    PASS,
    CheckKind,
    Description,
    Param,
    Params,
    ProbeContext,
    Verdict,
)
from kb.checks.container import list_name
from kb.checks.kinds._common import (
    CONTAINER,
    DOCKER_COMMON,
    container_description,
    no_container,
    on_docker_host,
    path_covers,
    shown,
)
from kb.words import Words

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param(
        "destination",
        str,
        required=True,
        help="its data directory inside the container, e.g. /vernemq/data or /opt/emqx/data",
        check=lambda v: (
            None
            if str(v).startswith("/")
            else Words("must be an absolute path, e.g. /vernemq/data")
        ),
    ),
)


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    client = ctx.docker(params.get("host"))
    info = client.inspect_container(params["container"])
    if info is None:
        return None
    return {
        "id": info.get("Id", ""),
        "mounts": [_mount(m) for m in info.get("Mounts") or []],
        # running containers only: a stopped one holds no lock
        "others": [
            {"name": list_name(c), "mounts": [_mount(m) for m in c.get("Mounts") or []]}
            for c in client.containers(all=False)
            if c.get("Id") != info.get("Id")
        ],
    }


def _mount(m: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": m.get("Type") or "",
        "name": m.get("Name") or "",
        "source": m.get("Source") or "",
        "destination": m.get("Destination") or "",
        "rw": bool(m.get("RW", True)),
    }


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name, dest = params["container"], params["destination"]
    if data is None:
        return no_container(name)
    covering = [
        m for m in data["mounts"] if m["destination"] and path_covers(m["destination"], dest)
    ]
    if not covering:
        return Verdict(
            PASS,
            f"{name}: nothing is mounted at {dest}; it lives in the container's own layer, which"
            " no other container can open",
            tuple(f"{m['type']}: {m['source']} -> {m['destination']}" for m in data["mounts"])
            or ("no mounts",),
            summary_zh=f"{name}: {dest} 上没有挂载任何东西；它位于容器自己的层中，其他容器无法打开",
        )
    mine = max(covering, key=lambda m: len(m["destination"]))  # the innermost mount wins
    src = mine["source"]
    shown_src = f"volume {mine['name']}" if mine["type"] == "volume" else src
    writers: list[str] = []
    readers: list[str] = []
    above: list[str] = []
    for other in data["others"]:
        for m in other["mounts"]:
            same_volume = mine["type"] == m["type"] == "volume" and mine["name"] == m["name"] != ""
            if same_volume or (src and m["source"] and path_covers(src, m["source"])):
                # the same volume, or the data directory itself or a directory inside it
                where = (readers, writers)[m["rw"]]
            elif src and m["source"] and path_covers(m["source"], src):
                where = above  # a directory above it: reaches the files, is no broker
            else:
                continue
            where.append(
                f"{other['name']}: {m['type']} {m['name'] or m['source']} -> "
                f"{m['destination']} ({'read-write' if m['rw'] else 'read-only'})"
            )
    ev = (
        f"{name}: {shown_src} ({src or 'no host path reported'}) -> {mine['destination']}",
        *writers,
        *readers,
        *(f"{line}; a directory above the data, not judged" for line in above),
        "seen: this Docker daemon's running containers (not Kubernetes pods, other daemons or"
        " hosts)",
    )
    if writers:
        return Verdict(
            FAIL,
            f"{name}: {len(writers)} other running container(s) mount its data directory"
            f" ({shown_src}) read-write: two brokers on one store fight over its lock",
            ev,
            summary_zh=f"{name}: 另有 {len(writers)} 个运行中的容器以读写方式挂载了它的数据目录"
            f"（{shown_src}）：两个 Broker 共用一个存储会争抢它的锁",
        )
    if readers:
        return Verdict(
            PASS,
            f"{name}: other running containers of this daemon mount {shown_src} read-only only"
            " (they cannot take the store's lock)",
            ev,
            summary_zh=f"{name}: 这个守护进程上的其他运行中容器只以只读方式挂载 {shown_src}"
            "（它们拿不到存储的锁）",
        )
    return Verdict(
        PASS,
        f"{name}: no other running container of this daemon mounts {shown_src}",
        ev,
        summary_zh=f"{name}: 这个守护进程上没有其他运行中的容器挂载 {shown_src}",
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    c, dh = shown(params, "container", ""), on_docker_host(params, zh)
    dest = shown(params, "destination", "")
    if zh:
        return container_description(
            f"所有运行中容器的挂载{dh}（一次 docker ps）",
            f"没有其他运行中的容器以读写方式挂载容器 `{c}` 的数据目录 `{dest}`",
            zh,
        )
    return container_description(
        f"the mounts of every running container{dh} (one docker ps)",
        f"no other running container mounts the data directory `{dest}` of `{c}` read-write",
        zh,
    )


KINDS = [
    CheckKind(
        "docker.shared_mount",
        "no other running container mounts a container's data directory read-write",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

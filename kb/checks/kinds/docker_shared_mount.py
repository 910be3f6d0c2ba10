"""`docker.shared_mount`: no other running container writes to a container's data directory.

Two broker processes on one data directory fight over its lock: LevelDB (VerneMQ) and RocksDB
(EMQX 5's `mnesia_rocksdb`, its durable storage) take a POSIX lock on `LOCK` when they open a
store, and the second opener gets `IO error: lock …/LOCK: Resource temporarily unavailable`
(LevelDB) or `IO error: While lock file: …/LOCK: Resource temporarily unavailable` (RocksDB).
Containers share the host's kernel, so a volume or bind mount used by two running containers is
one file for both. One `docker ps` (its Mounts) answers it: no per-container inspect.
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
from kb.checks.kinds._common import (
    CONTAINER,
    DOCKER_COMMON,
    container_description,
    no_container,
    on_docker_host,
    shown,
)

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param(
        "destination",
        str,
        required=True,
        help="its data directory inside the container, e.g. /vernemq/data or /opt/emqx/data",
    ),
)


def _covers(outer: str, inner: str) -> bool:
    """Path `inner` is `outer` or lies below it."""
    outer, inner = outer.rstrip("/") or "/", inner.rstrip("/") or "/"
    return inner == outer or outer == "/" or inner.startswith(outer + "/")


def _name(c: dict[str, Any]) -> str:
    names = c.get("Names") or [c.get("Id", "")[:12]]
    return str(names[0]).lstrip("/")


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
            {"name": _name(c), "mounts": [_mount(m) for m in c.get("Mounts") or []]}
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
    covering = [m for m in data["mounts"] if m["destination"] and _covers(m["destination"], dest)]
    if not covering:
        return Verdict(
            PASS,
            f"{name}: nothing is mounted at {dest}; it lives in the container's own layer, which"
            " no other container can open",
            tuple(f"{m['type']}: {m['source']} -> {m['destination']}" for m in data["mounts"])
            or ("no mounts",),
        )
    mine = max(covering, key=lambda m: len(m["destination"]))  # the innermost mount wins
    src = mine["source"]
    shown_src = f"volume {mine['name']}" if mine["type"] == "volume" else src
    writers: list[str] = []
    readers: list[str] = []
    for other in data["others"]:
        for m in other["mounts"]:
            if not m["source"] or not src:
                continue
            # the same host directory, or one inside the other (a bind of a parent directory)
            if _covers(m["source"], src) or _covers(src, m["source"]):
                line = (
                    f"{other['name']}: {m['type']} {m['name'] or m['source']} -> "
                    f"{m['destination']} ({'read-write' if m['rw'] else 'read-only'})"
                )
                (writers if m["rw"] else readers).append(line)
    ev = (f"{name}: {shown_src} ({src}) -> {mine['destination']}", *writers, *readers)
    if writers:
        return Verdict(
            FAIL,
            f"{name}: {len(writers)} other running container(s) mount its data directory"
            f" ({shown_src}) read-write; two brokers on one data directory fight over its lock",
            ev,
        )
    if readers:
        return Verdict(
            PASS,
            f"{name}: other running containers mount {shown_src} read-only only (they cannot"
            " take the store's lock)",
            ev,
        )
    return Verdict(PASS, f"{name}: no other running container mounts {shown_src}", ev)


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

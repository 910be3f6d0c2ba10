"""`docker.mount`: a volume or bind mount covers a path inside a container (e.g. /opt/emqx/data)."""

from __future__ import annotations

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
    no_container,
    on_docker_host,
    path_covers,
    shown,
)

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param("destination", str, required=True, help="path inside the container, e.g. /opt/emqx/data"),
)


def probe(ctx: ProbeContext, params: Params) -> list[dict[str, Any]] | None:
    client = ctx.docker(params.get("host"))
    info = client.inspect_container(params["container"])
    if info is None:
        return None
    mounts: list[dict[str, Any]] = [
        {
            "type": m.get("Type"),
            "source": m.get("Source") or m.get("Name") or "",
            "destination": m.get("Destination"),
        }
        for m in info.get("Mounts") or []
    ]
    if not any(
        m["destination"] and path_covers(m["destination"], params["destination"]) for m in mounts
    ):
        # a container that has no such path keeps its data elsewhere (e.g. Debian's mosquitto
        # package uses /var/lib/mosquitto, the eclipse-mosquitto image /mosquitto/data)
        if client.path_exists(params["container"], params["destination"]) is False:
            mounts.append({"type": "absent", "source": "", "destination": None})
    return mounts


def evaluate(params: Params, data: list[dict[str, Any]] | None) -> Verdict:
    name, dest = params["container"], params["destination"]
    if data is None:
        return no_container(name)
    if any(m["type"] == "absent" for m in data):
        return Verdict(
            SKIP,
            f"{name}: there is no {dest} in this container, so this check does not apply",
            tuple(
                f"{m['type']}: {m['source']} -> {m['destination']}"
                for m in data
                if m["type"] != "absent"
            )
            or ("no mounts",),
            summary_zh=f"{name}: 这个容器里没有 {dest}，所以这项检查不适用",
        )
    ev = tuple(f"{m['type']}: {m['source']} -> {m['destination']}" for m in data) or ("no mounts",)
    for m in data:
        if m["destination"] and path_covers(m["destination"], dest):
            return Verdict(
                PASS,
                f"{name}: {dest} is on a {m['type']} mount",
                ev,
                summary_zh=f"{name}: {dest} 位于 {m['type']} 类型的挂载上",
            )
    return Verdict(
        FAIL,
        f"{name}: nothing is mounted at {dest}; its data lives in the container layer",
        ev,
        summary_zh=f"{name}: {dest} 上没有挂载任何东西；其数据保存在容器层中",
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    c, dh = shown(params, "container", ""), on_docker_host(params, zh)
    dest = shown(params, "destination", "")
    if zh:
        return container_description(
            f"容器 `{c}` 的挂载{dh}",
            f"`{dest}` 由数据卷或绑定挂载覆盖（数据在容器重建后仍然保留）",
            zh,
        )
    return container_description(
        f"the mounts of container `{c}`{dh}",
        f"a volume or bind mount covers `{dest}` (its data survives re-creating the container)",
        zh,
    )


KINDS = [
    CheckKind(
        "docker.mount",
        "a volume or bind mount covers a path",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
    )
]

"""Each live check explained in plain words, for readers of the site.

The wording is derived from the check's kind and parameters (docs/checks.md is the contract): what
the check looks at, what healthy looks like, and what pass / fail (or warn) / error / skip mean.
Unknown kinds (third-party plugins) get a generic description rather than an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.model import CheckSpec


@dataclass(frozen=True)
class CheckText:
    looks_at: str  # what is looked at
    healthy: str  # what pass means: the healthy expectation holds
    problem: str  # what fail (or warn) means
    problem_status: str  # "fail" or "warn"
    error: str
    skip: str
    active: bool = False  # sends something (mqtt.roundtrip)


def _v(params: dict[str, Any], key: str, default: Any = None) -> Any:
    value = params.get(key, default)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(x) for x in value)
    return value


def _docker_target(p: dict[str, Any], zh: bool) -> str:
    host = p.get("host")
    if zh:
        return f"（Docker 主机 {host}）" if host else ""
    return f" (Docker host {host})" if host else ""


def _describe(kind: str, p: dict[str, Any], zh: bool) -> tuple[str, str]:
    """(what is looked at, what healthy means) for one kind."""
    c = _v(p, "container", "emqx")
    dh = _docker_target(p, zh)
    if kind == "docker.daemon":
        return (
            ("Docker 守护进程" + dh, "守护进程有响应（并报告版本和 API 版本）")
            if zh
            else ("the Docker daemon" + dh, "the daemon answers (with its version and API version)")
        )
    if kind == "docker.container":
        running = p.get("running", True)
        codes = _v(p, "exit_codes", [0])
        mr = _v(p, "max_restarts", 3)
        oom = p.get("allow_oom", False)
        if zh:
            want = "正在运行" if running else f"已停止且退出码属于 {codes}"
            extra = "" if oom else "、没有被 OOM 杀死"
            return (
                f"容器 `{c}` 的状态{dh}",
                f"容器{want}{extra}、重启次数不超过 {mr}、健康检查不是 unhealthy",
            )
        want = "is running" if running else f"has stopped with an exit code in [{codes}]"
        extra = "" if oom else ", was not OOM-killed"
        return (
            f"the state of container `{c}`{dh}",
            f"the container {want}{extra}, restarted at most {mr} times, and its health check "
            "is not `unhealthy`",
        )
    if kind == "docker.logs":
        tail = _v(p, "tail", 1000)
        since = p.get("since")
        expect = p.get("expect", "absent")
        if p.get("signatures"):
            what = "本条目的日志特征" if zh else "this entry's log signatures"
        else:
            pat = _v(p, "pattern", "")
            what = f"正则 `{pat}`" if zh else f"the pattern `{pat}`"
        if zh:
            win = f"最近 {tail} 行" + (f"（{since} 以内）" if since else "")
            ok = "没有出现" if expect == "absent" else "出现了"
            return (f"容器 `{c}` 日志的{win}{dh}", f"{what}{ok}")
        win = f"the last {tail} lines" + (f" from the past {since}" if since else "")
        ok = "does not appear" if expect == "absent" else "appears"
        return (f"{win} of container `{c}`'s log{dh}", f"{what} {ok}")
    if kind == "docker.env":
        name = _v(p, "name", "")
        present = p.get("present", True)
        cond_en, cond_zh = [], []
        if "equals" in p:
            cond_en.append(f"equals `{_v(p, 'equals')}`")
            cond_zh.append(f"等于 `{_v(p, 'equals')}`")
        if "contains" in p:
            cond_en.append(f"contains `{_v(p, 'contains')}`")
            cond_zh.append(f"包含 `{_v(p, 'contains')}`")
        if zh:
            ok = "已设置" + ("且" + "、".join(cond_zh) if cond_zh else "") if present else "未设置"
            return (f"容器 `{c}` 的环境变量 `{name}`{dh}", f"该变量{ok}（疑似密钥的值会被隐去）")
        ok = (
            ("is set" + (" and " + " and ".join(cond_en) if cond_en else ""))
            if present
            else "is not set"
        )
        return (
            f"the environment variable `{name}` of container `{c}`{dh}",
            f"the variable {ok} (values of secret-looking names are never shown)",
        )
    if kind == "docker.mount":
        dest = _v(p, "destination", "")
        if zh:
            return (
                f"容器 `{c}` 的挂载{dh}",
                f"`{dest}` 由数据卷或绑定挂载覆盖（数据在容器重建后仍然保留）",
            )
        return (
            f"the mounts of container `{c}`{dh}",
            f"a volume or bind mount covers `{dest}` (its data survives re-creating the container)",
        )
    if kind == "docker.inspect":
        field = _v(p, "field", "")
        conds = []
        for key, en, zh_word in (
            ("equals", "equals", "等于"),
            ("not_equals", "is not", "不等于"),
            ("min", "is at least", "不小于"),
            ("max", "is at most", "不大于"),
        ):
            if key in p:
                conds.append((en, zh_word, _v(p, key)))
        if "present" in p:
            pres = p.get("present")
            conds.append(
                ("is present" if pres else "is absent", "存在" if pres else "不存在", None)
            )
        if zh:
            text = (
                "、".join(f"{z} `{v}`" if v is not None else z for _, z, v in conds) or "满足条件"
            )
            return (f"`docker inspect {c}` 中的字段 `{field}`{dh}", f"该值{text}")
        text = " and ".join(f"{e} `{v}`" if v is not None else e for e, _, v in conds) or "matches"
        return (f"the field `{field}` of `docker inspect {c}`{dh}", f"the value {text}")
    if kind == "docker.events":
        events = _v(p, "events", ["die", "oom", "kill"])
        since = _v(p, "since", "1h")
        who_en = f"container `{p['container']}`" if p.get("container") else "all containers"
        who_zh = f"容器 `{p['container']}`" if p.get("container") else "所有容器"
        if zh:
            return (f"{who_zh}最近 {since} 内的 Docker 事件{dh}", f"没有发生 {events} 事件")
        return (
            f"Docker events of {who_en} in the past {since}{dh}",
            f"none of [{events}] happened",
        )
    if kind == "docker.top":
        if p.get("shell_pid1"):
            return (
                (f"容器 `{c}` 内的进程列表{dh}", "可以读取进程列表（允许由 shell 作为 1 号进程）")
                if zh
                else (
                    f"the processes in container `{c}`{dh}",
                    "the process list can be read (a shell as PID 1 is accepted)",
                )
            )
        return (
            (f"容器 `{c}` 内的进程列表{dh}", "主进程不是包着子进程的 shell（shell 不会转发信号）")
            if zh
            else (
                f"the processes in container `{c}`{dh}",
                "the main process is not a shell wrapper with children (a shell does not pass signals on)",
            )
        )
    if kind == "docker.exec":
        cmd = _v(p, "command", "")
        pat = p.get("pattern")
        expect = p.get("expect", "present")
        if zh:
            tail = ""
            if pat:
                tail = f"，且输出中{'包含' if expect == 'present' else '不包含'} `{pat}`"
            return (f"在容器 `{c}` 中运行只读命令 `{cmd}` 的输出{dh}", f"命令以 0 退出{tail}")
        tail = ""
        if pat:
            tail = f" and its output {'contains' if expect == 'present' else 'does not contain'} `{pat}`"
        return (
            f"the output of the read-only command `{cmd}` run in container `{c}`{dh}",
            f"the command exits 0{tail}",
        )
    if kind == "net.tcp":
        host, port = _v(p, "host", "127.0.0.1"), _v(p, "port", "")
        return (
            (f"到 {host}:{port} 的 TCP 连接", "连接可以建立（并记录延迟）")
            if zh
            else (
                f"a TCP connection to {host}:{port}",
                "the connection opens (the latency is reported)",
            )
        )
    if kind == "net.port_free":
        port, bind = _v(p, "port", ""), _v(p, "bind", "0.0.0.0")
        free = p.get("expect", "free") == "free"
        if zh:
            return (
                f"本机 {bind} 上的端口 {port}",
                "端口空闲" if free else "端口已被监听（并显示占用它的进程）",
            )
        return (
            f"port {port} on {bind} on this host",
            "the port is free"
            if free
            else "the port is bound (the process holding it is shown when known)",
        )
    if kind == "http.get":
        url, status = _v(p, "url", ""), _v(p, "status", 200)
        extra_en = f" and the JSON value `{p['json']}` matches" if p.get("json") else ""
        extra_zh = f"，且 JSON 字段 `{p['json']}` 符合预期" if p.get("json") else ""
        if zh:
            return (f"HTTP GET {url}", f"返回状态码 {status}{extra_zh}")
        return (f"an HTTP GET of {url}", f"the status is {status}{extra_en}")
    if kind.startswith("mqtt."):
        host, port = _v(p, "host", "127.0.0.1"), _v(p, "port", 1883)
        tls = " (TLS)" if p.get("tls") else ""
        where_en, where_zh = (
            f"the MQTT broker at {host}:{port}{tls}",
            f"{host}:{port}{tls} 上的 MQTT Broker",
        )
        if kind == "mqtt.connect":
            if p.get("anonymous"):
                return (
                    (
                        f"{where_zh}是否接受匿名连接",
                        "Broker 拒绝匿名客户端（接受匿名连接时结果为 warn）",
                    )
                    if zh
                    else (
                        f"whether {where_en} accepts anonymous clients",
                        "the broker refuses an anonymous client (an accepted anonymous connection is a warning)",
                    )
                )
            return (
                (f"使用凭据连接{where_zh}", "带凭据的连接被接受（密码只从环境变量读取，从不显示）")
                if zh
                else (
                    f"a connection with credentials to {where_en}",
                    "the connection is accepted (credentials come from environment variables and are never shown)",
                )
            )
        if kind == "mqtt.sys":
            topic = _v(p, "topic", "$SYS/broker/version")
            return (
                (f"{where_zh}的 `{topic}` 主题", "在时限内收到一条消息")
                if zh
                else (f"the `{topic}` topic of {where_en}", "a message arrives within the deadline")
            )
        if kind == "mqtt.roundtrip":
            prefix = _v(p, "topic_prefix", "kbtui/probe")
            return (
                (
                    f"向{where_zh}的唯一主题（前缀 `{prefix}`）发布一条非保留消息",
                    "消息能收回（并记录往返延迟）",
                )
                if zh
                else (
                    f"a non-retained message published to a unique topic under `{prefix}` on {where_en}",
                    "the message comes back (the round-trip latency is reported)",
                )
            )
    if kind == "amqp.connect":
        host, port, vhost = _v(p, "host", "127.0.0.1"), _v(p, "port", 5672), _v(p, "vhost", "/")
        return (
            (
                f"到 {host}:{port}（vhost `{vhost}`）的 AMQP 连接",
                "连接和通道都能打开（不发布任何消息）",
            )
            if zh
            else (
                f"an AMQP connection to {host}:{port}, vhost `{vhost}`",
                "a connection and a channel open (nothing is published)",
            )
        )
    if kind == "rabbitmq.api":
        url = _v(p, "url", "http://127.0.0.1:15672")
        path = _v(p, "path", "/api/health/checks/alarms")
        return (
            (f"RabbitMQ 管理 API {url}{path}", "返回 HTTP 200（且 JSON 值符合预期）")
            if zh
            else (
                f"the RabbitMQ management API at {url}{path}",
                "it answers HTTP 200 (and the JSON value matches)",
            )
        )
    if kind == "host.clock":
        return (
            (
                "本机时钟：时钟源、时间同步状态和单调时钟/系统时钟采样",
                "时间同步已启用、时钟源稳定、采样中没有时间跳变",
            )
            if zh
            else (
                "this host's clock: clock source, time sync state and a monotonic/wall-clock sample",
                "time sync is active, the clock source is stable and the sample shows no step",
            )
        )
    if kind == "host.oom":
        since = _v(p, "since", "24h")
        return (
            (f"本机内核最近 {since} 的 OOM 记录", "没有进程被内核 OOM 杀死")
            if zh
            else (
                f"the kernel's OOM kills on this host in the past {since}",
                "no process was killed by the kernel's OOM killer",
            )
        )
    if kind == "host.disk":
        path = _v(p, "path", "/var/lib/docker")
        pct = _v(p, "min_free_pct", 10.0)
        return (
            (f"本机存放 {path} 的文件系统的剩余空间", f"至少 {pct}% 的空间和足够的 inode 是空闲的")
            if zh
            else (
                f"free space on the filesystem that holds {path} on this host",
                f"at least {pct}% of its space, and enough inodes, are free",
            )
        )
    params = ", ".join(f"{k}={_v(p, k)}" for k in sorted(p))
    if zh:
        return (f"`{kind}` 检查（{params}）", "检查所描述的健康状态成立")
    return (f"a `{kind}` check ({params})", "the healthy state the check describes holds")


def describe(spec: CheckSpec, lang: str = "en") -> CheckText:
    """Plain-words description of `spec` in `lang` ("en" or "zh")."""
    from kb.redact import redact

    zh = lang == "zh"
    looks_at, healthy = _describe(spec.kind, dict(spec.params), zh)
    # parameters are printed on a public page: URL credentials and secret-named values masked
    looks_at, healthy = redact(looks_at), redact(healthy)
    status = "warn" if spec.on_fail == "warn" else "fail"
    if zh:
        problem = "健康条件不成立，这正指向本条目描述的原因"
        if status == "warn":
            problem += "（本条目把它标为警告）"
        return CheckText(
            looks_at=looks_at,
            healthy=healthy,
            problem=problem,
            problem_status=status,
            error="无法判断：超时、守护进程或服务不可达，或检查本身出错",
            skip="不适用于当前环境，例如没有这个容器",
            active=spec.kind == "mqtt.roundtrip",
        )
    problem = "the healthy expectation does not hold, which points at this entry's cause"
    if status == "warn":
        problem += " (this entry reports it as a warning)"
    return CheckText(
        looks_at=looks_at,
        healthy=healthy,
        problem=problem,
        problem_status=status,
        error="could not tell: a timeout, an unreachable daemon or service, or the check itself failed",
        skip="not applicable here, for example there is no such container",
        active=spec.kind == "mqtt.roundtrip",
    )

"""Check results speak Chinese under `--lang zh`: every verdict a kind (or the runner) builds carries
a Chinese summary (and Chinese advice wherever it has advice), the one accessor
(`CheckResult.summary_in` / `advice_in`) picks the language for every face, and the Chinese texts
are redacted exactly as the English are."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from kb.checks import registry
from kb.checks.base import CheckResult, Next, Verdict
from kb.checks.kinds._common import with_defaults
from kb.checks.kinds.docker_events import DAEMON_EVENTS_KEPT, EventsSeen
from kb.checks.kinds.docker_network_mtu import Network
from kb.checks.runner import run_check
from kb.model import CheckSpec, Entry
from tests.helpers import REPO, run_kb

CJK = re.compile(r"[\u4e00-\u9fff]")

#: kinds whose verdicts have no Chinese yet: must stay empty (a kind added without Chinese fails
#: test_every_registered_kind_has_chinese_cases until its verdicts have it and cases are added)
NO_CHINESE_YET: frozenset[str] = frozenset()


def _verdict_files() -> list[Path]:
    kinds = sorted((REPO / "kb" / "checks" / "kinds").glob("*.py"))
    return [*kinds, REPO / "kb" / "checks" / "runner.py"]


def _calls(path: Path, name: str) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]


def _given(call: ast.Call, keyword: str) -> bool:
    for kw in call.keywords:
        if kw.arg == keyword:
            return not (isinstance(kw.value, ast.Constant) and kw.value.value is None)
    return False


def test_every_verdict_built_in_the_kinds_and_the_runner_has_chinese() -> None:
    """Static: each `Verdict(...)` passes summary_zh, and advice_zh wherever it passes advice."""
    missing: list[str] = []
    seen = 0
    for path in _verdict_files():
        for call in _calls(path, "Verdict"):
            seen += 1
            where = f"{path.relative_to(REPO)}:{call.lineno}"
            if not _given(call, "summary_zh"):
                missing.append(f"{where}: no summary_zh")
            if _given(call, "advice") and not _given(call, "advice_zh"):
                missing.append(f"{where}: advice without advice_zh")
    assert seen > 90  # the scan sees the verdicts (not an empty glob)
    assert not missing, "\n".join(missing)


def test_every_container_problem_has_chinese() -> None:
    """docker.container's summary is made of `judge`'s problems: each has its Chinese."""
    path = REPO / "kb" / "checks" / "container.py"
    calls = _calls(path, "ContainerProblem")
    assert calls
    bare = [c.lineno for c in calls if not _given(c, "text_zh")]
    assert not bare, f"ContainerProblem without text_zh at container.py lines {bare}"


def _state(**kw: Any) -> dict[str, Any]:
    base = {
        "name": "emqx",
        "status": "running",
        "running": True,
        "restarting": False,
        "exit_code": 0,
        "oom_killed": False,
        "restart_count": 0,
        "health": None,
    }
    return {**base, **kw}


def _events(**kw: Any) -> EventsSeen:
    base: dict[str, Any] = {"since": 1000.0, "matches": (), "held": 3, "oldest": 1500.0}
    return EventsSeen(**{**base, **kw})


def _http(status: int = 200, body: str = "", js: Any = None) -> dict[str, Any]:
    return {"status": status, "reason": "OK" if status == 200 else "Err", "body": body, "json": js}


_CONSUMER = {
    "queue": {"name": "q1", "vhost": "/"},
    "channel_details": {"name": "ch1"},
    "ack_required": True,
    "prefetch_count": 0,
}


def _consumers(consumer: dict[str, Any] | None, channel: dict[str, Any]) -> dict[str, Any]:
    return {
        "consumers": _http(js=[consumer] if consumer else []),
        "channels": _http(js=[{"name": "ch1", "messages_unacknowledged": 7, **channel}]),
        "queues": _http(js=[{"vhost": "/", "name": "q1", "type": "classic"}]),
        "overview": _http(js={"rabbitmq_version": "3.12.0"}),
    }


_TOP = {"running": True, "titles": ["UID", "PID", "PPID", "CMD"]}
_SHELL_TOP = {
    **_TOP,
    "processes": [["root", "10", "1", "/bin/sh /start.sh"], ["root", "11", "10", "java -jar x"]],
}
_MOUNT = {"type": "volume", "name": "data", "source": "/v/data", "destination": "/data", "rw": True}
_NET = [Network("app", "bridge", 1500)]
_CLOCK = {
    "source": "tsc",
    "available": "tsc hpet",
    "synced": True,
    "sync_text": "ok",
    "virt": "none",
    "step": 0.0,
    "backwards": 0,
    "window": 0.2,
}
_DISK = {"path": "/", "free": 50 << 30, "total": 100 << 30, "inodes": 100, "inodes_free": 50}
_KILL = {"time": "t", "pid": "1", "comm": "java", "cgroup": True, "detail": "x"}
_MQTT = {"where": "127.0.0.1:1883", "code": 0, "reason": "Success", "v5": False}
_IDLE = {"where": "b:1883", "idle": 20, "asked": 20, "closed_after": None, "answered": True}
_RT = {"where": "b:1883", "topic": "kbtui/probe/x", "latency_ms": 3, "qos": 1}

#: (kind, params, data) covering each kind's verdicts, one case per branch
CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("amqp.connect", {}, {"where": "h:5672", "refused": "credentials", "user": "u"}),
    ("amqp.connect", {}, {"where": "h:5672", "refused": "vhost", "user": "u"}),
    (
        "amqp.connect",
        {},
        {"where": "h:5672", "latency_ms": 2, "product": "RabbitMQ", "version": "3"},
    ),
    ("docker.container", {"container": "emqx"}, None),
    ("docker.container", {"container": "emqx"}, _state()),
    ("docker.container", {"container": "emqx"}, _state(restart_count=9)),
    (
        "docker.container",
        {"container": "emqx"},
        _state(running=False, status="exited", exit_code=137, oom_killed=True),
    ),
    (
        "docker.container",
        {"container": "emqx", "running": False},
        _state(running=False, status="exited", exit_code=137),
    ),
    (
        "docker.container",
        {"container": "emqx", "running": False},
        _state(running=False, status="exited", exit_code=3),
    ),
    (
        "docker.container",
        {"container": "emqx", "running": False},
        _state(running=False, status="exited", exit_code=0, boot_failure="BOOT FAILED"),
    ),
    ("docker.container", {"container": "emqx", "running": False}, _state()),
    ("docker.container", {"container": "emqx"}, _state(paused=True, health="unhealthy")),
    ("docker.container", {"container": "emqx"}, _state(oom_at=[2e9])),
    ("docker.daemon", {}, {"version": "27", "api": "1.47", "endpoint": "unix://x"}),
    ("docker.env", {"container": "c", "name": "V"}, {"set": False, "value": None}),
    (
        "docker.env",
        {"container": "c", "name": "V", "present": False},
        {"set": False, "value": None},
    ),
    ("docker.env", {"container": "c", "name": "V", "present": False}, {"set": True, "value": ""}),
    ("docker.env", {"container": "c", "name": "V", "equals": "a"}, {"set": True, "value": "b"}),
    ("docker.env", {"container": "c", "name": "V", "contains": "a"}, {"set": True, "value": "b"}),
    ("docker.env", {"container": "c", "name": "V"}, {"set": True, "value": "b"}),
    (
        "docker.env",
        {"container": "c", "name": "V", "product": "emqx"},
        {"set": False, "value": None, "runs": "rabbitmq"},
    ),
    (
        "docker.events",
        {"container": "c"},
        _events(matches=({"time": 1, "action": "die", "container": "c"},)),
    ),
    ("docker.events", {}, _events(matches=({"time": 1, "action": "oom", "container": "c"},))),
    ("docker.events", {"container": "c"}, _events(finished=1600.0, exit_code=1)),
    ("docker.events", {}, _events(held=DAEMON_EVENTS_KEPT)),
    ("docker.events", {"container": "c"}, _events()),
    ("docker.events", {}, _events()),
    (
        "docker.exec",
        {"container": "c", "command": "emqx.status"},
        {"running": False, "state": "paused"},
    ),
    (
        "docker.exec",
        {"container": "c", "command": "emqx.status"},
        {"running": False, "state": "restarting", "restarts": 4, "exit_code": 1},
    ),
    (
        "docker.exec",
        {"container": "c", "command": "emqx.status"},
        {"running": False, "state": "exited"},
    ),
    (
        "docker.exec",
        {"container": "c", "command": "emqx.status"},
        {
            "running": True,
            "argv": ["emqx", "ctl", "status"],
            "exit_code": 127,
            "output": "exec failed: executable file not found in $PATH",
        },
    ),
    (
        "docker.exec",
        {"container": "c", "command": "emqx.status"},
        {"running": True, "argv": ["emqx", "ctl", "status"], "exit_code": 1, "output": "x"},
    ),
    (
        "docker.exec",
        {"container": "c", "command": "emqx.status", "pattern": "is running"},
        {"running": True, "argv": ["emqx", "ctl", "status"], "exit_code": 0, "output": "down"},
    ),
    (
        "docker.exec",
        {"container": "c", "command": "emqx.status", "pattern": "down", "expect": "absent"},
        {"running": True, "argv": ["emqx", "ctl", "status"], "exit_code": 0, "output": "down"},
    ),
    (
        "docker.exec",
        {"container": "c", "command": "emqx.status"},
        {"running": True, "argv": ["emqx", "ctl", "status"], "exit_code": 0, "output": "ok"},
    ),
    (
        "docker.info",
        {"field": "MemoryLimit", "equals": True, "min": 1},
        {"found": True, "value": False, "warnings": [], "version": "27", "endpoint": "e"},
    ),
    (
        "docker.info",
        {"field": "MemoryLimit", "present": True},
        {"found": True, "value": True, "warnings": [], "version": "27", "endpoint": "e"},
    ),
    ("docker.inspect", {"container": "c", "field": "X", "present": True}, {"found": False}),
    (
        "docker.inspect",
        {"container": "c", "field": "X", "not_equals": 1},
        {"found": True, "value": 2},
    ),
    (
        "docker.logs",
        {"container": "c", "pattern": "x", "expect": "present"},
        {"count": 2, "scanned": 9, "matches": ["x"]},
    ),
    (
        "docker.logs",
        {"container": "c", "pattern": "x", "expect": "present"},
        {"count": 0, "scanned": 9, "matches": []},
    ),
    (
        "docker.logs",
        {"container": "c", "signatures": True},
        {"count": 2, "scanned": 9, "matches": ["x"]},
    ),
    ("docker.logs", {"container": "c", "pattern": "x"}, {"count": 0, "scanned": 9, "matches": []}),
    (
        "docker.mount",
        {"container": "c", "destination": "/data"},
        [{"type": "absent", "source": "", "destination": ""}],
    ),
    (
        "docker.mount",
        {"container": "c", "destination": "/data"},
        [{"type": "volume", "source": "v", "destination": "/data"}],
    ),
    ("docker.mount", {"container": "c", "destination": "/data"}, []),
    (
        "docker.network_mtu",
        {"container": "c"},
        {"mode": "host", "via": None, "networks": [], "limit": 1500, "source": "s"},
    ),
    (
        "docker.network_mtu",
        {"container": "c"},
        {"mode": "bridge", "via": "vpn", "networks": [], "limit": 1500, "source": "s"},
    ),
    (
        "docker.network_mtu",
        {"container": "c"},
        {"mode": "bridge", "via": None, "networks": _NET, "limit": None, "source": "no route"},
    ),
    (
        "docker.network_mtu",
        {"container": "c"},
        {"mode": "bridge", "via": None, "networks": _NET, "limit": 1400, "source": "s"},
    ),
    (
        "docker.network_mtu",
        {"container": "c"},
        {"mode": "bridge", "via": None, "networks": _NET, "limit": 1500, "source": "s"},
    ),
    (
        "docker.shared_mount",
        {"container": "c", "destination": "/data"},
        {"mounts": [], "others": []},
    ),
    (
        "docker.shared_mount",
        {"container": "c", "destination": "/data"},
        {"mounts": [_MOUNT], "others": [{"name": "d", "mounts": [_MOUNT]}]},
    ),
    (
        "docker.shared_mount",
        {"container": "c", "destination": "/data"},
        {"mounts": [_MOUNT], "others": [{"name": "d", "mounts": [{**_MOUNT, "rw": False}]}]},
    ),
    (
        "docker.shared_mount",
        {"container": "c", "destination": "/data"},
        {"mounts": [_MOUNT], "others": []},
    ),
    ("docker.top", {"container": "c"}, {"running": False}),
    ("docker.top", {"container": "c"}, {**_TOP, "processes": []}),
    ("docker.top", {"container": "c"}, {**_SHELL_TOP, "pid1_sigterm": "caught"}),
    ("docker.top", {"container": "c"}, {**_SHELL_TOP, "pid1_sigterm": "default"}),
    ("docker.top", {"container": "c"}, _SHELL_TOP),
    ("docker.top", {"container": "c"}, {**_TOP, "processes": [["root", "1", "0", "java"]]}),
    ("host.clock", {}, _CLOCK),
    (
        "host.clock",
        {},
        {**_CLOCK, "source": "jiffies", "synced": False, "step": 2.0, "backwards": 1},
    ),
    ("host.disk", {}, _DISK),
    ("host.disk", {"min_free_gb": 100}, {**_DISK, "free": 1 << 30, "inodes_free": 1}),
    ("host.oom", {}, {"kills": [_KILL], "top": [(900, "1", "java")]}),
    ("host.oom", {}, {"kills": [], "truncated": True, "oldest": "t", "top": []}),
    ("host.oom", {}, {"kills": [], "booted": "t", "top": []}),
    ("host.oom", {}, {"kills": [], "top": []}),
    ("http.get", {"url": "http://h/"}, _http(500, "boom")),
    ("http.get", {"url": "http://h/", "json": "a.b"}, _http(body="x")),
    ("http.get", {"url": "http://h/", "json": "a.b"}, _http(js={"a": {}})),
    ("http.get", {"url": "http://h/", "equals": "y", "contains": "z"}, _http(body="x")),
    ("http.get", {"url": "http://h/"}, _http(body="x")),
    ("mqtt.connect", {"anonymous": True}, {**_MQTT, "accepted": True}),
    ("mqtt.connect", {"anonymous": True}, {**_MQTT, "accepted": False}),
    ("mqtt.connect", {}, {**_MQTT, "accepted": True}),
    ("mqtt.connect", {}, {**_MQTT, "accepted": False}),
    ("mqtt.idle", {}, {**_IDLE, "closed_after": 10}),
    ("mqtt.idle", {}, {**_IDLE, "closed_on_subscribe": True}),
    ("mqtt.idle", {}, {**_IDLE, "answered": False}),
    ("mqtt.idle", {}, {**_IDLE, "server_keepalive": 5, "asked": 30}),
    ("mqtt.roundtrip", {}, {**_RT, "ok": False, "reason": "timeout"}),
    ("mqtt.roundtrip", {}, {**_RT, "ok": True}),
    ("mqtt.sys", {}, {"topic": "$SYS/broker/version", "payload": None}),
    ("net.port_free", {"port": 1883}, {"free": True, "reason": "", "holders": []}),
    ("net.port_free", {"port": 1883}, {"free": False, "reason": "in use", "holders": ["1 x"]}),
    ("net.tcp", {"port": 1883}, {"ok": True, "latency_ms": 1}),
    ("net.tcp", {"port": 1883}, {"ok": False, "reason": "connection refused"}),
    ("rabbitmq.api", {}, _http(401)),
    ("rabbitmq.api", {}, _http(404)),
    ("rabbitmq.api", {}, _http(500, "boom")),
    ("rabbitmq.api", {"json": "status", "equals": "ok"}, _http(js={"status": "failed"})),
    ("rabbitmq.api", {}, _http(js={"status": "ok"})),
    ("rabbitmq.consumers", {}, {**_consumers(None, {}), "consumers": _http(403)}),
    ("rabbitmq.consumers", {}, {**_consumers(None, {}), "consumers": _http(js={})}),
    ("rabbitmq.consumers", {"queue": "q1"}, _consumers(None, {})),
    ("rabbitmq.consumers", {}, _consumers(_CONSUMER, {"global_prefetch_count": 0})),
    ("rabbitmq.consumers", {}, _consumers({**_CONSUMER, "ack_required": False}, {})),
    ("rabbitmq.consumers", {}, _consumers({**_CONSUMER, "prefetch_count": 5}, {})),
]

#: verdicts whose Chinese is, by design, the English text (a broker's own topic and payload)
SAME_IN_BOTH = {("mqtt.sys", "pass")}


def test_every_registered_kind_has_chinese_cases() -> None:
    covered = {kind for kind, _, _ in CASES} | {"mqtt.sys"}
    missing = set(registry.kinds()) - covered - NO_CHINESE_YET
    assert not missing, f"kinds with no Chinese cases here: {sorted(missing)}"
    assert not NO_CHINESE_YET & covered


@pytest.mark.parametrize(
    ("name", "params", "data"), CASES, ids=lambda x: x if isinstance(x, str) else ""
)
def test_each_kinds_verdicts_carry_chinese(name: str, params: dict[str, Any], data: Any) -> None:
    kind = registry.kinds()[name]
    v = kind.evaluate(with_defaults(kind.params, params), data)
    assert isinstance(v, Verdict)
    assert v.summary_zh, f"{name} {v.status}: no Chinese summary for {v.summary!r}"
    assert CJK.search(v.summary_zh), f"{name}: {v.summary_zh!r} is not Chinese"
    if v.advice:
        assert v.advice_zh and CJK.search(v.advice_zh), f"{name}: advice {v.advice!r}"


def test_mqtt_sys_pass_shows_the_brokers_own_words() -> None:
    kind = registry.kinds()["mqtt.sys"]
    v = kind.evaluate({}, {"topic": "$SYS/broker/version", "payload": "mosquitto 2.0"})
    assert ("mqtt.sys", v.status) in SAME_IN_BOTH and v.summary_zh == v.summary


def test_summary_in_and_advice_in_are_the_one_rule() -> None:
    r = CheckResult(
        "c",
        "k",
        "t",
        "fail",
        "disk full",
        next=Next(advice="free space", advice_zh="释放空间"),
        summary_zh="磁盘满了",
    )
    assert r.summary_in("zh") == "磁盘满了" and r.summary_in("en") == "disk full"
    assert r.advice_in("zh") == "释放空间" and r.advice_in("en") == "free space"
    bare = CheckResult("c", "k", "t", "pass", "fine", next=Next(advice="a"))
    assert bare.summary_in("zh") == "fine" and bare.advice_in("zh") == "a"  # English fallback
    assert CheckResult("c", "k", "t", "pass", "fine").advice_in("zh") is None
    d = r.to_dict()
    assert d["summary"] == "disk full" and d["summary_zh"] == "磁盘满了"
    assert d["next"]["advice"] == "free space" and d["next"]["advice_zh"] == "释放空间"


def _entry() -> Entry:
    return Entry(id="unit", kind="incident", title="T", summary="", body="", path="x")


def test_the_runners_own_results_speak_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.checks.base import CheckKind

    def slow(ctx: Any, params: Any) -> None:
        import time

        time.sleep(2)

    kinds = dict(registry.kinds())
    kinds["unit.slow"] = CheckKind("unit.slow", "s", (), slow, lambda p, d: Verdict("pass", "x"))
    kinds["unit.boom"] = CheckKind(
        "unit.boom", "b", (), lambda c, p: 1 / 0, kinds["net.tcp"].evaluate
    )
    monkeypatch.setattr(registry, "kinds", lambda: kinds)
    r = run_check(_entry(), CheckSpec("c", "unit.slow", "t", timeout=0.2))
    assert r.summary == "no result within 0.2 s (deadline)"
    assert r.summary_in("zh") == "0.2 秒内没有结果（超过时限）"
    assert r.advice_in("zh") and CJK.search(r.advice_in("zh") or "")
    r = run_check(_entry(), CheckSpec("c", "unit.boom", "t"))
    assert r.status == "error" and r.summary_in("zh").startswith("检查未能完成：ZeroDivisionError")
    r = run_check(_entry(), CheckSpec("c", "net.tcp", "t", params={"port": 70000}))
    assert r.status == "error" and r.summary_in("zh").startswith("参数有误")
    r = run_check(_entry(), CheckSpec("c", "unit.nope", "t"))
    assert r.summary_in("zh") == "未知的检查类型 'unit.nope'"


def test_unset_credentials_are_said_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KB_ZH_TEST_USER", raising=False)
    spec = CheckSpec("c", "mqtt.connect", "t", params={"username_env": "KB_ZH_TEST_USER"})
    r = run_check(_entry(), spec)
    assert r.status == "skip" and "KB_ZH_TEST_USER" in r.summary_in("zh")
    assert CJK.search(r.summary_in("zh")) and CJK.search(r.advice_in("zh") or "")


SECRET = "hunter2-zh-Secret"


def test_a_secret_never_leaks_through_the_chinese_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Chinese summary and advice pass the same redactor as the English: a secret-shaped
    container name, a secret a probe registered, and a Docker URL's password."""
    kinds = dict(registry.kinds())
    docker_container = kinds["docker.container"]
    monkeypatch.setitem(
        kinds,
        "docker.container",
        docker_container.__class__(**{**docker_container.__dict__, "probe": lambda c, p: None}),
    )

    def registers(ctx: Any, params: Any) -> dict[str, Any]:
        ctx.add_secret(SECRET)
        return {"where": f"h:{SECRET}", "code": 5, "reason": SECRET, "v5": False, "accepted": False}

    connect = kinds["mqtt.connect"]
    monkeypatch.setitem(
        kinds, "mqtt.connect", connect.__class__(**{**connect.__dict__, "probe": registers})
    )
    monkeypatch.setattr(registry, "kinds", lambda: kinds)

    results = [
        # a container named like an assignment of a secret: no such container, skip
        run_check(
            _entry(),
            CheckSpec("c", "docker.container", "t", params={"container": f"password={SECRET}"}),
        ),
        # a value the probe registered as secret, in the summary of a refused connection
        run_check(_entry(), CheckSpec("c", "mqtt.connect", "t")),
        # a host.* check asked about a remote Docker host whose URL carries a password
        run_check(
            _entry(),
            CheckSpec("c", "host.disk", "t"),
            params={"host": f"tcp://ops:{SECRET}@10.9.9.9:2376"},
        ),
    ]
    for r in results:
        assert r.summary_zh and CJK.search(r.summary_zh), r
        texts = [r.summary, r.summary_in("zh"), r.advice_in("en") or "", r.advice_in("zh") or ""]
        texts.append(str(r.to_dict()))
        assert all(SECRET not in t for t in texts), texts
        assert "<redacted>" in r.summary_zh


def test_kb_check_prints_chinese_summaries_under_lang_zh(tmp_path: Path) -> None:
    env = {"KBTUI_HOME": str(tmp_path), "DOCKER_HOST": "", "LANG": "C.UTF-8", "LC_ALL": ""}
    ref = "docker-no-space-left-on-device#data-root-free"
    # 100% free is never reached: a fail, with its advice
    args = ("check", ref, "--set", f"path={tmp_path}", "--set", "min_free_pct=100")
    zh = run_kb("--lang", "zh", *args, env=env)
    en = run_kb("--lang", "en", *args, env=env)
    assert zh.returncode == en.returncode == 1, (zh.stdout, zh.stderr)
    assert f"{tmp_path} 所在的文件系统快满了：剩余" in zh.stdout
    assert "→ 找出是什么占满了它" in zh.stdout
    assert "is nearly full" not in zh.stdout and not CJK.search(en.stdout)
    assert f"the filesystem holding {tmp_path} is nearly full" in en.stdout
    # --json keeps `summary` English and adds `summary_zh` beside it, whatever --lang says
    js = run_kb("--lang", "zh", *args, "--json", env=env)
    import json

    [result] = json.loads(js.stdout)["results"]
    assert "is nearly full" in result["summary"] and "快满了" in result["summary_zh"]
    assert result["next"]["advice_zh"].startswith("找出")


def test_chinese_run_straight_into_a_secret_key_does_not_hide_it() -> None:
    """`\\w` matches Chinese: a key's name may not start inside a long run of it (QA of this
    change: 64 Chinese characters before `password=` kept the value in clear)."""
    from kb.redact import redact

    text = "这是一个很长的句子" * 10 + f"password={SECRET}"
    assert SECRET not in redact(text)
    assert redact("名为 token值=abc 的容器") == "名为 token值=<redacted> 的容器"
    assert redact("author=bob") == "author=bob"


def test_the_tui_words_next_steps_and_results_in_its_language():
    """The TUI's checks screen and tree show `summary_in` / `advice_in`, not the English fields."""
    from kb.checks.base import CheckResult, Next
    from kb.loader import load_kb
    from kb.paths import bundled_kb
    from tui.screens.checks import next_keys
    from tui.screens.tree import _missing_result

    entry = load_kb([bundled_kb()]).get("docker-no-space-left-on-device")
    result = CheckResult(
        "c",
        "host.disk",
        "t",
        "fail",
        "disk full",
        summary_zh="磁盘满了",
        next=Next(entry=None, advice="free some space", advice_zh="清理一些空间"),
    )
    assert "清理一些空间" in next_keys(result, entry, "zh")[0]
    assert "free some space" in next_keys(result, entry, "en")[0]
    assert _missing_result("x#y").summary_in("zh") == "找不到检查 'x#y'"


def test_kb_lang_zh_doctor_says_its_evidence_labels_in_chinese(monkeypatch, capsys) -> None:
    """`kb --lang zh doctor` said its findings in Chinese and their evidence as `status: exited`,
    `exit code: 1`, `log line 1: …`: the labels are kb's own words and are now Chinese; what
    follows them (Docker's state, the log's line) stays as written, and `--json` keeps English."""
    import json

    import kb.checks.doctor
    from kb.checks.container import health_lines
    from kb.checks.doctor import DoctorReport, Finding, HostReport
    from kb.cli import main as cli_main

    health = {
        "Log": [{"ExitCode": 1, "Output": ""}] * 3,
        "FailingStreak": 3,
    }
    evidence = [
        "status: exited",
        "exit code: 1",
        "OOMKilled: false",
        "restart count: 4",
        "image: emqx/emqx:5.8.6",
        *health_lines(health),
        "log line 7: OS monotonic time stepped backwards!",
    ]
    report = DoctorReport(
        findings=[Finding(None, "fail", "emqx", "local", evidence, "emqx: 意外退出")],
        hosts=[HostReport("local", "unix:///var/run/docker.sock", True, 1)],
    )
    monkeypatch.setattr(kb.checks.doctor, "run_doctor", lambda *a, **k: report)
    assert cli_main.main(["--lang", "zh", "doctor"]) == 1
    out = capsys.readouterr().out
    for said in (
        "状态：exited",
        "退出码：1",
        "OOMKilled: false",
        "重启次数：4",
        "镜像：emqx/emqx:5.8.6",
        "健康检查：退出码 1，无输出（3 次）",
        "健康检查连续失败 3 次",
        "日志第 7 行：OS monotonic time stepped backwards!",
    ):
        assert said in out, (said, out)
    assert "status:" not in out and "log line" not in out, out
    assert cli_main.main(["--lang", "zh", "doctor", "--json"]) == 1
    shown = json.loads(capsys.readouterr().out)
    assert shown["findings"][0]["evidence"] == evidence

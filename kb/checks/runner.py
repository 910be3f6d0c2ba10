"""Run an entry's checks: resolve parameters, enforce the deadline, evaluate, redact, present.

Each probe runs in a daemon thread. The runner waits for it until the whole-probe deadline (the
check's `timeout`, default 5 s or the kind's own, capped at 30 s) or a cancel, then abandons it: it shuts down the
sockets the probe registered and returns `error`. Exceptions become `error` with a one-line reason;
no traceback ever reaches a result.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from kb.checks import present, registry
from kb.checks.base import (
    DEFAULT_TIMEOUT,
    ERROR,
    FAIL,
    MAX_TIMEOUT,
    SKIP,
    WARN,
    CheckResult,
    Next,
    Verdict,
)
from kb.checks.context import Cancelled, RunContext
from kb.model import CheckSpec, Entry
from kb.words import Words

if TYPE_CHECKING:
    from kb.checks.targets import Target

GRACE = 0.1  # how long after the deadline we wait for a probe that is finishing its own timeout


class ParamError(ValueError):
    """Bad parameter overrides (`--set`): the message says which and how to fix it; `words` is
    it as kb's words (kb.words.Words), said in the reader's language by the CLI."""

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


def parse_overrides(items: Iterable[str] | dict[str, Any] | None) -> dict[str, Any]:
    """`["k=v", ...]` to a dict, each value read as a YAML scalar (`3` int, `true` bool, `[0, 1]` list)."""
    if items is None:
        return {}
    if isinstance(items, dict):
        return dict(items)
    import yaml

    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ParamError(Words("--set {item!r}: use --set NAME=VALUE", item=item))
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        except (ValueError, RecursionError) as exc:
            # a number past Python's 4300-digit limit, lists nested thousands deep: what was
            # typed is the problem (exit 2), not a bug in kb
            why = Words(
                "nested too deep" if isinstance(exc, RecursionError) else "a number too long"
            )
            raise ParamError(
                Words(
                    "--set {key}: the value cannot be read ({why}; {n} characters)",
                    key=key.strip()[:60],
                    why=why,
                    n=len(raw),
                )
            ) from None
        if value is None:
            value = raw
        out[key.strip()] = value
    return out


def validate_overrides(
    specs: Iterable[CheckSpec], overrides: Mapping[str, Any], target: Target | None = None
) -> None:
    """Raise ParamError (one line) unless every override is a parameter of at least one of `specs`
    and is a valid value for each of them that declares it.

    The one rule for `--set`: `kb check`, `kb serve metrics` and the TUI's "Where checks run" all
    refuse what it refuses, so a typo never runs the checks on their defaults unnoticed. Problems
    the checks have without the overrides (an entry's own bad default) are not blamed on them.
    """
    if not overrides:
        return
    specs = list(specs)
    kinds = [registry.get(s.kind) for s in specs]
    declared = {p.name for kind in kinds if kind is not None for p in kind.params}
    unknown = sorted(set(overrides) - declared)
    if unknown:
        known = ", ".join(sorted(declared)) or Words("none")
        raise ParamError(
            Words(
                "--set {name}: no selected check has that parameter; known: {known}",
                name=unknown[0],
                known=known,
            )
        )
    host = overrides.get("host")
    if isinstance(host, str) and "://" not in host:
        _refuse_unusable_host(host)
    elif isinstance(host, str) and any(s.kind.startswith("docker.") for s in specs):
        # a Docker URL docker-py would refuse (tcp:// without a port…): the config's rule, before
        # the checks run into "Invalid bind address format" one by one (QA)
        from kb.checks.targets import docker_url_problem

        if why := docker_url_problem(host):  # it quotes the URL (redacted, clipped)
            raise ParamError(Words("--set host: {why}", why=why))
    for spec in specs:
        _, base = resolve_params(spec, None, target)
        _, problems = resolve_params(spec, overrides, target)
        new = [p for p in problems if p not in base]
        if new:
            raise ParamError(Words("--set: {problem}", problem=new[0]))


def _refuse_unusable_host(host: str) -> None:
    """`--set host=NAME` naming a Docker host that config.yaml has but cannot use: docker.* checks
    would otherwise take NAME for a broker address and run on the default (local) daemon."""
    from kb.checks import targets as targets_mod

    try:
        conf = targets_mod.load()
    except Exception:  # noqa: BLE001 - an unreadable config: NAME is no configured host
        return
    if conf.docker_host(host) is None and conf.unusable_named(host, "docker_hosts") is not None:
        raise ParamError(Words("--set host: {why}", why=conf.missing(host)))


def _coerce(kind_name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Small friendly coercions: an int where a number is declared is fine; `--set x=5` for a string."""
    kind = registry.get(kind_name)
    if kind is None:
        return params
    out = dict(params)
    for name, value in params.items():
        p = kind.param(name)
        if p is None:
            continue
        if p.type is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = str(value)
        if p.type is list and isinstance(value, (str, int)) and not isinstance(value, bool):
            out[name] = [value]
    return out


def resolve_params(
    spec: CheckSpec, overrides: Mapping[str, Any] | None = None, target: Target | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The parameters a check runs with (entry defaults < target < overrides) and any problems."""
    from kb.checks import targets as targets_mod

    kind = registry.get(spec.kind)
    if kind is None:
        return {}, registry.validate_params(spec.kind, {})
    declared = {p.name for p in kind.params}
    params = dict(spec.params)
    if target is not None:
        params.update(targets_mod.params_for(spec.kind, declared, target))
    if overrides:
        # an override the kind does not declare is ignored for this check but reported once by the CLI
        params.update({k: v for k, v in overrides.items() if k in declared})
    params = _coerce(spec.kind, params)
    return params, registry.validate_params(spec.kind, params)


def timeout_for(spec: CheckSpec, params: Mapping[str, Any]) -> float:
    """The deadline a check runs under: its `timeout` parameter, the spec's, the kind's declared
    default, else DEFAULT_TIMEOUT; capped at MAX_TIMEOUT."""
    value = params.get("timeout") or spec.timeout
    if not value:
        # a kind may declare a longer default of its own (mqtt.idle waits up to 26 s)
        kind = registry.get(spec.kind)
        declared = kind.param("timeout") if kind is not None else None
        value = (declared.default if declared is not None else None) or DEFAULT_TIMEOUT
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = DEFAULT_TIMEOUT
    return max(0.1, min(value, MAX_TIMEOUT))


def _present(
    spec: CheckSpec,
    entry: Entry | None,
    verdict: Verdict,
    duration: float,
    secrets: set[str],
    target_name: str | None,
    active: bool,
    subject: str | None = None,
) -> CheckResult:
    status = verdict.status
    if status == FAIL and spec.on_fail == "warn":
        status = WARN
    entry_id = entry.id if entry is not None else None
    nxt: Next | None = None
    points_at = entry_id if status in (FAIL, WARN) else None
    if points_at or verdict.settable or verdict.advice:
        # the Chinese texts go through the one redactor exactly as the English do
        advice = present.line(verdict.advice, secrets) if verdict.advice else None
        advice_zh = present.line(verdict.advice_zh, secrets) if verdict.advice_zh else None
        nxt = Next(
            entry=points_at, params=tuple(verdict.settable), advice=advice, advice_zh=advice_zh
        )
    summary_zh = present.line(verdict.summary_zh, secrets, subject) if verdict.summary_zh else None
    return CheckResult(
        check=spec.id,
        kind=spec.kind,
        title=present.line(spec.title, secrets),
        status=status,
        summary=present.line(verdict.summary, secrets, subject),
        summary_zh=summary_zh,
        evidence=present.evidence(verdict.evidence, secrets),
        duration=duration,
        next=nxt,
        entry=entry_id,
        target=target_name,
        active=active,
    )


def run_check(
    entry: Entry,
    spec: CheckSpec,
    target: Target | None = None,
    params: Mapping[str, Any] | None = None,
    cancel: threading.Event | None = None,
    *,
    docker_hosts: Mapping[str, str] | None = None,
    default_docker_host: str | None = None,
) -> CheckResult:
    """Run check `spec` of `entry` against `target` (None: the spec's own host/port/container)
    with the user's parameter overrides `params`. Never raises for a probe problem: that is an
    `error` result. `docker_hosts` maps configured Docker host names to URLs."""
    start = time.monotonic()
    kind = registry.get(spec.kind)
    target_name = target.name if target is not None else None
    if kind is None:
        verdict = Verdict(
            ERROR,
            f"unknown check kind {spec.kind!r}",
            summary_zh=f"未知的检查类型 {spec.kind!r}",
        )
        return _present(spec, entry, verdict, 0.0, set(), target_name, False)
    resolved, problems = resolve_params(spec, params, target)
    if problems:
        # the problems quote parameter names and values (and `kb lint` prints them): the
        # Chinese says what happened and keeps them verbatim
        verdict = Verdict(
            ERROR, "; ".join(problems), summary_zh="参数有误，检查没有运行：" + "; ".join(problems)
        )
        return _present(spec, entry, verdict, 0.0, set(), target_name, kind.active)

    away = (
        elsewhere(params, target, docker_hosts, default_docker_host)
        if spec.kind.startswith("host.")
        else None
    )
    if away:
        import socket

        verdict = Verdict(
            SKIP,
            f"reads this machine's kernel ({socket.gethostname()}), and this run is about {away}:"
            " run kb on that machine to read its own",
            summary_zh=f"这项检查读取的是本机（{socket.gethostname()}）的内核，而这次运行针对的是"
            f" {away}：请在那台机器上运行 kb 读取它自己的内核",
        )
        return _present(spec, entry, verdict, 0.0, set(), target_name, kind.active)
    unset = unset_credentials(resolved)
    if unset:
        named = " and ".join(f"{n} names {resolved[n]}" for n in unset)
        # names the user or the target gave are a mistake to report (error); the entry's own
        # defaults (MQTT_USERNAME) are an offer the user did not take: the check cannot tell
        # (skip), and a tree must not read it as a refused handshake or login
        from kb.checks import targets as targets_mod

        asked = set(params or {}) | set(
            targets_mod.params_for(spec.kind, {p.name for p in kind.params}, target)
            if target is not None
            else {}
        )
        variables = " 和 ".join(str(resolved[n]) for n in unset)
        verdict = Verdict(
            ERROR if asked.intersection(unset) else SKIP,
            f"{named}, which {'is' if len(unset) == 1 else 'are'} not set in kb's environment;"
            " nothing was sent",
            advice="set "
            + " and ".join(str(resolved[n]) for n in unset)
            + " in the environment kb runs in, or name the variables that hold the credentials",
            settable=tuple(unset),
            summary_zh="、".join(f"{n} 指定的 {resolved[n]}" for n in unset)
            + " 在 kb 的运行环境中没有设置；没有发送任何内容",
            advice_zh=f"在运行 kb 的环境中设置 {variables}，或者指定保存凭据的环境变量",
        )
        return _present(spec, entry, verdict, 0.0, set(), target_name, kind.active)

    timeout = timeout_for(spec, resolved)
    ctx = RunContext(
        timeout,
        cancel,
        entry,
        docker_hosts=dict(docker_hosts or {}),
        default_docker_host=default_docker_host,
    )
    box: dict[str, Any] = {}
    probe = kind.probe

    def work() -> None:
        try:
            box["data"] = probe(ctx, resolved)
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a result
            box["exc"] = exc

    thread = threading.Thread(target=work, name=f"kb-check-{spec.id}", daemon=True)
    thread.start()
    while thread.is_alive():
        remaining = ctx.deadline + GRACE - time.monotonic()
        if remaining <= 0 or ctx.cancel.is_set():
            break
        thread.join(min(0.05, remaining))
    if thread.is_alive():
        ctx.abort()  # unblock sockets; the daemon thread is abandoned
        if ctx.cancel.is_set():
            verdict = Verdict(SKIP, "cancelled", summary_zh="已取消")
        else:
            verdict = Verdict(
                ERROR,
                f"no result within {timeout:g} s (deadline)",
                advice="the target may be hung or unreachable; a longer timeout waits longer",
                settable=("timeout",),
                summary_zh=f"{timeout:g} 秒内没有结果（超过时限）",
                advice_zh="目标可能卡住或无法访问；把 timeout 调大可以多等一会儿",
            )
    elif "exc" in box:
        failure = box["exc"]
        if isinstance(failure, Cancelled):
            verdict = Verdict(SKIP, "cancelled", summary_zh="已取消")
        else:
            why = present.reason(failure)
            verdict = Verdict(ERROR, why, summary_zh=present.reason_zh(why))
    else:
        try:
            verdict = kind.evaluate(resolved, box.get("data"))
        except Exception as exc:  # noqa: BLE001 - a bug in an evaluator must not crash the caller
            why = present.reason(exc)
            verdict = Verdict(
                ERROR,
                f"could not evaluate the result: {why}",
                summary_zh=f"无法判断探测结果：{why}",
            )
    ctx.abort()  # release anything the probe left registered
    subject = resolved.get("container")
    return _present(
        spec,
        entry,
        verdict,
        time.monotonic() - start,
        ctx.secrets,
        target_name,
        kind.active,
        subject if isinstance(subject, str) else None,
    )


def this_machine(address: str) -> bool:
    """Whether a broker address (`host`, `host:port`, `[v6]:port`) names the machine kb runs on:
    loopback, the unspecified address, localhost, this host's name or one of its addresses."""
    import ipaddress
    import socket

    host = address.strip()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None and (ip.is_loopback or ip.is_unspecified):
        return True
    names = {"localhost", socket.gethostname().lower(), socket.getfqdn().lower()}
    if ip is None:
        return host.lower() in names
    mine: set[str] = set()
    with contextlib.suppress(OSError):
        mine.update(str(a[4][0]) for a in socket.getaddrinfo(socket.gethostname(), None))
    for probe in ("192.0.2.1", "2001:db8::1"):  # the source address of the default route
        with (
            contextlib.suppress(OSError),
            socket.socket(
                socket.AF_INET6 if ":" in probe else socket.AF_INET, socket.SOCK_DGRAM
            ) as s,
        ):
            s.connect((probe, 9))  # UDP: nothing is sent
            mine.add(str(s.getsockname()[0]))
    return str(ip) in mine


def elsewhere(
    overrides: Mapping[str, Any] | None,
    target: Target | None,
    docker_hosts: Mapping[str, str] | None,
    default_docker_host: str | None,
) -> str | None:
    """The other machine a run is about (a remote Docker endpoint, or a broker's address that is
    not this machine), or None when it is this one: `host.*` checks read only this machine's
    kernel, so elsewhere they would answer for the wrong machine."""
    from kb.checks import dockerclient
    from kb.checks import targets as targets_mod
    from kb.checks.context import docker_url

    host = (overrides or {}).get("host")
    if not host and isinstance(target, targets_mod.DockerHost):
        # a configured Docker host: its url, or with none the environment's own endpoint
        endpoint = dockerclient.resolve_endpoint(target.url)
        return None if endpoint.startswith(dockerclient.LOCAL_ENDPOINTS) else endpoint
    if not host and target is not None:
        host = targets_mod.params_for("docker.container", {"host"}, target).get("host")
        host = host or targets_mod.params_for("net.tcp", {"host"}, target).get("host")
    host = str(host) if host else None
    url = docker_url(host, docker_hosts or {}, default_docker_host)
    if host and url in (None, default_docker_host) and "://" not in host:
        # a broker's address: elsewhere unless it names this machine
        return None if this_machine(host) else host
    endpoint = dockerclient.resolve_endpoint(url)
    return None if endpoint.startswith(dockerclient.LOCAL_ENDPOINTS) else endpoint


def unset_credentials(params: Mapping[str, Any]) -> list[str]:
    """The `*_env` parameters (username_env, password_env) naming a variable that is not set:
    a check would otherwise log in anonymously, or with an empty user, and report on that."""
    return sorted(
        (
            n
            for n, v in params.items()
            if n.endswith("_env") and v and os.environ.get(str(v)) is None
        ),
        key=lambda n: (n != "username_env", n),
    )


def run_checks(
    entry: Entry,
    specs: Iterable[CheckSpec] | None = None,
    target: Target | None = None,
    params: Mapping[str, Any] | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    cancel: threading.Event | None = None,
    *,
    docker_hosts: Mapping[str, str] | None = None,
    default_docker_host: str | None = None,
) -> list[CheckResult]:
    """Run `specs` (default: all of the entry's checks) in order; `on_result` sees each as it ends."""
    results: list[CheckResult] = []
    for spec in list(specs if specs is not None else entry.checks):
        if cancel is not None and cancel.is_set():
            break
        result = run_check(
            entry,
            spec,
            target,
            params,
            cancel,
            docker_hosts=docker_hosts,
            default_docker_host=default_docker_host,
        )
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def overall(results: Iterable[CheckResult]) -> str:
    """The worst status among `results` (pass when empty)."""
    return present.worst(r.status for r in results)


def exit_code(results: Iterable[CheckResult]) -> int:
    """CLI exit code: 0 all pass/skip, 1 a fail or warn, 3 an error (could not run)."""
    from kb.errors import EXIT_COULD_NOT_RUN, EXIT_OK, EXIT_PROBLEM

    statuses = {r.status for r in results}
    if ERROR in statuses:
        return EXIT_COULD_NOT_RUN
    if statuses & {FAIL, WARN}:
        return EXIT_PROBLEM
    return EXIT_OK

"""Parameters shared by several check kinds, and small helpers for kind modules.

Kept free of heavy imports: the registry imports every kind module to validate entries.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from kb.checks.base import (
    DEFAULT_TIMEOUT,
    ERROR,
    MAX_TIMEOUT,
    SKIP,
    Description,
    Param,
    Verdict,
)
from kb.words import Words

# -- value checks (Param.check): type is already right when these run -------------------------


def port_number(value: Any) -> str | None:
    if not 1 <= value <= 65535:
        return Words("must be a TCP port, 1-65535; got {value}", value=value)
    return None


def ip_literal(value: Any) -> str | None:
    import ipaddress

    try:
        ipaddress.ip_address(str(value).strip("[]"))
    except ValueError:
        return Words(
            "must be an IP address such as 0.0.0.0, 127.0.0.1 or ::; got {value!r}", value=value
        )
    return None


_DOTTED = re.compile(r"^[0-9.]+$")
_HOSTNAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.\-]{0,252})$")


def host_name(value: Any) -> str | None:
    """A host name or an IP literal (a dotted-number string must be a valid IPv4 address)."""
    text = str(value)
    if ":" in text or _DOTTED.match(text):
        return ip_literal(text)
    if not _HOSTNAME.match(text):
        return Words("must be a host name or IP address; got {value!r}", value=value)
    return None


def bare_host(host: Any) -> str:
    """A host as a socket takes it: an IPv6 literal without the brackets a URL writes it in
    (`--set host=[::1]` passes `host_name`, and the resolver knows no host "[::1]")."""
    text = str(host).strip()
    return text[1:-1] if text.startswith("[") and text.endswith("]") else text


#: OpenSSL's verify codes for a certificate no trusted CA signed: self-signed, self-signed in
#: the chain, unable to get the local issuer (a private CA)
_UNTRUSTED_CA = (18, 19, 20)


def tls_hint(exc: BaseException, plain_fix: str | None = None) -> str:
    """What to add to a failed connection with TLS: for a certificate from a CA this machine does
    not trust (a private CA, as most brokers have), how to trust it; for a listener that hung up
    on the TLS handshake (Mosquitto's plain 1883 does), that it may speak no TLS, and `plain_fix`
    (what to change; None: TLS was not asked for); else nothing."""
    import ssl

    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_code in _UNTRUSTED_CA:
        return "; a private CA: run kb with SSL_CERT_FILE=CA.pem (the CA's certificate)"
    hung_up = isinstance(exc, (ConnectionResetError, ssl.SSLEOFError)) or "WRONG_VERSION" in str(
        exc
    )
    if plain_fix and hung_up:
        return f"; it hung up on the TLS handshake: not a TLS port? ({plain_fix})"
    return ""


def host_port(host: Any, port: Any) -> str:
    """`host:port` as a reader sees it: an IPv6 literal in brackets (`[::1]:1883`, never the
    `::1:1883` that reads as a host without a port)."""
    bare = bare_host(host)
    return f"[{bare}]:{port}" if ":" in bare else f"{bare}:{port}"


def duration(value: Any) -> str | None:
    try:
        seconds = parse_duration(value)
    except ValueError:
        seconds = -1.0
    if not (math.isfinite(seconds) and seconds >= 0):
        return Words(
            "must be a duration such as 90s, 15m, 2h or 1d (not negative); got {value!r}",
            value=value,
        )
    return None


def timeout_seconds(value: Any) -> str | None:
    if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT):
        return Words(
            "must be a number of seconds in (0, {max:g}]; got {value}", max=MAX_TIMEOUT, value=value
        )
    return None


def in_range(low: float, high: float, what: str = "") -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not (math.isfinite(value) and low <= value <= high):
            if what:
                return Words(
                    "must be {what} between {low:g} and {high:g}; got {value}",
                    what=Words(what),
                    low=low,
                    high=high,
                    value=value,
                )
            return Words(
                "must be between {low:g} and {high:g}; got {value}", low=low, high=high, value=value
            )
        return None

    return check


def finite(value: Any) -> str | None:
    return (
        None if math.isfinite(value) else Words("must be a finite number; got {value}", value=value)
    )


def http_url(value: Any) -> str | None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(str(value))
        port = parts.port  # raises on a port out of range
    except ValueError as exc:
        return Words("must be an http:// or https:// URL; {why}", why=str(exc))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Words("must be an http:// or https:// URL with a host")
    if port is not None and port == 0:
        return Words("must be an http:// or https:// URL with a port 1-65535")
    return None


def needs_text(value: Any) -> str | None:
    """An RE2 pattern that matches the empty string matches every line: nonsense as a check."""
    from kb.signatures import compile_pattern as compile_re2

    regex, _err = compile_re2(str(value))
    if regex is not None and regex.search("") is not None:
        return Words(
            "{value!r} matches the empty string, so it matches everything; make it require text",
            value=value,
        )
    return None  # compile errors are reported where the pattern is compiled


def exit_code_list(value: Any) -> str | None:
    for code in value:
        if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 255:
            return Words("must list exit codes, integers 0-255; got {code!r}", code=code)
    return None


# `object` means "any YAML scalar": comparisons like `equals` may be a string, number or boolean.
ANY = object

TIMEOUT = Param(
    "timeout",
    float,
    default=DEFAULT_TIMEOUT,
    help="whole-probe deadline in seconds (max 30)",
    check=timeout_seconds,
)
DOCKER_HOST = Param(
    "host",
    str,
    help="a configured Docker host name or URL (default: DOCKER_HOST, the current context, the local socket)",
)
CONTAINER = Param("container", str, required=True, help="container name or id")
# how the brokers are named in verdicts, by their product id (in kb.checks.brokers' order)
PRODUCT_NAMES = {
    "emqx": "EMQX",
    "vernemq": "VerneMQ",
    "mosquitto": "Mosquitto",
    "rabbitmq": "RabbitMQ",
}
USERNAME_ENV = Param(
    "username_env", str, help="name of the environment variable holding the user name"
)
PASSWORD_ENV = Param(
    "password_env", str, help="name of the environment variable holding the password"
)

DOCKER_COMMON: tuple[Param, ...] = (TIMEOUT, DOCKER_HOST)

MQTT_COMMON: tuple[Param, ...] = (
    TIMEOUT,
    Param("host", str, default="127.0.0.1", help="broker host", check=host_name),
    Param("port", int, default=1883, help="broker port", check=port_number),
    Param("tls", bool, default=False, help="connect with TLS"),
    Param(
        "protocol", ANY, default="3.1.1", help="MQTT version: 3.1.1 or 5", choices=("3.1.1", "5", 5)
    ),
    USERNAME_ENV,
    PASSWORD_ENV,
)


def with_defaults(params_decl: tuple[Param, ...], params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` with every declared default filled in (lists copied so callers may not share them)."""
    out: dict[str, Any] = {}
    for p in params_decl:
        if p.default is not None:
            out[p.name] = list(p.default) if isinstance(p.default, list) else p.default
    out.update(params)
    return out


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> float:
    """Seconds in `90s`, `15m`, `2h`, `1d`, `1w` (a bare number is seconds). ValueError otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().lower()
    if text and text[-1] in _UNITS:
        return float(text[:-1]) * _UNITS[text[-1]]
    return float(text)


def compile_pattern(pattern: str) -> Any:
    """Compile an entry's pattern with RE2 (linear time), as signatures are; ValueError if invalid."""
    from kb.signatures import compile_pattern as compile_re2

    regex, err = compile_re2(pattern)
    if regex is None:
        raise ValueError(f"pattern {pattern!r} does not compile under RE2: {err}")
    return regex


def scalar_equals(actual: Any, expected: Any) -> bool:
    """Loose equality between a probed value and a YAML scalar from an entry.

    Docker and JSON values arrive typed (0, true, "always") while an entry's value may be written
    either way (`equals: "0"` or `equals: 0`), so compare typed first, then as text.
    """
    if actual == expected and type(actual) is type(expected):
        return True
    if isinstance(actual, bool) or isinstance(expected, bool):
        return str(actual).lower() == str(expected).lower()
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)):
        return float(actual) == float(expected)
    return str(actual) == str(expected)


MISSING = object()  # `resolve`'s answer for a path that leads nowhere


def resolve(doc: Any, dotted: str) -> Any:
    """Walk `dotted` through nested dicts/lists; keys may themselves contain dots (labels, ports)."""
    parts = dotted.split(".")
    cur = doc
    i = 0
    while i < len(parts):
        if isinstance(cur, list):
            try:
                cur = cur[int(parts[i])]
            except (ValueError, IndexError):
                return MISSING
            i += 1
            continue
        if not isinstance(cur, dict):
            return MISSING
        # longest key first, so `Config.Labels.com.docker.compose.project` finds the label
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in cur:
                cur = cur[key]
                i = j
                break
        else:
            return MISSING
    return cur


# the comparison a field check (`docker.inspect`, `docker.info`) makes of the value it finds
FIELD_COMPARISON = (
    Param("equals", ANY, help="the value must equal this"),
    Param("not_equals", ANY, help="the value must not equal this"),
    Param("present", bool, help="the field must exist (true) or be absent/empty (false)"),
    Param("min", float, help="the value must be at least this", check=finite),
    Param("max", float, help="the value must be at most this", check=finite),
)


#: a field check with no comparison would pass on any value (`CheckKind.needs_one_of`)
FIELD_COMPARED = (tuple(p.name for p in FIELD_COMPARISON),)


def field_problems(value: Any, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with a field's value (MISSING when absent) under FIELD_COMPARISON, each as
    (English, Chinese), both completing "FIELD ..."."""
    empty = value is MISSING or value in (None, "", [], {})
    problems: list[tuple[str, str]] = []
    if "present" in params and params["present"] is not None:
        if params["present"] and empty:
            problems.append(("is absent or empty", "不存在或为空"))
        if not params["present"] and not empty:
            problems.append(("is set", "已设置"))
    if params.get("equals") is not None and not scalar_equals(value, params["equals"]):
        problems.append((f"is not {params['equals']!r}", f"不等于 {params['equals']!r}"))
    if params.get("not_equals") is not None and scalar_equals(value, params["not_equals"]):
        problems.append((f"is {params['not_equals']!r}", f"等于 {params['not_equals']!r}"))
    for bound, ok in (("min", lambda v, b: v >= b), ("max", lambda v, b: v <= b)):
        if params.get(bound) is not None:
            try:
                if not ok(float(value), float(params[bound])):
                    problems.append(
                        (
                            f"is {'below' if bound == 'min' else 'above'} {params[bound]}",
                            f"{'小于' if bound == 'min' else '大于'} {params[bound]}",
                        )
                    )
            except (TypeError, ValueError):
                problems.append(
                    (
                        f"is not a number (needed for `{bound}`)",
                        f"不是数字（`{bound}` 需要数字）",
                    )
                )
    return problems


def joined(problems: list[tuple[str, str]], en_sep: str, zh_sep: str) -> tuple[str, str]:
    """(English, Chinese) pairs joined into one English and one Chinese text."""
    return en_sep.join(en for en, _ in problems), zh_sep.join(zh for _, zh in problems)


def field_shown(value: Any) -> str:
    """A field's value as evidence."""
    if value is MISSING:
        return "(absent)"
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else str(value)


def field_conditions(params: Mapping[str, Any], zh: bool) -> str:
    """FIELD_COMPARISON in plain words, for `describe`."""
    conds: list[tuple[str, str, Any]] = []
    for key, en, zh_word in (
        ("equals", "equals", "等于"),
        ("not_equals", "is not", "不等于"),
        ("min", "is at least", "不小于"),
        ("max", "is at most", "不大于"),
    ):
        if key in params:
            conds.append((en, zh_word, shown(params, key)))
    if "present" in params:
        pres = params.get("present")
        conds.append(("is present" if pres else "is absent", "存在" if pres else "不存在", None))
    if zh:
        return "、".join(f"{z} `{v}`" if v is not None else z for _, z, v in conds) or "满足条件"
    return " and ".join(f"{e} `{v}`" if v is not None else e for e, _, v in conds) or "matches"


def path_covers(outer: str, inner: str) -> bool:
    """POSIX path `inner` is `outer` or lies below it (compared as strings, trailing slashes
    ignored): a mount at `outer` holds `inner`."""
    outer, inner = outer.rstrip("/") or "/", inner.rstrip("/") or "/"
    return inner == outer or outer == "/" or inner.startswith(outer + "/")


def no_container(name: str) -> Verdict:
    """The verdict of every container check when the container does not exist: not applicable."""
    return Verdict(
        SKIP,
        f"no container named {name!r} on this Docker host",
        settable=("container",),
        summary_zh=f"这台 Docker 主机上没有名为 {name!r} 的容器",
    )


# -- plain words (`describe`) -------------------------------------------------------------------


def shown(params: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """A parameter as a reader sees it: booleans as true/false, lists comma-separated."""
    value = params.get(key, default)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(x) for x in value)
    return value


def on_docker_host(params: Mapping[str, Any], zh: bool) -> str:
    """` (Docker host X)` when the check names a Docker host, else nothing."""
    host = params.get("host")
    if not host:
        return ""
    return f"（Docker 主机 {host}）" if zh else f" (Docker host {host})"


def container_description(looks_at: str, healthy: str, zh: bool) -> Description:
    """A container kind's description: it is skipped where the container does not exist."""
    skip = (
        "不适用：这台 Docker 主机上没有这个容器"
        if zh
        else "not applicable here: there is no such container on this Docker host"
    )
    return Description(looks_at, healthy, skip)


def mqtt_refused(params: Mapping[str, Any], where: str, reason: str) -> Verdict:
    """The verdict of an MQTT check (other than mqtt.connect, whose finding it is) whose login the
    broker refused: it could not tell (`error`), and says which parameters to set."""
    if params.get("username_env"):
        advice = "check the user name and password the username_env/password_env variables hold"
        advice_zh = "检查 username_env/password_env 指向的环境变量中的用户名和密码"
    else:
        advice = (
            "the broker wants a login: set username_env and password_env to the names of the"
            " variables that hold a user's name and password"
        )
        advice_zh = (
            "Broker 需要登录：把 username_env 和 password_env 设为保存用户名和密码的环境变量名"
        )
    return Verdict(
        ERROR,
        f"{where} refused the connection: {reason}",
        advice=advice,
        settable=("username_env", "password_env"),
        summary_zh=f"{where} 拒绝了连接：{reason}",
        advice_zh=advice_zh,
    )


def mqtt_where(params: Mapping[str, Any], zh: bool) -> str:
    """The broker an MQTT check talks to, in words."""
    host, port = shown(params, "host", "127.0.0.1"), shown(params, "port", 1883)
    tls = " (TLS)" if params.get("tls") else ""
    return (
        f"{host}:{port}{tls} 上的 MQTT Broker" if zh else f"the MQTT broker at {host}:{port}{tls}"
    )

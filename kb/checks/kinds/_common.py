"""Parameters shared by several check kinds, and small helpers for kind modules.

Kept free of heavy imports: the registry imports every kind module to validate entries.
"""

from __future__ import annotations

from typing import Any

from kb.checks.base import DEFAULT_TIMEOUT, SKIP, Param, Verdict

# `object` means "any YAML scalar": comparisons like `equals` may be a string, number or boolean.
ANY = object

TIMEOUT = Param(
    "timeout", float, default=DEFAULT_TIMEOUT, help="whole-probe deadline in seconds (max 30)"
)
DOCKER_HOST = Param(
    "host",
    str,
    help="a configured Docker host name or URL (default: DOCKER_HOST, the current context, the local socket)",
)
CONTAINER = Param("container", str, required=True, help="container name or id")
USERNAME_ENV = Param(
    "username_env", str, help="name of the environment variable holding the user name"
)
PASSWORD_ENV = Param(
    "password_env", str, help="name of the environment variable holding the password"
)

DOCKER_COMMON: tuple[Param, ...] = (TIMEOUT, DOCKER_HOST)

MQTT_COMMON: tuple[Param, ...] = (
    TIMEOUT,
    Param("host", str, default="127.0.0.1", help="broker host"),
    Param("port", int, default=1883, help="broker port"),
    Param("tls", bool, default=False, help="connect with TLS"),
    Param(
        "protocol", ANY, default="3.1.1", help="MQTT version: 3.1.1 or 5", choices=("3.1.1", "5", 5)
    ),
    USERNAME_ENV,
    PASSWORD_ENV,
)


def with_defaults(params_decl: tuple[Param, ...], params: dict[str, Any]) -> dict[str, Any]:
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


def no_container(name: str) -> Verdict:
    """The verdict of every container check when the container does not exist: not applicable."""
    return Verdict(
        SKIP,
        f"no container named {name!r} on this Docker host",
        next="pass --set container=NAME to check another container",
    )

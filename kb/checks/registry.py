"""The registry of check kinds: built-in modules plus third-party `kbtui.checks` entry points.

Built-in kinds register exactly the way a plug-in would: each module in `DEFAULT_KIND_MODULES`
exposes `KINDS: list[CheckKind]`. Kind modules import their heavy libraries (docker, paho, pika)
inside their probes, so loading the registry to validate entries stays cheap.
"""

from __future__ import annotations

import importlib
import math
import re
from functools import lru_cache
from typing import Any

from kb.checks.base import CheckKind
from kb.words import Words

ENTRY_POINT_GROUP = "kbtui.checks"

DEFAULT_KIND_MODULES: tuple[str, ...] = (
    "kb.checks.kinds.docker_daemon",
    "kb.checks.kinds.docker_info",
    "kb.checks.kinds.docker_container",
    "kb.checks.kinds.docker_logs",
    "kb.checks.kinds.docker_env",
    "kb.checks.kinds.docker_mount",
    "kb.checks.kinds.docker_network_mtu",
    "kb.checks.kinds.docker_shared_mount",
    "kb.checks.kinds.docker_inspect",
    "kb.checks.kinds.docker_events",
    "kb.checks.kinds.docker_top",
    "kb.checks.kinds.docker_exec",
    "kb.checks.kinds.net_tcp",
    "kb.checks.kinds.net_port_free",
    "kb.checks.kinds.http_get",
    "kb.checks.kinds.mqtt_connect",
    "kb.checks.kinds.mqtt_sys",
    "kb.checks.kinds.mqtt_roundtrip",
    "kb.checks.kinds.mqtt_idle",
    "kb.checks.kinds.amqp_connect",
    "kb.checks.kinds.rabbitmq_api",
    "kb.checks.kinds.rabbitmq_consumers",
    "kb.checks.kinds.host_clock",
    "kb.checks.kinds.host_oom",
    "kb.checks.kinds.host_disk",
)


def _entry_point_modules() -> list[str]:
    from importlib.metadata import entry_points

    try:
        return [ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)]
    except Exception:  # a broken third-party distribution must not break kb
        return []


@lru_cache(maxsize=1)
def kinds() -> dict[str, CheckKind]:
    """Every registered kind by name. Built-ins first; a plug-in cannot shadow a built-in."""
    found: dict[str, CheckKind] = {}
    for modname in (*DEFAULT_KIND_MODULES, *_entry_point_modules()):
        try:
            module = importlib.import_module(modname)
        except ImportError:
            if modname in DEFAULT_KIND_MODULES:
                raise
            continue
        for kind in getattr(module, "KINDS", ()):
            found.setdefault(kind.name, kind)
    return found


def get(name: str) -> CheckKind | None:
    return kinds().get(name)


_TYPE_NAMES = {
    str: Words("a string"),
    int: Words("an integer"),
    float: Words("a number"),
    bool: Words("true/false"),
    list: Words("a list"),
}


def _type_ok(value: Any, typ: type) -> bool:
    if typ is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if typ is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, typ)


def _type_hint(value: Any, typ: type) -> str:
    """What to do about a value of the wrong type: a number or true/false written in quotes
    (`port: "1883"`) is text to YAML; text where text is not wanted has no quick fix."""
    if not isinstance(value, str):
        return Words("; quote it if it is text") if typ is str else ""
    text = value.strip().lower()
    if typ is bool:
        return Words("; write it without quotes") if text in ("true", "false") else ""
    if typ in (int, float) and re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)e[-+]?\d+", text):
        # YAML 1.1 (PyYAML) reads exponent notation as text unless it has a dot and a signed
        # exponent (`1e1` is a string, `1.0e+1` a float): no quotes were written, so say what to
        # write instead
        number = float(text)
        if number.is_integer() and abs(number) < 1e15:
            plain: str = (
                f"{int(number)}"
                if typ is int
                else Words("{a} or {b}", a=str(int(number)), b=str(number))
            )
        elif typ is int:
            return Words(
                "; YAML reads {value} as text, and it is not a whole number", value=value.strip()
            )
        else:
            plain = repr(number)
        return Words(
            "; YAML reads {value} as text: write {plain}", value=value.strip(), plain=plain
        )
    try:
        number = (int if typ is int else float)(text)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(number):
        return ""  # nan, inf: Python reads them, but unquoted they are text to YAML too
    return Words("; write it without quotes") if typ in (int, float) else ""


def validate_params(kind_name: str, params: dict[str, Any]) -> list[str]:
    """Problems with `params` for `kind_name`, each one line saying what to do (kb.words.Words:
    said in the reader's language, the names and values as typed). Empty if fine."""
    kind = get(kind_name)
    if kind is None:
        known = ", ".join(sorted(kinds()))
        return [
            Words("unknown check kind {kind!r}; use one of: {known}", kind=kind_name, known=known)
        ]
    problems: list[str] = []
    for name, value in params.items():
        p = kind.param(name)
        if p is None:
            allowed = ", ".join(x.name for x in kind.params) or Words("none")
            problems.append(
                Words(
                    "{kind}: unknown parameter {name!r}; allowed: {allowed}",
                    kind=kind_name,
                    name=name,
                    allowed=allowed,
                )
            )
        elif not _type_ok(value, p.type):
            problems.append(
                Words(
                    "{kind}: parameter {name!r} must be {type}, got {got} {value!r}{hint}",
                    kind=kind_name,
                    name=name,
                    type=_TYPE_NAMES.get(p.type, p.type.__name__),
                    got=type(value).__name__,
                    value=value,
                    hint=_type_hint(value, p.type),
                )
            )
        elif p.required and isinstance(value, str) and not value.strip():
            # `--set container=` reached the Docker client as an empty id (QA: NullResource)
            problems.append(
                Words(
                    "{kind}: parameter {name!r} is empty; give a value", kind=kind_name, name=name
                )
            )
        elif p.choices and value not in p.choices:
            problems.append(
                Words(
                    "{kind}: parameter {name!r} must be one of {choices}",
                    kind=kind_name,
                    name=name,
                    choices=str(list(p.choices)),
                )
            )
        elif p.check is not None and (wrong := p.check(value)):
            problems.append(
                Words("{kind}: parameter {name!r} {wrong}", kind=kind_name, name=name, wrong=wrong)
            )
    for p in kind.params:
        if p.required and p.name not in params:
            problems.append(
                Words("{kind}: missing required parameter {name!r}", kind=kind_name, name=p.name)
            )

    def given(name: str) -> bool:
        value = params.get(name)
        if value is None:
            return False
        # `signatures: false` is the switch left off; `present: false` is a comparison
        p = kind.param(name)
        return not (value is False and p is not None and p.default is False)

    for group in kind.needs_one_of:
        if not any(given(name) for name in group):
            names: str = repr(group[0])
            for n in group[1:]:
                names = Words("{a} or {b}", a=names, b=repr(n))
            problems.append(
                Words(
                    "{kind}: set {names}; without one the check has nothing to test",
                    kind=kind_name,
                    names=names,
                )
            )
    return problems

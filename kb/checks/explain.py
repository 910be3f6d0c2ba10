"""A declared check in plain words, for the site and the TUI.

Each kind words itself (`CheckKind.describe(params, lang)`: what it looks at, what healthy means,
when it is skipped); this module adds what every check shares: what fail (or warn, per the entry's
`on_fail`), error and skip mean. A kind without `describe` (a third-party plug-in) gets a generic
description instead of an error. docs/checks.md is the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.checks import registry
from kb.checks.base import Description
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


def _generic(kind: str, params: dict[str, Any], zh: bool) -> Description:
    shown = ", ".join(f"{k}={params[k]}" for k in sorted(params))
    if zh:
        return Description(f"`{kind}` 检查（{shown}）", "检查所描述的健康状态成立")
    return Description(f"a `{kind}` check ({shown})", "the healthy state the check describes holds")


def explain(spec: CheckSpec, lang: str = "en") -> CheckText:
    """Plain-words description of `spec` in `lang` ("en" or "zh")."""
    zh = lang == "zh"
    kind = registry.get(spec.kind)
    params = dict(spec.params)
    words = (
        kind.describe(params, lang)
        if kind is not None and kind.describe is not None
        else _generic(spec.kind, params, zh)
    )
    status = "warn" if spec.on_fail == "warn" else "fail"
    words_for = _ZH if zh else _EN
    problem = words_for["problem"] + (words_for["as_warning"] if status == "warn" else "")
    from kb.redact import redact

    # the words quote parameters and land on public pages: URL credentials, secret-named values
    return CheckText(
        looks_at=redact(words.looks_at),
        healthy=redact(words.healthy),
        problem=problem,
        problem_status=status,
        error=words_for["error"],
        skip=words.skip or words_for["skip"],
        active=bool(kind is not None and kind.active),
    )


_EN = {
    "problem": "the healthy expectation does not hold, which points at this entry's cause",
    "as_warning": " (this entry reports it as a warning)",
    "error": "could not tell: a timeout, an unreachable daemon or service, or the check itself "
    "failed",
    "skip": "not applicable here (the result says why)",
}
_ZH = {
    "problem": "健康条件不成立，这正指向本条目描述的原因",
    "as_warning": "（本条目把它标为警告）",
    "error": "无法判断：超时、守护进程或服务不可达，或检查本身出错",
    "skip": "不适用于当前环境（结果会说明原因）",
}

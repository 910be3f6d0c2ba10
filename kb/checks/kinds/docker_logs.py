"""`docker.logs`: a pattern (or the entry's signatures) in a container's recent logs.

Logs are streamed line by line and matched as they arrive, so a chatty container costs bounded memory.
"""

from __future__ import annotations

from typing import Any

from kb.checks.base import (
    FAIL,
    MAX_EVIDENCE_LINES,
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
    compile_pattern,
    container_description,
    duration,
    in_range,
    needs_text,
    no_container,
    on_docker_host,
    parse_duration,
    shown,
)
from kb.sanitize import strip_escapes

MAX_TAIL = 100_000

PARAMS = (
    *DOCKER_COMMON,
    CONTAINER,
    Param("pattern", str, help="RE2 pattern to look for", check=needs_text),
    Param("signatures", bool, default=False, help="use this entry's signatures as the pattern"),
    Param(
        "tail",
        int,
        default=1000,
        help=f"read the last N lines (max {MAX_TAIL})",
        check=in_range(1, MAX_TAIL),
    ),
    Param("since", str, help="only lines newer than this: 90s, 15m, 2h, 1d", check=duration),
    Param("expect", str, default="absent", choices=("absent", "present")),
)


def _patterns(ctx: ProbeContext, params: Params) -> list[Any]:
    pats: list[str] = []
    if params.get("pattern"):
        pats.append(params["pattern"])
    if params.get("signatures"):
        entry = getattr(ctx, "entry", None)
        pats.extend(getattr(entry, "signatures", ()) or ())
    if not pats:
        raise ValueError(
            "docker.logs needs `pattern` or `signatures: true` (with signatures in the entry)"
        )
    return [compile_pattern(p) for p in pats]


def probe(ctx: ProbeContext, params: Params) -> dict[str, Any] | None:
    pats = _patterns(ctx, params)
    client = ctx.docker(params.get("host"))
    name = params["container"]
    if client.inspect_container(name) is None:
        return None
    tail = max(1, min(int(params.get("tail", 1000)), MAX_TAIL))
    since = parse_duration(params["since"]) if params.get("since") else None
    matches: list[str] = []
    scanned = 0
    total_matches = 0
    for raw in client.log_lines(name, tail=tail, since_seconds=since):
        scanned += 1
        line = strip_escapes(raw)  # a coloured line matches as its text does
        if any(p.search(line) for p in pats):
            total_matches += 1
            if len(matches) < MAX_EVIDENCE_LINES:
                matches.append(line)
        ctx.check()
    return {"scanned": scanned, "matches": matches, "count": total_matches}


def evaluate(params: Params, data: dict[str, Any] | None) -> Verdict:
    name = params["container"]
    if data is None:
        return no_container(name)
    what = "the pattern" if params.get("pattern") else "the entry's signatures"
    what_zh = "该模式" if params.get("pattern") else "条目的特征行"
    n, scanned = data["count"], data["scanned"]
    found = data["count"] > 0
    ev = tuple(data["matches"])
    if params.get("expect", "absent") == "present":
        if found:
            return Verdict(
                PASS,
                f"{name}: {what} found in {n} of {scanned} log lines",
                ev,
                summary_zh=f"{name}: 在 {scanned} 行日志中有 {n} 行出现了{what_zh}",
            )
        return Verdict(
            FAIL,
            f"{name}: {what} not found in the last {scanned} log lines",
            summary_zh=f"{name}: 最近 {scanned} 行日志中没有出现{what_zh}",
        )
    if found:
        return Verdict(
            FAIL,
            f"{name}: {what} matched {n} of {scanned} log lines",
            ev,
            summary_zh=f"{name}: {scanned} 行日志中有 {n} 行匹配{what_zh}",
        )
    return Verdict(
        PASS,
        f"{name}: {what} not seen in the last {scanned} log lines",
        summary_zh=f"{name}: 最近 {scanned} 行日志中没有出现{what_zh}",
    )


def describe(params: Params, lang: str) -> Description:
    zh = lang == "zh"
    c, dh = shown(params, "container", ""), on_docker_host(params, zh)
    tail = shown(params, "tail", 1000)
    since = params.get("since")
    absent = params.get("expect", "absent") == "absent"
    signatures = bool(params.get("signatures"))
    pat = shown(params, "pattern", "")
    if zh:
        what = "本条目的日志特征" if signatures else f"正则 `{pat}`"
        win = f"最近 {tail} 行" + (f"（{since} 以内）" if since else "")
        return container_description(
            f"容器 `{c}` 日志的{win}{dh}", f"{what}{'没有出现' if absent else '出现了'}", zh
        )
    win = f"the last {tail} lines" + (f" from the past {since}" if since else "")
    if signatures:  # plural subject
        healthy = (
            "none of this entry's log signatures appear"
            if absent
            else ("this entry's log signatures appear")
        )
    else:
        healthy = f"the pattern `{pat}` {'does not appear' if absent else 'appears'}"
    return container_description(f"{win} of container `{c}`'s log{dh}", healthy, zh)


KINDS = [
    CheckKind(
        "docker.logs",
        "a pattern is absent from (or present in) a container's logs",
        PARAMS,
        probe,
        evaluate,
        describe=describe,
        needs_one_of=(("pattern", "signatures"),),
    )
]

"""Which language to show: `--lang` first, then the locale (LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from kb.words import Words as Words  # where the CLI has always imported it from

if TYPE_CHECKING:
    from kb.model import Problem

SUPPORTED = ("en", "zh")


def normalise(value: str | None) -> str | None:
    """'zh_CN.UTF-8', 'zh-Hans', '中文' -> 'zh'; 'en_US' -> 'en'; unknown or empty -> None."""
    if not value:
        return None
    v = value.strip().lower()
    if v.startswith("zh") or v in ("中文", "cn", "chinese"):
        return "zh"
    if v.startswith("en") or v in ("c", "posix", "english") or v.startswith("c."):
        return "en"
    return None


def pick_lang(explicit: str | None = None) -> str:
    """The language to show. An explicit choice wins; then the first locale variable that is set."""
    chosen = normalise(explicit)
    if chosen:
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return normalise(value) or "en"
    return "en"


# kb's words in Chinese are data in kb.zh (ZH_WORDS, ARGPARSE_ZH, HELP_ZH), imported where
# Chinese is shown: an English command never reads them (some 900 strings, ~3 ms of a start).


def translated(zh: Mapping[str, str], text: str, lang: str, fields: Mapping[str, object]) -> str:
    """`text` in `lang` from a table keyed by the English (English when the table has no
    translation), with its `{fields}` filled in: the rule of `say` and of the TUI's `tr`. `text`
    may be Words kb handed back (`kb.model.checks_named`'s why): its own template and fields."""
    if isinstance(text, Words) and not fields:
        fields = text.fields
        text = text.template
    if lang != "zh":
        return text.format(**fields) if fields else text
    fields = {
        k: translated(zh, v.template, lang, v.fields) if isinstance(v, Words) else v
        for k, v in fields.items()
    }
    out = zh.get(text, text)
    return out.format(**fields) if fields else out


def say(text: str, lang: str, /, **fields: object) -> str:
    """The command line's words (`ZH_WORDS`) in `lang`, with their `{fields}` filled in."""
    if lang != "zh":
        return translated({}, text, lang, fields)  # English: no table to read
    from kb.zh import ZH_WORDS

    return translated(ZH_WORDS, text, lang, fields)


def problem_line(problem: Problem, lang: str) -> str:
    """A lint problem as `kb lint` and stderr write it (`path:line: error: message`) in `lang`:
    kb's words said, the path and the user's values in the message as typed, on one line."""
    from kb.model import PROBLEM_LINE
    from kb.sanitize import one_line, path_text

    return say(
        PROBLEM_LINE,
        lang,
        path=path_text(problem.path),
        line=problem.line,
        severity=Words(problem.severity),
        message=one_line(say(problem.message, lang)),
    )


def status_label(status: str, lang: str) -> str:
    """A check status as a 5-column label: `PASS `, `FAIL `; `通过 ` in Chinese (2 wide chars)."""
    return say(status, lang) + " " if lang == "zh" else status.upper().ljust(5)


# The labels of a doctor finding's evidence (kb.checks.container.ContainerState.evidence,
# health_lines, kb.checks.doctor._distinct_lines) in Chinese; what follows a label (a status,
# a time, a daemon's or a log's own words) stays as written. `--json` keeps the English lines.
EVIDENCE_LABELS_ZH = {
    "status": "状态",
    "exit code": "退出码",
    "restart count": "重启次数",
    "paused": "已暂停",
    "health": "健康状态",
    "image": "镜像",
    "started": "启动时间",
    "finished": "结束时间",
    "error": "错误",
}


@lru_cache(maxsize=1)
def _evidence_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A log line, a health probe and a failing streak (compiled on first use: every `kb`
    start imports this module)."""
    return (
        re.compile(r"(log|health check) line (\d+): "),
        re.compile(r"health check: exit (-?\d+|None), (.*?)(?: \((\d+) times\))?$", re.S),
        re.compile(r"failing streak: (\d+) probes in a row$"),
    )


def evidence_in(line: str, lang: str) -> str:
    """A doctor finding's evidence line with its label in `lang` (`status: exited` ->
    `状态：exited`, `log line 3: …` -> `日志第 3 行：…`); unknown lines unchanged."""
    if lang != "zh":
        return line
    log_line, probe, streak = _evidence_patterns()
    if m := log_line.match(line):
        where = "日志" if m[1] == "log" else "健康检查输出"
        return f"{where}第 {m[2]} 行：{line[m.end() :]}"
    if m := probe.match(line):
        times = f"（{m[3]} 次）" if m[3] else ""
        output = "无输出" if m[2] == "no output" else m[2]
        return f"健康检查：退出码 {m[1]}，{output}{times}"
    if m := streak.match(line):
        return f"健康检查连续失败 {m[1]} 次"
    label, sep, rest = line.partition(": ")
    if sep and label in EVIDENCE_LABELS_ZH:
        return f"{EVIDENCE_LABELS_ZH[label]}：{rest}"
    return line


def versions_line(notes: list[tuple[str, str, str]], lang: str) -> str:
    """An entry's version notes on one line (`kb show`, the TUI): `product note` pairs, apart by
    `; ` (the notes hold commas), `；` in Chinese."""
    return ("；" if lang == "zh" else "; ").join(f"{k} {v}" for k, v, *_ in notes)

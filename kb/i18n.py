"""Which language to show: `--lang` first, then the locale (LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache

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


#: Chinese for the words the command line prints around the entries' own text (the TUI's
#: table, tui/i18n.py, starts from these): keyed by the English text, `str.format` fields kept
ZH_WORDS: dict[str, str] = {
    "pass": "通过",
    "warn": "警告",
    "fail": "失败",
    "error": "错误",
    "skip": "跳过",
    "kb: nothing found; try other words, fewer filters, or 'kb list'": (
        "kb：没有找到；换些词语、少用筛选，或运行 'kb list'"
    ),
    "kb: no confident answer; the entries above are related reading": (
        "kb：没有把握的答案；上面的条目仅供参考"
    ),
    "kb: paste the log line or symptom, then press Ctrl-D on a new line": (
        "kb：粘贴日志行或现象描述，然后在新的一行按 Ctrl-D"
    ),
    "No entry's signature matches this log.": "没有条目的特征行与这段日志匹配。",
    "… {n} more matching lines": "… 另有 {n} 行匹配",
    "look elsewhere: {flags}": "换个位置再查：{flags}",
    "read: kb show {id}": "阅读：kb show {id}",
    " [active: sends one message]": " [主动检查：会发送一条消息]",
    "{n} check(s): {summary} in {seconds} s": "{n} 项检查：{summary}，用时 {seconds} 秒",
    "kb: doctor: interrupted; the findings above are what was found so far": (
        "kb：doctor：已中断；上面是到目前为止的发现"
    ),
    " (not all scanned)": "（未全部扫描）",
    "No known problem found so far: {containers} container(s) scanned on {hosts} host(s){partial}.": (
        "目前没有发现已知问题：已扫描 {hosts} 台主机上的 {containers} 个容器{partial}。"
    ),
    "No known problem found in {containers} container(s) on {hosts} host(s){partial}.": (
        "在 {hosts} 台主机上的 {containers} 个容器中没有发现已知问题{partial}。"
    ),
    "{n} finding(s) in {containers} container(s) on {hosts} host(s){partial}, {seconds} s": (
        "{hosts} 台主机上的 {containers} 个容器中有 {n} 项发现{partial}，用时 {seconds} 秒"
    ),
}


def translated(zh: Mapping[str, str], text: str, lang: str, fields: Mapping[str, object]) -> str:
    """`text` in `lang` from a table keyed by the English (English when the table has no
    translation), with its `{fields}` filled in: the rule of `say` and of the TUI's `tr`."""
    out = zh.get(text, text) if lang == "zh" else text
    return out.format(**fields) if fields else out


def say(text: str, lang: str, /, **fields: object) -> str:
    """The command line's words (`ZH_WORDS`) in `lang`, with their `{fields}` filled in."""
    return translated(ZH_WORDS, text, lang, fields)


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

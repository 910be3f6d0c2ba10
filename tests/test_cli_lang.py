"""`--lang zh` reaches the command line's own words, not only the entries' text (QA: `kb --lang zh
search` said "nothing found" in English, `kb check` printed English hints and statuses)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.cells import cell_len

from kb.cjk import RANGES
from kb.i18n import say, status_label
from kb.model import STATUSES
from kb.zh import ZH_WORDS
from tests.helpers import run_kb

CJK = re.compile(f"[{RANGES}]")


def test_every_check_status_has_its_chinese_label_of_the_same_width():
    for status in STATUSES:
        assert status in ZH_WORDS
        assert status_label(status, "en") == status.upper().ljust(5)
        label = status_label(status, "zh")
        assert label.endswith(" ") and cell_len(label) == 5  # two wide characters and a space


def test_say_fills_fields_in_either_language():
    line = "{n} check(s): {summary} in {seconds} s"
    assert say(line, "en", n=2, summary="2 pass", seconds="0.10") == "2 check(s): 2 pass in 0.10 s"
    assert (
        say(line, "zh", n=2, summary="2 通过", seconds="0.10") == "2 项检查：2 通过，用时 0.10 秒"
    )
    assert say("an untranslated sentence", "zh") == "an untranslated sentence"


def test_search_and_diagnose_speak_chinese_with_lang_zh(tmp_path):
    env = {"KBTUI_HOME": str(tmp_path)}
    r = run_kb("--lang", "zh", "search", "zzzqqq", env=env)
    assert (
        r.returncode == 1
        and r.stderr.strip() == "kb：没有找到；换些词语、少用筛选，或运行 'kb list'"
    )
    r = run_kb("diagnose", "-", "--lang", "zh", input="nothing to see here\n", env=env)
    assert r.returncode == 1 and r.stdout.strip() == "没有条目的特征行与这段日志匹配。"
    r = run_kb("search", "zzzqqq", env=env)  # English stays the default
    assert r.stderr.startswith("kb: nothing found")


EN = {"LC_ALL": "C.UTF-8"}  # English unless --lang says otherwise, whatever the machine's locale


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--lang", "zh", "--bogus"], "kb：无法识别的参数：--bogus（参见 'kb --help'）"),
        (["show", "--lang", "zh"], "kb show：缺少必需的参数：ID（参见 'kb show --help'）"),
        (
            ["search", "x", "--limit", "abc", "--lang=zh"],
            "kb search：参数 --limit/-n：无效的 int 值：'abc'（参见 'kb search --help'）",
        ),
        (
            ["--la", "zh", "search", "x", "--limit"],
            "kb search：参数 --limit/-n：需要一个值（参见 'kb search --help'）",
        ),
        (["--lang", "zh", "frob"], "kb：参数 COMMAND：无效的选择：'frob'（可选：'search', "),
        (
            ["doctor", "--timeout", "0", "--lang", "zh"],
            "kb doctor：参数 --timeout：必须在 1 到 3600 秒之间（参见 'kb doctor --help'）",
        ),
    ],
)
def test_argparse_usage_errors_speak_chinese_with_lang_zh(tmp_path, argv, said):
    r = run_kb(*argv, env={"KBTUI_HOME": str(tmp_path), **EN})
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith(said) and r.stderr.count("\n") == 1


def test_usage_errors_follow_the_locale_and_stay_english_by_default(tmp_path):
    home = {"KBTUI_HOME": str(tmp_path)}
    r = run_kb("--bogus", env={**home, "LC_ALL": "zh_CN.UTF-8"})
    assert (r.returncode, r.stderr) == (2, "kb：无法识别的参数：--bogus（参见 'kb --help'）\n")
    r = run_kb("--bogus", env={**home, **EN})
    assert (r.returncode, r.stderr) == (
        2,
        "kb: unrecognized arguments: --bogus (see 'kb --help')\n",
    )
    # `kb export site --lang zh` picks the languages exported, not the language of the messages
    r = run_kb("export", "site", "--lang", "zh", env={**home, **EN})
    assert r.returncode == 2 and "the following arguments are required: OUT" in r.stderr


def test_help_headings_speak_chinese_and_the_usage_stays_aligned(tmp_path):
    r = run_kb("--lang", "zh", "search", "--help", env={"KBTUI_HOME": str(tmp_path), **EN})
    assert r.returncode == 0
    first, second = r.stdout.splitlines()[:2]
    assert first.startswith("用法：kb search [-h]")
    for heading in ("位置参数：", "选项：", "显示此帮助信息并退出"):
        assert heading in r.stdout
    # the wrapped usage line starts under the first option (用法： is 6 columns wide)
    assert cell_len(first[: first.index("[")]) == len(second) - len(second.lstrip(" "))


@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        (
            ["show", "no-such-entry"],
            1,
            "kb：没有条目 'no-such-entry'；试试 'kb search WORDS' 或 'kb list'",
        ),
        (["show", "monotonic"], 1, "kb：没有条目 'monotonic'；是不是要找：emqx-monotonic-"),
        (["show", "no-such-entry", "--json"], 1, "kb：没有条目 'no-such-entry'；"),
        (["check", "no-such-entry"], 2, "kb：check：没有条目 'no-such-entry'；请看 kb list"),
        (["check"], 2, "kb：check：请指定条目（kb check ID）或使用 --all"),
        (
            ["diagnose", "/no/such/file.log"],
            2,
            "kb：/no/such/file.log：没有这个文件或文件夹；请给出可读的日志文件，或用 - 从标准输入读取",
        ),
        (["lint", "/no/such/folder"], 2, "kb：/no/such/folder：没有这个文件或文件夹"),
        (["search", "x", "--product", "nosuch"], 2, "kb：知识库中没有 product 'nosuch'；已有："),
    ],
)
def test_common_user_errors_speak_chinese_with_lang_zh(tmp_path, argv, code, said):
    env = {"KBTUI_HOME": str(tmp_path), **EN}
    r = run_kb("--lang", "zh", *argv, env=env)
    assert (r.returncode, r.stdout) == (code, "") and r.stderr.startswith(said)
    english = run_kb(*argv, env=env)  # same exit code and output in English
    assert (english.returncode, english.stdout) == (code, "")
    assert english.stderr.startswith("kb: ") and not CJK.search(english.stderr)


def test_main_leaves_argparse_english_after_a_chinese_command_line(capsys):
    import argparse
    import gettext

    from kb.cli import main as cli_main

    with pytest.raises(SystemExit) as stop:
        cli_main.main(["--lang", "zh", "--bogus"])
    assert stop.value.code == 2 and "无法识别的参数" in capsys.readouterr().err
    hooks: Any = argparse
    assert (hooks._, hooks.ngettext) == (gettext.gettext, gettext.ngettext)


def test_kbtui_says_its_usage_errors_and_help_in_chinese_with_lang_zh(capsys):
    from tui.app import main

    with pytest.raises(SystemExit) as stop:
        main(["--lang", "zh", "--bogus"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.endswith("kbtui：错误：无法识别的参数：--bogus\n"), err
    with pytest.raises(SystemExit) as stop:
        main(["--lang", "zh", "--help"])
    out = capsys.readouterr().out
    assert stop.value.code == 0 and out.startswith("用法：kbtui [-h]")
    assert "显示此帮助信息并退出" in out


def test_kb_and_kbtui_refuse_a_bad_kb_folder_in_chinese(tmp_path):
    """`--kb` problems (one rule for kb and kbtui, kb.cli.common.kb_arg_problem) and an entry that
    could not be loaded were English under --lang zh; the user's path stays as typed."""
    missing = tmp_path / "nope"
    r = run_kb("--lang", "zh", "--kb", str(missing), "list", env={"KBTUI_HOME": str(tmp_path)})
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (
        f"kb：--kb {missing}：没有这个文件夹；请给出条目所在的文件夹（或一个条目文件）\n"
    ), r.stderr
    r = run_kb("--lang", "zh", "--kb", "", "list", env={"KBTUI_HOME": str(tmp_path)})
    assert r.returncode == 2 and "路径为空" in r.stderr, r.stderr
    txt = tmp_path / "notes.txt"
    txt.write_text("hello\n", encoding="utf-8")
    r = run_kb("--lang", "zh", "--kb", str(txt), "list", env={"KBTUI_HOME": str(tmp_path)})
    assert r.returncode == 2 and "不是文件夹或 .md 文件；" in r.stderr, r.stderr
    # English stays as it was
    r = run_kb("--kb", str(missing), "list", env={"KBTUI_HOME": str(tmp_path)})
    assert (
        r.stderr
        == f"kb: --kb {missing}: no such folder; give a folder of entries (or an entry file)\n"
    )


def test_kbtui_refuses_a_bad_kb_folder_in_chinese(tmp_path, capsys):
    from tui.app import main

    with pytest.raises(SystemExit) as stop:
        main(["--lang", "zh", "--kb", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert (
        err
        == f"kbtui：--kb {tmp_path / 'nope'}：没有这个文件夹；请给出条目所在的文件夹（或一个条目文件）\n"
    )


def test_an_entry_that_could_not_be_loaded_is_said_in_chinese(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "broken-one.md").write_text("---\nid: broken-one\nkind: faq\n---\nbody\n", "utf-8")
    r = run_kb(
        "--lang", "zh", "--kb", str(kb), "show", "broken-one", env={"KBTUI_HOME": str(tmp_path)}
    )
    assert r.returncode == 2, r
    assert "kb：条目 'broken-one' 无法加载；请先修正上面的问题" in r.stderr, r.stderr


#: what takes kb's words as its message, and which argument that is: the message of a problem
#: `kb lint` lists (kb.model.Problem, the validator's `ctx.error`/`ctx.warn`, kb.checks.targets'
#: `rd.problem`), of the errors they are made from (a YAML or front-matter error, a signature
#: the site or mtail cannot take, a --set refusal) and of a UserError
_MESSAGE_ARG = {
    "UserError": 0,
    "Words": 0,
    "say": 0,
    "error": 1,
    "warn": 1,
    "fail": 0,
    "problem": 1,
    "Problem": 2,
    "YamlError": 1,
    "FrontMatterError": 1,
    "Refused": 0,
    "Untranslatable": 0,
    "ParamError": 0,
}
#: of those, the ones that take a template and its fields (the others take Words)
_TEMPLATE_TAKERS = ("UserError", "Words", "say", "error", "warn", "fail")


def _literals(node: Any) -> list[str]:
    """The str literals a message argument may be: itself, or either branch of `a if c else b`."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value else []  # "" says nothing
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _templates_in_kb() -> tuple[list[tuple[str, int, str]], list[tuple[str, int]]]:
    """Every literal template kb raises as a UserError, hands back as Words, says through `say`
    or writes as a problem ((file, line, template)), and every message built from an f-string
    or by `+` (file, line): its words cannot be looked up in kb.i18n's table. A problem or error
    that takes Words (Problem(…), YamlError(…), Refused(…) …) given a plain literal counts too."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    templates: list[tuple[str, int, str]] = []
    fstrings: list[tuple[str, int]] = []
    for path in sorted([*(root / "kb").rglob("*.py"), root / "indexer" / "build.py"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            at = _MESSAGE_ARG.get(name or "")
            if at is None or len(node.args) <= at:
                continue
            where = str(path.relative_to(root))
            message = node.args[at]
            said = _literals(message)
            if name in _TEMPLATE_TAKERS:
                templates.extend((where, node.lineno, t) for t in said)
            elif said:  # a plain literal where kb's words are expected
                fstrings.append((where, node.lineno))
            if isinstance(message, (ast.JoinedStr, ast.BinOp)) and name != "say":
                fstrings.append((where, node.lineno))
    return templates, fstrings


def test_every_user_error_kb_can_print_has_its_chinese_words():
    """QA 33: under --lang zh the export, serve and config errors and `kb check ENTRY#typo`
    ("has no check", kb.model.checks_named) were English. A UserError is a template with the
    user's values as fields (never an f-string) and every template has a Chinese entry. So is
    every problem `kb lint` lists (the validator's, the loader's, YAML's, a check parameter's,
    config.yaml's, a signature the site or mtail leaves out) and every --set refusal: they were
    f-strings, English under --lang zh."""
    templates, fstrings = _templates_in_kb()
    assert len(templates) > 300
    assert fstrings == []
    untranslated = [t for t in templates if t[2] not in ZH_WORDS]
    assert untranslated == []


CHECKED = "rabbitmq-memory-alarm-publishers-blocked"


@pytest.mark.parametrize(
    ("argv", "zh", "en"),
    [
        (
            ["check", f"{CHECKED}#typo"],
            f"kb：check：{CHECKED} 没有名为 'typo' 的检查；它的检查有：local-alarms, alarm-log, "
            "mem-limit, not-oom-killed\n",
            f"kb: check: {CHECKED} has no check 'typo'; its checks: local-alarms, alarm-log, "
            "mem-limit, not-oom-killed\n",
        ),
        (
            ["check", "#qqq"],
            "kb：check：'#qqq' 没有指明条目：请写成 ENTRY#CHECK；请看 kb list\n",
            "kb: check: '#qqq' names no entry: write ENTRY#CHECK; see kb list\n",
        ),
        (
            ["check", CHECKED, "--target", "nowhere"],
            "kb：check：配置中没有名为 'nowhere' 的目标；已有：无（尚未配置）\n",
            "kb: check: no target named 'nowhere' in the config; known: none configured\n",
        ),
        (
            ["export", "site", "-"],
            "kb：export site：OUT 是一个文件夹，不能是 '-'；请给出文件夹，例如 ./public\n",
            "kb: export site: OUT is a folder, not '-'; give a folder, e.g. ./public\n",
        ),
        (
            ["export", "alerts", "-", "--base-url", "ftp://Kb.Example"],
            "kb：--base-url ftp://Kb.Example：必须以 http:// 或 https:// 开头\n",
            "kb: --base-url ftp://Kb.Example: must start with http:// or https://\n",
        ),
        (
            ["serve", "metrics", "--listen", "9817x"],
            "kb：--listen 9817x：请写成 地址:端口，例如 127.0.0.1:9817\n",
            "kb: --listen 9817x: use ADDR:PORT, e.g. 127.0.0.1:9817\n",
        ),
        (
            ["serve", "metrics", "--once", "--check", f"{CHECKED}#typo"],
            f"kb：--check {CHECKED}#typo：{CHECKED} 没有名为 'typo' 的检查；它的检查有："
            "local-alarms, alarm-log, mem-limit, not-oom-killed\n"
            "kb：serve metrics：所有 --check 引用都无法运行（见上）\n",
            f"kb: --check {CHECKED}#typo: {CHECKED} has no check 'typo'; its checks: "
            "local-alarms, alarm-log, mem-limit, not-oom-killed\n"
            "kb: serve metrics: none of the --check references can run (above)\n",
        ),
    ],
)
def test_check_export_and_serve_errors_are_said_in_chinese(tmp_path, argv, zh, en):
    env = {"KBTUI_HOME": str(tmp_path), **EN}
    r = run_kb("--lang", "zh", *argv, env=env)
    assert (r.returncode, r.stdout, r.stderr) == (2, "", zh)
    r = run_kb(*argv, env=env)  # English as it was
    assert (r.returncode, r.stdout, r.stderr) == (2, "", en)
    r = run_kb(*argv, env={"KBTUI_HOME": str(tmp_path), "LC_ALL": "", "LANG": "zh_CN.UTF-8"})
    assert r.stderr == zh  # the locale says it too


def test_config_errors_are_said_in_chinese(tmp_path):
    """kb.config's refusals (a config others can read, kb_paths that is no list) under --lang zh;
    the path and its `path:line` stay as editors read them."""
    home = tmp_path / "home"
    conf = home / "config" / "config.yaml"  # kb.paths.config_file under KBTUI_HOME
    conf.parent.mkdir(parents=True)
    conf.write_text("kb_paths: nope\n", encoding="utf-8")
    conf.chmod(0o600)
    env = {"KBTUI_HOME": str(home), **EN}
    r = run_kb("--lang", "zh", "list", env=env)
    assert (r.returncode, r.stderr) == (2, f"kb：{conf}:1：kb_paths 必须是文件夹路径的列表\n")
    conf.chmod(0o644)
    r = run_kb("--lang", "zh", "list", env=env)
    assert r.returncode == 2
    assert r.stderr == f"kb：{conf}：其他用户可以读取（权限 644）；请运行：chmod 600 {conf}\n"
    r = run_kb("list", env=env)
    assert r.stderr == f"kb: {conf}: readable by others (mode 644); run: chmod 600 {conf}\n"


def _parsers(parser: Any) -> list[Any]:
    """`parser` and every command parser under it (kb export site, kb serve metrics, …)."""
    import argparse

    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found.extend(_parsers(sub))
    return found


def test_every_help_text_the_parser_holds_has_its_chinese():
    """A new option, command or description without its Chinese in kb.zh.HELP_ZH fails here."""
    from kb.cli.helpformat import help_texts, kept_lines
    from kb.cli.main import build_parser
    from kb.zh import ARGPARSE_ZH, HELP_ZH
    from tui.app import build_parser as kbtui_parser

    texts = set(help_texts(build_parser()))
    assert len(texts) > 80  # every command's parser was walked, down to kb serve metrics
    # kbtui's help too, and its key table's rows (kb's example commands are kept as written)
    texts |= set(help_texts(kbtui_parser())) | set(kept_lines(kbtui_parser()))
    missing = sorted(t for t in texts if t not in HELP_ZH and t not in ARGPARSE_ZH)
    assert missing == []
    assert sorted(set(HELP_ZH) - texts) == []  # no Chinese left for a text that is gone
    for english, chinese in HELP_ZH.items():
        assert CJK.search(chinese), english
        # argparse %-formats a help string: a stray % would break `--help`
        assert "%" not in chinese, english


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_help_is_said_in_chinese_and_fits_80_columns(monkeypatch):
    """`kb --lang zh [COMMAND] --help`: the summaries, descriptions, option help, examples'
    and exit codes' headings in Chinese, wrapped by display width; English unchanged."""
    from kb.cli.helpformat import help_texts, paragraphs
    from kb.cli.main import build_parser
    from kb.cli.parser_words import speaking
    from kb.zh import ARGPARSE_ZH, HELP_ZH

    monkeypatch.setenv("COLUMNS", "80")
    with speaking("zh"):
        zh_parsers = _parsers(build_parser())
    english = _parsers(build_parser())
    assert [p.prog for p in zh_parsers] == [p.prog for p in english]
    for zh_parser, en_parser in zip(zh_parsers, english, strict=True):
        with speaking("zh"):
            zh = zh_parser.format_help()
        en = en_parser.format_help()
        examples = {line for _, line in paragraphs(en_parser.epilog or "") if line.strip()}
        for line in zh.splitlines():
            # only an example command, kept as written (English too), may be wider
            assert cell_len(line) <= 80 or line in examples, (zh_parser.prog, line)
            assert not re.fullmatch(r" *\S+:", line), (zh_parser.prog, line)  # 位置参数：
        for text in help_texts(en_parser, commands=False):
            said = HELP_ZH.get(text) or ARGPARSE_ZH[text]
            assert _flat(said) in _flat(zh), (zh_parser.prog, text)
            assert _flat(text) in _flat(en), (en_parser.prog, text)
            if len(text) > 12:
                assert _flat(text) not in _flat(zh), (zh_parser.prog, text)
        assert not CJK.search(en)
        assert "options:" in en and ("选项：" in zh)


def test_kb_help_speaks_chinese_with_lang_zh_or_a_zh_locale(tmp_path):
    home = {"KBTUI_HOME": str(tmp_path), "COLUMNS": "80"}
    for argv, env in (
        (["--lang", "zh", "--help"], EN),
        (["--help"], {"LC_ALL": "zh_CN.UTF-8"}),
        (["--help", "--lang=zh"], EN),
    ):
        r = run_kb(*argv, env={**home, **env})
        assert r.returncode == 0, r.stderr
        out = r.stdout
        for said in (
            "面向 Docker 主机",
            "位置参数：",
            "    search        搜索现象",
            "示例：",
            "退出码：",
        ):
            assert said in out, (argv, said)
        assert "Examples" not in out and "Exit codes" not in out and "位置参数:" not in out
        assert '  kb search "monotonic time"\n' in out  # the examples stay as written
    r = run_kb("--lang", "zh", "export", "site", "--help", env={**home, **EN})
    assert r.returncode == 0 and "把知识库写成静态网站" in r.stdout
    assert "  --lang {en,zh}   要导出的语言" in r.stdout
    r = run_kb("--help", env={**home, **EN})
    assert r.returncode == 0 and "Examples:\n" in r.stdout and "positional arguments:" in r.stdout
    assert not CJK.search(r.stdout)


def test_completion_offers_the_same_words_in_a_chinese_locale(tmp_path):
    home = {"KBTUI_HOME": str(tmp_path)}
    argv = ("completion", "--complete", "2", "kb", "search", "-")
    zh = run_kb(*argv, env={**home, "LC_ALL": "zh_CN.UTF-8"})
    en = run_kb(*argv, env={**home, **EN})
    assert zh.returncode == en.returncode == 0
    assert zh.stdout == en.stdout and "--limit" in zh.stdout.split()


# --- kb lint, its problems wherever they are written, config.yaml, --set, kb index / paths ---

BROKEN = """---
id: bad-one
kind: incident
title: T
summary: S
products: [emqx, emqx]
updated: 2026-12-01
foo: 1
signatures: ["(?<=x)y", "a(?i)bcd", "x\\\\Cyz"]
checks:
  - id: c1
    kind: net.tcp
    title: x
    params: {port: 99999, bogus: 1}
tree:
  start: nope
  nodes:
    a: {question: q}
---
body
"""


def _broken_kb(tmp_path: Any) -> Any:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "bad-one.md").write_text(BROKEN, encoding="utf-8")
    return kb


def test_kb_lint_says_every_problem_and_its_summary_in_chinese(tmp_path):
    """`kb --lang zh lint` listed every problem and its summary in English. The file, line, ids,
    keys, patterns and RE2's own error stay as written; --json stays English."""
    kb = _broken_kb(tmp_path)
    f = kb / "bad-one.md"
    env = {"KBTUI_HOME": str(tmp_path / "home"), **EN}
    r = run_kb("--lang", "zh", "--kb", str(kb), "lint", str(kb), env=env)
    assert (r.returncode, r.stderr) == (1, ""), r.stderr
    assert r.stdout.splitlines() == [
        f"{f}:2：错误：incident 类条目需要 symptoms：用户可能输入的简短描述",
        f"{f}:6：警告：products 中 'emqx' 出现了两次；请只保留一个",
        f"{f}:8：错误：未知字段 'foo'；允许的字段：id, kind, title, summary, products, tags, "
        "versions, updated, severity, sources, related, symptoms, signatures, checks, tree, lang",
        f"{f}:9：错误：特征行无法按 RE2 编译（invalid perl operator: (?<=）；RE2 不支持环视"
        "（lookaround）和反向引用",
        f"{f}:9：警告：特征行 'a(?i)bcd'：内联标志或分组修饰符（第 3 个字符处）没有完全等价的 "
        "JavaScript 写法；静态站点不收录它（kb search 仍会使用）",
        f"{f}:9：警告：特征行 'x\\\\Cyz'：\\C（第 4 个字符处）没有完全等价的 JavaScript 写法；"
        "静态站点不收录它（kb search 仍会使用）",
        f"{f}:9：警告：特征行 'x\\\\Cyz'：\\C（任意字节）在 Go 中没有等价写法；集群的 mtail 程序"
        "不收录它（kb search 仍会使用）",
        f"{f}:14：错误：net.tcp：参数 'port' 必须是 TCP 端口（1-65535）；当前为 99999",
        f"{f}:14：错误：net.tcp：未知参数 'bogus'；允许的参数：timeout, host, port",
        f"{f}:16：错误：排查树的起点 'nope' 不是节点；请使用其中之一：a",
        f"{f}:18：错误：问题节点 'a' 至少需要两个选项",
        "已检查 1 个条目：7 个错误，4 个警告",
    ]
    en = run_kb("--kb", str(kb), "lint", str(kb), env=env)
    assert en.returncode == 1 and not CJK.search(en.stdout)
    lines = en.stdout.splitlines()
    assert lines[0] == f"{f}:2: error: an incident needs symptoms: short phrases a user would type"
    assert lines[-1] == "1 entry checked: 7 errors, 4 warnings"
    import json

    zh_json = run_kb("--lang", "zh", "--kb", str(kb), "lint", "--json", str(kb), env=env)
    en_json = run_kb("--kb", str(kb), "lint", "--json", str(kb), env=env)
    assert zh_json.stdout == en_json.stdout  # machine-readable: English, as kb search --json
    assert json.loads(zh_json.stdout)["problems"][0]["message"] == (
        "an incident needs symptoms: short phrases a user would type"
    )


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        (
            "id: x\n",
            "文件必须以 '---' 行开头，用来开始 YAML front-matter",
            "file must start with a '---' line opening the YAML front-matter",
        ),
        (
            "---\nid: x\nid: y\n---\n",
            "键 'id' 重复（第一次出现在第 2 行）；请只保留一个",
            "duplicate key 'id' (first at line 2); keep one",
        ),
        (
            "---\nid: yy\nkind: faq\ntitle: t\nsummary: s\nproducts: [emqx]\nupdated: 2026-1-1\n---\nb\n",
            "'updated' 必须是 YYYY-MM-DD 格式的日期，当前为 '2026-1-1'",
            "'updated' must be a date YYYY-MM-DD, got '2026-1-1'",
        ),
    ],
)
def test_yaml_and_front_matter_problems_are_said_in_chinese(tmp_path, text, zh, en):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "yy.md").write_text(text, encoding="utf-8")
    env = {"KBTUI_HOME": str(tmp_path / "home"), **EN}
    r = run_kb("--lang", "zh", "--kb", str(kb), "lint", str(kb), env=env)
    assert r.returncode == 1 and f"：错误：{zh}\n" in r.stdout, r.stdout
    r = run_kb("--kb", str(kb), "lint", str(kb), env=env)
    assert r.returncode == 1 and f": error: {en}\n" in r.stdout, r.stdout


def test_problems_read_back_from_the_index_are_said_in_chinese(tmp_path):
    """`kb search` warns about the entries that could not be loaded: the second run reads them
    from the index (its problem rows), where the English used to be all that was kept."""
    kb = _broken_kb(tmp_path)
    env = {"KBTUI_HOME": str(tmp_path / "home"), **EN}
    said = "kb：" + f"{kb / 'bad-one.md'}:2：错误：incident 类条目需要 symptoms"
    for _ in range(2):  # built, then read back
        r = run_kb("--lang", "zh", "--kb", str(kb), "search", "tcp", env=env)
        assert said in r.stderr, r.stderr
    r = run_kb("--kb", str(kb), "search", "tcp", env=env)
    assert f"kb: {kb / 'bad-one.md'}:2: error: an incident needs symptoms" in r.stderr


def test_problem_rows_keep_their_words_and_old_rows_stay_english():
    from indexer.store import problems_from_json, problems_to_json
    from kb.i18n import problem_line
    from kb.model import Problem
    from kb.words import Words

    words = Words(
        "{kind}: parameter {name!r} {wrong}",
        kind="net.tcp",
        name="port",
        wrong=Words("must be a TCP port, 1-65535; got {value}", value=99999),
    )
    back = problems_from_json(problems_to_json([Problem("a.md", 3, words)]))[0]
    assert back == Problem("a.md", 3, str(words))
    assert problem_line(back, "zh") == (
        "a.md:3：错误：net.tcp：参数 'port' 必须是 TCP 端口（1-65535）；当前为 99999"
    )
    old = problems_from_json([["a.md", 3, "some English", "warning"]])[0]
    assert problem_line(old, "zh") == "a.md:3：警告：some English"


def test_mtail_export_says_what_it_left_out_in_chinese(tmp_path):
    kb = _broken_kb(tmp_path)
    env = {"KBTUI_HOME": str(tmp_path / "home"), **EN}
    r = run_kb("--lang", "zh", "--kb", str(kb), "export", "mtail", "-", env=env)
    line = f"{kb / 'bad-one.md'}:9：警告：bad-one 的特征行 'x\\\\Cyz' 未收录：\\C（任意字节）在 Go 中没有等价写法"
    assert line in r.stderr.splitlines(), r.stderr
    r = run_kb("--kb", str(kb), "export", "mtail", "-", env=env)
    english = (
        f"{kb / 'bad-one.md'}:9: warning: signature 'x\\\\Cyz' of bad-one left out: \\C (any byte) "
        "has no Go equivalent"
    )
    assert english in r.stderr.splitlines(), r.stderr


@pytest.mark.parametrize(
    ("sets", "zh", "en"),
    [
        (
            "noequals",
            "kb：check：--set 'noequals'：请写成 --set NAME=VALUE\n",
            "kb: check: --set 'noequals': use --set NAME=VALUE\n",
        ),
        (
            "tail=-5",
            "kb：check：--set：docker.logs：参数 'tail' 必须在 1 到 100000 之间；当前为 -5\n",
            "kb: check: --set: docker.logs: parameter 'tail' must be between 1 and 100000; "
            "got -5\n",
        ),
        (
            'tail="12"',
            "kb：check：--set：docker.logs：参数 'tail' 必须是整数，当前为 str '12'；请去掉引号\n",
            "kb: check: --set: docker.logs: parameter 'tail' must be an integer, got str '12'; "
            "write it without quotes\n",
        ),
    ],
)
def test_set_refusals_are_said_in_chinese(tmp_path, sets, zh, en):
    argv = ("check", CHECKED, "--set", sets)
    env = {"KBTUI_HOME": str(tmp_path), **EN}
    r = run_kb("--lang", "zh", *argv, env=env)
    assert (r.returncode, r.stdout, r.stderr) == (2, "", zh)
    r = run_kb(*argv, env=env)
    assert (r.returncode, r.stdout, r.stderr) == (2, "", en)


def test_set_naming_no_parameter_is_said_in_chinese(tmp_path):
    r = run_kb(
        "--lang",
        "zh",
        "check",
        CHECKED,
        "--set",
        "bogus=1",
        env={"KBTUI_HOME": str(tmp_path), **EN},
    )
    assert r.returncode == 2
    assert r.stderr.startswith(
        "kb：check：--set bogus：所选的检查都没有这个参数；已有的参数：allow_oom, "
    )


CONFIG = """bogus: 1
docker_hosts:
  - name: a
    url: tcp://10.0.0.1
brokers:
  - name: b
    kind: emqx
    ports: {mqtt: 0}
"""


def test_config_yaml_warnings_are_said_in_chinese(tmp_path):
    home = tmp_path / "home"
    conf = home / "config" / "config.yaml"
    conf.parent.mkdir(parents=True)
    conf.write_text(CONFIG, encoding="utf-8")
    conf.chmod(0o600)
    env = {"KBTUI_HOME": str(home), **EN}
    r = run_kb("--lang", "zh", "paths", env=env)
    assert r.returncode == 0
    assert r.stdout.splitlines()[-4:] == [
        "配置问题（修正之前不会使用这些目标）：",
        f"  {conf}:1：警告：未知的键 'bogus'；已知的键：kb_paths, docker_hosts, brokers",
        f"  {conf}:4：错误：docker_hosts[0] (a)：url 'tcp://10.0.0.1' 没有端口：Docker 需要端口"
        "（tcp://HOST:PORT；2375，使用 TLS 时为 2376）；请写成 tcp://10.0.0.1:2375",
        f"  {conf}:8：错误：brokers[0] (b)：ports.mqtt 必须是 1 到 65535 之间的端口号",
    ]
    r = run_kb("--lang", "zh", "check", CHECKED, "--target", "a", env=env)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"kb：{conf}:1：警告：未知的键 'bogus'；已知的键：kb_paths, docker_hosts, brokers",
        f"kb：{conf}:8：错误：brokers[0] (b)：ports.mqtt 必须是 1 到 65535 之间的端口号",
        f"kb：check：目标 'a' 在配置中，但无法使用：{conf}:4：docker_hosts[0] (a)：url "
        "'tcp://10.0.0.1' 没有端口：Docker 需要端口（tcp://HOST:PORT；2375，使用 TLS 时为 2376）；"
        "请写成 tcp://10.0.0.1:2375",
    ]
    r = run_kb("paths", env=env)  # English as it was
    assert r.stdout.splitlines()[-3:-1] == [
        f"  {conf}:1: warning: unknown key 'bogus'; known: kb_paths, docker_hosts, brokers",
        f"  {conf}:4: error: docker_hosts[0] (a): url 'tcp://10.0.0.1' has no port: Docker needs "
        "one (tcp://HOST:PORT; 2375, or 2376 with TLS); write tcp://10.0.0.1:2375",
    ]
    assert "config problems (these targets are not used until fixed):" in r.stdout


def test_index_and_paths_status_lines_are_said_in_chinese(tmp_path):
    env = {"KBTUI_HOME": str(tmp_path), "KB_PATH": str(tmp_path / "nowhere"), **EN}
    r = run_kb("--lang", "zh", "index", "--rebuild", env=env)
    assert r.returncode == 0 and r.stdout.startswith("索引已重建：") and "秒，位于 " in r.stdout
    r = run_kb("--lang", "zh", "index", env=env)
    assert r.returncode == 0 and r.stdout.startswith("索引已更新（重新读取了 0 个条目）：")
    r = run_kb("index", env=env)
    assert r.stdout.startswith("index updated (0 entries re-read): ")
    r = run_kb("--lang", "zh", "paths", env=env)
    assert "kb_sources（按优先级从低到高）：\n" in r.stdout
    assert f"  {tmp_path / 'nowhere'}  （不存在）\n" in r.stdout
    assert "config_file:" in r.stdout  # the keys are the --json keys
    r = run_kb("paths", env=env)
    assert "kb_sources (lowest precedence first):\n" in r.stdout
    assert f"  {tmp_path / 'nowhere'}  (missing)\n" in r.stdout


def test_kbtui_help_is_said_in_chinese_like_kb_help(capsys, monkeypatch):
    """`kbtui --lang zh --help` said only argparse's own words (用法, 选项) in Chinese."""
    from tui.app import main

    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        main(["--lang", "zh", "--help"])
    out = capsys.readouterr().out
    for said in (
        "终端里的故障排查知识库。",
        "选项：",
        "  --version       显示版本号并退出",
        "  --kb PATH       额外的知识库文件夹（可重复）",
        "常用按键：",
        "  Esc / q         返回（Esc 先清空搜索框）                F2  首页   ctrl+q  退出",
        "示例：",
        "  kbtui --lang zh                整个应用显示中文",
    ):
        assert said in out.splitlines(), said
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    with pytest.raises(SystemExit):
        main(["--help"])
    assert capsys.readouterr().out == out  # a zh locale says it too
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    with pytest.raises(SystemExit):
        main(["--help"])
    en = capsys.readouterr().out
    assert not CJK.search(en.replace("English/中文", ""))
    assert "main keys:\n  type / paste    search as you type;" in en
    # a row of the key table is no wider in Chinese than in English (two columns a character)
    assert max(map(cell_len, out.splitlines())) <= max(map(cell_len, en.splitlines()))

"""`--lang zh` reaches the command line's own words, not only the entries' text (QA: `kb --lang zh
search` said "nothing found" in English, `kb check` printed English hints and statuses)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.cells import cell_len

from kb.cjk import RANGES
from kb.i18n import ZH_WORDS, say, status_label
from kb.model import STATUSES
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


def _templates_in_kb() -> tuple[list[tuple[str, int, str]], list[tuple[str, int]]]:
    """Every literal template kb raises as a UserError, hands back as Words or says through
    `say` ((file, line, template)), and every UserError built from an f-string (file, line):
    an f-string's words cannot be looked up in kb.i18n's table."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    templates: list[tuple[str, int, str]] = []
    fstrings: list[tuple[str, int]] = []
    for path in sorted((root / "kb").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in ("UserError", "Words", "say"):
                continue
            where = str(path.relative_to(root))
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                templates.append((where, node.lineno, first.value))
            elif isinstance(first, ast.JoinedStr) and name == "UserError":
                fstrings.append((where, node.lineno))
    return templates, fstrings


def test_every_user_error_kb_can_print_has_its_chinese_words():
    """QA 33: under --lang zh the export, serve and config errors and `kb check ENTRY#typo`
    ("has no check", kb.model.checks_named) were English. A UserError is a template with the
    user's values as fields (never an f-string) and every template has a Chinese entry."""
    templates, fstrings = _templates_in_kb()
    assert len(templates) > 60
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
    """A new option, command or description without its Chinese in kb.i18n.HELP_ZH fails here."""
    from kb.cli.helpformat import help_texts
    from kb.cli.main import build_parser
    from kb.i18n import ARGPARSE_ZH, HELP_ZH

    texts = set(help_texts(build_parser()))
    assert len(texts) > 80  # every command's parser was walked, down to kb serve metrics
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
    from kb.i18n import ARGPARSE_ZH, HELP_ZH

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

"""`--lang zh` reaches the command line's own words, not only the entries' text (QA: `kb --lang zh
search` said "nothing found" in English, `kb check` printed English hints and statuses)."""

from __future__ import annotations

from rich.cells import cell_len

from kb.i18n import ZH_WORDS, say, status_label
from kb.model import STATUSES
from tests.helpers import run_kb


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

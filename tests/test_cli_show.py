"""`kb show`: what people copy out of it (commands whole, no padding), trees, languages."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from helpers import REPO, entry_text, read_pty, run_kb

LONG_CMD = (
    "docker network inspect -f '{{.Name}} {{range .IPAM.Config}}{{.Subnet}}{{end}}' "
    "$(docker network ls -q) | sort -k2 | awk '{print $1, $2}' | column -t"
)
INDENTED_CMD = (
    "docker logs --since 1h mosquitto 2>&1 | grep 'exceeded timeout' | awk '{print $1}' "
    "| uniq -c | sort -rn | head"
)
WIDE_BODY = f"""## How to confirm

A paragraph of prose that is long enough to be wrapped at the console width, so that the test can
see prose wrapped while the command below is left whole, exactly as the entry wrote it down.

```sh
{LONG_CMD}
ip route
```

1. Count the timeouts per client:

   ```sh
   {INDENTED_CMD}
   ```

> A quote with a command:
>
> ```
> {LONG_CMD}
> ```
"""
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _wide_kb(make_kb):
    return make_kb({"docker/sample-entry.md": entry_text(body=WIDE_BODY)})


def _assert_commands_whole(out: str) -> None:
    lines = out.splitlines()
    assert [ln for ln in lines if ln != ln.rstrip()] == [], "a line has trailing blanks"
    # each command on one line, as written (indentation before it is fine)
    assert sum(ln.strip() == LONG_CMD for ln in lines) == 1, out
    assert sum(ln.strip() == INDENTED_CMD for ln in lines) == 1, out
    assert sum(ln.endswith(LONG_CMD) and "▌" in ln for ln in lines) == 1, out
    assert not any(ln.strip() == "$(docker network ls -q)" for ln in lines)


def test_piped_show_keeps_commands_whole_and_has_no_padding(make_kb):
    out = run_kb("--kb", str(_wide_kb(make_kb)), "show", "sample-entry", env={"COLUMNS": ""})
    assert out.returncode == 0, out.stderr
    _assert_commands_whole(out.stdout)
    # prose still wraps at a readable width when piped (80 columns, as man does)
    prose = [ln for ln in out.stdout.splitlines() if ln.startswith("A paragraph")]
    assert prose and all(len(ln) <= 80 for ln in prose), out.stdout


def test_piped_show_of_a_bundled_entry_keeps_its_long_command():
    out = run_kb("show", "docker-address-pools-exhausted", env={"COLUMNS": ""})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    want = "docker network inspect -f '{{.Name}} {{range .IPAM.Config}}{{.Subnet}}{{end}}' $(docker network ls -q)"
    assert want in [ln.strip() for ln in lines], out.stdout
    assert [ln for ln in lines if ln != ln.rstrip()] == []


def test_show_in_an_80_column_terminal_keeps_commands_whole(make_kb):
    """In a real terminal (a pty 80 columns wide, colours on) code is not wrapped either."""
    root = _wide_kb(make_kb)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb.cli.main", "--kb", str(root), "show", "sample-entry"],
        stdout=slave,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    os.close(slave)
    output = read_pty(master)
    assert proc.wait(30) == 0, proc.stderr.read() if proc.stderr else ""
    os.close(master)
    raw = output.decode()
    assert "\x1b[" in raw  # it did think it was on a terminal
    _assert_commands_whole(ANSI.sub("", raw.replace("\r\n", "\n")))


TREE = """checks:
  - {id: up, kind: net.tcp, title: The port answers, params: {host: 127.0.0.1, port: 1883}}
tree:
  start: q
  nodes:
    q:
      question: Does the broker answer on 1883?
      check: up
      options:
        - {label: "Yes", when: [pass], goto: auth}
        - {label: "No", when: [fail, error], goto: down}
    auth:
      question: Is the client refused with "not authorised"?
      options:
        - {label: "Yes", goto: creds}
        - {label: "No, it times out", goto: down}
    creds:
      conclusion: The credentials are wrong.
      fix: |-
        Reset the password:

        ```sh
        mosquitto_passwd -b /mosquitto/config/passwd app 'a-new-password-that-is-long-enough-to-pass-eighty-columns-on-its-own'
        ```
      entry: other-entry
    down:
      conclusion: The broker is down; start it.
"""
TREE_ZH = """---
id: sample-entry
lang: zh
title: 示例
summary: 一行。
checks:
  up: 端口有应答
tree:
  q:
    question: Broker 在 1883 上有应答吗？
    options: [有, 没有]
  down:
    conclusion: Broker 没有运行；启动它。
---
正文
"""


def _tree_kb(make_kb):
    return make_kb(
        {
            "a/sample-entry.md": entry_text(kind="tree", extra=TREE),
            "a/sample-entry.zh.md": TREE_ZH,
            "a/other-entry.md": entry_text("other-entry"),
        }
    )


def _outline(stdout: str, head: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(head))
    # the outline ends at a blank line before an unindented one (a fix may hold blank lines)
    end = start + 1
    while end < len(lines) and not (
        lines[end] == "" and (end + 1 == len(lines) or not lines[end + 1].startswith(" "))
    ):
        end += 1
    return lines[start + 1 : end]


def test_show_prints_a_tree_as_an_outline_with_node_ids(make_kb):
    out = run_kb("--kb", str(_tree_kb(make_kb)), "show", "sample-entry", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert _outline(out.stdout, "Decision tree (4 nodes") == [
        "[q] Does the broker answer on 1883?",
        "  check: kb check sample-entry#up",
        "  • Yes  (check pass)",
        '    [auth] Is the client refused with "not authorised"?',
        "      • Yes",
        "        [creds] Conclusion: The credentials are wrong.",
        "          Fix:",
        "            Reset the password:",
        "",
        # the command in the fix stays on one line
        "              mosquitto_passwd -b /mosquitto/config/passwd app"
        " 'a-new-password-that-is-long-enough-to-pass-eighty-columns-on-its-own'",
        "          Entry: kb show other-entry",
        "      • No, it times out",
        "        → see [down] below",
        "  • No  (check fail, error)",
        # reached from two options: written out once, where reading order first meets it
        "    [down] Conclusion: The broker is down; start it.",
    ]


def test_show_tree_outline_in_chinese_and_json(make_kb):
    root = _tree_kb(make_kb)
    out = run_kb("--kb", str(root), "show", "sample-entry", "--lang", "zh")
    assert out.returncode == 0, out.stderr
    outline = _outline(out.stdout, "决策树（4 个节点")
    assert outline[0] == "[q] Broker 在 1883 上有应答吗？"
    assert "  • 有（检查 pass）" in outline
    assert "        → 见下文 [down]" in outline
    assert "    [down] 结论: Broker 没有运行；启动它。" in outline
    # untranslated nodes stay English, beside the Chinese ones
    assert "        [creds] 结论: The credentials are wrong." in outline
    data = json.loads(run_kb("--kb", str(root), "show", "sample-entry", "--json").stdout)
    assert data["tree"]["start"] == "q"
    assert data["tree"]["nodes"]["q"]["options"][1] == {
        "label": "No",
        "goto": "down",
        "when": ["fail", "error"],
    }
    assert data["translations"]["zh"]["tree"]["q"]["options"] == ["有", "没有"]


def test_show_in_chinese_of_an_entry_without_a_chinese_version_says_so(make_kb):
    root = make_kb({"a/sample-entry.md": entry_text(title="An odd entry")})
    out = run_kb("--kb", str(root), "show", "sample-entry", "--lang", "zh")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("An odd entry\n")
    assert out.stderr == "kb: sample-entry 暂无中文版，以下为英文原文\n"
    data = json.loads(
        run_kb("--kb", str(root), "show", "sample-entry", "--lang", "zh", "--json").stdout
    )
    assert data["shown_lang"] == "en" and data["languages"] == ["en"]
    # translated, or asked for in English: no note, and the JSON says which language was shown
    for lang, shown in (("zh", "zh"), ("en", "en")):
        out = run_kb("show", "emqx-monotonic-time-stepped-backwards", "--lang", lang)
        assert out.returncode == 0 and out.stderr == "", out.stderr
        data = json.loads(
            run_kb("show", "emqx-monotonic-time-stepped-backwards", "--lang", lang, "--json").stdout
        )
        assert data["shown_lang"] == shown


def test_show_of_a_very_deep_tree_neither_crashes_nor_runs_away(make_kb):
    """Review: a 1 050-level chain ended in RecursionError (internal error), and a 790-level one
    printed 5 MB of indentation. Deep trees continue from the margin (so recursion is bounded
    too; a chain deep enough to hit the recursion limit exceeds the 64 KiB front-matter cap)."""
    n = 300
    nodes = "".join(
        f"    n{i}:\n      question: Step {i}?\n      options:\n"
        f"        - {{label: 'Go on', goto: n{i + 1}}}\n        - {{label: 'Stop', goto: end}}\n"
        for i in range(n)
    )
    nodes += f"    n{n}:\n      conclusion: The last step.\n    end:\n      conclusion: Stopped.\n"
    root = make_kb(
        {
            "a/sample-entry.md": entry_text(
                kind="tree", extra=f"tree:\n  start: n0\n  nodes:\n{nodes}"
            )
        }
    )
    r = run_kb("--kb", str(root), "show", "sample-entry", timeout=120)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-500:]
    assert "[n299] Step 299?" in r.stdout and "[n300]" in r.stdout
    assert max(len(line) - len(line.lstrip()) for line in r.stdout.splitlines()) <= 200
    assert len(r.stdout) < 1_000_000


def test_show_json_carries_severity_and_primary_signatures():
    """Audit: `kb show --json` ("every front-matter field") left out `severity` and which
    signatures are primary."""
    import json

    out = run_kb("show", "mosquitto-websockets-oom-allocating-fds", "--json")
    data = json.loads(out.stdout)
    assert data["severity"] == "critical"
    assert data["primary_signatures"] == [r"OOM allocating \d+ fds"]
    assert set(data["primary_signatures"]) <= set(data["signatures"])


def test_chinese_prose_breaks_between_characters_not_only_at_spaces():
    """Rich breaks at spaces only: a Chinese run moved whole to the next line (leaving half a
    line empty) and `。` could start a line. kb show breaks between CJK characters, like the TUI."""
    from rich.cells import cell_len

    out = run_kb(
        "--lang", "zh", "show", "emqx-monotonic-time-stepped-backwards", env={"COLUMNS": "60"}
    ).stdout
    lines = out.splitlines()
    assert not [ln for ln in lines if ln.lstrip()[:1] in tuple("。，、）：；")], out
    # inside a bullet, a line followed by more Chinese prose of the same bullet is nearly full
    short = [
        a
        for a, b in zip(lines, lines[1:], strict=False)
        if b.startswith("   ")
        and not b.startswith("     ")
        and a.strip()
        and re.match(r"[\u4e00-\u9fff]", b.strip())
        and cell_len(a) < 50
    ]
    assert not short, short
    # the swap of Rich's line divider is undone after rendering
    import io

    import rich._wrap
    import rich.text
    from rich.console import Console

    from kb.cli.terminal import print_markdown

    console = Console(file=io.StringIO(), width=40)
    print_markdown(console, "容器跑了十分钟左右自己就停了，日志里只有一行 OS monotonic time。" * 3)
    assert rich.text.divide_line is rich._wrap.divide_line
    assert max(cell_len(ln) for ln in console.file.getvalue().splitlines()) <= 40


def test_show_into_a_reader_that_goes_away_exits_0(make_kb, tmp_path):
    """QA: `kb show ID | head -1` exited 1 (Rich's Console exits 1 on a broken pipe before kb's
    own handler, which exits 0 as for every other command, could run)."""
    body = "".join(f"Paragraph {i} about the failure.\n\n" for i in range(6000))
    root = make_kb({"a/sample-entry.md": entry_text(body=body)})
    env = {**os.environ, "KBTUI_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO)}
    # the exit status of kb itself, not of head
    proc = subprocess.run(
        [
            "bash",
            "-c",
            f'"$0" -m kb.cli.main --kb {root} show sample-entry | head -1 >/dev/null;'
            ' echo "${PIPESTATUS[0]}"',
            sys.executable,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert proc.stdout == "0\n" and proc.stderr == "", proc


def test_no_line_starts_with_closing_punctuation_even_after_a_space():
    """`设置 X ，或者` broke before ， because a space came first (the space rule won)."""
    from kb.cli.linebreak import break_offsets

    text = "在运行 kb 的环境中设置 AMQP_USERNAME ，或者指定保存凭据的环境变量"
    for width in range(20, 45):
        cuts = [0, *break_offsets(text, width), len(text)]
        lines = [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
        assert not [ln for ln in lines[1:] if ln.lstrip()[:1] == "，"], (width, lines)


def test_show_says_a_kb_path_folder_is_missing_like_every_command(tmp_path):
    """QA: `KB_PATH=~/my-kbb kb show ID` (a typo) said only 'no entry …'; search, list, check
    and the rest print that the folder does not exist."""
    missing = tmp_path / "my-kbb"
    for entry in ("emqx-monotonic-time-stepped-backwards", "qa-my-own-entry"):
        r = run_kb("show", entry, env={"KB_PATH": str(missing)})
        assert f"{missing}:0: error: KB folder does not exist" in r.stderr, r.stderr

"""`kb` builds only the parser of the command it runs (start-up time): that parser answers
exactly as the full one, and anything unclear (help, unknown words) gets the full parser."""

from __future__ import annotations

import contextlib
import io

import pytest

from kb.cli.main import COMMANDS, build_parser, command_in


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["search", "monotonic time"], "search"),
        (["--kb", "search", "show", "x"], "show"),  # a folder named like a command
        (["--kb=./kb", "--lang", "zh", "--debug", "list"], "list"),
        (["--k", "search", "lint"], "lint"),  # an abbreviated --kb takes its value too
        (["--lang=en", "index", "--rebuild"], "index"),
        (["search", "--kb", "list", "x"], "search"),
        ([], None),
        (["--help"], None),
        (["--version"], None),
        (["-h", "search"], None),
        (["--bogus", "search"], None),
        (["serach", "x"], None),  # a typo: the full parser names the commands
        (["--", "search"], None),
        (["--kb"], None),
    ],
)
def test_command_in(argv, command):
    assert command_in(argv) == command


def _outcome(parser, argv):
    out, err = io.StringIO(), io.StringIO()
    code = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            ns = parser.parse_args(argv)
        except SystemExit as exc:
            code, ns = exc.code, None
    parsed = None if ns is None else {k: v for k, v in vars(ns).items() if k != "func"}
    return code, out.getvalue(), err.getvalue(), parsed


@pytest.mark.parametrize("name", COMMANDS)
def test_one_command_parser_answers_as_the_full_one(name):
    for argv in ([name, "--help"], [name, "--no-such-option"], [name]):
        assert _outcome(build_parser(only=name), argv) == _outcome(build_parser(), argv)


def test_kb_search_parses_like_before():
    argv = ["--kb", "/tmp/x", "search", "-p", "emqx", "--json", "monotonic", "time"]
    assert _outcome(build_parser(only=command_in(argv)), argv) == _outcome(build_parser(), argv)
    assert build_parser(only="search").parse_args(argv).func is not None


@pytest.mark.parametrize(
    "fmt",
    [
        ["site", "out"],
        ["mtail", "out"],
        ["alerts", "a.yml", "--base-url", "https://kb.example.com/"],
    ],
)
def test_every_export_takes_kb_and_debug_after_the_command(fmt):
    """Audit: `kb export site OUT --kb DIR` was refused (unrecognized arguments) while mtail,
    alerts and every other command take the global options after the command."""
    args = build_parser().parse_args(["export", *fmt, "--kb", "team-kb", "--debug"])
    assert args.kb == ["team-kb"] and args.debug is True


def test_python_dash_m_kb_is_the_kb_command(tmp_path):
    """`python -m kb` runs the same command as the `kb` script: its output and its exit code."""
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "KBTUI_HOME": str(tmp_path), "LANG": "C.UTF-8"}
    version = subprocess.run(
        [sys.executable, "-m", "kb", "--version"], capture_output=True, text=True, env=env
    )
    assert version.returncode == 0 and version.stdout.startswith("kb ")
    typo = subprocess.run(
        [sys.executable, "-m", "kb", "serach", "x"], capture_output=True, text=True, env=env
    )
    assert typo.returncode == 2 and "kb:" in typo.stderr

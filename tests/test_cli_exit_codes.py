"""Exit codes are distinct per meaning, and README and `kb --help` list the same ones."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from kb import errors
from kb.checks.base import CheckResult
from kb.checks.runner import exit_code
from kb.cli import main as cli_main
from tests.helpers import REPO, entry_text, read_pty, run_kb


def _result(status: str) -> CheckResult:
    return CheckResult(check="c", kind="net.tcp", title="t", status=status, summary="s")


def test_a_bug_exits_70_with_one_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import kb.cli.paths

    def boom(args: object) -> int:
        raise KeyError("surprise")

    monkeypatch.setattr(kb.cli.paths, "run", boom)
    assert cli_main.main(["paths"]) == errors.EXIT_INTERNAL == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kb: internal error: KeyError")
    assert "--debug" in err


def test_a_bug_with_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import kb.cli.paths

    def boom(args: object) -> int:
        raise KeyError("surprise")

    monkeypatch.setattr(kb.cli.paths, "run", boom)
    with pytest.raises(KeyError):
        cli_main.main(["paths", "--debug"])


def test_check_statuses_map_to_distinct_codes() -> None:
    assert exit_code([_result("pass"), _result("skip")]) == 0
    assert exit_code([_result("pass"), _result("warn")]) == 1
    assert exit_code([_result("fail")]) == 1
    assert exit_code([_result("fail"), _result("error")]) == errors.EXIT_COULD_NOT_RUN == 3
    codes = {
        errors.EXIT_OK,
        errors.EXIT_PROBLEM,
        errors.EXIT_USAGE,
        errors.EXIT_COULD_NOT_RUN,
        errors.EXIT_INTERNAL,
        errors.EXIT_INTERRUPTED,
    }
    assert len(codes) == 6


def test_usage_error_exits_2() -> None:
    out = run_kb("show")
    assert out.returncode == errors.EXIT_USAGE
    assert out.stderr.count("\n") == 1


def test_help_and_readme_document_every_code() -> None:
    help_text = " ".join(run_kb("--help").stdout.split())
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    for code, meaning in ((3, "a check could not run"), (70, "internal error")):
        assert re.search(rf"\b{code}\b[^;.]*{meaning}", help_text), help_text
        assert re.search(rf"\b{code}\b[^;.]*{meaning}", readme)


def test_an_output_path_that_cannot_be_written_is_a_one_line_usage_error(tmp_path):
    """A file or folder the command is told to write that cannot be: one line naming the path
    as given, exit 2, never "internal error"; --junit is looked at before the checks run."""
    r = run_kb("check", "emqx-unknown-clients-censys", "--junit", str(tmp_path / "no" / "x.xml"))
    assert r.returncode == 2, r
    assert (
        r.stderr.strip()
        == f"kb: --junit {tmp_path / 'no' / 'x.xml'}: the folder {tmp_path / 'no'} does not exist"
    )
    assert r.stdout == ""  # no check ran
    r = run_kb("check", "emqx-unknown-clients-censys", "--junit", str(tmp_path))
    assert r.returncode == 2 and "is a folder" in r.stderr, r
    r = run_kb("export", "site", "/proc/kbtui-site")  # /proc takes no new files, even for root
    assert r.returncode == 2, r
    assert r.stderr.strip() == "kb: cannot use /proc/kbtui-site: No such file or directory", r
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run_kb("export", "mtail", str(blocker / "sub"))
    assert r.returncode == 2 and r.stderr.startswith(f"kb: cannot use {blocker}"), r
    assert "internal error" not in r.stderr


def test_a_file_in_the_way_of_an_output_folder_is_a_one_line_usage_error(tmp_path):
    """QA: a regular file where an output folder must be (the target itself or a folder of its
    path) ended in "internal error: FileExistsError", exit 70; a folder given for the alerts file
    was named by the temporary file beside it; --junit under a file said the folder was missing."""
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    base = ("--base-url", "https://kb.example.com/")
    for args in (
        ("export", "mtail", str(blocker)),
        ("export", "site", str(blocker / "site"), "--no-search"),
        ("export", "alerts", str(blocker / "x.yml"), *base),
    ):
        r = run_kb(*args)
        assert r.returncode == 2, (args, r)
        assert r.stderr.strip() == f"kb: cannot use {blocker}: it is a file, not a folder", r
    r = run_kb("export", "alerts", str(tmp_path), *base)
    assert r.returncode == 2 and r.stderr.strip() == (
        f"kb: cannot use {tmp_path}: is a folder; give a file name"
    ), r
    r = run_kb("check", "emqx-unknown-clients-censys", "--junit", str(blocker / "x.xml"))
    assert r.returncode == 2 and r.stderr.strip().endswith(f"{blocker} is a file, not a folder"), r


def test_a_kb_folder_that_does_not_exist_is_never_silently_dropped(tmp_path):
    """QA: `kb --kb /typo export site` exported the bundled KB alone and exited 0, and a
    mistyped KB_PATH folder was a warning nobody saw: a CI job would publish or lint without the
    team's entries and pass. A --kb typed on the line is refused; KB_PATH's and the config's
    folders are problems every command prints, and lint fails on them."""
    missing = tmp_path / "team-kb"
    r = run_kb("--kb", str(missing), "export", "site", str(tmp_path / "site"), "--no-search")
    assert r.returncode == 2, r
    assert r.stderr.strip() == (
        f"kb: --kb {missing}: no such folder; give a folder of entries (or an entry file)"
    )
    assert not (tmp_path / "site").exists()
    env = {"KB_PATH": str(missing), "KBTUI_HOME": str(tmp_path / "home")}
    r = run_kb("search", "monotonic time", env=env)
    assert r.returncode == 0 and f"{missing}:0: error: KB folder does not exist" in r.stderr, r
    r = run_kb("lint", env=env)
    assert r.returncode == 1 and "1 error," in r.stdout, r


def test_binary_input_is_refused_by_diagnose_as_by_search(tmp_path):
    """QA: 50 MB of random bytes got "No entry's signature matches this log" after seconds."""
    blob = tmp_path / "blob"
    blob.write_bytes(bytes(range(256)) * 64)
    r = run_kb("diagnose", str(blob))
    assert r.returncode == 2, r
    assert r.stderr.strip() == f"kb: {blob}: not text (binary data); give a log file or - for stdin"
    r = subprocess.run(
        [sys.executable, "-m", "kb.cli.main", "diagnose", "-"],
        input=blob.read_bytes(),
        capture_output=True,
        cwd=REPO,
    )
    assert r.returncode == 2 and b"stdin: not text" in r.stderr, r


def test_an_entry_that_failed_to_load_is_not_suggested_as_itself(tmp_path):
    """QA: `kb show latin-one` (its file is not UTF-8) printed "no entry 'latin-one'; did you
    mean: latin-one"."""
    (tmp_path / "latin-one.md").write_bytes(b"---\nid: latin-one\ntitle: caf\xe9\n---\nbody\n")
    r = run_kb("--kb", str(tmp_path), "show", "latin-one")
    assert r.returncode == 2, r
    assert "did you mean" not in r.stderr
    assert "latin-one.md:3: error: not valid UTF-8" in r.stderr
    assert r.stderr.strip().endswith(
        "kb: entry 'latin-one' could not be loaded; fix the problem above ('kb lint' lists every"
        " problem)"
    )


def test_a_filter_value_no_entry_has_is_named_with_the_known_ones():
    """`-p rabbit` (not a product here) used to look like "nothing found" (and `kb list` printed
    nothing at all): a usage error naming it and the known values, exit 2."""
    r = run_kb("search", "memory alarm", "-p", "rabbit")
    assert r.returncode == 2 and r.stderr.startswith(
        "kb: no product 'rabbit' in this knowledge base; known: "
    )
    assert "rabbitmq" in r.stderr
    r = run_kb("list", "-t", "nosuch")
    assert r.returncode == 2 and r.stderr.startswith("kb: no tag 'nosuch' in this knowledge base")
    r = run_kb("list", "-p", "RabbitMQ", "--ids")  # filters compare in lower case
    assert r.returncode == 0 and "rabbitmq-memory-alarm-publishers-blocked" in r.stdout.split()


def test_show_takes_an_id_in_capitals_and_names_ids_holding_a_word():
    r = run_kb("show", "EMQX-MONOTONIC-TIME-STEPPED-BACKWARDS")
    assert r.returncode == 0 and "monotonic time stepped backwards" in r.stdout
    r = run_kb("show", "monotonic")
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "kb: no entry 'monotonic'; did you mean: emqx-monotonic-time-stepped-backwards"
    )


def test_binary_data_on_stdin_is_not_searched_as_text():
    import random
    import subprocess
    import sys

    noise = bytes(random.Random(7).randrange(256) for _ in range(20000))
    r = subprocess.run(
        [sys.executable, "-m", "kb.cli.main", "search", "-"],
        input=noise,
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == 2 and b"the input is not text" in r.stderr, r
    assert r.stdout == b""


def test_an_entry_named_twice_runs_its_checks_once():
    import argparse

    from kb.cli.check import _select
    from kb.loader import load_kb
    from kb.paths import bundled_kb

    kbase = load_kb([bundled_kb()])
    eid = "emqx-unknown-clients-censys"
    checks = [c.id for c in kbase.get(eid).checks]
    args = argparse.Namespace(all=False, id=[eid, eid, f"{eid}#{checks[0]}"])
    selected = _select(kbase, args)
    assert [(e.id, [s.id for s in specs]) for e, specs in selected] == [(eid, checks)]


def test_check_lines_say_which_set_values_the_run_used():
    """A check's title is the entry's words ("… on port 1883"); with --set port=… the line says
    which values this run used, only for checks that take them."""
    r = run_kb(
        "check",
        "emqx-unknown-clients-censys#anonymous-refused",
        "--set",
        "port=1",
        "--set",
        "timeout=1",
    )
    first = next(line for line in r.stdout.splitlines() if "on port 1883" in line)
    assert first.endswith("[--set port=1 timeout=1]"), r.stdout


def test_the_set_values_a_check_line_shows_are_redacted():
    """QA: `--set url=http://admin:PASSWORD@…` was echoed in clear on the check's line (the JSON
    and JUnit output redacted it)."""
    r = run_kb(
        "check", "emqx-how-to-get#status-api", "--set", "url=http://admin:UrlPw77@127.0.0.1:1/x"
    )
    assert "UrlPw77" not in r.stdout + r.stderr
    assert "[--set url=http://admin:<redacted>@127.0.0.1:1/x]" in r.stdout, r.stdout


def test_check_and_diagnose_titles_follow_lang():
    """QA: --lang zh was ignored by kb check and kb diagnose, though the Chinese titles exist."""
    r = run_kb(
        "--lang",
        "zh",
        "check",
        "emqx-monotonic-time-stepped-backwards#erl-flags",
        "--set",
        "container=kbtui-no-such-container",
    )
    assert "ERL_FLAGS 中带有" in r.stdout, r.stdout
    r = run_kb("--lang", "zh", "diagnose", "-", input="OS monotonic time stepped backwards\n")
    assert "EMQX 容器启动十分钟左右自动退出" in r.stdout, r.stdout
    r = run_kb("--lang", "en", "diagnose", "-", input="OS monotonic time stepped backwards\n")
    assert "EMQX container stops about ten minutes after start" in r.stdout, r.stdout


def test_a_reader_that_goes_away_keeps_the_exit_code(monkeypatch):
    """`kb search x | head -1` under `set -o pipefail`: the reader closing the pipe early does not
    turn "no confident answer" (1) into success, nor an answer into failure."""
    import io
    import os
    import sys

    def run_into_closed_pipe(argv: list[str]) -> int:
        r, w = os.pipe()
        os.close(r)  # the reader is gone: the first write raises BrokenPipeError
        out = io.TextIOWrapper(os.fdopen(w, "wb", buffering=0), write_through=True)
        monkeypatch.setattr(sys, "stdout", out)
        try:
            return cli_main.main(argv)
        finally:
            monkeypatch.undo()

    assert (
        run_into_closed_pipe(["search", "rabbitmq shovel creation crashes with dest-queue-args"])
        == 1
    )
    assert run_into_closed_pipe(["search", "OS monotonic time stepped backwards"]) == 0
    assert run_into_closed_pipe(["list", "-p", "mosquitto"]) == 0


def test_search_from_a_terminal_says_what_it_waits_for(tmp_path):
    """QA: `kb search -` typed at a terminal sat silently until Ctrl-D."""
    import os
    import pty

    env = {**os.environ, "KBTUI_HOME": str(tmp_path)}
    pid, fd = pty.fork()
    if pid == 0:  # the child: kb on the pty, as a user runs it
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-m", "kb.cli.main", "search", "-"], env)
    try:
        prompt = b"kb: paste the log line or symptom, then press Ctrl-D on a new line"
        assert prompt in read_pty(fd, until=prompt, timeout=60)
        os.write(fd, b"OS monotonic time stepped backwards\n\x04")
        seen = read_pty(fd, timeout=60)
        assert b"emqx-monotonic-time-stepped-backwards" in seen, seen
    finally:
        os.close(fd)
        os.waitpid(pid, 0)


def test_an_empty_check_after_the_hash_or_an_empty_required_value_is_refused():
    """QA 25: `kb check 'ID#'` ran every check of ID; `--set container=` reached the Docker
    client as an empty id and every Docker check ended in error (NullResource), exit 3."""
    eid = "rabbitmq-memory-alarm-publishers-blocked"
    r = run_kb("check", f"{eid}#")
    assert r.returncode == 2 and r.stdout == "", r
    assert r.stderr.strip().startswith(
        f"kb: check: {eid} has no check named after '#'; its checks:"
    )
    r = run_kb("check", eid, "--set", "container=")
    assert r.returncode == 2 and r.stdout == "", r
    assert "parameter 'container' is empty; give a value" in r.stderr


def test_a_docker_url_docker_would_refuse_is_a_usage_error_for_set_host():
    """Review of QA 25: the config refused tcp://HOST without a port, but --set host=tcp://HOST
    still ran every Docker check into "Invalid bind address format" (exit 3)."""
    r = run_kb("check", "docker-container-oom-triage", "--set", "host=tcp://10.0.0.9")
    assert r.returncode == 2 and r.stdout == "", r
    assert "has no port: Docker needs one" in r.stderr and "write tcp://10.0.0.9:2375" in r.stderr


def test_review_of_qa25_messages_name_what_is_wrong(tmp_path):
    """A broken symbolic link where an output folder must be is not "a file"; `kb check '#x'`
    names no entry (it said "no entry ''"); `--kb=~/kb` (no shell expanded the ~) is the folder
    in the home directory, as the loader reads it, not "no such folder"."""
    link = tmp_path / "l"
    link.symlink_to(tmp_path / "nowhere")
    r = run_kb("export", "mtail", str(link / "x"))
    assert r.returncode == 2 and "symbolic link to nothing" in r.stderr, r
    r = run_kb("check", "#x")
    assert r.returncode == 2 and "'#x' names no entry: write ENTRY#CHECK" in r.stderr, r
    home = tmp_path / "home"
    (home / "mykb").mkdir(parents=True)
    (home / "mykb" / "my-own-entry.md").write_text(entry_text("my-own-entry"))
    r = run_kb("--kb=~/mykb", "show", "my-own-entry", "--json", env={"HOME": str(home)})
    assert r.returncode == 0, r


def test_diagnose_judges_a_piped_log_by_its_whole_head_not_its_first_write():
    """Review: a pipe hands out what one write brought; a first write of a colour code (or half
    a Chinese character) decided "binary" for the whole log."""
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "kb.cli.main", "diagnose", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdin is not None
    proc.stdin.write(b"\x1b[0m\xe4\xb8")  # a colour code and half of 中
    proc.stdin.flush()
    time.sleep(1.0)  # kb reads now: only these bytes are in the pipe
    proc.stdin.write(b"\xad\nOS monotonic time stepped backwards\n")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert b"emqx-monotonic-time-stepped-backwards" in out


def test_index_help_and_exit_agree_on_an_unreadable_source(tmp_path):
    """QA: `kb index --help` promised exit 2 when a source is unreadable; it exits 0 and lists
    the file as a problem (one bad file never stops the others): the help now says so."""
    import os
    import shutil

    r = run_kb("index", "--help")
    help_text = " ".join(r.stdout.split())
    assert "or a source is unreadable" not in help_text
    assert "cannot be read is a problem of its own" in help_text
    root = tmp_path / "kb"
    (root / "a").mkdir(parents=True)
    (root / "a" / "good-one.md").write_text(entry_text("good-one"))
    bad = root / "a" / "bad-one.md"
    bad.write_text(entry_text("bad-one"))
    bad.chmod(0)
    setpriv = shutil.which("setpriv")
    if os.geteuid() == 0 and setpriv is None:
        pytest.skip("root reads any file and setpriv is missing")
    prefix = (
        [
            setpriv,
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search",
        ]
        if os.geteuid() == 0
        else []
    )
    env = {**os.environ, "KBTUI_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "kb.cli.main", "--kb", str(root), "index"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=str(REPO),
    )
    assert proc.returncode == 0, proc
    assert f"{bad}:0: error: cannot read: Permission denied" in proc.stderr, proc.stderr


def test_kbtui_refuses_the_kb_paths_kb_refuses(tmp_path, capsys):
    """kbtui used its own rule: `--kb ""` (Path("") is the current folder) passed and a named
    pipe was 'no such folder'. It now asks kb's rule (kb.cli.common.kb_arg_problem)."""
    from tui.app import main

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    for arg, said in (
        ("", "empty path"),
        (str(fifo), "not a folder or .md file"),
        (str(tmp_path / "nope"), "no such folder"),
    ):
        with pytest.raises(SystemExit) as exc:
            main(["--kb", arg])
        assert exc.value.code == 2
        assert said in capsys.readouterr().err


def test_a_kb_that_is_a_text_file_or_blank_is_refused_in_its_own_words(tmp_path):
    """`--kb notes.txt` exited 0 with a loader error though the message promised '.md' files;
    `--kb ' '` was reported as `--kb ''`."""
    txt = tmp_path / "notes.txt"
    txt.write_text("hello\n")
    r = run_kb("--kb", str(txt), "list", "--ids")
    assert r.returncode == 2 and "not a folder or .md file; give" in r.stderr, r
    r = run_kb("--kb", " ", "list", "--ids")
    assert r.returncode == 2 and "--kb ' ': empty path" in r.stderr, r

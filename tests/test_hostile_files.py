"""Hostile KB folders: every bad file becomes a one-line `file:line` problem for that file, the
others still load, nothing hangs or reads more than the limit, and printed paths are sanitised."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from kb.frontmatter import MAX_FILE_BYTES, split
from kb.loader import load_kb
from kb.model import Problem
from kb.safeyaml import YamlError, parse
from tests.helpers import REPO, entry_text, run_kb

# front-matter lines that crashed the loader (exit 3 "internal error") before
CRASHERS = {
    "control-char": "note: a\x01b\n",
    "bool-maybe": "flag: !!bool maybe\n",
    "timestamp-x": "when: !!timestamp x\n",
    "int-empty": 'n: !!int ""\n',
    "float-empty": 'f: !!float ""\n',
}


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_yaml_constructor_and_reader_errors_are_problems_at_their_line(make_kb, name):
    root = make_kb({f"a/{name}-entry.md": entry_text(f"{name}-entry", extra=CRASHERS[name])})
    kb = load_kb([root])
    [p] = [p for p in kb.problems if p.path.endswith(f"{name}-entry.md")]
    # entry_text puts `extra` on line 9 (line 1 is '---')
    assert (p.line, p.severity) == (9, "error"), p


@pytest.mark.parametrize(
    "text",
    [
        "a: !!bool maybe",
        "a: !!timestamp x",
        'a: !!int ""',
        'a: !!float ""',
        "a: b\x07",
        "a: \ud800",
    ],
)
def test_safe_yaml_raises_only_yaml_error(text):
    with pytest.raises(YamlError):
        parse(text)


def test_symlink_loops_are_reported_not_raised(make_kb):
    root = make_kb({"a/good-entry.md": entry_text("good-entry")})
    (root / "a" / "self-loop.md").symlink_to("self-loop.md")
    (root / "a" / "ping.md").symlink_to("pong.md")
    (root / "a" / "pong.md").symlink_to("ping.md")
    kb = load_kb([root])
    assert "good-entry" in kb.entries
    bad = sorted(Path(p.path).name for p in kb.problems if "symlink loop" in p.message)
    assert bad == ["ping.md", "pong.md", "self-loop.md"]


def test_named_pipe_is_skipped_with_a_warning_and_never_opened(make_kb):
    root = make_kb({"a/good-entry.md": entry_text("good-entry")})
    os.mkfifo(root / "a" / "x-y.md")
    out: list = []
    t = threading.Thread(target=lambda: out.append(load_kb([root])), daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # opening the pipe blocked: release it so the suite goes on, then fail
        os.close(os.open(root / "a" / "x-y.md", os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load_kb opened the named pipe")
    [kb] = out
    assert "good-entry" in kb.entries
    [p] = [p for p in kb.problems if p.path.endswith("x-y.md")]
    assert p.severity == "warning" and "not a regular file" in p.message


def test_kb_search_and_lint_do_not_hang_on_a_named_pipe(make_kb, tmp_path):
    root = make_kb({"a/good-entry.md": entry_text("good-entry", title="Broker clock stepped")})
    os.mkfifo(root / "a" / "x-y.md")
    env = {"KBTUI_HOME": str(tmp_path / "home")}
    # a hang never ends; 120 s only bounds a cold start (index build) on a loaded CI machine
    lint = run_kb("lint", "--kb", str(root), str(root), env=env, timeout=120)
    assert lint.returncode == 0, lint.stderr
    assert "x-y.md:0: warning: not a regular file" in lint.stdout
    search = run_kb("search", "--kb", str(root), "clock stepped", env=env, timeout=120)
    assert search.returncode == 0, search.stderr
    assert "good-entry" in search.stdout


def test_size_is_checked_with_stat_before_reading(make_kb):
    root = make_kb({"a/good-entry.md": entry_text("good-entry")})
    huge = root / "a" / "huge-entry.md"
    with open(huge, "wb") as f:  # sparse: 8 GiB on paper, nothing on disk
        f.truncate(8 << 30)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    kb = load_kb([root])
    assert time.monotonic() - start < 2
    # reading it whole would raise the peak RSS by gigabytes; allow a little for the import
    grew_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grew_kib < 4 * MAX_FILE_BYTES // 1024
    [p] = [p for p in kb.problems if p.path.endswith("huge-entry.md")]
    assert f"larger than {MAX_FILE_BYTES // 1024} KiB" in p.message
    assert "good-entry" in kb.entries


def test_lone_cr_counts_as_a_line_break_like_libyaml(make_kb):
    # line 3 ends with a lone CR: libyaml counts it as a line break, so the duplicate key is on 5
    text = "---\nid: cr-entry\nkind: incident\rtitle: A\ntitle: B\n---\nbody\n"
    root = make_kb({"a/cr-entry.md": "placeholder"})
    (root / "a" / "cr-entry.md").write_bytes(text.encode())
    [p] = [p for p in load_kb([root]).problems if "duplicate key" in p.message]
    assert p.line == 5 and "first at line 4" in p.message
    parts = split(text)
    assert parts.body == "body\n" and parts.body_line == 7


def test_cr_only_file_is_read_as_lines(make_kb):
    text = entry_text("mac-entry").replace("\n", "\r")
    root = make_kb({"a/mac-entry.md": "placeholder"})
    (root / "a" / "mac-entry.md").write_bytes(text.encode())
    kb = load_kb([root])
    assert kb.problems == [] and kb.get("mac-entry").body_line == 10


def test_printed_paths_and_messages_are_one_clean_line():
    p = Problem("/kb/\x1b]0;owned\x07evil\nfolder/\u202egnp.md", 3, "bad key 'a\x1b[31mb\nc'")
    s = str(p)
    assert "\n" not in s and "\x1b" not in s and "\u202e" not in s and "[31m" not in s
    assert s.startswith("/kb/evil folder/gnp.md:3: error: ")


def test_lint_on_a_folder_of_every_hostile_file_at_once(make_kb, tmp_path):
    files = {f"a/{n}-entry.md": entry_text(f"{n}-entry", extra=fm) for n, fm in CRASHERS.items()}
    files["a/good-entry.md"] = entry_text("good-entry")
    files["b/other-good.md"] = entry_text("other-good")
    root = make_kb(files)
    a = root / "a"
    (a / "self-loop.md").symlink_to("self-loop.md")
    os.mkfifo(a / "x-y.md")
    with open(a / "huge-entry.md", "wb") as f:
        f.truncate(3 << 30)
    (a / "cr-entry.md").write_bytes(b"---\nid: cr-entry\rkind: [\n---\n")
    (a / "not-utf8.md").write_bytes(b"---\nid: not-utf8\ntitle: \xff\n---\n")
    esc = root / "c\x1b[2Jd\nx"
    esc.mkdir()
    (esc / "esc-entry.md").write_text("no front matter\n")
    env = {"KBTUI_HOME": str(tmp_path / "home")}
    start = time.monotonic()
    r = run_kb("lint", "--kb", str(root), str(root), env=env, timeout=60)
    assert time.monotonic() - start < 30
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    lines = r.stdout.splitlines()
    bad = [
        *(f"{n}-entry.md" for n in CRASHERS),
        "self-loop.md",
        "x-y.md",
        "huge-entry.md",
        "cr-entry.md",
        "not-utf8.md",
        "esc-entry.md",
    ]
    for name in bad:
        mine = [line for line in lines if f"/{name}:" in line]
        assert len(mine) == 1, (name, lines)
    assert "\x1b" not in r.stdout
    # the symlink loop never becomes an entry; the pipe is a warning, every other bad file an error
    assert lines[-1] == f"{len(bad) - 1 + 2} entries checked: {len(bad) - 1} errors, 1 warning"
    listed = run_kb("list", "--kb", str(root), env=env, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert "good-entry" in listed.stdout and "other-good" in listed.stdout


@pytest.mark.parametrize(
    "raw,shown",
    [
        ("a\x1b[31mred\x1b[0m b", "ared b"),  # CSI removed whole: no '[31m' debris
        ("t\x1b]0;title\x07x", "tx"),  # OSC with BEL
        ("t\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\", "tlink"),  # OSC 8 hyperlink with ST
        ("a\x9b2Jb", "ab"),  # 8-bit CSI
        ("a\x1bcb", "ab"),  # two-byte ESC (full reset)
        ("x\u202eevil\u202c\u2066y\u2069", "xevily"),  # bidi overrides and isolates
        ("bell\x07 nul\x00 cr\rlf", "bell nul crlf"),
        ("keep\ttab\nnewline", "keep    tab\nnewline"),
    ],
)
def test_core_sanitiser_strips_every_terminal_control(raw, shown):
    from kb.cli.common import sanitize
    from kb.sanitize import clean
    from tui.sanitize import clean as tui_clean

    assert clean(raw) == shown
    assert sanitize(raw) == shown and tui_clean is clean  # one sanitiser for CLI and TUI


def test_signature_scan_is_linear_in_line_length(make_kb):
    from kb.checks.diagnose import diagnose
    from kb.signatures import SignatureSet

    root = make_kb(
        {"a/scanner-entry.md": entry_text("scanner-entry", extra="signatures: ['CENSYS']\n")}
    )
    kbase = load_kb([root])
    sigs = SignatureSet.from_entries(kbase.entries.values())
    # one 8 MB line where every word matches a signature: ~6 minutes when each match looked back
    # to the start of the line; linear scanning takes milliseconds (the bound is generous)
    start = time.monotonic()
    found = diagnose(kbase, "CENSYS " * 1_200_000, sigs=sigs)
    assert time.monotonic() - start < 10
    [d] = found
    assert [n for n, _ in d.lines] == [1] and len(d.lines[0][1]) <= 400
    # many lines, several matches per line: each line reported once, numbered right
    text = "ok\n" + "CENSYS CENSYS\nfine\n" * 30
    [d] = diagnose(kbase, text, sigs=sigs)
    assert [n for n, _ in d.lines] == list(range(2, 42, 2))


# -- recursive aliases: `yaml.compose` returns a cyclic node graph -------------------------------


@pytest.mark.parametrize(
    "extra", ["tags: &a [*a]\n", "versions: &a {docker: *a}\n", "x: &a [1, [2, *a]]\n"]
)
def test_a_recursive_alias_is_a_problem_at_its_line_and_the_others_load(make_kb, extra):
    """QA: `tags: &a [*a]` recursed until RecursionError (exit 70; a 3 000-line multiprocessing
    traceback on a big KB)."""
    root = make_kb(
        {
            "a/bad-entry.md": entry_text("bad-entry", extra=extra),
            "a/good-one.md": entry_text("good-one"),
        }
    )
    kb = load_kb([root])
    assert list(kb.entries) == ["good-one"]
    [p] = kb.problems
    assert str(p) == (
        f"{root}/a/bad-entry.md:9: error: recursive YAML alias (the anchored value contains "
        "itself); write the value out"
    )
    r = run_kb("lint", "--kb", str(root))
    assert r.returncode == 1 and "bad-entry.md:9: error: recursive YAML alias" in r.stdout, r
    assert "Traceback" not in r.stderr


def test_a_recursive_alias_in_a_big_kb_is_one_problem_in_the_parallel_build(tmp_path, monkeypatch):
    """The index of 400+ entries is built by worker processes: no worker traceback, one problem."""
    monkeypatch.setenv("KBTUI_HOME", str(tmp_path / "home"))
    root = tmp_path / "big"
    (root / "a").mkdir(parents=True)
    for i in range(420):
        extra = "tags: &a [*a]\n" if i == 7 else ""
        (root / "a" / f"entry-{i}.md").write_text(entry_text(f"entry-{i}", extra=extra))
    r = run_kb("--kb", str(root), "index")
    assert r.returncode == 0, r.stderr
    [line] = r.stderr.splitlines()
    assert f"{root}/a/entry-7.md:9: error: recursive YAML alias" in line, r.stderr
    assert "index updated" in r.stdout or "index rebuilt" in r.stdout


def test_a_bug_on_one_entry_in_an_index_worker_is_a_problem_of_that_entry(tmp_path):
    """Anything a forked worker raises on one entry is that entry's problem; the others are
    indexed (the worker used to catch only OSError: a traceback per worker, exit 70).
    Run in a fresh interpreter: the build forks its workers only when the process has no other
    thread (else it spawns them, and a spawned worker does not see the injected bug), and a
    test run's process may hold threads of earlier tests."""
    root = tmp_path / "big"
    (root / "a").mkdir(parents=True)
    for i in range(420):
        (root / "a" / f"entry-{i}.md").write_text(entry_text(f"entry-{i}"))
    script = textwrap.dedent(
        """
        import json, sys
        from indexer import open_index, schema

        real = schema.entry_document

        def flaky(entry):
            if entry.id == "entry-7":
                raise ValueError("a bug")
            return real(entry)

        schema.entry_document = flaky
        with open_index([sys.argv[1]]) as idx:
            print(json.dumps([idx.doc_count, [str(p) for p in idx.problems]]))
        """
    )
    r = subprocess.run(
        [sys.executable, "-c", script, str(root)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=dict(os.environ, KBTUI_HOME=str(tmp_path / "home")),
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    count, msgs = json.loads(r.stdout.strip().splitlines()[-1])
    assert count == 419
    assert msgs == [
        f"{root}/a/entry-7.md:1: error: kbtui could not index this entry (ValueError); "
        "please report it"
    ]


def test_a_recursive_alias_in_the_config_is_one_line(tmp_path):
    home = tmp_path / "home"
    from tests.helpers import run_kb as run

    env = {"KBTUI_HOME": str(home)}
    cfg = home / "config" / "config.yaml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("a: &a [*a]\n")
    cfg.chmod(0o600)
    r = run("list", "--ids", env=env)
    assert r.returncode == 2, r
    assert r.stderr.strip().endswith(
        "config.yaml:1: recursive YAML alias (the anchored value "
        "contains itself); write the value out"
    ), r.stderr


def test_cosmetic_messages_say_what_the_user_wrote(make_kb, tmp_path):
    """QA: a 5 000-digit severity said "drop the !!int tag" though none was written; RE2 errors
    showed a `(?m)` the user never wrote and blamed lookarounds for a missing ')'; an opening
    `--- ` (trailing space) was "file must start with a '---' line"; problems were printed as
    `kb: warning: …: error: …`."""
    root = make_kb(
        {
            "a/big-int.md": entry_text("big-int", extra="severity: " + "9" * 5000 + "\n"),
            "a/paren.md": entry_text("paren", extra="signatures: ['a(b']\n"),
            "a/look.md": entry_text("look", extra="signatures: ['(?=x)y']\n"),
            "a/spaced.md": entry_text("spaced").replace("---\n", "--- \n", 1),
        }
    )
    kb = load_kb([root])
    msgs = {Path(p.path).name: p.message for p in kb.problems}
    assert msgs["big-int.md"].endswith("is not a valid int value; quote it to keep it as text")
    assert msgs["paren.md"] == "signature does not compile under RE2 (missing ): a(b); fix it"
    assert msgs["look.md"].endswith("; RE2 has no lookaround or backreferences"), msgs
    assert "spaced.md" not in msgs and "spaced" in kb.entries
    r = run_kb("--kb", str(root), "search", "sample", env={"KBTUI_HOME": str(tmp_path / "h")})
    errors = [line for line in r.stderr.splitlines() if "paren.md" in line]
    assert errors == [
        f"kb: {root}/a/paren.md:9: error: signature does not compile under RE2 (missing ): a(b);"
        " fix it"
    ], r.stderr


def test_kb_paths_that_is_not_a_list_names_its_line(tmp_path, monkeypatch):
    from kb.config import load_config
    from kb.errors import UserError

    cfg = tmp_path / "config.yaml"
    cfg.write_text("brokers: []\nkb_paths: /srv/kb\n")
    cfg.chmod(0o600)
    with pytest.raises(UserError) as exc:
        load_config(cfg)
    assert str(exc.value) == f"{cfg}:2: kb_paths must be a list of folder paths"

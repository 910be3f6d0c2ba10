"""Shell completion: what `kb completion --complete` offers, and the bash function doing it."""

from __future__ import annotations

import os
import subprocess
import sys

from kb.cli.completion import candidates
from tests.helpers import entry_text


def test_commands_options_and_the_commands_of_a_command():
    assert {"search", "show", "check", "export"} <= set(candidates(1, ["kb", ""]))
    assert "--limit" in candidates(2, ["kb", "search", "--"])
    assert candidates(2, ["kb", "export", ""]) == ["alerts", "mtail", "site"]
    assert "--base-url" in candidates(3, ["kb", "export", "site", "--"])
    assert candidates(2, ["kb", "completion", ""]) == ["bash", "zsh", "fish"]


def test_entry_ids_include_the_folders_named_with_kb(tmp_path):
    (tmp_path / "own-entry-one.md").write_text(entry_text("own-entry-one"), "utf-8")
    ids = candidates(4, ["kb", "--kb", str(tmp_path), "show", ""])
    assert "own-entry-one" in ids and "emqx-monotonic-time-stepped-backwards" in ids
    assert "own-entry-one" not in candidates(2, ["kb", "show", ""])


def test_option_values_check_ids_and_set_names(tmp_path, monkeypatch):
    """QA: ID#CHECK, --target, -p/-t values and --set names completed nothing."""
    eid = "emqx-monotonic-time-stepped-backwards"
    assert f"{eid}#clock-log" in candidates(2, ["kb", "check", f"{eid}#"])
    assert {"emqx", "docker", "rabbitmq"} <= set(candidates(3, ["kb", "search", "-p", ""]))
    assert "oom" in candidates(3, ["kb", "list", "--tag", ""])
    names = candidates(4, ["kb", "check", eid, "--set", ""])
    assert "container=" in names and "since=" in names
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    config = home / "config" / "config.yaml"
    config.write_text("docker_hosts:\n  - {name: prod-1, url: 'ssh://ops@prod-1'}\n")
    config.chmod(0o600)
    monkeypatch.setenv("KBTUI_HOME", str(home))
    assert candidates(3, ["kb", "check", "--target", ""]) == ["prod-1"]


def test_the_bash_function_completes_in_a_real_bash(tmp_path):
    """The script `kb completion bash` prints, loaded into bash, fills COMPREPLY."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    kb = bindir / "kb"
    kb.write_text(f'#!/bin/sh\nexec {sys.executable} -m kb.cli.main "$@"\n')
    kb.chmod(0o755)
    script = subprocess.run(
        [str(kb), "completion", "bash"], capture_output=True, text=True, check=True
    ).stdout
    probe = (
        script
        + '\nCOMP_WORDS=(kb export m); COMP_CWORD=2; _kb_complete; echo "${COMPREPLY[*]}"'
        + '\nCOMP_WORDS=(kb show emqx-monot); COMP_CWORD=2; _kb_complete; echo "${COMPREPLY[*]}"'
    )
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"}
    out = subprocess.run(
        ["bash", "--norc", "-c", probe], capture_output=True, text=True, env=env, timeout=60
    ).stdout.splitlines()
    assert out == ["mtail", "emqx-monotonic-time-stepped-backwards"], out

"""Nonsense check parameters are lint errors (at their line) and `--set` errors, never a wrong
answer: ports out of range, impossible IP literals, negative durations, unbounded timeouts, and
patterns or signatures that match the empty string (and so every log line)."""

from __future__ import annotations

import pytest

from kb.checks.registry import validate_params
from kb.loader import load_kb
from tests.helpers import entry_text, run_kb

BAD = [
    ("net.tcp", {"port": 70000}, "must be a TCP port, 1-65535"),
    ("net.tcp", {"port": 0}, "must be a TCP port, 1-65535"),
    ("net.tcp", {"port": 1883, "host": "999.1.1.1"}, "must be an IP address"),
    ("net.tcp", {"port": 1883, "host": "a b"}, "must be a host name or IP address"),
    ("net.port_free", {"port": 1883, "bind": "999.1.1.1"}, "must be an IP address"),
    ("net.port_free", {"port": 1883, "bind": "localhost"}, "must be an IP address"),
    ("mqtt.connect", {"port": 67419}, "must be a TCP port, 1-65535"),
    ("amqp.connect", {"port": -1}, "must be a TCP port, 1-65535"),
    ("docker.events", {"since": "-5h"}, "not negative"),
    ("docker.events", {"since": "soon"}, "must be a duration"),
    ("docker.logs", {"container": "x", "pattern": "boom", "since": "-1m"}, "not negative"),
    ("docker.logs", {"container": "x", "pattern": "boom", "tail": 0}, "between 1 and 100000"),
    ("docker.logs", {"container": "x", "pattern": "x*"}, "matches the empty string"),
    ("docker.logs", {"container": "x", "pattern": ""}, "matches the empty string"),
    (
        "docker.exec",
        {"container": "x", "command": "emqx.status", "pattern": "^"},
        "matches the empty",
    ),
    ("net.tcp", {"port": 1883, "timeout": 0}, "must be a number of seconds in (0, 30]"),
    ("net.tcp", {"port": 1883, "timeout": 3600}, "must be a number of seconds in (0, 30]"),
    ("net.tcp", {"port": 1883, "timeout": float("nan")}, "must be a number of seconds"),
    ("http.get", {"url": "ftp://x/"}, "must be an http:// or https:// URL"),
    ("http.get", {"url": "http://x:99999/"}, "must be an http:// or https:// URL"),
    ("http.get", {"url": "http://x/", "status": 99}, "between 100 and 599"),
    ("docker.container", {"container": "x", "exit_codes": [0, 300]}, "exit codes, integers 0-255"),
    ("host.disk", {"min_free_pct": 150.0}, "between 0 and 100"),
    ("docker.inspect", {"container": "x", "field": "a", "min": float("inf")}, "finite number"),
]


@pytest.mark.parametrize("kind,params,needle", BAD, ids=[f"{k}-{n}" for k, _, n in BAD])
def test_nonsense_parameters_are_rejected(kind, params, needle):
    problems = validate_params(kind, params)
    assert len(problems) == 1 and needle in problems[0], problems


@pytest.mark.parametrize(
    "kind,params",
    [
        ("net.tcp", {"port": 1, "host": "emqx-1.internal"}),
        ("net.tcp", {"port": 65535, "host": "::1", "timeout": 30}),
        ("net.port_free", {"port": 1883, "bind": "::"}),
        ("docker.events", {"since": "0s"}),
        ("docker.logs", {"container": "x", "pattern": "(?i)stepped backwards", "since": "15m"}),
        ("http.get", {"url": "https://127.0.0.1:15672/api/overview", "status": 204}),
        ("docker.container", {"container": "x", "exit_codes": [0, 143]}),
    ],
)
def test_sensible_parameters_pass(kind, params):
    assert validate_params(kind, params) == []


def test_lint_names_the_line_of_each_nonsense_parameter(make_kb):
    checks = (
        "checks:\n"
        "  - {id: a, kind: net.tcp, title: T, params: {port: 70000}}\n"
        "  - {id: b, kind: net.port_free, title: T, params: {port: 1883, bind: 999.1.1.1}}\n"
        "  - {id: c, kind: docker.events, title: T, params: {since: '-5h'}}\n"
        "signatures: ['', 'x*', '(?i)real text']\n"
    )
    root = make_kb({"a/sample-entry.md": entry_text(extra=checks)})
    probs = [str(p) for p in load_kb([root]).problems]
    for line, needle in (
        (10, "net.tcp: parameter 'port' must be a TCP port, 1-65535; got 70000"),
        (11, "net.port_free: parameter 'bind' must be an IP address"),
        (12, "docker.events: parameter 'since' must be a duration"),
        (13, "'signatures[0]' is empty; write something"),
        (13, "signature 'x*' matches the empty string"),
    ):
        assert any(f":{line}: error: {needle}" in p for p in probs), (needle, probs)
    assert len(probs) == 5, probs


def test_set_port_out_of_range_is_a_usage_error(make_kb, tmp_path):
    checks = "checks:\n  - {id: a, kind: net.tcp, title: T, params: {port: 1883}}\n"
    root = make_kb({"a/sample-entry.md": entry_text(extra=checks)})
    env = {"KBTUI_HOME": str(tmp_path / "home")}
    r = run_kb("check", "sample-entry", "--kb", str(root), "--set", "port=67419", env=env)
    # before: 67419 wrapped round to 1883 and the check passed against the local broker
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "port" in r.stderr and "1-65535" in r.stderr

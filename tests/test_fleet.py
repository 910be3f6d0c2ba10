"""kb export mtail / alerts without the monitoring stack: the dialect rewrite keeps what every
signature matches (plain and Docker json-file lines), refusals are reported with file:line, and
the rule file carries the labels, annotations and runbook links the docs promise.

The real mtail, promtool, Prometheus and Alertmanager run in tests/live/test_fleet_pipeline.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import re2
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.fleet.alerts import build_rules, expression, plain_text, render, runbook_url
from kb.fleet.godialect import Refused, translate
from kb.fleet.mtail import build_program
from kb.loader import load_kb
from kb.site.urls import entry_path
from tests.helpers import entry_text, run_kb

BUNDLED = load_kb()
SIGNATURES = sorted({p for e in BUNDLED.entries.values() for p in e.signatures})
# shapes the bundled KB may not have today: quantified quotes and backslashes, classes, anchors
TRICKY = [
    r'a"?b',
    r'x\\?"[^"\\]+\\?": y',
    r"p\\+q",
    r'("[a-z]+",?)+$',
    r"^<[^>]*>&",
    r'(?i)say "hi"\s*$',
    r"\tq{1,2}",
]


def docker_json_log(line: str) -> str:
    """One record as Docker's json-file driver writes it (Go encoding/json, HTML-safe escaping)."""
    encoded = json.dumps(line + "\n", ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        encoded = encoded.replace(ch, esc)
    encoded = encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return '{"log":' + encoded + ',"stream":"stderr","time":"2026-12-02T07:00:00.000000001Z"}'


def mtail_json_text(record: str) -> str:
    """What the generated program's json branch hands to a signature: kb/fleet/mtail.py's steps."""
    from kb.fleet.mtail import _DECODE

    m = re2.match(
        r'^\{"log":"((?:[^"\\]|\\.)*?)(?:\\r)?(?:\\n)?","stream":"(?:stdout|stderr)"', record
    )
    assert m is not None, record
    text = m.group(1)
    for encoded, plain in _DECODE:
        text = text.replace(encoded, plain)
    return text


def _search(pattern: str, text: str) -> bool:
    return re2.search(pattern, text) is not None


# a line alphabet that exercises every escape Docker applies
LINE_CHARS = st.sampled_from(list("ab xyz019.\"\\<>&\t/:-_{}()[]=,@'") + ["时", "é"])
LINES = st.lists(LINE_CHARS, max_size=40).map("".join)


@pytest.mark.parametrize("pattern", SIGNATURES)
def test_bundled_signatures_translate(pattern: str) -> None:
    go = translate(pattern)
    # the plain form is still a valid RE2 pattern
    re2.compile(go.plain)
    assert "/" not in go.plain.replace("\\/", "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rewrite_matches_exactly_what_the_signature_matches(data: st.DataObject) -> None:
    pattern = data.draw(st.sampled_from(SIGNATURES + TRICKY))
    go = translate(pattern)
    # lines built around a real match of the signature, and random ones
    sample = data.draw(LINES)
    prefix = data.draw(LINES)
    for line in (sample, prefix + sample, prefix):
        want = _search(pattern, line)
        assert _search(go.plain, line) == want, (pattern, line)
        if go.json is not None:
            assert _search(go.json, mtail_json_text(docker_json_log(line))) == want, (pattern, line)


@pytest.mark.parametrize(
    "pattern,line",
    [
        (
            r'unexpected module path "[^"]+"',
            'parsing go.mod: unexpected module path "golang.org/x/sys"',
        ),
        (
            r"Error on AMQP connection <[^>]+>.*\benotconn\b",
            "Error on AMQP connection <0.1.0>: enotconn",
        ),
        (r"a\\b", "path a\\b here"),
        (r"a\tb", "a\tb"),
        (r"(?i)x & y", "X & Y"),
        (r"url http://h/p", "url http://h/p"),
        (r"(?P<n>id)=(\d+)", "id=42"),
        (r"\Qa.b/\E", "a.b/"),
        (r"\x22quoted\x22", '"quoted"'),
        (r'exec: \\?"[^"\\]+\\?": executable', 'exec: "nosuchcmd": executable'),
        (r'exec: \\?"[^"\\]+\\?": executable', 'exec: \\"nosuchcmd\\": executable'),
        (r'a"?b', "ab"),
        (r'a"?b', 'a"b'),
    ],
)
def test_rewrite_examples_match_plain_and_json(pattern: str, line: str) -> None:
    go = translate(pattern)
    assert _search(go.plain, line)
    assert go.json is not None, go.json_refusal
    assert _search(go.json, mtail_json_text(docker_json_log(line)))
    assert "(?P<" not in go.plain and "(\\d" not in go.plain  # groups are non-capturing


@pytest.mark.parametrize(
    "pattern,why",
    [(r"a\Cb", "\\C"), (r"x\1", "backreference"), (r"[ab", "unterminated")],
)
def test_untranslatable_patterns_are_refused(pattern: str, why: str) -> None:
    with pytest.raises(Refused) as exc:
        translate(pattern)
    assert why in str(exc.value)


@pytest.mark.parametrize(
    "pattern",
    [r'say ."', r'["x]y', r"a.{3}b", r"[^>]?z", r"id \S{4}"],
)
def test_json_inexact_patterns_keep_only_the_plain_branch(pattern: str) -> None:
    go = translate(pattern)
    assert go.json is None and go.json_refusal


def test_program_counts_each_entry_and_reports_omissions(make_kb) -> None:
    root = make_kb(
        {
            "emqx/fleet-ok.md": entry_text("fleet-ok", extra="signatures: ['boom <\\d+>']\n"),
            "emqx/fleet-half.md": entry_text(
                "fleet-half",
                extra="signatures:\n  - 'fine one'\n  - 'bad \\C byte'\n  - 'id \\S{4}'\n",
            ),
        }
    )
    kbase = load_kb([root])
    prog = build_program(kbase.entries.values())
    assert prog.entries == ["fleet-half", "fleet-ok"]
    reasons = {(o.entry_id, o.branch, o.line) for o in prog.omitted}
    half = str(root / "emqx/fleet-half.md")
    # `signatures:` is on line 8 of entry_text's front-matter block (file line 9)
    assert {(o.path, o.line, o.branch) for o in prog.omitted} == {
        (half, 11, "both"),
        (half, 12, "json-file"),
    }, reasons
    assert 'kb_signature_matches_total["fleet-ok"] += 0' in prog.text
    assert "/boom <\\d+>/" in prog.text


def test_an_entry_longer_than_mtails_regex_limit_is_chained_and_counts_once(make_kb) -> None:
    from kb.fleet.mtail import MAX_REGEX

    # four signatures of ~300 bytes: one alternation would be ~1 200 bytes, over mtail's 1 024
    sigs = [f"sig{i} " + "x" * 300 for i in range(4)]
    extra = "signatures:\n" + "".join(f"  - '{p}'\n" for p in sigs)
    root = make_kb({"emqx/fleet-long.md": entry_text("fleet-long", extra=extra)})
    prog = build_program(load_kb([root]).entries.values())
    assert prog.omitted == [] and prog.signatures == 4
    regexes = re2.findall(r"/((?:\(\?:)?sig\d[^/]*)/ \{", prog.text)
    assert len(regexes) >= 4  # at least two chained expressions in each branch
    assert all(len(r.encode()) <= MAX_REGEX for r in regexes)
    # every signature is in each branch once, and the later expressions sit under `else`, so a
    # line matching two signatures adds one
    for p in sigs:
        assert prog.text.count(p) == 2
    assert prog.text.count("} else {") == 2 * (len(regexes) // 2 - 1)
    # a signature over the limit in one branch is left out of it, with its reason, instead of
    # breaking mtail: 200 double quotes are 200 bytes plain but ~1 200 in the json-file branch
    quotes = make_kb(
        {
            "emqx/fleet-quotes.md": entry_text(
                "fleet-quotes", extra="signatures: ['" + '"' * 200 + "']\n"
            )
        }
    )
    prog = build_program(load_kb([quotes]).entries.values())
    assert [o.branch for o in prog.omitted] == ["json-file"]
    assert "1024-byte limit" in prog.omitted[0].reason


def test_cli_exports_mtail_and_reports_left_out_signatures(make_kb, tmp_path: Path) -> None:
    root = make_kb(
        {"emqx/fleet-bad.md": entry_text("fleet-bad", extra="signatures: ['bad \\C byte', 'ok']\n")}
    )
    out = tmp_path / "mtail"
    r = run_kb("export", "mtail", str(out), "--kb", str(root), "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["omitted"][0]["entry"] == "fleet-bad"
    # a flow list: the report names the `signatures:` line (line 9: after the 8 lines of entry_text)
    assert f"{root / 'emqx/fleet-bad.md'}:9: warning:" in r.stderr and "left out" in r.stderr
    assert (out / "kbtui.mtail").read_text().count('["fleet-bad"]++') == 2  # json + plain branch
    strict = run_kb("export", "mtail", str(out), "--kb", str(root), "--strict")
    assert strict.returncode == 1


def test_alert_rules_have_labels_annotations_and_runbook_links() -> None:
    rules = build_rules(BUNDLED.entries.values(), base_url="https://kb.example.com/docs/")
    with_sigs = sorted(e.id for e in BUNDLED.entries.values() if e.signatures)
    assert rules.entries == with_sigs
    rule = {r["labels"]["entry"]: r for r in rules.groups["groups"][0]["rules"]}
    r = rule["emqx-monotonic-time-stepped-backwards"]
    assert r["labels"] == {
        "entry": "emqx-monotonic-time-stepped-backwards",
        "product": "emqx",
        "severity": "warning",
    }
    assert r["annotations"]["runbook_url"] == "https://kb.example.com/docs/" + entry_path(
        "emqx-monotonic-time-stepped-backwards", "en"
    )
    assert "`" not in r["annotations"]["description"]
    assert r["expr"] == expression("emqx-monotonic-time-stepped-backwards", "10m")
    # the file is YAML Prometheus reads back to the same rules
    assert yaml.safe_load(render(rules)) == rules.groups


def test_alerts_in_chinese_link_chinese_pages() -> None:
    rules = build_rules(BUNDLED.entries.values(), base_url="https://kb.example.com", lang="zh")
    r = next(
        x
        for x in rules.groups["groups"][0]["rules"]
        if x["labels"]["entry"].startswith("emqx-mono")
    )
    zh = BUNDLED.get("emqx-monotonic-time-stepped-backwards").text("zh")
    assert r["annotations"]["summary"] == plain_text(zh.title)
    assert r["annotations"]["runbook_url"] == runbook_url(
        "https://kb.example.com", "emqx-monotonic-time-stepped-backwards", "zh"
    )


def test_entry_severity_sets_the_alert_label(make_kb) -> None:
    root = make_kb(
        {
            "emqx/fleet-crit.md": entry_text(
                "fleet-crit", extra="severity: critical\nsignatures: ['node down']\n"
            ),
            "emqx/fleet-bad-sev.md": entry_text("fleet-bad-sev", extra="severity: loud\n"),
        }
    )
    kbase = load_kb([root])
    rules = build_rules(kbase.entries.values(), base_url="https://x.example")
    assert rules.groups["groups"][0]["rules"][0]["labels"]["severity"] == "critical"
    assert any("severity must be one of" in p.message for p in kbase.problems)


def test_cli_alerts_validates_options(tmp_path: Path) -> None:
    r = run_kb("export", "alerts", str(tmp_path / "r.yml"), "--base-url", "kb.example.com")
    assert r.returncode == 2 and "--base-url" in r.stderr
    r = run_kb(
        "export",
        "alerts",
        str(tmp_path / "r.yml"),
        "--base-url",
        "https://x.example",
        "--window",
        "5 minutes",
    )
    assert r.returncode == 2 and "--window" in r.stderr
    r = run_kb("export", "alerts", "-", "--base-url", "https://x.example", "--window", "5m")
    assert r.returncode == 0
    assert "[5m]" in r.stdout and "KbKnownProblem" in r.stdout


BAD_BASE_URLS = [
    # (base URL, what the one-line error must say)
    ("https://kb.example.com/path?x=1", "use https://kb.example.com/path"),
    ("https://kb.example.com/#frag", "use https://kb.example.com/"),
    ("https://kb.example.com/docs/?", "no ?query or #fragment"),
    ("https://", "names no host"),
    ("https://kb.example.com:port/", "not a valid URL"),
    ("https://bob:hunter22@kb.example.com/", "leave out the user name and password"),
    # a host with a space, a path with quotes or brackets: written into every runbook_url as is
    ("https://x y/", "is not a host name or IP address"),
    ('https://kb.example.com/a"b<c>/', "percent-encode it"),
]


@pytest.mark.parametrize(("url", "says"), BAD_BASE_URLS)
def test_cli_alerts_refuses_a_base_url_page_paths_cannot_follow(tmp_path: Path, url, says) -> None:
    """Runbook URLs are the base followed by the entry's path: with `?x=1` or `#frag` in the
    base they were `https://kb.example.com/path?x=1/entries/….html` (exit 0)."""
    out = tmp_path / "rules.yml"
    r = run_kb("export", "alerts", str(out), "--base-url", url, env={"KBTUI_HOME": str(tmp_path)})
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("kb: --base-url ") and r.stderr.count("\n") == 1, r.stderr
    assert says in r.stderr and "hunter22" not in r.stderr
    assert not out.exists()


def test_lint_names_signatures_the_fleet_leaves_out_at_their_line(make_kb) -> None:
    """`kb lint` warns, at the signature's own line, about a signature `kb export mtail` leaves
    out, so it is caught before an export (it was first seen when a bundled signature's `.raw.`
    could match a JSON quote and dropped out of the json-file branch). Items written as mappings
    (`- pattern: …` with `primary: true` below) span two lines each."""
    extra = (
        "signatures:\n"
        "  - pattern: 'first line \\d+'\n"
        "    primary: true\n"
        "  - pattern: 'table .raw. missing'\n"
        "    primary: true\n"
    )
    root = make_kb({"emqx/fleet-lines.md": entry_text("fleet-lines", extra=extra)})
    [omission] = build_program(load_kb([root]).entries.values()).omitted
    path = root / "emqx/fleet-lines.md"
    line = path.read_text().splitlines().index("  - pattern: 'table .raw. missing'") + 1
    assert omission.line == line and omission.branch == "json-file"
    r = run_kb("lint", "--kb", str(root), str(root))
    assert r.returncode == 0, r.stderr  # a warning, not an error
    warn = [w for w in r.stdout.splitlines() if ": warning: " in w and "mtail" in w]
    assert len(warn) == 1 and warn[0].startswith(f"{path}:{line}: warning:"), r.stdout
    assert run_kb("lint", "--kb", str(root), "--strict", str(root)).returncode == 1


def test_bundled_kb_lints_clean_strict() -> None:
    """No warning either: every bundled signature reaches the static site and the fleet."""
    r = run_kb("lint", "--strict")
    assert r.returncode == 0, r.stdout[-2000:]

"""kb export mtail / alerts without the monitoring stack: the dialect rewrite keeps what every
signature matches (plain and Docker json-file lines), refusals are reported with file:line, and
the rule file carries the labels, annotations and runbook links the docs promise.

The real mtail, promtool, Prometheus and Alertmanager run in tests/live/test_fleet_pipeline.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
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
from kb.model import Entry
from kb.site.urls import entry_path
from tests.helpers import entry_text, run_kb

BUNDLED = load_kb()
SIGNATURES = sorted({p for e in BUNDLED.entries.values() for p in e.signatures})
# shapes the bundled KB may not have today: quantified quotes and backslashes, classes, anchors,
# a backslash before a letter that is also a JSON escape (`\t`, `\n`, `\r`, `\u`), the letters of
# escapes on their own (which an escape left undecoded would supply), control characters
TRICKY = [
    r'a"?b',
    r'x\\?"[^"\\]+\\?": y',
    r"p\\+q",
    r'("[a-z]+",?)+$',
    r"^<[^>]*>&",
    r'(?i)say "hi"\s*$',
    r"\tq{1,2}",
    r'path "C:\\temp\\new" failed',
    r"\\t",
    r"\\n\b",
    r"\\r",
    r"\\u003c",
    r'\\"u',
    r"r [a-z]",
    r"u00[0-9a-f]{2}",
    r"\bt\b",
    r"\x01\x00?z",
    r"[\x00-\x08]+",
    r"\s\S+\s",
    "\u2028",
]


def docker_json_log(line: str) -> str:
    """One record as Docker's json-file driver writes it (daemon/logger/jsonfilelog/jsonlog's
    encoder: `\\"`, `\\\\`, `\\n`, `\\r`, every other control character as `\\u00XX` (a tab is
    `\\u0009`), `<` `>` `&` and U+2028/U+2029 as `\\uXXXX`; the rest as it is)."""
    out = []
    for ch in line + "\n":
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ch in "<>&\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return (
        '{"log":"' + "".join(out) + '","stream":"stderr","time":"2026-12-02T07:00:00.000000001Z"}'
    )


def json_dumps_log(line: str) -> str:
    """The same record from a generic JSON encoder (Python's json: `\\t`, `\\b`, `\\f`)."""
    encoded = json.dumps(line + "\n", ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        encoded = encoded.replace(ch, esc)
    encoded = encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return '{"log":' + encoded + ',"stream":"stderr","time":"2026-12-02T07:00:00.000000001Z"}'


ENCODERS: list[Callable[[str], str]] = [docker_json_log, json_dumps_log]


def mtail_json_text(record: str) -> str:
    """What the generated program's json branch hands to a signature: kb/fleet/mtail.py's steps
    (each `subst` is Go's strings.ReplaceAll, which str.replace matches)."""
    from kb.fleet.mtail import _DECODE

    m = re2.match(
        r'^\{"log":"((?:[^"\\]|\\.)*?)(?:\\r)?(?:\\n)?","stream":"(?:stdout|stderr)"', record
    )
    assert m is not None, record
    text = m.group(1)
    for encoded, plain in _DECODE:
        text = text.replace(encoded, plain)
    return text


def read_line(line: str) -> str:
    """The line a signature sees in mtail: it drops every carriage return from a plain file's
    lines (internal/tailer/logstream/decode.go: "assume that a \\r only occurs at the end of a
    line anyway, and we can just eat it"), and the json-file branch drops every `\\r`."""
    return line.replace("\r", "")


def _search(pattern: str, text: str) -> bool:
    return re2.search(pattern, text) is not None


# a line alphabet that exercises every escape Docker applies, and the letters after a backslash
# that JSON escapes are made of (`\t` `\n` `\r` `\u003c` `\"` `\\`), alone and behind backslashes
LINE_CHARS = [
    *"ab xyz019.\"\\<>&\t/:-_{}()[]=,@'tnrucef",
    *["时", "é", "\r", "\x01", "\x00", "\u2028"],
]
LINE_ATOMS = [
    *LINE_CHARS,
    *["\\t", "\\n", "\\r", "\\u003c", "\\u0009", '\\"', "\\\\", "C:\\temp\\new", "\\\\t"],
]
LINES = st.lists(st.sampled_from(LINE_ATOMS), max_size=30).map("".join)


@pytest.mark.parametrize("pattern", SIGNATURES)
def test_bundled_signatures_translate(pattern: str) -> None:
    go = translate(pattern)
    # the plain form is still a valid RE2 pattern
    re2.compile(go.plain)
    assert "/" not in go.plain.replace("\\/", "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rewrite_matches_exactly_what_the_signature_matches(data: st.DataObject) -> None:
    # half the examples on the tricky shapes, which the bundled signatures outnumber
    pattern = data.draw(st.sampled_from(TRICKY) | st.sampled_from(SIGNATURES))
    encode = data.draw(st.sampled_from(ENCODERS))
    go = translate(pattern)
    # random lines, and lines around a piece of text that often matches a tricky signature
    sample = data.draw(LINES)
    prefix = data.draw(LINES)
    for line in (sample, prefix + sample, prefix):
        seen = read_line(line)
        want = _search(pattern, seen)
        assert _search(go.plain, seen) == want, (pattern, line)
        if go.json is not None:
            text = mtail_json_text(encode(line))
            assert _search(go.json, text) == want, (pattern, line, encode.__name__, text)


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
        # an escaped backslash before t, n, r, u is not a tab, newline, return or \uXXXX
        (r'path "C:\\temp\\new" failed', 'x path "C:\\temp\\new" failed y'),
        (r"\\u003c\\r\\n", "a \\u003c\\r\\n b"),
        (r"a\tb\x01c", "a\tb\x01c"),
        ("a\u2028b", "a\u2028b"),
    ],
)
@pytest.mark.parametrize("encode", ENCODERS)
def test_rewrite_examples_match_plain_and_json(
    pattern: str, line: str, encode: Callable[[str], str]
) -> None:
    go = translate(pattern)
    assert _search(go.plain, line)
    assert go.json is not None, go.json_refusal
    assert _search(go.json, mtail_json_text(encode(line)))
    assert "(?P<" not in go.plain and "(\\d" not in go.plain  # groups are non-capturing


MTAIL = shutil.which("mtail")
REAL_LINES = [
    'x path "C:\\temp\\new" failed y',
    "a \\u003c\\r\\n b",
    "a\tb\x01c\rd",
    "a\tb\x01cd",
    "x\r failed",
    'say "hi"\r',
    "<tag>&",
    'x\\"nosuchcmd\\": y',
    "t \\t u0009 \u2028",
    "p\\\\q \tqq",
]


def _mtail_counts(program: str, log: str, tmp: Path) -> dict[str, int]:
    """Run the real mtail once over `log` (from its start) and read the counters."""
    progs = tmp / "progs"
    progs.mkdir(exist_ok=True)
    (progs / "kbtui.mtail").write_text(program, encoding="utf-8")
    path = tmp / "in.log"
    path.write_text(log, encoding="utf-8", newline="")
    r = subprocess.run(
        [MTAIL, "--one_shot", "--one_shot_format=prometheus", "--progs", str(progs),
         "--logs", str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0 and "compile failed" not in r.stderr, r.stderr[-2000:]
    found = re.findall(
        r'^kb_signature_matches_total\{entry="([^"]+)"[^}]*\} (\S+)$', r.stdout, re.M
    )
    return {entry: int(float(value)) for entry, value in found}


@pytest.mark.skipif(MTAIL is None, reason="mtail is not installed (scripts/provision installs it)")
def test_real_mtail_counts_json_file_lines_as_it_counts_plain_lines(tmp_path: Path) -> None:
    """The exported program in the real mtail: each Docker json-file record counts exactly where
    the plain line counts, by RE2 (QA: `path "C:\\temp\\new" failed` counted on a plain log but
    never on a json-file one, and `r failed` counted a json-file `\\r failed`)."""
    import random

    rng = random.Random(20261202)
    lines = REAL_LINES + [
        "".join(rng.choices(LINE_ATOMS, k=rng.randint(1, 25))) for _ in range(400)
    ]
    entries = [
        Entry(id=f"t{n}", kind="incident", title="t", summary="s", body="", path="<t>",
              signatures=(pattern,))
        for n, pattern in enumerate(TRICKY)
    ]  # fmt: skip
    prog = build_program(entries)
    json_ok = {f"t{n}" for n, p in enumerate(TRICKY) if translate(p).json is not None}
    want = {
        f"t{n}": sum(_search(p, read_line(line)) for line in lines) for n, p in enumerate(TRICKY)
    }
    assert min(want.values()) > 0  # every signature has lines that match it
    # a first line that matches nothing: the series are created at 0 by it
    plain = _mtail_counts(prog.text, "".join(f"{x}\n" for x in ["-", *lines]), tmp_path)
    assert plain == want
    for encode in ENCODERS:
        records = "".join(encode(x) + "\n" for x in ["-", *lines])
        got = _mtail_counts(prog.text, records, tmp_path)
        assert {e: n for e, n in got.items() if e in json_ok} == {
            e: n for e, n in want.items() if e in json_ok
        }, encode.__name__


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


AMTOOL = shutil.which("amtool")
MQTT_PRODUCTS = {"emqx", "vernemq", "mosquitto"}


def _documented_alertmanager_config() -> str:
    """The Alertmanager YAML block of docs/fleet.md's deployment steps, as a user copies it."""
    import textwrap

    doc = (Path(__file__).resolve().parent.parent / "docs" / "fleet.md").read_text("utf-8")
    step = doc[doc.index("**Routes in Alertmanager**") :]
    block = re.search(r"```yaml\n(.*?)```", step, re.S)
    assert block is not None
    return textwrap.dedent(block.group(1))


def _python_route(route: dict, labels: dict[str, str]) -> list[str]:
    """Alertmanager's routing for this config's subset (`matchers` with = and =~, `continue`),
    used only when amtool is not installed."""

    def matches(r: dict) -> bool:
        for matcher in r.get("matchers", []):
            parts = re.fullmatch(r'(\w+)(=~|=)"(.*)"', matcher)
            assert parts is not None, matcher
            name, op, value = parts.groups()
            got = labels.get(name, "")
            if not (re.fullmatch(value, got) if op == "=~" else got == value):
                return False
        return True

    found: list[str] = []
    for child in route.get("routes", []):
        if matches(child):
            found += _python_route(child, labels)
            if not child.get("continue", False):
                break
    return found or [route["receiver"]]


def test_documented_alertmanager_routes_page_every_critical_alert(tmp_path: Path) -> None:
    """docs/fleet.md's Alertmanager tree, in amtool: a critical alert reaches the pager whatever
    its product, and every alert its product's team (QA: the product routes came first without
    `continue: true`, so 6 of the bundled KB's 9 critical alerts never paged)."""
    config = tmp_path / "am.yml"
    config.write_text(_documented_alertmanager_config(), "utf-8")
    rules = build_rules(BUNDLED.entries.values(), base_url="https://kb.example.com/")
    bundled = {
        (r["labels"]["product"], r["labels"]["severity"])
        for r in rules.groups["groups"][0]["rules"]
    }
    assert ("rabbitmq", "critical") in bundled and ("mosquitto", "critical") in bundled
    products = {p for p, _ in bundled} | {"no-such-product"}
    cases = bundled | {(p, s) for p in products for s in ("critical", "warning", "info")}
    if AMTOOL is not None:
        checked = subprocess.run(
            [AMTOOL, "check-config", str(config)], capture_output=True, text=True, timeout=60
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    tree = yaml.safe_load(config.read_text("utf-8"))["route"]
    for product, severity in sorted(cases):
        team = (
            "mqtt-oncall"
            if product in MQTT_PRODUCTS
            else "amqp-oncall"
            if product == "rabbitmq"
            else None
        )
        want = (["pager"] if severity == "critical" else []) + ([team] if team else [])
        labels = {"alertname": "KbKnownProblem", "product": product, "severity": severity}
        if AMTOOL is None:
            got = _python_route(tree, labels)
        else:
            r = subprocess.run(
                [AMTOOL, "config", "routes", "test", f"--config.file={config}",
                 *(f"{k}={v}" for k, v in labels.items())],
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            assert r.returncode == 0, r.stderr
            got = r.stdout.strip().split(",")
        assert got == (want or ["default"]), (product, severity)

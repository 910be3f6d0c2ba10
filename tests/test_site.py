"""Static site export without a browser: safety of the renderer, check wording, output layout,
links, determinism, template overrides and the atomic replacement of the output folder.

Browser tests (search, language switch, trees with JavaScript off, XSS) are in
tests/test_site_browser.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html.parser
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from kb.checks.explain import explain
from kb.errors import UserError
from kb.loader import load_kb
from kb.model import CheckSpec, Entry
from kb.site import cjk, render
from kb.site.export import export_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site_kb"


@pytest.fixture(scope="module")
def fixture_kb():
    kbase = load_kb([FIXTURE])
    assert not [p for p in kbase.problems if p.severity == "error"], kbase.problems
    assert "emqx-monotonic-time-stepped-backwards" in kbase.entries
    return kbase


@pytest.fixture(scope="module")
def site(tmp_path_factory, fixture_kb) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    export_site(fixture_kb, out, base_url="https://kb.example.com/docs/")
    return out


# --- renderer -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://example.com/a", True),
        ("http://example.com", True),
        ("mailto:ops@example.com", True),
        ("../entries/x.html", True),
        ("x.html#frag", True),
        ("#frag", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("vbscript:x", False),
        ("data:text/html,<script>", False),
        ("file:///etc/passwd", False),
        ("//evil.example.com/x", False),
        ("ftp://example.com", False),
    ],
)
def test_safe_url(url, ok):
    assert render.safe_url(url) is ok


def test_markdown_escapes_html_and_drops_unsafe_links():
    out = render.markdown(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[a](javascript:alert(1)) [b](https://ok.example/) ![c](https://img.example/p.png) "
        "![d](local.png)"
    )
    assert "<script" not in out and "<img src=x" not in out
    assert "&lt;script&gt;" in out
    assert 'href="javascript' not in out.lower()
    assert '<a href="https://ok.example/" rel="noopener noreferrer">b</a>' in out
    # an external picture becomes a link: the site makes no request to another origin
    assert '<a href="https://img.example/p.png" rel="noopener noreferrer">c</a>' in out
    assert '<img src="local.png" alt="d"' in out


def test_links_to_another_entrys_file_point_at_its_page_wherever_they_are():
    """Entries link each other as files (`[x](other-id.md)`, for readers of the Markdown); on
    the site the link goes to the page, in a paragraph, a list item or a table cell alike."""

    def linker(entry_id: str) -> str | None:
        return f"{entry_id}.html" if entry_id in ("known-entry",) else None

    out = render.markdown(
        "See [it](known-entry.md).\n\n- item: [it](known-entry.md#fix)\n\n"
        "  - nested [it](./known-entry.md)\n\n| a |\n| - |\n| [it](known-entry.md) |\n\n"
        "[other](unknown-entry.md) [file](notes.txt)",
        linker,
    )
    assert out.count('href="known-entry.html"') == 3 and 'href="known-entry.html#fix"' in out
    assert 'href="unknown-entry.md"' in out and 'href="notes.txt"' in out


def test_cjk_bigrams_match_the_query_split():
    assert cjk.bigrams("EMQX 时钟回拨 test 钟") == ["时钟", "钟回", "回拨", "钟"]
    assert cjk.index_text("时钟回拨，时钟") == "时钟 钟回 回拨"
    js = (ROOT / "assets" / "site" / "static" / "search.js").read_text()
    # the character ranges of the query splitter must equal the indexer's
    ranges = re.search(r"var CJK = /\[(.+?)\]\+/g;", js).group(1)
    assert ranges == cjk.CJK_RUN.pattern[1:-2]


def _zh_entry(zh_title: str, zh_body: str, body: str = "Hello") -> Entry:
    from kb.model import Translation

    return Entry(
        id="clock-entry",
        kind="incident",
        title="Clock stepped back",
        summary="The `host` clock",
        body=body,
        path="x.md",
        tags=("clock",),
        symptoms=("clock moved",),
        translations={"zh": Translation("zh", "x.zh.md", zh_title, "摘要", zh_body)},
    )


def test_traditional_chinese_is_folded_in_the_index_and_for_queries(tmp_path):
    """`kb search` folds Traditional to Simplified (assets/search/t2s.txt) in entries and queries;
    the site folds the index's bigrams, and ships the part of the table its queries need."""
    from kb.site.search import record_content

    assert cjk.fold("時鐘回撥 EMQX") == "时钟回拨 EMQX"
    trad, simp = cjk.t2s_pairs(set("时钟回拨"))
    assert "鐘" in trad and "撥" in trad and len(trad) == len(simp) and set(simp) <= set("时钟回拨")
    content = record_content(_zh_entry("時鐘回撥", "宿主機發生時鐘回撥"))
    assert "时钟 钟回 回拨" in content  # found by the folded query's bigrams
    out = tmp_path / "site"
    export_site([_zh_entry("時鐘回撥", "宿主機")], out)
    script = (out / "t2s.js").read_text()
    table = json.loads(script.split("window.kbT2S=", 1)[1].rstrip(";\n"))
    assert "鐘" in table[0] and len(table[0]) == len(table[1])
    assert "Apache-2.0" in script and "Apache License" in (out / "t2s.LICENSE.txt").read_text()
    assert 'src="t2s.js"' in (out / "search.html").read_text()


def test_record_content_puts_the_prose_first():
    """Results quote only the record's prose (the English summary, symptoms and body), which
    static/search.js finds before the English title repeated three times; titles, id, tags and
    Chinese bigrams come after it. No copy of the text goes in the meta: Pagefind indexes meta
    values as words, and a long one moved results around."""
    from kb.site.search import record_content, record_meta

    e = _zh_entry("时钟回拨", "宿主机发生时钟回拨", "Body\ttext\u200bhere")
    words = record_content(e).split()
    prose = ["The", "`host`", "clock", "clock", "moved", "Body", "text", "here"]
    assert words[: len(prose) + 9] == prose + ["Clock", "stepped", "back"] * 3
    assert "\t" not in record_content(e) and "\u200b" not in record_content(e)
    assert sorted(record_meta(e)) == ["id", "kind", "summary", "summary_zh", "title", "title_zh"]


# --- check wording ------------------------------------------------------------------------------


def _documented_kinds() -> list[str]:
    text = (ROOT / "docs" / "checks.md").read_text()
    return sorted(set(re.findall(r"^\| `([a-z]+\.[a-z_]+)` \|", text, flags=re.M)))


def test_every_documented_kind_has_its_own_wording():
    kinds = _documented_kinds()
    assert len(kinds) >= 18, kinds
    for kind in kinds:
        for lang in ("en", "zh"):
            spec = CheckSpec(
                id="c", kind=kind, title="t", params={"container": "emqx", "port": 1883}
            )
            text = explain(spec, lang)
            generic = f"`{kind}`"
            assert generic not in text.looks_at, (kind, lang, text.looks_at)
            assert text.healthy and text.problem and text.error and text.skip


def test_check_wording_uses_params_and_on_fail():
    spec = CheckSpec(
        id="erl",
        kind="docker.env",
        title="t",
        params={"container": "broker", "name": "ERL_FLAGS", "contains": "+c false"},
        on_fail="warn",
    )
    en = explain(spec, "en")
    assert "`ERL_FLAGS`" in en.looks_at and "`broker`" in en.looks_at
    assert "contains `+c false`" in en.healthy
    assert en.problem_status == "warn" and "warning" in en.problem
    zh = explain(spec, "zh")
    assert "`ERL_FLAGS`" in zh.looks_at and "包含 `+c false`" in zh.healthy
    logs = explain(
        CheckSpec(id="l", kind="docker.logs", title="t", params={"signatures": True, "tail": 500}),
        "en",
    )
    assert "last 500 lines" in logs.looks_at and "signatures" in logs.healthy
    assert logs.healthy == "none of this entry's log signatures appear"
    rt = explain(CheckSpec(id="r", kind="mqtt.roundtrip", title="t"), "en")
    assert rt.active


# --- the exported site --------------------------------------------------------------------------


def test_layout(site: Path):
    eid = "emqx-monotonic-time-stepped-backwards"
    for path in [
        "index.html",
        "zh/index.html",
        "search.html",
        f"entries/{eid}.html",
        f"zh/entries/{eid}.html",
        "products/index.html",
        "products/emqx.html",
        "zh/products/emqx.html",
        "tags/index.html",
        "tags/clock.html",
        f"trees/{eid}/running.html",
        "trees/tree-site-fixture/start.html",
        "zh/trees/tree-site-fixture/clock.html",
        "static/site.css",
        "static/search.js",
        "pagefind/pagefind.js",
        "sitemap.xml",
    ]:
        assert (site / path).is_file(), path
    # Pagefind's own UIs build HTML from strings; we ship only the API
    assert not (site / "pagefind" / "pagefind-ui.js").exists()


def test_entry_page_content(site: Path):
    page = (site / "entries" / "emqx-monotonic-time-stepped-backwards.html").read_text()
    assert "<h1>EMQX exits with &#34;OS monotonic time stepped backwards&#34;</h1>" in page
    assert 'href="../zh/entries/emqx-monotonic-time-stepped-backwards.html"' in page
    assert 'href="../entries/site-fixture-faq.html"' not in page  # same folder: no ../entries
    assert 'href="site-fixture-faq.html"' in page  # related
    assert "<table>" in page
    # checks in plain words
    assert "the state of container <code>emqx</code>" in page
    assert "the last 500 lines of container <code>emqx</code>" in page
    assert 'status-warn">warn</code> the healthy expectation does not hold' in page
    assert "Run <code>kb check emqx-monotonic-time-stepped-backwards</code>" in page
    # tree outline with anchors
    assert 'id="node-fix-clock"' in page and 'href="#node-clock"' in page
    zh = (site / "zh" / "entries" / "emqx-monotonic-time-stepped-backwards.html").read_text()
    assert (
        '<html lang="zh"' in zh and "宿主机时钟回拨" in zh and "容器 <code>emqx</code> 的状态" in zh
    )
    assert "EMQX 容器正在运行" in zh  # translated check title


def test_tree_step_pages(site: Path):
    start = (site / "trees" / "tree-site-fixture" / "start.html").read_text()
    # the step's own check, not every check of the entry (QA pass 32)
    assert "Run <code>kb check tree-site-fixture#port-open</code> to answer this." in start
    assert 'href="crashed.html"' in start and 'href="up.html"' in start
    crashed = (site / "trees" / "tree-site-fixture" / "crashed.html").read_text()
    # a check borrowed from another entry: run that entry's check
    assert (
        "Run <code>kb check emqx-monotonic-time-stepped-backwards#container-running</code>"
        in crashed
    )
    end = (site / "trees" / "tree-site-fixture" / "clock.html").read_text()
    assert "Check the host clock" in end
    assert 'href="../../entries/emqx-monotonic-time-stepped-backwards.html"' in end
    zh = (
        site / "zh" / "trees" / "emqx-monotonic-time-stepped-backwards" / "running.html"
    ).read_text()
    assert "EMQX 容器是否仍在运行？" in zh and "是，仍在运行" in zh


def test_home_lists_products_trees_and_recent(site: Path):
    home = (site / "index.html").read_text()
    assert 'href="products/emqx.html"' in home
    assert 'href="trees/tree-site-fixture/start.html"' in home  # kind: tree first
    recent = re.findall(r'<li><a href="entries/([a-z0-9-]+)\.html">', home)
    assert recent[0] == "tree-site-fixture"  # updated 2026-11-21, the newest
    assert 'data-root="./"' in home


def _html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attr, value)
        self.ids: set[str] = set()
        self.csp = False

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        if "id" in d:
            self.ids.add(d["id"] or "")
        if tag == "link" and d.get("rel") in ("canonical", "alternate"):
            tag = "link-rel"  # names a URL, loads nothing
        for attr in ("href", "src", "action"):
            if d.get(attr) is not None:
                self.refs.append((tag, attr, d[attr]))
        if tag == "meta" and (d.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = "default-src 'none'" in (d.get("content") or "")


def test_no_broken_links_and_no_external_requests(site: Path):
    """Walk every page: each relative link (and #fragment) resolves inside the export."""
    parsed: dict[Path, _Links] = {}
    for f in _html_files(site):
        p = _Links()
        p.feed(f.read_text(encoding="utf-8"))
        parsed[f] = p
    checked = 0
    for f, p in parsed.items():
        assert p.csp or f.name == "index.html" and "redirect" in f.read_text(), f
        for tag, _attr, value in p.refs:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https", "mailto"):
                # only plain links may leave the site; nothing is loaded from elsewhere
                assert tag in ("a", "link-rel"), (f, tag, value)
                continue
            if parts.scheme == "data":
                assert tag == "link" and value == "data:,", (f, value)
                continue
            assert not parts.scheme and not parts.netloc, (f, value)
            if parts.path.startswith("/"):
                # only the 404 page, which is served at any address, links from the site root
                assert f.name == "404.html", (f, value)
                target = (site / unquote(parts.path.removeprefix("/docs/"))).resolve()
            else:
                target = (f.parent / unquote(parts.path)).resolve() if parts.path else f
            assert target.is_file(), f"{f.relative_to(site)}: broken link {value}"
            assert site.resolve() in target.parents, f"{f}: link leaves the site: {value}"
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                assert parts.fragment in ids, f"{f.relative_to(site)}: missing anchor {value}"
            checked += 1
    assert checked > 500


def test_sitemap_lists_every_page(site: Path):
    xml = (site / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>(.*?)</loc>", xml)
    pages = {
        f.relative_to(site).as_posix()
        for f in _html_files(site)
        if f.name not in ("search.html", "404.html")
    }
    assert {loc.removeprefix("https://kb.example.com/docs/") for loc in locs} == pages
    assert "<lastmod>2026-11-20</lastmod>" in xml
    page = (site / "entries" / "site-fixture-faq.html").read_text()
    assert (
        '<link rel="canonical" href="https://kb.example.com/docs/entries/site-fixture-faq.html">'
        in page
    )
    assert (
        'hreflang="zh" href="https://kb.example.com/docs/zh/entries/site-fixture-faq.html"' in page
    )


def _digest(folder: Path) -> dict[str, str]:
    return {
        f.relative_to(folder).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.rglob("*"))
        if f.is_file()
    }


def test_deterministic(tmp_path, fixture_kb, site):
    again = tmp_path / "again"
    # same input in a different order, written elsewhere: the same bytes
    entries = sorted(fixture_kb.entries.values(), key=lambda e: e.id, reverse=True)
    export_site(entries, again, base_url="https://kb.example.com/docs/")
    a, b = _digest(site), _digest(again)
    assert a == b
    assert any(k.startswith("pagefind/index/") for k in a)


# --- templates, output folder -------------------------------------------------------------------


def test_user_templates_override_file_by_file(tmp_path, fixture_kb, monkeypatch):
    monkeypatch.setenv("KBTUI_HOME", str(tmp_path / "home"))
    user = tmp_path / "home" / "config" / "templates"
    (user / "static").mkdir(parents=True)
    (user / "static" / "site.css").write_text("body { color: rebeccapurple; }\n")
    (user / "home.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Our own home</h1>{% endblock %}'
    )
    explicit = tmp_path / "explicit"
    explicit.mkdir()
    (explicit / "products.html").write_text(
        '{% extends "base.html" %}{% block main %}<p>explicit products</p>{% endblock %}'
    )
    out = tmp_path / "out"
    export_site(fixture_kb, out, templates=explicit, search=False)
    assert "<h1>Our own home</h1>" in (out / "index.html").read_text()
    assert "rebeccapurple" in (out / "static" / "site.css").read_text()
    assert (out / "static" / "search.js").is_file()  # not overridden: the packaged one
    assert "explicit products" in (out / "products" / "index.html").read_text()
    assert (
        "<h1>EMQX exits"
        in (out / "entries" / "emqx-monotonic-time-stepped-backwards.html").read_text()
    )


def test_output_replaced_atomically(tmp_path, fixture_kb):
    out = tmp_path / "out"
    export_site(fixture_kb, out, search=False)
    (out / "stale.html").write_text("old")
    export_site(fixture_kb, out, search=False)
    assert not (out / "stale.html").exists()
    before = _digest(out)
    # a build that fails half-way leaves the previous site untouched and no temp folder behind
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "tree_node.html").write_text("{{ no_such_variable }}")
    with pytest.raises(Exception, match="no_such_variable"):
        export_site(fixture_kb, out, templates=broken, search=False)
    assert _digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "out"]


def test_refuses_a_foreign_folder(tmp_path, fixture_kb):
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(UserError, match="not written by `kb export site`"):
        export_site(fixture_kb, precious, search=False)
    assert (precious / "notes.txt").read_text() == "keep me"
    empty = tmp_path / "empty"
    empty.mkdir()
    export_site(fixture_kb, empty, search=False)
    assert (empty / "index.html").is_file()


def test_single_language_export(tmp_path, fixture_kb):
    out = tmp_path / "zh-only"
    export_site(fixture_kb, out, langs=("zh",), search=False)
    assert (out / "zh" / "index.html").is_file()
    assert not (out / "entries").exists()
    assert "url=zh/index.html" in (out / "index.html").read_text()
    page = (out / "zh" / "entries" / "site-fixture-faq.html").read_text()
    assert "本条目尚未翻译" in page and 'lang="en"' in page
    assert "lang-switch" not in page


def test_entries_built_in_code_export(tmp_path):
    """The exporter takes plain Entry objects too (no loader involved)."""
    e = Entry(
        id="plain-entry",
        kind="faq",
        title="Plain",
        summary="S",
        body="Hello",
        path="x.md",
        products=("odd product!",),
        updated=dt.date(2026, 1, 2),
    )
    out = tmp_path / "plain"
    export_site([e], out)
    assert (out / "products" / "odd-product.html").is_file()
    assert "Hello" in (out / "entries" / "plain-entry.html").read_text()


def test_cli_export(tmp_path):
    env = dict(os.environ, KBTUI_HOME=str(tmp_path / "home"))
    out = tmp_path / "cli-site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kb.cli.main",
            "--kb",
            str(FIXTURE),
            "export",
            "site",
            str(out),
            "--lang",
            "en",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    import json

    summary = json.loads(proc.stdout)
    assert summary["pages"] > 0 and summary["sitemap"] is False
    assert summary["signatures"] > 0 and summary["signatures_left_out"] == 0
    assert (out / "entries" / "tree-site-fixture.html").is_file()
    assert not (out / "zh").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "kb.cli.main", "export", "site", str(tmp_path), "--no-search"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2
    # refused before the KB is even loaded: one line, saying what to do
    assert bad.stderr.startswith("kb: ") and bad.stderr.count("\n") == 1, bad.stderr
    assert "choose an empty or new folder" in bad.stderr


@pytest.mark.parametrize(
    "url", ["https://kb.example.com/docs?x=1", "https://kb.example.com/#top", "kb.example.com"]
)
def test_cli_refuses_a_base_url_page_paths_cannot_follow(tmp_path, url):
    """Canonical links and sitemap.xml are the base followed by a page's path, so a base with a
    ?query or #fragment is refused as `kb export alerts` refuses it (one line, exit 2)."""
    out = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "kb.cli.main", "export", "site", str(out), "--no-search"]
        + ["--base-url", url],
        capture_output=True,
        text=True,
        env={**os.environ, "KBTUI_HOME": str(tmp_path / "home")},
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("kb: --base-url ") and proc.stderr.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://x y/", "'x y' is not a host name or IP address"),
        ("https://-kb.example.com/", "is not a host name"),
        ("https://kb.exa!mple.com/", "is not a host name"),
        ('https://kb.example.com/a"b<c>/', "cannot hold '\"' '<' '>'"),
        ("https://kb.example.com/my docs/", "cannot hold ' '"),
        ("https://kb.example.com/a{b}/", "percent-encode it"),
        ("https://kb.example.com/50%/", "a % that starts no %XX escape"),
    ],
)
def test_base_url_with_an_invalid_host_or_path_is_refused(url, says):
    """`--base-url 'https://x y/'` was accepted and `https://x y/…` written into sitemap.xml,
    canonical links and alert runbook URLs."""
    from kb.cli.export import check_base_url

    with pytest.raises(UserError) as err:
        check_base_url(url)
    assert says in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://kb.example.com/docs/",
        "http://127.0.0.1:8000/",
        "http://[::1]:8000/kb/",
        "https://kb_docs/",
        "https://例子.测试/知识库/",
        "https://kb.example.com/my%20docs/",
    ],
)
def test_base_url_valid_hosts_are_accepted(url):
    from kb.cli.export import check_base_url

    assert check_base_url(url) == url


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("HTTPS://KB.Example.COM/", "https://kb.example.com/"),
        ("Http://KB.example.com:8080/Docs/", "http://kb.example.com:8080/Docs/"),
        ("HTTP://[::1]:8000/KB/", "http://[::1]:8000/KB/"),
    ],
)
def test_base_url_scheme_and_host_are_case_insensitive(url, normal, tmp_path):
    """`--base-url HTTPS://KB.Example.COM/` was refused ("must start with http:// or https://"):
    schemes and hosts are case-insensitive (RFC 3986). Accepted, and published in lower case."""
    from kb.cli.export import check_base_url

    assert check_base_url(url) == normal
    out = tmp_path / "site"
    args = ["--kb", str(FIXTURE), "export", "site", str(out), "--no-search", "--base-url", url]
    proc = subprocess.run(
        [sys.executable, "-m", "kb.cli.main", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, KBTUI_HOME=str(tmp_path / "home")),
    )
    assert proc.returncode == 0, proc.stderr
    locs = re.findall(r"<loc>([^<]*)</loc>", (out / "sitemap.xml").read_text())
    assert locs and all(loc.startswith(normal) for loc in locs), locs[:3]


def test_sitemap_and_canonical_links_are_rfc_3986_urls(tmp_path):
    """A Unicode base URL was written into sitemap.xml as it was typed; the sitemap protocol
    wants RFC 3986 URLs: the host in IDNA (punycode), the path percent-encoded."""
    from kb.fleet.alerts import runbook_url
    from kb.site.urls import ascii_url

    base = "https://xn--fsqu00a.xn--0zwm56d/%E7%9F%A5%E8%AF%86%E5%BA%93/"
    assert ascii_url("https://例子.测试/知识库/") == base
    assert ascii_url("https://例子.测试:8443/a%20b/知识库") == (
        "https://xn--fsqu00a.xn--0zwm56d:8443/a%20b/%E7%9F%A5%E8%AF%86%E5%BA%93"
    )
    assert ascii_url("https://kb.example.com/docs/") == "https://kb.example.com/docs/"
    assert runbook_url("https://例子.测试/知识库", "x", "zh") == base + "zh/entries/x.html"
    out = tmp_path / "site"
    e = Entry(id="plain-entry", kind="faq", title="T", summary="S", body="B", path="x.md")
    export_site([e], out, base_url="https://例子.测试/知识库/", search=False)
    sitemap = (out / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert locs and all(loc.startswith(base) and loc.isascii() for loc in locs), locs
    page = (out / "entries" / "plain-entry.html").read_text()
    assert f'<link rel="canonical" href="{base}entries/plain-entry.html">' in page

"""The exported site in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright;
Playwright never downloads a browser here). Served over http://127.0.0.1 and opened from file://.

Provisioning: scripts/provision.d/browser.sh installs chromium when it is missing.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from pathlib import Path

import pytest

from kb.loader import load_kb
from kb.paths import bundled_kb
from kb.site.export import export_site
from tests.helpers import SEARCHED_JS, run_kb

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site_kb"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TARGET = "emqx-monotonic-time-stepped-backwards"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _serve(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"!!! {CHROMIUM} is missing: run scripts/provision.d/browser.sh (as root) — "
            "browser tests of the static site did NOT run !!!"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _export(tmp_path_factory, sources: list[Path], name: str) -> Path:
    kbase = load_kb(sources)
    out = tmp_path_factory.mktemp(name) / "site"
    export_site(kbase, out)
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = _export(tmp_path_factory, [FIXTURE], "fixture-site")
    server = _serve(out)
    yield out, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory):
    """The bundled knowledge base exported once for the tests that search it."""
    out = _export(tmp_path_factory, [bundled_kb()], "bundled-site")
    server = _serve(out)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


class Watch:
    """Fails the test on any dialog, page error or console error (CSP violations included)."""

    def __init__(self, page, allow_console: tuple[str, ...] = ()) -> None:
        self.problems: list[str] = []
        self.allow = allow_console
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on("console", self._console)

    def _dialog(self, dialog) -> None:
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def _console(self, msg) -> None:
        if msg.type in ("error", "warning") and not any(a in msg.text for a in self.allow):
            self.problems.append(f"console {msg.type}: {msg.text}")


def _search(page, query: str) -> None:
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_function(SEARCHED_JS, arg=query, timeout=15000)


@pytest.mark.parametrize("query", ["monotonic time", "时钟回拨"])
def test_search_lands_on_the_entry(browser, site, query):
    _, base = site
    page = browser.new_page()
    watch = Watch(page)
    page.goto(base + "index.html")
    _search(page, query)
    first = page.locator(".search-results a.result-link").first
    first.click()
    page.wait_for_load_state()
    assert page.url == f"{base}entries/{TARGET}.html"
    assert page.locator("article").get_attribute("data-entry-id") == TARGET
    assert watch.problems == []
    page.close()


def test_search_from_chinese_pages_opens_chinese_entry(browser, site):
    _, base = site
    page = browser.new_page()
    watch = Watch(page)
    page.goto(base + "zh/search.html?q=" + "时钟回拨")
    # a function, not an expression string: the page's CSP forbids eval (Playwright's too)
    page.wait_for_function(SEARCHED_JS, arg="时钟回拨")
    link = page.locator(".search-results a.result-link").first
    assert link.inner_text().startswith("EMQX 报")  # Chinese title in Chinese pages
    link.click()
    page.wait_for_load_state()
    assert page.url == f"{base}zh/entries/{TARGET}.html"
    assert watch.problems == []


def test_search_without_match_says_so(browser, site):
    _, base = site
    page = browser.new_page()
    page.goto(base + "index.html")
    _search(page, "zzqxvw")
    assert page.locator(".search-status").inner_text() == "No entry matches."
    assert page.locator(".search-results li").count() == 0


def test_language_switch(browser, site):
    _, base = site
    page = browser.new_page()
    watch = Watch(page)
    page.goto(f"{base}entries/{TARGET}.html")
    page.click("a.lang-switch")
    assert page.url == f"{base}zh/entries/{TARGET}.html"
    assert page.locator("html").get_attribute("lang") == "zh"
    assert "后退出" in page.locator("h1").inner_text()
    page.click("a.lang-switch")
    assert page.url == f"{base}entries/{TARGET}.html"
    assert watch.problems == []


def test_file_url_navigation(browser, site):
    """Opened straight from disk: every link works; search says it needs HTTP."""
    out, _ = site
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    page.click("text=emqx")  # a product chip
    assert page.url.endswith("/products/emqx.html")
    page.click(f"a[href='../entries/{TARGET}.html']")
    assert page.url.endswith(f"/entries/{TARGET}.html")
    page.click("a.lang-switch")
    assert page.url.endswith(f"/zh/entries/{TARGET}.html")
    # the stylesheet loaded (relative path from a sub-folder under file://); the click returns
    # once the navigation commits, before the stylesheet is necessarily applied (a loaded CI
    # machine read "block" once)
    page.wait_for_load_state("load")
    color = page.evaluate("getComputedStyle(document.querySelector('header.top')).display")
    assert color == "flex"
    page.click("a.brand")
    assert page.url.endswith("/zh/index.html")
    page.fill("#q", "monotonic")
    page.press("#q", "Enter")
    status = page.locator(".search-status")
    status.wait_for()
    assert "HTTP" in status.inner_text()


def test_tree_walk_without_javascript(browser, site):
    _, base = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "index.html")
    page.click("ul.trees a:has-text('The broker container stopped unexpectedly')")
    assert page.url.endswith("/trees/tree-site-fixture/start.html")
    assert "kb check tree-site-fixture" in page.inner_text(".check-ref")
    page.click("a.option:has-text('No')")
    assert page.url.endswith("/trees/tree-site-fixture/crashed.html")
    page.click("a.option:has-text('It stopped')")
    assert page.url.endswith("/trees/tree-site-fixture/clock.html")
    assert "Check the host clock" in page.inner_text(".conclusion")
    page.click("a.button")  # the entry the conclusion points to
    assert page.url.endswith(f"/entries/{TARGET}.html")
    # and a Chinese walk through the entry's own tree
    page.goto(f"{base}zh/trees/{TARGET}/running.html")
    page.click("a.option:has-text('是，仍在运行')")
    page.click("a.option:has-text('是')")
    assert "修正宿主机时钟" in page.inner_text(".conclusion")
    context.close()


XSS_PAGES = [
    "entries/xss-probe-entry.html",
    "zh/entries/xss-probe-entry.html",
    "trees/xss-probe-entry/q.html",
    "trees/xss-probe-entry/a.html",
    "trees/xss-probe-entry/b.html",
    "zh/trees/xss-probe-entry/q.html",
    "products/emqx.html",
    "tags/security.html",
    "index.html",
    "zh/index.html",
]


@pytest.mark.parametrize("path", XSS_PAGES)
def test_xss_payloads_execute_nothing(browser, site, path):
    _, base = site
    page = browser.new_page()
    watch = Watch(page)
    page.goto(base + path)
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__xss") == "undefined"
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [
        h
        for h in hrefs
        if not h.startswith(("http://", "https://", "mailto:", "#")) and ":" in h.split("/")[0]
    ], hrefs
    assert page.locator("script:not([src])").count() == 0
    for link in page.locator("article a").all():
        link.hover()  # payloads that fire on mouse-over
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert watch.problems == []


def test_xss_payloads_in_search_results_execute_nothing(browser, site):
    _, base = site
    for home in ("index.html", "zh/index.html"):
        page = browser.new_page()
        watch = Watch(page)
        page.goto(base + home)
        _search(page, "xssprobe")
        results = page.locator(".search-results a.result-link")
        assert results.count() == 1
        assert "<script>" in results.first.inner_text()  # shown as text
        assert (
            page.locator(".search-results script, .search-results img, .search-results svg").count()
            == 0
        )
        results.first.hover()
        results.first.click()
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert watch.problems == []
        page.close()


def test_chinese_pages_search_the_index_as_the_english_pages_do(browser, bundled_site):
    """The index is one "en" index; Pagefind picks its query handling from <html lang>, and on the
    zh pages it once matched 回拨 in 79 entries and, after unrelated content changed the index, in
    none (the bundled 时钟回拨 search then found nothing there). The same query must list the same
    entries, in the same order, on both pages."""
    page = browser.new_page()
    watch = Watch(page)
    for query in ("时钟回拨", "回拨", "心跳超时", "权限"):
        found = {}
        for home in ("index.html", "zh/index.html"):
            page.goto(bundled_site + home)
            _search(page, query)
            hrefs = page.locator(".search-results a.result-link").evaluate_all(
                "links => links.map(a => a.getAttribute('href').split('/').pop())"
            )
            found[home] = hrefs
        assert found["index.html"], query
        assert found["zh/index.html"] == found["index.html"], (query, found)
    assert watch.problems == []


def test_bundled_kb_search(browser, bundled_site):
    """The real bundled knowledge base: both queries open the clock entry first."""
    if not (bundled_kb() / "emqx" / f"{TARGET}.md").is_file():
        pytest.skip(f"!!! bundled entry {TARGET} not written yet !!!")
    page = browser.new_page()
    watch = Watch(page)
    for home, query, lang_prefix in (
        ("index.html", "monotonic time", ""),
        ("index.html", "时钟回拨", ""),
        ("zh/index.html", "时钟回拨", "zh/"),
    ):
        page.goto(bundled_site + home)
        _search(page, query)
        page.locator(".search-results a.result-link").first.click()
        page.wait_for_load_state()
        assert page.url == f"{bundled_site}{lang_prefix}entries/{TARGET}.html", query
    assert watch.problems == []


def _results(page) -> list[dict]:
    """Each text result: its entry id, whether it is the best match, its excerpt (text and
    marks) and, for every mark, the characters just before and after it."""
    return page.locator(".text-results > li").evaluate_all(
        """items => items.map(li => {
            const ex = li.querySelector('p.excerpt');
            const marks = ex ? [...ex.querySelectorAll('mark')] : [];
            const near = node => node === null ? '' : node.textContent;
            return {
                id: li.querySelector('a.result-link').getAttribute('href').split('/').pop()
                    .replace(/\\.html$/, ''),
                title: li.querySelector('a.result-link').textContent,
                best: li.querySelector('.badge.best') !== null,
                excerpt: ex ? ex.textContent : '',
                marks: marks.map(m => m.textContent),
                around: marks.map(m => [near(m.previousSibling).slice(-1),
                                        near(m.nextSibling).slice(0, 1)]),
            };
        })"""
    )


# three bigrams in a row ("十分 分钟 钟左"): the index's Chinese, not anything a person wrote
BIGRAM_RUN = re.compile(r"(?:[\u4e00-\u9fff]{2} ){2}[\u4e00-\u9fff]{2}(?:\s|$)")


@pytest.mark.parametrize("home", ["search.html", "zh/search.html"])
def test_chinese_results_quote_readable_text(browser, bundled_site, home):
    """Pagefind's excerpt of a Chinese query quoted the hidden bigram field
    ("动十 十分 分钟 钟左 …"): a result quotes the entry's own Chinese, the run marked whole."""
    page = browser.new_page()
    watch = Watch(page)
    page.goto(bundled_site + home + "?q=时钟回拨")
    page.wait_for_function(SEARCHED_JS, arg="时钟回拨", timeout=15000)
    results = _results(page)
    assert results and results[0]["id"] == TARGET, results
    assert "时钟回拨" in results[0]["marks"], results[0]
    for r in results:
        assert r["excerpt"], r
        assert not BIGRAM_RUN.search(r["excerpt"]), r
        assert set(r["marks"]) <= {"时钟回拨", "时钟", "钟回", "回拨"}, r
    assert watch.problems == []
    page.close()


def test_english_excerpts_quote_prose_with_its_spaces(browser, bundled_site):
    """Excerpts ran words together ("OS monotonictimestepped backwards": the page dropped the
    spaces around each <mark>) and quoted the hidden title, id, product and tag text
    ("own log timeoption. docker container timezonedocker emqx")."""
    page = browser.new_page()
    watch = Watch(page)
    for query in ("monotonic time", "not authorised", "permission denied"):
        page.goto(bundled_site + "search.html?q=" + query)
        page.wait_for_function(SEARCHED_JS, arg=query, timeout=15000)
        results = _results(page)
        assert results, (query, page.locator(".search-status").inner_text())
        for r in results:
            text = r["excerpt"]
            assert "monotonictime" not in text and "timestepped" not in text, r
            assert "timezonedocker" not in text and "notauthorised" not in text, r
            assert r["title"] not in text, r  # the title was indexed three times after the prose
            for before, after in r["around"]:  # a marked word stands apart
                assert before in ("", " ", "…") and after in ("", " ", "…"), r
    assert watch.problems == []
    page.close()


@pytest.mark.parametrize("home", ["search.html", "zh/search.html"])
def test_traditional_chinese_query_is_folded_like_kb_search(browser, bundled_site, home):
    """`kb search 時鐘回撥` folds Traditional to Simplified (assets/search/t2s.txt); the site said
    "No entry matches". Now it lists what 时钟回拨 lists, its run marked in the excerpt."""
    page = browser.new_page()
    watch = Watch(page)
    found = {}
    for query in ("时钟回拨", "時鐘回撥"):
        page.goto(bundled_site + home + "?q=" + query)
        page.wait_for_function(SEARCHED_JS, arg=query, timeout=15000)
        found[query] = _results(page)
    assert [r["id"] for r in found["時鐘回撥"]] == [r["id"] for r in found["时钟回拨"]]
    assert found["時鐘回撥"][0]["id"] == TARGET
    assert "时钟回拨" in found["時鐘回撥"][0]["marks"]
    assert found["時鐘回撥"][0]["best"] == found["时钟回拨"][0]["best"]
    assert watch.problems == []
    page.close()


def test_best_match_does_not_depend_on_the_page_language(browser, bundled_site, tmp_path):
    """`search.html?q=时钟回拨` said "No confident answer" (it looked for 时钟回拨 in the English
    title and summary only) while the Chinese page and `kb search` call the clock entry the
    answer. The verdict is now taken from every language's title and summary."""
    proc = run_kb("search", "--json", "时钟回拨", env={"KBTUI_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    cli = json.loads(proc.stdout)
    assert cli[0]["id"] == TARGET and cli[0]["confident"] is True
    page = browser.new_page()
    verdicts = {}
    for query in ("时钟回拨", "時鐘回撥", "monotonic time"):
        for home in ("search.html", "zh/search.html"):
            page.goto(bundled_site + home + "?q=" + query)
            page.wait_for_function(SEARCHED_JS, arg=query, timeout=15000)
            results = _results(page)
            status = page.locator(".search-status").inner_text()
            verdicts[(query, home)] = (results[0]["id"], results[0]["best"])
            assert results[0]["best"] != ("No confident answer" in status or "没有把握" in status)
    assert set(verdicts.values()) == {(TARGET, True)}, verdicts
    page.close()


@pytest.mark.parametrize("home", ["search.html", "zh/search.html"])
def test_chinese_phrase_ranks_entries_holding_it_whole_first(browser, bundled_site, home, tmp_path):
    """端口被占用 is searched as its bigrams, which Pagefind found scattered: the Windows
    excluded-port-range entry (端口没被占用, 端口莫名被占用: every bigram, never the phrase) came
    first. Entries holding the phrase whole go first now (in their titles, then anywhere): the same
    first three as `kb search` (the three whose Chinese titles hold it; their order differs), then
    entries holding it in their text. Which of the eleven holders comes fourth follows each
    engine's statistics (it changed with session 30's entries), so the fourth is only asked to
    hold the phrase."""
    query = "端口被占用"
    proc = run_kb("search", "--json", query, env={"KBTUI_HOME": str(tmp_path)})
    assert proc.returncode in (0, 1), proc.stderr
    cli = json.loads(proc.stdout)
    assert cli[0]["id"] == "emqx-port-in-use-eaddrinuse", cli[:3]
    page = browser.new_page()
    watch = Watch(page)
    page.goto(bundled_site + home + "?q=" + query)
    page.wait_for_function(SEARCHED_JS, arg=query, timeout=15000)
    results = _results(page)
    ids = [r["id"] for r in results]
    # the entries holding the phrase (in their titles, then anywhere) go first, as in kb search
    kbase = load_kb([bundled_kb()])
    titled = {e.id for e in kbase.entries.values() if query in e.text("zh").title}
    holding = {
        e.id
        for e in kbase.entries.values()
        for lang in e.languages
        if query in e.text(lang).title + e.text(lang).summary + e.text(lang).body
        or any(query in s for s in e.text(lang).symptoms)
    }
    assert len(titled) == 3 and {h["id"] for h in cli[:3]} == titled, (cli[:3], titled)
    assert set(ids[:3]) == titled, (ids, titled)
    assert ids[3] in holding, (ids, sorted(holding))
    assert "docker-windows-port-excluded-range" not in ids[:4], ids
    if home.startswith("zh/"):
        assert query in results[0]["title"], results[0]
    assert query in results[0]["marks"], results[0]
    assert watch.problems == []
    page.close()


@pytest.mark.parametrize(
    "query",
    [
        "docker",
        "emqx",
        "connection refused",
        "guest user cannot login remotely",
        "EMQX 許可證過期",
        "磁盘满了",
        # a symptom several products' entries fit (kb search: rank.fits_other_product), and one
        # the first entry's title says
        "too many open files",
        "认证失败",
        "monotonic time",
    ],
)
def test_best_match_agrees_with_kb_search(browser, bundled_site, query, tmp_path):
    """ "Best match" was any first result whose title held each word: a bare product name
    (`docker`, `emqx`) or two common words got it where `kb search` is not confident, and
    `guest user cannot login remotely`, `EMQX 許可證過期`, `磁盘满了` did not where it is. The
    verdict now weighs the query's informative words (no product names) in the first result's
    titles and symptoms against the second result's, as indexer/rank.py does."""
    proc = run_kb("search", "--json", query, env={"KBTUI_HOME": str(tmp_path)})
    cli = json.loads(proc.stdout)
    confident = bool(cli) and cli[0]["confident"] is True
    page = browser.new_page()
    watch = Watch(page)
    page.goto(bundled_site + "search.html?q=" + query)
    page.wait_for_function(SEARCHED_JS, arg=query, timeout=15000)
    results = _results(page)
    assert results, query
    assert results[0]["best"] == confident, (query, results[0]["id"], cli[0]["id"])
    status = page.locator(".search-status").inner_text()
    assert ("No confident answer" in status) != confident, status
    assert watch.problems == []
    page.close()

"""The exported bundled knowledge base in real Chromium (Debian's /usr/bin/chromium via Playwright;
nothing downloaded): pasted logs, reachable results, phone layout, accessibility (axe-core from
npm, provisioned by scripts/provision.d/browser.sh), keyboard and Back behaviour.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kb.loader import load_kb
from kb.paths import bundled_kb
from kb.site.export import export_site
from tests.helpers import SEARCHED_JS, run_kb
from tests.test_site_browser import ARGS, CHROMIUM, Watch, _serve

pytestmark = pytest.mark.live

AXE = Path(os.environ.get("KBTUI_AXE_PREFIX", "/usr/local/share/kbtui/axe")) / (
    "node_modules/axe-core/axe.min.js"
)
# A real RabbitMQ log line (the report in issue #14, in the shape RabbitMQ 3.x writes it):
# timestamp, level, Erlang pids and addresses that no entry contains word for word.
AMQP_LINE = (
    "2023-01-05 10:11:12.123 [error] <0.19464.506> Error on AMQP connection <0.19464.506> "
    "(10.0.0.5:49152 -> 10.0.0.6:5672, state: starting): enotconn (socket is not connected)"
)
AMQP_ENTRY = "rabbitmq-enotconn-lb-tcp-health-check"
# `docker compose logs` of two services. The middle line is the one
# docker-seccomp-time64-operation-not-permitted's signature matches, and that signature is
# anchored to the line (`^(?:\S+\s+\|\s+)?Error obtaining system time\.?\s*$`): it can match
# only if the box keeps the log's line breaks.
COMPOSE_LOG = (
    "app-1       | 2024-05-01 12:00:00 INFO Starting app\n"
    "worker-1    | Error obtaining system time\n"
    "app-1       | 2024-05-01 12:00:01 ERROR AmqpConnectException: "
    "java.net.ConnectException: Connection refused\n"
)
SECCOMP_ENTRY = "docker-seccomp-time64-operation-not-permitted"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/provision.d/browser.sh as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundled-ux") / "site"
    kbase = load_kb([bundled_kb()])
    # Small shards, so that these tests search across merged Pagefind indexes as a large KB does.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("kb.site.search.SHARD_SIZE", 40)
        export_site(kbase, out)
    assert (out / "pagefind-2" / "pagefind.js").is_file()
    server = _serve(out)
    yield out, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def _wait_searched(page, query: str) -> None:
    page.wait_for_function(SEARCHED_JS, arg=query, timeout=20000)


def test_pasted_log_line_finds_its_entry_first(browser, bundled):
    _, base = bundled
    page = browser.new_page()
    watch = Watch(page)
    page.goto(base + "index.html")
    page.fill("#q", AMQP_LINE)  # the header box of an ordinary page
    page.press("#q", "Enter")
    _wait_searched(page, AMQP_LINE)
    first = page.locator(".log-results a.result-link").first
    assert first.get_attribute("href").endswith(f"entries/{AMQP_ENTRY}.html")
    # the matched log text is shown and marked
    assert "enotconn" in page.locator(".log-results li").first.locator("mark").inner_text()
    # the word search runs on the distinctive words, not on the whole line, and finds it too
    assert page.locator("#text-h").inner_text() == "Related entries"  # the log match is the answer
    words = page.locator(".search-words").inner_text()
    assert "10.0.0.5" not in words and "0.19464.506" not in words and "enotconn" in words
    texts = page.eval_on_selector_all(
        ".text-results a.result-link", "els => els.map(e => e.getAttribute('href'))"
    )
    assert any(h.endswith(f"{AMQP_ENTRY}.html") for h in texts[:3]), texts
    first.click()
    page.wait_for_load_state()
    assert page.url == f"{base}entries/{AMQP_ENTRY}.html"
    assert watch.problems == []


def _diagnosed(log: str, home: Path) -> dict[str, str]:
    """What `kb diagnose -` names for `log`: entry id -> the first line it matched."""
    proc = run_kb("diagnose", "--json", "-", input=log, env={"KBTUI_HOME": str(home)})
    assert proc.returncode == 0, proc.stderr
    return {d["id"]: d["lines"][0]["text"] for d in json.loads(proc.stdout)}


def _log_matches(page) -> dict[str, str]:
    """The site's "Matches your log": entry id -> the log line shown under it."""
    found = {}
    for li in page.locator(".log-results li").all():
        href = li.locator("a.result-link").get_attribute("href")
        found[href.rsplit("/", 1)[-1].removesuffix(".html")] = li.locator(".matched").inner_text()
    return found


def test_pasted_multiline_log_matches_as_kb_diagnose_does_on_a_phone(browser, bundled, tmp_path):
    """A log pasted from the clipboard (Ctrl+V, the real clipboard) keeps its lines: the entries
    `kb diagnose` names are "Matches your log", each with its own matching line, not the paste.
    A single-line search input glued the lines and the anchored signature never matched."""
    _, base = bundled
    expected = _diagnosed(COMPOSE_LOG, tmp_path)
    assert SECCOMP_ENTRY in expected and len(expected) == 2, expected
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    page = context.new_page()
    watch = Watch(page)
    page.goto(base + "search.html")
    box = page.locator("#q")
    one_row = box.bounding_box()["height"]
    assert 44 <= one_row < 60  # empty, the box is one row, like a search field
    page.evaluate("text => navigator.clipboard.writeText(text)", COMPOSE_LOG)
    box.focus()
    page.keyboard.press("Control+V")
    _wait_searched(page, COMPOSE_LOG)  # searched as pasted, line breaks and all
    assert page.input_value("#q") == COMPOSE_LOG
    assert box.bounding_box()["height"] > 2 * one_row  # it grew to show the log
    assert _log_matches(page) == expected
    assert expected[SECCOMP_ENTRY] == "worker-1    | Error obtaining system time"
    assert page.locator(".search-status").inner_text().startswith("Matches your log: 2.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # the query kept in the URL keeps the lines too: a reload (or Back) searches the same log
    page.reload()
    _wait_searched(page, COMPOSE_LOG)
    assert _log_matches(page) == expected
    assert watch.problems == []
    context.close()


def test_a_coloured_log_matches_as_kb_diagnose_does(browser, bundled, tmp_path):
    """QA pass 32: a log pasted with its colour codes matched nothing on the site, while `kb
    diagnose` (which takes the codes out of each line) named its entry: `\x1b[31mOS monotonic`
    has no word boundary before `OS`. The site strips them by the core's own pattern."""
    _, base = bundled
    log = (
        "2024-01-01T00:00:00.000Z \x1b[1;31m[critical]\x1b[0m \x1b[31mOS monotonic time stepped"
        " backwards! Maybe add '+c false' in vm.args\x1b[0m\n"
    )
    expected = _diagnosed(log, tmp_path)
    assert list(expected) == ["emqx-monotonic-time-stepped-backwards"], expected
    page = browser.new_page()
    watch = Watch(page)
    page.goto(base + "search.html")
    page.fill("#q", log)
    _wait_searched(page, log)
    assert _log_matches(page) == expected  # the line shown as kb diagnose shows it: no codes
    assert watch.problems == []
    page.close()


def test_a_long_log_line_matches_wherever_its_known_part_is(browser, bundled, tmp_path):
    """QA pass 32: each line was searched in its first 2 000 characters only, so a JSON log line
    with a stack trace before its message matched nothing (`kb diagnose` names its entry); and
    a matching line was shown from its start, cut at 300 characters, so a match further in had
    an empty mark. Long lines are searched in overlapping windows, shown from near the match."""
    _, base = bundled
    trace = "at io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead(x.java:379) "
    page = browser.new_page()
    watch = Watch(page)
    page.goto(base + "search.html")
    for before in (trace * 90, trace * 12):  # 7 200 characters; 960, under the old clip
        line = '{"level":"error","stack":"' + before + '","msg":"' + AMQP_LINE + '"}'
        assert list(_diagnosed(line + "\n", tmp_path)) == [AMQP_ENTRY]
        page.fill("#q", line)
        _wait_searched(page, line)
        assert list(_log_matches(page)) == [AMQP_ENTRY], len(line)
        shown = page.locator(".log-results li .matched").first
        mark = shown.locator("mark").inner_text()
        assert mark.startswith("Error on AMQP connection <0.19464.506>"), mark
        assert mark.endswith("enotconn"), mark
        assert len(shown.inner_text()) <= 302 and shown.inner_text().startswith("…")
    # a window's edges are not the line's: the seccomp signature (`^…time\.?\s*$`) does not match
    # where a window starts at "Error" and ends after spaces, in the middle of a line
    anchored = "y" * 999 + " Error obtaining system time" + " " * 1973 + "z" * 100
    page.fill("#q", anchored)
    _wait_searched(page, anchored)
    assert _log_matches(page) == {}
    proc = run_kb("diagnose", "--json", "-", input=anchored, env={"KBTUI_HOME": str(tmp_path)})
    assert json.loads(proc.stdout) == []  # nor does kb diagnose
    page.fill("#q", anchored.strip("yz "))  # the line alone
    _wait_searched(page, anchored.strip("yz "))
    assert list(_log_matches(page)) == [SECCOMP_ENTRY]
    assert watch.problems == []
    page.close()


def test_searched_for_names_chinese_runs_not_their_bigrams(browser, bundled):
    """QA pass 32: a long query with Chinese in it said "Searched for: 时钟 钟回 回拨 …", the
    index's bigrams, as if those were the words it looked for."""
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "search.html")
    query = "2024-05-01 12:00:00.123 [error] emqx node 时钟回拨 detected, monotonic clock went back"
    page.fill("#q", query)
    _wait_searched(page, query)
    words = page.locator(".search-words").inner_text()
    assert "时钟回拨" in words and "钟回" not in words.replace("时钟回拨", ""), words
    assert "monotonic" in words
    page.close()


def test_chinese_status_lines_are_chinese_sentences(browser, bundled):
    """QA pass 32: the Chinese search page said "与你的日志匹配: 1. 12 条结果. 没有把握…",
    English punctuation glued to Chinese words; the sentences now come whole from
    kb/site/strings.py."""
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "zh/search.html")
    page.fill("#q", "磁盘满了")
    _wait_searched(page, "磁盘满了")
    status = page.locator(".search-status").inner_text()
    assert re.fullmatch(r"\d+ 条结果。没有把握很大的答案：以下条目仅供参考。", status), status
    page.fill("#q", AMQP_LINE)
    _wait_searched(page, AMQP_LINE)
    status = page.locator(".search-status").inner_text()
    assert status.startswith("与你的日志匹配：1 条。") and ". " not in status, status
    page.goto(base + "search.html")
    page.fill("#q", AMQP_LINE)
    _wait_searched(page, AMQP_LINE)
    assert page.locator(".search-status").inner_text().startswith("Matches your log: 1. ")
    page.close()


def test_the_language_link_of_the_search_page_keeps_the_search(browser, bundled):
    """QA pass 32: 中文 on a search page opened the Chinese search page empty."""
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "search.html")
    page.fill("#q", "connection refused")
    _wait_searched(page, "connection refused")
    page.locator("a.lang-switch").click()
    _wait_searched(page, "connection refused")
    assert page.url.startswith(base + "zh/search.html?q=connection")
    assert page.input_value("#q") == "connection refused"
    assert page.locator(".text-results li").count() > 0
    log = _long_log(50)  # kept in the tab (?k=), not in the address
    page.evaluate(
        "t => { const b = document.querySelector('#q'); b.value = t;"
        " b.dispatchEvent(new Event('input', {bubbles: true})); }",
        log,
    )
    _wait_searched(page, log)
    assert "k=" in page.url
    page.locator("a.lang-switch").click()
    _wait_searched(page, log)
    assert page.url.startswith(base + "search.html?k=") and page.input_value("#q") == log
    page.close()


def test_multiline_log_by_keyboard_from_the_header_box(browser, bundled, tmp_path):
    """Keyboard only, from an ordinary page's header box: Shift+Enter starts a new line, Enter
    searches (on search.html, with the lines kept); ↓ moves down the log and, from its last line,
    to the first result."""
    _, base = bundled
    lines = COMPOSE_LOG.splitlines()
    expected = _diagnosed(COMPOSE_LOG, tmp_path)
    page = browser.new_page()
    watch = Watch(page)
    page.goto(base + f"entries/{AMQP_ENTRY}.html")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    for i, line in enumerate(lines):
        if i:
            page.keyboard.press("Shift+Enter")
        page.keyboard.type(line)
    assert page.input_value("#q") == "\n".join(lines)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path.endswith("/search.html")
    _wait_searched(page, "\n".join(lines))
    assert _log_matches(page) == expected
    page.focus("#q")
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")  # caret to the second line, focus stays in the box
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("Control+End")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.className") == "result-link"
    assert watch.problems == []
    page.close()


def _long_log(lines: int) -> str:
    """A `docker compose` log of `lines` lines, the seccomp line in the middle."""
    out = [
        f"app-1       | 2024-05-01 12:{i // 60 % 60:02d}:{i % 60:02d} INFO request {i} handled in 3 ms"
        for i in range(lines)
    ]
    out[lines // 2] = "worker-1    | Error obtaining system time"
    return "\n".join(out)


def test_long_paste_stays_out_of_the_address(browser, bundled):
    """A 700-line paste went whole into search.html?q=…: from an entry page's header box (a GET
    form) the server answered 414 URI Too Long, and so did Back and reload. A long query is kept
    in the tab (sessionStorage, history.state) under a short key; Back and reload find it."""
    _, base = bundled
    log = _long_log(700)
    assert len(log) > 40000
    page = browser.new_page()
    watch = Watch(page)
    page.goto(base + f"entries/{AMQP_ENTRY}.html")
    page.fill("#q", log)
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert urlsplit(page.url).path.endswith("/search.html")
    assert len(page.url) < 200, page.url[:300]
    _wait_searched(page, log)
    assert page.input_value("#q") == log
    assert SECCOMP_ENTRY in _log_matches(page)
    # on the search page itself: a short query is a link, a long one a key
    page.fill("#q", "monotonic time")
    _wait_searched(page, "monotonic time")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["monotonic time"]
    page.fill("#q", log)
    _wait_searched(page, log)
    assert len(page.url) < 200, page.url[:300]
    # open a result, come Back: the same paste and results; reload: the same
    page.locator(".log-results a.result-link").first.click()
    page.wait_for_load_state()
    assert "/entries/" in page.url
    page.go_back()
    _wait_searched(page, log)
    assert page.input_value("#q") == log
    assert SECCOMP_ENTRY in _log_matches(page)
    page.reload()
    _wait_searched(page, log)
    assert page.input_value("#q") == log
    assert SECCOMP_ENTRY in _log_matches(page)
    assert watch.problems == []
    page.close()


def test_unmatched_log_falls_back_to_distinctive_words(browser, bundled):
    """A log line no signature matches (different wording) still finds the entry via its
    rarest words; Pagefind alone (every word required) found nothing for such lines."""
    _, base = bundled
    page = browser.new_page()
    line = (
        "2024-03-11 09:12:44.001 [warning] clientid=sensor-17 message dropped: "
        "message queue is full (max_mqueue_len=1000)"
    )
    page.goto(base + "search.html")
    page.fill("#q", line)
    _wait_searched(page, line)
    hrefs = page.eval_on_selector_all(
        ".search-results a.result-link", "els => els.map(e => e.getAttribute('href'))"
    )
    assert any("emqx-log-mqueue-full-dropped" in h for h in hrefs[:3]), hrefs
    # no signature matches this wording; reduced words are related reading, never the answer
    assert page.locator(".log-results li").count() == 0
    assert page.locator(".badge.best").count() == 0
    assert "No confident answer" in page.locator(".search-status").inner_text()


def test_topic_filter_query_finds_shared_subscription_entries(browser, bundled):
    """`$share/group/topic` is one token to Pagefind and found nothing; its words find the
    shared-subscription entries (as `kb search` does)."""
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "search.html?q=%24share%2Fgroup%2Ftopic")
    _wait_searched(page, "$share/group/topic")
    hrefs = page.eval_on_selector_all(
        ".text-results a.result-link", "els => els.map(e => e.getAttribute('href'))"
    )
    assert hrefs and all("shared-subscription" in h for h in hrefs[:2]), hrefs


def test_every_counted_result_is_reachable(browser, bundled):
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "search.html?q=emqx")
    _wait_searched(page, "emqx")
    status = page.locator(".search-status").inner_text()
    n = int(status.split()[0])
    assert n > 10, status  # more than one page of results
    more = page.locator("button.more-results")
    shown = page.locator(".text-results li").count()
    assert shown == 10
    while more.is_visible():
        more.click()
        page.wait_for_function(
            "n => document.querySelectorAll('.text-results li').length > n", arg=shown
        )
        shown = page.locator(".text-results li").count()
        # focus moves to the first new result, so keyboard users continue where they were
        assert page.evaluate("document.activeElement.className") == "result-link"
    assert shown == n
    ids = page.eval_on_selector_all(
        ".text-results a.result-link", "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(set(ids)) == n


def test_query_kept_in_url_and_after_back(browser, bundled):
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "search.html")
    page.locator("#q").press_sequentially("monotonic time", delay=20)  # typed, no Enter
    _wait_searched(page, "monotonic time")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["monotonic time"]
    # every typed word in the first result's title: a confident answer, as `kb search` says
    assert page.locator(".text-results li").first.locator(".badge.best").count() == 1
    # keyboard: down arrow to the first result, Enter opens it
    page.press("#q", "ArrowDown")
    focused = page.evaluate("document.activeElement.className")
    assert "result-link" in focused
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/entries/" in page.url
    page.go_back()
    _wait_searched(page, "monotonic time")
    assert page.input_value("#q") == "monotonic time"
    assert page.locator(".search-results a.result-link").count() > 0


def test_no_entry_page_overflows_on_a_phone(browser, bundled):
    out, base = bundled
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    wide = []
    pages = sorted(p.relative_to(out).as_posix() for p in out.glob("entries/*.html"))
    pages += sorted(p.relative_to(out).as_posix() for p in out.glob("zh/entries/*.html"))
    assert len(pages) >= 100
    for path in pages:
        page.goto(base + path, wait_until="domcontentloaded")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append((path, width))
    assert wide == []
    # touch targets: header links, tags and the search button are at least 44 px tall
    page.goto(base + f"entries/{AMQP_ENTRY}.html")
    for sel in ("header.top nav a", "a.tag", "form.search button", "a.permalink", "button.copy"):
        boxes = page.eval_on_selector_all(
            sel, "els => els.map(e => e.getBoundingClientRect().height)"
        )
        assert boxes and min(boxes) >= 44, (sel, boxes)
    context.close()


def test_code_blocks_are_focusable_and_highlighted(browser, bundled):
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "entries/emqx-monotonic-time-stepped-backwards.html")
    pres = page.locator("main pre")
    assert pres.count() > 0
    assert all(p.get_attribute("tabindex") == "0" for p in pres.all())
    assert page.locator("main pre span[class]").count() > 0  # Pygments tokens
    assert page.locator("main button.copy").count() == pres.count()
    assert page.locator("nav.toc a").count() >= 3
    assert page.locator("h2 a.permalink").count() >= 3


AXE_PAGES = [
    "index.html",
    "zh/index.html",
    "entries/emqx-monotonic-time-stepped-backwards.html",
    "zh/entries/emqx-monotonic-time-stepped-backwards.html",
    f"entries/{AMQP_ENTRY}.html",
    "trees/triage-broker-container-stopped/start.html",
    "search.html?q=monotonic",
    "products/emqx.html",
    "tags/index.html",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(browser, bundled, scheme):
    out, base = bundled
    assert AXE.is_file(), f"{AXE} missing: run scripts/provision.d/browser.sh"
    tree_pages = sorted(out.glob("trees/*/*.html"))
    assert tree_pages
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in AXE_PAGES:
        if path.startswith("trees/") and not (out / path).is_file():
            path = tree_pages[0].relative_to(out).as_posix()
        page.goto(base + path)
        if "?q=" in path:
            _wait_searched(page, parse_qs(urlsplit(path).query)["q"][0])
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"
        )
        if result:
            found[path] = result
    context.close()
    assert found == {}


# every result title link: its own display and, for each highlighted word, its display and the
# number of boxes it is drawn in (a word split across lines or letter by letter has several)
TITLE_LAYOUT_JS = """links => links.map(a => ({
    title: a.textContent,
    display: getComputedStyle(a).display,
    height: a.getBoundingClientRect().height,
    marks: [...a.querySelectorAll('mark')].map(m => ({
        text: m.textContent, display: getComputedStyle(m).display,
        boxes: m.getClientRects().length, width: m.getBoundingClientRect().width})),
}))"""


@pytest.mark.parametrize(
    ("width", "path", "query"),
    [
        (375, "search.html", "not authorised"),
        (1000, "search.html", "monotonic time"),
        (375, "zh/search.html", "时钟回拨"),
    ],
)
def test_result_titles_wrap_as_text_with_inline_highlights(browser, bundled, width, path, query):
    """A highlighted title is one run of text: `display: inline-flex` on the link made each text
    node and <mark> a flex item, so titles broke into narrow columns, letter by letter."""
    _, base = bundled
    context = browser.new_context(viewport={"width": width, "height": 667})
    page = context.new_page()
    page.goto(base + path + "?q=" + query)
    _wait_searched(page, query)
    links = page.locator(".text-results a.result-link").evaluate_all(TITLE_LAYOUT_JS)
    assert links and any(link["marks"] for link in links), links
    for link in links:
        assert link["display"] not in ("flex", "inline-flex", "grid", "inline-grid"), link
        assert link["height"] >= 44, link  # still a touch target
        for mark in link["marks"]:
            assert mark["display"] == "inline", (link["title"], mark)
            # one highlighted word is drawn in one box, at least as wide as two letters
            if " " not in mark["text"]:
                assert mark["boxes"] == 1, (link["title"], mark)
                assert mark["width"] > 14, (link["title"], mark)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


# where each result's number (its list marker, drawn on the baseline of the item's first line) is,
# found with a zero-size inline-block at the start of the item, and the lines of its title
MARKER_JS = """items => items.map(li => {
    const a = li.querySelector('a.result-link');
    const probe = document.createElement('span');
    probe.style.display = 'inline-block';
    li.insertBefore(probe, li.firstChild);
    const marker = probe.getBoundingClientRect().top;
    probe.remove();
    const range = document.createRange();
    range.selectNodeContents(a);
    const lines = [...new Set([...range.getClientRects()].map(r => Math.round(r.bottom)))];
    return {title: a.textContent, marker, lines: lines.sort((x, y) => x - y)};
})"""


@pytest.mark.parametrize(
    ("path", "query"), [("search.html", "monotonic time"), ("zh/search.html", "时钟回拨")]
)
def test_result_numbers_stand_beside_the_first_line_of_a_title(browser, bundled, path, query):
    """`display: inline-block` put the result number beside the last line of a wrapped title (an
    inline-block's baseline is its last line's): on a phone, beside the wrong line."""
    _, base = bundled
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(base + path + "?q=" + query)
    _wait_searched(page, query)
    found = page.locator(".text-results > li").evaluate_all(MARKER_JS)
    wrapped = [f for f in found if len(f["lines"]) > 1]
    assert wrapped, found  # titles that wrap at 360 px
    for f in found:
        # the marker's baseline is on the title's first line (its bottom, within a few px)
        assert abs(f["marker"] - f["lines"][0]) <= 8, f
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


@pytest.mark.parametrize("query", ["a", "的", "qwertyuiop", "zzzqqq", "xyzzyplugh"])
def test_what_kb_search_finds_nothing_for_the_site_finds_nothing_for(
    browser, bundled, query, tmp_path
):
    """Pagefind matches a word as a prefix: `a` listed all 195 entries and `的` 194; and it
    searches a word no entry holds as its longest indexed prefix (QA pass 32): `qwertyuiop`
    listed the 12 entries holding `-q`, `zzzqqq` five holding `:z`, `xyzzyplugh` 21 holding
    `'X'`. `kb search` finds nothing for any of them."""
    proc = run_kb("search", "--json", query, env={"KBTUI_HOME": str(tmp_path)})
    assert json.loads(proc.stdout or "[]") == [], proc.stdout[:300]
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "search.html?q=" + query)
    _wait_searched(page, query)
    assert page.locator(".search-results li").count() == 0
    assert page.locator(".search-status").inner_text() == "No entry matches."
    page.close()


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        # a prefix still finds the words it starts: an entry whose name holds the word (which
        # one comes first follows Pagefind's statistics: emqx-mosquitto-bridge since session 30)
        ("mosq", "mosquitto"),
        ("xyzzyplugh enotconn", AMQP_ENTRY),  # the word entries hold is still searched
    ],
)
def test_prefixes_and_known_words_beside_unknown_ones_still_find(browser, bundled, query, entry):
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "search.html?q=" + query)
    _wait_searched(page, query)
    first = page.locator(".text-results a.result-link").first.get_attribute("href")
    assert "/entries/" in first and entry in first.rsplit("/", 1)[-1], first
    page.close()


def test_paste_over_the_cap_says_it_was_cut(browser, bundled):
    """A paste over 256 KiB was searched in part without a word: the status says so."""
    _, base = bundled
    page = browser.new_page()
    page.goto(base + "search.html")
    short = _long_log(50)
    page.fill("#q", short)
    _wait_searched(page, short)
    assert "256 KiB" not in page.locator(".search-status").inner_text()
    log = _long_log(4000)
    assert len(log) > 256 * 1024
    # as a paste does it: one input event (typing 280 KB through page.fill takes minutes)
    page.evaluate(
        "t => { const b = document.querySelector('#q'); b.value = t;"
        " b.dispatchEvent(new Event('input', {bubbles: true})); }",
        log,
    )
    _wait_searched(page, log)
    status = page.locator(".search-status").inner_text()
    assert status.startswith("Only the first 256 KiB of the log was searched"), status
    page.close()


def test_search_help_says_what_enter_does_with_and_without_javascript(browser, bundled):
    """Without JavaScript the box is a plain textarea where Enter adds a line, but the help said
    "Enter searches; Shift+Enter starts a new line"."""
    _, base = bundled
    said = {}
    for js in (True, False):
        context = browser.new_context(java_script_enabled=js)
        page = context.new_page()
        page.goto(base + "search.html")
        if js:
            page.wait_for_function("() => document.querySelector('form[data-search]') !== null")
            page.wait_for_function(
                "() => document.querySelector('.search-keys').textContent.startsWith('Enter searches')"
            )
        said[js] = page.locator(".search-help").inner_text()
        context.close()
    assert "Enter searches; Shift+Enter starts a new line." in said[True], said
    assert "Enter starts a new line; the Search button searches." in said[False], said
    assert "Enter searches" not in said[False], said

"""What the static site's pages say, without a browser: descriptions, titles, sitemap, 404,
pagination, merged tag spellings, links from entry ids, rendered summaries, sources, translated
version notes, the signature table for pasted logs, and exports without search or Pagefind."""

from __future__ import annotations

import html.parser
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from kb.errors import UserError
from kb.loader import load_kb
from kb.paths import bundled_kb
from kb.site.export import export_site

ENTRY = """---
id: {id}
kind: {kind}
title: {title}
summary: {summary}
products: [{product}]
tags: [{tags}]
updated: 2026-11-{day:02d}
symptoms: [it broke]
{extra}---
{body}
"""


def _write(folder: Path, n: int) -> None:
    (folder / "p").mkdir(parents=True)
    for i in range(n):
        eid = f"paged-entry-{i:03d}"
        (folder / "p" / f"{eid}.md").write_text(
            ENTRY.format(
                id=eid,
                kind="faq" if i % 3 else "incident",
                title=f"Paged entry number {i}",
                summary=f"Summary {i} with `inline code`.",
                product="pagedproduct",
                tags="back-pressure" if i % 2 else "backpressure",
                day=1 + i % 28,
                extra="",
                body=f"Body {i}. See paged-entry-{(i + 1) % n:03d} for the next one.",
            ),
            encoding="utf-8",
        )
    (folder / "p" / "special-entry-one.md").write_text(
        ENTRY.format(
            id="special-entry-one",
            kind="incident",
            title="Special entry",
            summary="Set `max_mqueue_len` and read **this**.",
            product="pagedproduct",
            tags="flow",
            day=2,
            extra=(
                "versions:\n  emqx: '5.x, seen on 5.8.0'\n  linux: 'any kernel'\n"
                "sources:\n  - {title: 'Public doc', url: 'https://docs.example.com/a'}\n"
                "  - {title: 'Internal seed', ref: seeds/004}\n"
                "signatures:\n  - '(?i)\\bspecial failure \\d+'\n  - 'x(?i)y'\n"
            ),
            body="## Cause\n\nRead `paged-entry-001` and paged-entry-002.\n\n"
            "## Fix\n\n```bash\necho fixed\n```\n",
        ),
        encoding="utf-8",
    )
    (folder / "p" / "special-entry-one.zh.md").write_text(
        "---\nid: special-entry-one\nlang: zh\ntitle: 特殊条目\nsummary: 设置 `max_mqueue_len`。\n"
        "versions:\n  emqx: 5.x，在 5.8.0 上出现\n---\n正文。\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def paged(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("paged-kb")
    _write(src, 230)
    kbase = load_kb([src])
    assert not [p for p in kbase.problems if p.severity == "error"], kbase.problems
    out = tmp_path_factory.mktemp("paged-site") / "site"
    export_site(kbase, out)
    return out


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.description: str | None = None
        self.forms = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if tag == "title":
            self._in_title = True
        if tag == "meta" and d.get("name") == "description":
            self.description = d.get("content") or ""
        if tag == "form" and "data-search" in d:
            self.forms += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _pages(out: Path) -> dict[str, _Page]:
    parsed = {}
    for f in sorted(out.rglob("*.html")):
        p = _Page()
        p.feed(f.read_text(encoding="utf-8"))
        parsed[f.relative_to(out).as_posix()] = p
    return parsed


def test_bundled_site_titles_descriptions_search_boxes(tmp_path):
    out = tmp_path / "site"
    export_site(load_kb([bundled_kb()]), out)
    pages = _pages(out)
    assert len(pages) > 200
    dupes = [t for t, n in Counter(p.title for p in pages.values()).items() if n > 1]
    assert dupes == []
    assert not [k for k, p in pages.items() if not (p.description or "").strip()]
    assert not [k for k, p in pages.items() if "`" in (p.description or "")]
    assert not [k for k, p in pages.items() if p.forms != 1], "every page has one search box"
    assert not (out / "sitemap.xml").exists()  # no --base-url: no sitemap
    assert (out / "404.html").is_file() and (out / "zh" / "404.html").is_file()
    assert 'href="/static/site.css"' in (out / "404.html").read_text()
    for f in out.rglob("*.html"):
        text = f.read_text(encoding="utf-8")
        assert "seeds/" not in text, f
    # the signature table ships every bundled signature (all translate exactly)
    table = json.loads(
        (out / "signatures.js").read_text().split("window.kbSignatures=", 1)[1].rstrip(";\n")
    )
    assert len(table["sigs"]) >= 30
    assert "rabbitmq-enotconn-lb-tcp-health-check" in table["entries"]


def test_pagination_at_most_100_per_page(paged: Path):
    first = (paged / "products" / "pagedproduct.html").read_text()
    assert (paged / "products" / "pagedproduct-3.html").is_file()
    assert not (paged / "products" / "pagedproduct-4.html").exists()
    listed = set()
    for name in ("pagedproduct.html", "pagedproduct-2.html", "pagedproduct-3.html"):
        text = (paged / "products" / name).read_text()
        ids = re.findall(r'href="\.\./entries/([a-z0-9-]+)\.html"', text)
        assert 0 < len(ids) <= 100
        listed.update(ids)
    assert len(listed) == 231  # every entry reachable through the pages
    assert 'rel="next" href="pagedproduct-2.html"' in first
    assert "231 entries" in first


def test_tag_spellings_merged(paged: Path):
    assert (paged / "tags" / "back-pressure.html").is_file()
    assert not (paged / "tags" / "backpressure.html").exists()
    entry = (paged / "entries" / "paged-entry-000.html").read_text()  # tagged "backpressure"
    assert 'href="../tags/back-pressure.html">#back-pressure' in entry


def test_entry_page_links_ids_renders_summary_sources_versions(paged: Path):
    page = (paged / "entries" / "special-entry-one.html").read_text()
    assert (
        '<p class="summary">Set <code>max_mqueue_len</code> and read <strong>this</strong>' in page
    )
    assert page.count('href="paged-entry-001.html"') >= 1
    assert 'href="paged-entry-002.html" class="entry-ref">paged-entry-002</a>' in page
    assert '<a href="https://docs.example.com/a" rel="noopener noreferrer">Public doc</a>' in page
    assert "Internal seed" in page and "seeds/004" not in page
    assert '<span class="nb">echo</span>' in page  # highlighted at export time
    assert '<pre tabindex="0">' in page
    assert 'class="permalink" href="#cause"' in page
    assert 'nav class="toc"' in page
    zh = (paged / "zh" / "entries" / "special-entry-one.html").read_text()
    assert "5.x，在 5.8.0 上出现" in zh
    assert '<span lang="en">any kernel</span>' in zh  # untranslated note marked as English
    table = (paged / "signatures.js").read_text()
    assert "special-entry-one" in table and "x(?i)y" not in table


def test_no_search_export_has_no_search_box(tmp_path):
    out = tmp_path / "site"
    report = export_site(load_kb([bundled_kb()]), out, search=False, langs=("en",))
    assert report.search_records == 0
    assert not (out / "pagefind").exists()
    pages = _pages(out)
    assert pages and not [k for k, p in pages.items() if p.forms]
    assert "search.js" not in (out / "index.html").read_text()
    assert not (out / "search.html").exists() and not (out / "signatures.js").exists()


def test_sitemap_only_with_base_url(tmp_path):
    out = tmp_path / "site"
    export_site(load_kb([bundled_kb()]), out, search=False, base_url="https://kb.example.com/")
    locs = re.findall(r"<loc>(.*?)</loc>", (out / "sitemap.xml").read_text())
    assert locs and all(loc.startswith("https://kb.example.com/") for loc in locs)


def test_missing_pagefind_is_a_one_line_error(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pagefind(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.startswith("pagefind"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pagefind)
    with pytest.raises(UserError, match="--no-search"):
        export_site(load_kb([bundled_kb()]), tmp_path / "site")
    assert not (tmp_path / "site").exists()

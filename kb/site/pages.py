"""The pages of the static site: which files exist and what each template is given.

One `Job` per output HTML file. Contexts are built lazily (at render time) so that a 10 000-entry
export does not hold every page's data at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kb.checks.explain import explain
from kb.model import Entry
from kb.redact import redact
from kb.site import render
from kb.site.model import Site, pages_of, resolve_check, tree_order
from kb.site.strings import STRINGS
from kb.site.urls import (
    PAGE_SIZE,
    Links,
    entry_path,
    home_path,
    node_path,
    not_found_path,
    product_path,
    products_path,
    search_path,
    tag_path,
    tags_path,
)

Context = dict[str, Any]


@dataclass
class Job:
    path: str
    template: str
    build: Callable[[], Context]
    lang: str
    alt: Callable[[str], str] | None  # lang -> path of this page in that language
    in_sitemap: bool = True
    lastmod: str | None = None
    site: Site | None = None
    search: bool = True
    extra: Context = field(default_factory=dict)

    def context(self) -> Context:
        ctx = self.build()
        s: Site = ctx["site"]
        link = (
            AbsoluteLinks(self.path, self.lang, s.base_url)
            if self.extra.get("absolute")
            else Links(self.path, self.lang)
        )
        alternates = []
        if self.alt is not None:
            for lang in s.langs:
                alternates.append(
                    {
                        "lang": lang,
                        "name": STRINGS[lang]["lang_name"],
                        "url": link.to(self.alt(lang)),
                        "abs": (s.base_url + self.alt(lang)) if s.base_url else None,
                        "current": lang == self.lang,
                    }
                )
        t = STRINGS[self.lang]
        ctx.setdefault("description", t["site_description"])
        ctx.update(
            lang=self.lang,
            t=t,
            link=link,
            root=link.root,
            page_path=self.path,
            canonical=(s.base_url + self.path) if s.base_url and self.in_sitemap else None,
            alternates=alternates,
            search_enabled=self.search,
            kind_label=lambda k: t.get(f"kind_{k}", k),
            title_of=lambda i: _title(s, i, self.lang),
            summary_of=lambda i: _summary_html(s, i, self.lang, link),
        )
        return ctx


class AbsoluteLinks(Links):
    """Links for a page served at any URL (the 404 page): root-relative paths under the base
    URL's path (`/docs/…` for --base-url https://kb.example.com/docs/), else under `/`."""

    def __init__(self, page: str, lang: str, base_url: str | None) -> None:
        from urllib.parse import urlsplit

        super().__init__(page, lang)
        path = urlsplit(base_url).path if base_url else "/"
        self.base = path if path.endswith("/") else path + "/"
        self.root = self.base

    def to(self, path: str) -> str:
        return self.base + path

    def static(self, name: str) -> str:
        return self.base + "static/" + name

    def home(self) -> str:
        return self.to(home_path(self.lang))

    def search(self) -> str:
        return self.to(search_path(self.lang))

    def entry(self, entry_id: str, anchor: str = "") -> str:
        return self.to(entry_path(entry_id, self.lang) + (f"#{anchor}" if anchor else ""))

    def product(self, p: str, page: int = 1) -> str:
        return self.to(product_path(p, self.lang, page))

    def products(self) -> str:
        return self.to(products_path(self.lang))

    def tag(self, t: str, page: int = 1) -> str:
        return self.to(tag_path(t, self.lang, page))

    def tags(self) -> str:
        return self.to(tags_path(self.lang))

    def node(self, entry_id: str, node_id: str) -> str:
        return self.to(node_path(entry_id, node_id, self.lang))


def _title(site: Site, entry_id: str, lang: str) -> str:
    e = site.entries.get(entry_id)
    return e.text(lang).title if e else entry_id


def _linker(site: Site, link: Links) -> Callable[[str], str | None]:
    def url(entry_id: str) -> str | None:
        return link.entry(entry_id) if entry_id in site.entries else None

    return url


def _summary_html(site: Site, entry_id: str, lang: str, link: Links) -> Any:
    from markupsafe import Markup

    e = site.entries.get(entry_id)
    if e is None:
        return ""
    return Markup(render.markdown_inline(e.text(lang).summary, _linker(site, link)))


def page_jobs(site: Site, search: bool = True) -> list[Job]:
    jobs: list[Job] = []

    def add(job: Job) -> None:
        job.search = search
        jobs.append(job)

    listings = [
        (kind, path_fn, name, ids, pages_of(_by_kind(site, ids)))
        for kind, groups, path_fn in (
            ("product", site.products, product_path),
            ("tag", site.tags, tag_path),
        )
        for name, ids in groups.items()
    ]
    for lang in site.langs:
        add(Job(home_path(lang), "home.html", lambda: _home(site), lang, home_path))
        if search:  # without an index there is nothing to search: no page, no box
            add(
                Job(
                    search_path(lang),
                    "search.html",
                    _bind(_search, site, lang),
                    lang,
                    search_path,
                    False,
                )
            )
        add(
            Job(
                not_found_path(lang),
                "404.html",
                lambda: {"site": site},
                lang,
                None,
                False,
                extra={"absolute": True},
            )
        )
        add(Job(products_path(lang), "products.html", lambda: {"site": site}, lang, products_path))
        add(Job(tags_path(lang), "tags.html", lambda: {"site": site}, lang, tags_path))
        for kind, path_fn, name, ids, chunks in listings:
            for n, chunk in enumerate(chunks, 1):
                add(
                    Job(
                        path_fn(name, lang, n),
                        f"{kind}.html",
                        _bind(
                            _listing,
                            site,
                            kind,
                            name,
                            ids,
                            chunk,
                            n,
                            len(chunks),
                            lang,
                            path_fn,
                        ),
                        lang,
                        _bind_alt(path_fn, name, n),
                    )
                )
        for e in site.entries.values():
            add(
                Job(
                    entry_path(e.id, lang),
                    "entry.html",
                    _bind(_entry, site, e, lang),
                    lang,
                    _bind_alt(entry_path, e.id),
                    lastmod=e.updated.isoformat() if e.updated else None,
                )
            )
            if e.tree is not None:
                for node in tree_order(e):
                    add(
                        Job(
                            node_path(e.id, node.id, lang),
                            "tree_node.html",
                            _bind(_node, site, e, node.id, lang),
                            lang,
                            _bind_alt2(node_path, e.id, node.id),
                            lastmod=e.updated.isoformat() if e.updated else None,
                        )
                    )
    if "en" not in site.langs:
        # The site root still needs an index.html: a plain link page to the first language.
        add(Job("index.html", "redirect.html", lambda: _redirect(site), site.langs[0], None))
    return jobs


def _bind(fn: Callable[..., Context], *args: Any) -> Callable[[], Context]:
    return lambda: fn(*args)


def _bind_alt(fn: Callable[..., str], key: str, page: int | None = None) -> Callable[[str], str]:
    if page is None:
        return lambda lang: fn(key, lang)
    return lambda lang: fn(key, lang, page)


def _bind_alt2(fn: Callable[[str, str, str], str], a: str, b: str) -> Callable[[str], str]:
    return lambda lang: fn(a, b, lang)


def _redirect(site: Site) -> Context:
    return {"site": site, "target": home_path(site.langs[0])}


def _search(site: Site, lang: str) -> Context:
    return {"site": site, "description": STRINGS[lang]["search_description"]}


def _home(site: Site) -> Context:
    return {"site": site}


_KIND_ORDER = {"tree": 0, "incident": 1, "faq": 2}


def _by_kind(site: Site, ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda i: (_KIND_ORDER.get(site.entries[i].kind, 3), i))


def _listing(
    site: Site,
    kind: str,
    name: str,
    ids: list[str],
    chunk: list[str],
    page: int,
    pages: int,
    lang: str,
    path_fn: Callable[[str, str, int], str],
) -> Context:
    t = STRINGS[lang]
    by_kind: dict[str, list[str]] = {}
    for i in chunk:
        k = site.entries[i].kind
        by_kind.setdefault(k if k in _KIND_ORDER else "other", []).append(i)
    label = name if kind == "product" else "#" + name
    desc = t["listing_description"].format(n=len(ids), name=label)
    return {
        "site": site,
        "name": name,
        "ids": ids,
        "by_kind": by_kind,
        "page": page,
        "pages": pages,
        "first": (page - 1) * PAGE_SIZE + 1,
        "last": (page - 1) * PAGE_SIZE + len(chunk),
        "description": desc,
        "path_of": lambda n: path_fn(name, lang, n),
    }


def _check_info(site: Site, entry: Entry, ref: str | None, lang: str) -> Context | None:
    found = resolve_check(site, entry, ref)
    if found is None:
        return None
    owner, spec = found
    return {
        "entry": owner.id,
        "id": spec.id,
        "title": redact(owner.text(lang).check_titles.get(spec.id) or spec.title),
        "text": explain(spec, lang),
    }


def _versions(e: Entry, lang: str) -> list[Context]:
    """The entry's version notes; a row not yet translated is marked as English."""
    return [
        {
            "key": key,
            "text": text,
            "lang": "en" if lang in e.translations and said != lang else None,
        }
        for key, text, said in sorted(e.version_notes(lang))
    ]


# ids of the entry page's own sections (templates/entry.html); body headings must not take them
_SECTION_IDS = frozenset(
    {
        "main",
        "toc-h",
        "symptoms-people-report",
        "tree",
        "checks",
        "signatures",
        "sources",
        "related",
    }
)


def _entry(site: Site, e: Entry, lang: str) -> Context:
    tx = e.text(lang)
    link = Links(entry_path(e.id, lang), lang)
    linker = _linker(site, link)
    t = STRINGS[lang]
    checks = [
        {
            "spec": c,
            "title": redact(tx.check_titles.get(c.id) or c.title),
            "text": explain(c, lang),
        }
        for c in e.checks
    ]
    nodes = []
    if e.tree is not None:
        for node in tree_order(e):
            nodes.append(_node_view(site, e, node.id, lang))
    body, headings = render.markdown_with_toc(tx.body, linker, t["permalink"], _SECTION_IDS)
    related = [r for r in site.related.get(e.id, []) if r in site.entries]
    toc: list[dict[str, Any]] = []
    if tx.symptoms:
        toc.append({"id": "symptoms-people-report", "text": t["symptoms"], "level": 2})
    toc.extend({"id": h.id, "text": h.text, "level": h.level} for h in headings)
    for sec_id, key, present in (
        ("tree", "tree", bool(nodes)),
        ("checks", "checks", bool(checks)),
        ("signatures", "signatures", bool(e.signatures)),
        ("sources", "sources", bool(e.sources)),
        ("related", "related", bool(related)),
    ):
        if present:
            toc.append({"id": sec_id, "text": t[key], "level": 2})
    return {
        "site": site,
        "entry": e,
        "tx": tx,
        "fallback": lang != "en" and lang not in e.translations,
        "checks": checks,
        "nodes": nodes,
        "related": related,
        "body_html": body,
        "summary_html": render.markdown_inline(tx.summary, linker),
        "toc": toc if len(toc) >= 3 else [],
        "versions": _versions(e, lang),
        "tags": site.entry_tags(e),
        "sources": [s for s in e.sources if s.title or s.url],
        "description": render.plain_inline(tx.summary),
        "permalink": t["permalink"],
    }


def _node_view(site: Site, e: Entry, node_id: str, lang: str) -> Context:
    assert e.tree is not None
    node = e.tree.nodes[node_id]
    nt = e.node_text(node, lang)
    options = [
        {"label": label, "goto": o.goto, "when": node.statuses_for(i)}
        for i, (o, label) in enumerate(zip(node.options, nt["options"], strict=True))
    ]
    return {
        "node": node,
        "text": nt,
        "options": options,
        "check": _check_info(site, e, node.check, lang),
        "target": node.entry if node.entry in site.entries else None,
        "is_start": node.id == e.tree.start,
    }


def _node(site: Site, e: Entry, node_id: str, lang: str) -> Context:
    view = _node_view(site, e, node_id, lang)
    text = view["text"].get("question") or view["text"].get("conclusion") or ""
    step = [n.id for n in tree_order(e)].index(node_id) + 1
    return {
        "step": step,
        "site": site,
        "entry": e,
        "tx": e.text(lang),
        "fallback": lang != "en" and lang not in e.translations,
        "v": view,
        "description": render.plain_inline(text),
    }

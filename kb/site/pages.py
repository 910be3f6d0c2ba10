"""The pages of the static site: which files exist and what each template is given.

One `Job` per output HTML file. Contexts are built lazily (at render time) so that a 10 000-entry
export does not hold every page's data at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kb.model import Entry
from kb.redact import redact
from kb.site import checktext
from kb.site.export import (
    Links,
    Site,
    entry_path,
    home_path,
    node_path,
    product_path,
    products_path,
    resolve_check,
    search_path,
    tag_path,
    tags_path,
    tree_order,
)
from kb.site.strings import STRINGS


@dataclass
class Job:
    path: str
    template: str
    build: Callable[[], dict[str, Any]]
    lang: str
    alt: Callable[[str], str] | None  # lang -> path of this page in that language
    in_sitemap: bool = True
    lastmod: str | None = None

    def context(self, env: Any) -> dict[str, Any]:
        ctx = self.build()
        s: Site = ctx["site"]
        link = Links(self.path, self.lang, s)
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
        ctx.update(
            lang=self.lang,
            t=STRINGS[self.lang],
            link=link,
            root=link.root,
            page_path=self.path,
            canonical=(s.base_url + self.path) if s.base_url else None,
            alternates=alternates,
            kind_label=lambda k: STRINGS[self.lang].get(f"kind_{k}", k),
            title_of=lambda i: _title(s, i, self.lang),
            summary_of=lambda i: s.entries[i].text(self.lang).summary if i in s.entries else "",
        )
        return ctx


def _title(site: Site, entry_id: str, lang: str) -> str:
    e = site.entries.get(entry_id)
    return e.text(lang).title if e else entry_id


def page_jobs(site: Site) -> list[Job]:
    jobs: list[Job] = []
    for lang in site.langs:
        jobs.append(Job(home_path(lang), "home.html", lambda: _home(site), lang, home_path))
        jobs.append(
            Job(search_path(lang), "search.html", lambda: {"site": site}, lang, search_path, False)
        )
        jobs.append(
            Job(
                products_path(lang),
                "products.html",
                lambda: {"site": site},
                lang,
                products_path,
            )
        )
        jobs.append(Job(tags_path(lang), "tags.html", lambda: {"site": site}, lang, tags_path))
        for p, ids in site.products.items():
            jobs.append(
                Job(
                    product_path(p, lang),
                    "product.html",
                    _bind(_listing, site, p, ids),
                    lang,
                    _bind_alt(product_path, p),
                )
            )
        for tg, ids in site.tags.items():
            jobs.append(
                Job(
                    tag_path(tg, lang),
                    "tag.html",
                    _bind(_listing, site, tg, ids),
                    lang,
                    _bind_alt(tag_path, tg),
                )
            )
        for e in site.entries.values():
            jobs.append(
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
                    jobs.append(
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
        jobs.append(
            Job("index.html", "redirect.html", lambda: _redirect(site), site.langs[0], None)
        )
    return jobs


def _bind(fn: Callable[..., dict[str, Any]], *args: Any) -> Callable[[], dict[str, Any]]:
    return lambda: fn(*args)


def _bind_alt(fn: Callable[[str, str], str], key: str) -> Callable[[str], str]:
    return lambda lang: fn(key, lang)


def _bind_alt2(fn: Callable[[str, str, str], str], a: str, b: str) -> Callable[[str], str]:
    return lambda lang: fn(a, b, lang)


def _redirect(site: Site) -> dict[str, Any]:
    return {"site": site, "target": home_path(site.langs[0])}


def _home(site: Site) -> dict[str, Any]:
    return {"site": site}


def _listing(site: Site, name: str, ids: list[str]) -> dict[str, Any]:
    by_kind: dict[str, list[str]] = {}
    for kind in ("tree", "incident", "faq"):
        members = [i for i in ids if site.entries[i].kind == kind]
        if members:
            by_kind[kind] = members
    others = [i for i in ids if site.entries[i].kind not in ("tree", "incident", "faq")]
    if others:
        by_kind["other"] = others
    return {"site": site, "name": name, "ids": ids, "by_kind": by_kind}


def _check_info(site: Site, entry: Entry, ref: str | None, lang: str) -> dict[str, Any] | None:
    found = resolve_check(site, entry, ref)
    if found is None:
        return None
    owner, spec = found
    return {
        "entry": owner.id,
        "id": spec.id,
        "title": redact(owner.text(lang).check_titles.get(spec.id) or spec.title),
        "text": checktext.describe(spec, lang),
    }


def _entry(site: Site, e: Entry, lang: str) -> dict[str, Any]:
    tx = e.text(lang)
    checks = [
        {
            "spec": c,
            "title": redact(tx.check_titles.get(c.id) or c.title),
            "text": checktext.describe(c, lang),
        }
        for c in e.checks
    ]
    nodes = []
    if e.tree is not None:
        for node in tree_order(e):
            nodes.append(_node_view(site, e, node.id, lang))
    return {
        "site": site,
        "entry": e,
        "tx": tx,
        "fallback": lang != "en" and lang not in e.translations,
        "checks": checks,
        "nodes": nodes,
        "related": [r for r in site.related.get(e.id, []) if r in site.entries],
    }


def _node_view(site: Site, e: Entry, node_id: str, lang: str) -> dict[str, Any]:
    assert e.tree is not None
    node = e.tree.nodes[node_id]
    nt = e.node_text(node, lang)
    options = [
        {"label": label, "goto": o.goto, "when": list(o.when)}
        for o, label in zip(node.options, nt["options"], strict=True)
    ]
    return {
        "node": node,
        "text": nt,
        "options": options,
        "check": _check_info(site, e, node.check, lang),
        "target": node.entry if node.entry in site.entries else None,
        "is_start": node.id == e.tree.start,
    }


def _node(site: Site, e: Entry, node_id: str, lang: str) -> dict[str, Any]:
    view = _node_view(site, e, node_id, lang)
    return {
        "site": site,
        "entry": e,
        "tx": e.text(lang),
        "fallback": lang != "en" and lang not in e.translations,
        "v": view,
    }

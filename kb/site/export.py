"""`kb export site`: the whole knowledge base as a self-contained static website.

Pipeline: entries → a site model (products, tags, related entries, tree steps) → pages rendered
with Jinja (package templates in assets/site, overridable file by file from a user folder) →
static files → a Pagefind search bundle → sitemap. Everything is written into a temporary sibling
folder which then replaces OUT atomically (kb.site.atomic), so OUT is never half-written.

Output is deterministic: every collection is sorted, no clock is read (the only dates are entries'
`updated`), and the Pagefind bundle is built from records added in a fixed order (its file names
are content hashes). Links are relative so the site works from any sub-path and from file://.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.model import CheckSpec, Entry, Node

Progress = Callable[[int, int, str], None]  # (done, total, what)
LANG_PREFIX = {"en": "", "zh": "zh/"}
MARKER = ".kbtui-site"
_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")


def slug(value: str) -> str:
    """A file-name-safe form of a product, tag or node id (they are slugs already when valid)."""
    s = _SAFE_NAME.sub("-", value.lower()).strip("-.")
    return s or "x"


# --- site paths (relative to the site root, always with '/') -----------------------------------


def home_path(lang: str) -> str:
    return LANG_PREFIX[lang] + "index.html"


def search_path(lang: str) -> str:
    return LANG_PREFIX[lang] + "search.html"


def entry_path(entry_id: str, lang: str) -> str:
    return f"{LANG_PREFIX[lang]}entries/{entry_id}.html"


def product_path(product: str, lang: str) -> str:
    return f"{LANG_PREFIX[lang]}products/{slug(product)}.html"


def products_path(lang: str) -> str:
    return f"{LANG_PREFIX[lang]}products/index.html"


def tag_path(tag: str, lang: str) -> str:
    return f"{LANG_PREFIX[lang]}tags/{slug(tag)}.html"


def tags_path(lang: str) -> str:
    return f"{LANG_PREFIX[lang]}tags/index.html"


def node_path(entry_id: str, node_id: str, lang: str) -> str:
    return f"{LANG_PREFIX[lang]}trees/{entry_id}/{slug(node_id)}.html"


def rel(from_page: str, to: str) -> str:
    """Relative URL from one site page to another path (keeps '#fragment').

    Pure string work on clean site paths (no '..', no leading '/'): posixpath.relpath calls
    os.getcwd() twice per link, which was a tenth of a 10 000-entry export.
    """
    path, _, frag = to.partition("#")
    from_dirs = from_page.split("/")[:-1]
    if not path:
        out = from_page.rsplit("/", 1)[-1]
    else:
        parts = path.split("/")
        to_dirs = parts[:-1]
        i = 0
        while i < len(from_dirs) and i < len(to_dirs) and from_dirs[i] == to_dirs[i]:
            i += 1
        out = "../" * (len(from_dirs) - i) + "/".join(parts[i:])
    return out + ("#" + frag if frag else "")


# --- the site model -----------------------------------------------------------------------------


@dataclass
class Site:
    entries: dict[str, Entry]
    langs: tuple[str, ...]
    base_url: str | None
    products: dict[str, list[str]] = field(default_factory=dict)  # product -> ids (sorted)
    tags: dict[str, list[str]] = field(default_factory=dict)
    related: dict[str, list[str]] = field(default_factory=dict)
    trees: list[str] = field(default_factory=list)  # ids of entries with a tree, sorted
    recent: list[str] = field(default_factory=list)


def build_model(entries: Iterable[Entry], langs: Sequence[str], base_url: str | None) -> Site:
    by_id = {e.id: e for e in sorted(entries, key=lambda e: e.id)}
    site = Site(entries=by_id, langs=tuple(langs), base_url=base_url)
    products: dict[str, list[str]] = defaultdict(list)
    tags: dict[str, list[str]] = defaultdict(list)
    for e in by_id.values():
        for p in sorted(set(e.products)):
            products[p].append(e.id)
        for t in sorted(set(e.tags)):
            tags[t].append(e.id)
    site.products = {k: products[k] for k in sorted(products)}
    site.tags = {k: tags[k] for k in sorted(tags)}
    site.trees = sorted(
        (e.id for e in by_id.values() if e.tree is not None),
        key=lambda i: (by_id[i].kind != "tree", i),
    )
    site.recent = [
        e.id
        for e in sorted(
            by_id.values(), key=lambda e: (-(e.updated or _dt.date.min).toordinal(), e.id)
        )
    ][:10]
    site.related = _related(by_id, site.tags)
    return site


def _related(
    by_id: dict[str, Entry], tags: dict[str, list[str]], extra: int = 5
) -> dict[str, list[str]]:
    """Explicit `related`, then entries pointing here, then the ones sharing the most tags."""
    back: dict[str, set[str]] = defaultdict(set)
    for e in by_id.values():
        targets = set(e.related)
        if e.tree is not None:
            targets.update(n.entry for n in e.tree.nodes.values() if n.entry)
        for t in targets:
            if t in by_id and t != e.id:
                back[t].add(e.id)
    out: dict[str, list[str]] = {}
    for e in by_id.values():
        seen: list[str] = []
        for r in e.related:
            if r in by_id and r != e.id and r not in seen:
                seen.append(r)
        if e.tree is not None:
            for n in e.tree.nodes.values():
                if n.entry and n.entry in by_id and n.entry != e.id and n.entry not in seen:
                    seen.append(n.entry)
        for r in sorted(back[e.id]):
            if r not in seen:
                seen.append(r)
        # Tags shared by very many entries say little about relatedness and cost O(n^2).
        shared: dict[str, int] = defaultdict(int)
        for t in e.tags:
            members = tags.get(t, [])
            if len(members) > 200:
                continue
            for other in members:
                if other != e.id and other not in seen:
                    shared[other] += 1
        best = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:extra]
        seen.extend(k for k, _ in best)
        out[e.id] = seen
    return out


def tree_order(entry: Entry) -> list[Node]:
    """Tree nodes in reading order: breadth-first from `start`, then any unreachable ones."""
    assert entry.tree is not None
    nodes = entry.tree.nodes
    order: list[str] = []
    queue = [entry.tree.start] if entry.tree.start in nodes else []
    while queue:
        nid = queue.pop(0)
        if nid in order or nid not in nodes:
            continue
        order.append(nid)
        queue.extend(o.goto for o in nodes[nid].options)
    order.extend(sorted(set(nodes) - set(order)))
    return [nodes[n] for n in order]


def resolve_check(site: Site, entry: Entry, ref: str | None) -> tuple[Entry, CheckSpec] | None:
    """The entry and check named by a node's `check` (`id` or `<entry-id>#<check-id>`)."""
    if not ref:
        return None
    owner = entry
    check_id = ref
    if "#" in ref:
        owner_id, _, check_id = ref.partition("#")
        found = site.entries.get(owner_id)
        if found is None:
            return None
        owner = found
    spec = owner.check(check_id)
    return (owner, spec) if spec else None


# --- rendering ----------------------------------------------------------------------------------


class Links:
    """URL helpers for templates, relative to the page being rendered."""

    def __init__(self, page: str, lang: str, site: Site) -> None:
        self.page, self.lang, self.site = page, lang, site
        # "./" rather than "" so that scripts can join paths onto it without special cases.
        self.root = "../" * page.count("/") or "./"

    def to(self, path: str) -> str:
        return rel(self.page, path)

    def static(self, name: str) -> str:
        return rel(self.page, "static/" + name)

    def home(self) -> str:
        return rel(self.page, home_path(self.lang))

    def search(self) -> str:
        return rel(self.page, search_path(self.lang))

    def entry(self, entry_id: str, anchor: str = "") -> str:
        return rel(self.page, entry_path(entry_id, self.lang) + (f"#{anchor}" if anchor else ""))

    def product(self, p: str) -> str:
        return rel(self.page, product_path(p, self.lang))

    def products(self) -> str:
        return rel(self.page, products_path(self.lang))

    def tag(self, t: str) -> str:
        return rel(self.page, tag_path(t, self.lang))

    def tags(self) -> str:
        return rel(self.page, tags_path(self.lang))

    def node(self, entry_id: str, node_id: str) -> str:
        return rel(self.page, node_path(entry_id, node_id, self.lang))


def _environment(template_dirs: Sequence[Path]) -> Any:
    import jinja2
    from markupsafe import Markup

    from kb.site import render

    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in template_dirs])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = lambda s: Markup(render.markdown(s))
    env.filters["mdi"] = lambda s: Markup(render.markdown_inline(s))
    env.filters["safe_url"] = lambda u: u if u and render.safe_url(u) else None
    return env


def template_dirs(extra: Path | None = None) -> list[Path]:
    """Template folders, first wins: `--templates`, the user's folder, the packaged defaults."""
    from kb import paths

    dirs: list[Path] = []
    if extra is not None:
        dirs.append(Path(extra))
    user = paths.user_templates_dir()
    if user.is_dir():
        dirs.append(user)
    dirs.append(paths.assets_dir() / "site")
    return dirs


@dataclass
class ExportReport:
    out: Path
    pages: int
    entries: int
    files: int
    search_records: int


def export_site(
    entries: Iterable[Entry] | Any,
    out: Path,
    *,
    base_url: str | None = None,
    templates: Path | None = None,
    langs: Sequence[str] = ("en", "zh"),
    progress: Progress | None = None,
    search: bool = True,
) -> ExportReport:
    """Export `entries` (or a KnowledgeBase) as a static site into `out`, replacing it atomically."""
    from kb.site import atomic

    if hasattr(entries, "entries") and isinstance(entries.entries, dict):
        entries = entries.entries.values()
    langs = tuple(lang for lang in ("en", "zh") if lang in set(langs))
    if not langs:
        raise ValueError("no language to export: use en and/or zh")
    if base_url:
        base_url = base_url.rstrip("/") + "/"
    out = Path(out)
    atomic.check_target(out, MARKER)
    site = build_model(entries, langs, base_url)
    with atomic.staging(out) as tmp:
        report = _write_site(site, tmp, template_dirs(templates), progress, search)
        (tmp / MARKER).write_text(
            "kbtui static site: this folder is replaced by `kb export site`\n"
        )
    report.out = out
    return report


def _write_site(
    site: Site, tmp: Path, tdirs: list[Path], progress: Progress | None, search: bool
) -> ExportReport:
    import threading

    from kb.site.pages import page_jobs

    env = _environment(tdirs)
    jobs = page_jobs(site)
    total = len(jobs) + (len(site.entries) if search else 0)
    counts = {"pages": 0, "search": 0}
    lock = threading.Lock()

    def tick(what: str, n: int) -> None:
        with lock:
            counts[what] = n
            done = counts["pages"] + counts["search"]
        if progress and (n % 100 == 0 or done == total):
            progress(done, total, what)

    # The Pagefind binary indexes in its own process while this one renders pages: the search
    # thread mostly waits on the pipe, so the two overlap on two cores.
    search_result: dict[str, Any] = {}
    worker = None
    if search:
        from kb.site.search import build_index

        def index() -> None:
            try:
                search_result["records"] = build_index(site, tmp, lambda n: tick("search", n))
            except BaseException as exc:  # re-raised in the main thread
                search_result["error"] = exc

        worker = threading.Thread(target=index, name="pagefind-index", daemon=True)
        worker.start()
    sitemap: list[tuple[str, str | None]] = []
    made: set[Path] = set()
    try:
        for n, job in enumerate(jobs, 1):
            html = env.get_template(job.template).render(**job.context(env))
            target = tmp / job.path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(html.encode("utf-8"))
            if job.in_sitemap:
                sitemap.append((job.path, job.lastmod))
            tick("pages", n)
    finally:
        if worker is not None:
            worker.join()
    if "error" in search_result:
        raise search_result["error"]
    files = _copy_static(tdirs, tmp / "static")
    _write_sitemap(site, tmp, sitemap)
    return ExportReport(
        out=tmp,
        pages=len(jobs),
        entries=len(site.entries),
        files=files,
        search_records=search_result.get("records", 0),
    )


def _copy_static(tdirs: list[Path], dest: Path) -> int:
    """Copy `static/` from every template folder; earlier folders override file by file."""
    chosen: dict[str, Path] = {}
    for d in reversed(tdirs):
        sdir = d / "static"
        if not sdir.is_dir():
            continue
        for f in sorted(sdir.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                chosen[f.relative_to(sdir).as_posix()] = f
    for name in sorted(chosen):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(chosen[name].read_bytes())
    return len(chosen)


def _write_sitemap(site: Site, tmp: Path, pages: list[tuple[str, str | None]]) -> None:
    from xml.sax.saxutils import escape

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path, lastmod in sorted(pages):
        # Without --base-url the locations stay relative to the sitemap (documented in docs/site.md).
        loc = (site.base_url or "") + path
        lines.append(f"  <url><loc>{escape(loc)}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{lastmod}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    (tmp / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")

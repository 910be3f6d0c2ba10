"""`kb export site`: the whole knowledge base as a self-contained static website.

Pipeline: entries → a site model (kb.site.model) → pages (kb.site.pages) rendered with Jinja
(package templates in assets/site, overridable file by file from a user folder) → static files →
the signature table for pasted logs (kb.signatures_js) → a Pagefind search bundle
(kb.site.search) → sitemap (only with a base URL: a sitemap needs absolute locations). Everything
is written into a temporary sibling folder which then replaces OUT atomically (kb.site.atomic), so
OUT is never half-written.

Output is deterministic: every collection is sorted, no clock is read (the only dates are entries'
`updated`), and the Pagefind bundle is built from records added in a fixed order (its file names
are content hashes). Links are relative (kb.site.urls) so the site works from any sub-path and
from file://.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.model import Entry
from kb.site.model import Site, build_model

Progress = Callable[[int, int, str], None]  # (done, total, what)
MARKER = ".kbtui-site"


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
        # templates do not change during an export: no stat() per page (it was a fifth of it)
        auto_reload=False,
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
    sitemap: bool = False
    signatures: int = 0  # signatures shipped to the browser
    signatures_left_out: int = 0  # signatures with no exact JavaScript translation


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
        from kb.site.urls import ascii_url

        # sitemap <loc>, canonical and hreflang links in RFC 3986 form (IDNA host, %-encoded path)
        base_url = ascii_url(base_url.rstrip("/") + "/")
    out = Path(out)
    atomic.check_target(out, MARKER)
    if search:
        # Fail before any work when the search engine is missing, with a one-line error.
        from kb.site.search import require_pagefind

        require_pagefind()
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
    jobs = page_jobs(site, search=search)
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
    shipped, left_out = 0, 0
    if search:
        from kb.site.search import build_index, shard_count, write_signatures, write_t2s

        site.search_shards = shard_count(len(site.entries))
        shipped, left_out = write_signatures(site, tmp)
        write_t2s(site, tmp)

        def index() -> None:
            try:
                search_result["records"] = build_index(site, tmp, lambda n: tick("search", n))
            except BaseException as exc:  # re-raised in the main thread
                search_result["error"] = exc

        worker = threading.Thread(target=index, name="pagefind-index", daemon=True)
        worker.start()
    sitemap: list[tuple[str, str | None]] = []
    made: set[Path] = set()
    # Creating a file costs 1-3 ms on a busy disk, more than rendering the page: a few threads
    # write while this one renders (open/write release the GIL). At most 256 pages wait in memory.
    from concurrent.futures import Future, ThreadPoolExecutor

    pending: list[Future[int]] = []
    try:
        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="site-write") as writer:
            templates: dict[str, Any] = {}
            for n, job in enumerate(jobs, 1):
                template = templates.get(job.template)
                if template is None:
                    template = templates[job.template] = env.get_template(job.template)
                html = template.render(**job.context())
                target = tmp / job.path
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                pending.append(writer.submit(target.write_bytes, html.encode("utf-8")))
                if len(pending) >= 256:
                    for f in pending[:128]:
                        f.result()  # re-raises a write error here
                    del pending[:128]
                if job.in_sitemap:
                    sitemap.append((job.path, job.lastmod))
                tick("pages", n)
            for f in pending:
                f.result()
    finally:
        if worker is not None:
            worker.join()
    if "error" in search_result:
        raise search_result["error"]
    files = _copy_static(tdirs, tmp / "static")
    if site.base_url:
        _write_sitemap(site.base_url, tmp, sitemap)
    return ExportReport(
        out=tmp,
        pages=len(jobs),
        entries=len(site.entries),
        files=files,
        search_records=search_result.get("records", 0),
        sitemap=bool(site.base_url),
        signatures=shipped,
        signatures_left_out=left_out,
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


def _write_sitemap(base_url: str, tmp: Path, pages: list[tuple[str, str | None]]) -> None:
    """sitemap.xml with absolute locations (the protocol requires them, hence only with a base)."""
    from xml.sax.saxutils import escape

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path, lastmod in sorted(pages):
        lines.append(f"  <url><loc>{escape(base_url + path)}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{lastmod}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    (tmp / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")

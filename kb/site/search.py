"""The client-side search index: a Pagefind bundle built from one record per entry.

We feed Pagefind custom records through its Python API (which runs the binary from the `pagefind`
PyPI package as a service; nothing is downloaded) instead of letting it crawl the HTML:
- one record per entry holds both languages, so one index answers English and Chinese queries
  from any page, and results link to the entry in the reader's language;
- Chinese text is added as bigrams (kb.site.cjk) because the standard Pagefind binary does not
  segment Chinese; static/search.js splits queries the same way;
- records go in sorted by id, so the bundle's bytes (and content-hashed file names) are the same
  for the same input.
No Pagefind filters: with filters, the binary (1.5) writes filter chunks in hash-map order, so
the same input gave different bytes on each run (checked by tests/test_site.py::test_deterministic).
The Pagefind UI bundles (which build HTML from strings) are deleted: our script renders results
as text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from kb.model import Entry
from kb.site import cjk, render

# Files Pagefind writes that we do not use: its ready-made UIs and highlighter.
_UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


def record_content(entry: Entry) -> str:
    """Searchable text of an entry: English, then each translation, then Chinese bigrams."""
    parts: list[str] = []
    # The title three times: custom records have no headings, so this is how the title weighs more.
    parts += [entry.title] * 3
    parts += [entry.summary, entry.id.replace("-", " "), " ".join(entry.products)]
    parts += [" ".join(entry.tags), *entry.symptoms]
    parts.append(render.plain_text(entry.body))
    for lang in sorted(entry.translations):
        tr = entry.translations[lang]
        parts += [tr.title] * 3
        parts += [tr.summary, *tr.symptoms, render.plain_text(tr.body)]
    text = "\n".join(p for p in parts if p)
    grams = cjk.index_text(text)
    if grams:
        # Titles and symptoms again as bigrams so that their words rank like the title above.
        head = "\n".join(
            cjk.index_text(tr.title + " " + " ".join(tr.symptoms))
            for tr in entry.translations.values()
        )
        text += "\n" + head + "\n" + head + "\n" + grams
    return text


def record_meta(entry: Entry) -> dict[str, str]:
    meta = {"id": entry.id, "kind": entry.kind, "title": entry.title, "summary": entry.summary}
    for lang, tr in sorted(entry.translations.items()):
        meta[f"title_{lang}"] = tr.title
        meta[f"summary_{lang}"] = tr.summary
    return meta


def build_index(site: object, out: Path, on_record: Callable[[int], None] | None = None) -> int:
    """Write `out/pagefind/` for the entries of `site`; returns the number of records."""
    entries: dict[str, Entry] = site.entries  # type: ignore[attr-defined]
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_build(entries, out, on_record))
    # Called from inside an event loop (a Textual worker, Playwright's sync API): asyncio.run
    # refuses to nest, so the Pagefind service gets a loop in a thread of its own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _build(entries, out, on_record)).result()


async def _build(
    entries: dict[str, Entry], out: Path, on_record: Callable[[int], None] | None
) -> int:
    from pagefind.index import IndexConfig, PagefindIndex

    bundle = out / "pagefind"
    config = IndexConfig(output_path=str(bundle))
    n = 0
    async with PagefindIndex(config=config) as index:
        for entry_id in sorted(entries):
            e = entries[entry_id]
            await index.add_custom_record(
                url=f"entries/{e.id}.html",
                content=record_content(e),
                language="en",
                meta=record_meta(e),
            )
            n += 1
            if on_record:
                on_record(n)
    for name in _UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return n

"""The client-side search index: a Pagefind bundle built from one record per entry.

We feed Pagefind custom records through its service protocol (the binary from the `pagefind`
PyPI package, run as `pagefind --service`; nothing is downloaded) instead of letting it crawl the HTML:
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

import base64
import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.model import Entry
from kb.site import cjk

if TYPE_CHECKING:
    from kb.site.model import Site

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


# Whitespace the three tokenizers disagree on (Python's str.split, JavaScript's \s and Pagefind's
# Rust split_whitespace) becomes a plain space, and U+200B would switch Pagefind's excerpts to
# "words separated by zero-width spaces": static/search.js finds a word of the record by its
# position in the text split on whitespace, which must be Pagefind's position.
_ODD_SPACE = re.compile(r"[^\S \n]|[\u200b\ufeff]")


def _record_parts(entry: Entry) -> tuple[list[str], list[str]]:
    """(prose, the rest): what a reader can read (the English summary, symptoms and body, in that
    order) and what is only there to be found and weighed (titles, id, products, tags, the
    translations)."""
    prose = [entry.summary, *entry.symptoms, entry.body]
    # The title three times: custom records have no headings, so this is how the title weighs more.
    rest = [entry.title] * 3
    rest += [entry.id.replace("-", " "), " ".join(entry.products), " ".join(entry.tags)]
    for lang in sorted(entry.translations):
        tr = entry.translations[lang]
        rest += [tr.title] * 3
        rest += [tr.summary, *tr.symptoms, tr.body]
    return prose, rest


def _join(parts: list[str]) -> str:
    return "\n".join(_ODD_SPACE.sub(" ", p).strip() for p in parts if p and not p.isspace())


def record_content(entry: Entry) -> str:
    """Searchable text of an entry: the English prose first (the only part results quote:
    static/search.js finds where it ends by the English title, which follows it three times), then
    titles, id, products, tags, each translation, and Chinese bigrams. Pagefind's ranking does not
    depend on where a word is (the bundled KB's scores are the same in either order)."""
    # Raw Markdown: Pagefind's tokenizer drops the markup, and parsing again would double the cost.
    prose, rest = _record_parts(entry)
    text = "\n".join(t for t in (_join(prose), _join(rest)) if t)
    grams = cjk.index_text(cjk.fold(text))
    if grams:
        # A query is always split into bigrams, so a whole run (one long unique "word" to
        # Pagefind) never matches; but each run still counts as a word of the page, which ranking
        # weighs. Runs are cut to their first 4 characters: same word count, and long runs made
        # Pagefind's indexing 3x slower.
        text = cjk.CJK_RUN.sub(lambda m: m.group(0)[:4], text)
        # Titles and symptoms again as bigrams so that their words rank like the title above.
        head = "\n".join(
            cjk.index_text(cjk.fold(tr.title + " " + " ".join(tr.symptoms)))
            for tr in entry.translations.values()
        )
        text += "\n" + head + "\n" + head + "\n" + grams
    return text


def record_meta(entry: Entry) -> dict[str, str]:
    """What a result shows: titles and summaries as plain text (no Markdown backticks).
    Pagefind indexes meta values as words too (a long meta field moved results around): nothing
    else goes here."""
    from kb.site.render import plain_inline

    meta = {
        "id": entry.id,
        "kind": entry.kind,
        "title": entry.title,
        "summary": plain_inline(entry.summary),
    }
    for lang, tr in sorted(entry.translations.items()):
        meta[f"title_{lang}"] = tr.title
        meta[f"summary_{lang}"] = plain_inline(tr.summary)
    return meta


def require_pagefind() -> None:
    """A one-line error when the search engine is not installed (instead of a traceback)."""
    from kb.errors import UserError

    try:
        from pagefind.service import get_executable
    except ImportError:
        raise UserError(
            "the search index needs Pagefind, which is not installed: "
            "pip install 'pagefind[bin]' (or export with --no-search)"
        ) from None
    if get_executable() is None:
        raise UserError(
            "the pagefind binary is missing: pip install 'pagefind[bin]' "
            "(or export with --no-search)"
        )


def signature_table(site: Site) -> tuple[dict[str, Any], int]:
    """Every translatable signature with the entries they point to; (table, number left out).

    Shape: {"entries": {id: [kind, {lang: [title, summary]}]}, "sigs": [[id, source, flags]],
    "escapes": source}. A signature with no exact JavaScript form is left out (`kb lint` warns
    about it). `escapes` is the core's `kb.sanitize.INLINE_ESCAPES` (its syntax is JavaScript's
    too): the colour codes taken out of a pasted log's lines before they are matched, as `kb
    diagnose` takes them out.
    """
    from kb.sanitize import INLINE_ESCAPES
    from kb.signatures_js import translate
    from kb.site.render import plain_inline

    entries: dict[str, Entry] = site.entries
    langs: tuple[str, ...] = site.langs
    table: dict[str, Any] = {"entries": {}, "sigs": [], "escapes": INLINE_ESCAPES.pattern}
    left_out = 0
    for entry_id in sorted(entries):
        e = entries[entry_id]
        shipped = False
        for pattern in e.signatures:
            js, _why = translate(pattern)
            if js is None:
                left_out += 1
                continue
            table["sigs"].append([e.id, js.source, js.flags])
            shipped = True
        if shipped:
            texts = {}
            for lang in langs:
                tx = e.text(lang)
                texts[lang] = [tx.title, plain_inline(tx.summary)]
            table["entries"][e.id] = [e.kind, texts]
    return table, left_out


def write_signatures(site: Site, out: Path) -> tuple[int, int]:
    """`out/signatures.js`: the table above as a script (it works from file:// too, unlike
    fetch). Returns (signatures shipped, signatures left out)."""
    table, left_out = signature_table(site)
    data = json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # "</" cannot end a script element here, but keep the file safe to inline anyway
    data = data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    (out / "signatures.js").write_text(
        "/* generated by kb export site: entry signatures as JavaScript regexes */\n"
        f"window.kbSignatures={data};\n",
        encoding="utf-8",
    )
    return len(table["sigs"]), left_out


def write_t2s(site: Site, out: Path) -> int:
    """`out/t2s.js`: the Traditional -> Simplified characters the search box folds a query with
    (as `kb search` does), limited to those whose Simplified form is in the site's text, and
    `out/t2s.LICENSE.txt` (the table comes from OpenCC, Apache-2.0). Returns the pairs shipped."""
    from kb.paths import assets_dir

    used: set[str] = set()
    for e in site.entries.values():
        texts = [e.title, e.summary, e.body, *e.symptoms]
        for tr in e.translations.values():
            texts += [tr.title, tr.summary, tr.body, *tr.symptoms]
        for text in texts:
            for run in cjk.CJK_RUN.findall(text):
                used.update(cjk.fold(run))
    trad, simp = cjk.t2s_pairs(used)
    data = json.dumps([trad, simp], ensure_ascii=False, separators=(",", ":"))
    (out / "t2s.js").write_text(
        "/* generated by kb export site: Traditional -> Simplified Chinese characters for search\n"
        "   queries, from assets/search/t2s.txt (OpenCC TSCharacters.txt, Apache-2.0; see\n"
        "   t2s.LICENSE.txt), only those whose Simplified form occurs in this site */\n"
        f"window.kbT2S={data};\n",
        encoding="utf-8",
    )
    licence = assets_dir() / "search" / "t2s.LICENSE"
    if licence.is_file():
        (out / "t2s.LICENSE.txt").write_bytes(licence.read_bytes())
    return len(trad)


# Records per Pagefind index. The binary keeps a whole index in memory until it writes it (about
# 170 MB per 1000 entries of the synthetic KB), so a large KB is indexed in shards, one binary
# after the other, and static/search.js merges them (Pagefind's mergeIndex): 10 000 entries peak
# at ~350 MB instead of 1.5 GB, with the same results.
SHARD_SIZE = 2000


def shard_count(n_entries: int) -> int:
    return max(1, -(-n_entries // SHARD_SIZE))


def bundle_dir(shard: int) -> str:
    """`pagefind` for the first shard, `pagefind-2`, `pagefind-3` … for the others."""
    return "pagefind" if shard == 0 else f"pagefind-{shard + 1}"


def build_index(site: Site, out: Path, on_record: Callable[[int], None] | None = None) -> int:
    """Write `out/pagefind/` (and `pagefind-N/` shards) for the entries of `site`; returns the
    number of records."""
    entries: dict[str, Entry] = site.entries
    ids = sorted(entries)
    n = 0
    for shard in range(shard_count(len(ids))):
        bundle = out / bundle_dir(shard)
        with PagefindService() as service:
            index_id = service.request({"type": "NewIndex", "config": {}})["index_id"]
            for entry_id in ids[shard * SHARD_SIZE : (shard + 1) * SHARD_SIZE]:
                e = entries[entry_id]
                service.request(
                    {
                        "type": "AddRecord",
                        "index_id": index_id,
                        "url": f"entries/{e.id}.html",
                        "content": record_content(e),
                        "language": "en",
                        "meta": record_meta(e),
                        "filters": None,
                        "sort": None,
                    }
                )
                n += 1
                if on_record:
                    on_record(n)
            service.request(
                {"type": "WriteFiles", "index_id": index_id, "output_path": str(bundle)}
            )
            _wait_written(bundle)
        for name in _UNUSED:
            (bundle / name).unlink(missing_ok=True)
    return n


def _wait_written(bundle: Path, deadline: float = 20.0) -> None:
    """Return once every file of `bundle` has content and the sizes stopped changing.

    Pagefind's service can answer WriteFiles while its writes are still in flight; closing its
    stdin then ends the process and left, under load, an empty `pagefind-worker.js` (a site whose
    search silently fails). No file Pagefind writes is legitimately empty.
    """
    import time

    end = time.monotonic() + deadline
    last: dict[str, int] | None = None
    while True:
        sizes = {str(p): p.stat().st_size for p in bundle.rglob("*") if p.is_file()}
        if sizes and all(sizes.values()) and sizes == last:
            return
        if time.monotonic() > end:
            empty = sorted(k for k, v in sizes.items() if not v)
            raise RuntimeError(f"pagefind did not finish writing {bundle} (empty: {empty[:3]})")
        last = sizes
        time.sleep(0.05)


class PagefindService:
    """A synchronous client of `pagefind --service` (the binary from the `pagefind` package).

    Why not `pagefind.index.PagefindIndex`: its response reader sleeps 0.1 s before reading each
    message, so 10 000 records took over 15 minutes; here each request costs one pipe round trip.
    The protocol is the one that package speaks: base64(JSON) messages, each ended by a comma, on
    the binary's stdin and stdout.
    """

    def __init__(self) -> None:
        from pagefind.service import get_executable

        exe = get_executable()
        if exe is None:
            from kb.errors import UserError

            raise UserError(
                "pagefind binary not found: pip install 'pagefind[bin]' (or use --no-search)"
            )
        self._proc = subprocess.Popen(
            [str(exe), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._buf = b""
        self._next_id = 0

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._next_id += 1
        message = {"message_id": self._next_id, "payload": payload}
        self._proc.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        self._proc.stdin.flush()
        stdout = self._proc.stdout
        assert isinstance(stdout, io.BufferedReader)  # Popen with bufsize=-1 (the default)
        while b"," not in self._buf:
            chunk = stdout.read1(65536)
            if not chunk:
                raise RuntimeError("pagefind service exited unexpectedly")
            self._buf += chunk
        raw, _, self._buf = self._buf.partition(b",")
        response = json.loads(base64.b64decode(raw))
        result: dict[str, Any] = response.get("payload") or {}
        if result.get("type") == "Error":
            raise RuntimeError(f"pagefind: {result.get('message')}")
        return result

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

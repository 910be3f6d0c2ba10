"""`kb index [--rebuild]`: bring the search index up to date (normally automatic)."""

from __future__ import annotations

import argparse
import time


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "index",
        help="update or rebuild the search index",
        description="Update the search index incrementally (kb search does this too), or "
        "rebuild it from scratch. The previous index keeps answering until the new one is "
        "complete. Exit 0 on success, 2 when the index is busy or its folder cannot be written "
        "(disk full, read-only). A KB file or folder that cannot be read is a problem of its own, "
        "listed on stderr, and the rest is indexed (exit 0); kb lint fails on it.",
    )
    p.add_argument("--rebuild", action="store_true", help="throw the index away and build it again")
    p.add_argument(
        "--vectors",
        action="store_true",
        help="also encode every entry's sentence vectors now (the bundled KB's ship with kbtui; "
        "your own entries are otherwise encoded as searches meet them)",
    )
    p.add_argument("--json", action="store_true", help="print what was done as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from indexer import open_index
    from kb.cli.common import lang_for, print_json, sources_for, warn_problems
    from kb.cli.progress import LazyProgress
    from kb.i18n import Words, say

    start = time.perf_counter()
    with LazyProgress("Indexing entries") as progress:
        # asked to write the index: a folder that cannot be written is an error (IndexUnwritable),
        # not a search from memory; a failed write leaves the previous index as it was
        idx = open_index(sources_for(args), progress=progress, rebuild=args.rebuild, fallback=False)
    try:
        info = {
            "path": str(idx.path),
            "entries": idx.doc_count,
            "reparsed": len(idx.reparsed),
            "rebuilt": idx.rebuilt,
            "problems": len(idx.problems),
        }
        if args.vectors:
            with LazyProgress("Encoding sentence vectors") as progress:
                texts, encoded = idx.encode_all(progress)
            info["vector_texts"], info["vectors_encoded"] = texts, encoded
        info["seconds"] = round(time.perf_counter() - start, 3)
    finally:
        idx.close()
    if args.json:
        print_json(info)
    else:
        lang = lang_for(args)
        warn_problems(idx.problems, lang)
        what = (
            Words("rebuilt")
            if info["rebuilt"]
            else Words("updated ({n} entries re-read)", n=info["reparsed"])
        )
        print(
            say(
                "index {what}: {entries} entries in {seconds} s at {path}",
                lang,
                what=what,
                entries=info["entries"],
                seconds=info["seconds"],
                path=info["path"],
            )
        )
        if args.vectors:
            off = "" if info["vector_texts"] else Words(" (off: KBTUI_NO_VECTORS, or no model)")
            print(
                say(
                    "sentence vectors: {texts} texts, {encoded} newly encoded{off}",
                    lang,
                    texts=info["vector_texts"],
                    encoded=info["vectors_encoded"],
                    off=off,
                )
            )
    return 0

"""`kb export site OUT`: write the knowledge base as a static website (see docs/site.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export the knowledge base (static site)",
        description="Export the knowledge base in another form.",
    )
    kinds = parser.add_subparsers(dest="export_kind", metavar="FORMAT")
    site = kinds.add_parser(
        "site",
        help="a self-contained static website with client-side search",
        description=(
            "Write the knowledge base as a static website into OUT: one page per entry and "
            "language, product and tag pages, triage trees that work without JavaScript, and a "
            "Pagefind search index. OUT is replaced atomically; a non-empty folder that was not "
            "written by this command is refused."
        ),
        epilog="Example:\n  kb export site ./site --base-url https://kb.example.com/\n"
        "  python3 -m http.server -d ./site",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    site.add_argument("out", metavar="OUT", type=Path, help="output folder")
    site.add_argument(
        "--base-url",
        metavar="URL",
        help="public URL of the site (absolute sitemap locations, canonical links)",
    )
    site.add_argument(
        "--templates",
        metavar="DIR",
        type=Path,
        help="folder whose templates and static/ files override the packaged ones "
        "(default: the user templates folder, see `kb paths`)",
    )
    site.add_argument(
        "--lang",
        dest="site_langs",
        action="append",
        choices=("en", "zh"),
        help="language to export (repeatable; default: en and zh)",
    )
    site.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    site.add_argument("--json", action="store_true", help="print a summary as JSON")
    site.set_defaults(func=run)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def run(args: argparse.Namespace) -> int:
    import time

    from kb.cli.common import load_kb_for, print_json
    from kb.cli.progress import LazyProgress
    from kb.errors import UserError
    from kb.site.export import export_site

    if args.base_url and not args.base_url.startswith(("http://", "https://")):
        raise UserError(f"--base-url {args.base_url}: must start with http:// or https://")
    if args.templates is not None and not args.templates.is_dir():
        raise UserError(f"--templates {args.templates}: no such folder")
    from kb.site.atomic import check_target
    from kb.site.export import MARKER

    check_target(args.out, MARKER)  # refuse a foreign folder before the (slower) KB load
    kbase = load_kb_for(args)
    started = time.monotonic()
    with LazyProgress("Exporting site") as bar:
        report = export_site(
            kbase,
            args.out,
            base_url=args.base_url,
            templates=args.templates,
            langs=tuple(args.site_langs or ("en", "zh")),
            progress=lambda done, total, _what: bar(done, total),
            search=not args.no_search,
        )
    elapsed = time.monotonic() - started
    if args.json:
        print_json(
            {
                "out": str(report.out),
                "entries": report.entries,
                "pages": report.pages,
                "search_records": report.search_records,
                "seconds": round(elapsed, 2),
            }
        )
    else:
        sys.stderr.write(
            f"kb: wrote {report.pages} pages for {report.entries} entries to {report.out} "
            f"in {elapsed:.1f}s\n"
        )
    return 0

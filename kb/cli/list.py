"""`kb list`: every entry (id, kind, title), with the same filters as search."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    from kb.cli.search import add_filters

    p = sub.add_parser(
        "list",
        help="list entries",
        description="List entries by id. Exit 0 when any "
        "entry matches the filters, 1 when none does.",
    )
    add_filters(p)
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--ids", action="store_true", help="print ids only, one per line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kb.cli.common import print_json
    from kb.cli.search import open_index_for, print_hits, unknown_filters

    idx = open_index_for(args)
    try:
        unknown_filters(idx, args)
        hits = idx.search("", product=args.product, tag=args.tag, kind=args.kind, limit=10**9)
    finally:
        idx.close()
    from kb.cli.common import will_exit

    will_exit(0 if hits else 1)
    if args.json:
        print_json(
            [
                {
                    k: v
                    for k, v in h.to_dict().items()
                    if k not in ("score", "highlights", "signature_match")
                }
                for h in hits
            ]
        )
    elif args.ids:
        print("\n".join(h.id for h in hits))
    else:
        print_hits(hits, args, show_snippet=False)
    return 0 if hits else 1

"""`kb diagnose [FILE|-]`: name the entries whose signatures match a log, with the matching lines."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kb.cli.helpformat import HelpFormatter


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diagnose",
        help="match a log against every entry's signatures",
        description="Match a log file (or stdin) against the signatures of every entry and print the "
        "entries it points to with the matching lines. Large files stream in bounded memory. "
        "Exit 0 when something matched, 1 when nothing did.",
        epilog="Examples:\n  docker logs emqx 2>&1 | kb diagnose -\n  kb diagnose /var/log/emqx/emqx.log --json",
        formatter_class=HelpFormatter,
    )
    p.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="log file, or - for stdin (default)"
    )
    p.add_argument("--json", action="store_true", help="print a list of {id, title, lines}")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:

    from kb.checks.diagnose import binary_head, diagnose, log_stream, read_head
    from kb.cli.common import Style, lang_for, load_kb_for, print_json, sanitize, use_color
    from kb.errors import UserError
    from kb.i18n import Words, say

    kbase = load_kb_for(args)

    def scan(raw: Any, name: str) -> Any:
        head, stream = read_head(raw)
        if binary_head(head):
            raise UserError(
                "{name}: not text (binary data); give a log file or - for stdin", name=name
            )
        return diagnose(kbase, log_stream(stream))

    if args.file == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UserError(
                "diagnose: no input; pipe a log in (docker logs NAME 2>&1 | kb diagnose -) or give FILE"
            )
        results = scan(sys.stdin.buffer, "stdin")
    else:
        try:
            with open(args.file, "rb") as fh:
                results = scan(fh, sanitize(args.file))
        except OSError as exc:
            raise UserError(
                "{path}: {why}; give a readable log file or - for stdin",
                path=args.file,
                why=Words(exc.strerror or str(exc)),
            ) from exc
    if args.json:
        print_json([d.to_dict() for d in results])
        return 0 if results else 1
    st = Style(use_color())
    lang = lang_for(args)
    if not results:
        print(say("No entry's signature matches this log.", lang))
        return 1
    for d in results:
        entry = kbase.get(d.id)
        title = entry.text(lang).title if entry is not None else d.title
        print(f"{st.bold(d.id)}  {sanitize(title)}")
        for n, text in d.lines:
            print(f"  {st.dim(f'{n:>7}:')} {sanitize(text)}")
        if d.count > len(d.lines):
            print(st.dim("  " + say("… {n} more matching lines", lang, n=d.count - len(d.lines))))
        print(st.dim(f"  → kb show {d.id}"))
    return 0

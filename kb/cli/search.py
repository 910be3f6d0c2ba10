"""`kb search QUERY`: ranked entries with highlighted snippets. `kb search -` reads a pasted log."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.hit import Hit
    from indexer.index import KBIndex
    from kb.cli.common import Style

MAX_STDIN = 1024 * 1024  # a pasted log is capped: the top of 1 MiB is plenty to recognise it


def add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--product",
        "-p",
        action="append",
        metavar="NAME",
        help="only entries about this product (repeatable)",
    )
    p.add_argument(
        "--tag",
        "-t",
        action="append",
        metavar="TAG",
        help="only entries with this tag (repeatable)",
    )
    p.add_argument(
        "--kind",
        "-k",
        action="append",
        choices=("incident", "faq", "tree"),
        help="only this kind (repeatable)",
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help="search symptoms, questions or pasted log lines",
        description="Search the knowledge base in English or Chinese. Paste a log line as the "
        "query, or pass '-' to read it from standard input. Results are either a best match (a "
        "confident answer) or related reading. Exit 0 when a confident answer exists, 1 when "
        "not (related results are still shown), 2 on usage errors.",
    )
    p.add_argument(
        "query", nargs="+", metavar="QUERY", help="words, a phrase, a log line, or '-' for stdin"
    )
    add_filters(p)
    p.add_argument("--limit", "-n", type=int, default=10, help="how many results (default 10)")
    p.add_argument("--json", action="store_true", help="print a JSON array of results")
    p.set_defaults(func=run)


def read_query(parts: list[str], lang: str = "en") -> str:
    if parts == ["-"]:
        from kb.checks.diagnose import decode_log

        if sys.stdin is None:  # `kb search - <&-`: nothing to read, the empty query it is
            return ""
        if sys.stdin is not None and sys.stdin.isatty():
            # nothing piped in: say what it waits for instead of sitting there silently
            from kb.i18n import say

            hint = say("kb: paste the log line or symptom, then press Ctrl-D on a new line", lang)
            sys.stderr.write(hint + "\n")
            sys.stderr.flush()
        return decode_log(sys.stdin.buffer.read(MAX_STDIN))
    return " ".join(parts)


def open_index_for(args: argparse.Namespace) -> KBIndex:
    from indexer import open_index
    from kb.cli.common import lang_for, sources_for, warn_problems
    from kb.cli.progress import LazyProgress

    with LazyProgress("Indexing") as progress:
        idx = open_index(sources_for(args), progress=progress)
    if idx.warning:  # the index folder cannot be written: the search goes on (docs/search.md)
        from kb.i18n import say
        from kb.sanitize import one_line

        lang = lang_for(args)
        sys.stderr.write(
            say("kb: warning: {message}", lang, message=one_line(say(idx.warning, lang))) + "\n"
        )
    warn_problems(idx.errors, lang_for(args))
    return idx


def print_hits(
    hits: list[Hit],
    args: argparse.Namespace,
    *,
    show_snippet: bool = True,
    headings: bool = False,
) -> None:
    from kb.cli.common import Style, lang_for, sanitize, use_color

    st = Style(use_color())
    zh = lang_for(args) == "zh"
    section = None
    for i, h in enumerate(hits, 1):
        if headings:
            label = _heading(bool(getattr(h, "confident", False)), zh)
            if label != section:
                if section is not None:
                    print()
                print(st.bold(label))
                section = label
        title = h.title_zh if zh and h.title_zh else h.title
        score = f" {h.score:.1f}" if h.score else ""
        print(
            f"{st.bold(f'{i:>2}.')} {st.bold(h.id)}  {st.kind(h.kind)}{st.dim(' · ' + ', '.join(h.products) + score)}"
        )
        print(f"    {sanitize(title)}")
        if show_snippet and h.snippet:
            print("    " + _highlight(sanitize_spans(h.snippet, h.highlights), st))


def _heading(confident: bool, zh: bool) -> str:
    if confident:
        return "最佳匹配" if zh else "Best match"
    return "相关条目" if zh else "Related"


def sanitize_spans(snippet: str, spans: tuple) -> list[tuple[str, bool]]:
    """Split the snippet into (text, highlighted) runs, with control characters removed."""
    from kb.cli.common import sanitize

    runs: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        runs.append((snippet[pos:start], False))
        runs.append((snippet[start:end], True))
        pos = end
    runs.append((snippet[pos:], False))
    return [(sanitize(t).replace("\n", " "), hl) for t, hl in runs if t]


def _highlight(runs: list[tuple[str, bool]], st: Style) -> str:
    return "".join(st.hl(t) if hl else t for t, hl in runs)


def unknown_filters(idx: Any, args: argparse.Namespace) -> None:
    """A UserError naming a --product or --tag value no entry has, with the known ones (a filter
    nobody matches would otherwise look like "nothing found")."""
    from kb.errors import UserError

    for option, field in (("product", "products"), ("tag", "tags")):
        wanted = getattr(args, option, None) or []
        if isinstance(wanted, str):
            wanted = [wanted]
        if not wanted:
            continue  # no filter: nothing to read (a cold search stays as cheap as before)
        known = idx.facet_values(field)
        for value in wanted:
            if value.lower() not in known:
                shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
                raise UserError(
                    "no {option} {value!r} in this knowledge base; known: {shown}",
                    option=option,
                    value=value,
                    shown=shown,
                )


def run(args: argparse.Namespace) -> int:
    from kb.cli.common import lang_for, print_json
    from kb.errors import UserError
    from kb.i18n import say

    lang = lang_for(args)
    query = read_query(args.query, lang)
    if not query.strip():
        raise UserError("empty query; type some words or pipe a log into 'kb search -'")
    from kb.checks.diagnose import not_text

    if not_text(query):
        raise UserError(
            "the input is not text (binary data); pipe a log, e.g. docker logs NAME 2>&1 | kb search -"
        )
    if args.limit < 1:
        raise UserError("--limit must be at least 1")
    idx = open_index_for(args)
    try:
        unknown_filters(idx, args)
        hits = idx.search(
            query, product=args.product, tag=args.tag, kind=args.kind, limit=args.limit
        )
    finally:
        idx.close()
    confident = any(h.confident for h in hits)
    from kb.cli.common import will_exit

    will_exit(0 if confident else 1)
    if args.json:
        print_json([h.to_dict() for h in hits])
    elif hits:
        print_hits(hits, args, headings=True)
        if not confident:
            related = say("kb: no confident answer; the entries above are related reading", lang)
            sys.stderr.write(related + "\n")
    else:
        none = say("kb: nothing found; try other words, fewer filters, or 'kb list'", lang)
        sys.stderr.write(none + "\n")
    return 0 if confident else 1

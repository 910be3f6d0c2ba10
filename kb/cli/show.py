"""`kb show ID`: an entry rendered in the terminal, raw, or as JSON with every field."""

from __future__ import annotations

import argparse
import difflib
import sys
from typing import Any

from kb.i18n import say, versions_line
from kb.model import DEFAULT_SEVERITY, Entry


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "show",
        help="show an entry",
        description="Render an entry in the terminal. "
        "Exit 0 when shown, 1 when there is no such entry.",
    )
    p.add_argument("id", metavar="ID", help="entry id (see 'kb list'; shell completion knows them)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--raw", action="store_true", help="print the source file as it is")
    g.add_argument(
        "--json", action="store_true", help="every front-matter field, the body and the languages"
    )
    p.set_defaults(func=run)


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    """Every field of an entry, JSON-ready (also used by `kb list --json` and the site)."""

    def tree() -> dict[str, Any] | None:
        if entry.tree is None:
            return None
        return {
            "start": entry.tree.start,
            "nodes": {
                n.id: {
                    k: v
                    for k, v in {
                        "question": n.question,
                        "check": n.check,
                        "conclusion": n.conclusion,
                        "entry": n.entry,
                        "fix": n.fix,
                        "options": [
                            {"label": o.label, "goto": o.goto, "when": list(o.when)}
                            for o in n.options
                        ]
                        or None,
                    }.items()
                    if v is not None
                }
                for n in entry.tree.nodes.values()
            },
        }

    return {
        "id": entry.id,
        "kind": entry.kind,
        "title": entry.title,
        "summary": entry.summary,
        "products": list(entry.products),
        "tags": list(entry.tags),
        "versions": entry.versions,
        "updated": entry.updated.isoformat() if entry.updated else None,
        "sources": [{k: v for k, v in vars(s).items() if v is not None} for s in entry.sources],
        "related": list(entry.related),
        "symptoms": list(entry.symptoms),
        "signatures": list(entry.signatures),
        # the subset marked `primary: true` (they name this entry's own problem)
        "primary_signatures": list(entry.primary_signatures),
        "severity": entry.severity or DEFAULT_SEVERITY,
        "checks": [
            {
                "id": c.id,
                "kind": c.kind,
                "title": c.title,
                "params": c.params,
                "on_fail": c.on_fail,
                **({"timeout": c.timeout} if c.timeout else {}),
            }
            for c in entry.checks
        ],
        "tree": tree(),
        "body": entry.body,
        "path": entry.path,
        "overrides": list(entry.overrides),
        "languages": list(entry.languages),
        "translations": {
            lang: {
                "title": t.title,
                "summary": t.summary,
                "symptoms": list(t.symptoms),
                "body": t.body,
                # the tree's text in this language, by node id (question/conclusion/fix, options)
                "tree": t.tree_text,
                "path": t.path,
            }
            for lang, t in entry.translations.items()
        },
    }


#: said (on stderr) when the entry has no companion in the language asked for, in that language
UNTRANSLATED = {
    "en": "{id} has no translation in this language; shown in English",
    "zh": "{id} 暂无中文版，以下为英文原文",
}


def not_found(known_ids: Any, entry_id: str, lang: str) -> int:
    ids = list(known_ids)
    word = entry_id.strip().lower()
    # a word of an id (kb show monotonic) names the ids holding it; else the nearest spellings
    close = [i for i in ids if word and word in i][:3] or difflib.get_close_matches(
        word, ids, n=3, cutoff=0.5
    )
    if close:
        message = say(
            "no entry {id!r}; did you mean: {close}", lang, id=entry_id, close=", ".join(close)
        )
    else:
        message = say("no entry {id!r}; try 'kb search WORDS' or 'kb list'", lang, id=entry_id)
    sys.stderr.write(say("kb: {message}", lang, message=message) + "\n")
    return 1


def run(args: argparse.Namespace) -> int:
    from kb.cli.common import lang_for, print_json, sanitize, sources_for, warn_problems
    from kb.loader import load_one

    # only this entry is parsed: showing one entry of a 10 000-entry KB must not read them all
    entry, problems, known = load_one(sources_for(args), args.id)
    if entry is None and args.id.strip().lower() != args.id:
        # ids are lower case: EMQX-MONOTONIC-… pasted from a title or a ticket is the same entry
        entry, problems, known = load_one(sources_for(args), args.id.strip().lower())
    warn_problems(problems, lang_for(args))
    if entry is None:
        if args.id.strip().lower() in set(known):
            # its file is there but did not load: the problem printed above says why; suggesting
            # the same id back ("did you mean: huge-one") helps nobody
            sys.stderr.write(
                say(
                    "kb: entry {id!r} could not be loaded; fix the problem above ('kb lint' lists"
                    " every problem)",
                    lang_for(args),
                    id=args.id.strip().lower(),
                )
                + "\n"
            )
            return 2
        return not_found(known, args.id, lang_for(args))
    lang = lang_for(args)
    # the language the entry is shown in: the one asked for, or English when it has no companion
    shown = lang if lang == "en" or lang in entry.translations else "en"
    if args.json:
        print_json({**entry_to_dict(entry), "shown_lang": shown})
        return 0
    if shown != lang:
        sys.stderr.write(f"kb: {UNTRANSLATED.get(lang, UNTRANSLATED['en']).format(id=entry.id)}\n")
    if args.raw:
        tr = entry.translations.get(lang)
        with open(tr.path if tr else entry.path, encoding="utf-8") as fh:
            raw = fh.read()
        # the file as written, but a terminal never receives its escape sequences
        sys.stdout.write(sanitize(raw) if sys.stdout.isatty() else raw)
        return 0
    render(entry, lang)
    return 0


def render(entry: Entry, lang: str) -> None:
    from rich.console import Console
    from rich.text import Text

    from kb.cli.common import sanitize
    from kb.cli.terminal import print_markdown
    from kb.sanitize import path_text

    text = entry.text(lang)
    zh = lang == "zh" and "zh" in entry.translations

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # Rich's own exits 1: leave it to main, which exits 0 as every command does
            self.quiet = True
            raise BrokenPipeError

    console = _Console(highlight=False, soft_wrap=True)
    console.print(Text(sanitize(text.title), style="bold"))
    console.print(
        Text(
            f"{entry.id} · {entry.kind} · {', '.join(entry.products)}"
            + (f" · {', '.join(entry.tags)}" if entry.tags else ""),
            style="dim",
        )
    )
    if entry.versions:
        console.print(
            Text(
                ("适用版本: " if zh else "Versions: ")
                + versions_line(entry.version_notes(lang), lang),
                style="dim",
            )
        )
    console.print(
        Text(
            ("文件: " if zh else "File: ")
            + path_text(entry.path)
            + (
                f" (overrides {', '.join(path_text(p) for p in entry.overrides)})"
                if entry.overrides
                else ""
            ),
            style="dim",
        )
    )
    console.print()
    console.print(Text(sanitize(text.summary), style="italic"))
    console.print()
    # entry text is untrusted: control characters removed, no HTML, no Rich markup interpretation
    print_markdown(console, sanitize(text.body))
    if entry.checks:
        console.print()
        console.print(Text("检查项" if zh else "Checks", style="bold"))
        from kb.redact import redact

        for c in entry.checks:
            title = text.check_titles.get(c.id, c.title)
            console.print(Text(f"  {c.id:<24} {c.kind:<18} {sanitize(redact(title))}"))
        console.print(Text(f"  kb check {entry.id}", style="dim"))
    if entry.tree is not None:
        console.print()
        print_tree(console, entry, lang)
        console.print()
    if entry.related:
        console.print(
            Text(("相关: " if zh else "Related: ") + ", ".join(entry.related), style="dim")
        )
    if entry.sources:
        console.print(
            Text(
                ("来源: " if zh else "Sources: ")
                + "; ".join(sanitize(s.title) for s in entry.sources),
                style="dim",
            )
        )


# the outline's words, by language (the node text itself comes from the entry's translation)
_TREE_WORDS = {
    "en": {
        "head": "Decision tree ({n} nodes; [id] names a node; kbtui walks it and runs its checks)",
        "check": "check: ",
        "when": "  (check {statuses})",
        "conclusion": "Conclusion: ",
        "fix": "Fix:",
        "entry": "Entry: ",
        "see": "→ see [{id}] {where}",
        "above": "above",
        "below": "below",
        "unreached": "Not reachable from the start:",
    },
    "zh": {
        "head": "决策树（{n} 个节点；[id] 是节点名；在 kbtui 中逐步走查并运行检查）",
        "check": "检查: ",
        "when": "（检查 {statuses}）",
        "conclusion": "结论: ",
        "fix": "修复:",
        "entry": "条目: ",
        "see": "→ 见{where} [{id}]",
        "above": "上文",
        "below": "下文",
        "unreached": "从起点无法到达:",
    },
}


MAX_OUTLINE_DEPTH = 40  # deeper nodes continue from the margin below


def print_tree(console: Any, entry: Entry, lang: str) -> None:
    """The tree as an indented outline: each question, its options, under each option the node it
    leads to; a node reached from several options is written out once, where reading order first
    meets it (`Tree.outline_homes`, the order the site uses), and referred to by id elsewhere."""
    from rich.text import Text

    from kb.cli.common import sanitize
    from kb.cli.terminal import print_markdown, print_wrapped
    from kb.redact import redact

    tree = entry.tree
    assert tree is not None
    words = _TREE_WORDS["zh" if lang == "zh" and "zh" in entry.translations else "en"]
    homes = tree.outline_homes()
    printed: set[str] = set()

    def node(nid: str, indent: str, depth: int = 0) -> None:
        n = tree.nodes[nid]
        printed.add(nid)
        t = entry.node_text(n, lang)
        tag = Text(f"[{nid}] ", style="bold magenta")
        if n.is_conclusion:
            line = tag + Text(words["conclusion"], style="bold") + Text(sanitize(t["conclusion"]))
            print_wrapped(console, line, indent, indent + "  ")
            if t.get("fix"):
                console.print(Text(indent + "  " + words["fix"], style="bold"))
                print_markdown(console, sanitize(t["fix"]), indent + "    ")
            if n.entry:
                console.print(Text(f"{indent}  {words['entry']}kb show {n.entry}", style="dim"))
            return
        print_wrapped(
            console, tag + Text(sanitize(t["question"] or ""), style="bold"), indent, indent + "  "
        )
        if n.check:
            ref = n.check if "#" in n.check else f"{entry.id}#{n.check}"
            console.print(
                Text(f"{indent}  {words['check']}kb check {sanitize(redact(ref))}", style="dim")
            )
        for i, (option, label) in enumerate(zip(n.options, t["options"], strict=True)):
            statuses = n.statuses_for(i)
            line = Text("• " + sanitize(label))
            if statuses:
                line.append(words["when"].format(statuses=", ".join(statuses)), style="dim")
            print_wrapped(console, line, indent + "  ", indent + "    ")
            if homes.get(option.goto) == (nid, i) and depth < MAX_OUTLINE_DEPTH:
                node(option.goto, indent + "    ", depth + 1)
            elif homes.get(option.goto) == (nid, i):
                # a very deep tree continues below, from the margin (no runaway indentation or
                # recursion)
                console.print(
                    Text(
                        f"{indent}    " + words["see"].format(id=option.goto, where=words["below"])
                    )
                )
            else:
                where = words["above"] if option.goto in printed else words["below"]
                console.print(
                    Text(f"{indent}    " + words["see"].format(id=option.goto, where=where))
                )

    console.print(Text(words["head"].format(n=len(tree.nodes)), style="bold"))
    if tree.start in tree.nodes:
        node(tree.start, "")
    deep = [nid for nid, home in homes.items() if home is not None and nid not in printed]
    while deep:  # the continuations of a tree deeper than MAX_OUTLINE_DEPTH, in reading order
        node(deep[0], "")
        deep = [nid for nid in deep if nid not in printed]
    rest = [n.id for n in tree.reading_order() if n.id not in printed]
    if rest:
        console.print(Text(words["unreached"], style="bold"))
        for nid in rest:
            if nid not in printed:
                node(nid, "  ")

"""`kb lint [PATHS]`: validate entries and list every problem (exit 1 if there are errors)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lint",
        help="validate entries and list every problem",
        description="Validate entries (front-matter, regexes, checks, trees, links). "
        "With PATHS, lint those files or folders, resolving links against the whole KB. "
        "Exit 0 when clean, 1 when there are errors (or warnings with --strict), 2 on usage errors.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders to lint (default: every KB source)",
    )
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--json", action="store_true", help="print problems as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kb.cli.common import lang_for, print_json, sources_for
    from kb.errors import UserError
    from kb.fleet.lint import signature_warnings
    from kb.i18n import problem_line, say
    from kb.loader import load_kb
    from kb.model import Problem
    from kb.sanitize import path_text

    targets = []
    for p in args.paths:
        try:
            targets.append(Path(p).resolve(strict=True))
        except (OSError, RuntimeError):  # missing, or a symlink loop
            raise UserError("{path}: no such file or folder", path=path_text(p)) from None
        if not targets[-1].is_dir() and targets[-1].suffix != ".md":
            # `kb lint entry.md.bak` checked 0 entries and passed: a CI job green on nothing
            raise UserError(
                "{path}: not a folder or .md file; give a folder of entries (or an entry file)",
                path=path_text(p),
            )
    sources = sources_for(args)
    for t in targets:
        folder = t if t.is_dir() else t.parent
        if not any(folder == s or folder.is_relative_to(s) for s in sources):
            sources.append(folder)
    kbase = load_kb(sources)
    kbase.problems.extend(signature_warnings(kbase.entries.values()))

    def wanted(path: str) -> bool:
        if not targets:
            return True
        # a link is judged by where it lies, not where it leads (a link out of the KB folder
        # is a problem of the folder it lies in)
        link = Path(path).absolute()
        try:
            p = link.parent.resolve() / link.name
        except (OSError, RuntimeError):  # a symlink loop is reported under its own name
            p = link
        return any(x == t or x.is_relative_to(t) for x in (p, _resolved(p)) for t in targets)

    problems = sorted((p for p in kbase.problems if wanted(p.path)), key=Problem.order)
    n_entries = sum(1 for g in kbase.groups.values() if any(wanted(str(f.path)) for f in g.files))
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    from kb.cli.common import will_exit

    # `kb lint | head`: a reader that stops early does not turn "errors found" into success
    code = will_exit(1 if errors or (args.strict and warnings) else 0)
    if args.json:  # machine-readable: English, as `kb search --json`
        print_json(
            {
                "entries": n_entries,
                "errors": len(errors),
                "warnings": len(warnings),
                "problems": [
                    {
                        "path": path_text(p.path),
                        "line": p.line,
                        "severity": p.severity,
                        "message": p.message,
                    }
                    for p in problems
                ],
            }
        )
    else:
        lang = lang_for(args)
        for p in problems:
            print(problem_line(p, lang))
        print(
            say(
                "{entries} checked: {errors}, {warnings}",
                lang,
                entries=_count(n_entries, "{n} entry", "{n} entries"),
                errors=_count(len(errors), "{n} error", "{n} errors"),
                warnings=_count(len(warnings), "{n} warning", "{n} warnings"),
            )
        )
    return code


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _count(n: int, one: str, many: str) -> str:
    from kb.i18n import Words

    return Words(one if n == 1 else many, n=n)

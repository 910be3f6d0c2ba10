"""Helpers shared by `kb` commands: loading the KB for the given options, output, colour."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kb.errors import UserError
from kb.loader import KnowledgeBase, kb_sources, load_kb
from kb.model import Problem

#: the exit code a command will return once its output is written (`will_exit`): a reader that
#: goes away early (`kb search x | head -1`) must not turn "no confident answer" into success
PENDING_EXIT: list[int] = []


def will_exit(code: int) -> int:
    """Record the exit code before printing the output it belongs to; returns it."""
    PENDING_EXIT[:] = [code]
    return code


def reader_gone() -> None:
    """The reader of stdout went away (`kb check X | head -1`): point stdout at /dev/null, so
    what is still to print, and the interpreter's final flush, go nowhere instead of raising
    BrokenPipeError again. A command that must go on (its exit code and `--junit` depend on the
    rest of the run) calls this and carries on."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def kb_arg_problem(path: str) -> UserError | None:
    """Why a `--kb` the user typed cannot be used, or None (one rule for `kb` and `kbtui`): a
    UserError whose template the caller says in the user's language."""
    from kb.i18n import Words
    from kb.sanitize import path_text

    if not path.strip():  # Path("") is the current folder: refuse, do not walk it
        return UserError(
            "--kb {path!r}: empty path; give a folder of entries (or an entry file)", path=path
        )
    where = Path(path).expanduser()
    if not where.exists():
        return UserError(
            "--kb {path}: no such folder; give a folder of entries (or an entry file)",
            path=path_text(path),
        )
    if where.is_dir() or (where.is_file() and where.suffix == ".md"):
        return None
    return UserError(
        "--kb {path}: not a folder or .md file{hint}; give a folder of entries (or an entry file)",
        path=path_text(path),
        hint=Words("" if where.is_file() else " (a device or named pipe?)"),
    )


def sources_for(args: argparse.Namespace) -> list:
    """The KB sources of this command. A `--kb` the user typed that names nothing is refused
    (a CI job with a mistyped path must not publish or lint the bundled KB alone and pass);
    KB_PATH and the config's kb_paths are reported as problems by the loader."""
    extra = getattr(args, "kb", []) or []
    for path in extra:
        problem = kb_arg_problem(str(path))
        if problem:
            raise problem
    return kb_sources(extra)


def warn_problems(problems: list[Problem], lang: str, *, limit: int = 20) -> None:
    """Bad entries are reported on stderr, in `lang`; the command goes on with the good ones."""
    from kb.i18n import problem_line, say

    errors = [p for p in problems if p.severity == "error"]
    for p in errors[:limit]:
        # `path:line: error: …` says what it is
        sys.stderr.write(say("kb: {message}", lang, message=problem_line(p, lang)) + "\n")
    if len(errors) > limit:
        sys.stderr.write(
            say(
                "kb: warning: {n} more problems; run 'kb lint' for all", lang, n=len(errors) - limit
            )
            + "\n"
        )


def load_kb_for(args: argparse.Namespace, *, warn: bool = True) -> KnowledgeBase:
    kbase = load_kb(sources_for(args))
    if warn:
        warn_problems(kbase.problems, lang_for(args))
    return kbase


def lang_for(args: argparse.Namespace) -> str:
    from kb.i18n import pick_lang

    return pick_lang(getattr(args, "lang", None))


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def use_color(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


#: config.yaml's problems are written once per process (a command may load the targets twice)
_CONFIG_WARNED: list[str] = []


def config_targets(lang: str, skip: Iterable[str] = ()) -> Any:
    """The targets of config.yaml (`kb.checks.targets.load`); the problems of the file go to
    stderr once, as `path:line: …` in `lang`, except those of the items named in `skip` (their
    refusal says them). An unreadable config is a UserError."""
    from kb.checks import targets as targets_mod
    from kb.i18n import problem_line, say

    conf = targets_mod.load()
    if not _CONFIG_WARNED:
        _CONFIG_WARNED.append("warned")
        quiet = {p for u in conf.unusable if u.name in set(skip) for p in u.problems}
        for p in conf.problems:
            if p not in quiet:
                sys.stderr.write(say("kb: {message}", lang, message=problem_line(p, lang)) + "\n")
    return conf


def target_for(name: str | None, what: str, lang: str) -> tuple[Any, dict[str, str]]:
    """`--target NAME` from the config: (the target or None, configured Docker host name -> URL).
    An unknown name, or one whose item in the config has a problem, is a UserError saying which
    (`Targets.missing`); `what` starts the message."""
    if not name:
        return None, {}
    conf = config_targets(lang, skip=[name])
    target = conf.find(name)
    if target is None:
        raise UserError("{what}: {why}", what=what, why=conf.missing(name))
    return target, conf.docker_urls()


def sanitize(text: str) -> str:
    """Untrusted text made safe for the terminal (kb.sanitize.clean, the one sanitiser)."""
    from kb.sanitize import clean

    return clean(text)


class Style:
    """Minimal ANSI styling (rich would cost tens of ms on every `kb search`)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, t: str) -> str:
        return self(t, "1")

    def dim(self, t: str) -> str:
        return self(t, "2")

    def hl(self, t: str) -> str:
        return self(t, "1;33")

    def kind(self, t: str) -> str:
        return self(t, {"incident": "31", "faq": "36", "tree": "35"}.get(t, "0"))

"""`kb`: the headless command line. Starts fast: argparse only; each command imports what it needs.

Each sub-command is one module `kb/cli/<name>.py` with `add_parser(subparsers)` that registers its
parser and `set_defaults(func=run)`. Exit codes: 0 success/found/all pass, 1 nothing found or a
check failed/warned, 2 usage or data error, 3 a check could not run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import textwrap
from typing import Any, NoReturn

from kb.cli.helpformat import HelpFormatter
from kb.errors import (
    EXIT_CODES_HELP,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
)

COMMANDS = (
    "search",
    "show",
    "list",
    "lint",
    "index",
    "check",
    "doctor",
    "diagnose",
    "export",
    "serve",
    "paths",
    "completion",
)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # every command's help is laid out (and said in Chinese) by kb.cli.helpformat
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        # one line and a pointer to help, exit 2 (argparse prints the whole usage block otherwise)
        from kb.cli.parser_words import spoken
        from kb.i18n import say

        line = say(
            "{prog}: {message} (see '{prog} --help')", spoken(), prog=self.prog, message=message
        )
        sys.stderr.write(line + "\n")
        sys.exit(EXIT_USAGE)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The `kb` parser with every command, or with command `only` (importing each command's
    module costs ~2-5 ms; `kb search` needs one of them)."""
    parser = _Parser(
        prog="kb",
        description="Troubleshooting knowledge base for Docker hosts and MQTT/AMQP brokers.",
        epilog='Examples:\n  kb search "monotonic time"\n  docker logs emqx 2>&1 | kb diagnose -\n'
        "  kb show emqx-monotonic-time-stepped-backwards --lang zh\n  kb doctor --json\n\n"
        + textwrap.fill(EXIT_CODES_HELP, 78),
        formatter_class=HelpFormatter,
    )
    _global_options(parser, argparse.SUPPRESS)
    parser.set_defaults(kb=[], lang=None, debug=False)
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, action=_Commands
    )
    for name in COMMANDS if only is None else (only,):
        try:
            module = importlib.import_module(f"kb.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"kb.cli.{name}":
                continue  # a command not built yet
            raise
        module.add_parser(sub)
    return parser


def _global_options(parser: argparse.ArgumentParser, default: object, *, lang: bool = True) -> None:
    """--kb, --lang and --debug (`lang=False` for a command whose own --lang means something
    else: `kb export site --lang` picks the languages exported)."""
    parser.add_argument(
        "--kb",
        action="append",
        default=default,
        metavar="PATH",
        help="add a knowledge-base folder (repeatable; overrides entries with the same id)",
    )
    if lang:
        parser.add_argument(
            "--lang",
            choices=("en", "zh"),
            default=default,
            help="language to show (default: from the locale)",
        )
    parser.add_argument(
        "--debug", action="store_true", default=default, help="show tracebacks on errors"
    )


class _Commands(argparse._SubParsersAction):
    """Subcommands that also accept the global options after the command: `kb show ID --lang zh`."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        common = argparse.ArgumentParser(add_help=False)
        _global_options(common, argparse.SUPPRESS)
        kwargs["parents"] = [*kwargs.get("parents", []), common]
        return super().add_parser(name, **kwargs)


class _VersionAction(argparse.Action):
    """Looks the version up only when asked (importlib.metadata costs ~50 ms at every start)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        kwargs.pop("nargs", None)
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"kb {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kbtui")
    except PackageNotFoundError:
        return "0+unknown"


def command_in(argv: list[str]) -> str | None:
    """The command an argument list names, when it is plain to see: the first word that is not a
    global option or its value. None for help, version, unknown options or commands (the full
    parser then answers, with its list of commands)."""
    takes_value = ("--kb", "--lang")
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return None
        if arg.startswith("-"):
            name, eq, _value = arg.partition("=")
            if len(name) <= 2 or not name.startswith("--"):
                return None  # -h, or a command's own option before the command
            if any(t.startswith(name) for t in takes_value):  # also abbreviated: --k
                i += 0 if eq else 1
            elif not ("--debug".startswith(name) and not eq):
                return None
            i += 1
            continue
        return arg if arg in COMMANDS else None
    return None


def _closed_streams() -> None:
    """A stdout or stderr the caller closed (`kb … >&-`, `2>&-`; a supervisor that closes them)
    is None in Python: what kb would print there goes to /dev/null, as when the reader of a pipe
    goes away, and the exit code still says what happened."""
    import os

    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    from kb.cli.parser_words import lang_asked, speaking
    from kb.errors import UserError
    from kb.i18n import Words, say

    _closed_streams()
    argv = sys.argv[1:] if argv is None else argv
    lang = lang_asked(argv)
    with speaking(lang):
        parser = build_parser(only=command_in(argv))
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_USAGE
    from kb.cli.common import PENDING_EXIT

    PENDING_EXIT.clear()  # one command per call (tests call main() again in one process)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        if args.debug:
            raise
        template = getattr(exc, "template", None)
        said = say(template, lang, **exc.fields) if template is not None else str(exc)
        sys.stderr.write(say("kb: {message}", lang, message=_one_line(said)) + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write(say("kb: interrupted", lang) + "\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `kb search x | head`: the reader went away; not an error. Point stdout at /dev/null so
        # the interpreter's final flush does not raise again.
        from kb.cli.common import reader_gone

        reader_gone()
        return PENDING_EXIT[0] if PENDING_EXIT else EXIT_OK
    except OSError as exc:
        if args.debug or exc.filename is None or exc.errno not in _PATH_ERRNOS:
            if args.debug:
                raise
            return _internal(exc)
        # a file or folder the command was told to write (or read) cannot be used: the user's
        # to fix, not a bug (kb export site /read-only/dir, kb check --junit /no/such/dir/x.xml)
        import errno
        import os

        why = Words(exc.strerror or "")
        if exc.errno == errno.EEXIST and os.path.isfile(exc.filename):
            # mkdir(parents=True) met a file where a folder of the path must be
            why = Words("it is a file, not a folder")
        elif exc.errno == errno.EEXIST and os.path.islink(exc.filename):
            why = Words("a symbolic link to nothing is where a folder must be")
        path = _one_line(_shown_path(exc.filename))
        message = say("cannot use {path}: {why}", lang, path=path, why=why)
        sys.stderr.write(say("kb: {message}", lang, message=message) + "\n")
        return EXIT_USAGE
    except Exception as exc:  # a bug: one line unless --debug
        if args.debug:
            raise
        return _internal(exc)


def _internal(exc: BaseException) -> int:
    sys.stderr.write(
        f"kb: internal error: {type(exc).__name__}: {_one_line(exc)} (rerun with --debug for the"
        " traceback)\n"
    )
    return EXIT_INTERNAL


def _one_line(text: object) -> str:
    """An error as printed: one line without terminal escapes or control characters (errors
    quote what the user typed: a file name from a glob, a pasted --set NAME)."""
    from kb.sanitize import clean

    return clean(str(text), keep_newlines=False, tabs=" ")


def _path_errnos() -> frozenset[int]:
    import errno

    names = (
        "EACCES",
        "EPERM",
        "ENOENT",
        "EISDIR",
        "ENOTDIR",
        "EEXIST",
        "EROFS",
        "ENOSPC",
        "EDQUOT",
    )
    return frozenset(getattr(errno, n) for n in names if hasattr(errno, n))


_PATH_ERRNOS = _path_errnos()


def _shown_path(filename: object) -> str:
    """The path as the user gave it: a temporary file written beside the target for an atomic
    replace (`.NAME.tmp-…`) is shown as the target, FOLDER/NAME."""
    import os
    import re

    path = os.fsdecode(filename) if isinstance(filename, (str, bytes)) else str(filename)
    m = re.fullmatch(r"\.(.+?)\.tmp[-.].*", os.path.basename(path))
    return os.path.join(os.path.dirname(path), m.group(1)) if m else path


if __name__ == "__main__":
    sys.exit(main())

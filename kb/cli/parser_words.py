"""argparse's own words (`usage:`, the section headings, its usage errors) in the language `kb`
speaks. argparse asks gettext for each of them (its documented way to be translated); while
`speaking("zh")` holds, those calls are answered from kb.zh.ARGPARSE_ZH, and argparse is left
as it was afterwards. The language comes from the argument list itself (`lang_asked`), since a
usage error happens before there are parsed arguments to ask."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from kb.i18n import normalise, pick_lang

#: the global options that take a value (also written abbreviated: --la zh, or --lang=zh)
_TAKES_VALUE = ("--kb", "--lang")
#: commands whose own `--lang` means something else (`kb export site --lang` picks the languages
#: exported): only a --lang before the command word chooses the language of the messages
_OWN_LANG = ("export",)
#: the language of the `speaking` block in force (the parser's one-line error says it too)
_SPOKEN: list[str] = []


def lang_asked(argv: Sequence[str]) -> str:
    """The language of this command line's messages: its last global `--lang` that names a
    language, else the locale (kb.i18n.pick_lang)."""
    asked: str | None = None
    command: str | None = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if (
            len(name) > 2
            and name.startswith("--")
            and any(t.startswith(name) for t in _TAKES_VALUE)
        ):
            if not eq:
                value = argv[i + 1] if i + 1 < len(argv) else ""
                i += 1
            if "--lang".startswith(name) and command not in _OWN_LANG:
                asked = normalise(value) or asked
        elif command is None and not arg.startswith("-"):
            command = arg
        i += 1
    return pick_lang(asked)


class _Cells(str):
    """A text whose len() is its width on screen. argparse lays the usage out by len(prefix):
    "用法：" is 3 characters but 6 columns, and the usage's wrapped lines would start 3 columns
    left of the options they continue (and the first line run 3 columns past the width)."""

    __slots__ = ()

    def __len__(self) -> int:
        import unicodedata

        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(self))


def spoken() -> str:
    """The language argparse speaks now ("en" outside a `speaking` block)."""
    return _SPOKEN[-1] if _SPOKEN else "en"


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse says its words in `lang` (Chinese from ARGPARSE_ZH; anything else, and the words
    the table lacks, as gettext would have said them) until the block ends."""
    hooks: Any = argparse  # its gettext and ngettext: module globals typeshed does not declare
    gettext: Callable[[str], str] = hooks._
    ngettext: Callable[[str, str, int], str] = hooks.ngettext

    def zh_gettext(message: str) -> str:
        said = ARGPARSE_ZH.get(message) or gettext(message)
        return _Cells(said) if message == "usage: " else said

    def zh_ngettext(singular: str, plural: str, n: int) -> str:
        return ARGPARSE_ZH.get(singular) or ngettext(singular, plural, n)  # Chinese has one form

    _SPOKEN.append(lang)
    if lang == "zh":
        from kb.zh import ARGPARSE_ZH

        hooks._, hooks.ngettext = zh_gettext, zh_ngettext
    try:
        yield
    finally:
        hooks._, hooks.ngettext = gettext, ngettext
        _SPOKEN.pop()

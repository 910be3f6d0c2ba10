"""The `--help` layout of every `kb` parser: prose wrapped to the terminal, examples kept as
written. argparse's RawDescriptionHelpFormatter kept each description as one line (300 columns
in an 80-column terminal); its default formatter would re-flow the examples into one paragraph.

In Chinese (`kb --lang zh`, a zh locale: kb.cli.parser_words.speaking), the help strings, the
descriptions' and epilogs' prose paragraphs are said from kb.zh.HELP_ZH, keyed by the English
(`help_texts` lists what a parser holds, for the test that each has its Chinese), wrapped by
display width with kb.cli.linebreak (a Chinese character is two columns), and the section
headings end in `：`. Option names, metavars and the example lines stay as written; a kept line
that says words (a row of kbtui's key table: `kept_lines`) is said whole from HELP_ZH, keyed by
the line as written, so that its columns can be aligned by hand."""

from __future__ import annotations

import argparse
import re
import textwrap
from collections.abc import Iterator
from itertools import pairwise

#: a section heading argparse ended with an ASCII colon after a Chinese title (`位置参数:`)
_ZH_HEADING = re.compile(r"(?m)^( *[^\x00-\x7f\s]+):$")


def paragraphs(text: str) -> Iterator[tuple[bool, str]]:
    """A description or epilog as argparse shows it: (True, a prose paragraph, its lines joined)
    or (False, a line kept as written: indented (an example, a command) or blank)."""
    prose: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith((" ", "\t")):
            if prose:
                yield True, " ".join(prose)
                prose.clear()
            yield False, line
        else:
            prose.append(line.strip())
    if prose:
        yield True, " ".join(prose)


def kept_lines(parser: argparse.ArgumentParser) -> Iterator[str]:
    """The lines of `parser`'s description and epilog that `--help` keeps as written (examples,
    a key table), blank ones left out."""
    for text in (parser.description, parser.epilog):
        for is_prose, line in paragraphs(text or ""):
            if not is_prose and line.strip():
                yield line


def help_texts(parser: argparse.ArgumentParser, *, commands: bool = True) -> Iterator[str]:
    """Every text `--help` says in words, of `parser` and (unless `commands` is false) of the
    commands under it: help strings (a command's summary too) and the prose paragraphs of
    descriptions and epilogs."""
    for text in (parser.description, parser.epilog):
        for is_prose, paragraph in paragraphs(text or ""):
            if is_prose:
                yield paragraph
    for action in parser._actions:
        if action.help and action.help is not argparse.SUPPRESS:
            yield action.help
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.help and choice.help is not argparse.SUPPRESS:
                    yield choice.help
            for sub in dict.fromkeys(action.choices.values()) if commands else ():
                yield from help_texts(sub)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Description and epilog: indented lines (examples, commands) stay as they are; the other
    lines are prose, wrapped paragraph by paragraph (a blank line ends one)."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        from kb.cli.parser_words import spoken

        super().__init__(prog, indent_increment, max_help_position, width)
        self._zh = spoken() == "zh"

    def _said(self, text: str) -> str:
        if not self._zh:
            return text
        from kb.zh import HELP_ZH

        return HELP_ZH.get(text, text)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        return self._said(text) if text else text

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not self._zh:
            return super()._split_lines(text, width)
        return _wrap(" ".join(text.split()), width, "")

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        for is_prose, line in paragraphs(text):
            if is_prose:
                out.extend(_wrap(self._said(line), width, indent))
            else:
                out.append(indent + self._said(line) if line.strip() else "")
        return "\n".join(out)

    def format_help(self) -> str:
        text = super().format_help()
        return _ZH_HEADING.sub(r"\1：", text) if self._zh else text


def _wrap(text: str, width: int, indent: str) -> list[str]:
    """`text` in lines of at most `width` columns, each starting with `indent`: English as
    textwrap has always wrapped it, a text holding Chinese by display width (kb.cli.linebreak)."""
    from kb.cjk import CHAR

    if not CHAR.search(text):
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)
    from kb.cli.linebreak import break_offsets, trim_end

    room = max(width - len(indent), 1)
    cuts = [0, *break_offsets(text, room), len(text)]
    return [indent + trim_end(text[a:b]) for a, b in pairwise(cuts) if text[a:b].strip()]

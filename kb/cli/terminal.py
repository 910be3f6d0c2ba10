"""Entry Markdown for the terminal: prose wrapped to the width, code blocks printed verbatim.

Rich lays out the prose (headings, lists, tables, wide characters) at the console's width: the
terminal's, or 80 columns (or `$COLUMNS`) when the output is piped, as `man` does. Two things of
Rich's own layout would break what people copy out of the output, so they are taken back here:

- a code block is never wrapped or cropped: a command wrapped at column 80 pastes as two
  commands (`docker network inspect -f '…'` and then `$(docker network ls -q)` run on its own).
  Its lines are printed as written, indented like the block; a terminal or pager that is too
  narrow wraps them on screen only;
- Chinese prose breaks between characters (`kb.cli.linebreak`), not only at spaces, so a
  paragraph fills its lines and no line starts with `。`;
- no line carries trailing padding (Rich pads every line to the width), so `kb show X > ticket.txt`
  holds the text and nothing else.
"""

from __future__ import annotations

from typing import Any

from kb.cli.linebreak import cjk_line_breaking

CODE_INDENT = "  "
_META = "kb_code"


#: prose indented deeper than this still gets this many columns (a deep tree at 80 columns)
MIN_TEXT_WIDTH = 40


def print_markdown(console: Any, markdown: str, indent: str = "") -> None:
    """Print `markdown` (already sanitised) on `console`, each line after `indent`: see the
    module docstring."""
    from rich.segment import Segment
    from rich.style import Style

    code_style = Style(color="cyan")
    with cjk_line_breaking():
        lines = console.render_lines(_markdown(markdown), _narrowed(console, indent), pad=False)
    for line in lines:
        marker = next((i for i, seg in enumerate(line) if _code_of(seg) is not None), None)
        if marker is None:
            _print_line(console, indent, line)
            continue
        code = _code_of(line[marker]) or ""
        prefix = [Segment(s.text, s.style) for s in line[:marker]]
        for code_line in code.split("\n"):
            out = [*prefix, Segment(CODE_INDENT + code_line, code_style)] if code_line else prefix
            _print_line(console, indent, out)


def print_wrapped(console: Any, text: Any, indent: str = "", hanging: str | None = None) -> None:
    """Print a Rich `Text` wrapped to the width after `indent` (`hanging` for the lines after the
    first, `indent` by default), with no trailing blanks."""
    widest = max(indent, hanging or "", key=len)
    with cjk_line_breaking():
        lines = console.render_lines(text, _narrowed(console, widest), pad=False)
    for i, line in enumerate(lines):
        _print_line(console, indent if i == 0 or hanging is None else hanging, line)


def _narrowed(console: Any, indent: str) -> Any:
    return console.options.update_width(max(MIN_TEXT_WIDTH, console.width - len(indent)))


def _print_line(console: Any, indent: str, segments: list[Any]) -> None:
    from rich.segment import Segment
    from rich.text import Text

    line = _rstrip([Segment(indent), *segments] if indent else segments)
    console.print(_text(Text, line), soft_wrap=True)


def _code_of(segment: Any) -> str | None:
    style = segment.style
    if style is None or not style.meta:
        return None
    code = style.meta.get(_META)
    return code if isinstance(code, str) else None


def _rstrip(line: list[Any]) -> list[Any]:
    """`line` without its trailing blanks (Rich's padding)."""
    from rich.segment import Segment

    out = list(line)
    while out:
        last = out[-1]
        stripped = last.text.rstrip(" ")
        if stripped:
            out[-1] = Segment(stripped, last.style)
            break
        out.pop()
    return out


def _text(text_cls: Any, segments: list[Any]) -> Any:
    text = text_cls(no_wrap=True, overflow="ignore")
    for seg in segments:
        # a blank segment's style (a code background, an underline) would show as a coloured bar
        text.append(seg.text, seg.style if seg.text.strip() else None)
    return text


def _markdown(markdown: str) -> Any:
    """A Rich Markdown whose code blocks render as one marker cell carrying the code."""
    from rich.markdown import CodeBlock, Markdown
    from rich.style import Style
    from rich.text import Text

    class VerbatimCode(CodeBlock):
        def __rich_console__(self, console: Any, options: Any) -> Any:
            code = str(self.text).rstrip("\n")
            yield Text(" ", style=Style(meta={_META: code}))

    class EntryMarkdown(Markdown):
        elements = {**Markdown.elements, "fence": VerbatimCode, "code_block": VerbatimCode}

    return EntryMarkdown(markdown, hyperlinks=False)

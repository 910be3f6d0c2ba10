"""Textual's face of the CJK line breaking rule in `kb.cli.linebreak` (Textual wraps text at
spaces only: `Content` uses Rich's `divide_line`).

`Breakable` is a Rich `Text` that Textual shows wrapped this way (through its `visualize` hook); it
is a `Text` in every other respect (`.plain`, spans, `append`). `BreakableStatic` shows one, and
`BreakableMarkdown` is the Markdown widget whose paragraphs wrap this way; both copy a mouse
selection as the text is, without the breaks.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Offset
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Markdown, Static
from textual.widgets._markdown import MarkdownParagraph  # Markdown.BLOCKS["paragraph_open"]
from textual.widgets.markdown import MarkdownBlock

from kb.cli.linebreak import CJK, break_offsets, trim_end


def wrap_lines(content: Content, width: int) -> list[tuple[int, int, Content]]:
    """The lines of `content` wrapped where `break_offsets` puts the breaks (each line's trailing
    spaces dropped, as Textual drops them): (index of the line in `content`, where the piece
    starts in that line, the piece)."""
    out: list[tuple[int, int, Content]] = []
    for y, line in enumerate(content.split("\n", allow_blank=True)):
        cuts = break_offsets(line.plain, width)
        parts = line.divide(cuts)
        last = len(parts) - 1
        out.extend(
            (y, start, part if i == last else _trim_end(part))
            for i, (start, part) in enumerate(zip([0, *cuts], parts, strict=True))
        )
    return out


def _trim_end(part: Content) -> Content:
    """`part` without the blanks at its end; a no-break space (a badge's padding) is kept."""
    blanks = len(part.plain) - len(trim_end(part.plain))
    return part.right_crop(blanks) if blanks else part


def wrap_content(content: Content, width: int) -> Content:
    """`content` with line breaks where `break_offsets` puts them, so that Textual's own wrapping
    has nothing left to do."""
    return Content("\n").join(part for _, _, part in wrap_lines(content, width))


class BreakableVisual(Visual):
    """Textual's visual for `Breakable`: `Content`, wrapped with `break_offsets`."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._wrapped: tuple[int, list[tuple[int, int, Content]], Content] | None = None

    def wrapped(self, width: int) -> Content:
        if self._wrapped is None or self._wrapped[0] != width:
            lines = wrap_lines(self.content, width)
            self._wrapped = (width, lines, Content("\n").join(part for _, _, part in lines))
        return self._wrapped[2]

    def selected_text(self, selection: Selection) -> str:
        """The text under `selection`, which is in the coordinates of the wrapped lines shown (line,
        character): read from the content itself, so a break is not copied as a newline."""
        plain = self.content.plain
        if self._wrapped is None:
            return selection.extract(plain)
        lines = self._wrapped[1]
        originals = plain.split("\n")

        def back(offset: Offset | None) -> Offset | None:
            if offset is None:
                return None
            if offset.y >= len(lines):
                return Offset(len(originals[-1]), len(originals) - 1)
            y, start, part = lines[offset.y]
            return Offset(start + min(offset.x, len(part.plain)), y)

        return Selection(back(selection.start), back(selection.end)).extract(plain)

    @staticmethod
    def _inner(rules: RulesMap, width: int) -> int:
        return width - int(rules.get("line_pad", 0) or 0) * 2

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        wrapped = self.wrapped(self._inner(options.rules, width))
        return wrapped.render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.content.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.wrapped(self._inner(rules, width)).get_height(rules, width)


class Breakable(Text):
    """A Rich `Text` that Textual wraps with CJK line breaking (see the module docstring)."""

    def visualize(self) -> Visual:
        content = Content.from_rich_text(self)
        if CJK.search(self.plain) is None:
            return content  # no CJK: Textual's own wrapping breaks the same places, faster
        return BreakableVisual(content)


class BreakableStatic(Static):
    """A `Static` for `Breakable` text: a mouse selection copies the text as it is."""

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        visual = self.visual
        if isinstance(visual, BreakableVisual):
            return visual.selected_text(selection), "\n"
        return super().get_selection(selection)


class BreakableParagraph(MarkdownParagraph):
    """A Markdown paragraph that wraps with CJK line breaking (its `Content` is kept as Textual
    built it: links, styles and the table of contents are untouched)."""

    def set_content(self, content: Content) -> None:
        self._content = content
        if CJK.search(content.plain) is None:
            self.update(content)
        else:
            self.update(BreakableVisual(content))

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        visual = self.visual
        if isinstance(visual, BreakableVisual):
            return visual.selected_text(selection), "\n"
        return super().get_selection(selection)


class BreakableMarkdown(Markdown):
    """Textual's Markdown widget whose paragraphs (also in lists and quotes) break between CJK
    characters, never inside an English word."""

    BLOCKS: dict[str, type[MarkdownBlock]] = {
        **Markdown.BLOCKS,
        "paragraph_open": BreakableParagraph,
    }

"""Textual's face of the CJK line breaking rule in `kb.cli.linebreak` (Textual wraps text at
spaces only: `Content` uses Rich's `divide_line`).

`Breakable` is a Rich `Text` that Textual shows wrapped this way (through its `visualize` hook); it
is a `Text` in every other respect (`.plain`, spans, `append`).
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from kb.cli.linebreak import CJK, break_offsets


def wrap_content(content: Content, width: int) -> Content:
    """`content` with line breaks where `break_offsets` puts them (each line's trailing spaces
    dropped, as Textual drops them), so that Textual's own wrapping has nothing left to do."""
    lines: list[Content] = []
    for line in content.split("\n", allow_blank=True):
        parts = line.divide(break_offsets(line.plain, width))
        lines.extend([*(part.rstrip() for part in parts[:-1]), parts[-1]])
    return Content("\n").join(lines)


class BreakableVisual(Visual):
    """Textual's visual for `Breakable`: `Content`, wrapped with `break_offsets`."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._wrapped: tuple[int, Content] | None = None

    def wrapped(self, width: int) -> Content:
        if self._wrapped is None or self._wrapped[0] != width:
            self._wrapped = (width, wrap_content(self.content, width))
        return self._wrapped[1]

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

"""Line breaking for text that mixes Chinese (or Japanese, Korean) and English.

Textual wraps text at spaces only (`Content` uses Rich's `divide_line`), so a run of Chinese,
which has no spaces, is one "word": longer than the line, it is folded at the last column and an
English word right after it is split (`…（时钟回拨、Licens` / `e 过期…`); shorter, it moves whole
to the next line and leaves the line above half empty. Here a line may also break before and
after any wide (CJK) character, except before closing punctuation (`、。，）」`) and after opening
punctuation (`（「`); English words still break only at spaces, and are folded only when a single
word is longer than the line.

`Breakable` is a Rich `Text` that Textual shows wrapped this way (through its `visualize` hook); it
is a `Text` in every other respect (`.plain`, spans, `append`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

#: no line starts with these (closing punctuation, CJK and ASCII)
NO_BREAK_BEFORE = frozenset("、。，．・：；？！）」』】〕〉》〗〙〛｝］’”〜…‥％,.;:!?)]}%")
#: no line ends with these (opening punctuation)
NO_BREAK_AFTER = frozenset("（「『【〔〈《〖〘〚｛［‘“([{")


#: CJK scripts and punctuation (Hangul Jamo, CJK radicals to Yi, Hangul, compatibility
#: ideographs, vertical and fullwidth forms, the supplementary ideograph planes): a quick test
#: whether a text needs `break_offsets` at all
_CJK = re.compile(
    "[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe1f"
    "\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


@lru_cache(maxsize=4096)
def is_wide(char: str) -> bool:
    """A character a line may break before or after (CJK: East Asian wide or fullwidth)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _breakable_at(text: str, i: int) -> bool:
    """May a line break between text[i - 1] and text[i]?"""
    before, after = text[i - 1], text[i]
    if after.isspace():
        return False  # spaces stay at the end of the line they follow
    if before.isspace():
        return True
    if not (is_wide(before) or is_wide(after)):
        return False  # inside an English word (or number, path, URL)
    return after not in NO_BREAK_BEFORE and before not in NO_BREAK_AFTER


def units(text: str) -> Iterator[tuple[int, str]]:
    """The pieces a line is never broken inside (unless one is longer than the line), each
    with the spaces after it, and where each starts: an English word, one CJK character."""
    start = 0
    for i in range(1, len(text)):
        if _breakable_at(text, i):
            yield start, text[start:i]
            start = i
    if text:
        yield start, text[start:]


def break_offsets(text: str, width: int) -> list[int]:
    """Where to break the line `text` (no newlines) so that each line fits `width` cells: a list of
    increasing indexes into `text`, as Rich's `divide_line` returns for `Text.divide`."""
    offsets: list[int] = []
    if width <= 0:
        return offsets
    used = 0  # cells on the current line
    for start, unit in units(text):
        word = unit.rstrip()
        cells = cell_len(word)
        if used and used + cells > width:
            offsets.append(start)
            used = 0
        if cells <= width:
            used += cell_len(unit)
            continue
        # a single word longer than the line: fold it at the width
        for i, char in enumerate(word, start):
            size = get_character_cell_size(char)
            if used and used + size > width:
                offsets.append(i)
                used = 0
            used += size
        used += cell_len(unit) - cells
    return offsets


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
        if _CJK.search(self.plain) is None:
            return content  # no CJK: Textual's own wrapping breaks the same places, faster
        return BreakableVisual(content)

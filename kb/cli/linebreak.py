"""Line breaking for text that mixes Chinese (or Japanese, Korean) and English.

Rich and Textual break lines at spaces only, so a run of Chinese, which has no spaces, is one
"word": longer than the line, it is folded at the last column and an English word right after it
is split (`…（时钟回拨、Licens` / `e 过期…`); shorter, it moves whole to the next line and leaves
the line above half empty, and a closing `。` can start a line. Here a line may also break before
and after any wide (CJK) character, except before closing punctuation (`、。，）」`) and after
opening punctuation (`（「`); English words still break only at spaces, and are folded only when a
single word is longer than the line.

One rule for both faces: `kb show` (`cjk_line_breaking`, around Rich's rendering) and the TUI
(`tui.wrap`, through Textual's `visualize` hook).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size

from kb import cjk

#: no line starts with these (closing punctuation, CJK and ASCII)
NO_BREAK_BEFORE = frozenset("、。，．・：；？！）」』】〕〉》〗〙〛｝］’”〜…‥％,.;:!?)]}%")
#: no line ends with these (opening punctuation)
NO_BREAK_AFTER = frozenset("（「『【〔〈《〖〘〚｛［‘“([{")


#: a no-break space glues what it joins: a run of text holding one is never broken inside (the
#: TUI's badges, ` incident `, `id rabbitmq-…`, are padded with it)
NBSP = "\u00a0"
_GLUED = re.compile(r"[^\s\u00a0]*(?:\u00a0[^\s\u00a0]*)+")
#: the blanks a line's end drops (a no-break space is part of the word it ends)
_TRAILING_BLANKS = re.compile(r"[^\S\u00a0]+$")


#: a CJK character (kb.cjk): a quick test whether a text needs `break_offsets` at all
CJK = cjk.CHAR


@lru_cache(maxsize=4096)
def is_wide(char: str) -> bool:
    """A character a line may break before or after (CJK: East Asian wide or fullwidth)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _breakable_at(text: str, i: int) -> bool:
    """May a line break between text[i - 1] and text[i]?"""
    before, after = text[i - 1], text[i]
    if after.isspace() and after != NBSP:
        return False  # spaces stay at the end of the line they follow
    if after in NO_BREAK_BEFORE and is_wide(after):
        return False  # `设置 X ，或者` must not start a line with ，, space or none
    if before.isspace():
        return True
    if not (is_wide(before) or is_wide(after)):
        return False  # inside an English word (or number, path, URL)
    return after not in NO_BREAK_BEFORE and before not in NO_BREAK_AFTER


def trim_end(text: str) -> str:
    """`text` without the blanks at its end, a no-break space kept."""
    return _TRAILING_BLANKS.sub("", text)


def units(text: str) -> Iterator[tuple[int, str]]:
    """The pieces a line is never broken inside (unless one is longer than the line), each
    with the spaces after it, and where each starts: an English word, one CJK character, a run
    glued by no-break spaces."""
    glued: set[int] = set()
    if NBSP in text:
        for m in _GLUED.finditer(text):
            glued.update(range(m.start() + 1, m.end()))
    start = 0
    for i in range(1, len(text)):
        if i not in glued and _breakable_at(text, i):
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
        word = trim_end(unit)
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


@contextmanager
def cjk_line_breaking() -> Iterator[None]:
    """Inside the block, Rich wraps a line holding CJK text with `break_offsets` (and any other
    line as it always does). Rich's `Text.wrap` calls the `divide_line` its module imported, so
    that name is swapped for the block and put back after it."""
    import rich.text

    rich_divide = rich.text.divide_line

    def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
        if not fold or CJK.search(text) is None:
            return rich_divide(text, width, fold=fold)
        return break_offsets(text, width)

    rich.text.divide_line = divide_line
    try:
        yield
    finally:
        rich.text.divide_line = rich_divide

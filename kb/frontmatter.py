"""Split an entry file into its YAML front-matter and Markdown body, keeping line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.words import Words

MAX_FILE_BYTES = 1024 * 1024
# what libyaml counts as a line break; every line number we report counts the same way
_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")


@dataclass(frozen=True)
class Split:
    yaml_text: str
    body: str
    yaml_line: int  # line number (1-based) of the first front-matter line in the file
    body_line: int  # line number of the first body line


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def split(text: str) -> Split:
    """`---` on the first line, YAML, then a line `---` (or `...`), then the Markdown body."""
    if text.startswith("\ufeff"):
        text = text[1:]
    # a lone CR (or NEL, U+2028/9) is a line break to libyaml: normalise first, so that lines in
    # YAML errors, in the validator and in the body all count the same way
    text = _BREAKS.sub("\n", text)
    lines = text.split("\n")
    if not lines or lines[0].rstrip(" \t") != "---":  # `--- ` opens it too
        raise FrontMatterError(
            1, Words("file must start with a '---' line opening the YAML front-matter")
        )
    for i in range(1, len(lines)):
        if lines[i].rstrip(" \t") in ("---", "..."):
            yaml_text = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1 :]).lstrip("\n")
            skipped = len(lines[i + 1 :]) - len(body.split("\n")) if body else 0
            return Split(yaml_text, body, yaml_line=2, body_line=i + 2 + max(skipped, 0))
    raise FrontMatterError(1, Words("front-matter is not closed: add a '---' line after the YAML"))

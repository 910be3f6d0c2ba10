"""The `--help` layout of every `kb` parser: prose wrapped to the terminal, examples kept as
written. argparse's RawDescriptionHelpFormatter kept each description as one line (300 columns
in an 80-column terminal); its default formatter would re-flow the examples into one paragraph."""

from __future__ import annotations

import argparse
import textwrap


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Description and epilog: indented lines (examples, commands) stay as they are; the other
    lines are prose, wrapped paragraph by paragraph (a blank line ends one)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        prose: list[str] = []

        def flush() -> None:
            if prose:
                out.extend(
                    textwrap.wrap(
                        " ".join(prose), width, initial_indent=indent, subsequent_indent=indent
                    )
                )
                prose.clear()

        for line in text.splitlines():
            if not line.strip() or line.startswith((" ", "\t")):
                flush()
                out.append(indent + line if line.strip() else "")
            else:
                prose.append(line.strip())
        flush()
        return "\n".join(out)

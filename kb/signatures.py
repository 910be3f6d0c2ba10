"""Entry signatures: RE2 regexes matched against log text in linear time.

A pasted 1 MB log or a 100 MB file must never hang on a pathological pattern, so signatures are
compiled with RE2 (no backtracking). One `re2.Set` answers "which patterns match anywhere in this
chunk" in a single pass; only the patterns that hit are then run again to find their lines.
Patterns are compiled multi-line (`^`/`$` match at line boundaries), as authors think of log lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_LINES_PER_ENTRY = 20
MAX_LINE_CHARS = 400


@lru_cache(maxsize=1)
def _options() -> Any:
    import re2

    opts = re2.Options()
    opts.log_errors = False  # RE2 otherwise writes parse errors to stderr
    return opts


def _prepare(pattern: str) -> str:
    return "(?m)" + pattern


def compile_pattern(pattern: str) -> tuple[Any | None, str | None]:
    """Compile one signature; returns (regex, None) or (None, error message)."""
    import re2

    try:
        return re2.compile(_prepare(pattern), options=_options()), None
    except re2.error as exc:
        msg = exc.args[0] if exc.args else str(exc)
        if isinstance(msg, bytes):
            msg = msg.decode("utf-8", "replace")
        return None, str(msg)


@dataclass(frozen=True)
class _Sig:
    entry_id: str
    pattern: str
    regex: Any


def _clip(line: str) -> str:
    line = line.rstrip("\r")
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…"


class SignatureSet:
    """All signatures of a set of entries, matched together."""

    def __init__(self, sigs: list[_Sig]) -> None:
        import re2

        self._sigs = sigs
        self._set = None
        if sigs:
            s = re2.Set.SearchSet(_options())
            for sig in sigs:
                s.Add(_prepare(sig.pattern))
            s.Compile()
            self._set = s

    @classmethod
    def from_entries(cls, entries: Iterable[Any]) -> SignatureSet:
        """Entries whose patterns do not compile are skipped (the loader already reported them)."""
        sigs = []
        for entry in entries:
            for pattern in entry.signatures:
                regex, err = compile_pattern(pattern)
                if regex is not None:
                    sigs.append(_Sig(entry.id, pattern, regex))
        return cls(sigs)

    def __len__(self) -> int:
        return len(self._sigs)

    def _hits(self, text: str) -> list[_Sig]:
        if self._set is None or not text:
            return []
        # RE2 Set.Match returns None (not an empty list) when nothing matches
        return [self._sigs[i] for i in sorted(self._set.Match(text) or ())]

    def match_text(self, text: str) -> list[str]:
        """Ids of entries with a signature matching somewhere in `text`, in declaration order."""
        seen: dict[str, None] = {}
        for sig in self._hits(text):
            seen.setdefault(sig.entry_id, None)
        return list(seen)

    def scan_text(
        self, text: str, first_line: int = 1, limit: int = MAX_LINES_PER_ENTRY
    ) -> dict[str, list[tuple[int, str]]]:
        """Entry id -> [(line number, line)] for lines matching its signatures (capped per entry).

        `first_line` is the number of the chunk's first line, so a caller streaming a large file in
        chunks split at line boundaries gets file line numbers.
        """
        found: dict[str, dict[int, str]] = {}
        for sig in self._hits(text):
            lines = found.setdefault(sig.entry_id, {})
            if len(lines) >= limit:
                continue
            last_pos, last_no = 0, first_line
            for m in sig.regex.finditer(text):
                start = text.rfind("\n", 0, m.start()) + 1
                end = text.find("\n", m.start())
                if end < 0:
                    end = len(text)
                last_no += text.count("\n", last_pos, start)
                last_pos = start
                lines.setdefault(last_no, _clip(text[start:end]))
                if len(lines) >= limit:
                    break
        return {eid: sorted(lines.items()) for eid, lines in found.items()}

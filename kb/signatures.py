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
        # RE2 quotes the pattern it was given: the user's, without the (?m) added in front
        return None, str(msg).replace(_prepare(pattern), pattern)


@dataclass(frozen=True)
class _Sig:
    entry_id: str
    pattern: str
    regex: Any


def _clip(data: bytes, start: int, end: int) -> str:
    """The line data[start:end] as text, redacted, then cut to MAX_LINE_CHARS (only a window of
    it is decoded and redacted: a 4 MB line costs no more than a short one)."""
    from kb.redact import redact_clip

    cut = min(end, start + 4 * MAX_LINE_CHARS)
    line = data[start:cut].decode("utf-8", "replace").rstrip("\r")
    out = redact_clip(line, MAX_LINE_CHARS)
    if cut < end and not out.endswith("…"):  # the line goes on past the window
        out = out[: MAX_LINE_CHARS - 1] + "…"
    return out


def _encode(text: str) -> bytes:
    # RE2 works on UTF-8 bytes; encoding once per chunk (not once per search) keeps scanning linear.
    # Colour codes go first: `\x1b[31mOS monotonic` must meet `\bOS monotonic` (`m` is a word
    # character, so the \b would fail) the way the same line without colour does.
    from kb.sanitize import strip_escapes

    return strip_escapes(text).encode("utf-8", "backslashreplace")


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

    def _hits(self, data: bytes) -> list[_Sig]:
        if self._set is None or not data:
            return []
        # RE2 Set.Match returns None (not an empty list) when nothing matches
        return [self._sigs[i] for i in sorted(self._set.Match(data) or ())]

    def match_text(self, text: str) -> list[str]:
        """Ids of entries with a signature matching somewhere in `text`, in declaration order."""
        seen: dict[str, None] = {}
        for sig in self._hits(_encode(text)):
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
        data = _encode(text)
        for sig in self._hits(data):
            lines = found.setdefault(sig.entry_id, {})
            if len(lines) < limit:
                _lines_of(sig.regex, data, first_line, limit, lines)
        return {eid: sorted(lines.items()) for eid, lines in found.items()}


def _lines_of(regex: Any, data: bytes, first_line: int, limit: int, lines: dict[int, str]) -> None:
    """Add the lines of `data` where `regex` matches to `lines` (line number -> text).

    Linear in len(data) whatever the line lengths: after a match the search resumes at the next
    line (a line is reported once, however often it matches), and every backward or forward look
    for a line boundary is bounded by the previous one. (finditer plus an unbounded rfind per
    match was quadratic: 90 s for one 4 MB line.)
    """
    pos = 0  # always the start of a line
    counted, line_no = 0, first_line
    size = len(data)
    while len(lines) < limit and pos <= size:
        m = regex.search(data, pos)
        if m is None:
            return
        hit = m.start()
        nl = data.rfind(b"\n", pos, hit)
        start = nl + 1 if nl >= 0 else pos
        line_no += data.count(b"\n", counted, start)
        counted = start
        end = data.find(b"\n", hit)
        if end < 0:
            end = size
        lines.setdefault(line_no, _clip(data, start, end))
        pos = end + 1

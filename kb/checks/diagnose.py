"""`kb diagnose`: match a log (file, stdin or pasted text) against every entry's signatures.

The input is streamed in chunks split at line boundaries, so a 100 MB log is read in bounded memory;
RE2 matches in linear time. Each entry keeps its first matching lines (capped).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

CHUNK = 1 << 20  # 1 MiB: big enough for RE2's set match to run at full speed
MAX_LINES = 20


@dataclass
class Diagnosis:
    id: str
    title: str
    lines: list[tuple[int, str]] = field(default_factory=list)
    count: int = 0  # matching lines seen in chunks that were scanned (beyond the kept `lines`)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "lines": [{"line": n, "text": t} for n, t in self.lines],
        }


def log_encoding(head: bytes) -> str:
    """The encoding of a log from its first bytes: UTF-16 with a byte-order mark (what Windows
    PowerShell writes for `docker logs x > file`) or without one (NUL in every other byte of
    ASCII text), UTF-8 with or without its mark."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    sample = head[:512]
    if len(sample) >= 8 and sample.count(0) * 3 >= len(sample):
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        # ASCII in UTF-16 has its NULs on one side only; a run of NULs (a file's hole) has them
        # on both and is no UTF-16
        if min(odd, even) * 4 <= max(odd, even):
            return "utf-16-le" if odd > even else "utf-16-be"
    return "utf-8"


def decode_log(data: bytes) -> str:
    """A whole log (pasted on stdin) as text, in its encoding (`log_encoding`)."""
    data = data[_hole(data) :]
    return data.decode(log_encoding(data[:512]), "replace")


HEAD_BYTES = 4096  # what `not_text` judges a log by
#: how many NUL bytes a log may start with (a hole) before it is judged binary: logrotate's
#: copytruncate, with a writer that keeps its offset, starts the new file with a hole as long as
#: the old one; /dev/zero is refused once this much was read
MAX_HOLE = 256 << 20


def _hole(data: bytes) -> int:
    """How many leading bytes of `data` are a hole to drop: a run of 16 or more NULs, cut to an
    even length (UTF-16 keeps its alignment; a UTF-16-BE log starts with single NULs)."""
    if not data.startswith(b"\0" * 16):
        return 0
    run = len(data) - len(data.lstrip(b"\0"))
    return run - run % 2


def not_text(text: str) -> bool:
    """Mostly undecodable bytes or control characters: binary data, not a log (its first 4 KiB
    decide). Terminal escape sequences are text (a coloured log is a log), and so are NUL
    characters, which a crash or a truncated file leaves in a log; NULs alone are not."""
    from kb.sanitize import strip_escapes

    sample = strip_escapes(text[:HEAD_BYTES])
    nuls = sample.count("\0")
    sample = sample.replace("\0", "")
    if not sample:
        return nuls > 0
    bad = sum(ch == "\ufffd" or (ch < " " and ch not in "\t\n\r") for ch in sample)
    return bad * 10 > len(sample)


def _read_upto(raw: Any, n: int) -> bytes:
    """Up to `n` bytes of a binary stream, fewer only at its end (a pipe hands out what one write
    brought: a colour code, half a character)."""
    chunks: list[bytes] = []
    size = 0
    while size < n:
        block = raw.read(n - size)
        if not block:
            break
        chunks.append(block)
        size += len(block)
    return b"".join(chunks)


def read_head(raw: Any) -> tuple[bytes, Any]:
    """The first `HEAD_BYTES` of a binary stream, read in full, and a buffered stream that still
    starts with them. A hole the log starts with (NUL bytes, up to MAX_HOLE) is dropped from
    both: the log is judged by its text."""
    head = _read_upto(raw, HEAD_BYTES)
    skipped = 0
    while skipped < MAX_HOLE:
        run = _hole(head)
        if not run:
            break
        skipped += run
        more = _read_upto(raw, max(run, 1 << 20))
        head = head[run:] + more
        if not more and not head.strip(b"\0"):
            break  # nothing but NULs to its end
    return head, io.BufferedReader(_Prefixed(head, raw), buffer_size=1 << 20)


class _Prefixed(io.RawIOBase):
    """`head`, then the rest of `rest` (a binary stream)."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head.nbytes:
            n = min(len(buffer), self._head.nbytes)
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        if hasattr(self._rest, "readinto"):
            return int(self._rest.readinto(buffer) or 0)
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def binary_head(head: bytes) -> bool:
    """Does a log that starts with these bytes hold binary data rather than text?"""
    if not head:
        return False
    # a cut may fall inside a multi-byte character: judge the complete ones
    text = head.decode(log_encoding(head[:512]), "replace")
    if len(head) >= HEAD_BYTES:
        text = text.rstrip("\ufffd")
    return not_text(text)


def log_stream(binary: Any) -> Any:
    """A binary stream as one `_chunks` reads: itself when it is UTF-8, else a text stream of the
    UTF-16 it holds (its first bytes decide; they are put back)."""
    buffered = binary if hasattr(binary, "peek") else io.BufferedReader(binary)
    encoding = log_encoding(buffered.peek(512)[:512])
    if encoding == "utf-8":
        return buffered
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")


def _chunks(source: Any, chunk_size: int) -> Iterator[str]:
    """Text chunks that end at a line boundary (except possibly the last)."""
    if isinstance(source, str):
        source_iter: Iterator[bytes | str] = iter([source])
    elif isinstance(source, (bytes, bytearray)):
        source_iter = iter([bytes(source)])
    else:
        stream: IO[Any] = source
        source_iter = iter(
            lambda: stream.read(chunk_size), stream.read(0) if hasattr(stream, "read") else b""
        )
    rest: bytes | str = b""
    for block in source_iter:
        if not block:
            break
        if isinstance(block, str):
            if isinstance(rest, bytes):
                rest = rest.decode("utf-8", "replace")
            data: Any = rest + block
            cut = data.rfind("\n")
        else:
            if isinstance(rest, str):
                rest = rest.encode()
            data = rest + block
            cut = data.rfind(b"\n")
        if cut < 0:
            rest = data
            if len(rest) > 8 * chunk_size:  # one enormous line: scan it anyway, bounded
                yield rest.decode("utf-8", "replace") if isinstance(rest, bytes) else rest
                rest = rest[:0]
            continue
        head, rest = data[: cut + 1], data[cut + 1 :]
        yield head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    if rest:
        yield rest.decode("utf-8", "replace") if isinstance(rest, bytes) else rest


def diagnose(
    kbase: Any,
    stream_or_text: Any,
    *,
    chunk_size: int = CHUNK,
    on_progress: Callable[[int], None] | None = None,
    sigs: Any = None,
) -> list[Diagnosis]:
    """Entries whose signatures match the input, in order of first match, with their lines."""
    from kb.signatures import SignatureSet

    sigs = sigs if sigs is not None else SignatureSet.from_entries(kbase.entries.values())
    found: dict[str, Diagnosis] = {}
    line_no = 1
    done = 0
    for text in _chunks(stream_or_text, chunk_size):
        if len(sigs):
            for entry_id, lines in sigs.scan_text(text, first_line=line_no).items():
                d = found.get(entry_id)
                if d is None:
                    entry = kbase.get(entry_id)
                    d = found[entry_id] = Diagnosis(
                        entry_id, entry.title if entry is not None else entry_id
                    )
                d.count += len(lines)
                room = MAX_LINES - len(d.lines)
                if room > 0:
                    d.lines.extend(lines[:room])
        line_no += text.count("\n")
        done += len(text)
        if on_progress is not None:
            on_progress(done)
    return sorted(found.values(), key=lambda d: d.lines[0][0] if d.lines else 0)

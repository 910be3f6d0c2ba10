"""Replace an output folder atomically: build in a sibling temp folder, then swap.

On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call, so OUT always names either the old or
the new site. Elsewhere (or on file systems without it) two renames leave a window of a few
microseconds where OUT is missing, but never a half-written OUT. A failed build removes the temp
folder and leaves OUT as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def check_target(out: Path, marker: str) -> None:
    """Refuse to replace a folder that is not empty and not a previous export (e.g. `~`)."""
    from kb.errors import UserError

    if out.exists() and not out.is_dir():
        raise UserError(
            "{path}: exists and is not a folder; choose another output path", path=str(out)
        )
    if out.is_dir() and any(out.iterdir()) and not (out / marker).is_file():
        raise UserError(
            "{path}: folder is not empty and was not written by `kb export site`; choose an"
            " empty or new folder",
            path=str(out),
        )


def _exchange(a: Path, b: Path) -> bool:
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def swap_into(tmp: Path, out: Path) -> None:
    """Make `tmp` become `out`; the previous `out` (if any) is deleted afterwards."""
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp)  # tmp now holds the old site
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temp folder beside `out` (same file system, so renames work); swapped in on success."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)  # mkdtemp makes 0700; a site is meant to be served
        swap_into(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_text_atomic(target: Path, text: str) -> None:
    """Write one file so that readers (mtail, Prometheus reloads) see the old or the new content."""
    if target.is_dir():
        # os.replace would name the temporary file in its error, not the folder in the way
        raise IsADirectoryError(errno.EISDIR, "is a folder; give a file name", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

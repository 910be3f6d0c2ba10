"""Terminal input: a bracketed paste that holds escape sequences arrives as one paste.

A log copied with its colours (`\\x1b[31mERROR\\x1b[0m`) is pasted with the escape bytes inside
the terminal's bracketed-paste markers (tmux `paste-buffer -p` and several terminals pass them as
they are). Textual's input parser (8.x) reads an ESC inside a paste as the start of a key: it
collects up to 32 characters after it, finds no key, and types them one by one as keys (ESC as
`^`), outside the paste. A 5.8 KB log line with 60 colour codes reached the search box as
`^[31m2024-03-01T10:11:12.123Z^…`, half of it as 2 000 keystrokes (each a search: 9 s to settle)
and the rest as a paste with holes. `PasteFilter` takes the sequences out of a paste before the
parser sees it (the app drops them from a paste anyway: `tui.widgets.search_input`).
"""

from __future__ import annotations

import types
from typing import Any

from textual._xterm_parser import XTermParser

from kb.sanitize import strip_escapes

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


def _without_escapes(text: str) -> str:
    """The pasted text without its escape sequences; a lone ESC left over is dropped too."""
    return strip_escapes(text).replace("\x1b", "")


class PasteFilter:
    """Passes terminal input through unchanged, except the text of a bracketed paste, which it
    holds until the paste ends and then passes without escape sequences. Input arrives in chunks
    that may cut a marker or a sequence anywhere; keys outside a paste are never held (a lone
    ESC is the Escape key)."""

    def __init__(self) -> None:
        self._tail = ""  # the last few characters: a marker cut between two chunks
        self._paste: list[str] | None = None  # the paste so far, while inside one

    def feed(self, data: str) -> str:
        out: list[str] = []
        while data:
            if self._paste is None:
                seen = self._tail + data
                at = seen.find(PASTE_START)
                if at < 0:
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    out.append(data)
                    break
                cut = at + len(PASTE_START) - len(self._tail)  # just after the marker, in data
                out.append(data[:cut])
                data = data[cut:]
                self._tail = ""
                self._paste = []
            else:
                # the end marker may be cut between earlier chunks and this one
                seen = self._tail + data
                at = seen.find(PASTE_END)
                if at < 0:
                    self._paste.append(data)
                    self._tail = seen[-(len(PASTE_END) - 1) :]
                    break
                end = at + len(PASTE_END) - len(self._tail)  # just after the marker, in data
                held = "".join(self._paste) + data[:end]
                out.append(_without_escapes(held[: -len(PASTE_END)]) + PASTE_END)
                data = data[end:]
                self._tail = ""
                self._paste = None
        return "".join(out)


class PasteSafeParser(XTermParser):
    """Textual's parser, fed through a `PasteFilter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paste_filter = PasteFilter()

    def feed(self, data: str) -> Any:
        if not data:  # end of input
            return super().feed(data)
        passed = self._paste_filter.feed(data)
        # all of it held (inside a paste): feeding "" would tell the parser the input ended
        return super().feed(passed) if passed else ()


def paste_safe_driver(driver: type[Any]) -> type[Any]:
    """`driver` with its input read by `PasteSafeParser`, if it is Textual's Linux/macOS driver
    (its input thread makes its parser as `XTermParser(...)`); any other driver as it is."""
    if driver.__module__ != "textual.drivers.linux_driver":  # Windows, headless, web, inline
        return driver
    from textual.drivers.linux_driver import LinuxDriver  # termios: not on Windows

    run = getattr(driver, "run_input_thread", None)
    if (
        driver is not LinuxDriver
        or run is None
        or run.__closure__
        or "XTermParser" not in run.__code__.co_names
    ):
        return driver
    names = {**run.__globals__, "XTermParser": PasteSafeParser}
    patched = types.FunctionType(run.__code__, names, run.__name__, run.__defaults__)
    return type("PasteSafeLinuxDriver", (LinuxDriver,), {"run_input_thread": patched})

"""The search box: an `Input` that turns a multi-line paste into a request to diagnose a log."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual import events
from textual.message import Message
from textual.widgets import Input

from tui.sanitize import clean


def normalise_paste(text: str) -> str:
    """Pasted text with `\\r\\n` and lone `\\r` line ends as `\\n` (tmux `paste-buffer` and many
    terminals send `\\r`) and terminal escape sequences removed (a coloured log line)."""
    return clean((text or "").replace("\r\n", "\n").replace("\r", "\n"))


@runtime_checkable
class TypesIntoSearch(Protocol):
    """A screen whose search box takes the printable keys typed while something else on it has
    focus (the results list). The app moves focus to the box, with the cursor after the query,
    in the same step as it routes the key, so that key and the ones typed after it take one path
    in order (a key redirected later, by a handler, could be overtaken by the next one)."""

    def typing_target(self) -> Input | None:
        """The box that should take a printable key now, or None to route it as usual."""
        ...


class SearchInput(Input):
    """Single-line search. Pasting several lines (a log excerpt) posts `LogPasted` instead of
    keeping only the first line, which is what a plain `Input` does. Focus returning to the box
    never selects the query, so the next key adds to it instead of replacing it."""

    class LogPasted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        text = normalise_paste(event.text)
        if len([line for line in text.split("\n") if line.strip()]) > 1:
            self.post_message(self.LogPasted(text))
            return
        line = " ".join(text.split("\n")).strip()
        if not line:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(line)
        else:
            self.replace(line, *selection)

"""The search box: an `Input` that turns a multi-line paste into a request to diagnose a log."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input


class SearchInput(Input):
    """Single-line search. Pasting several lines (a log excerpt) posts `LogPasted` instead of
    keeping only the first line, which is what a plain `Input` does."""

    class LogPasted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def _on_paste(self, event: events.Paste) -> None:
        text = event.text or ""
        if len([line for line in text.splitlines() if line.strip()]) > 1:
            event.stop()
            event.prevent_default()
            self.post_message(self.LogPasted(text))
            return
        super()._on_paste(event)

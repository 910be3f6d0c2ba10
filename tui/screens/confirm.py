"""A yes/no question, answered from the keyboard (y / n / Esc)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.i18n import tr
from tui.sanitize import plain
from tui.shared import kb_app


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something outside the app, such as opening a web link."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("c", "copy", "Copy"),
    ]

    def __init__(self, question: str, detail: str = "", *, copy: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.copy = copy  # a URL to offer for copying instead (over ssh a browser may not open)

    def compose(self) -> ComposeResult:
        lang = str(getattr(self.app, "lang", "en"))
        with Vertical(id="dialog"):
            yield Static(plain(self.question, style="bold"), id="question")
            if self.detail:
                yield Static(plain(self.detail), id="detail")
            with Horizontal(id="buttons"):
                yield Button(Text(tr("Yes (y)", lang)), id="yes", variant="primary")
                yield Button(Text(tr("No (n)", lang)), id="no")
                if self.copy:
                    yield Button(Text(tr("Copy", lang) + " (c)"), id="copy")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy":
            self.action_copy()
            return
        self.dismiss(event.button.id == "yes")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.copy) if action == "copy" else True

    def action_copy(self) -> None:
        if self.copy:
            kb_app(self).copy_text(self.copy, "URL")
            self.dismiss(False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

"""Pick one item from a short list (links of an entry, related entries, trees): Enter or Esc."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.sanitize import plain


class ChoiceScreen(ModalScreen[str | None]):
    """A titled list of options; dismisses with the chosen option's id, or None."""

    CSS_PATH = "choice.tcss"
    BINDINGS = [Binding("escape", "cancel", "Close")]

    def __init__(
        self, title: str, items: list[tuple[str, Text]], empty: str = "Nothing here."
    ) -> None:
        super().__init__()
        self.title_text = title
        self.items = items
        self.empty = empty

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(plain(self.title_text, style="bold"), id="choice-title")
            if self.items:
                options: list[Option | None] = []
                # a line between items of several lines each, so one reads where the next starts
                apart = any("\n" in label.plain for _, label in self.items)
                for item_id, label in self.items:
                    if apart and options:
                        options.append(None)
                    options.append(Option(label, id=item_id))
                yield OptionList(*options, id="choices")
            else:
                yield Static(plain(self.empty), id="choices-empty")

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

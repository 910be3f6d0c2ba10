"""The triage trees of the knowledge base: pick one to walk it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import tr
from tui.sanitize import clean, one_line
from tui.shared import kb_app
from tui.widgets.badges import product_badges
from tui.widgets.footer import KbFooter
from tui.widgets.header import KbHeader
from tui.wrap import Breakable, BreakableStatic


class TriageScreen(Screen[None]):
    """Every entry of kind `tree`; Enter walks it."""

    CSS_PATH = "triage.tcss"
    AUTO_FOCUS = "#trees"
    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("enter", "walk", "Walk the tree"),
        Binding("l", "app.toggle_lang", "中文/EN", show=False),
        Binding("v", "view", "View entry"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield KbHeader(icon="?")
        yield BreakableStatic(id="triage-title", classes="title-line")
        yield OptionList(id="trees")
        yield KbFooter()

    def action_cursor_down(self) -> None:
        self.query_one("#trees", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#trees", OptionList).action_cursor_up()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._fill, init=True)

    def _fill(self, lang: str) -> None:
        self.query_one("#triage-title", Static).update(
            Breakable(
                tr("Triage trees — Enter walks a tree, v shows its entry", lang), style="bold"
            )
        )
        ol = self.query_one("#trees", OptionList)
        keep = ol.highlighted
        ol.clear_options()
        options: list[Option | None] = []
        for i, e in enumerate(kb_app(self).services.trees()):
            if i:
                options.append(None)
            text = e.text(lang)
            label = Breakable(one_line(text.title, 200), style="bold")
            if e.products:
                label.append("  ")
                label.append_text(product_badges(e.products))
            label.append("\n  " + one_line(clean(text.summary), 150), style="dim")
            options.append(Option(label, id=e.id))
        if not options:
            options.append(
                Option(
                    Text(tr("No triage trees in this knowledge base.", lang)), id="", disabled=True
                )
            )
        ol.add_options(options)
        if keep is not None and keep < ol.option_count:
            ol.highlighted = keep
        elif ol.option_count:
            ol.highlighted = 0

    @on(OptionList.OptionSelected, "#trees")
    def _walk(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            kb_app(self).open_tree(event.option.id)

    def action_walk(self) -> None:
        """Enter when the list is not focused (on the list, Enter selects the option)."""
        ol = self.query_one("#trees", OptionList)
        if ol.highlighted is not None:
            option = ol.get_option_at_index(ol.highlighted)
            if option.id:
                kb_app(self).open_tree(option.id)

    def action_view(self) -> None:
        ol = self.query_one("#trees", OptionList)
        if ol.highlighted is not None:
            option = ol.get_option_at_index(ol.highlighted)
            if option.id:
                kb_app(self).open_entry(option.id)

    def action_back(self) -> None:
        self.app.pop_screen()

"""Pick the product, kind and tag filters from the keyboard: three lists, Tab between them."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import tr
from tui.sanitize import one_line
from tui.services import Filters
from tui.shared import focus_now
from tui.widgets.footer import KbFooter

ANY = "\x00any"  # option id for "no filter"; cannot collide with a slug
FACETS = ("product", "kind", "tag")


class FilterScreen(ModalScreen[Filters | None]):
    """Choose filters; Enter marks a value, ctrl+s or Enter twice applies, Escape cancels."""

    CSS_PATH = "filters.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply"),
        Binding("ctrl+r", "clear", "Clear all"),
        # priority: the value is chosen and the next list focused before the next key is routed
        # (`↓ Enter ↓ Enter` typed fast chose the second product, not a product and a kind);
        # ↑/↓ too, so that Enter never overtakes the arrows queued before it
        Binding("enter", "choose", show=False, priority=True),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    def __init__(self, facets: dict[str, list[str]], current: Filters) -> None:
        super().__init__()
        self.facets = facets
        self.chosen = Filters(**vars(current))

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="dialog"):
            yield Static(
                Text(
                    tr(
                        "Filter results — Tab: next list · Enter: choose · ctrl+s: apply · Esc: cancel",
                        lang,
                    )
                ),
                id="help",
            )
            with Horizontal(id="lists"):
                for facet in FACETS:
                    with Vertical(classes="facet"):
                        yield Static(
                            Text(tr(facet.capitalize(), lang), style="bold"),
                            classes="facet-title",
                        )
                        yield OptionList(*self._options(facet), id=f"facet-{facet}")
        yield KbFooter()

    def _options(self, facet: str) -> list[Option]:
        current = getattr(self.chosen, facet)
        opts = [Option(self._label(tr("(any)", self.lang), current is None), id=ANY)]
        for value in self.facets.get(facet, []):
            opts.append(Option(self._label(one_line(value), value == current), id=value))
        return opts

    @staticmethod
    def _label(text: str, chosen: bool) -> Text:
        return Text(("● " if chosen else "  ") + text, style="bold" if chosen else "")

    def on_mount(self) -> None:
        for facet in FACETS:
            ol = self.query_one(f"#facet-{facet}", OptionList)
            current = getattr(self.chosen, facet)
            ol.highlighted = ol.get_option_index(current) if current else 0
        self.query_one("#facet-product", OptionList).focus()

    def action_move(self, step: int) -> None:
        ol = self.focused
        if not isinstance(ol, OptionList):
            raise SkipAction()
        if step > 0:
            ol.action_cursor_down()
        else:
            ol.action_cursor_up()

    def action_choose(self) -> None:
        """Enter: the highlighted value of the focused list (a click selects as Enter does)."""
        ol = self.focused
        if not isinstance(ol, OptionList) or ol.highlighted is None:
            return
        self._choose(ol, ol.get_option_at_index(ol.highlighted).id)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_list, event.option.id)

    def _choose(self, ol: OptionList, option_id: str | None) -> None:
        facet = (ol.id or "").removeprefix("facet-")
        value = None if option_id == ANY else option_id
        if getattr(self.chosen, facet) == value:
            self.action_apply()  # Enter on the marked value again applies
            return
        setattr(self.chosen, facet, value)
        keep = ol.highlighted
        ol.clear_options()
        ol.add_options(self._options(facet))
        ol.highlighted = keep
        # move on to the next list, so product → kind → tag is three Enters
        idx = FACETS.index(facet)
        if idx + 1 < len(FACETS):
            focus_now(self.query_one(f"#facet-{FACETS[idx + 1]}", OptionList))
        else:
            self.action_apply()

    def action_apply(self) -> None:
        self.dismiss(self.chosen)

    def action_clear(self) -> None:
        self.dismiss(Filters())

    def action_cancel(self) -> None:
        self.dismiss(None)

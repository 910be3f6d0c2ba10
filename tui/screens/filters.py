"""Pick the product, kind and tag filters from the keyboard: three lists, Tab between them."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import tr
from tui.sanitize import one_line
from tui.services import Filters
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

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        facet = (event.option_list.id or "").removeprefix("facet-")
        value = None if event.option.id == ANY else event.option.id
        if getattr(self.chosen, facet) == value:
            self.action_apply()  # Enter on the marked value again applies
            return
        setattr(self.chosen, facet, value)
        ol = event.option_list
        keep = ol.highlighted
        ol.clear_options()
        ol.add_options(self._options(facet))
        ol.highlighted = keep
        # move on to the next list, so product → kind → tag is three Enters
        idx = FACETS.index(facet)
        if idx + 1 < len(FACETS):
            self.query_one(f"#facet-{FACETS[idx + 1]}", OptionList).focus()
        else:
            self.action_apply()

    def action_apply(self) -> None:
        self.dismiss(self.chosen)

    def action_clear(self) -> None:
        self.dismiss(Filters())

    def action_cancel(self) -> None:
        self.dismiss(None)

"""The list of search hits: kind and product badges, title, and the snippet with matches highlighted."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.sanitize import highlighted, one_line
from tui.widgets.badges import kind_badge, product_badges


def hit_title(hit: Any, lang: str) -> str:
    if lang == "zh" and getattr(hit, "title_zh", None):
        return hit.title_zh
    return hit.title


def render_hit(hit: Any, lang: str = "en") -> Text:
    """Two lines: badges + title, then the highlighted snippet."""
    line = Text()
    line.append_text(kind_badge(hit.kind))
    line.append(" ")
    line.append(one_line(hit_title(hit, lang)), style="bold")
    products = tuple(getattr(hit, "products", ()) or ())
    if products:
        line.append("  ")
        line.append_text(product_badges(products, limit=3))
    snippet = getattr(hit, "snippet", "") or ""
    if snippet:
        line.append("\n  ")
        line.append_text(
            highlighted(snippet, tuple(getattr(hit, "highlights", ()) or ()), "bold reverse")
        )
    return line


class ResultList(OptionList):
    """Search results; each option's id is the entry id."""

    DEFAULT_CSS = """
    ResultList {
        height: 1fr;
        border: none;
        padding: 0;
    }
    ResultList > .option-list--option {
        padding: 0 1;
    }
    """

    def show_hits(self, hits: list[Any], lang: str = "en") -> None:
        highlighted_id = None
        if self.highlighted is not None and self.option_count:
            highlighted_id = self.get_option_at_index(self.highlighted).id
        self.clear_options()
        options: list[Option | None] = []
        for i, hit in enumerate(hits):
            if i:
                options.append(None)  # a separator line between hits
            options.append(Option(render_hit(hit, lang), id=hit.id))
        self.add_options(options)
        if hits:
            self.highlighted = 0
            if highlighted_id is not None and any(h.id == highlighted_id for h in hits):
                self.highlighted = self.get_option_index(highlighted_id)

"""The list of search hits: kind and product badges, title, and the snippet with matches highlighted."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.i18n import tr
from tui.sanitize import highlighted, one_line
from tui.widgets.badges import kind_badge, product_badges
from tui.wrap import Breakable


def hit_title(hit: Any, lang: str) -> str:
    if lang == "zh" and getattr(hit, "title_zh", None):
        return hit.title_zh
    return hit.title


def render_hit(hit: Any, lang: str = "en", summary: str | None = None) -> Text:
    """Two lines: badges + title, then the highlighted snippet; wrapped so that Chinese breaks
    between characters and English words only at spaces (`tui.wrap`)."""
    line = Breakable()
    line.append_text(kind_badge(hit.kind, lang))
    line.append(" ")
    line.append(one_line(hit_title(hit, lang)), style="bold")
    products = tuple(getattr(hit, "products", ()) or ())
    if products:
        line.append("  ")
        line.append_text(product_badges(products, limit=3))
    snippet = getattr(hit, "snippet", "") or ""
    if summary:
        # the entry's own summary in the display language, rather than an English snippet
        line.append("\n  ")
        line.append(one_line(summary, 300))
    elif snippet:
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

    def _replace(self, options: list[Option | None], keep: str | None) -> None:
        self.clear_options()
        self.add_options(options)
        ids = [o.id for o in options if o is not None and o.id and not o.disabled]
        if not ids:
            return
        if keep in ids:
            self.highlighted = self.get_option_index(keep)
        else:
            self.highlighted = self.get_option_index(ids[0])
            self.scroll_home(animate=False)  # the heading above the first hit stays in view

    def highlighted_id(self) -> str | None:
        """The id of the highlighted entry (None: nothing highlighted, or a heading)."""
        if self.highlighted is not None and self.option_count:
            return self.get_option_at_index(self.highlighted).id
        return None

    def show_hits(
        self,
        hits: list[Any],
        lang: str = "en",
        summaries: dict[str, str] | None = None,
        *,
        keep_highlight: bool = False,
    ) -> None:
        """The hits; when the index says which are confident, under "Best match" / "Related".

        New results highlight the first hit (Enter opens the best match, never an entry that was
        highlighted for an earlier query); `keep_highlight` is for re-rendering the same results.
        """
        keep = self.highlighted_id() if keep_highlight else None
        options: list[Option | None] = []
        grouped = bool(hits)
        section: bool | None = None
        for hit in hits:
            confident = bool(hit.confident)
            if grouped and confident is not section:
                section = confident
                label = tr("Best match" if confident else "Related", lang)
                options.append(Option(Text(label, style="bold underline"), disabled=True))
            elif options:
                options.append(None)  # a separator line between hits
            summary = (summaries or {}).get(hit.id)
            options.append(Option(render_hit(hit, lang, summary), id=hit.id))
        self._replace(options, keep)

    def show_sections(self, sections: list[tuple[str, list[Any]]], lang: str = "en") -> None:
        """Entries under headings (the home view: triage trees, recently opened). An entry is
        listed once, under the first heading that holds it (a triage tree opened recently stays
        under "Triage trees"): option ids must be unique."""
        keep = self.highlighted_id()
        options: list[Option | None] = []
        listed: set[str] = set()
        for heading, all_entries in sections:
            entries = [e for e in all_entries if e.id not in listed]
            listed.update(e.id for e in entries)
            if not entries:
                continue
            options.append(Option(Text(heading, style="bold underline"), disabled=True))
            for entry in entries:
                line = Breakable()
                line.append_text(kind_badge(entry.kind, lang))
                line.append(" ")
                line.append(one_line(entry.text(lang).title), style="bold")
                if entry.products:
                    line.append("  ")
                    line.append_text(product_badges(entry.products, limit=3))
                options.append(Option(line, id=entry.id))
        self._replace(options, keep)

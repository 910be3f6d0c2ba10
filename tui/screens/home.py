"""The home screen: a search box with focus, filters, and results that follow the typing.

With an empty query it lists the triage trees and the entries opened recently. At 120 columns
and wider, the highlighted result's entry is previewed beside the list.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList, Static

from tui.i18n import tr, tr_n
from tui.sanitize import clean, one_line, plain
from tui.services import Filters, parse_query
from tui.shared import focus_now, kb_app
from tui.widgets.badges import kind_badge, product_badges, tag_text
from tui.widgets.footer import KbFooter
from tui.widgets.header import KbHeader
from tui.widgets.result_list import ResultList
from tui.widgets.search_input import SearchInput
from tui.wrap import Breakable

DEBOUNCE = (
    0.015  # seconds: coalesces a burst of keys (a paste, fast typing) without a noticeable delay
)
LIMIT = 25  # results shown; more only costs rendering time, the first screenful is what gets read
WIDE = 120  # columns from which the preview is shown beside the results
PREVIEW_LINES = 80  # body lines rendered in the preview; the entry screen shows the rest


def render_preview(entry: Any, lang: str) -> Text:
    """Title, badges, summary and the start of the body, as plain text (never markup); Chinese
    wraps between characters, English words only at spaces (`tui.wrap`)."""
    text = entry.text(lang)
    out = Breakable()
    out.append(one_line(text.title), style="bold")
    out.append("\n")
    out.append_text(kind_badge(entry.kind, lang))
    if entry.products:
        out.append(" ")
        out.append_text(product_badges(entry.products, limit=4))
    if entry.tags:
        out.append("  ")
        out.append_text(tag_text(entry.tags))
    out.append(f"\n{entry.id}", style="dim")
    out.append("\n\n")
    out.append(clean(text.summary), style="italic")
    out.append("\n\n")
    out.append_text(markdown_preview(text.body, PREVIEW_LINES))
    return out


@lru_cache(maxsize=1)
def _markdown() -> Any:
    """One Markdown parser for every preview (the cursor moves it once per key)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _inline_words(tok: Any) -> str:
    """The words of an inline token: its text and code, emphasis and link markup gone."""
    return "".join(
        " " if c.type in ("softbreak", "hardbreak") else c.content
        for c in tok.children or ()
        if c.type in ("text", "code_inline", "softbreak", "hardbreak")
    )


def markdown_preview(body: str, max_lines: int) -> Text:
    """An entry body as readable text for the preview pane: headings bold without their `#`,
    paragraphs joined into one line each (the pane wraps them), list items with a bullet, code
    blocks dim and indented without their fences, a table row on one line with its cells apart
    (`1883 │ MQTT over TCP │ yes`), emphasis markers gone; plain text only (a body never becomes
    markup). About `max_lines` lines, then "…"."""
    out = Text()
    lines = 0
    lists: list[str] = []
    heading = False
    row: list[str] | None = None  # the cells of the table row being read
    header = False
    for tok in _markdown().parse(clean(body)):
        if lines >= max_lines:
            out.append("…", style="dim")
            break
        kind = tok.type
        if kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            # a table row on one line, cells apart (one cell a line read as a list of words)
            out.append(" │ ".join(row) + "\n", style="bold" if header else "")
            lines += 1
            row = None
        elif kind in ("thead_open", "thead_close"):
            header = kind == "thead_open"
        elif kind == "table_close":
            out.append("\n")
        elif row is not None and kind == "inline":
            row.append(one_line(_inline_words(tok)))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists.append("• " if kind == "bullet_list_open" else "‣ ")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                out.append("\n")
        elif kind == "heading_open":
            heading = True
        elif kind == "heading_close":
            heading = False
            out.append("\n")
        elif kind == "paragraph_close" and not lists:
            out.append("\n")
        elif kind == "inline" and tok.children is not None:
            words = _inline_words(tok)
            lead = "  " * (len(lists) - 1) + lists[-1] if lists else ""
            out.append(lead + one_line(words) + "\n", style="bold" if heading else "")
            lines += 1
        elif kind in ("fence", "code_block"):
            code = tok.content.rstrip("\n").split("\n")[: max(max_lines - lines, 1)]
            for line in code:
                out.append("  " + line + "\n", style="dim")
            out.append("\n")
            lines += len(code)
    out.rstrip()
    return out


class HomeScreen(Screen[None]):
    """Search as you type."""

    CSS_PATH = "home.tcss"
    AUTO_FOCUS = "#search"

    BINDINGS = [
        Binding("ctrl+f", "filters", "Filter"),
        Binding("ctrl+r", "clear_filters", "Clear filters", show=False),
        # priority: moves focus before the next key is routed (tui.shared.focus_now)
        Binding("down", "focus_results", "Results", show=False, priority=True),
        Binding("escape", "escape", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters()
        self._timer: Timer | None = None
        self.last_hits: list[Any] = []
        self.last_query: str | None = None
        self.search_seq = 0  # bumped per search request; stale worker results are dropped
        self.shown_seq = 0
        self.last_latency = 0.0  # search + render of the last results (seconds)
        self.key_latency = 0.0  # from the keystroke (Input.Changed) to those results on screen
        self._changed_at = 0.0
        self.preview_id: str | None = None
        self.showing_home = False  # the list holds triage trees and recent entries
        self._filters_line = ""
        # what the status line says before the counts ("25 results"), as a function of nothing
        # that reads the display language when called: ctrl+l says it again in the new language
        self._status_extra: Callable[[], str] = str
        # Enter pressed on this query before its results were shown: open its first result
        # when they are (never what the list still highlights for an earlier query)
        self._open_when_shown: str | None = None

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        yield KbHeader(icon="?")
        yield SearchInput(id="search")
        yield Static(id="filters", classes="status-line")
        with Horizontal(id="home-body"):
            yield ResultList(id="results")
            with VerticalScroll(id="preview"):
                yield Static(id="preview-text")
        yield Static(id="index-warning")
        yield Static(id="status", classes="status-line")
        yield KbFooter()

    def on_mount(self) -> None:
        self._relabel()
        self._set_status()
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self.set_class(self.app.size.width >= WIDE, "-wide")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE, "-wide")
        self._update_preview()
        # once the list has its new size (and its results their new wrapping): the highlighted
        # result stays on screen, Enter never opens an entry the user cannot see
        self.call_after_refresh(self.query_one(ResultList).scroll_to_highlight)

    @property
    def wide(self) -> bool:
        return self.has_class("-wide")

    def _relabel(self) -> None:
        self.query_one("#search", SearchInput).placeholder = tr(
            "Describe the symptom or paste a log line…  (e.g. monotonic)", self.lang
        )
        self._show_filters()

    # --- loading -------------------------------------------------------------------------------
    def kb_loaded(self) -> None:
        self._set_status()
        self._search_now()

    def problems_known(self) -> None:
        """The signature warnings are in: the status line counts what `kb lint` counts."""
        self._set_status(self._status_extra)

    def _set_status(self, extra: Callable[[], str] = str) -> None:
        """The status line: `extra()` (in the display language), then the counts."""
        self._status_extra = extra
        svc = kb_app(self).services
        lang = self.lang
        if svc.state.error:
            text = plain(svc.state.error, style="bold red")
        elif not svc.loaded.is_set():
            text = plain(tr("Loading the knowledge base…", lang))
        else:
            msg = tr_n(len(svc.entries), "1 entry", "{n} entries", lang)
            if svc.state.problems:
                count = len(svc.state.problems)
                msg += " · " + tr_n(count, "1 problem (F6)", "{n} problems (F6)", lang)
            said = extra()
            if said:
                msg = f"{said} · {msg}"
            text = plain(msg)
        self.query_one("#status", Static).update(text)
        # above the status line, wrapped (the folder and the fix do not fit in 80 columns); the
        # results stay: this index answers, it may only be stale or rebuilt on every start
        warning = self.query_one("#index-warning", Static)
        warning.display = bool(svc.state.warning) and not svc.state.error
        if warning.display:
            warning.update(plain(tr(svc.state.warning or "", lang)))  # kb.words.Words

    def _show_filters(self) -> None:
        query = self.query_one("#search", SearchInput).value
        _, inline = parse_query(query)
        parts = [self.filters.describe()]
        typed = inline.describe()
        if typed:
            parts.append(f"{typed} {tr('(typed)', self.lang)}")
        desc = " ".join(p for p in parts if p)
        label = (
            tr("Filters: {desc}", self.lang, desc=desc) if desc else tr("Filters: none", self.lang)
        )
        hint = tr("(ctrl+f to filter, or type product:emqx kind:faq tag:clock)", self.lang)
        line = f"{label}   {hint}"
        if line != self._filters_line:  # unchanged on most keys: no re-layout
            self._filters_line = line
            self.query_one("#filters", Static).update(plain(line))

    def unknown_filter(self, filters: Filters) -> str | None:
        """'No product 'nosuch' in this knowledge base; known: …' for a filter value nobody has."""
        facets = kb_app(self).services.facets()
        for field_name in ("product", "kind", "tag"):
            value = getattr(filters, field_name)
            known = facets.get(field_name, [])
            if value and value not in known:
                shown = ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
                return tr(
                    "No {field} {value!r} in this knowledge base; known: {known}",
                    self.lang,
                    field=field_name,
                    value=value,
                    known=shown,
                )
        return None

    # --- searching -----------------------------------------------------------------------------
    @on(SearchInput.Changed, "#search")
    def _query_changed(self, event: SearchInput.Changed) -> None:
        self._changed_at = time.perf_counter()
        self._open_when_shown = None  # an Enter was for the query before this key
        if self._timer is not None:
            self._timer.stop()
        elif self.shown_seq == self.search_seq:
            # nothing in flight: search at once (leading edge); keys that arrive while a search
            # runs are coalesced by the timer, so a paste or fast typing costs one search
            self._search_now()
            return
        self._timer = self.set_timer(DEBOUNCE, self._search_now)

    def _search_now(self) -> None:
        self._timer = None
        query = self.query_one("#search", SearchInput).value
        self._show_filters()
        self.search_seq += 1
        self.run_search(
            query,
            Filters(**vars(self.filters)),
            self.search_seq,
            time.perf_counter(),
            self._changed_at,
        )

    @work(thread=True, exclusive=True, group="search")
    def run_search(
        self, query: str, filters: Filters, seq: int, started: float, changed_at: float = 0.0
    ) -> None:
        svc = kb_app(self).services
        if not svc.loaded.is_set():
            return
        if not query.strip() and not filters.describe():
            hits: list[Any] = []
        else:
            try:
                hits = svc.search(query, filters, limit=LIMIT)
            except Exception as exc:  # a bad query is shown, never a crash
                error = one_line(exc, 120)
                self.app.call_from_thread(
                    self._set_status, lambda: tr("search failed: {error}", self.lang, error=error)
                )
                return
        self.app.call_from_thread(self._show_hits, query, hits, seq, started, changed_at)

    def _show_hits(
        self, query: str, hits: list[Any], seq: int, started: float, changed_at: float = 0.0
    ) -> None:
        if seq < self.shown_seq or seq != self.search_seq:
            return  # a newer search is on its way
        self.shown_seq = seq
        self.last_hits = hits
        self.last_query = query
        lang = self.lang
        results = self.query_one(ResultList)
        empty = not query.strip() and not self.filters.describe()
        if empty:
            self._show_home()
        else:
            self.showing_home = False
            results.show_hits(hits, lang, self._summaries(hits, lang))
        now = time.perf_counter()
        self.last_latency = now - started
        self.key_latency = now - changed_at if changed_at else self.last_latency
        self._set_status(lambda: self._results_said(query, hits, empty))
        self._update_preview()
        if self._open_when_shown is not None and self._open_when_shown == query:
            self._open_when_shown = None
            if self.is_current:  # not after the user went elsewhere
                self._open(results.highlighted_id())

    def _results_said(self, query: str, hits: list[Any], empty: bool) -> str:
        """ "25 results", "Nothing found; …", … in the display language."""
        lang = self.lang
        if empty:
            return tr("Type to search", lang)
        if hits:
            return tr_n(len(hits), "1 result", "{n} results", lang)
        _, inline = parse_query(query)
        filters = self.filters.merged(inline)
        if unknown := self.unknown_filter(filters):
            return str(unknown)
        # what to do next, as `kb search` says it ("nothing found; try other words, …"), short
        # enough that the counts after it stay on the status line at 80 columns
        if filters.describe():
            return tr("Nothing found; try other words or fewer filters", lang)
        return tr("Nothing found; try other words", lang)

    def _summaries(self, hits: list[Any], lang: str) -> dict[str, str]:
        """In Chinese, translated entries show their Chinese summary under the Chinese title."""
        if lang == "en":
            return {}
        svc = kb_app(self).services
        out = {}
        for hit in hits:
            entry = svc.get(hit.id)
            if entry is not None and lang in entry.translations:
                out[hit.id] = entry.text(lang).summary
        return out

    def _show_home(self) -> None:
        """Triage trees and recently opened entries, for an empty search box."""
        svc = kb_app(self).services
        self.showing_home = True
        self.query_one(ResultList).show_sections(
            [
                (tr("Triage trees", self.lang), svc.trees()),
                (tr("Recently opened", self.lang), svc.recent()),
            ],
            self.lang,
        )

    def _lang_changed(self, lang: str) -> None:
        self._relabel()
        self._set_status(self._status_extra)  # the same words, in the new language
        if self.showing_home:
            self._show_home()
        elif self.last_hits:
            self.query_one(ResultList).show_hits(
                self.last_hits, lang, self._summaries(self.last_hits, lang), keep_highlight=True
            )
        self.preview_id = None
        self._update_preview()

    # --- preview -------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._update_preview()

    def _update_preview(self) -> None:
        if not self.wide:
            return
        results = self.query_one(ResultList)
        entry_id = None
        if results.highlighted is not None and results.option_count:
            entry_id = results.get_option_at_index(results.highlighted).id
        if entry_id == self.preview_id:
            return
        self.preview_id = entry_id
        entry = kb_app(self).services.get(entry_id) if entry_id else None
        panel = self.query_one("#preview-text", Static)
        panel.update(render_preview(entry, self.lang) if entry is not None else Text(""))
        self.query_one("#preview", VerticalScroll).scroll_home(animate=False)

    # --- opening -------------------------------------------------------------------------------
    def results_current(self) -> bool:
        """The list holds the results of the query in the box: no search waits or runs."""
        query = self.query_one("#search", SearchInput).value
        return (
            self._timer is None and self.shown_seq == self.search_seq and self.last_query == query
        )

    def _open_or_wait(self, entry_id: str | None) -> None:
        """Open `entry_id` if the list shows this query's results; else open the first result
        of this query once it is shown (searching now if only the debounce timer waits)."""
        if self.results_current():
            self._open(entry_id)
            return
        self._open_when_shown = self.query_one("#search", SearchInput).value
        if self._timer is not None:
            self._timer.stop()
            self._search_now()
        elif self.shown_seq == self.search_seq:  # nothing in flight, yet not this query's
            self._search_now()

    @on(SearchInput.Submitted, "#search")
    def _submitted(self) -> None:
        self._open_or_wait(self.query_one(ResultList).highlighted_id())

    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open_or_wait(event.option.id)

    def _open(self, entry_id: str | None) -> None:
        if entry_id:
            kb_app(self).open_entry(entry_id)

    @on(SearchInput.LogPasted)
    def _log_pasted(self, event: SearchInput.LogPasted) -> None:
        kb_app(self).action_paste_log(event.text)

    def action_focus_results(self) -> None:
        """↓ in the search box: into the results (elsewhere ↓ is the focused widget's)."""
        if self.focused is not self.query_one("#search", SearchInput):
            raise SkipAction()
        results = self.query_one(ResultList)
        if results.option_count:
            focus_now(results)
            if results.highlighted is None:
                results.action_first()

    def action_focus_search(self) -> None:
        search = self.query_one("#search", SearchInput)
        focus_now(search)
        search.cursor_position = len(search.value)

    def action_escape(self) -> None:
        """Esc: back to the box from the results; in the box, clear the query first."""
        search = self.query_one("#search", SearchInput)
        if self.focused is not search:
            self.action_focus_search()
        elif search.value:
            search.value = ""

    def typing_target(self) -> SearchInput | None:
        # typing while the results have focus goes on in the search box, after the query (the
        # focus as set, not `has_focus`, which follows a message later: ↓ then a letter, fast)
        if self.focused is not self.query_one(ResultList):
            return None
        return self.query_one("#search", SearchInput)

    def on_paste(self, event: events.Paste) -> None:
        # a paste while the results have focus goes to the search box, like typing
        search = self.query_one("#search", SearchInput)
        if self.focused is not search:
            self.action_focus_search()
            search.post_message(events.Paste(event.text))
            event.stop()

    # --- filters -------------------------------------------------------------------------------
    def action_filters(self) -> None:
        from tui.screens.filters import FilterScreen

        facets = kb_app(self).services.facets()
        self.app.push_screen(FilterScreen(facets, self.filters), self._filters_chosen)

    def _filters_chosen(self, filters: Filters | None) -> None:
        if filters is None:
            return
        self.filters = filters
        self._show_filters()
        self._search_now()

    def action_clear_filters(self) -> None:
        self._filters_chosen(Filters())

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            tr("Filter", self.lang), "Filter by product, kind or tag (ctrl+f)", self.action_filters
        )
        if self.filters.describe():
            yield SystemCommand(
                tr("Clear filters", self.lang),
                "Show results of every product, kind and tag (ctrl+r)",
                self.action_clear_filters,
            )

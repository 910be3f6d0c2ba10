"""The home screen: a search box with focus, filters, and results that follow the typing."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, OptionList, Static

from tui.sanitize import one_line, plain
from tui.services import Filters
from tui.shared import kb_app
from tui.widgets.result_list import ResultList
from tui.widgets.search_input import SearchInput

DEBOUNCE = (
    0.015  # seconds: coalesces a burst of keys (a paste, fast typing) without a noticeable delay
)
LIMIT = 25  # results shown; more only costs rendering time, the first screenful is what gets read


class HomeScreen(Screen[None]):
    """Search as you type."""

    CSS_PATH = "home.tcss"
    AUTO_FOCUS = "#search"

    BINDINGS = [
        Binding("ctrl+f", "filters", "Filter"),
        Binding("ctrl+r", "clear_filters", "Clear filters", show=False),
        Binding("down", "focus_results", "Results", show=False),
        Binding("escape", "focus_search", "Search", show=False),
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

    def compose(self) -> ComposeResult:
        yield Header(icon="?")
        yield SearchInput(
            placeholder="Describe the symptom or paste a log line…  (e.g. monotonic)", id="search"
        )
        yield Static(id="filters", classes="status-line")
        yield ResultList(id="results")
        yield Static(id="status", classes="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self._show_filters()
        self._set_status()
        self.watch(self.app, "lang", self._lang_changed, init=False)

    # --- loading -------------------------------------------------------------------------------
    def kb_loaded(self) -> None:
        self._set_status()
        self._search_now()

    def _set_status(self, extra: str = "") -> None:
        svc = kb_app(self).services
        if svc.state.error:
            text = plain(svc.state.error, style="bold red")
        elif not svc.loaded.is_set():
            text = plain("Loading the knowledge base…")
        else:
            n = len(svc.entries)
            msg = f"{n} entries"
            if svc.state.problems:
                msg += f" · {len(svc.state.problems)} problems (kb lint)"
            if extra:
                msg = f"{extra} · {msg}"
            text = plain(msg)
        self.query_one("#status", Static).update(text)

    def _show_filters(self) -> None:
        desc = self.filters.describe()
        label = f"Filters: {desc}" if desc else "Filters: none"
        self.query_one("#filters", Static).update(
            plain(f"{label}   (ctrl+f to filter, or type product:emqx kind:faq tag:clock)")
        )

    # --- searching -----------------------------------------------------------------------------
    @on(SearchInput.Changed, "#search")
    def _query_changed(self, event: SearchInput.Changed) -> None:
        self._changed_at = time.perf_counter()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._search_now)

    def _search_now(self) -> None:
        self._timer = None
        query = self.query_one("#search", SearchInput).value
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
                self.app.call_from_thread(self._set_status, f"search failed: {one_line(exc, 120)}")
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
        self.query_one(ResultList).show_hits(hits, kb_app(self).lang)
        now = time.perf_counter()
        self.last_latency = now - started
        self.key_latency = now - changed_at if changed_at else self.last_latency
        if not query.strip() and not self.filters.describe():
            self._set_status("Type to search")
        else:
            self._set_status(
                f"{len(hits)} result{'s' if len(hits) != 1 else ''}" if hits else "No match"
            )

    def _lang_changed(self, lang: str) -> None:
        if self.last_hits:
            self.query_one(ResultList).show_hits(self.last_hits, lang)

    # --- opening -------------------------------------------------------------------------------
    @on(SearchInput.Submitted, "#search")
    def _submitted(self) -> None:
        results = self.query_one(ResultList)
        if results.option_count and results.highlighted is not None:
            self._open(results.get_option_at_index(results.highlighted).id)

    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    def _open(self, entry_id: str | None) -> None:
        if entry_id:
            kb_app(self).open_entry(entry_id)

    @on(SearchInput.LogPasted)
    def _log_pasted(self, event: SearchInput.LogPasted) -> None:
        kb_app(self).action_paste_log(event.text)

    def action_focus_results(self) -> None:
        results = self.query_one(ResultList)
        if results.option_count:
            results.focus()
            if results.highlighted is None:
                results.highlighted = 0

    def action_focus_search(self) -> None:
        self.query_one("#search", SearchInput).focus()

    def on_key(self, event: Any) -> None:
        # typing while the results have focus goes back to the search box
        results = self.query_one(ResultList)
        if (
            results.has_focus
            and event.is_printable
            and event.character
            and event.key not in ("space",)
        ):
            search = self.query_one("#search", SearchInput)
            search.focus()
            search.insert_text_at_cursor(event.character)
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
            "Filter results", "Filter by product, kind or tag (ctrl+f)", self.action_filters
        )
        yield SystemCommand(
            "Clear filters",
            "Show results of every product, kind and tag (ctrl+r)",
            self.action_clear_filters,
        )

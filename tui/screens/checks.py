"""Run an entry's checks: one (Enter) or all (a), each row going pending → running → result.

The checks run with `kb.checks.runner.run_check` (the engine behind `kb check`) in a worker thread,
a few at a time; `x` cancels what has not finished. The panel under the table shows the summary,
evidence and next step of the highlighted row.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from kb.model import CheckSpec, Entry
from kb.redact import redact
from tui.i18n import tr
from tui.sanitize import fit, one_line
from tui.shared import kb_app
from tui.widgets.badges import status_badge
from tui.widgets.footer import KbFooter
from tui.widgets.header import KbHeader
from tui.wrap import Breakable, BreakableStatic

PARALLEL = 4
MAX_EVIDENCE = 20
STATUS_W = 10
TIME_W = 7


def next_keys(result: Any, entry: Entry, lang: str) -> tuple[str, str | None]:
    """What to do next, worded as keys to press here (not as a CLI command), and the entry it names.

    The engine's `next` is data (`kb.checks.base.Next`: an entry, parameters worth changing,
    advice); the CLI words it as commands, this screen as the keys that do the same thing.
    """
    nxt = getattr(result, "next", None)
    if nxt is None:
        return "", None
    advice = nxt.advice_in(lang)
    parts = [one_line(advice, 200)] if advice else []
    if nxt.params:
        where = tr("p: choose where the checks run, then Enter to re-run", lang)
        parts.append(f"{where} ({', '.join(nxt.params)})")
    target = nxt.entry
    if target == entry.id:
        parts.append(tr("Esc: back to the entry", lang))
        if entry.tree is not None:
            parts.append(tr("t: walk the decision tree of {id}", lang, id=entry.id))
        target = None
    elif target:
        parts.append(f"e: {tr('Open entry', lang)} {target}")
    return " · ".join(parts), target


class ChecksScreen(Screen[None]):
    """The live checks of one entry."""

    CSS_PATH = "checks.tcss"
    AUTO_FOCUS = "#checks-table"

    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("enter", "run_selected", "Run"),
        Binding("a", "run_all", "Run all"),
        Binding("x", "cancel", "Cancel"),
        Binding("l", "app.toggle_lang", "中文/EN", show=False),
        Binding("p", "where", "Where"),
        Binding("y", "copy_evidence", "Copy evidence"),
        Binding("e", "open_next", "Open entry", show=False),
        Binding("t", "tree", "Tree", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, entry: Entry, *, autorun: bool = False) -> None:
        super().__init__()
        self.entry = entry
        self.autorun = autorun
        self.state: dict[str, str] = {c.id: "pending" for c in entry.checks}
        self.results: dict[str, Any] = {}
        self.started: dict[str, float] = {}
        self.next_entry: str | None = None
        self._cancel = threading.Event()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield KbHeader(icon="?")
        yield BreakableStatic(id="checks-title", classes="title-line")
        yield DataTable(id="checks-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="checks-detail-box"):
            yield BreakableStatic(id="checks-detail")
        yield KbFooter()

    @property
    def svc(self) -> Any:
        return kb_app(self).services

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        lang = self.lang
        table.add_column(tr("Status", lang), key="status", width=STATUS_W)
        table.add_column(tr("Check", lang), key="title", width=self._title_width())
        table.add_column(tr("Time", lang), key="time", width=TIME_W)
        # results of this entry's checks earlier in the session come back with the screen
        for check_id, result in self.svc.remembered(self.entry.id).items():
            if check_id in self.state:
                self.results[check_id] = result
                self.state[check_id] = result.status
        for spec in self.entry.checks:
            table.add_row(*self._cells(spec), key=spec.id)
        self.watch(self.app, "lang", self._relabel, init=True)
        self.set_interval(0.25, self._tick)
        if self.autorun:
            self.action_run_all()

    @property
    def lang(self) -> str:
        return kb_app(self).lang

    def _title(self, spec: CheckSpec) -> str:
        return self.entry.text(self.lang).check_titles.get(spec.id) or spec.title

    def _title_width(self) -> int:
        """The Check column takes what Status and Time leave, so Time never scrolls out of view."""
        width = self.app.size.width if self.size.width == 0 else self.size.width
        # each column has one cell of padding on both sides; 2 more for a vertical scrollbar
        return max(12, width - STATUS_W - TIME_W - 3 * 2 - 2)

    def on_resize(self, event: events.Resize) -> None:
        table = self.query_one(DataTable)
        column = table.columns.get(ColumnKey("title"))
        if column is not None:
            column.width = self._title_width()
            column.auto_width = False
            for spec in self.entry.checks:
                self._refresh_row(spec)
            table.refresh()

    def _cells(self, spec: CheckSpec) -> tuple[Text, Text, Text]:
        status = self.state[spec.id]
        result = self.results.get(spec.id)
        if result is not None:
            t = f"{result.duration:.2f}s"
        elif status == "running":
            t = f"{time.monotonic() - self.started.get(spec.id, time.monotonic()):.1f}s"
        else:
            t = ""
        width = self._title_width()
        title = Text(fit(self._title(spec), width))
        if title.cell_len + cell_len(spec.kind) + 2 <= width:
            title.append(f"  {spec.kind}", style="dim")
        return status_badge(status, width=STATUS_W, lang=self.lang), title, Text(t)

    def _relabel(self, _lang: str = "") -> None:
        lang = self.lang
        title = Breakable(one_line(self.entry.text(lang).title, 200), style="bold")
        where = self.svc.where_text(self.entry.id, self._common_kind(), lang)
        title.append(
            "\n" + tr("on {where}  (p to change)", lang, where=one_line(where, 150)), style="dim"
        )
        self.query_one("#checks-title", Static).update(title)
        table = self.query_one(DataTable)
        for key, label in (("status", "Status"), ("title", "Check"), ("time", "Time")):
            column = table.columns.get(ColumnKey(key))
            if column is not None:
                column.label = Text(tr(label, lang))
        for spec in self.entry.checks:
            self._refresh_row(spec)
        self._show_detail()

    def _refresh_row(self, spec: CheckSpec) -> None:
        table = self.query_one(DataTable)
        for key, cell in zip(("status", "title", "time"), self._cells(spec), strict=True):
            table.update_cell(spec.id, key, cell)

    def _common_kind(self) -> str | None:
        """The kind of every check when they share a family (docker.*, net.*), else None."""
        families = {c.kind.split(".")[0] for c in self.entry.checks}
        return self.entry.checks[0].kind if len(families) == 1 and self.entry.checks else None

    def _spec(self) -> CheckSpec | None:
        if not self.entry.checks:
            return None
        table = self.query_one(DataTable)
        row = table.cursor_row if table.cursor_row is not None else 0
        return self.entry.checks[min(max(row, 0), len(self.entry.checks) - 1)]

    @on(DataTable.RowHighlighted)
    def _show_detail(self, event: Any = None) -> None:
        panel = self.query_one("#checks-detail", Static)
        lang = self.lang
        spec = self._spec()
        self.next_entry = None
        if spec is None:
            panel.update(Breakable(tr("This entry has no checks.", lang)))
            return
        out = Breakable()
        out.append(one_line(self._title(spec)), style="bold")
        result = self.results.get(spec.id)
        status = self.state[spec.id]
        if result is not None:
            # the result and what to do next first: below them, the evidence and the check's
            # description went under the panel's fold at 80x24 (Tab, then scroll: said nowhere)
            out.append("\n")
            out.append_text(status_badge(result.status, lang=lang))
            out.append(" " + one_line(result.summary_in(lang), 300))
            if result.next:
                keys, self.next_entry = next_keys(result, self.entry, lang)
                out.append("\n" + tr("Next", lang) + ": ", style="bold")
                out.append(keys)
            for line in list(result.evidence)[:MAX_EVIDENCE]:
                out.append("\n  " + one_line(line, 200))
            out.append("\n")
        # the parameters this check runs with here: defaults < target < overrides of this entry
        used = self.svc.effective_params(spec, self.entry.id)
        params = redact(", ".join(f"{k}={v}" for k, v in used.items()))
        out.append(
            f"\n{spec.kind}" + (f" ({one_line(params, 160)})" if params else ""), style="dim"
        )
        where = self.svc.where_text(self.entry.id, spec.kind, lang)
        out.append(
            "\n" + tr("on {where}  (p to change)", lang, where=one_line(where, 150)), style="dim"
        )
        # described with what it runs with, not the entry's defaults (explain redacts the words)
        words = kb_app(self).services.explain(replace(spec, params=used), self.lang)
        out.append(f"\n{one_line(words.looks_at, 200)} → {one_line(words.healthy, 200)}")
        if result is None:
            if status == "running":
                out.append("\n" + tr("Running… (x to cancel)", lang))
            elif status == "cancelled":
                out.append("\n" + tr("Cancelled.", lang))
            else:
                out.append("\n" + tr("Not run yet — Enter runs this check, a runs all.", lang))
        panel.update(out)

    def action_where(self) -> None:
        spec = self._spec()
        kb_app(self).action_check_settings(self.entry.id, spec.kind if spec else None)

    def action_copy_evidence(self) -> None:
        spec = self._spec()
        result = self.results.get(spec.id) if spec is not None else None
        if result is None:
            self.notify(tr("Nothing to copy here", self.lang), severity="warning")
            return
        text = "\n".join([f"{result.status}: {result.summary_in(self.lang)}", *result.evidence])
        kb_app(self).copy_text(text, "evidence")

    def action_open_next(self) -> None:
        if self.next_entry:
            kb_app(self).open_entry(self.next_entry)

    def action_tree(self) -> None:
        if self.entry.tree is not None:
            kb_app(self).open_tree(self.entry.id)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def settings_changed(self, scope: str | None = None) -> None:
        if scope not in (None, self.entry.id):
            return
        # results were for the old place; they no longer hold
        self.results.clear()
        for spec in self.entry.checks:
            self.state[spec.id] = "pending"
        self._relabel()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_run_selected()

    def _tick(self) -> None:
        for spec in self.entry.checks:
            if self.state[spec.id] == "running":
                self._refresh_row(spec)

    # --- running -------------------------------------------------------------------------------
    def action_run_selected(self) -> None:
        table = self.query_one(DataTable)
        if not self.entry.checks or table.cursor_row is None:
            return
        self._start([self.entry.checks[table.cursor_row]])

    def action_run_all(self) -> None:
        self._start(list(self.entry.checks))

    def _start(self, specs: list[CheckSpec]) -> None:
        if self.busy:
            self.notify(
                tr("Checks are already running (x to cancel)", self.lang), severity="warning"
            )
            return
        self.busy = True
        self._cancel = threading.Event()
        for spec in specs:
            self.state[spec.id] = "pending"
            self.results.pop(spec.id, None)
            self._refresh_row(spec)
        self._show_detail()
        self.run_specs(specs, self._cancel)

    @work(thread=True, group="checks")
    def run_specs(self, specs: list[CheckSpec], cancel: threading.Event) -> None:
        svc = kb_app(self).services

        def one(spec: CheckSpec) -> None:
            if cancel.is_set():
                self.app.call_from_thread(self._set_state, spec, "cancelled", None)
                return
            self.app.call_from_thread(self._set_state, spec, "running", None)
            try:
                result = svc.run_check(self.entry, spec, cancel=cancel, scope=self.entry.id)
            except Exception as exc:  # the engine reports errors as results; this is the backstop
                from kb.checks.base import CheckResult

                result = CheckResult(
                    check=spec.id,
                    kind=spec.kind,
                    title=spec.title,
                    status="error",
                    summary=str(exc),
                )
            self.app.call_from_thread(self._set_state, spec, result.status, result)

        with ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="kbtui-check") as pool:
            list(pool.map(one, specs))
        self.app.call_from_thread(self._finished)

    def _set_state(self, spec: CheckSpec, status: str, result: Any) -> None:
        self.state[spec.id] = status
        if status == "running":
            self.started[spec.id] = time.monotonic()
        if result is not None:
            self.results[spec.id] = result
            if status != "cancelled":
                self.svc.remember(self.entry.id, spec.id, result)
        self._refresh_row(spec)
        self._show_detail()

    def _finished(self) -> None:
        self.busy = False
        counts: dict[str, int] = {}
        for status in self.state.values():
            counts[status] = counts.get(status, 0) + 1
        lang = self.lang
        summary = ", ".join(f"{n} {tr(s, lang)}" for s, n in sorted(counts.items()))
        self.notify(tr("Checks finished: {summary}", lang, summary=summary), markup=False)

    def action_cancel(self) -> None:
        if self.busy:
            self._cancel.set()
            self.notify(tr("Cancelling…", self.lang), markup=False)

    def action_back(self) -> None:
        self._cancel.set()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self._cancel.set()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            tr("Where checks run", self.lang),
            "Target or container for this entry's checks (p)",
            self.action_where,
        )
        yield SystemCommand(
            "Run all checks", "Run every check of this entry (a)", self.action_run_all
        )
        yield SystemCommand(
            "Cancel checks", "Stop the checks that are running (x)", self.action_cancel
        )

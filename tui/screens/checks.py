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
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from kb.model import CheckSpec, Entry
from tui.sanitize import one_line
from tui.shared import kb_app
from tui.widgets.badges import status_badge

PARALLEL = 4
MAX_EVIDENCE = 20


class ChecksScreen(Screen[None]):
    """The live checks of one entry."""

    CSS_PATH = "checks.tcss"
    AUTO_FOCUS = "#checks-table"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "run_selected", "Run"),
        Binding("a", "run_all", "Run all"),
        Binding("x", "cancel", "Cancel"),
        Binding("l", "app.toggle_lang", "中文/EN", show=False),
        Binding("p", "app.check_settings", "Where"),
    ]

    def __init__(self, entry: Entry, *, autorun: bool = False) -> None:
        super().__init__()
        self.entry = entry
        self.autorun = autorun
        self.state: dict[str, str] = {c.id: "pending" for c in entry.checks}
        self.results: dict[str, Any] = {}
        self.started: dict[str, float] = {}
        self._cancel = threading.Event()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header(icon="?")
        yield Static(id="checks-title", classes="title-line")
        yield DataTable(id="checks-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="checks-detail-box"):
            yield Static(id="checks-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Status", key="status", width=10)
        table.add_column("Check", key="title")
        table.add_column("Time", key="time", width=6)
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

    def _cells(self, spec: CheckSpec) -> tuple[Text, Text, Text]:
        status = self.state[spec.id]
        result = self.results.get(spec.id)
        if result is not None:
            t = f"{result.duration:.2f}s"
        elif status == "running":
            t = f"{time.monotonic() - self.started.get(spec.id, time.monotonic()):.1f}s"
        else:
            t = ""
        title = Text(one_line(self._title(spec), 200))
        title.append(f"  {spec.kind}", style="dim")
        return status_badge(status, width=10), title, Text(t)

    def _relabel(self, _lang: str = "") -> None:
        title = Text(one_line(self.entry.text(self.lang).title, 200), style="bold")
        title.append(
            "\non " + one_line(kb_app(self).services.settings_text(), 150) + "  (p to change)",
            style="dim",
        )
        self.query_one("#checks-title", Static).update(title)
        for spec in self.entry.checks:
            self._refresh_row(spec)
        self._show_detail()

    def _refresh_row(self, spec: CheckSpec) -> None:
        table = self.query_one(DataTable)
        for key, cell in zip(("status", "title", "time"), self._cells(spec), strict=True):
            table.update_cell(spec.id, key, cell, update_width=key == "title")

    @on(DataTable.RowHighlighted)
    def _show_detail(self, event: Any = None) -> None:
        table = self.query_one(DataTable)
        panel = self.query_one("#checks-detail", Static)
        if not self.entry.checks:
            panel.update(Text("This entry has no checks."))
            return
        row = table.cursor_row if table.cursor_row is not None else 0
        spec = self.entry.checks[min(max(row, 0), len(self.entry.checks) - 1)]
        out = Text()
        out.append(one_line(self._title(spec)), style="bold")
        params = ", ".join(f"{k}={v}" for k, v in spec.params.items())
        out.append(
            f"\n{spec.kind}" + (f" ({one_line(params, 120)})" if params else ""), style="dim"
        )
        result = self.results.get(spec.id)
        status = self.state[spec.id]
        if result is not None:
            out.append("\n")
            out.append_text(status_badge(result.status))
            out.append(" " + one_line(result.summary, 300))
            if result.target:
                out.append(f"\non {one_line(result.target, 100)}", style="dim")
            for line in list(result.evidence)[:MAX_EVIDENCE]:
                out.append("\n  " + one_line(line, 200))
            if result.next:
                out.append("\nNext: ", style="bold")
                out.append(one_line(result.next, 300))
        elif status == "running":
            out.append("\nRunning… (x to cancel)")
        elif status == "cancelled":
            out.append("\nCancelled.")
        else:
            out.append("\nNot run yet — Enter runs this check, a runs all.")
        panel.update(out)

    def settings_changed(self) -> None:
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
            self.notify("Checks are already running (x to cancel)", severity="warning")
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
                result = svc.run_check(self.entry, spec, cancel=cancel)
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
        self._refresh_row(spec)
        self._show_detail()

    def _finished(self) -> None:
        self.busy = False
        counts: dict[str, int] = {}
        for status in self.state.values():
            counts[status] = counts.get(status, 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        self.notify(f"Checks finished: {summary}", markup=False)

    def action_cancel(self) -> None:
        if self.busy:
            self._cancel.set()
            self.notify("Cancelling…", markup=False)

    def action_back(self) -> None:
        self._cancel.set()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self._cancel.set()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Run all checks", "Run every check of this entry (a)", self.action_run_all
        )
        yield SystemCommand(
            "Cancel checks", "Stop the checks that are running (x)", self.action_cancel
        )

"""Doctor: scan the configured Docker host(s) for known problems and list what was found.

The scan is `kb.checks.doctor.run_doctor` (the same as `kb doctor`) in a worker; Enter on a finding
opens its entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tui.sanitize import one_line
from tui.shared import kb_app
from tui.widgets.badges import status_badge

MAX_EVIDENCE = 20


class DoctorScreen(Screen[None]):
    """Findings of a doctor scan."""

    CSS_PATH = "doctor.tcss"
    AUTO_FOCUS = "#doctor-table"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open", "Open entry"),
        Binding("s", "scan", "Scan again"),
    ]

    def __init__(self, *, autoscan: bool = True) -> None:
        super().__init__()
        self.autoscan = autoscan
        self.findings: list[Any] = []
        self.scanning = False
        self.report: Any = None
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="?")
        yield Static(id="doctor-status", classes="title-line")
        yield DataTable(id="doctor-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="doctor-detail-box"):
            yield Static(id="doctor-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Status", key="status", width=10)
        table.add_column("Finding", key="title")
        table.add_column("Container", key="container", width=16)
        self._status("Press s to scan the configured Docker host(s).")
        if self.autoscan:
            self.action_scan()

    def _status(self, msg: str, style: str = "") -> None:
        self.query_one("#doctor-status", Static).update(Text(one_line(msg, 300), style=style))

    # --- scanning ------------------------------------------------------------------------------
    def action_scan(self) -> None:
        if self.scanning:
            return
        self.scanning = True
        self.error = None
        self._status("Scanning the Docker host(s)…")
        self.scan()

    @work(thread=True, exclusive=True, group="doctor")
    def scan(self) -> None:
        svc = kb_app(self).services

        def progress(*args: Any, **kwargs: Any) -> None:
            text = " ".join(str(a) for a in args)
            self.app.call_from_thread(self._status, f"Scanning… {text}")

        svc.loaded.wait(timeout=30)
        try:
            report = svc.doctor(on_progress=progress)
            error = None
        except Exception as exc:  # no Docker, bad config: a line on screen, not a crash
            report, error = None, f"Doctor could not scan: {exc}"
        self.app.call_from_thread(self._done, report, error)

    def _done(self, report: Any, error: str | None) -> None:
        self.scanning = False
        self.report = report
        self.error = error
        table = self.query_one(DataTable)
        table.clear()
        self.findings = list(getattr(report, "findings", []) or [])
        if error:
            self._status(error, style="bold red")
        else:
            host_reports = list(getattr(report, "hosts", []) or [])
            hosts = ", ".join(str(getattr(h, "host", h)) for h in host_reports)
            failed = [h for h in host_reports if getattr(h, "ok", True) is False]
            n = len(self.findings)
            msg = f"{n} finding{'s' if n != 1 else ''}" if n else "No known problem found"
            if hosts:
                msg += f" on {hosts}"
            for h in failed:
                msg += f" · {getattr(h, 'host', '?')}: {getattr(h, 'error', 'unreachable')}"
            self._status(
                msg + " · Enter opens the entry · s scans again", style="bold red" if failed else ""
            )
        for i, f in enumerate(self.findings):
            entry = self._entry_of(f)
            title = (
                entry.text(kb_app(self).lang).title
                if entry is not None
                else str(getattr(f, "entry", "?"))
            )
            cell = Text(one_line(title, 200))
            summary = getattr(f, "summary", "")
            if summary:
                cell.append("\n" + one_line(summary, 200), style="dim")
            table.add_row(
                status_badge(getattr(f, "status", "?"), width=10),
                cell,
                Text(one_line(getattr(f, "container", "") or "—", 16)),
                key=str(i),
                height=2 if summary else 1,
            )
        self._show_detail()

    def _entry_of(self, finding: Any) -> Any:
        ref = getattr(finding, "entry", None)
        if ref is None:
            return None
        if not isinstance(ref, str):
            return ref
        return kb_app(self).services.get(ref)

    @on(DataTable.RowHighlighted)
    def _show_detail(self, event: Any = None) -> None:
        panel = self.query_one("#doctor-detail", Static)
        table = self.query_one(DataTable)
        if not self.findings:
            panel.update(Text(""))
            return
        f = self.findings[min(max(table.cursor_row or 0, 0), len(self.findings) - 1)]
        entry = self._entry_of(f)
        out = Text()
        if entry is not None:
            out.append(one_line(entry.text(kb_app(self).lang).title, 300), style="bold")
            out.append(f"\n{entry.id}", style="dim")
        host = getattr(f, "host", None)
        container = getattr(f, "container", None)
        where = " · ".join(
            x
            for x in (f"host {host}" if host else "", f"container {container}" if container else "")
            if x
        )
        if where:
            out.append("\n" + one_line(where, 200), style="dim")
        out.append("\n" + one_line(getattr(f, "summary", ""), 300))
        for line in list(getattr(f, "evidence", []) or [])[:MAX_EVIDENCE]:
            out.append("\n  " + one_line(line, 200))
        panel.update(out)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.findings or table.cursor_row is None:
            return
        entry = self._entry_of(self.findings[table.cursor_row])
        if entry is not None:
            kb_app(self).open_entry(entry.id)

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Scan again", "Run the doctor scan again (s)", self.action_scan)

"""Doctor: scan the Docker host(s) for known problems, then follow them live.

The scan is `kb.checks.doctor.run_doctor` (the same as `kb doctor`) in a worker. After it, the
screen follows each host's Docker events (die, oom, health_status, start) in another worker and
re-scans only the container an event names (`scan_containers`), so a container that dies while the
screen is open shows up without pressing `s`. Enter on a finding opens its entry with the finding's
container and host as the place that entry's checks run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from kb.i18n import evidence_in
from kb.redact import redact
from tui.i18n import tr
from tui.sanitize import one_line
from tui.services import CheckContext
from tui.shared import kb_app
from tui.widgets.badges import status_badge
from tui.widgets.footer import KbFooter
from tui.widgets.header import KbHeader

MAX_EVIDENCE = 20
STATUS_W = 10
CONTAINER_W = 16

# why the daemon could not be reached (`DockerUnavailable`, kb/checks/dockerclient.py) -> the
# bundled entry about it; an unlisted reason (TLS, not a Docker daemon, an API error) has none
DAEMON_ENTRIES = (
    ("permission denied on ", "docker-socket-permission-denied"),
    ("no Docker daemon at ", "docker-daemon-not-running"),
    ("cannot reach the Docker daemon at ", "docker-daemon-not-running"),
)


def finding_context(finding: Any) -> CheckContext | None:
    """Where the finding's entry should run its checks: its container, on its host."""
    container = str(getattr(finding, "container", "") or "")
    host = str(getattr(finding, "host", "") or "")
    if not container or container == "-":
        return None
    target = host if host and host != "local" else None
    origin = container + (f" @ {host}" if host else "")
    return CheckContext(target=target, overrides={"container": container}, origin=origin)


def unreached_host(finding: Any, report: Any) -> Any:
    """The host report behind `finding` when it says the host's daemon could not be reached (it
    did not list its containers); None for every other finding."""
    if getattr(finding, "kind", None) != "host" or getattr(finding, "entry", None) is not None:
        return None
    for host in getattr(report, "hosts", []) or []:
        if host.host == getattr(finding, "host", None) and not host.ok and not host.containers:
            return host
    return None


def _container_cell(finding: Any) -> str:
    container = str(getattr(finding, "container", "") or "")
    return "—" if container in ("", "-") else container  # "-": the host, no container


def daemon_entry(reason: str) -> str | None:
    """The entry about an unreachable daemon, from the client's one-line reason."""
    for start, entry_id in DAEMON_ENTRIES:
        if reason.startswith(start):
            return entry_id
    return None


# a finding the live doctor announced is not announced again for this long: a health check that
# flaps every few seconds would otherwise pop up "New finding" every few seconds
ANNOUNCE_EVERY = 600.0


class DoctorScreen(Screen[None]):
    """Findings of a doctor scan, kept up to date from Docker events."""

    CSS_PATH = "doctor.tcss"
    AUTO_FOCUS = "#doctor-table"

    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("enter", "open", "Open entry"),
        Binding("s", "scan", "Scan again"),
        Binding("y", "copy_evidence", "Copy evidence"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, autoscan: bool = True, live: bool = True) -> None:
        super().__init__()
        self.autoscan = autoscan
        self.live = live
        self.findings: list[Any] = []
        self.scanning = False
        self.report: Any = None
        self.error: str | None = None  # why the scan failed (worded at display time)
        # the live line, worded in the language shown when it is shown (ctrl+l rewords it)
        self.live_note: Callable[[str], str] | None = None
        self.live_events = 0  # events handled (tests wait on it)
        self._stop = threading.Event()
        self._following: set[str] = set()
        # (host, container, entry, kind) -> when it was last announced (or counted while away)
        self._announced: dict[tuple[Any, ...], float] = {}
        self.unseen = 0  # new findings while another screen was shown: told once on return

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        yield KbHeader(icon="?")
        yield Static(id="doctor-status", classes="title-line")
        yield DataTable(id="doctor-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="doctor-detail-box"):
            yield Static(id="doctor-detail")
        yield KbFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        lang = self.lang
        table.add_column(tr("Status", lang), key="status", width=STATUS_W)
        table.add_column(tr("Finding", lang), key="title", width=self._title_width())
        table.add_column(tr("Container", lang), key="container", width=CONTAINER_W)
        self._status(tr("Press s to scan the configured Docker host(s).", lang))
        self.watch(self.app, "lang", lambda _lang: self._refill(), init=False)
        if self.autoscan:
            self.action_scan()

    def on_unmount(self) -> None:
        self._stop.set()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Back on the doctor: one line for the findings that came while it was not shown (their
        rows are in the table already), instead of the pop-ups it held back."""
        if self.unseen:
            n, self.unseen = self.unseen, 0
            self.notify(
                tr("1 new finding while away", self.lang)
                if n == 1
                else tr("{n} new findings while away", self.lang, n=n),
                severity="warning",
                markup=False,
            )

    def _title_width(self) -> int:
        """Finding takes what Status and Container leave, so Container never scrolls out of view
        (sized to its longest line, it pushed Container off an 80- and a 160-column screen)."""
        width = self.app.size.width if self.size.width == 0 else self.size.width
        # each column has one cell of padding on both sides; 2 more for a vertical scrollbar
        return max(12, width - STATUS_W - CONTAINER_W - 3 * 2 - 2)

    def on_resize(self, event: events.Resize) -> None:
        column = self.query_one(DataTable).columns.get(ColumnKey("title"))
        if column is not None and column.width != self._title_width():
            column.width = self._title_width()
            column.auto_width = False
            self._refill()

    def _status(self, msg: str, style: str = "") -> None:
        self.query_one("#doctor-status", Static).update(Text(one_line(msg, 300), style=style))

    # --- scanning ------------------------------------------------------------------------------
    def action_scan(self) -> None:
        if self.scanning:
            return
        self.scanning = True
        self.error = None
        self._status(tr("Scanning the Docker host(s)…", self.lang))
        self.scan()

    @work(thread=True, exclusive=True, group="doctor")
    def scan(self) -> None:
        svc = kb_app(self).services

        def progress(done: Any = 0, total: Any = 0, *rest: Any) -> None:
            msg = tr("Scanning… {done}/{total}", self.lang, done=done, total=total)
            self.app.call_from_thread(self._status, msg)

        svc.loaded.wait(timeout=30)
        try:
            report = svc.doctor(on_progress=progress, lang=self.lang)
            error = None
        except Exception as exc:  # no Docker, bad config: a line on screen, not a crash
            report, error = None, one_line(exc, 200)
        self.app.call_from_thread(self._done, report, error)

    def _done(self, report: Any, error: str | None) -> None:
        self.scanning = False
        self.report = report
        self.error = error
        self.findings = list(getattr(report, "findings", []) or [])
        self._refill()
        if self.live and report is not None:
            for host in getattr(report, "hosts", []) or []:
                if getattr(host, "ok", False):
                    self._follow(str(getattr(host, "host", "local")))

    def _summary(self) -> tuple[str, str]:
        lang = self.lang
        if self.error:
            return tr("Doctor could not scan: {error}", lang, error=self.error), "bold red"
        host_reports = list(getattr(self.report, "hosts", []) or [])
        # a host whose daemon did not list its containers was not scanned: its error is no finding
        unreached = [h for h in host_reports if not h.ok and not h.containers]
        scanned = [h for h in host_reports if h not in unreached]
        parts = []
        if scanned or not unreached:
            n = sum(1 for f in self.findings if getattr(f, "kind", None) != "host")
            if n:
                msg = tr("1 finding", lang) if n == 1 else tr("{n} findings", lang, n=n)
            else:
                msg = tr("No known problem found", lang)
            if scanned:
                msg += tr(" on {hosts}", lang, hosts=", ".join(h.host for h in scanned))
            parts.append(msg)
        for h in host_reports:
            if h in unreached:
                parts.append(tr("could not scan {host}: {error}", lang, host=h.host, error=h.error))
            elif not h.ok:  # scanned, but not every container
                parts.append(f"{h.host}: {h.error or 'unreachable'}")
        parts.append(tr("Enter opens the entry · s scans again", lang))
        if self.live_note is not None:
            parts.append(self.live_note(lang))
        return " · ".join(parts), "bold red" if len(scanned) < len(host_reports) else ""

    def _refill(self) -> None:
        lang = self.lang
        table = self.query_one(DataTable)
        keep = table.cursor_row
        for key, label in (("status", "Status"), ("title", "Finding"), ("container", "Container")):
            column = table.columns.get(ColumnKey(key))
            if column is not None:
                column.label = Text(tr(label, lang))
        table.clear()
        if self.report is not None or self.error:
            self._status(*self._summary())
        for i, f in enumerate(self.findings):
            # ellipsised to the column, a cell at a time (never half a wide character)
            cell = Text(one_line(self._title(f), 200), no_wrap=True, overflow="ellipsis")
            summary = getattr(f, "summary", "")
            if summary:
                cell.append("\n" + one_line(summary, 200), style="dim")
            table.add_row(
                status_badge(getattr(f, "status", "?"), width=STATUS_W, lang=lang),
                cell,
                Text(one_line(_container_cell(f), CONTAINER_W)),
                key=str(i),
                height=2 if summary else 1,
            )
        if keep and self.findings:
            table.move_cursor(row=min(keep, len(self.findings) - 1))
        self._show_detail()

    # --- live ----------------------------------------------------------------------------------
    def _follow(self, host: str) -> None:
        if host in self._following:
            return
        self._following.add(host)
        self.live_note = lambda lang: tr("live: following Docker events", lang)
        self._status(*self._summary())
        self.follow(host)

    @work(thread=True, group="doctor-live")
    def follow(self, host: str) -> None:
        svc = kb_app(self).services

        def on_event(container: str, action: str) -> None:
            try:
                found = svc.rescan(host, [container], lang=self.lang)
            except Exception:  # a failed re-scan leaves the earlier findings in place
                return
            if not self._stop.is_set():
                self.app.call_from_thread(self._rescanned, host, container, action, found)

        try:
            svc.follow_events(None if host == "local" else host, self._stop, on_event)
        except Exception as exc:  # the daemon went away: say so; `s` still scans
            if not self._stop.is_set():
                error = one_line(exc, 120)
                self.app.call_from_thread(self._live_failed, host, error)

    def _live_failed(self, host: str, error: str) -> None:
        self._following.discard(host)
        self.live_note = lambda lang: tr("live: cannot follow events: {error}", lang, error=error)
        self._status(*self._summary())

    def _rescanned(self, host: str, container: str, action: str, found: list[Any]) -> None:
        """Replace the findings of one container with a fresh scan of it."""
        self.live_events += 1
        before = {
            (getattr(f, "entry", None), getattr(f, "kind", None))
            for f in self.findings
            if getattr(f, "container", None) == container and getattr(f, "host", None) == host
        }
        self.findings = [
            f
            for f in self.findings
            if not (getattr(f, "container", None) == container and getattr(f, "host", None) == host)
        ]
        self.findings.extend(found)
        from kb.checks.doctor import rank_key

        self.findings.sort(key=rank_key)
        self.live_note = lambda lang: tr(
            "live: {event} {container} → rescanned",
            lang,
            event=tr(action, lang),  # the Docker event: die, oom, health_status, start
            container=container,
        )
        self._refill()
        for f in found:
            what = (getattr(f, "entry", None), getattr(f, "kind", None))
            if what in before or not self._announce((host, container, *what)):
                continue
            if not self.is_active:
                # another screen is shown (F8's form, an entry): a pop-up there covers its
                # fields and says nothing about it; the doctor tells the count on return
                self.unseen += 1
                continue
            title = self._title(f)
            self.notify(
                tr(
                    "New finding: {title} ({container})",
                    self.lang,
                    title=one_line(title, 60),
                    container=container,
                ),
                severity="warning",
                markup=False,
            )

    def _announce(self, key: tuple[Any, ...]) -> bool:
        """Whether a new finding is worth a word now: once per finding per ANNOUNCE_EVERY."""
        now = time.monotonic()
        last = self._announced.get(key)
        if last is not None and now - last < ANNOUNCE_EVERY:
            return False
        self._announced[key] = now
        return True

    # --- details and actions -------------------------------------------------------------------
    def _title(self, finding: Any) -> str:
        """What the finding is called: its entry's title; an unreachable daemon says so."""
        host = unreached_host(finding, self.report)
        if host is not None:
            return tr(
                "Cannot reach the Docker daemon at {endpoint}",
                self.lang,
                endpoint=redact(str(host.endpoint)),
            )
        entry = self._entry_of(finding)
        if entry is not None:
            return str(entry.text(self.lang).title)
        return str(getattr(finding, "summary", "") or getattr(finding, "entry", "") or "?")

    def _entry_of(self, finding: Any) -> Any:
        ref = getattr(finding, "entry", None)
        if ref is None:
            host = unreached_host(finding, self.report)
            ref = daemon_entry(str(host.error or "")) if host is not None else None
        if ref is None:
            return None
        if not isinstance(ref, str):
            return ref
        return kb_app(self).services.get(ref)

    def _current(self) -> Any:
        table = self.query_one(DataTable)
        if not self.findings:
            return None
        return self.findings[min(max(table.cursor_row or 0, 0), len(self.findings) - 1)]

    @on(DataTable.RowHighlighted)
    def _show_detail(self, event: Any = None) -> None:
        panel = self.query_one("#doctor-detail", Static)
        f = self._current()
        if f is None:
            panel.update(Text(""))
            return
        lang = self.lang
        entry = self._entry_of(f)
        out = Text()
        if entry is not None:
            out.append(one_line(entry.text(lang).title, 300), style="bold")
            out.append(f"\n{entry.id}", style="dim")
        host = getattr(f, "host", None)
        container = getattr(f, "container", None)
        where = " · ".join(
            x
            for x in (
                tr("host {host}", lang, host=host) if host else "",
                tr("container {name}", lang, name=container)
                if container not in (None, "", "-")
                else "",
            )
            if x
        )
        if where:
            out.append("\n" + one_line(where, 200), style="dim")
        out.append("\n" + one_line(getattr(f, "summary", ""), 300))
        for line in list(getattr(f, "evidence", []) or [])[:MAX_EVIDENCE]:
            out.append("\n  " + one_line(evidence_in(str(line), lang), 200))
        panel.update(out)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        f = self._current()
        if f is None:
            return
        entry = self._entry_of(f)
        if entry is None:
            self.notify(
                tr("No entry for this finding: {title}", self.lang, title=self._title(f)),
                severity="warning",
                markup=False,
            )
            return
        ctx = finding_context(f)
        if entry.tree is not None and entry.kind == "tree":
            kb_app(self).open_tree(entry.id, context=ctx)
        else:
            kb_app(self).open_entry(entry.id, context=ctx)

    def action_copy_evidence(self) -> None:
        f = self._current()
        if f is None:
            self.notify(tr("Nothing to copy here", self.lang), severity="warning")
            return
        lines = [f"{getattr(f, 'status', '')}: {getattr(f, 'summary', '')}"]
        lines += [evidence_in(str(x), self.lang) for x in getattr(f, "evidence", []) or []]
        kb_app(self).copy_text("\n".join(lines), "evidence")

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            tr("Scan again", self.lang), "Run the doctor scan again (s)", self.action_scan
        )

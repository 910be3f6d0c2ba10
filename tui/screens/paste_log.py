"""Paste a log excerpt and find the entries whose signatures match it, with the matched lines.

Matching is `kb.checks.diagnose.diagnose` (the same as `kb diagnose`), run in a worker. A
multi-line paste into the search box opens this screen with the text already in place.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tui.i18n import tr, tr_n
from tui.sanitize import one_line
from tui.shared import focus_now, kb_app
from tui.widgets.badges import kind_badge
from tui.widgets.footer import KbFooter
from tui.widgets.header import KbHeader
from tui.widgets.search_input import normalise_paste


class LogArea(TextArea):
    """The log text area: a paste keeps its lines whatever the terminal ends them with (`\r` from
    tmux `paste-buffer` and many terminals), and loses its escape sequences."""

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        text = normalise_paste(event.text)
        if text and not self.read_only:
            result = self._replace_via_keyboard(text, *self.selection)
            if result is not None:
                self.move_cursor(result.end_location)


MAX_LINES = 5


class PasteLogScreen(Screen[None]):
    """A text area for the log and the list of matching entries."""

    CSS_PATH = "paste_log.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "diagnose", "Diagnose"),
        # priority: moves focus before the next key is routed (tui.shared.focus_now)
        Binding("ctrl+o", "results", "Results", priority=True),
    ]

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.initial = text
        self.diagnoses: list[Any] = []
        self.done = False
        self.error: str | None = None
        self.said = ""  # the status line before the results are in (English), for ctrl+l

    def compose(self) -> ComposeResult:
        yield KbHeader(icon="?")
        yield Static(id="paste-hint", classes="status-line")
        yield LogArea(
            normalise_paste(self.initial), id="log", soft_wrap=False, show_line_numbers=True
        )
        yield Static(id="paste-status", classes="status-line")
        yield OptionList(id="diagnoses")
        yield KbFooter()

    def set_text(self, text: str) -> None:
        """Replace the log (a new paste into the search box) and diagnose it."""
        self.query_one("#log", TextArea).text = normalise_paste(text)
        self.action_diagnose()

    def on_mount(self) -> None:
        self.query_one("#log", TextArea).focus()
        self.watch(self.app, "lang", self._relabel, init=True)
        if self.initial.strip():
            self.action_diagnose()

    def _relabel(self, lang: str) -> None:
        hint = tr("Paste a log, ctrl+s finds matching entries, ctrl+o goes to them.", lang)
        self.query_one("#paste-hint", Static).update(Text(hint))
        if self.done:
            ol = self.query_one("#diagnoses", OptionList)
            keep = ol.highlighted
            self._show(self.diagnoses, self.error)
            if keep is not None and keep < ol.option_count:
                ol.highlighted = keep
        elif self.said:
            self._say(self.said)

    def _say(self, text: str) -> None:
        self.said = text
        self.query_one("#paste-status", Static).update(Text(tr(text, self.lang)))

    @on(TextArea.Changed, "#log")
    def _keep_text(self, event: TextArea.Changed) -> None:
        """The app keeps the log: leaving this screen (Esc, F2, /) and ctrl+g again loses nothing."""
        kb_app(self).paste_log_text = event.text_area.text

    def action_diagnose(self) -> None:
        text = self.query_one("#log", TextArea).text
        if not text.strip():
            self._say("Nothing to diagnose: paste a log first.")
            return
        self.done = False
        self._say("Matching…")
        self.run_diagnose(text)

    @work(thread=True, exclusive=True, group="diagnose")
    def run_diagnose(self, text: str) -> None:
        svc = kb_app(self).services
        svc.loaded.wait(timeout=30)
        try:
            found, error = svc.diagnose(text), None
        except Exception as exc:  # a bad KB or engine failure is one line on screen
            found, error = [], tr("diagnose failed: {error}", self.lang, error=exc)
        self.app.call_from_thread(self._show, found, error)

    def _show(self, found: list[Any], error: str | None) -> None:
        self.diagnoses = found
        self.error = error
        self.done = True
        status = self.query_one("#paste-status", Static)
        ol = self.query_one("#diagnoses", OptionList)
        ol.clear_options()
        if error:
            status.update(Text(one_line(error, 300), style="bold red"))
            return
        n = len(found)
        status.update(
            Text(
                tr_n(
                    n,
                    "1 matching entry — Enter opens it",
                    "{n} matching entries — Enter opens one",
                    self.lang,
                )
                if n
                else tr("No entry matches this log.", self.lang)
            )
        )
        svc = kb_app(self).services
        options: list[Option | None] = []
        for i, d in enumerate(found):
            if i:
                options.append(None)
            entry = svc.get(d.id)
            label = Text()
            if entry is not None:
                label.append_text(kind_badge(entry.kind, self.lang))
                label.append(" ")
                title = entry.text(kb_app(self).lang).title
            else:
                title = getattr(d, "title", d.id)
            label.append(one_line(title, 200), style="bold")
            lines = list(getattr(d, "lines", []) or [])
            for n_line, line in lines[:MAX_LINES]:
                label.append(f"\n  {n_line:>5}: ", style="dim")
                label.append(one_line(line, 160))
            if len(lines) > MAX_LINES:
                label.append(
                    "\n  "
                    + tr_n(len(lines) - MAX_LINES, "… 1 more line", "… {n} more lines", self.lang),
                    style="dim",
                )
            options.append(Option(label, id=d.id))
        ol.add_options(options)
        if found:
            ol.highlighted = 0

    def action_results(self) -> None:
        ol = self.query_one("#diagnoses", OptionList)
        if ol.option_count:
            focus_now(ol)

    @on(OptionList.OptionSelected, "#diagnoses")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            kb_app(self).open_entry(event.option.id)

    def action_back(self) -> None:
        self.app.pop_screen()

"""The knowledge base's lint problems, one per row with file:line (F6, or the status line count).

The same problems `kb lint` reports (`kb.model.Problem`), gathered while the KB loaded. Enter
copies `file:line` so the file can be opened in an editor, locally or over ssh.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tui.i18n import tr
from tui.sanitize import one_line
from tui.shared import kb_app
from tui.widgets.footer import KbFooter


class ProblemsScreen(Screen[None]):
    """Every problem found while loading the knowledge base."""

    CSS_PATH = "problems.tcss"
    AUTO_FOCUS = "#problems-table"
    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("enter,y", "copy", "Copy"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        yield Header(icon="?")
        yield Static(id="problems-title", classes="title-line")
        yield DataTable(id="problems-table", cursor_type="row", zebra_stripes=True)
        yield KbFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _lang: self._fill(), init=True)

    @property
    def problems(self) -> list[Any]:
        return list(kb_app(self).services.problems())

    def _fill(self) -> None:
        lang = self.lang
        problems = self.problems
        title = Text(tr("Knowledge-base problems", lang), style="bold")
        title.append("\n")
        if problems:
            title.append(
                tr("{n} problems — Enter copies file:line", lang, n=len(problems)), style="dim"
            )
        else:
            title.append(tr("No problems: every file loaded.", lang), style="dim")
        self.query_one("#problems-title", Static).update(title)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column(tr("File", lang) + ":" + tr("Line", lang), key="where")
        table.add_column(tr("Problem", lang), key="message")
        for i, p in enumerate(problems):
            style = "bold red" if getattr(p, "severity", "error") == "error" else "yellow"
            table.add_row(
                Text(one_line(f"{p.path}:{p.line}", 200), style=style),
                Text(one_line(p.message, 300)),
                key=str(i),
            )

    def action_copy(self) -> None:
        table = self.query_one(DataTable)
        problems = self.problems
        if not problems or table.cursor_row is None:
            return
        p = problems[min(table.cursor_row, len(problems) - 1)]
        kb_app(self).copy_text(f"{p.path}:{p.line}", "file:line")

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_copy()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_back(self) -> None:
        self.app.pop_screen()

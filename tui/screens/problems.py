"""The knowledge base's lint problems, one per row with file:line (F6, or the status line count).

The same problems `kb lint` reports (`kb.model.Problem`), in its order: those found while the KB
loaded, and its signature warnings (`Services.lint_signatures`), which the app adds after loading;
opened before that, the screen adds them itself in a worker and says it is checking meanwhile.
Enter copies `file:line` so the file can be opened in an editor, locally or over ssh.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import tr, tr_n
from tui.sanitize import one_line
from tui.shared import kb_app
from tui.widgets.footer import KbFooter
from tui.widgets.header import KbHeader


class ProblemsScreen(Screen[None]):
    """Every problem found while loading the knowledge base."""

    CSS_PATH = "problems.tcss"
    AUTO_FOCUS = "#problems-table"
    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("y", "copy", "Copy"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        yield KbHeader(icon="?")
        yield Static(id="problems-title", classes="title-line")
        yield OptionList(id="problems-table")
        yield KbFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _lang: self._fill(), init=True)
        if not kb_app(self).services.problems_complete:
            self.complete()

    @work(thread=True, exclusive=True, group="lint")
    def complete(self) -> None:
        """The signature warnings (`kb lint`'s), when the app has not added them yet."""
        svc = kb_app(self).services
        svc.loaded.wait()
        svc.lint_signatures()
        self.app.call_from_thread(self._completed)

    def _completed(self) -> None:
        self._fill()
        kb_app(self).announce_problems()  # the status line under this screen counts them too

    @property
    def problems(self) -> list[Any]:
        return list(kb_app(self).services.problems())

    def _fill(self) -> None:
        lang = self.lang
        problems = self.problems
        title = Text(tr("Knowledge-base problems", lang), style="bold")
        title.append("\n")
        if not kb_app(self).services.problems_complete:
            title.append(
                tr_n(
                    len(problems),
                    "1 problem so far; checking the signatures…",
                    "{n} problems so far; checking the signatures…",
                    lang,
                )
            )
        elif problems:
            title.append(
                tr_n(
                    len(problems),
                    "1 problem — Enter copies file:line",
                    "{n} problems — Enter copies file:line",
                    lang,
                ),
                style="dim",
            )
        else:
            title.append(tr("No problems: every file loaded.", lang), style="dim")
        self.query_one("#problems-title", Static).update(title)
        table = self.query_one(OptionList)
        table.clear_options()
        options: list[Option | None] = []
        for i, p in enumerate(problems):
            if i:
                options.append(None)
            style = "bold red" if getattr(p, "severity", "error") == "error" else "bold yellow"
            label = Text(one_line(f"{p.path}:{p.line}", 300), style=style)
            # kb's words in the language shown (kb.words.Words), the file's values as typed
            label.append("\n  " + one_line(tr(p.message, lang), 500), style="")
            options.append(Option(label, id=str(i)))
        table.add_options(options)
        if problems:
            table.highlighted = 0

    def action_copy(self) -> None:
        table = self.query_one(OptionList)
        problems = self.problems
        if not problems or table.highlighted is None:
            return
        option_id = table.get_option_at_index(table.highlighted).id
        p = problems[int(option_id or 0)]
        kb_app(self).copy_text(f"{p.path}:{p.line}", "file:line")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_copy()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_back(self) -> None:
        self.app.pop_screen()

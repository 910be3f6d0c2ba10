"""Every key binding of the app, grouped by screen, built from the bindings themselves so it
cannot fall out of date."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.i18n import tr

ACTION_NAMES = {
    "choose": "Choose option 1-9",
    "toggle_lang": "中文 / English",
    "quit": "Quit",
    "move": "Move up / down",
    "focus_next": "Next field",
    "focus_previous": "Previous field",
}


# Textual's key names, as the keys are labelled (the footer shows them the same way)
KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "esc",
    "plus": "+",
    "minus": "-",
    "full_stop": ".",
    "comma": ",",
    "space": "space",
}


def _rows(bindings: list[Any], lang: str = "en") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for b in bindings:
        if not isinstance(b, Binding):
            b = Binding(*b)
        action = b.action.split("(")[0].removeprefix("app.").removeprefix("screen.")
        if action == "choose":
            if "choose" in seen:
                continue
            seen.add("choose")
            rows.append(("1 … 9", tr(ACTION_NAMES["choose"], lang)))
            continue
        desc = b.description or ACTION_NAMES.get(action) or action.replace("_", " ").capitalize()
        desc = tr(desc, lang)
        keys = ", ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in b.key.split(","))
        rows.append((keys, desc))
    return rows


def sections(
    app_bindings: Sequence[Any], lang: str = "en"
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help text's sections: the app's own bindings (handed in: this module does not import
    the app, which imports it), then each screen's."""
    from tui.screens.check_settings import CheckSettingsScreen
    from tui.screens.checks import ChecksScreen
    from tui.screens.doctor import DoctorScreen
    from tui.screens.entry import EntryScreen
    from tui.screens.filters import FilterScreen
    from tui.screens.home import HomeScreen
    from tui.screens.paste_log import PasteLogScreen
    from tui.screens.problems import ProblemsScreen
    from tui.screens.targets import TargetsScreen
    from tui.screens.tree import TreeScreen
    from tui.screens.triage import TriageScreen

    everywhere = _rows(list(app_bindings), lang) + [
        ("ctrl+p", tr("Command palette", lang)),
        ("ctrl+q", tr("Quit", lang)),
    ]
    out = [(tr("Everywhere", lang), everywhere)]
    for title, cls in (
        ("Search", HomeScreen),
        ("Filters dialog", FilterScreen),
        ("Entry", EntryScreen),
        ("Decision tree", TreeScreen),
        ("Checks", ChecksScreen),
        ("Doctor", DoctorScreen),
        ("Paste log", PasteLogScreen),
        ("Triage trees (ctrl+t)", TriageScreen),
        ("Targets", TargetsScreen),
        ("Where checks run dialog", CheckSettingsScreen),
        ("Problems", ProblemsScreen),
    ):
        out.append((tr(title, lang), _rows(list(cls.BINDINGS), lang)))
    return out


class HelpScreen(ModalScreen[None]):
    """Key bindings; Esc, q or F1 closes."""

    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,f1", "close", "Close")]

    def __init__(self, under: Screen | None = None) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        lang = str(getattr(self.app, "lang", "en"))
        text = Text()
        text.append(tr("kbtui — keys", lang) + "\n", style="bold")
        text.append(
            tr("Search: type words; filter inline with product:emqx kind:faq tag:clock.", lang)
            + "\n",
            style="dim",
        )
        text.append(
            tr("Paste a multi-line log into the search box to diagnose it.", lang) + "\n",
            style="dim",
        )
        for title, rows in sections(type(self.app).BINDINGS, lang):
            text.append(f"\n{title}\n", style="bold underline")
            for keys, desc in rows:
                text.append(f"  {keys:<18}", style="bold")
                text.append(f"{desc}\n")
        with VerticalScroll(id="help-box"):
            yield Static(text, id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)

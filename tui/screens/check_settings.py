"""Where checks run: a configured target and parameter overrides, like `kb check --target/--set`.

The settings apply to every check the TUI runs (tree nodes and the checks screen) until changed.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.sanitize import one_line
from tui.shared import kb_app


class CheckSettingsScreen(ModalScreen[bool]):
    """Two fields; Enter in the last one (or ctrl+s) applies after validation; Esc cancels."""

    CSS_PATH = "check_settings.tcss"
    BINDINGS = [Binding("ctrl+s", "apply", "Apply"), Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        svc = kb_app(self).services
        names = svc.target_names()
        params = " ".join(f"{k}={v}" for k, v in svc.overrides.items())
        with Vertical(id="dialog"):
            yield Static(Text("Where checks run", style="bold"))
            yield Label(
                Text(
                    "Target (a Docker host or broker from the config; empty: the default Docker host)"
                )
            )
            yield Input(
                svc.target or "",
                placeholder=", ".join(names) or "no targets configured (F8)",
                id="target",
            )
            yield Label(
                Text("Parameters, as NAME=VALUE separated by spaces (e.g. container=my-emqx)")
            )
            yield Input(params, placeholder="container=emqx", id="params")
            known = "Configured: " + (", ".join(one_line(n) for n in names) if names else "none")
            yield Static(Text(known, style="dim"), id="known")
            yield Static(id="settings-problems")

    def on_mount(self) -> None:
        self.query_one("#params", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "target":
            self.query_one("#params", Input).focus()
        else:
            self.action_apply()

    def action_apply(self) -> None:
        svc = kb_app(self).services
        problems = svc.set_check_settings(
            self.query_one("#target", Input).value, self.query_one("#params", Input).value
        )
        if problems:
            self.query_one("#settings-problems", Static).update(
                Text("\n".join(problems), style="bold red")
            )
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

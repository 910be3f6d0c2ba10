"""Where checks run: a target or a running container, and parameter overrides, for ONE entry.

The TUI's `kb check --target NAME --set k=v`, scoped to the entry (or tree) it was opened from:
setting `container=emqx-b` for one entry never changes where another entry's checks run. The
picker lists the configured Docker hosts and brokers and the running containers of the current
Docker host (loaded in a worker; an unreachable Docker only leaves the containers out).

Keys: focus starts on the list (its first target highlighted once loaded; with nothing to pick,
focus goes to the parameters); Tab / Shift+Tab go target field → list → parameters and round;
↑/↓ in a field go into the list; Enter on a target fills the target field, on a container sets
`container=NAME`; typing while the list has focus goes on in the parameters (as typing in the
search results goes on in the search box), so `p`, `container=x`, Enter still works.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import tr
from tui.sanitize import one_line
from tui.services import CheckContext, PickItem, format_params, split_params
from tui.shared import focus_now, kb_app
from tui.widgets.footer import KbFooter
from tui.wrap import Breakable, BreakableStatic


class PickList(OptionList):
    """The targets and containers; Enter uses the highlighted one (said in the footer)."""

    BINDINGS = [Binding("enter", "select", "Use")]

    def on_focus(self, event: events.Focus) -> None:
        # never focused with nothing highlighted: Enter would do nothing until an arrow key
        if self.highlighted is None:
            self.action_first()


class CheckSettingsScreen(ModalScreen[bool]):
    """Target, picker and parameters; Enter in the parameters (or ctrl+s) applies; Esc cancels."""

    CSS_PATH = "check_settings.tcss"
    # the list, once it has a target to pick; else the parameters (see _show_items)
    AUTO_FOCUS = "#pick, #params"
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply"),
        Binding("escape", "cancel", "Cancel"),
        Binding("tab", "app.focus_next", "Next field", priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
        # priority: moves focus before the next key is routed (tui.shared.focus_now)
        Binding("down", "into_list('down')", "Into the list", show=False, priority=True),
        Binding("up", "into_list('up')", "Into the list", show=False, priority=True),
    ]

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope
        self.items: list[PickItem] = []
        self.loaded = False

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        svc = kb_app(self).services
        lang = self.lang
        ctx: CheckContext = svc.context(self.scope)
        entry = svc.get(self.scope)
        title = entry.text(lang).title if entry is not None else self.scope
        params = format_params(ctx.overrides)
        # the dialog scrolls: at 80x24 with a long container list or a wrapped error it is taller
        # than the screen, and the focused field and its error must stay in view
        with VerticalScroll(id="dialog", can_focus=False):
            yield BreakableStatic(
                Breakable(
                    tr("Where checks run — {scope}", lang, scope=one_line(title, 60)), style="bold"
                )
            )
            yield BreakableStatic(
                Breakable(
                    tr(
                        "Target: a Docker host or broker from your config, or a running container. Empty: the check's own defaults.",
                        lang,
                    )
                ),
                classes="wrap",
            )
            yield Input(ctx.target or "", placeholder=tr("e.g. prod-docker", lang), id="target")
            yield PickList(id="pick")
            yield BreakableStatic(
                Breakable(tr("Parameters: NAME=VALUE separated by spaces", lang)), classes="wrap"
            )
            yield Input(
                params, placeholder=tr("e.g. container=my-emqx port=1883", lang), id="params"
            )
            yield BreakableStatic(id="settings-problems")
        yield KbFooter()

    def on_mount(self) -> None:
        pick = self.query_one("#pick", OptionList)
        pick.add_option(
            Option(Text(tr("Loading targets and containers…", self.lang)), disabled=True)
        )
        self.load_items()

    @work(thread=True, exclusive=True, group="pick")
    def load_items(self) -> None:
        items, unlisted = kb_app(self).services.pick_items()
        self.app.call_from_thread(self._show_items, items, unlisted)

    def _show_items(self, items: list[PickItem], unlisted: str | None = None) -> None:
        """The targets and containers; `unlisted` says why there are no containers (no daemon)."""
        self.items = items
        self.loaded = True
        lang = self.lang
        pick = self.query_one("#pick", OptionList)
        pick.clear_options()
        if unlisted is not None:
            # the picker has no containers because of the daemon, not because none runs
            if not items:
                pick.add_option(Option(Text(tr("no targets configured (F8)", lang)), disabled=True))
            note = tr("cannot list containers: {error}", lang, error=one_line(unlisted, 160))
            pick.add_option(Option(Breakable(note, style="bold red"), disabled=True))
        elif not items:
            pick.add_option(
                Option(
                    Text(tr("no targets configured (F8) and no running containers", lang)),
                    disabled=True,
                )
            )
        for i, item in enumerate(items):
            label = Breakable()
            label.append(f"{one_line(item.name, 40)}", style="bold")
            what = {
                "docker_host": tr("Docker host", lang),
                "broker": tr("broker", lang),
                "container": tr("container on {host}", lang, host=item.host or "local"),
            }[item.kind]
            label.append(f"  {what}", style="dim")
            if item.detail:
                label.append(f"  {one_line(item.detail, 40)}", style="dim")
            if item.problem:  # in the config but unusable: why, and not pickable
                label.append(
                    f"  {tr('unusable', lang)}: {one_line(item.problem, 120)}", style="red"
                )
            pick.add_option(Option(label, id=str(i), disabled=bool(item.problem)))
        if self._pickable():
            if pick.highlighted is None:
                pick.action_first()
        else:
            # nothing to pick: the list is skipped; focus on it goes to the parameters, as
            # typing there is what is left (before the screen's first focus, AUTO_FOCUS does)
            if pick.has_focus:
                self.query_one("#params", Input).focus()
            pick.can_focus = False

    def _pickable(self) -> bool:
        return any(not o.disabled for o in self.query_one("#pick", OptionList).options)

    def action_into_list(self, direction: str) -> None:
        """↑/↓ in a field: into the list (at its first target); with nothing to pick, ↓ from the
        target field goes to the parameters and ↑ from the parameters to the target field."""
        focused = self.focused
        if not isinstance(focused, Input):
            raise SkipAction()  # ↑/↓ in the list move in the list
        if self._pickable():
            focus_now(self.query_one("#pick", OptionList))
        elif direction == "down" and focused.id == "target":
            focus_now(self.query_one("#params", Input))
        elif direction == "up" and focused.id == "params":
            focus_now(self.query_one("#target", Input))
        else:
            raise SkipAction()

    def typing_target(self) -> Input | None:
        """Typing while the list has focus goes on in the parameters (`TypesIntoSearch`)."""
        if self.focused is not self.query_one("#pick", OptionList):
            return None
        return self.query_one("#params", Input)

    @on(OptionList.OptionSelected, "#pick")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        self.pick(self.items[int(event.option.id)])

    def pick(self, item: PickItem) -> None:
        """A target fills the target field; a container sets `container=NAME` in the parameters."""
        if item.kind == "container":
            params = self.query_one("#params", Input)
            try:
                items = split_params(params.value)
            except ValueError:  # a quote not closed: applying says so
                items = params.value.split()
            kept = [p for p in items if not p.startswith("container=")]
            # items go back as the field shows them (a value with spaces quoted)
            kept_text = [format_params({k: v}) for k, _, v in (p.partition("=") for p in kept)]
            params.value = " ".join([*kept_text, f"container={item.name}"])
        else:
            self.query_one("#target", Input).value = item.name
        self.query_one("#params", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "target":
            self.query_one("#params", Input).focus()
        else:
            self.action_apply()

    def action_apply(self) -> None:
        svc: Any = kb_app(self).services
        problems = svc.set_check_settings(
            self.scope,
            self.query_one("#target", Input).value,
            self.query_one("#params", Input).value,
            self.lang,
        )
        if problems:
            shown = self.query_one("#settings-problems", Static)
            shown.update(Breakable("\n".join(problems), style="bold red"))
            # below the field, which may be at the bottom of the screen: bring it into view
            self.call_after_refresh(shown.scroll_visible, animate=False)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

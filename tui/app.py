"""The kbtui Textual application: `kbtui` starts here (`tui.app:main`).

The app opens on the search screen at once and loads the knowledge base and its index in a worker,
so the search box takes keys before loading finishes. It owns the state every screen shares: the
`Services` seam to the core and the display language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from tui.services import Services

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


class KbApp(App[None]):
    """Search symptoms, read entries, walk decision trees and run checks."""

    TITLE = "kbtui"
    SUB_TITLE = "troubleshooting knowledge base"
    CSS_PATH = "app.tcss"

    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+l", "toggle_lang", "中文/EN"),
        Binding("ctrl+t", "trees", "Trees"),
        Binding("ctrl+g", "paste_log", "Paste log"),
        Binding("f7", "doctor", "Doctor"),
        Binding("f8", "targets", "Targets"),
        Binding("f9", "toggle_theme", "Light/dark", show=False),
    ]

    lang: reactive[str] = reactive("en")

    def __init__(
        self,
        services: Services | None = None,
        *,
        lang: str | None = None,
        kb_paths: Sequence[Path | str] = (),
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services if services is not None else Services(kb_paths)
        try:
            self.lang = Services.default_lang(lang)
        except Exception:  # kb.i18n not importable must not stop the app: English is always there
            self.lang = lang if lang in ("en", "zh") else "en"
        if theme:
            self.theme = theme

    # --- start-up ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if not self.services.loaded.is_set():
            self.load_kb()
        else:
            self.call_after_refresh(self._announce_loaded)

    @work(thread=True, exclusive=True, group="load")
    def load_kb(self) -> None:
        try:
            self.services.load()
        except Exception as exc:  # shown on the home screen as one line; the app stays usable
            self.services.state.error = f"could not load the knowledge base: {exc}"
            self.services.loaded.set()
        self.call_from_thread(self._announce_loaded)

    def _announce_loaded(self) -> None:
        from tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.kb_loaded()

    def on_unmount(self) -> None:
        self.services.close()

    # --- navigation ----------------------------------------------------------------------------
    def open_entry(self, entry_id: str) -> None:
        """Show an entry; a tree entry opens straight into its tree."""
        from tui.screens.entry import EntryScreen

        entry = self.services.get(entry_id)
        if entry is None:
            self.notify(
                f"No entry {entry_id!r} in this knowledge base", severity="warning", markup=False
            )
            return
        self.push_screen(EntryScreen(entry))

    def open_tree(self, entry_id: str) -> None:
        from tui.screens.tree import TreeScreen

        entry = self.services.get(entry_id)
        if entry is None or entry.tree is None:
            self.notify(f"{entry_id!r} has no decision tree", severity="warning", markup=False)
            return
        self.push_screen(TreeScreen(entry))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_trees(self) -> None:
        from tui.screens.triage import TriageScreen

        if not isinstance(self.screen, TriageScreen):
            self.push_screen(TriageScreen())

    def action_paste_log(self, text: str = "") -> None:
        from tui.screens.paste_log import PasteLogScreen

        if not isinstance(self.screen, PasteLogScreen):
            self.push_screen(PasteLogScreen(text))

    def action_doctor(self) -> None:
        from tui.screens.doctor import DoctorScreen

        if not isinstance(self.screen, DoctorScreen):
            self.push_screen(DoctorScreen())

    def action_targets(self) -> None:
        from tui.screens.targets import TargetsScreen

        if not isinstance(self.screen, TargetsScreen):
            self.push_screen(TargetsScreen())

    def action_check_settings(self) -> None:
        from tui.screens.check_settings import CheckSettingsScreen

        def applied(changed: bool | None) -> None:
            if changed:
                self.notify("Checks run on: " + self.services.settings_text(), markup=False)
                for screen in self.screen_stack:
                    hook = getattr(screen, "settings_changed", None)
                    if callable(hook):
                        hook()

        if not isinstance(self.screen, CheckSettingsScreen):
            self.push_screen(CheckSettingsScreen(), applied)

    def action_home(self) -> None:
        from tui.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_toggle_lang(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"
        self.notify("语言：中文" if self.lang == "zh" else "Language: English", timeout=1.5)

    def action_toggle_theme(self) -> None:
        self.theme = DARK_THEME if self.theme == LIGHT_THEME else LIGHT_THEME

    # --- command palette -----------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Search", "Go back to the search box", self.action_home)
        yield SystemCommand(
            "Triage trees", "Pick a decision tree to walk (ctrl+t)", self.action_trees
        )
        yield SystemCommand(
            "Paste log", "Find the entries a log excerpt matches (ctrl+g)", self.action_paste_log
        )
        yield SystemCommand(
            "Doctor",
            "Scan the configured Docker host(s) for known problems (F7)",
            self.action_doctor,
        )
        yield SystemCommand(
            "Targets", "View and edit Docker hosts and broker endpoints (F8)", self.action_targets
        )
        yield SystemCommand(
            "Where checks run",
            "Target and parameters for checks, like kb check --target/--set (p)",
            self.action_check_settings,
        )
        yield SystemCommand(
            "Language: English / 中文",
            "Switch the display language (ctrl+l)",
            self.action_toggle_lang,
        )
        yield SystemCommand(
            "Light / dark theme",
            "Switch between the dark and the light theme (F9)",
            self.action_toggle_theme,
        )
        yield SystemCommand("Help", "Every key binding (F1)", self.action_help)
        # screen-specific actions (filters, run checks, …) come from the screen itself
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            yield from extra()
        yield from super().get_system_commands(screen)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kbtui", description="Troubleshooting knowledge base in the terminal."
    )
    p.add_argument(
        "--kb",
        action="append",
        default=[],
        metavar="PATH",
        help="extra knowledge-base folder (repeatable)",
    )
    p.add_argument(
        "--lang", choices=["en", "zh"], help="display language (default: from the locale)"
    )
    p.add_argument("--light", action="store_true", help="start in the light theme")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    app = KbApp(kb_paths=args.kb, lang=args.lang, theme=LIGHT_THEME if args.light else None)
    try:
        app.run()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"kbtui: {exc} (run with --debug for the traceback)", file=sys.stderr)
        return 2
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())

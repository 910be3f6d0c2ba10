"""The kbtui Textual application: `kbtui` starts here (`tui.app:main`).

The app opens on the search screen at once and loads the knowledge base and its index in a worker,
so the search box takes keys before loading finishes. It owns the state every screen shares: the
`Services` seam to the core and the display language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.reactive import reactive
from textual.screen import Screen

from tui.i18n import tr
from tui.sanitize import one_line
from tui.services import Services
from tui.widgets.search_input import TypesIntoSearch

if TYPE_CHECKING:
    from textual.driver import Driver


class EntryCommands(Provider):
    """The command palette opens entries by title (English or Chinese) or id."""

    def _entries(self) -> list[Any]:
        services = getattr(self.app, "services", None)
        if services is None or not services.loaded.is_set():
            return []
        return sorted(services.entries.values(), key=lambda e: e.title.lower())

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app: Any = self.app
        for entry in self._entries():
            title = entry.text(app.lang).title
            for text in dict.fromkeys((title, entry.title, entry.id)):
                score = matcher.match(text)
                if score > 0:
                    yield Hit(
                        score,
                        matcher.highlight(one_line(text, 90)),
                        partial(app.open_entry, entry.id),
                        help=f"{tr(entry.kind, app.lang)} · {entry.id}",
                    )
                    break

    async def discover(self) -> Hits:
        app: Any = self.app
        for entry in app.services.recent(limit=5) if app.services.loaded.is_set() else []:
            yield DiscoveryHit(
                one_line(entry.text(app.lang).title, 90),
                partial(app.open_entry, entry.id),
                help=f"{tr(entry.kind, app.lang)} · {entry.id}",
            )


LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


class KbApp(App[None]):
    """Search symptoms, read entries, walk decision trees and run checks."""

    TITLE = "kbtui"
    SUB_TITLE = "troubleshooting knowledge base"
    CSS_PATH = "app.tcss"

    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("f2", "home", "Home", show=False),
        Binding("slash", "search", "Search", show=False),
        Binding("ctrl+l", "toggle_lang", "中文/EN"),
        Binding("ctrl+t", "trees", "Trees"),
        Binding("ctrl+g", "paste_log", "Paste log"),
        Binding("f6", "problems", "Problems", show=False),
        Binding("f7", "doctor", "Doctor"),
        Binding("f8", "targets", "Targets"),
        Binding("f9", "toggle_theme", "Light/dark", show=False),
    ]
    COMMANDS = App.COMMANDS | {EntryCommands}

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
        # the paste-log screen's text, kept when the screen closes (Esc, F2, /): ctrl+g brings it back
        self.paste_log_text = ""

    def get_driver_class(self) -> type[Driver]:
        # a paste holding escape sequences (a coloured log) arrives as one paste, never as keys;
        # it reads one of Textual's private modules: a Textual that moved it keeps its own driver
        driver = super().get_driver_class()
        try:
            from tui.terminal_input import paste_safe_driver
        except ImportError:
            return driver
        return paste_safe_driver(driver)

    # --- keys ----------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and event.is_printable:
            self._redirect_typing()
        await super().on_event(event)

    def _redirect_typing(self) -> None:
        """Before a printable key is routed to the focused widget: if the screen wants typing in
        its search box, focus the box now (not later), so the key goes there."""
        screen = self.screen
        if not isinstance(screen, TypesIntoSearch):
            return
        box = screen.typing_target()
        if box is None or box is self.focused:
            return
        screen.set_focus(box)
        box.cursor_position = len(box.value)

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
        try:
            self.services.warm()
        except Exception:  # noqa: BLE001 - the first search loads it again, or goes without
            pass
        # `kb lint`'s signature warnings, after the search is ready: the status line's count
        # grows to what `kb lint` says (F6 computes them itself if it opens first)
        try:
            self.services.lint_signatures()
        except Exception:  # noqa: BLE001 - F6 lists what loading found, and tries again
            return
        self.call_from_thread(self.announce_problems)

    def _announce_loaded(self) -> None:
        from tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.kb_loaded()

    def announce_problems(self) -> None:
        """The lint problems are complete (`Services.lint_signatures`): recount them."""
        from tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.problems_known()

    def on_unmount(self) -> None:
        self.services.close()

    def watch_lang(self, lang: str) -> None:
        self.sub_title = tr(self.SUB_TITLE, lang)

    def t(self, message: str, /, **fields: object) -> str:
        """`message` in the display language (the string table is tui/i18n.py)."""
        return tr(message, self.lang, **fields)

    # --- navigation ----------------------------------------------------------------------------
    def show(
        self,
        matches: Callable[[Screen[Any]], bool],
        make: Callable[[], Screen[Any]],
        then: Callable[[], None] | None = None,
    ) -> None:
        """Go back to a screen already in the stack that `matches`, else push `make()`; then
        call `then`.

        Keeps the stack shallow: opening the doctor, an entry or a tree that is already open under
        the current screen returns to it instead of stacking a second copy.
        """
        for i, screen in enumerate(self.screen_stack):
            if i and matches(screen):
                self.back_to(screen, then)
                return
        self.push_screen(make())
        if then is not None:
            then()

    def back_to(self, target: Screen[Any], then: Callable[[], None] | None = None) -> None:
        """Close the screens above `target`, then call `then`. A screen among them with unsaved
        changes (Targets) asks first, as its Esc does; "no" leaves everything as it was."""
        from tui.screens.confirm import ConfirmScreen

        above = self.screen_stack[self.screen_stack.index(target) + 1 :]

        def go() -> None:
            while target in self.screen_stack and self.screen is not target:
                self.pop_screen()
            if then is not None:
                then()

        if not any(getattr(s, "dirty", False) is True for s in above):
            go()
            return
        if isinstance(self.screen, ConfirmScreen):
            return  # already asking

        def answered(yes: bool | None) -> None:
            if yes:
                go()

        self.push_screen(ConfirmScreen(self.t("Discard unsaved changes to the targets?")), answered)

    def open_entry(self, entry_id: str, context: Any = None) -> None:
        """Show an entry. `context` (a `CheckContext`, e.g. from a doctor finding) scopes its checks."""
        from tui.screens.entry import EntryScreen

        entry = self.services.get(entry_id)
        if entry is None:
            self.notify(
                self.t("No entry {id!r} in this knowledge base", id=entry_id),
                severity="warning",
                markup=False,
            )
            return
        if context is not None:
            self.services.set_context(entry_id, context)
        self.services.opened(entry_id)
        self.show(
            lambda s: isinstance(s, EntryScreen) and s.entry.id == entry_id,
            lambda: EntryScreen(entry),
        )

    def open_tree(self, entry_id: str, context: Any = None) -> None:
        from tui.screens.tree import TreeScreen

        entry = self.services.get(entry_id)
        if entry is None or entry.tree is None:
            self.notify(
                self.t("{id!r} has no decision tree", id=entry_id), severity="warning", markup=False
            )
            return
        if context is not None:
            self.services.set_context(entry_id, context)
        self.services.opened(entry_id)
        self.show(
            lambda s: isinstance(s, TreeScreen) and s.entry.id == entry_id,
            lambda: TreeScreen(entry),
        )

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_trees(self) -> None:
        from tui.screens.triage import TriageScreen

        self.show(lambda s: isinstance(s, TriageScreen), TriageScreen)

    def action_paste_log(self, text: str = "") -> None:
        from tui.screens.paste_log import PasteLogScreen

        existing = next((s for s in self.screen_stack[1:] if isinstance(s, PasteLogScreen)), None)
        if existing is None:
            self.push_screen(PasteLogScreen(text or self.paste_log_text))
            return
        self.show(
            lambda s: s is existing,
            lambda: existing,
            (lambda: existing.set_text(text)) if text else None,
        )

    def action_doctor(self) -> None:
        from tui.screens.doctor import DoctorScreen

        self.show(lambda s: isinstance(s, DoctorScreen), DoctorScreen)

    def action_targets(self) -> None:
        from tui.screens.targets import TargetsScreen

        self.show(lambda s: isinstance(s, TargetsScreen), TargetsScreen)

    def action_problems(self) -> None:
        from tui.screens.problems import ProblemsScreen

        self.show(lambda s: isinstance(s, ProblemsScreen), ProblemsScreen)

    def action_check_settings(self, scope: str | None = None, kind: str | None = None) -> None:
        """Where the checks of `scope` run (default: the current screen's entry)."""
        from tui.screens.check_settings import CheckSettingsScreen

        if isinstance(self.screen, CheckSettingsScreen):
            return
        if scope is None:
            entry = getattr(self.screen, "entry", None)
            scope = getattr(entry, "id", None)
        if scope is None:
            return

        def applied(changed: bool | None) -> None:
            if changed:
                where = self.services.where_text(scope, kind, self.lang)
                self.notify(self.t("Checks run on: {where}", where=where), markup=False)
                for screen in self.screen_stack:
                    hook = getattr(screen, "settings_changed", None)
                    if callable(hook):
                        hook(scope)

        self.push_screen(CheckSettingsScreen(scope), applied)

    def action_home(self, then: Callable[[], None] | None = None) -> None:
        from tui.screens.home import HomeScreen

        homes = [s for s in self.screen_stack[1:] if isinstance(s, HomeScreen)]
        if homes:
            self.back_to(homes[-1], then)

    def action_search(self) -> None:
        """`/` from anywhere: back to the search box."""
        from tui.screens.home import HomeScreen

        def focus() -> None:
            if isinstance(self.screen, HomeScreen):
                self.screen.action_focus_search()

        self.action_home(focus)

    def action_toggle_lang(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"
        self.notify(
            self.t("Language: 中文" if self.lang == "zh" else "Language: English"), timeout=1.5
        )

    def copy_text(self, text: str, what: str) -> None:
        """Copy to the clipboard (OSC 52: works over ssh) and say what was copied."""
        self.copy_to_clipboard(text)
        # what was copied on a line of its own, whole: an entry id in a 40-cell toast at 80
        # columns broke across lines (`…-publishers-blo` / `cked`); app.tcss widens the toast
        # to hold the 60 characters shown
        shown = one_line(text, 60)
        self.notify(self.t("Copied {what}:\n{text}", what=self.t(what), text=shown), markup=False)

    async def action_quit(self) -> None:
        """ctrl+q: a screen with unsaved changes asks first (as Esc does there)."""
        from tui.screens.confirm import ConfirmScreen

        unsaved = [s for s in self.screen_stack if getattr(s, "dirty", False) is True]
        if not unsaved:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        if not isinstance(self.screen, ConfirmScreen):
            self.push_screen(
                ConfirmScreen(self.t("Quit and discard unsaved changes to the targets?")), answered
            )

    def action_toggle_theme(self) -> None:
        self.theme = DARK_THEME if self.theme == LIGHT_THEME else LIGHT_THEME

    # --- command palette -----------------------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        t = self.t
        yield SystemCommand(t("Search"), "Go back to the search box (/)", self.action_search)
        yield SystemCommand(
            t("Home"), "The search screen, with trees and recent entries (F2)", self.action_home
        )
        yield SystemCommand(
            t("Triage trees"), "Pick a decision tree to walk (ctrl+t)", self.action_trees
        )
        yield SystemCommand(
            t("Paste log"), "Find the entries a log excerpt matches (ctrl+g)", self.action_paste_log
        )
        yield SystemCommand(
            t("Doctor"), "Scan the Docker host(s) for known problems (F7)", self.action_doctor
        )
        yield SystemCommand(
            t("Targets"),
            "View and edit Docker hosts and broker endpoints (F8)",
            self.action_targets,
        )
        # always listed, as F6 always works: "no problems" is an answer too
        yield SystemCommand(
            t("Problems"), "The knowledge base's lint problems (F6)", self.action_problems
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
        yield SystemCommand(t("Help"), "Every key binding (F1)", self.action_help)
        # screen-specific actions (filters, run checks, …) come from the screen itself
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            yield from extra()
        yield SystemCommand(t("Quit"), "Quit kbtui (ctrl+q)", self.action_quit)


EPILOG = """\
main keys:
  type / paste    search as you type; a pasted multi-line log is diagnosed
  Down, Enter     move into the results, open one        /   search from anywhere
  t  c  p         entry: decision tree, checks, where checks run (target, container)
  y               copy (entry id, fix command, evidence) to the clipboard (works over ssh)
  Esc / q         back (Esc clears the search box first)  F2  home   ctrl+q  quit
  F1 help   ctrl+p palette   ctrl+t trees   ctrl+g paste log   F6 problems
  F7 doctor (live)   F8 targets   ctrl+l English/中文   F9 light/dark

examples:
  kbtui                          bundled KB + folders from the config and KB_PATH
  kbtui --kb ./our-runbooks      add your own entries (same id: yours wins)
  kbtui --lang zh                the whole app in Chinese
"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kbtui")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    from kb.cli.helpformat import HelpFormatter

    p = argparse.ArgumentParser(
        prog="kbtui",
        description="Troubleshooting knowledge base in the terminal.",
        epilog=EPILOG,
        # laid out, and said in Chinese under --lang zh or a zh locale, as `kb --help` is
        formatter_class=HelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"kbtui {_version()}")
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
    from kb.cli.parser_words import lang_asked, speaking

    argv = sys.argv[1:] if argv is None else list(argv)
    with speaking(lang_asked(argv)):  # a usage error or --help in the language asked for
        parser = build_parser()
        args = parser.parse_args(argv)
    from kb.cli.common import kb_arg_problem
    from kb.i18n import say

    for path in args.kb:
        problem = kb_arg_problem(path)
        if problem:
            lang = lang_asked(argv)
            said = say(problem.template, lang, **problem.fields)
            parser.exit(2, say("kbtui: {message}", lang, message=said) + "\n")
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

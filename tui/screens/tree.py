"""Walk a decision tree: one question at a time, checks answering what they can.

A node that names a check runs it in a worker; when the result arrives the option whose `when`
lists that status is pre-selected (focused and marked) and the evidence is shown. The user can
still pick any option with the number keys or the buttons. Back, restart and a breadcrumb of the
answers given keep the path visible.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static

from kb.model import Entry, Node
from tui.i18n import tr
from tui.sanitize import clean, one_line
from tui.shared import kb_app
from tui.widgets.badges import status_badge
from tui.widgets.footer import KbFooter
from tui.widgets.header import KbHeader
from tui.wrap import Breakable, BreakableStatic

MAX_EVIDENCE = 8


class KeyedButton(Button):
    """A one-line button "text  (k)": when it is too narrow the text is cut with "…", never the
    key hint (a long entry title took "(e)" off the end at 80 columns)."""

    def __init__(self, text: str, key: str, **kwargs: Any) -> None:
        self.text = text
        self.key_hint = f"  ({key})"
        super().__init__(Text(text + self.key_hint), **kwargs)

    def on_resize(self, event: events.Resize) -> None:
        width = self.content_size.width - 2 * self.styles.line_pad  # Button pads its line
        if width <= 0:
            return
        text = Text(self.text)
        text.truncate(max(width - len(self.key_hint), 1), overflow="ellipsis")
        label = text.plain + self.key_hint
        if str(self.label) != label:
            self.label = Text(label)


@dataclass
class Step:
    node: str
    choice: int  # index of the option taken


class TreeScreen(Screen[None]):
    """The decision tree of one entry (an incident's own tree or a triage tree)."""

    CSS_PATH = "tree.tcss"

    BINDINGS = [
        *[Binding(str(n), f"choose({n - 1})", show=False) for n in range(1, 10)],
        Binding("escape,q", "close", "Close"),
        Binding("b,backspace", "back", "Back"),
        Binding("r", "restart", "Restart"),
        Binding("e", "open_entry", "Entry"),  # short: the 80-column footer keeps f1 Help
        Binding("c", "checks", "Checks"),
        Binding("l", "app.toggle_lang", "中文/EN", show=False),
        Binding("p", "where", "Where"),
        Binding("y", "copy_fix", "Copy fix", show=False),
        Binding("j", "app.focus_next", "Down", show=False),
        Binding("k", "app.focus_previous", "Up", show=False),
    ]

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        assert entry.tree is not None
        self.entry = entry
        self.dtree = entry.tree
        self.node_id = self.dtree.start
        self.path: list[Step] = []
        # walks left by "Start over" (node, answers), newest last: `b` at the start returns to them
        self.before_restart: list[tuple[str, list[Step]]] = []
        self.results: dict[str, Any] = {}  # check ref -> CheckResult, so going back does not re-run
        self.suggested: int | None = None
        self.running: str | None = None  # check ref being run for the current node
        self._cancel = threading.Event()
        self._render_seq = 0
        self.option_buttons: list[Button] = []

    def compose(self) -> ComposeResult:
        yield KbHeader(icon="?")
        with VerticalScroll(id="tree-scroll"):
            yield Static(id="crumbs")
            yield BreakableStatic(id="prompt")
            yield BreakableStatic(id="check-panel")
            yield Vertical(id="options")
        yield KbFooter()

    def on_mount(self) -> None:
        # answers checks gave earlier in the session (same tree, same place) are kept
        self.results.update(kb_app(self).services.remembered(self.entry.id))
        self.watch(self.app, "lang", lambda _lang: self.show_node(), init=False)
        self.show_node()

    def on_unmount(self) -> None:
        self._cancel.set()

    @property
    def lang(self) -> str:
        return kb_app(self).lang

    @property
    def node(self) -> Node:
        return self.dtree.nodes[self.node_id]

    # --- rendering -----------------------------------------------------------------------------
    def show_node(self) -> None:
        self._render_seq += 1
        node = self.node
        texts = self.entry.node_text(node, self.lang)
        self.sub_title = one_line(self.entry.text(self.lang).title, 60)
        self.query_one("#crumbs", Static).update(self._crumbs())
        prompt = Breakable()
        if node.is_conclusion:
            prompt.append(tr("Conclusion", self.lang) + "\n", style="bold green")
            prompt.append(clean(texts["conclusion"]))
            if texts.get("fix"):
                prompt.append("\n\n")
                prompt.append(tr("Fix: ", self.lang), style="bold")
                prompt.append(clean(texts["fix"]))
            said = f"{texts.get('conclusion') or ''} {texts.get('fix') or ''}"
            if "kb check" in said or "--set" in said:
                # the entry speaks to CLI users; here the same thing is two keys away
                target = self._checks_entry()
                prompt.append("\n\n")
                prompt.append(
                    tr(
                        "In kbtui: p chooses the container or target, c runs the checks of {id}.",
                        self.lang,
                        id=target.id if target is not None else self.entry.id,
                    ),
                    style="bold",
                )
        else:
            prompt.append(clean(texts["question"]), style="bold")
        self.query_one("#prompt", Static).update(prompt)
        self.suggested = None
        self._build_options(node, texts)
        self._update_check_panel()
        if node.check and not node.is_conclusion:
            ref = node.check
            if ref in self.results:
                self._apply_result(ref, self.results[ref])
            else:
                self.running = ref
                self._update_check_panel()
                self.run_node_check(ref, self._render_seq)

    def _crumbs(self) -> Text:
        out = Text()
        out.append(one_line(self.entry.text(self.lang).title, 70), style="bold")
        for step in self.path:
            # the label in the language shown now: ctrl+l says the answers given again
            label = self.entry.node_text(self.dtree.nodes[step.node], self.lang)["options"]
            out.append(" › ", style="dim")
            out.append(one_line(label[step.choice], 40))
        if not self.path:
            out.append(" › start" if self.lang == "en" else " › 开始", style="dim")
        return out

    def _build_options(self, node: Node, texts: dict[str, Any]) -> None:
        # Buttons carry a `name`, not an id: the old ones are removed asynchronously, and ids would
        # clash with the new ones for a moment.
        box = self.query_one("#options", Vertical)
        box.remove_children()
        buttons: list[Button] = []
        self.option_buttons = []
        if node.is_conclusion:
            target = node.entry
            if target:
                other = kb_app(self).services.get(target)
                title = other.text(self.lang).title if other is not None else target
                text = tr("Open entry: ", self.lang) + one_line(title, 200)
                buttons.append(KeyedButton(text, "e", name="open-entry", variant="primary"))
            buttons.append(Button(Text(tr("Start over", self.lang) + "  (r)"), name="restart"))
            if self.path:
                buttons.append(Button(Text(tr("Back", self.lang) + "  (b)"), name="back"))
        else:
            for i, label in enumerate(texts["options"]):
                key = f"{i + 1}  " if i < 9 else "   "
                button = Button(Text(key + one_line(label, 70)), name=f"opt-{i}", classes="option")
                buttons.append(button)
                self.option_buttons.append(button)
        box.mount_all(buttons)
        if node.is_conclusion:
            # not a button: Enter takes every suggested answer on the way here, and one Enter too
            # many must not open another screen or wipe the walk ("Start over" is `r`)
            self.call_after_refresh(self.query_one("#tree-scroll").focus)
        elif buttons:
            self.focus_in_view(buttons[0])

    def focus_in_view(self, widget: Widget) -> None:
        """Focus `widget` once it is mounted and laid out, and then scroll it into view: the
        buttons are mounted and the check panel takes its new height (the evidence) in the
        refreshes after this call, so focusing at once left the option below the fold at 80x24."""

        def scroll() -> None:
            if widget.is_attached and widget.has_focus:
                widget.scroll_visible(animate=False, immediate=True)

        def focus() -> None:
            if widget.is_attached:
                widget.focus(scroll_visible=False)
                self.call_after_refresh(scroll)

        self.call_after_refresh(focus)

    def _update_check_panel(self) -> None:
        panel = self.query_one("#check-panel", Static)
        node = self.node
        if node.is_conclusion or not node.check:
            panel.update("")
            panel.display = False
            return
        panel.display = True
        ref = node.check
        resolved = kb_app(self).services.resolve_check(self.entry, ref)
        title = ref
        if resolved is not None:
            owner, spec = resolved
            title = owner.text(self.lang).check_titles.get(spec.id) or spec.title
        out = Breakable()
        result = self.results.get(ref)
        if result is None:
            out.append_text(status_badge("running", lang=self.lang))
            out.append(" " + one_line(title, 60))
            out.append("\n")
            out.append(
                "Checking… you can answer yourself at any time."
                if self.lang == "en"
                else "正在检查……也可以直接选择答案。",
                style="dim",
            )
        else:
            out.append_text(status_badge(result.status, lang=self.lang))
            out.append(f" {one_line(title, 60)}  ({result.duration:.2f}s)")
            out.append("\n")
            svc = kb_app(self).services
            where = svc.where_text(self.entry.id, getattr(result, "kind", None), self.lang)
            out.append(
                tr("on {where}  (p to change)", self.lang, where=one_line(where, 100)), style="dim"
            )
            out.append("\n")
            out.append(one_line(result.summary_in(self.lang), 200))
            for line in list(result.evidence)[:MAX_EVIDENCE]:
                out.append("\n  ")
                out.append(one_line(line, 150), style="dim")
            if self.suggested is not None:
                out.append("\n")
                msg = (
                    f"The check suggests option {self.suggested + 1}; press Enter to take it or choose another."
                    if self.lang == "en"
                    else f"检查结果建议选择 {self.suggested + 1}；按 Enter 确认，或选择其他答案。"
                )
                out.append(msg, style="bold")
        panel.update(out)

    # --- the check -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="tree-check")
    def run_node_check(self, ref: str, seq: int) -> None:
        svc = kb_app(self).services
        resolved = svc.resolve_check(self.entry, ref)
        if resolved is None:
            result = _missing_result(ref)
        else:
            owner, spec = resolved
            try:
                result = svc.run_check(owner, spec, cancel=self._cancel, scope=self.entry.id)
            except Exception as exc:  # the engine turns failures into `error`; this is the backstop
                result = _missing_result(ref, f"could not run: {exc}")
        if self._cancel.is_set():
            return
        self.app.call_from_thread(self._check_done, ref, result, seq)

    def _check_done(self, ref: str, result: Any, seq: int) -> None:
        self.results[ref] = result
        kb_app(self).services.remember(self.entry.id, ref, result)
        if self.node.check == ref and self.running == ref:
            self.running = None
            self._apply_result(ref, result)

    def _apply_result(self, ref: str, result: Any) -> None:
        self.running = None
        node = self.node
        self.suggested = node.option_for(result.status)
        for button in self.option_buttons:
            button.remove_class("-suggested")
        if self.suggested is not None and self.suggested < len(self.option_buttons):
            button = self.option_buttons[self.suggested]
            if button is not None:
                button.add_class("-suggested")
                label = self.entry.node_text(node, self.lang)["options"][self.suggested]
                mark = tr("← check: {status}", self.lang, status=tr(result.status, self.lang))
                button.label = Text(f"{self.suggested + 1}  {one_line(label, 60)}  {mark}")
                self.focus_in_view(button)
        self._update_check_panel()

    def settings_changed(self, scope: str | None = None) -> None:
        """The target or parameters of this tree changed: earlier answers no longer hold."""
        if scope not in (None, self.entry.id):
            return
        self.results.clear()
        if self.is_current:
            self.show_node()

    # --- moving --------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.name or ""
        if bid.startswith("opt-"):
            self.action_choose(int(bid[4:]))
        elif bid == "open-entry":
            self.action_open_entry()
        elif bid == "restart":
            self.action_restart()
        elif bid == "back":
            self.action_back()

    def action_choose(self, index: int) -> None:
        node = self.node
        if node.is_conclusion or not 0 <= index < len(node.options):
            return
        self.path.append(Step(node=node.id, choice=index))
        self.node_id = node.options[index].goto
        self.show_node()

    def action_back(self) -> None:
        if self.path:
            step = self.path.pop()
            self.node_id = step.node
        elif self.before_restart:  # back over a "Start over": the walk as it was
            self.node_id, self.path = self.before_restart.pop()
        else:
            return
        self.show_node()

    def action_restart(self) -> None:
        if self.path:
            self.before_restart.append((self.node_id, self.path))
            self.notify(tr("Started over: b goes back to where you were", self.lang))
        self.path = []
        self.node_id = self.dtree.start
        self.show_node()

    def action_open_entry(self) -> None:
        node = self.node
        if node.is_conclusion and node.entry:
            kb_app(self).open_entry(node.entry)

    def action_close(self) -> None:
        self.app.pop_screen()

    def _checks_entry(self) -> Entry | None:
        """The entry whose checks `c` opens: this one, else the one the conclusion names."""
        if self.entry.checks:
            return self.entry
        node = self.node
        if node.is_conclusion and node.entry:
            other = kb_app(self).services.get(node.entry)
            if other is not None and other.checks:
                return other
        return None

    def action_checks(self) -> None:
        from tui.screens.checks import ChecksScreen

        target = self._checks_entry()
        if target is None:
            return
        ctx = kb_app(self).services.context(self.entry.id)
        if target.id != self.entry.id and not ctx.is_default():
            # the place chosen on this tree travels to the entry it concludes with
            kb_app(self).services.set_context(target.id, ctx)
        kb_app(self).show(
            lambda s: isinstance(s, ChecksScreen) and s.entry.id == target.id,
            lambda: ChecksScreen(target),
        )

    def action_where(self) -> None:
        ref = self.node.check
        resolved = kb_app(self).services.resolve_check(self.entry, ref) if ref else None
        kind = resolved[1].kind if resolved else None
        kb_app(self).action_check_settings(self.entry.id, kind)

    def action_copy_fix(self) -> None:
        texts = self.entry.node_text(self.node, self.lang)
        fix = texts.get("fix") if self.node.is_conclusion else None
        if fix:
            kb_app(self).copy_text(clean(fix), "fix command")
        else:
            self.notify(tr("Nothing to copy here", self.lang), severity="warning")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_entry":
            return True if (self.node.is_conclusion and self.node.entry) else None
        if action == "back":
            return True if (self.path or self.before_restart) else None
        if action == "checks":
            return True if self._checks_entry() is not None else None
        return True


def _missing_result(ref: str, summary: str | None = None) -> Any:
    from kb.checks.base import CheckResult

    return CheckResult(
        check=ref,
        kind="?",
        title=ref,
        status="error",
        summary=summary or f"check {ref!r} not found",
        summary_zh=None if summary else f"找不到检查 {ref!r}",
    )

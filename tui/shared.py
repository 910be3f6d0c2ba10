"""Typed access to the state every screen shares through the app (services, language, navigation).

Screens reach the app as `self.app`, which Textual types as `App[Any]`; `kb_app(self)` gives them
the kbtui app's own surface instead, so screen code is type-checked without importing `tui.app`
(which imports the screens: a cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.widget import Widget

    from tui.services import CheckContext, Services


class KbAppApi(Protocol):
    """What screens use of `tui.app.KbApp`."""

    services: Services
    lang: str
    paste_log_text: str

    def open_entry(self, entry_id: str, context: CheckContext | None = None) -> None: ...

    def open_tree(self, entry_id: str, context: CheckContext | None = None) -> None: ...

    def action_paste_log(self, text: str = "") -> None: ...

    def show(
        self,
        matches: Callable[[Screen[Any]], bool],
        make: Callable[[], Screen[Any]],
        then: Callable[[], None] | None = None,
    ) -> None: ...

    def copy_text(self, text: str, what: str) -> None: ...

    def announce_problems(self) -> None: ...

    def action_check_settings(self, scope: str | None = None, kind: str | None = None) -> None: ...


def kb_app(node: DOMNode) -> KbAppApi:
    """The running kbtui app seen from a screen or widget."""
    return cast("KbAppApi", node.app)


def focus_now(widget: Widget) -> None:
    """Focus `widget` before the next key is routed. The app routes each key to the widget
    focused when it reads the key, and `Widget.focus()` moves focus only after the message
    queue: ↓↓↓ Enter typed fast in the search box highlighted the first result, not the third,
    and opened it. So a key that moves focus is a priority binding (run while the app reads
    that key, before it routes the next; it raises `SkipAction` where it does not apply) whose
    action focuses with this."""
    widget.screen.set_focus(widget)

"""The header: Textual's `Header`, whose title watcher survives its own children being gone.

Textual's `Header` watches the app's and the screen's title and sub-title and, on a change, looks
up its `HeaderTitle` child. A change that lands while the screen is being taken down (an entry
opened just as the app quits: the entry sets its sub-title when it mounts) runs after that child
was removed, and the lookup raised `NoMatches` out of the app (Textual 8.2.8 catches only
`NoScreen` there; seen once in CI under load). `KbHeader` installs the same watchers with both
caught.
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widget import Widget
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class KbHeader(Header):
    def _on_mount(self, event: Mount) -> None:
        async def set_title() -> None:
            try:
                self.query_one(HeaderTitle).update(self.format_title())
            except (NoScreen, NoMatches):
                pass  # the header is being taken down with its screen: nothing to show

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
        # Header's own handler would install its unguarded watchers as well: stop it, and run the
        # handler of the class above it (Widget: scrollbars) by hand
        event.prevent_default()
        Widget._on_mount(self, event)

"""The footer, in the app's language: Textual's `Footer` with each key's description translated."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.i18n import tr


class KbFooter(Footer):
    """Footer keys worded in `app.lang`; recomposes when the language changes."""

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _lang: self.recompose(), init=False)

    def compose(self) -> ComposeResult:
        lang = str(getattr(self.app, "lang", "en"))
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = tr(widget.description, lang)
            yield widget

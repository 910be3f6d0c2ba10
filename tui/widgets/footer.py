"""The footer, in the app's language: Textual's `Footer` with each key's description translated.

Textual lays the keys out in one row and lets the row run past the screen's edge, under the
command-palette key docked on the right; a wide (CJK) character cut there loses a cell and the
compositor blanks it, so the Chinese footer at 80 columns lost `目标` and the `命` of `命令面板`.
`KbFooter` shows only the keys that fit beside the palette key and hides the rest whole, from
the end of the row.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.i18n import tr


def key_cells(key: FooterKey) -> tuple[int, int]:
    """The cells `key` takes in the row (its text with the key's and description's padding, its
    own padding and border, its margins), and how many of them at its end are blank."""
    styles = key.styles
    text = key.render().plain
    blank = cell_len(text) - cell_len(text.rstrip(" ")) + styles.padding.right + styles.margin.right
    return cell_len(text) + styles.gutter.width + styles.margin.width, blank


class KbFooter(Footer):
    """Footer keys worded in `app.lang`; recomposes when the language changes."""

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._lang_changed, init=False)

    async def _lang_changed(self, _lang: str) -> None:
        # only the footer in sight: one under another screen is recomposed when its screen comes
        # back (Textual refreshes a resumed screen's bindings), so a language switch costs one
        # footer, not one per screen in the stack
        if self.screen is self.app.screen:
            await self.recompose()

    def compose(self) -> ComposeResult:
        lang = str(getattr(self.app, "lang", "en"))
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = tr(widget.description, lang)
            yield widget

    async def recompose(self) -> None:
        await super().recompose()
        self.fit()

    def on_resize(self, event: events.Resize) -> None:
        self.fit()

    def fit(self) -> None:
        """Show the keys that fit in the footer's width beside the palette key; hide the others."""
        keys = [w for w in self.query_children(FooterKey) if not w.has_class("-command-palette")]
        palette = [w for w in self.query_children(FooterKey) if w.has_class("-command-palette")]
        room = self.size.width - sum(key_cells(w)[0] for w in palette)
        used = 0
        fits = True
        for key in keys:
            cells, blank = key_cells(key)
            used += cells
            # the palette key may cover the blank after the last label, never a character of it
            fits = fits and used - blank <= room
            key.display = fits

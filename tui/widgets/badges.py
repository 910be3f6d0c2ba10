"""Small coloured labels (kind, product, check status) built as Rich `Text`, never from markup."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from kb.cli.linebreak import NBSP
from tui.i18n import tr
from tui.sanitize import one_line

KIND_STYLE = {
    "incident": "bold #ffffff on #b03a2e",
    "faq": "bold #ffffff on #1f618d",
    "tree": "bold #ffffff on #1e8449",
}
STATUS_STYLE = {
    "pass": "bold #ffffff on #1e8449",
    "warn": "bold #000000 on #f1c40f",
    "fail": "bold #ffffff on #b03a2e",
    "error": "bold #ffffff on #7d3c98",
    "skip": "bold #ffffff on #5d6d7e",
    "pending": "#808080",
    "running": "bold #000000 on #5dade2",
    "cancelled": "#808080",
}
STATUS_ICON = {
    "pass": "✔",
    "warn": "!",
    "fail": "✘",
    "error": "?",
    "skip": "–",
    "pending": "·",
    "running": "…",
    "cancelled": "×",
}
PRODUCT_STYLE = "bold #000000 on #a9cce3"
TAG_STYLE = "italic"


# a badge padded with a no-break space is one piece to `tui.wrap`, never split across lines
# (the entry's head wraps; a list's one-line label does not need it)


def _glued(text: str, glue: bool) -> str:
    return text.replace(" ", NBSP) if glue else text


def kind_badge(kind: str, lang: str = "en", *, glue: bool = False) -> Text:
    """` incident `; in Chinese ` 故障 ` (an unknown kind as written)."""
    label = _glued(f" {one_line(tr(kind, lang))} ", glue)
    return Text(label, style=KIND_STYLE.get(kind, "reverse"))


def product_badges(
    products: tuple[str, ...] | list[str], limit: int = 4, *, glue: bool = False
) -> Text:
    """` emqx   docker ` (`+2` for more than `limit`); with `glue`, each badge is one piece a
    line breaks around, never inside."""
    out = Text()
    for i, p in enumerate(products[:limit]):
        if i:
            out.append(" ")
        out.append(_glued(f" {one_line(p)} ", glue), style=PRODUCT_STYLE)
    if len(products) > limit:
        out.append(f" +{len(products) - limit}")
    return out


def tag_text(tags: tuple[str, ...] | list[str]) -> Text:
    return Text(" ".join(f"#{one_line(t)}" for t in tags), style=TAG_STYLE)


def status_badge(status: str, width: int = 9, lang: str = "en", *, glue: bool = False) -> Text:
    """` ✔ pass ` padded to `width` cells (a Chinese status word is two cells per character)."""
    label = f"{STATUS_ICON.get(status, ' ')} {tr(status, lang)}"
    pad = max(0, width - 2 - cell_len(label))
    return Text(_glued(f" {label}{' ' * pad} ", glue), style=STATUS_STYLE.get(status, ""))

"""Markdown to HTML for the site, safely.

Entries are written by many people and may come from user KB folders, so the renderer treats them
as untrusted: raw HTML is escaped (markdown-it `html: False`), link targets are limited to
http(s), mailto and relative URLs, and images pointing elsewhere become plain links (the site
makes no external requests).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Control characters and whitespace that browsers ignore inside a scheme ("java\tscript:").
_STRIP = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str) -> bool:
    """True if `url` is http(s), mailto or relative (no scheme)."""
    cleaned = _STRIP.sub("", url)
    if cleaned.startswith("//"):
        return False  # protocol-relative: an external request in disguise
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    if not scheme:
        # "a:b" without a scheme-looking prefix is still relative; reject anything with a colon
        # before the first slash that urlsplit did not call a scheme.
        head = cleaned.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        return ":" not in head
    return scheme in SAFE_SCHEMES


def _is_external(url: str) -> bool:
    return bool(urlsplit(_STRIP.sub("", url)).scheme)


@lru_cache(maxsize=1)
def _md() -> Any:
    from collections.abc import Sequence

    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict
    from mdit_py_plugins.anchors import anchors_plugin

    class SafeMarkdownIt(MarkdownIt):
        def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
            return safe_url(url)

    md = SafeMarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=_slug)
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    default_image = renderer.rules["image"]

    def image(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        if _is_external(src):
            # Render the picture as a link: loading it would be a request to another site.
            from markupsafe import escape

            alt = "".join(t.content for t in (token.children or [])) or src
            return f'<a href="{escape(src)}" rel="noopener noreferrer">{escape(alt)}</a>'
        return default_image(tokens, idx, options, env)

    md.add_render_rule("image", image)

    def link_open(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        if _is_external(str(token.attrGet("href") or "")):
            token.attrSet("rel", "noopener noreferrer")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower(), flags=re.UNICODE)
    return re.sub(r"\s+", "-", slug) or "section"


def markdown(text: str) -> str:
    """Render a block of Markdown (an entry body, a fix) to safe HTML."""
    return _md().render(text or "")


def markdown_inline(text: str) -> str:
    """Render one line of Markdown (a conclusion, a question) without a surrounding paragraph."""
    return _md().renderInline(text or "")


def plain_text(text: str) -> str:
    """The text of a Markdown block without markup, for search records and descriptions."""
    out: list[str] = []
    for token in _md().parse(text or ""):
        if token.type == "inline":
            out.extend(child.content for child in token.children or [] if child.content)
        elif token.type in ("fence", "code_block"):
            out.append(token.content)
    return "\n".join(out)

"""Markdown to HTML for the site, safely.

Entries are written by many people and may come from user KB folders, so the renderer treats them
as untrusted: raw HTML is escaped (markdown-it `html: False`), link targets are limited to
http(s), mailto and relative URLs, and images pointing elsewhere become plain links (the site
makes no external requests).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

Linker = Callable[[str], "str | None"]  # entry id -> URL of its page (None: not an entry)
# Entry ids are kebab-case with at least two hyphens; anything else is never looked up.
_ID_WORD = re.compile(r"(?<![\w/.-])([a-z0-9]+(?:-[a-z0-9]+){2,})(?![\w/-]|\.\w)")
# Fence languages that entries use, mapped to Pygments lexer names; unknown ones stay plain.
_LEXERS = {
    "sh": "bash",
    "shell": "bash",
    "bash": "bash",
    "console": "console",
    "yaml": "yaml",
    "yml": "yaml",
    "json": "json",
    "ini": "ini",
    "conf": "ini",
    "toml": "toml",
    "erlang": "erlang",
    "python": "python",
    "py": "python",
    "go": "go",
    "java": "java",
    "xml": "xml",
    "sql": "sql",
    "dockerfile": "docker",
    "docker": "docker",
    "nginx": "nginx",
    "text": "",
    "log": "",
}


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


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
    from markupsafe import escape
    from mdit_py_plugins.anchors import anchors_plugin

    class SafeMarkdownIt(MarkdownIt):
        def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
            return safe_url(url)

    md = SafeMarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=_slug)
    md.core.ruler.push("kb_entry_links", _link_entry_ids)
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    default_image = renderer.rules["image"]

    def fence(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        info = (token.info or "").strip()
        lang = info.split(maxsplit=1)[0].lower() if info else ""
        code = highlight(token.content, lang)
        cls = f' class="language-{escape_attr(lang)}"' if lang else ""
        # tabindex: a block that scrolls sideways must be reachable with the keyboard
        return f'<pre tabindex="0"><code{cls}>{code}</code></pre>\n'

    def code_block(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f'<pre tabindex="0"><code>{escape(tokens[idx].content)}</code></pre>\n'

    def heading_close(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        open_token = tokens[idx - 2] if idx >= 2 else None
        hid = open_token.attrGet("id") if open_token is not None else None
        out = self.renderToken(tokens, idx, options, env)
        if hid and env.get("permalink"):
            label = escape_attr(env["permalink"])
            href = escape_attr(str(hid))
            return f'<a class="permalink" href="#{href}" aria-label="{label}">#</a>' + out
        return out

    def code_inline(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        html = f"<code>{escape(token.content)}</code>"
        linker = env.get("linker")
        if linker is not None and not env.get("_in_link"):
            url = linker(token.content.strip())
            if url:
                return f'<a class="entry-ref" href="{escape(url)}">{html}</a>'
        return html

    def table_open(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        # a wide table scrolls inside its own box, which the keyboard can reach
        return '<div class="table-wrap" tabindex="0">' + self.renderToken(tokens, idx, options, env)

    def table_close(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return self.renderToken(tokens, idx, options, env) + "</div>\n"

    def image(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        if _is_external(src):
            # Render the picture as a link: loading it would be a request to another site.
            alt = "".join(t.content for t in (token.children or [])) or src
            return f'<a href="{escape(src)}" rel="noopener noreferrer">{escape(alt)}</a>'
        return default_image(tokens, idx, options, env)

    def link_open(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        if _is_external(str(token.attrGet("href") or "")):
            token.attrSet("rel", "noopener noreferrer")
        env["_in_link"] = env.get("_in_link", 0) + 1
        return self.renderToken(tokens, idx, options, env)

    def link_close(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        env["_in_link"] = max(0, env.get("_in_link", 0) - 1)
        return self.renderToken(tokens, idx, options, env)

    for name, rule in (
        ("fence", fence),
        ("code_block", code_block),
        ("heading_close", heading_close),
        ("code_inline", code_inline),
        ("table_open", table_open),
        ("table_close", table_close),
        ("image", image),
        ("link_open", link_open),
        ("link_close", link_close),
    ):
        md.add_render_rule(name, rule)
    return md


def escape_attr(value: str) -> str:
    from markupsafe import escape

    return str(escape(value))


def _link_entry_ids(state: Any) -> None:
    """Bare entry ids in text become links to their pages (never inside an existing link)."""
    linker = state.env.get("linker")
    if linker is None:
        return
    from markdown_it.token import Token

    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        out: list[Any] = []
        depth = 0
        for tok in block.children:
            if tok.type == "link_open":
                _entry_href(tok, linker)
                depth += 1
            elif tok.type == "link_close":
                depth -= 1
            if tok.type != "text" or depth > 0 or "-" not in tok.content:
                out.append(tok)
                continue
            pos = 0
            text = tok.content
            for m in _ID_WORD.finditer(text):
                url = linker(m.group(1))
                if not url:
                    continue
                if m.start() > pos:
                    out.append(_text(Token, text[pos : m.start()]))
                link = Token("link_open", "a", 1)
                link.attrs = {"href": url, "class": "entry-ref"}
                out += [link, _text(Token, m.group(1)), Token("link_close", "a", -1)]
                pos = m.end()
            if pos == 0:
                out.append(tok)
            elif pos < len(text):
                out.append(_text(Token, text[pos:]))
        block.children = out


_MD_HREF = re.compile(r"(?:\./)?([a-z0-9][a-z0-9-]*)(?:\.[a-z]{2})?\.md(#[\w-]*)?")


def _entry_href(tok: Any, linker: Linker) -> None:
    """A Markdown link to another entry's file (`[text](other-id.md)`, as entries link each
    other for readers of the files) points at that entry's page, wherever the link is."""
    m = _MD_HREF.fullmatch(str(tok.attrGet("href") or ""))
    url = linker(m.group(1)) if m else None
    if m and url:
        tok.attrSet("href", url + (m.group(2) or ""))


def _text(token_cls: Any, content: str) -> Any:
    t = token_cls("text", "", 0)
    t.content = content
    return t


@lru_cache(maxsize=64)
def _lexer(name: str) -> Any:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=1)
def _formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


def highlight(code: str, lang: str) -> str:
    """`code` as HTML, coloured by Pygments at export time when `lang` is one it knows."""
    from markupsafe import escape

    name = _LEXERS.get(lang, lang)
    lexer = _lexer(name) if name else None
    if lexer is None:
        return str(escape(code))
    from pygments import highlight as _highlight

    html: str = _highlight(code, lexer, _formatter())
    return html


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower(), flags=re.UNICODE)
    return re.sub(r"\s+", "-", slug) or "section"


def markdown(text: str, linker: Linker | None = None) -> str:
    """Render a block of Markdown (an entry body, a fix) to safe HTML."""
    return str(_md().render(text or "", {"linker": linker}))


def markdown_with_toc(
    text: str,
    linker: Linker | None = None,
    permalink: str = "",
    reserved: frozenset[str] = frozenset(),
) -> tuple[str, list[Heading]]:
    """An entry body as HTML with heading permalinks, and its h2/h3 headings for a contents list.

    `reserved`: ids the page uses elsewhere; a heading that would take one gets a suffix.
    """
    md = _md()
    env: dict[str, Any] = {"linker": linker, "permalink": permalink}
    tokens = md.parse(text or "", env)
    headings: list[Heading] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and str(tok.attrGet("id") or "") in reserved:
            tok.attrSet("id", f"{tok.attrGet('id')}-section")
        if tok.type == "heading_open" and tok.attrGet("id"):
            inline = tokens[i + 1]
            words = "".join(c.content for c in inline.children or [] if c.content)
            headings.append(Heading(int(tok.tag[1]), str(tok.attrGet("id")), words))
    return str(md.renderer.render(tokens, md.options, env)), headings


def markdown_inline(text: str, linker: Linker | None = None) -> str:
    """Render one line of Markdown (a conclusion, a question) without a surrounding paragraph."""
    return str(_md().renderInline(text or "", {"linker": linker}))


def plain_inline(text: str) -> str:
    """One line of Markdown as plain text (meta descriptions, titles): `code` loses its ticks."""
    return " ".join(plain_text(text).split())


def plain_text(text: str) -> str:
    """The text of a Markdown block without markup, for search records and descriptions."""
    out: list[str] = []
    for token in _md().parse(text or ""):
        if token.type == "inline":
            out.extend(child.content for child in token.children or [] if child.content)
        elif token.type in ("fence", "code_block"):
            out.append(token.content)
    return "\n".join(out)

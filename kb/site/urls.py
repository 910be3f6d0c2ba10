"""Where every page of the static site lives, and relative links between them.

Page paths are relative to the site root and always use '/'. They are part of the site's public
contract: alert runbook links point at `entries/<id>.html` (and `zh/entries/<id>.html`), so these
functions must not change their output.
"""

from __future__ import annotations

import re

LANG_PREFIX = {"en": "", "zh": "zh/"}
PAGE_SIZE = 100  # entries per product or tag page
_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")


# Characters a URL may hold as they are (RFC 3986 unreserved, reserved and "%" of an escape).
_URL_SAFE = "/:@!$&'()*+,;=%-._~?#[]"


def ascii_url(url: str) -> str:
    """`url` in RFC 3986 form, as the sitemap protocol wants it: the host in IDNA (punycode,
    `例子.测试` -> `xn--fsqu00a.xn--0zwm56d`) and every other non-ASCII character
    percent-encoded as UTF-8 (`/知识库/` -> `/%E7%9F%A5%E8%AF%86%E5%BA%93/`). Escapes already there
    are kept. `url` has passed `kb export`'s --base-url check (a valid host, no space or quote)."""
    from urllib.parse import quote, urlsplit, urlunsplit

    if url.isascii():
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    host = parts.hostname or ""
    if host and not host.isascii():
        ascii_host = host.encode("idna").decode("ascii")
        netloc = ascii_host + (f":{parts.port}" if parts.port is not None else "")
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            quote(parts.fragment, safe=_URL_SAFE),
        )
    )


def slug(value: str) -> str:
    """A file-name-safe form of a product, tag or node id (they are slugs already when valid)."""
    s = _SAFE_NAME.sub("-", value.lower()).strip("-.")
    return s or "x"


def home_path(lang: str) -> str:
    return LANG_PREFIX[lang] + "index.html"


def search_path(lang: str) -> str:
    return LANG_PREFIX[lang] + "search.html"


def not_found_path(lang: str) -> str:
    return "404.html" if lang == "en" else LANG_PREFIX[lang] + "404.html"


def entry_path(entry_id: str, lang: str) -> str:
    return f"{LANG_PREFIX[lang]}entries/{entry_id}.html"


def _paged(base: str, page: int) -> str:
    return f"{base}.html" if page <= 1 else f"{base}-{page}.html"


def product_path(product: str, lang: str, page: int = 1) -> str:
    return _paged(f"{LANG_PREFIX[lang]}products/{slug(product)}", page)


def products_path(lang: str) -> str:
    return f"{LANG_PREFIX[lang]}products/index.html"


def tag_path(tag: str, lang: str, page: int = 1) -> str:
    return _paged(f"{LANG_PREFIX[lang]}tags/{slug(tag)}", page)


def tags_path(lang: str) -> str:
    return f"{LANG_PREFIX[lang]}tags/index.html"


def node_path(entry_id: str, node_id: str, lang: str) -> str:
    return f"{LANG_PREFIX[lang]}trees/{entry_id}/{slug(node_id)}.html"


def rel(from_page: str, to: str) -> str:
    """Relative URL from one site page to another path (keeps '#fragment').

    Pure string work on clean site paths (no '..', no leading '/'): posixpath.relpath calls
    os.getcwd() twice per link, which was a tenth of a 10 000-entry export.
    """
    path, _, frag = to.partition("#")
    from_dirs = from_page.split("/")[:-1]
    if not path:
        out = from_page.rsplit("/", 1)[-1]
    else:
        parts = path.split("/")
        to_dirs = parts[:-1]
        i = 0
        while i < len(from_dirs) and i < len(to_dirs) and from_dirs[i] == to_dirs[i]:
            i += 1
        out = "../" * (len(from_dirs) - i) + "/".join(parts[i:])
    return out + ("#" + frag if frag else "")


class Links:
    """URL helpers for templates, relative to the page being rendered."""

    def __init__(self, page: str, lang: str) -> None:
        self.page, self.lang = page, lang
        # "./" rather than "" so that scripts can join paths onto it without special cases.
        self.root = "../" * page.count("/") or "./"

    def to(self, path: str) -> str:
        return rel(self.page, path)

    def static(self, name: str) -> str:
        return rel(self.page, "static/" + name)

    def home(self) -> str:
        return rel(self.page, home_path(self.lang))

    def search(self) -> str:
        return rel(self.page, search_path(self.lang))

    def entry(self, entry_id: str, anchor: str = "") -> str:
        return rel(self.page, entry_path(entry_id, self.lang) + (f"#{anchor}" if anchor else ""))

    def product(self, p: str, page: int = 1) -> str:
        return rel(self.page, product_path(p, self.lang, page))

    def products(self) -> str:
        return rel(self.page, products_path(self.lang))

    def tag(self, t: str, page: int = 1) -> str:
        return rel(self.page, tag_path(t, self.lang, page))

    def tags(self) -> str:
        return rel(self.page, tags_path(self.lang))

    def node(self, entry_id: str, node_id: str) -> str:
        return rel(self.page, node_path(entry_id, node_id, self.lang))

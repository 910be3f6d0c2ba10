"""Which language to show: `--lang` first, then the locale (LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import os

SUPPORTED = ("en", "zh")


def normalise(value: str | None) -> str | None:
    """'zh_CN.UTF-8', 'zh-Hans', '中文' -> 'zh'; 'en_US' -> 'en'; unknown or empty -> None."""
    if not value:
        return None
    v = value.strip().lower()
    if v.startswith("zh") or v in ("中文", "cn", "chinese"):
        return "zh"
    if v.startswith("en") or v in ("c", "posix", "english") or v.startswith("c."):
        return "en"
    return None


def pick_lang(explicit: str | None = None) -> str:
    """The language to show. An explicit choice wins; then the first locale variable that is set."""
    chosen = normalise(explicit)
    if chosen:
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return normalise(value) or "en"
    return "en"

"""Whoosh modules the search path imports but never uses, loaded only if something uses them.

`whoosh.query.terms` imports `whoosh.lang.morph_en` (English word variations, for Whoosh's
`Variations` query) at module level; building its tables costs ~8-10 ms of every `kb search`
process, and indexer never builds a `Variations` query. `defer()` puts a stand-in for it in
`sys.modules` whose `variations` loads the real module on first call.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

MORPH_EN = "whoosh.lang.morph_en"


def defer() -> None:
    if MORPH_EN in sys.modules:
        return
    stand_in = ModuleType(MORPH_EN)
    stand_in.__doc__ = "Stand-in: the real module is loaded on first use (indexer.lazy)."
    real: list[Any] = []

    def variations(word: str) -> Any:
        if not real:
            import importlib

            if sys.modules.get(MORPH_EN) is stand_in:
                del sys.modules[MORPH_EN]
            real.append(importlib.import_module(MORPH_EN).variations)
        return real[0](word)

    stand_in.variations = variations  # type: ignore[attr-defined]
    sys.modules[MORPH_EN] = stand_in

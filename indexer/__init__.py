"""Everything Whoosh: schema, analyzers, index build/update and queries. Returns plain objects.

    from indexer import open_index, search, Hit
    idx = open_index(sources, progress=None)      # incremental update, then open
    hits = idx.search("monotonic time", product=None, tag=None, kind=None, limit=20)

Importing this package is cheap: Whoosh and the loader are imported on first use (the names below
resolve lazily), so `kb` commands that never search pay nothing for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.hit import Hit
    from indexer.index import KBIndex, search
    from indexer.store import IndexBusy
    from indexer.update import open_index

__all__ = ["Hit", "IndexBusy", "KBIndex", "SCHEMA_VERSION", "open_index", "search"]

_WHERE = {
    "Hit": "indexer.hit",
    "KBIndex": "indexer.index",
    "open_index": "indexer.update",
    "search": "indexer.index",
    "IndexBusy": "indexer.store",
    "SCHEMA_VERSION": "indexer.schema",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

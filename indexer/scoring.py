"""BM25F with document lengths held in memory.

Whoosh's scorer looks up a document's field length with a seek and a read of the length column
for every posting it scores; on common words that is most of a query's time. Each segment's
length column is read once (a few ms for 10 000 entries) and kept while the searcher lives.
"""

from __future__ import annotations

from typing import Any

from whoosh.scoring import BM25F


def _length_table(reader: Any, fieldname: str) -> Any:
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if col is None:
            return None
        return [byte_to_length(b) or 1 for b in col.load()]
    except (ImportError, AttributeError):  # another codec: keep Whoosh's own lookup
        return None


class CachedBM25F(BM25F):
    def __init__(self, B: float = 0.75, K1: float = 1.2, **kwargs: float) -> None:
        super().__init__(B=B, K1=K1, **kwargs)
        self._tables: dict[tuple[int, str], Any] = {}
        self._uses: dict[tuple[int, str], int] = {}

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        s = super().scorer(searcher, fieldname, text, qf=qf)
        if hasattr(s, "dfl"):
            reader = searcher.reader()
            key = (id(reader), fieldname)
            table = self._tables.get(key)
            # Loading a table costs ~2 ms per 5 000 entries; a lookup through Whoosh ~10 us. So
            # a rare word in a one-shot `kb search` does without; a common word, or a second
            # query in the same process, loads it.
            if table is None and key not in self._tables:
                self._uses[key] = self._uses.get(key, 0) + 1
                if self._uses[key] >= 2 or reader.doc_frequency(fieldname, text) > 300:
                    table = self._tables[key] = _length_table(reader, fieldname)
            if table is not None:
                s.dfl = table.__getitem__
        return s

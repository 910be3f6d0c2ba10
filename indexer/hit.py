"""The plain result object handed out by the indexer (never a Whoosh object)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Hit:
    """One search result.

    `snippet` is plain text; `highlights` are `(start, end)` character spans into it where query
    terms matched. `title_zh` is the Chinese title when the entry has a translation.
    """

    id: str
    kind: str
    title: str
    title_zh: str | None
    score: float
    path: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    products: tuple[str, ...]
    tags: tuple[str, ...]
    # True when the entry's signature regex matched the query (a pasted log line)
    signature_match: bool = False
    # True for a best match (an answer), False for related reading; see docs/search.md
    confident: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["highlights"] = [list(s) for s in self.highlights]
        d["products"] = list(self.products)
        d["tags"] = list(self.tags)
        d["score"] = round(self.score, 4)
        return d

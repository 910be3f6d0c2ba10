"""The Whoosh schema, its analyzers, and the mapping from an Entry to an index document.

Two indexed text fields hold all of an entry's text, in both languages:

* `text`: Latin words (stemmed), frequencies only;
* `cjk`: CJK character bigrams, with positions (phrase queries need them; Latin words do not,
  and positions are what make Whoosh slow to write).

Sections and weights: signatures, symptoms and title above summary above body. All sections go
into the same two fields, each token carrying its section's weight (Whoosh sums token boosts into
the posting weight): BM25F's weighted term frequency, with one posting list per query word
instead of one per (field, word). Whoosh scores postings in Python, so this is what keeps a
query on 10 000 entries fast.

Bump SCHEMA_VERSION whenever a field, an analyzer or the document mapping changes: the store
throws the old index away and rebuilds it (the index is only ever a cache of the entries).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer
from whoosh.analysis.acore import Token
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.system import _INT_SIZE, pack_uint

from indexer.plaintext import markdown_to_text, regex_to_text
from indexer.tokens import fold, index_terms

SCHEMA_VERSION = 12

SECTION_WEIGHTS: dict[str, float] = {
    "signatures": 4.0,
    "symptoms": 3.5,
    "title": 3.5,
    "keywords": 2.5,
    "summary": 2.0,
    "body": 1.0,
}
SECTION_GAP = 100  # positions between sections, so no phrase spans two of them
_SEP = "\x1e"  # starts a section, followed by its weight and _WSEP
_WSEP = "\x1f"


def sections_value(sections: dict[str, str]) -> str:
    """Encode weighted sections into the one string Whoosh hands to a field."""
    return "".join(
        f"{_SEP}{SECTION_WEIGHTS[name]}{_WSEP}{text}" for name, text in sections.items() if text
    )


def _sections(value: str) -> Iterator[tuple[float, str]]:
    for section in value.split(_SEP):
        weight, sep, text = section.partition(_WSEP)
        if sep:
            yield float(weight), text
        elif section:
            yield 1.0, section


_memo: list[Any] = [None, None]


def weighted_terms(value: str) -> tuple[dict[str, list[float]], dict[str, list[Any]]]:
    """{latin term: [freq, weight]}, {cjk term: [positions, weight]} for a sections value."""
    # both fields index the same string, one right after the other: analyse it once
    if _memo[0] is value:
        return _memo[1]
    result = _weighted_terms(value)
    _memo[0], _memo[1] = value, result
    return result


def _weighted_terms(value: str) -> tuple[dict[str, list[float]], dict[str, list[Any]]]:
    latin: dict[str, list[float]] = {}
    cjk: dict[str, list[Any]] = {}
    pos = 0
    for boost, text in _sections(value):
        words, grams, pos = index_terms(text, pos)
        for w in words:
            fw = latin.get(w)
            if fw is None:
                latin[w] = [1, boost]
            else:
                fw[0] += 1
                fw[1] += boost
        for g, p in grams:
            pw = cjk.get(g)
            if pw is None:
                cjk[g] = [[p], boost]
            else:
                pw[0].append(p)
                pw[1] += boost
        pos += SECTION_GAP
    return latin, cjk


class _SectionAnalyzer(Analyzer):
    """Whoosh face of the tokenizer, for anything in Whoosh that analyzes a field's text (the
    formats below do not: they call `weighted_terms` directly)."""

    cjk = False

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, mode=mode)
        latin, grams = weighted_terms(value)
        if self.cjk:
            for term, (poses, weight) in grams.items():
                for p in poses:
                    t.text, t.pos, t.boost = term, p, weight / len(poses)
                    yield t
        else:
            for term, (freq, weight) in latin.items():
                for _ in range(int(freq)):
                    t.text, t.boost = term, weight / freq
                    yield t


class LatinAnalyzer(_SectionAnalyzer):
    cjk = False


class CJKAnalyzer(_SectionAnalyzer):
    cjk = True


class CJKPositions(Positions):
    """Positions stored as a plain uint32 array instead of Whoosh's per-posting pickle."""

    def encode(self, poslist: Any) -> bytes:
        return pack_uint(len(poslist)) + array("I", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        a = array("I")
        a.frombytes(valuestring[_INT_SIZE:])
        return a.tolist()


class LatinField(TEXT):
    """Latin stems with weighted frequencies, posted straight from `weighted_terms` (no Token
    objects, no per-term generator: indexing spends its time here)."""

    def __init__(self) -> None:
        super().__init__(analyzer=LatinAnalyzer(), phrase=False)

    # Whoosh annotates `index` as a Generator but only iterates it; a list is faster here
    def index(self, value: Any, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:  # type: ignore[override]
        latin, _ = weighted_terms(value)
        return [(w.encode("utf-8"), int(f), wt, pack_uint(int(f))) for w, (f, wt) in latin.items()]


class CJKField(TEXT):
    """CJK bigrams with positions, for phrase queries."""

    def __init__(self) -> None:
        super().__init__(analyzer=CJKAnalyzer(), phrase=True)
        self.format = CJKPositions()

    # Whoosh annotates `index` as a Generator but only iterates it; a list is faster here
    def index(self, value: Any, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:  # type: ignore[override]
        _, grams = weighted_terms(value)
        fmt = self.format
        assert isinstance(fmt, CJKPositions)
        enc = fmt.encode
        return [(w.encode("utf-8"), len(p), wt, enc(p)) for w, (p, wt) in grams.items()]


def make_schema() -> Schema:
    return Schema(
        id=ID(unique=True, stored=True),
        kind=ID(),
        products=KEYWORD(commas=True, lowercase=True),
        tags=KEYWORD(commas=True, lowercase=True),
        text=LatinField(),
        cjk=CJKField(),
        data=STORED(),
    )


def _join(parts: Any) -> str:
    return "\n".join(p for p in parts if p)


def _units(phrases: list[str]) -> list[list[str]]:
    out = []
    for phrase in phrases:
        latin, grams, _ = index_terms(fold(phrase))
        terms = sorted(set(latin) | {g for g, _p in grams})
        if terms:
            out.append(terms)
    return out


def entry_document(entry: Any) -> dict[str, Any]:
    """The index document for a `kb.model.Entry` (English text plus every translation)."""
    trs = list(entry.translations.values())
    zh = entry.translations.get("zh")
    bodies = {"en": markdown_to_text(entry.body)}
    summaries = {"en": entry.summary}
    for tr in trs:
        bodies[tr.lang] = markdown_to_text(tr.body)
        summaries[tr.lang] = tr.summary
    titles = [entry.title, *(tr.title for tr in trs)]
    symptoms = [*entry.symptoms, *(s for tr in trs for s in tr.symptoms)]
    signatures = _join(regex_to_text(s) for s in entry.signatures)
    value = sections_value(
        {
            "title": _join(titles),
            "symptoms": _join(symptoms),
            "signatures": signatures,
            "keywords": _join(
                [entry.id.replace("-", " "), " ".join(entry.tags), " ".join(entry.products)]
            ),
            "summary": _join(summaries.values()),
            "body": _join(bodies.values()),
        }
    )
    units = _units([*titles, *symptoms])
    return {
        "id": entry.id,
        "kind": entry.kind,
        "products": ",".join(p.lower() for p in entry.products),
        "tags": ",".join(t.lower() for t in entry.tags),
        "text": value,
        "cjk": value,
        "data": {
            "title": entry.title,
            "title_zh": zh.title if zh else None,
            "kind": entry.kind,
            "path": str(entry.path),
            "products": list(entry.products),
            "tags": list(entry.tags),
            "summary": summaries,
            "body": bodies,
            "signatures": list(entry.signatures),
            "primary": list(getattr(entry, "primary_signatures", ())),
            "symptoms": symptoms,
            # the entries it links to (a triage tree: the causes it tells apart)
            "related": list(getattr(entry, "related", ())),
            # what the entry is about, as index terms (titles, symptoms, signatures): the
            # confidence rule measures a query against it (indexer/rank.py)
            "focus": sorted({t for unit in units for t in unit}.union(*_units([signatures]))),
            # each title and symptom as its own set of index terms: a query that says what one
            # symptom says ranks that entry up (`rank.symptom_match`)
            "units": units,
            # holds Traditional characters: fold its text before comparing it with a query
            "trad": fold(value) != value,
        },
    }

"""Re-ranking the candidates Whoosh returns, and deciding which results are confident answers.

Pure functions over plain data (no Whoosh): `KBIndex.search` hands in the candidates with their
BM25F scores, the built query and what it learned about the raw text, and gets back the final
order, each hit with a `confident` flag. docs/search.md explains the rules and their figures.

Re-ranking, in order:

1. CJK runs. A 3-4 character run must be in the entry itself (时钟回拨 is not 时钟 + 回拨):
   entries holding one rank up, others down (or out, when the query is nothing but such runs).
   A long run (a sentence) matches on the share of its known bigrams the entry holds
   (minimum-should-match `MSM`): below it the entry is dropped when nothing else matched.
2. Products. An entry of a product the query names ranks up; when the query names products and
   the entry is about none of them, it ranks down. A pasted line that names no product but holds
   an Erlang pid names the Erlang brokers (`runtime_products`).
3. Key identifiers. A query naming ports that an entry about other ports does not list is a
   clear mismatch (a Postgres 5432 clash is not the EMQX 1883 entry): the entry ranks down
   (not a Docker entry: its ports are examples). The same for exit codes; an entry about the
   exit code the query names ranks up, and naming another product is no mismatch for it (an exit
   code is the container's, whatever runs inside).
   An FAQ ranks up when the query asks how to do something (`lexicon.asks_how`).
   A query that says what one of an entry's titles or symptoms says (the share of the phrase's
   terms it holds, weighed by their idf) ranks it up (`symptom_match`); the confidence rule's
   margins compare scores without that factor (`Candidate.base`).
4. Refinement. The first `REFINE_TOP` hits are reordered by a log-linear step fitted on the
   development set (`refine`, `benchmarks/fit_refine.py`): the symptom-match factor counts
   again, with how much of the query the entry's focus holds and a lift for triage trees.
5. Signatures. An entry whose signature regex matches the raw query is lifted above every entry
   that does not; among those, an entry whose *primary* signature matched wins the tie.
6. Triage trees. A symptom that several causes fit equally (2 of the first 3 incidents are
   entries one tree links to, no signature matched, no exit code named, not a pasted log
   line) goes to that tree,
   when the tree fits the query about as well as the first incident (`prefer_trees`).

Confidence: a result is confident when its own signature matched the query, or when it is the
first result, without a product or port mismatch, without a query identifier no entry knows, and
(for a pasted log line its signatures do not match) with most of the line in its focus, and its
*confidence score* is positive: a logistic score of how far it leads the second result, how well
the query says one of its titles or symptoms and how much of the query its focus holds
(`confidence_score`, fitted on the development set). A query that names no product, which
another product's entry fits as well as the first, is not confident either
(`fits_other_product`). Everything else is related reading.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

SENTENCE_SCALE = True  # the sentence factor is weighed by the sentences' share of the query
MSM = 0.3  # minimum share of a long CJK run's known bigrams an entry must hold
SHORT_RUN_HELD = 1.5
SHORT_RUN_MISSING = 0.5
PRODUCT_MATCH = 1.3
PRODUCT_MISMATCH = 0.55
PORT_MISMATCH = 0.5
# the platform the other products run on (Docker): its entries show ports as examples (Docker
# publishes whatever port its user picks), so a port the query names is never a mismatch for
# them; and a triage tree that lists it after the brokers is not about it
PLATFORM_PRODUCTS = frozenset({"docker"})
EXIT_MATCH = 1.6  # an entry about the exit code the query names (title or signatures)
FAQ_BOOST = 1.15  # an FAQ, when the query asks how to do something (not a failure report)
# a query that says what one of an entry's symptoms (or titles) says: score x (1 + this x the
# match, 0..1; `symptom_match`); UNIT_MASS: the summed idf at which a phrase's match is whole
SYMPTOM_WEIGHT = 1.0
UNIT_MASS = 8.0
PRIMARY_BONUS = 0.5  # share of the top score added for a primary signature match
# The refinement of the first hits (`refine`), a log-linear step fitted on the development set
# (`benchmarks/fit_refine.py`): score x exp(a x (symptom-match factor - 1) + b x focus + c x tree)
REFINE_TOP = 8  # hits it reorders
REFINE_SAID = 0.52
REFINE_FOCUS = 0.38
REFINE_TREE = 0.25
# weight of a query word the index has never seen, in the coverage: a word no entry knows is a
# strong sign that no entry is about the problem (calibrated, see docs/search.md)
UNKNOWN_FACTOR = 2.0

# Confidence (fitted on tests/relevance/real.yaml; see docs/search.md, "Confidence"). A pasted
# log line its entry's signatures do not match is related reading, unless the entry's titles,
# symptoms and signatures (its focus) hold this much of the line
LOG_FOCUS = 0.6
# the confidence score: a logistic regression over four features of the first hit, fitted on the
# development set's first hits (right = 1), its cut-off set where as many wrong or unanswerable
# first hits are confident as under the hand-set rule it replaced
# (refitted in session 18, when sentence vectors began to reorder the first hits; the weights
# of sessions 10-17 were 0.97, 0.49, 1.79, 1.09, bias 1.58)
CONF_W_MARGIN = 1.31  # x ln(its base score / the second's), the lead capped at CONF_MARGIN_CAP
CONF_W_SAID = 0.594  # x its symptom-match factor (1..2, `symptom_match`)
CONF_W_LEAD = 1.221  # x ln(its symptom-match factor / the second's)
CONF_W_FOCUS = 0.88  # x its focus coverage (0..1)
CONF_WEIGHTS = (CONF_W_MARGIN, CONF_W_SAID, CONF_W_LEAD, CONF_W_FOCUS)
# the intercept and cut-off: confident when the weighted sum exceeds this. The weights are fitted
# (benchmarks/fit_confidence.py); the cut-off is the lowest at which the development set's
# unanswerable queries are confident at most 15% of the time, the target (1.44 before:
# as many wrong confident answers as the hand-set rule it replaced; docs/search.md, "Confidence")
CONF_BIAS = 1.628
CONF_MARGIN_CAP = 3.0  # a lead beyond 3x says nothing more
# ... and never below this focus coverage: a hit whose titles, symptoms and signatures hold less
# than a quarter of the query is about something else, however far ahead (on the development
# set, 68% of such confident first hits were right, against 84% above it)
CONF_FOCUS_FLOOR = 0.25
# the mismatch notes (`score`) that keep the first hit from being confident: a product, port or
# exit code the query names that the entry is not about. A "secondary product" (the query names
# only a product the entry lists after its own, EMQX's entries list docker) lowers nothing and
# leaves the decision to the score: on the development set it had kept 13 right first answers
# from being confident against 6 wrong or unanswerable (session 19)
BLOCKING_NOTES = frozenset({"product", "port", "exit code"})
# Sentence vectors (`by_meaning`, docs/search.md "Sentence vectors"): the first hits re-ranked by
# score / first score + weight x cosine; chosen on the development set (halves agreed)
MEANING_TOP = 5
MEANING_WEIGHT = 2.0
# ... for a sentence: on the development set, the 10 queries of 5 words or fewer that would be
# re-ranked gained nothing (one lost its right first answer), and keywords then load no model
MEANING_MIN_WORDS = 6
# A short symptom that names no product ("too many open files", 认证失败) fits each broker's
# entry about it: when one of the next AMBIGUOUS_NEXT hits is another product's entry whose
# focus holds at least AMBIGUOUS_FOCUS of the query, and as much as the first's, and the first
# does not say the query clearly better (its symptom-match factor under AMBIGUOUS_SAID x that
# entry's: "monotonic time" is EMQX's title, 1.26 against the Docker time64 entry's 1.05), the
# query does not say which one it is, and the first is related reading (`fits_other_product`)
AMBIGUOUS_NEXT = 4
AMBIGUOUS_FOCUS = 0.9
AMBIGUOUS_SAID = 1.18
TREE_AMBIGUOUS = (2, 3)  # a tree goes first when it links to 2 of the first 3 incidents
TREE_LOGS = False  # pasted log lines are single messages: they keep their incident
TREE_MARGIN = 0.2  # ... and its focus share is at most this under the first incident's
TREE_FOCUS = 0.3  # ... and at least this (the confidence rule's focus bar when it was calibrated)


@lru_cache(maxsize=1)
def _ports_in_entry() -> re.Pattern[str]:
    return re.compile(r"(?<![\d.])(\d{4,5})(?![\d.])")


@dataclass
class Candidate:
    """One Whoosh hit with what ranking needs of its stored data."""

    docnum: int
    id: str
    score: float
    data: dict[str, Any]
    # makes the folded, lower-cased indexed text (titles, symptoms, summaries, bodies); only the
    # rules that need it ask for it (`text`), most queries need it for the first hit only
    make_text: Callable[[], str] | None = None
    _text: str | None = None
    sig: bool = False
    primary: bool = False
    focus_coverage: float = 0.0
    conf_score: float | None = None  # the first hit's confidence score (`decide`)
    confident: bool = False
    notes: list[str] = field(default_factory=list)
    said: float = 1.0  # the symptom-match factor in `score` (`symptom_match`)
    refined: float = 1.0  # the refinement factor in `score` (`refine`)
    closeness: float | None = None  # cosine with the query's sentence vector (`by_meaning`)
    meant: float = 1.0  # the sentence-vector factor in `score` (`by_meaning`)

    @property
    def base(self) -> float:
        """The score without the symptom-match, refinement and sentence-vector factors: the
        confidence rule's margins use it."""
        return self.score / (self.said * self.refined * self.meant)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.make_text() if self.make_text is not None else ""
        return self._text


@dataclass
class QueryFacts:
    """What the raw query says beyond its terms."""

    products: frozenset[str] = frozenset()  # product names the query mentions
    ports: frozenset[str] = frozenset()  # ports it names
    exit_codes: frozenset[str] = frozenset()  # container/process exit codes it names
    sig_ids: frozenset[str] = frozenset()  # entries whose signature matched
    primary_ids: frozenset[str] = frozenset()  # ... whose primary signature matched
    # the query's index terms (Latin stems, CJK bigrams) -> inverse document frequency
    idf: dict[str, float] = field(default_factory=dict)


def symptom_match(units: Sequence[Sequence[str]], idf: dict[str, float]) -> float:
    """How well the query says what one of the entry's titles or symptoms says, 0..1.

    For each phrase: the share of its terms the query holds, times the informative weight
    (summed idf, capped at `UNIT_MASS`) of what it holds. A bag of words over the whole entry
    rewards long entries that hold the query's words here and there; a user who describes a
    problem in their own words often says what one symptom says."""
    best = 0.0
    for unit in units:
        held = [idf[t] for t in unit if t in idf]
        if held:
            best = max(best, len(held) / len(unit) * min(sum(held), UNIT_MASS) / UNIT_MASS)
    return best


def entry_ports(data: dict[str, Any]) -> frozenset[str]:
    """Ports an entry is about: 4-5 digit numbers in its title, symptoms and signatures."""
    text = " ".join([data.get("title", ""), *data.get("symptoms", ()), *data.get("signatures", ())])
    return frozenset(m.group(1) for m in _ports_in_entry().finditer(text))


@lru_cache(maxsize=1)
def _exit() -> re.Pattern[str]:
    return re.compile(
        r"(?:exit(?:s|ed)?(?: with)?(?: code)?|exitcode|exit status|error code|exited \(|restarting \("
        r"|退出码|退出代码)"
        r"\s*[=:(]?\s*(\d{1,3})\b",
        re.IGNORECASE,
    )


def exit_codes(text: str) -> frozenset[str]:
    """Exit codes a text names (`exits with code 1`, `Exited (137)`, `Restarting (137)` as
    `docker ps` shows them, `exitCode=2`, `退出码 137`)."""
    return frozenset(m.group(1) for m in _exit().finditer(text))


def entry_exit_codes(data: dict[str, Any]) -> frozenset[str]:
    """Exit codes an entry is about (its title and signatures)."""
    return exit_codes(" ".join([data.get("title", ""), *data.get("signatures", ())]))


def idf(df: int, n: int) -> float:
    return math.log(1.0 + n / (df + 1.0))


def coverage(built: Any, has: Callable[[str], bool], n: int, dfs: dict[str, int]) -> float:
    """Share of the query's informative weight (weight x idf) that `has` holds (index terms).

    Words and short CJK runs count one by one; a long CJK run (a sentence) counts as one unit,
    held in the share of its bigrams the entry holds.
    """
    total = held = 0.0
    parts = getattr(built, "parts", {})
    near = getattr(built, "near", {})
    for term, (weight, df) in built.own.items():
        w = weight * idf(df, n) * (UNKNOWN_FACTOR if df == 0 else 1.0)
        total += w
        if has(term):
            held += w
        elif term in near:
            held += w if any(has(v) for v in near[term]) else 0.0
        elif term in parts:
            held += w * sum(1 for p in parts[term] if has(p)) / len(parts[term])
    for _run, bigrams in built.long_runs:
        w = sum(idf(dfs.get(b, 0), n) for b in bigrams) / len(bigrams)
        total += w
        held += w * sum(1 for b in bigrams if has(b)) / len(bigrams)
    return held / total if total else 0.0


def rerank(
    cands: list[Candidate],
    built: Any,
    facts: QueryFacts,
) -> list[Candidate]:
    """Apply the rules above, in place on scores; returns the surviving candidates, best first."""
    out: list[Candidate] = []
    sentence_weight = _sentence_share(built) if built.long_runs and SENTENCE_SCALE else None
    for c in cands:
        score = c.score
        if built.runs:
            held = [run for run, _strict in built.runs if run in c.text]
            if held:
                score *= SHORT_RUN_HELD
            elif built.only_runs and not _holds_synonym(c, built):
                continue
            else:
                score *= SHORT_RUN_MISSING
        if built.long_runs:
            shares = [
                sum(b in c.text for b in bigrams) / len(bigrams)
                for _run, bigrams in built.long_runs
            ]
            share = max(shares)
            if share < MSM and _only_cjk(built):
                continue
            # weighed by how much of the query the sentences are: a Chinese remark around a
            # pasted English error ("启动报错 on_load_function_failed crypto") must not
            # outweigh the error itself
            f = sentence_weight if sentence_weight is not None else 1.0
            score *= (1.0 - f) + f * (0.4 + share)
        exits = entry_exit_codes(c.data) if facts.exit_codes else frozenset()
        # an exit code is the container's: the entry about it answers whatever product ran
        # inside, so naming another product is no mismatch for it
        if facts.products and not exits & facts.exit_codes:
            products = [p.lower() for p in c.data.get("products", ())]
            # an entry is about its first product (a triage tree: about all of them); naming a
            # product it only mentions (EMQX entries list docker) is not naming its subject
            main = set(products[:1])
            if c.data.get("kind") == "tree":
                # a tree is about all its products, but Docker only when it comes first: the
                # broker trees list it as where the brokers run
                main |= {p for p in products if p not in PLATFORM_PRODUCTS}
            if main & facts.products:
                score *= PRODUCT_MATCH
            elif set(products) & facts.products:
                c.notes.append("secondary product")
            else:
                score *= PRODUCT_MISMATCH
                c.notes.append("product")
        if facts.ports and not PLATFORM_PRODUCTS.intersection(c.data.get("products", ())[:1]):
            # an entry about ports (in its title, symptoms or signatures) that never names the
            # query's port anywhere is about another service
            ep = entry_ports(c.data)
            if ep and not any(p in c.text for p in facts.ports):
                score *= PORT_MISMATCH
                c.notes.append("port")
        if facts.exit_codes:
            if exits & facts.exit_codes:
                score *= EXIT_MATCH
            elif exits:
                score *= PORT_MISMATCH
                c.notes.append("exit code")
        if built.asks and c.data.get("kind") == "faq":
            score *= FAQ_BOOST
        if facts.idf and SYMPTOM_WEIGHT:
            c.said = 1.0 + SYMPTOM_WEIGHT * symptom_match(c.data.get("units", ()), facts.idf)
            score *= c.said
        c.score = score
        out.append(c)
    out.sort(key=lambda c: (-c.score, c.id))
    return out


def _sentence_share(built: Any) -> float:
    """Share of the query's informative weight that its Chinese sentences (long runs) carry."""
    n = max(built.doc_count, 1)
    words = sum(w * idf(df, n) for w, df in built.own.values())
    runs = sum(
        sum(idf(built.dfs.get(b, 0), n) for b in bigrams) / len(bigrams)
        for _run, bigrams in built.long_runs
    )
    return runs / (words + runs) if words + runs else 1.0


def _holds_synonym(c: Candidate, built: Any) -> bool:
    return any(
        (cjk and cjk in c.text) or (latin and all(holds(c.text, t) for t in latin))
        for latin, cjk in built.syn_phrases
    )


@lru_cache(maxsize=4096)
def _stem_finder(term: str) -> re.Pattern[str]:
    # a stem is a prefix of its words, less its last letter at most ("memori" for memory)
    head = term[: max(3, len(term) - 1)] if len(term) > 3 else term
    return re.compile(r"(?<![a-z0-9])" + re.escape(head))


def holds(text: str, term: str) -> bool:
    """Whether a lower-cased text holds an index term (a Latin stem or a CJK bigram/run)."""
    if not term.isascii():
        return term in text
    if "_" in term:
        return term in text
    return _stem_finder(term).search(text) is not None


def refine(ranked: list[Candidate], built: Any) -> list[Candidate]:
    """Reorder the first `REFINE_TOP` hits by what bag-of-words scores under-weigh: how well the
    query says one of the entry's titles or symptoms (again, beyond the factor in the score), how
    much of the query the entry's focus holds, and whether it is a triage tree (a symptom in words
    often fits several causes). Sets `focus_coverage` on the hits it weighs."""
    for c in ranked[:REFINE_TOP]:
        c.focus_coverage = focus_share(c, built)
        tree = 1.0 if c.data.get("kind") == "tree" else 0.0
        c.refined = math.exp(
            REFINE_SAID * (c.said - 1.0) + REFINE_FOCUS * c.focus_coverage + REFINE_TREE * tree
        )
        c.score *= c.refined
    return sorted(ranked, key=lambda c: (-c.score, c.id))


def rerank_signatures(cands: list[Candidate]) -> list[Candidate]:
    """Lift entries whose signature matched above all others; a primary signature wins a tie."""
    if not cands:
        return cands
    top = max(c.score for c in cands)
    for c in cands:
        if c.sig:
            c.score += top + 1.0 + (PRIMARY_BONUS * top if c.primary else 0.0)
    return sorted(cands, key=lambda c: (-c.score, c.id))


def focus_share(c: Candidate, built: Any) -> float:
    """Share of the query's informative weight in the entry's titles, symptoms and signatures."""
    focus = frozenset(c.data.get("focus", ()))
    return coverage(built, focus.__contains__, max(built.doc_count, 1), built.dfs)


def prefer_trees(ranked: list[Candidate], built: Any, facts: QueryFacts) -> list[Candidate]:
    """A symptom that several causes fit: when the first hits are different incidents that one
    triage tree tells apart (they are among the entries the tree links to), and the query fits
    the tree's own symptom, the tree goes first: it asks the questions that decide between them.
    Not when a signature matched, the query names an exit code (both state the cause) or is a
    pasted log line (one message, whose entry is the incident about it)."""
    if not ranked or ranked[0].sig or ranked[0].data.get("kind") == "tree" or facts.exit_codes:
        return ranked
    if built.log_like and not TREE_LOGS:
        return ranked  # a pasted log line is one message, not a symptom in words
    firsts = [c for c in ranked if c.data.get("kind") != "tree"][: TREE_AMBIGUOUS[1]]
    if any(c.sig for c in firsts):
        return ranked
    for c in ranked[1:]:
        if c.data.get("kind") != "tree" or c.notes:
            continue
        triaged = set(c.data.get("related", ()))
        if sum(f.id in triaged for f in firsts) < TREE_AMBIGUOUS[0]:
            continue
        if focus_share(c, built) < max(TREE_FOCUS, focus_share(ranked[0], built) - TREE_MARGIN):
            continue  # the tree must fit the query about as well as the first incident does
        c.score = ranked[0].score * (1.0 + 1e-6)
        return [c, *(x for x in ranked if x is not c)]
    return ranked


def by_meaning(
    ranked: list[Candidate],
    built: Any,
    closeness: Callable[[list[Candidate]], dict[str, float]],
    words: int = MEANING_MIN_WORDS,
) -> list[Candidate]:
    """Reorder the first `MEANING_TOP` hits by their score (as a share of the first's) plus
    `MEANING_WEIGHT` x the cosine of the query's sentence vector with the entry's closest text
    (its title or an English symptom; indexer/semantic.py). Words that differ but mean the
    same thing ("forgets my users after docker compose up" and "data lost when the container
    is recreated") meet here. Not for Chinese queries (the model reads English), nor for a
    pasted log line (its rare words decide; measured: +0.3 points at a cost of a longer text to
    encode), nor for a few keywords (`words`, the query's count, under `MEANING_MIN_WORDS`:
    they carry no more meaning than their words), nor when the first hit's signature matched
    (the line names the entry).
    `closeness` maps the candidates to their cosines (an empty map when sentence vectors are
    off: the order stays as it is)."""
    if not ranked or ranked[0].sig or built.cjk or built.log_like or words < MEANING_MIN_WORDS:
        return ranked
    top = ranked[:MEANING_TOP]
    cos = closeness([c for c in top if not c.sig])
    if not cos:
        return ranked
    first = top[0].score or 1.0
    for c in top:
        c.closeness = cos.get(c.id)
        if c.closeness is None or c.sig:
            continue
        new = c.score + MEANING_WEIGHT * c.closeness * first
        c.meant = new / c.score if c.score > 0 else 1.0
        c.score = new
    return [*sorted(top, key=lambda c: (-c.score, c.id)), *ranked[MEANING_TOP:]]


def _only_cjk(built: Any) -> bool:
    """The query's matchable words are all CJK (nothing else could have matched an entry)."""
    return all(any("\u3040" <= ch for ch in t) for t in built.own if built.own[t][1])


def confidence_features(first: Candidate, second: Candidate | None) -> tuple[float, ...]:
    """The confidence score's features, in the order of `CONF_WEIGHTS`.

    Scale-free (ratios and shares), so the fit holds for a KB of any size.
    """
    lead = first.base / second.base if second is not None and second.base > 0 else CONF_MARGIN_CAP
    said_lead = first.said / second.said if second is not None else first.said
    return (
        math.log(min(max(lead, 1e-3), CONF_MARGIN_CAP)),
        first.said,
        math.log(said_lead),
        first.focus_coverage,
    )


def confidence_score(first: Candidate, second: Candidate | None) -> float:
    """The first hit's confidence score: confident above 0 (docs/search.md, "Confidence")."""
    x = confidence_features(first, second)
    return sum(w * v for w, v in zip(CONF_WEIGHTS, x, strict=True)) - CONF_BIAS


def fits_other_product(ranked: Sequence[Candidate], built: Any, facts: QueryFacts) -> bool:
    """The query names no product, is not a pasted log line, and another product's entry among
    the next hits holds as much of it in its focus as the first (an incident or FAQ) does and
    says it about as well: "too many open files" is EMQX's, Mosquitto's and RabbitMQ's problem
    alike."""
    first = ranked[0]
    if facts.products or built.log_like or first.data.get("kind") == "tree":
        return False
    mine = (first.data.get("products") or [""])[0]
    for c in ranked[1 : 1 + AMBIGUOUS_NEXT]:
        if c.data.get("kind") == "tree" or (c.data.get("products") or [""])[0] == mine:
            continue
        if first.said >= AMBIGUOUS_SAID * c.said:
            continue  # the query says the first's own symptom or title
        share = focus_share(c, built)
        if share >= AMBIGUOUS_FOCUS and share >= first.focus_coverage:
            return True
    return False


def decide(ranked: Sequence[Candidate], built: Any, facts: QueryFacts | None = None) -> None:
    """Set `focus_coverage`, `conf_score` and `confident` on the ranked hits (module docstring).
    `facts`: what the raw query says (the products it names), for `fits_other_product`."""
    if not ranked:
        return
    first = ranked[0]
    first.focus_coverage = focus_share(first, built)
    for c in ranked:
        c.confident = c.sig
    if first.sig or any(n in BLOCKING_NOTES for n in first.notes) or built.unknown_ids:
        return
    if built.log_like and first.data.get("signatures") and first.focus_coverage < LOG_FOCUS:
        # a pasted log line that the entry's own signatures do not match (and that its focus
        # does not mostly cover) is, most of the time, a sibling message of the same component
        # (PRECONDITION_FAILED - unknown delivery tag is not PRECONDITION_FAILED - inequivalent
        # arg): related reading, not the answer
        return
    first.conf_score = confidence_score(first, ranked[1] if len(ranked) > 1 else None)
    first.confident = first.conf_score > 0 and first.focus_coverage >= CONF_FOCUS_FLOOR
    if first.confident and facts is not None and fits_other_product(ranked, built, facts):
        first.confident = False


# Products whose logs show Erlang process ids (`<0.356.0>`): a pasted line holding one was
# printed by one of them, not by Mosquitto or the Docker daemon
ERLANG_PRODUCTS = frozenset({"emqx", "rabbitmq", "vernemq", "erlang"})


@lru_cache(maxsize=1)
def _erlang_pid() -> re.Pattern[str]:
    return re.compile(r"<\d+\.\d+\.\d+>")


def runtime_products(text: str, known: Iterable[str]) -> frozenset[str]:
    """Products a query names by the runtime that printed it, when it names none itself."""
    if _erlang_pid().search(text) is None:
        return frozenset()
    return ERLANG_PRODUCTS.intersection(known)


def named_products(terms: Iterable[str], known: Iterable[str]) -> frozenset[str]:
    """Product names (as indexed) that appear among the query's terms, directly or by another
    name of the product (`emqttd`, `emq`, `esockd` name EMQX: `lexicon.PRODUCT_ALIASES`)."""
    from indexer.lexicon import PRODUCT_ALIASES

    kn = set(known)
    out = set()
    for t in terms:
        name = t if t in kn else PRODUCT_ALIASES.get(t)
        if name in kn:
            out.add(name)
    return frozenset(out)

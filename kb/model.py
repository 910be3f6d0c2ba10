"""The entry model: plain dataclasses for entries, checks, decision trees and load problems.

Everything else (loader, indexer, checks engine, CLI, TUI, site) speaks these types. They carry no
behaviour beyond small conveniences, and import nothing heavy.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kb.words import Words

Kind = Literal["incident", "faq", "tree"]
KINDS: tuple[str, ...] = ("incident", "faq", "tree")
LANGS: tuple[str, ...] = ("en", "zh")
STATUSES: tuple[str, ...] = ("pass", "warn", "fail", "error", "skip")
# how urgent a signature match is, for alerts (kb export alerts); an entry without one is "warning"
SEVERITIES: tuple[str, ...] = ("critical", "warning", "info")
DEFAULT_SEVERITY = "warning"


#: how a problem is written (`kb lint`, stderr); kb.i18n.problem_line says it in Chinese
PROBLEM_LINE = "{path}:{line}: {severity}: {message}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, reported as `path:line: message`. The message is kb's
    words (kb.words.Words, a template and the user's values) wherever kb wrote it, so that it can
    be said in the reader's language (kb.i18n.problem_line)."""

    path: str
    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        # paths and messages quote user files: one line, no terminal controls (kb.sanitize)
        from kb.sanitize import one_line, path_text

        return PROBLEM_LINE.format(
            path=path_text(self.path),
            line=self.line,
            severity=self.severity,
            message=one_line(self.message),
        )

    def order(self) -> tuple[str, int]:
        """How problems are listed (kb lint, the TUI's F6, the index): by file, then line."""
        return (self.path, self.line)


@dataclass(frozen=True)
class Source:
    """Where an entry's facts came from."""

    title: str
    url: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class CheckSpec:
    """A live check declared by an entry. `params` are the entry's defaults, overridable by users."""

    id: str
    kind: str
    title: str
    params: dict[str, Any] = field(default_factory=dict)
    on_fail: Literal["fail", "warn"] = "fail"
    timeout: float | None = None
    line: int = 0


@dataclass(frozen=True)
class Option:
    label: str
    goto: str
    when: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    """A tree node: a question (with options) or a conclusion (with text, maybe an entry)."""

    id: str
    question: str | None = None
    options: tuple[Option, ...] = ()
    check: str | None = None
    conclusion: str | None = None
    entry: str | None = None
    fix: str | None = None
    line: int = 0

    @property
    def is_conclusion(self) -> bool:
        return self.conclusion is not None

    def option_for(self, status: str) -> int | None:
        """The index of the option a check result with `status` selects (its `when` names the
        status), or None: the reader chooses. The TUI suggests it; the site lists it."""
        for i, option in enumerate(self.options):
            if status in option.when:
                return i
        return None

    def statuses_for(self, index: int) -> list[str]:
        """The check statuses that select option `index` (in STATUSES order)."""
        return [s for s in STATUSES if self.option_for(s) == index]


@dataclass(frozen=True)
class Tree:
    start: str
    nodes: dict[str, Node]

    def reading_order(self) -> list[Node]:
        """Nodes in reading order: breadth-first from `start`, then any unreachable ones (sorted).
        The site's outline and step numbers and `kb show`'s outline follow it."""
        order = list(self._first_reached())
        order.extend(sorted(set(self.nodes) - set(order)))
        return [self.nodes[n] for n in order]

    def outline_homes(self) -> dict[str, tuple[str, int]]:
        """Where an outline writes each node out in full: node id -> (parent id, option index) of
        the option that first reaches it in reading order (so at its shallowest). Every other
        option leading there refers to it; `start` and unreachable nodes have no parent."""
        return {n: home for n, home in self._first_reached().items() if home is not None}

    def _first_reached(self) -> dict[str, tuple[str, int] | None]:
        """Reachable node ids in breadth-first order, each with the option that reached it first."""
        if self.start not in self.nodes:
            return {}
        reached: dict[str, tuple[str, int] | None] = {self.start: None}
        queue = [self.start]
        while queue:
            nid = queue.pop(0)
            for i, option in enumerate(self.nodes[nid].options):
                if option.goto in self.nodes and option.goto not in reached:
                    reached[option.goto] = (nid, i)
                    queue.append(option.goto)
        return reached


@dataclass(frozen=True)
class Translation:
    """Text of an entry in a language other than English (from `<id>.<lang>.md`)."""

    lang: str
    path: str
    title: str
    summary: str
    body: str
    symptoms: tuple[str, ...] = ()
    check_titles: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)  # translated `versions` notes, by key
    # node id -> {"question"|"conclusion"|"fix": text, "options": [labels]}
    tree_text: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Entry:
    """One knowledge-base entry (English text plus optional translations)."""

    id: str
    kind: str
    title: str
    summary: str
    body: str
    path: str
    products: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    versions: dict[str, str] = field(default_factory=dict)
    updated: _dt.date | None = None
    severity: str | None = None  # one of SEVERITIES; None means DEFAULT_SEVERITY
    sources: tuple[Source, ...] = ()
    related: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    signatures: tuple[str, ...] = ()
    # the signatures marked `primary: true`: they name this entry's own problem (a subset)
    primary_signatures: tuple[str, ...] = ()
    # the file line of each of `signatures` (the ones that failed validation are not in either)
    signature_lines: tuple[int, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    tree: Tree | None = None
    translations: dict[str, Translation] = field(default_factory=dict)
    # provenance: the KB source folder the winning file came from, and files it overrode
    source_root: str = ""
    overrides: tuple[str, ...] = ()
    mtime: float = 0.0
    digest: str = ""  # sha256 of the entry file(s) bytes, for incremental indexing
    body_line: int = 1  # line of the first body line in `path`

    @property
    def languages(self) -> tuple[str, ...]:
        return ("en", *sorted(self.translations))

    def text(self, lang: str = "en") -> Translation:
        """The entry's text in `lang`, falling back to English."""
        tr = self.translations.get(lang)
        if tr is not None:
            return tr
        return Translation(
            lang="en",
            path=self.path,
            title=self.title,
            summary=self.summary,
            body=self.body,
            symptoms=self.symptoms,
            check_titles={c.id: c.title for c in self.checks},
        )

    def version_notes(self, lang: str = "en") -> list[tuple[str, str, str]]:
        """(product, note, language of the note) for every `versions` note: in `lang` where the
        translation has it, in English otherwise."""
        tr = self.translations.get(lang)
        local = tr.versions if tr is not None else {}
        return [
            (key, local[key], lang) if key in local else (key, note, "en")
            for key, note in self.versions.items()
        ]

    def check(self, check_id: str) -> CheckSpec | None:
        for c in self.checks:
            if c.id == check_id:
                return c
        return None

    def node_text(self, node: Node, lang: str = "en") -> dict[str, Any]:
        """Question/conclusion/fix text and option labels of `node` in `lang` (English fallback)."""
        base: dict[str, Any] = {
            "question": node.question,
            "conclusion": node.conclusion,
            "fix": node.fix,
            "options": [o.label for o in node.options],
        }
        tr = self.translations.get(lang)
        if tr is None:
            return base
        over = tr.tree_text.get(node.id, {})
        for key in ("question", "conclusion", "fix"):
            if over.get(key) and base[key] is not None:
                base[key] = over[key]
        labels = over.get("options")
        if isinstance(labels, list) and len(labels) == len(node.options):
            base["options"] = [str(x) for x in labels]
        return base


CHECK_REF_SEPARATOR = "#"


def parse_check_ref(ref: str) -> tuple[str | None, str]:
    """A tree node's `check`: `check-id` (this entry's) -> (None, check-id);
    `entry-id#check-id` (another entry's) -> (entry-id, check-id)."""
    owner, sep, check_id = ref.partition(CHECK_REF_SEPARATOR)
    return (owner, check_id) if sep else (None, ref)


def checks_named(
    entries: Mapping[str, Entry], ref: str
) -> tuple[Entry | None, list[CheckSpec], Words | None]:
    """What `kb check REF` and `kb serve metrics --check REF` run: `entry` (all its checks) or
    `entry#check` -> (entry, its checks, None), or (entry or None, [], why not: one line, Words
    the CLI says in the user's language). The one rule for a command-line check reference (`ID#`
    names no check: QA found it ran them all)."""
    owner_id, check_id = parse_check_ref(ref)
    entry_id = owner_id if owner_id is not None else ref
    entry = entries.get(entry_id)
    if entry is None:
        if not entry_id:
            return None, [], Words("{ref!r} names no entry: write ENTRY#CHECK", ref=ref)
        return None, [], Words("no entry {id!r}", id=entry_id)
    have = ", ".join(c.id for c in entry.checks) or Words("none")
    if owner_id is not None:
        spec = entry.check(check_id) if check_id else None
        if spec is None:
            if check_id:
                return (
                    entry,
                    [],
                    Words(
                        "{id} has no check {check!r}; its checks: {have}",
                        id=entry_id,
                        check=check_id,
                        have=have,
                    ),
                )
            return (
                entry,
                [],
                Words(
                    "{id} has no check named after '#'; its checks: {have}", id=entry_id, have=have
                ),
            )
        return entry, [spec], None
    if not entry.checks:
        return entry, [], Words("{id} declares no checks", id=entry_id)
    return entry, list(entry.checks), None


def resolve_check_ref(
    entries: Mapping[str, Entry], entry: Entry, ref: str | None
) -> tuple[Entry, CheckSpec] | None:
    """The entry and check that `ref` names from within `entry`, or None if either is missing.

    The one rule for check references: the loader validates with it, `kb check` and the site and
    the TUI resolve with it (through `KnowledgeBase.resolve_check` where they hold a KB).
    """
    if not ref:
        return None
    owner_id, check_id = parse_check_ref(ref)
    owner = entry if owner_id is None else entries.get(owner_id)
    if owner is None:
        return None
    spec = owner.check(check_id)
    return (owner, spec) if spec is not None else None

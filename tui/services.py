"""The single place where the TUI calls the core: KB loading, search, checks, doctor, diagnose, config.

Screens talk to a `Services` object and never import `kb.*` or `indexer` themselves, so the TUI has
one seam to the rest of kbtui. Every method that may block (loading, searching, Docker, brokers) is
meant to be called from a worker thread; none of them touches Textual.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.model import CheckSpec, Entry

if TYPE_CHECKING:
    from kb.checks.targets import Target

FILTER_KEYS = {
    "product": "product",
    "p": "product",
    "tag": "tag",
    "t": "tag",
    "kind": "kind",
    "k": "kind",
}
_FILTER_RE = re.compile(r"(?<!\S)(product|tag|kind|p|t|k):([A-Za-z0-9][A-Za-z0-9._-]*)(?!\S)")


@dataclass
class Filters:
    """Search filters; `None` means "any"."""

    product: str | None = None
    tag: str | None = None
    kind: str | None = None

    def merged(self, other: Filters) -> Filters:
        return Filters(
            product=other.product or self.product,
            tag=other.tag or self.tag,
            kind=other.kind or self.kind,
        )

    def describe(self) -> str:
        parts = [
            f"{k}:{v}"
            for k, v in (("product", self.product), ("tag", self.tag), ("kind", self.kind))
            if v
        ]
        return " ".join(parts)


def parse_query(text: str) -> tuple[str, Filters]:
    """Split `product:emqx kind:faq clock` into the free text and the filters typed inline."""
    found = Filters()
    for m in _FILTER_RE.finditer(text):
        setattr(found, FILTER_KEYS[m.group(1).lower()], m.group(2).lower())
    rest = _FILTER_RE.sub(" ", text)
    return " ".join(rest.split()), found


@dataclass
class LoadState:
    """What loading found, for the status line."""

    entries: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None


class Services:
    """Core operations for the TUI. Construct cheaply; call `load()` from a worker."""

    def __init__(
        self,
        kb_paths: Sequence[Path | str] = (),
        *,
        bundled: bool = True,
        kbase: Any = None,
    ) -> None:
        self.kb_paths = [Path(p) for p in kb_paths]
        self.bundled = bundled
        self.kbase: Any = kbase
        self.index: Any = None
        self._lock = (
            threading.Lock()
        )  # one search at a time: Whoosh searchers are not shared safely
        self.loaded = threading.Event()
        self.state = LoadState()
        # what checks run against, like `kb check --target NAME --set k=v`; set on the settings screen
        self.target: str | None = None
        self.overrides: dict[str, Any] = {}
        if kbase is not None:
            self._build_index()
            self.loaded.set()

    # --- loading -----------------------------------------------------------------------------
    def sources(self) -> list[Path]:
        from kb.loader import kb_sources

        return kb_sources(self.kb_paths, bundled=self.bundled)

    def load(self, progress: Callable[[int, int], None] | None = None) -> LoadState:
        """Load the KB and open (or update) its search index. Blocking."""
        from kb.loader import load_kb

        sources = self.sources()
        self.kbase = load_kb(sources)
        self._build_index(sources, progress)
        self.state = LoadState(
            entries=len(self.kbase.entries),
            problems=[str(p) for p in getattr(self.kbase, "problems", [])],
        )
        self.loaded.set()
        return self.state

    def _build_index(self, sources: list[Path] | None = None, progress: Any = None) -> None:
        from indexer import open_index

        if sources is None:
            sources = list(getattr(self.kbase, "sources", []))
        self.index = open_index(sources, progress=progress)

    def close(self) -> None:
        if self.index is not None:
            try:
                self.index.close()
            except Exception:  # closing at exit must never mask the real outcome
                pass

    # --- entries -------------------------------------------------------------------------------
    @property
    def entries(self) -> dict[str, Entry]:
        return dict(getattr(self.kbase, "entries", {}) or {})

    def get(self, entry_id: str) -> Entry | None:
        if self.kbase is None:
            return None
        return self.kbase.entries.get(entry_id)

    def trees(self) -> list[Entry]:
        """Triage trees (entries of kind `tree`), by title."""
        return sorted(
            (e for e in self.entries.values() if e.kind == "tree"), key=lambda e: e.title.lower()
        )

    def facets(self) -> dict[str, list[str]]:
        """Every product, tag and kind in the KB, for the filter pickers."""
        products: set[str] = set()
        tags: set[str] = set()
        kinds: set[str] = set()
        for e in self.entries.values():
            products.update(e.products)
            tags.update(e.tags)
            kinds.add(e.kind)
        return {"product": sorted(products), "tag": sorted(tags), "kind": sorted(kinds)}

    def resolve_check(self, entry: Entry, ref: str) -> tuple[Entry, CheckSpec] | None:
        """The check a tree node names: `check-id` in `entry`, or `<entry-id>#<check-id>`."""
        owner = entry
        check_id = ref
        if "#" in ref:
            owner_id, check_id = ref.split("#", 1)
            found = self.get(owner_id)
            if found is None:
                return None
            owner = found
        spec = owner.check(check_id)
        return (owner, spec) if spec is not None else None

    # --- search --------------------------------------------------------------------------------
    def search(self, query: str, filters: Filters | None = None, limit: int = 50) -> list[Any]:
        """Hits for `query` (free text plus inline `product:`/`tag:`/`kind:`) and `filters`."""
        if self.index is None:
            return []
        text, inline = parse_query(query)
        f = (filters or Filters()).merged(inline)
        with self._lock:
            return list(
                self.index.search(text, product=f.product, tag=f.tag, kind=f.kind, limit=limit)
            )

    # --- checks --------------------------------------------------------------------------------
    def run_check(
        self,
        entry: Entry,
        spec: CheckSpec,
        *,
        cancel: threading.Event | None = None,
        target: str | Target | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> Any:
        """Run one check with the same engine as `kb check`. Returns a `CheckResult`.

        Without explicit `target`/`overrides` the ones chosen on the check-settings screen apply.
        """
        from kb.checks.runner import run_check

        if overrides is None:
            overrides = dict(self.overrides)
        if target is None:
            target = self.target
        return run_check(entry, spec, overrides=overrides or None, target=target, cancel=cancel)

    def settings_text(self) -> str:
        """One line describing the check target and parameter overrides in force."""
        parts = [f"target {self.target}" if self.target else "default Docker host"]
        parts += [f"{k}={v}" for k, v in self.overrides.items()]
        return " · ".join(parts)

    def target_names(self) -> list[str]:
        """Names of the Docker hosts and brokers in the config (empty if the config is unreadable)."""
        try:
            from kb.checks.targets import load

            return load().names()
        except Exception:
            return []

    def set_check_settings(self, target: str | None, params_text: str) -> list[str]:
        """Validate and apply a target name and `k=v k=v` overrides; returns problems (none = applied)."""
        from kb.checks.runner import ParamError, parse_overrides

        problems: list[str] = []
        target = (target or "").strip() or None
        if target is not None and target not in self.target_names():
            problems.append(
                f"no target named {target!r} in the config; add it on the Targets screen (F8)"
            )
        try:
            overrides = parse_overrides(params_text.replace(",", " ").split())
        except ParamError as exc:
            problems.append(str(exc).replace("--set ", ""))
            overrides = {}
        if not problems:
            self.target = target
            self.overrides = overrides
        return problems

    def doctor(
        self, on_progress: Callable[..., None] | None = None, hosts: Iterable[str] | None = None
    ) -> Any:
        """Scan the configured Docker host(s). Returns a `DoctorReport`."""
        from kb.checks.doctor import run_doctor

        return run_doctor(self.kbase, hosts=list(hosts) if hosts else None, on_progress=on_progress)

    def diagnose(self, text: str) -> list[Any]:
        """Entries whose signatures match lines of `text`, with the matched lines."""
        from kb.checks.diagnose import diagnose

        return list(diagnose(self.kbase, text))

    # --- language and config -------------------------------------------------------------------
    @staticmethod
    def default_lang(explicit: str | None = None) -> str:
        from kb.i18n import pick_lang

        return pick_lang(explicit)

    def probe_target(self, target: Any) -> Any:
        """Can we reach this Docker host (docker.daemon) or broker (net.tcp to its first port)?"""
        from kb.checks.targets import DockerHost

        probe_entry = Entry(
            id="kbtui-targets", kind="faq", title="Targets", summary="", body="", path=""
        )
        if isinstance(target, DockerHost):
            spec = CheckSpec(id="daemon", kind="docker.daemon", title="The Docker daemon answers")
            return self.run_check(probe_entry, spec, target=target)
        port = next(iter(target.ports.values()), None) or 1883
        spec = CheckSpec(
            id="reach",
            kind="net.tcp",
            title="The broker accepts TCP connections",
            params={"host": target.host, "port": port},
        )
        return self.run_check(probe_entry, spec)

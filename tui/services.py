"""The single place where the TUI calls the core: KB loading, search, checks, doctor, diagnose, config.

Screens talk to a `Services` object and never import `kb.*` or `indexer` themselves, so the TUI has
one seam to the rest of kbtui. Every method that may block (loading, searching, Docker, brokers) is
meant to be called from a worker thread; none of them touches Textual.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.model import CheckSpec, Entry, Problem

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


#: what `split_params` raises (English; the dialog says it in the language shown)
QUOTE_NOT_CLOSED = (
    "a quote ({quote}) is not closed: quote a value with spaces whole, "
    "as in pattern=\"connection refused\" or pattern='a b'"
)


class QuoteNotClosed(ValueError):
    """A quote in the parameters is not closed (`QUOTE_NOT_CLOSED`)."""

    def __init__(self, quote: str) -> None:
        super().__init__(QUOTE_NOT_CLOSED.format(quote=quote))
        self.quote = quote


def split_params(text: str) -> list[str]:
    """`container="qa25 x" timeout=4` to `["container=qa25 x", "timeout=4"]`: the `NAME=VALUE`
    items of the "Where checks run" field, split as a shell splits `--set` arguments (quotes keep
    spaces; a backslash is kept as typed, patterns have them), then read by the rule `kb check
    --set` uses (`kb.checks.runner.parse_overrides`). A comma outside quotes before the next
    `NAME=` separates too (`port=1883,host=x`); `exit_codes=[0,1]` stays whole. Raises ValueError
    (one line) on a quote that is not closed."""
    import shlex

    # commas that separate items, outside quotes: turned into spaces before splitting
    out, quote = [], ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "," and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", text[i + 1 :]):
            ch = " "
        out.append(ch)
    lex = shlex.shlex("".join(out), posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    lex.escape = ""
    try:
        return list(lex)
    except ValueError:
        raise QuoteNotClosed(quote or "?") from None


def format_params(overrides: dict[str, Any]) -> str:
    """Overrides as the field shows them, so that applying the field again gives them back:
    `split_params` and `parse_overrides` read each item as typed."""
    import shlex

    from kb.checks.runner import parse_overrides

    items = []
    for key, value in overrides.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (list, tuple, dict)):
            text = json.dumps(value)  # JSON is YAML flow: [0, 1]
        else:
            text = str(value)
            if parse_overrides([f"{key}={text}"])[key] != value:  # "1883" as text, "yes"
                text = json.dumps(value)
        if text != shlex.quote(text) or "," in text:
            text = shlex.quote(text)
        items.append(f"{key}={text}")
    return " ".join(items)


@dataclass
class CheckContext:
    """Where one entry's (or one tree's) checks run: `kb check --target NAME --set k=v`, scoped.

    `origin` is the doctor finding the context came from (`container @ host`), so the screens can
    show it (`doctor: …`, in the language shown); it is data, not wording.
    """

    target: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    origin: str = ""

    def is_default(self) -> bool:
        return self.target is None and not self.overrides


@dataclass(frozen=True)
class PickItem:
    """One choice in the target picker: a configured target or a container."""

    kind: str  # "docker_host" | "broker" | "container"
    name: str
    detail: str = ""
    host: str | None = None  # for containers: the Docker host (configured name or None = default)
    problem: str = ""  # a configured target that cannot be used: why (config.yaml:LINE: …)


@dataclass
class LoadState:
    """What loading found, for the status line."""

    entries: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    #: the search index could not be written (disk full, read-only): searching works, from the
    #: last index or one built in memory; the line says what to do (KBIndex.warning)
    warning: str | None = None


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
        # `kb lint`'s signature warnings (kb.fleet.lint): None until computed, after loading, in
        # a worker (a second or so on 10 000 entries: not on the way to the search box)
        self._signature_problems: list[Any] | None = None
        self._lint_lock = threading.Lock()
        # where checks run, like `kb check --target NAME --set k=v`, per entry (or tree) id:
        # a setting made for one entry never leaks into another entry's checks
        self.contexts: dict[str, CheckContext] = {}
        # check results of this session, per entry id then check id, so leaving a screen keeps them
        self.results: dict[str, dict[str, Any]] = {}
        self._recent: list[str] | None = None
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
        self._signature_problems = None
        self._build_index(sources, progress)
        self.state = LoadState(
            entries=len(self.kbase.entries),
            problems=[str(p) for p in self.problems()],
            warning=getattr(self.index, "warning", None),
        )
        self.loaded.set()
        return self.state

    def warm(self) -> None:
        """Load what the first search would otherwise load itself (the sentence encoder); run
        in the background once the KB is shown. A search started meanwhile waits for it."""
        if self.index is not None:
            with self._lock:
                self.index.prepare_vectors()

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

    def problems(self) -> list[Any]:
        """The KB's lint problems (`kb.model.Problem`: path, line, message, severity), in
        `kb lint`'s order: those found while loading, and the signature warnings once
        `lint_signatures` has run (`problems_complete`)."""
        found = [*(getattr(self.kbase, "problems", []) or []), *(self._signature_problems or [])]
        return sorted(found, key=Problem.order)

    @property
    def problems_complete(self) -> bool:
        """Whether `problems()` holds everything `kb lint` reports (the signature warnings too)."""
        return self._signature_problems is not None

    def lint_signatures(self) -> list[Any]:
        """Add `kb lint`'s signature warnings (the static site's and the fleet's: the one function
        both use, `kb.fleet.lint.signature_warnings`) to `problems()`, once; returns them.
        Blocking (about 0.1 s on the bundled KB): call from a worker."""
        from kb.fleet.lint import signature_warnings

        with self._lint_lock:
            if self._signature_problems is None and self.kbase is not None:
                self._signature_problems = signature_warnings(self.kbase.entries.values())
                self.state.problems = [str(p) for p in self.problems()]
            return list(self._signature_problems or [])

    # --- recently opened -----------------------------------------------------------------------
    def _recent_file(self) -> Path:
        from kb import paths

        return paths.data_dir() / "tui-recent.json"

    def recent(self, limit: int = 8) -> list[Entry]:
        """Entries opened recently (this session and earlier ones), newest first."""
        if self._recent is None:
            try:
                data = json.loads(self._recent_file().read_text(encoding="utf-8"))
                self._recent = [str(x) for x in data if isinstance(x, str)][:50]
            except (OSError, ValueError):
                self._recent = []
        found = [self.get(i) for i in self._recent]
        return [e for e in found if e is not None][:limit]

    def opened(self, entry_id: str) -> None:
        """Remember that `entry_id` was opened (best effort: a read-only home is not an error)."""
        self.recent()
        assert self._recent is not None
        self._recent = [entry_id] + [i for i in self._recent if i != entry_id][:49]
        try:
            path = self._recent_file()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(self._recent), encoding="utf-8")
        except OSError:
            pass

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
        if self.kbase is None:
            return None
        return self.kbase.resolve_check(entry, ref)

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
    @staticmethod
    def explain(spec: CheckSpec, lang: str) -> Any:
        """The check in plain words (what it looks at, what healthy means): a `CheckText`."""
        from kb.checks.explain import explain

        return explain(spec, lang)

    def context(self, scope: str) -> CheckContext:
        """Where the checks of `scope` (an entry or tree id) run; the default context if unset."""
        return self.contexts.get(scope) or CheckContext()

    def set_context(self, scope: str, ctx: CheckContext) -> None:
        if ctx.is_default():
            self.contexts.pop(scope, None)
        else:
            self.contexts[scope] = ctx
        self.results.pop(scope, None)  # earlier results were for another place

    def _target_obj(self, name: str | None) -> Any:
        if not name:
            return None
        try:
            from kb.checks import targets as targets_mod

            found = targets_mod.load()
            return found.find(name)
        except Exception:  # an unreadable config shows up as the check's own error
            return None

    def effective_params(self, spec: CheckSpec, scope: str) -> dict[str, Any]:
        """The parameters a check runs with in `scope`: entry defaults < target < overrides."""
        from kb.checks.runner import resolve_params

        ctx = self.context(scope)
        try:
            params, _ = resolve_params(spec, ctx.overrides, self._target_obj(ctx.target))
        except Exception:  # a broken spec is reported when it runs
            return dict(spec.params)
        return params

    def run_check(
        self,
        entry: Entry,
        spec: CheckSpec,
        *,
        cancel: threading.Event | None = None,
        scope: str | None = None,
        target: Any = None,
        overrides: dict[str, Any] | None = None,
    ) -> Any:
        """Run one check with the same engine as `kb check`. Returns a `CheckResult`.

        Without explicit `target`/`overrides` the context of `scope` (default: the entry) applies.
        """
        from kb.checks.base import ERROR, CheckResult
        from kb.checks.runner import run_check
        from kb.checks.targets import load

        ctx = self.context(scope or entry.id)
        if overrides is None:
            overrides = dict(ctx.overrides)
        if target is None:
            target = ctx.target
        docker_hosts: dict[str, str] = {}
        if isinstance(target, str):
            conf = load()
            name, target = target, conf.find(target)
            if target is None:
                return CheckResult(spec.id, spec.kind, spec.title, ERROR, conf.missing(name))
            docker_hosts = conf.docker_urls()
        return run_check(entry, spec, target, overrides or None, cancel, docker_hosts=docker_hosts)

    def remember(self, scope: str, check_id: str, result: Any) -> None:
        """Keep a check result for the session (shown again when the screen is reopened)."""
        self.results.setdefault(scope, {})[check_id] = result

    def remembered(self, scope: str) -> dict[str, Any]:
        return dict(self.results.get(scope, {}))

    def where_text(self, scope: str, kind: str | None = None, lang: str = "en") -> str:
        """One line: where a check of `kind` runs in `scope` (target, overrides, or its defaults)."""
        from tui.i18n import tr

        ctx = self.context(scope)
        docker = kind is None or kind.startswith("docker.")
        if ctx.target:
            first = tr("target {name}", lang, name=ctx.target)
        elif kind is not None and kind.startswith("host."):
            first = tr("this machine", lang)
        elif docker:
            first = tr("default Docker host", lang)
        else:
            first = tr("the host and port the check names", lang)
        from kb.redact import redact

        parts = [first] + [redact(f"{k}={v}") for k, v in ctx.overrides.items()]
        if ctx.origin:
            parts.append(tr("doctor: {what}", lang, what=ctx.origin))
        return " · ".join(parts)

    def target_names(self) -> list[str]:
        """Names of the Docker hosts and brokers in the config (empty if the config is unreadable)."""
        try:
            from kb.checks.targets import load

            return load().names()
        except Exception:
            return []

    @staticmethod
    def _missing_target(name: str) -> str:
        """Why `name` is no target: in the config but unusable (and why), or not there."""
        try:
            from kb.checks.targets import load

            conf = load()
        except Exception as exc:  # an unreadable config: its one-line fix
            return str(exc)
        if conf.unusable_named(name) is not None:
            return conf.missing(name) + "; fix it on the Targets screen (F8)"
        return f"no target named {name!r} in the config; add it on the Targets screen (F8)"

    def pick_items(self, timeout: float = 2.0) -> tuple[list[PickItem], str | None]:
        """Configured targets, then the containers of the current Docker host (running ones
        first), and why the containers could not be listed (None when they were). Blocking."""
        from kb.checks.present import reason
        from kb.redact import redact

        items: list[PickItem] = []
        try:
            from kb.checks.targets import load, where

            conf = load()
            for h in conf.docker_hosts:
                # a URL's password (tcp://ops:secret@…) is never shown (QA: it was, here)
                items.append(PickItem("docker_host", h.name, redact(h.url or "")))
            for b in conf.brokers:
                items.append(PickItem("broker", b.name, f"{b.kind} {b.host}"))
            for u in conf.unusable:  # shown, not pickable: the user sees why it is not there
                kind = "docker_host" if u.section == "docker_hosts" else "broker"
                items.append(PickItem(kind, u.name, problem=where(u.problems[0])))
        except Exception:  # an unreadable config: containers can still be picked
            pass
        try:
            items.extend(self.containers(timeout=timeout))
        except Exception as exc:  # no Docker here: the targets can still be picked
            return items, redact(reason(exc))
        return items, None

    def containers(self, host: str | None = None, timeout: float = 2.0) -> list[PickItem]:
        """The containers on `host` (default: DOCKER_HOST / the local socket), running ones first,
        then the stopped ones with their status (a tree about a container that stopped needs to
        pick it). Raises when the daemon cannot be reached (`DockerUnavailable` says why)."""
        from kb.checks import dockerclient
        from kb.checks.context import RunContext

        client = dockerclient.get_client(host).bound(RunContext(timeout, threading.Event()))
        rows = client.containers(all=True)
        out = []
        for c in rows:
            names = [str(n).lstrip("/") for n in c.get("Names") or []]
            if not names:
                continue
            running = c.get("State") == "running"
            detail = str(c.get("Image", ""))
            if not running:
                detail += f" · {c.get('Status') or c.get('State') or 'stopped'}"
            out.append((not running, names[0], PickItem("container", names[0], detail, host)))
        return [item for _stopped, _name, item in sorted(out, key=lambda t: (t[0], t[1]))]

    def scope_checks(self, scope: str) -> list[CheckSpec]:
        """The checks that run in `scope`: the entry's own and, for a tree, those its nodes name
        (another entry's included), so an override is checked against what it can reach."""
        entry = self.get(scope)
        if entry is None:
            return []
        specs = list(entry.checks)
        for node in entry.tree.nodes.values() if entry.tree is not None else ():
            resolved = self.resolve_check(entry, node.check) if node.check else None
            if resolved is not None and resolved[1] not in specs:
                specs.append(resolved[1])
        return specs

    def set_check_settings(
        self, scope: str, target: str | None, params_text: str, lang: str = "en"
    ) -> list[str]:
        """Validate and apply a target name and `k=v k=v` overrides to `scope`; returns problems.

        The overrides pass the rule `kb check --set` uses (`validate_overrides`): a name no check
        of the scope declares, or a bad value, is refused, never run on the defaults."""
        from kb.checks.runner import parse_overrides, validate_overrides
        from tui.i18n import tr

        problems: list[str] = []
        target = (target or "").strip() or None
        if target is not None and target not in self.target_names():
            problems.append(self._missing_target(target))
        try:
            overrides = parse_overrides(split_params(params_text))
            validate_overrides(self.scope_checks(scope), overrides, self._target_obj(target))
        except QuoteNotClosed as exc:
            problems.append(tr(QUOTE_NOT_CLOSED, lang, quote=exc.quote))
            overrides = {}
        except ValueError as exc:  # ParamError
            # the dialog's field is the --set: say NAME: …, not --set NAME: …
            problems.append(re.sub(r"--set:? ", "", str(exc)))
            overrides = {}
        if not problems:
            self.set_context(scope, CheckContext(target, overrides))
        return problems

    def doctor(
        self,
        on_progress: Callable[..., None] | None = None,
        hosts: Iterable[str] | None = None,
        lang: str = "en",
    ) -> Any:
        """Scan the configured Docker host(s), findings in `lang`. Returns a `DoctorReport`."""
        from kb.checks.doctor import run_doctor

        return run_doctor(
            self.kbase, hosts=list(hosts) if hosts else None, on_progress=on_progress, lang=lang
        )

    def rescan(self, host: str, containers: Iterable[str], lang: str = "en") -> list[Any]:
        """Doctor findings for just these containers of `host` (a configured name or URL)."""
        from kb.checks.doctor import scan_containers

        return scan_containers(self.kbase, host, list(containers), lang=lang)

    def follow_events(
        self, host: str | None, stop: threading.Event, on_event: Callable[[str, str], None]
    ) -> None:
        """Call `on_event(container, action)` for die/oom/health_status/start until `stop`. Blocking."""
        from kb.checks.doctor import follow_events

        follow_events(host, stop, on_event)

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
            return self.run_check(probe_entry, spec, target=target, overrides={})
        port = next(iter(target.ports.values()), None) or 1883
        spec = CheckSpec(
            id="reach",
            kind="net.tcp",
            title="The broker accepts TCP connections",
            params={"host": target.host, "port": port},
        )
        return self.run_check(probe_entry, spec, overrides={})

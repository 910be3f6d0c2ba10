"""Turn parsed front-matter into `Entry`/`Translation` objects, collecting every problem found.

Each problem is one line with the file's line number and what to do. Validation never raises on bad
data: it reports and goes on, so `kb lint` lists everything at once. Checks that need other
entries (related ids, tree links) live in `kb.loader`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from typing import Any, Literal

from kb.model import (
    KINDS,
    SEVERITIES,
    STATUSES,
    CheckSpec,
    Entry,
    Node,
    Option,
    Problem,
    Source,
    Translation,
    Tree,
    parse_check_ref,
)
from kb.safeyaml import Located

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")
CHECK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
TAG = re.compile(r"^[a-z0-9][a-z0-9.+_-]{0,40}$")
MAX_PATTERN = 512
MAX_TIMEOUT = 30.0

ENTRY_FIELDS = (
    "id",
    "kind",
    "title",
    "summary",
    "products",
    "tags",
    "versions",
    "updated",
    "severity",
    "sources",
    "related",
    "symptoms",
    "signatures",
    "checks",
    "tree",
    "lang",
)
TRANSLATION_FIELDS = ("id", "lang", "title", "summary", "symptoms", "checks", "versions", "tree")

_YAML_READS = {bool: "a boolean", int: "a number", float: "a number", type(None): "null"}


class _Ctx:
    """Collects problems for one file; maps YAML-relative lines to file lines."""

    def __init__(self, path: str, loc: Located, yaml_line: int) -> None:
        self.path = path
        self.loc = loc
        self.offset = yaml_line - 1
        self.problems: list[Problem] = []

    def line(self, *path: Any) -> int:
        return self.loc.line(path) + self.offset

    def error(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(self.path, self.line(*path), message))

    def warn(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(self.path, self.line(*path), message, "warning"))

    def where(self, path: tuple[Any, ...]) -> str:
        return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(
            ".[", "["
        )

    # typed getters: report and return None on a wrong type -----------------------------------
    def want_str(self, value: Any, path: tuple[Any, ...], *, required: bool = False) -> str | None:
        if value is None and path not in self.loc.raw:
            if required:
                self.error(path, f"missing required field {self.where(path)!r}; add it")
            return None
        if value is None and not self.loc.raw.get(path):
            # `title:` with nothing after it: YAML reads null
            if required:
                self.error(path, f"{self.where(path)!r} has no value; write it after the colon")
            return None
        if isinstance(value, str):
            if not value.strip() and required:
                self.error(path, f"{self.where(path)!r} is empty; write something")
                return None
            return value
        self._wrong(value, path, "a string")
        return None

    def want_list(self, value: Any, path: tuple[Any, ...]) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            self.error(
                path,
                f"{self.where(path)!r} must be a list; write it as [{value}] or one '- item' per line",
            )
            return []
        self._wrong(value, path, "a list")
        return []

    def want_str_list(
        self,
        value: Any,
        path: tuple[Any, ...],
        pattern: re.Pattern[str] | None = None,
        what: str = "",
        *,
        unique: bool = False,
    ) -> tuple[str, ...]:
        """A list of strings; with `unique`, an item named again is warned about and dropped."""
        out: list[str] = []
        for i, item in enumerate(self.want_list(value, path)):
            s = self.want_str(item, (*path, i))
            if s is None:
                continue
            if pattern is not None and not pattern.match(s):
                self.error(
                    (*path, i),
                    f"{self.where(path)} item {s!r} is not a valid {what or 'slug'} (lowercase letters, digits, '-')",
                )
                continue
            if unique and s in out:
                self.warn((*path, i), f"{self.where(path)} names {s!r} twice; keep one")
                continue
            out.append(s)
        return tuple(out)

    def want_map(self, value: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        self._wrong(value, path, "a mapping (key: value)")
        return {}

    def _wrong(self, value: Any, path: tuple[Any, ...], expected: str) -> None:
        raw = self.loc.raw.get(path)
        name = self.where(path)
        if raw is not None:
            read_as = _YAML_READS.get(type(value), type(value).__name__)
            if isinstance(value, (dt.date, dt.datetime)):
                read_as = "a date"
            self.error(
                path,
                f'{name!r} must be {expected}, but YAML read {raw} as {read_as}; quote it: "{raw}"',
            )
        else:
            self.error(path, f"{name!r} must be {expected}, not {type(value).__name__}")


def _unknown_fields(
    ctx: _Ctx, data: dict[str, Any], allowed: tuple[str, ...], prefix: tuple[Any, ...] = ()
) -> None:
    for key in data:
        if key not in allowed:
            ctx.error((*prefix, key), f"unknown field {key!r}; allowed: {', '.join(allowed)}")


def _date(ctx: _Ctx, value: Any) -> dt.date | None:
    if value is None:
        ctx.error(("updated",), "missing required field 'updated'; add updated: YYYY-MM-DD")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    ctx.error(("updated",), f"'updated' must be a date YYYY-MM-DD, got {value!r}")
    return None


def _signatures(ctx: _Ctx, value: Any) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    """(every valid signature, the primary ones, the file line of each valid one). An item is a pattern string, or a mapping
    `{pattern: ..., primary: true}` marking the signature that names the entry's own problem
    (it wins a tie against an entry that merely shares the line)."""
    from kb.signatures import compile_pattern

    out = []
    primary = []
    lines: list[int] = []
    for i, item in enumerate(ctx.want_list(value, ("signatures",))):
        is_primary = False
        if isinstance(item, dict):
            unknown = sorted(set(item) - {"pattern", "primary"})
            if unknown:
                ctx.error(
                    ("signatures", i),
                    f"unknown key {unknown[0]!r} in a signature; use 'pattern' and 'primary'",
                )
                continue
            flag = item.get("primary", False)
            if not isinstance(flag, bool):
                ctx.error(("signatures", i, "primary"), "'primary' must be true or false")
                continue
            is_primary = flag
            # a mapping without `pattern` ({primary: true}, {}) matches nothing: say so
            pattern = ctx.want_str(item.get("pattern"), ("signatures", i, "pattern"), required=True)
        else:
            pattern = ctx.want_str(item, ("signatures", i), required=True)
        if pattern is None:
            continue
        if len(pattern) > MAX_PATTERN:
            ctx.error(
                ("signatures", i), f"signature longer than {MAX_PATTERN} characters; shorten it"
            )
            continue
        regex, err = compile_pattern(pattern)
        if err:
            ctx.error(
                ("signatures", i),
                f"signature does not compile under RE2 ({err})"
                + (
                    "; RE2 has no lookaround or backreferences"
                    if "perl operator" in err or "escape sequence" in err
                    else "; fix it"
                ),
            )
            continue
        if regex is not None and regex.search("") is not None:
            ctx.error(
                ("signatures", i),
                f"signature {pattern!r} matches the empty string, so it matches every log line; "
                "make it require the text of the log line",
            )
            continue
        out.append(pattern)
        lines.append(ctx.line("signatures", i))
        if is_primary:
            primary.append(pattern)
    return tuple(out), tuple(primary), tuple(lines)


def _checks(ctx: _Ctx, value: Any) -> tuple[CheckSpec, ...]:
    if value is None or value == []:
        return ()  # most entries of a large KB have no checks: skip loading the registry
    from kb.checks import registry

    specs: list[CheckSpec] = []
    seen: set[str] = set()
    allowed = ("id", "kind", "title", "params", "on_fail", "timeout")
    for i, raw in enumerate(ctx.want_list(value, ("checks",))):
        path = ("checks", i)
        item = ctx.want_map(raw, path)
        if not item:
            continue
        _unknown_fields(ctx, item, allowed, path)
        cid = ctx.want_str(item.get("id"), (*path, "id"), required=True)
        kind = ctx.want_str(item.get("kind"), (*path, "kind"), required=True)
        title = ctx.want_str(item.get("title"), (*path, "title"), required=True)
        params = ctx.want_map(item.get("params"), (*path, "params"))
        on_fail = item.get("on_fail", "fail")
        timeout = item.get("timeout")
        ok = bool(cid and kind and title)
        if cid is not None:
            if not CHECK_ID.match(cid):
                ctx.error(
                    (*path, "id"),
                    f"check id {cid!r} must be a slug (lowercase letters, digits, '-')",
                )
                ok = False
            elif cid in seen:
                ctx.error(
                    (*path, "id"),
                    f"duplicate check id {cid!r}; check ids are unique within an entry",
                )
                ok = False
            seen.add(cid)
        if kind is not None:
            for message in registry.validate_params(kind, params):
                sub: tuple[str | int, ...] = (
                    (*path, "kind")
                    if message.startswith("unknown check kind")
                    else (*path, "params")
                )
                for name in params:
                    if f"{name!r}" in message:
                        sub = (*path, "params", name)
                        break
                ctx.error(sub, message)
                ok = False
        pattern = params.get("pattern")
        if isinstance(pattern, str):
            from kb.signatures import compile_pattern

            err = compile_pattern(pattern)[1]
            if err:
                ctx.error(
                    (*path, "params", "pattern"),
                    f"pattern does not compile under RE2 ({err}); RE2 has no lookaround or backreferences",
                )
                ok = False
        if on_fail == "fail" or on_fail == "warn":
            severity: Literal["fail", "warn"] = on_fail
        else:
            ctx.error((*path, "on_fail"), "on_fail must be 'fail' or 'warn'")
            ok = False
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not 0 < timeout <= MAX_TIMEOUT
        ):
            ctx.error(
                (*path, "timeout"), f"timeout must be a number of seconds in (0, {MAX_TIMEOUT:g}]"
            )
            ok = False
        if ok and cid and kind and title:
            specs.append(
                CheckSpec(
                    id=cid,
                    kind=kind,
                    title=title,
                    params=dict(params),
                    on_fail=severity,
                    timeout=float(timeout) if timeout is not None else None,
                    line=ctx.line(*path),
                )
            )
    return tuple(specs)


def _tree(ctx: _Ctx, value: Any, checks: tuple[CheckSpec, ...]) -> Tree | None:
    if value is None:
        return None
    data = ctx.want_map(value, ("tree",))
    if not data:
        return None
    _unknown_fields(ctx, data, ("start", "nodes"), ("tree",))
    start = ctx.want_str(data.get("start"), ("tree", "start"), required=True)
    raw_nodes = ctx.want_map(data.get("nodes"), ("tree", "nodes"))
    if not raw_nodes:
        ctx.error(("tree",), "tree has no nodes; add tree.nodes")
        return None
    check_ids = {c.id for c in checks}
    nodes: dict[str, Node] = {}
    for nid, raw in raw_nodes.items():
        path = ("tree", "nodes", nid)
        item = ctx.want_map(raw, path)
        _unknown_fields(
            ctx, item, ("question", "options", "check", "conclusion", "entry", "fix"), path
        )
        question = ctx.want_str(item.get("question"), (*path, "question"))
        conclusion = ctx.want_str(item.get("conclusion"), (*path, "conclusion"))
        if (question is None) == (conclusion is None):
            ctx.error(path, f"node {nid!r} must have exactly one of 'question' or 'conclusion'")
            continue
        check = ctx.want_str(item.get("check"), (*path, "check"))
        if check is not None and parse_check_ref(check)[0] is None and check not in check_ids:
            ctx.error(
                (*path, "check"),
                f"node {nid!r} names check {check!r}, which this entry does not declare",
            )
        options: list[Option] = []
        used: dict[str, int] = {}
        for i, raw_opt in enumerate(ctx.want_list(item.get("options"), (*path, "options"))):
            opath = (*path, "options", i)
            omap = ctx.want_map(raw_opt, opath)
            _unknown_fields(ctx, omap, ("label", "goto", "when"), opath)
            label = ctx.want_str(omap.get("label"), (*opath, "label"), required=True)
            goto = ctx.want_str(omap.get("goto"), (*opath, "goto"), required=True)
            when = ctx.want_str_list(omap.get("when"), (*opath, "when"))
            for status in when:
                if status not in STATUSES:
                    ctx.error(
                        (*opath, "when"),
                        f"'when' status {status!r} is not one of {', '.join(STATUSES)}",
                    )
                elif status in used:
                    ctx.error(
                        (*opath, "when"),
                        f"status {status!r} already selects option {used[status] + 1}; use it once per node",
                    )
                else:
                    used[status] = i
            if goto:
                # a label of the wrong type (yes/no read as booleans) is reported above; the
                # option still counts for the tree's structure, so that no false errors follow
                shown = label if label else str(omap.get("label", f"option {i + 1}"))
                options.append(Option(label=shown, goto=goto, when=when))
        if question is not None and len(options) < 2:
            ctx.error(path, f"question node {nid!r} needs at least two options")
        if conclusion is not None and options:
            ctx.error((*path, "options"), f"conclusion node {nid!r} cannot have options")
        nodes[nid] = Node(
            id=nid,
            question=question,
            options=tuple(options),
            check=check,
            conclusion=conclusion,
            entry=ctx.want_str(item.get("entry"), (*path, "entry")),
            fix=ctx.want_str(item.get("fix"), (*path, "fix")),
            line=ctx.line(*path),
        )
    if start is None:
        return None
    if start not in nodes:
        ctx.error(
            ("tree", "start"), f"tree start {start!r} is not a node; use one of: {', '.join(nodes)}"
        )
        return None
    for node in nodes.values():
        for i, opt in enumerate(node.options):
            if opt.goto not in nodes:
                ctx.error(
                    ("tree", "nodes", node.id, "options", i, "goto"),
                    f"option goes to {opt.goto!r}, which is not a node of this tree",
                )
    # every node reachable from start
    seen = {start}
    queue = deque([start])
    while queue:
        for opt in nodes[queue.popleft()].options:
            if opt.goto in nodes and opt.goto not in seen:
                seen.add(opt.goto)
                queue.append(opt.goto)
    for nid in nodes:
        if nid not in seen:
            ctx.error(
                ("tree", "nodes", nid),
                f"node {nid!r} cannot be reached from start {start!r}; link to it or remove it",
            )
    # every node can reach a conclusion (no cycle without an exit)
    can_end = {nid for nid, n in nodes.items() if n.is_conclusion}
    changed = True
    while changed:
        changed = False
        for nid, n in nodes.items():
            if nid not in can_end and any(o.goto in can_end for o in n.options):
                can_end.add(nid)
                changed = True
    for nid in nodes:
        if nid in seen and nid not in can_end:
            ctx.error(
                ("tree", "nodes", nid),
                f"from node {nid!r} no path ends in a conclusion (a loop?); add an exit",
            )
    return Tree(start=start, nodes=nodes)


def build_entry(
    path: str, file_id: str, loc: Located, yaml_line: int, body: str, body_line: int
) -> tuple[Entry | None, list[Problem]]:
    """Validate an English entry's front-matter. Returns (entry or None, problems)."""
    ctx = _Ctx(path, loc, yaml_line)
    data = loc.data
    if not isinstance(data, dict):
        ctx.error((), "front-matter must be a YAML mapping of fields (id: ..., kind: ..., ...)")
        return None, ctx.problems
    _unknown_fields(ctx, data, ENTRY_FIELDS)
    eid = ctx.want_str(data.get("id"), ("id",), required=True)
    if eid is not None and SLUG.match(eid) and eid != file_id:
        ctx.error(
            ("id",),
            f"id {eid!r} does not match the file name {file_id!r}; rename the file or fix the id",
        )
    if eid is not None and not SLUG.match(eid):
        ctx.error(
            ("id",),
            f"id {eid!r} must be a slug: lowercase letters, digits and '-', 2-81 characters",
        )
    lang = data.get("lang", "en")
    if lang != "en":
        ctx.error(
            ("lang",),
            f"an English entry file has lang 'en' (or none); name translations <id>.{lang}.md",
        )
    kind = ctx.want_str(data.get("kind"), ("kind",), required=True)
    if kind is not None and kind not in KINDS:
        ctx.error(("kind",), f"kind {kind!r} is not one of {', '.join(KINDS)}")
        kind = None
    title = ctx.want_str(data.get("title"), ("title",), required=True)
    if title and len(title) > 160:
        ctx.error(("title",), "title is longer than 160 characters; move detail to the summary")
    summary = ctx.want_str(data.get("summary"), ("summary",), required=True)
    before = len(ctx.problems)
    products = ctx.want_str_list(data.get("products"), ("products",), TAG, "product", unique=True)
    if "products" in data and not products and len(ctx.problems) == before:
        ctx.error(("products",), "products is empty; name at least one product (emqx, docker, …)")
    elif "products" not in data:
        ctx.error(("products",), "missing required field 'products'; add e.g. products: [emqx]")
    tags = ctx.want_str_list(data.get("tags"), ("tags",), TAG, "tag", unique=True)
    versions: dict[str, str] = {}
    for key, val in ctx.want_map(data.get("versions"), ("versions",)).items():
        s = ctx.want_str(val, ("versions", key))
        if s is not None:
            versions[key] = s
    updated = _date(ctx, data.get("updated"))
    severity = ctx.want_str(data.get("severity"), ("severity",))
    if severity is not None and severity not in SEVERITIES:
        ctx.error(
            ("severity",), f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}"
        )
        severity = None
    if severity is not None and not data.get("signatures"):
        ctx.warn(
            ("severity",), "severity only sets the alert level of signature matches; add signatures"
        )
    sources: list[Source] = []
    for i, raw in enumerate(ctx.want_list(data.get("sources"), ("sources",))):
        item = ctx.want_map(raw, ("sources", i))
        if not item:
            continue
        _unknown_fields(ctx, item, ("title", "url", "ref"), ("sources", i))
        stitle = ctx.want_str(item.get("title"), ("sources", i, "title"), required=True)
        url = ctx.want_str(item.get("url"), ("sources", i, "url"))
        if url is not None and not re.match(r"^https?://", url):
            ctx.error(("sources", i, "url"), "source url must start with http:// or https://")
            url = None
        if stitle:
            sources.append(
                Source(stitle, url, ctx.want_str(item.get("ref"), ("sources", i, "ref")))
            )
    related = ctx.want_str_list(data.get("related"), ("related",), SLUG, "entry id", unique=True)
    before = len(ctx.problems)
    symptoms = ctx.want_str_list(data.get("symptoms"), ("symptoms",), unique=True)
    symptoms_broken = len(ctx.problems) > before
    signatures, primary_signatures, signature_lines = _signatures(ctx, data.get("signatures"))
    checks = _checks(ctx, data.get("checks"))
    tree = _tree(ctx, data.get("tree"), checks)
    if kind == "incident" and not symptoms and not symptoms_broken:
        ctx.error(("symptoms",), "an incident needs symptoms: short phrases a user would type")
    if kind == "tree" and tree is None and "tree" not in data:
        ctx.error(("kind",), "an entry of kind 'tree' needs a 'tree' field")
    if not body.strip():
        ctx.warn(("id",), "the body is empty; write the entry's text below the front-matter")
    if any(p.severity == "error" for p in ctx.problems) and not (
        eid and kind and title and summary
    ):
        return None, ctx.problems
    entry = Entry(
        id=eid or file_id,
        kind=kind or "faq",
        title=title or "",
        summary=summary or "",
        body=body,
        path=path,
        products=products,
        tags=tags,
        versions=versions,
        updated=updated,
        severity=severity,
        sources=tuple(sources),
        related=related,
        symptoms=symptoms,
        signatures=signatures,
        primary_signatures=primary_signatures,
        signature_lines=signature_lines,
        checks=checks,
        tree=tree,
        body_line=body_line,
    )
    return entry, ctx.problems


def _untranslated(
    ctx: _Ctx,
    lang: str,
    entry: Entry,
    check_titles: dict[str, str],
    versions: dict[str, str],
    tree_text: dict[str, dict[str, Any]],
) -> None:
    """A warning per field the translation leaves in English (readers of `lang` see it mixed in:
    version notes, check titles, tree questions and answers)."""
    left = {
        "versions": [k for k in entry.versions if k not in versions],
        "checks": [c.id for c in entry.checks if c.id not in check_titles],
    }
    if entry.tree is not None:
        left["tree"] = [
            nid
            for nid, node in entry.tree.nodes.items()
            if any(
                getattr(node, key) and key not in tree_text.get(nid, {})
                for key in ("question", "conclusion", "fix", "options")
            )
        ]
    for key, missing in left.items():
        if missing:
            ctx.warn(
                (key,),
                f"{key} not translated to {lang!r} (shown in English): {', '.join(missing)}",
            )


def build_translation(
    path: str, file_id: str, lang: str, loc: Located, yaml_line: int, body: str, entry: Entry | None
) -> tuple[Translation | None, list[Problem]]:
    """Validate a `<id>.<lang>.md` companion against its English entry."""
    ctx = _Ctx(path, loc, yaml_line)
    data = loc.data
    if not isinstance(data, dict):
        ctx.error((), "front-matter must be a YAML mapping of fields")
        return None, ctx.problems
    _unknown_fields(ctx, data, TRANSLATION_FIELDS)
    tid = ctx.want_str(data.get("id"), ("id",), required=True)
    if tid is not None and tid != file_id:
        ctx.error(("id",), f"id {tid!r} does not match the file name {file_id!r}")
    if data.get("lang", lang) != lang:
        ctx.error(
            ("lang",), f"lang {data.get('lang')!r} does not match the file name suffix .{lang}.md"
        )
    title = ctx.want_str(data.get("title"), ("title",), required=True)
    summary = ctx.want_str(data.get("summary"), ("summary",), required=True)
    symptoms = ctx.want_str_list(data.get("symptoms"), ("symptoms",), unique=True)
    check_titles: dict[str, str] = {}
    known_checks = {c.id for c in entry.checks} if entry else set()
    for cid, val in ctx.want_map(data.get("checks"), ("checks",)).items():
        s = ctx.want_str(val, ("checks", cid))
        if entry is not None and cid not in known_checks:
            ctx.error(("checks", cid), f"check {cid!r} is not declared by the English entry")
        elif s is not None:
            check_titles[cid] = s
    versions: dict[str, str] = {}
    for key, val in ctx.want_map(data.get("versions"), ("versions",)).items():
        s = ctx.want_str(val, ("versions", key))
        if entry is not None and key not in entry.versions:
            ctx.error(("versions", key), f"versions key {key!r} is not in the English entry")
        elif s is not None:
            versions[str(key)] = s
    tree_text: dict[str, dict[str, Any]] = {}
    for nid, raw in ctx.want_map(data.get("tree"), ("tree",)).items():
        npath = ("tree", nid)
        item = ctx.want_map(raw, npath)
        _unknown_fields(ctx, item, ("question", "conclusion", "fix", "options"), npath)
        node = entry.tree.nodes.get(nid) if entry and entry.tree else None
        if entry is not None and node is None:
            ctx.error(npath, f"tree node {nid!r} does not exist in the English entry")
            continue
        text: dict[str, Any] = {}
        for key in ("question", "conclusion", "fix"):
            s = ctx.want_str(item.get(key), (*npath, key))
            if s is not None:
                text[key] = s
        labels = ctx.want_str_list(item.get("options"), (*npath, "options"))
        if labels:
            if node is not None and len(labels) != len(node.options):
                ctx.error(
                    (*npath, "options"),
                    f"{len(labels)} option labels for {len(node.options)} options; keep the same count and order",
                )
            text["options"] = list(labels)
        tree_text[nid] = text
    if entry is not None:
        _untranslated(ctx, lang, entry, check_titles, versions, tree_text)
    if entry is None or title is None or summary is None:
        return None, ctx.problems
    return Translation(
        lang=lang,
        path=path,
        title=title,
        summary=summary,
        body=body,
        symptoms=symptoms,
        check_titles=check_titles,
        versions=versions,
        tree_text=tree_text,
    ), ctx.problems

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
from kb.words import Words

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

_YAML_READS = {
    bool: Words("a boolean"),
    int: Words("a number"),
    float: Words("a number"),
    type(None): Words("null"),
}


class _Ctx:
    """Collects problems for one file; maps YAML-relative lines to file lines. A problem is
    kb's words, a template with the user's values as fields (kb.words.Words), so that `kb lint`
    says it in the reader's language with the ids, keys and patterns as typed."""

    def __init__(self, path: str, loc: Located, yaml_line: int) -> None:
        self.path = path
        self.loc = loc
        self.offset = yaml_line - 1
        self.problems: list[Problem] = []

    def line(self, *path: Any) -> int:
        return self.loc.line(path) + self.offset

    def error(self, path: tuple[Any, ...], message: str, /, **fields: object) -> None:
        said = message if isinstance(message, Words) else Words(message, **fields)
        self.problems.append(Problem(self.path, self.line(*path), said))

    def warn(self, path: tuple[Any, ...], message: str, /, **fields: object) -> None:
        said = message if isinstance(message, Words) else Words(message, **fields)
        self.problems.append(Problem(self.path, self.line(*path), said, "warning"))

    def where(self, path: tuple[Any, ...]) -> str:
        return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(
            ".[", "["
        )

    # typed getters: report and return None on a wrong type -----------------------------------
    def want_str(self, value: Any, path: tuple[Any, ...], *, required: bool = False) -> str | None:
        if value is None and path not in self.loc.raw:
            if required:
                self.error(path, "missing required field {field!r}; add it", field=self.where(path))
            return None
        if value is None and not self.loc.raw.get(path):
            # `title:` with nothing after it: YAML reads null
            if required:
                self.error(
                    path, "{field!r} has no value; write it after the colon", field=self.where(path)
                )
            return None
        if isinstance(value, str):
            if not value.strip() and required:
                self.error(path, "{field!r} is empty; write something", field=self.where(path))
                return None
            return value
        self._wrong(value, path, Words("a string"))
        return None

    def want_list(self, value: Any, path: tuple[Any, ...]) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            self.error(
                path,
                "{field!r} must be a list; write it as [{value}] or one '- item' per line",
                field=self.where(path),
                value=value,
            )
            return []
        self._wrong(value, path, Words("a list"))
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
                    "{field} item {item!r} is not a valid {what} (lowercase letters, digits, '-')",
                    field=self.where(path),
                    item=s,
                    what=Words(what or "slug"),
                )
                continue
            if unique and s in out:
                self.warn(
                    (*path, i),
                    "{field} names {item!r} twice; keep one",
                    field=self.where(path),
                    item=s,
                )
                continue
            out.append(s)
        return tuple(out)

    def want_map(self, value: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        self._wrong(value, path, Words("a mapping (key: value)"))
        return {}

    def _wrong(self, value: Any, path: tuple[Any, ...], expected: str) -> None:
        raw = self.loc.raw.get(path)
        name = self.where(path)
        if raw is not None:
            read_as: str = _YAML_READS.get(type(value), type(value).__name__)
            if isinstance(value, (dt.date, dt.datetime)):
                read_as = Words("a date")
            self.error(
                path,
                '{field!r} must be {expected}, but YAML read {raw} as {read_as}; quote it: "{raw}"',
                field=name,
                expected=expected,
                raw=raw,
                read_as=read_as,
            )
        else:
            self.error(
                path,
                "{field!r} must be {expected}, not {type}",
                field=name,
                expected=expected,
                type=type(value).__name__,
            )


def _unknown_fields(
    ctx: _Ctx, data: dict[str, Any], allowed: tuple[str, ...], prefix: tuple[Any, ...] = ()
) -> None:
    for key in data:
        if key not in allowed:
            ctx.error(
                (*prefix, key),
                "unknown field {key!r}; allowed: {allowed}",
                key=key,
                allowed=", ".join(allowed),
            )


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
    ctx.error(("updated",), "'updated' must be a date YYYY-MM-DD, got {value!r}", value=value)
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
                    "unknown key {key!r} in a signature; use 'pattern' and 'primary'",
                    key=unknown[0],
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
                ("signatures", i),
                "signature longer than {max} characters; shorten it",
                max=MAX_PATTERN,
            )
            continue
        regex, err = compile_pattern(pattern)
        if err:
            ctx.error(
                ("signatures", i),
                "signature does not compile under RE2 ({err}){hint}",
                err=err,  # RE2's own words
                hint=Words(
                    "; RE2 has no lookaround or backreferences"
                    if "perl operator" in err or "escape sequence" in err
                    else "; fix it"
                ),
            )
            continue
        if regex is not None and regex.search("") is not None:
            ctx.error(
                ("signatures", i),
                "signature {pattern!r} matches the empty string, so it matches every log line; "
                "make it require the text of the log line",
                pattern=pattern,
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
                    "check id {id!r} must be a slug (lowercase letters, digits, '-')",
                    id=cid,
                )
                ok = False
            elif cid in seen:
                ctx.error(
                    (*path, "id"),
                    "duplicate check id {id!r}; check ids are unique within an entry",
                    id=cid,
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
                    "pattern does not compile under RE2 ({err}); RE2 has no lookaround or "
                    "backreferences",
                    err=err,
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
                (*path, "timeout"),
                "timeout must be a number of seconds in (0, {max:g}]",
                max=MAX_TIMEOUT,
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
            ctx.error(
                path, "node {node!r} must have exactly one of 'question' or 'conclusion'", node=nid
            )
            continue
        check = ctx.want_str(item.get("check"), (*path, "check"))
        if check is not None and parse_check_ref(check)[0] is None and check not in check_ids:
            ctx.error(
                (*path, "check"),
                "node {node!r} names check {check!r}, which this entry does not declare",
                node=nid,
                check=check,
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
                        "'when' status {status!r} is not one of {statuses}",
                        status=status,
                        statuses=", ".join(STATUSES),
                    )
                elif status in used:
                    ctx.error(
                        (*opath, "when"),
                        "status {status!r} already selects option {n}; use it once per node",
                        status=status,
                        n=used[status] + 1,
                    )
                else:
                    used[status] = i
            if goto:
                # a label of the wrong type (yes/no read as booleans) is reported above; the
                # option still counts for the tree's structure, so that no false errors follow
                shown = label if label else str(omap.get("label", f"option {i + 1}"))
                options.append(Option(label=shown, goto=goto, when=when))
        if question is not None and len(options) < 2:
            ctx.error(path, "question node {node!r} needs at least two options", node=nid)
        if conclusion is not None and options:
            ctx.error((*path, "options"), "conclusion node {node!r} cannot have options", node=nid)
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
            ("tree", "start"),
            "tree start {start!r} is not a node; use one of: {nodes}",
            start=start,
            nodes=", ".join(nodes),
        )
        return None
    for node in nodes.values():
        for i, opt in enumerate(node.options):
            if opt.goto not in nodes:
                ctx.error(
                    ("tree", "nodes", node.id, "options", i, "goto"),
                    "option goes to {goto!r}, which is not a node of this tree",
                    goto=opt.goto,
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
                "node {node!r} cannot be reached from start {start!r}; link to it or remove it",
                node=nid,
                start=start,
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
                "from node {node!r} no path ends in a conclusion (a loop?); add an exit",
                node=nid,
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
            "id {id!r} does not match the file name {file!r}; rename the file or fix the id",
            id=eid,
            file=file_id,
        )
    if eid is not None and not SLUG.match(eid):
        ctx.error(
            ("id",),
            "id {id!r} must be a slug: lowercase letters, digits and '-', 2-81 characters",
            id=eid,
        )
    lang = data.get("lang", "en")
    if lang != "en":
        ctx.error(
            ("lang",),
            "an English entry file has lang 'en' (or none); name translations <id>.{lang}.md",
            lang=lang,
        )
    kind = ctx.want_str(data.get("kind"), ("kind",), required=True)
    if kind is not None and kind not in KINDS:
        ctx.error(
            ("kind",), "kind {kind!r} is not one of {kinds}", kind=kind, kinds=", ".join(KINDS)
        )
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
            ("severity",),
            "severity must be one of {severities}, got {severity!r}",
            severities=", ".join(SEVERITIES),
            severity=severity,
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
                "{key} not translated to {lang!r} (shown in English): {missing}",
                key=key,
                lang=lang,
                missing=", ".join(missing),
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
        ctx.error(("id",), "id {id!r} does not match the file name {file!r}", id=tid, file=file_id)
    if data.get("lang", lang) != lang:
        ctx.error(
            ("lang",),
            "lang {lang!r} does not match the file name suffix .{suffix}.md",
            lang=data.get("lang"),
            suffix=lang,
        )
    title = ctx.want_str(data.get("title"), ("title",), required=True)
    summary = ctx.want_str(data.get("summary"), ("summary",), required=True)
    symptoms = ctx.want_str_list(data.get("symptoms"), ("symptoms",), unique=True)
    check_titles: dict[str, str] = {}
    known_checks = {c.id for c in entry.checks} if entry else set()
    for cid, val in ctx.want_map(data.get("checks"), ("checks",)).items():
        s = ctx.want_str(val, ("checks", cid))
        if entry is not None and cid not in known_checks:
            ctx.error(
                ("checks", cid), "check {check!r} is not declared by the English entry", check=cid
            )
        elif s is not None:
            check_titles[cid] = s
    versions: dict[str, str] = {}
    for key, val in ctx.want_map(data.get("versions"), ("versions",)).items():
        s = ctx.want_str(val, ("versions", key))
        if entry is not None and key not in entry.versions:
            ctx.error(
                ("versions", key), "versions key {key!r} is not in the English entry", key=key
            )
        elif s is not None:
            versions[str(key)] = s
    tree_text: dict[str, dict[str, Any]] = {}
    for nid, raw in ctx.want_map(data.get("tree"), ("tree",)).items():
        npath = ("tree", nid)
        item = ctx.want_map(raw, npath)
        _unknown_fields(ctx, item, ("question", "conclusion", "fix", "options"), npath)
        node = entry.tree.nodes.get(nid) if entry and entry.tree else None
        if entry is not None and node is None:
            ctx.error(npath, "tree node {node!r} does not exist in the English entry", node=nid)
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
                    "{labels} option labels for {options} options; keep the same count and order",
                    labels=len(labels),
                    options=len(node.options),
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

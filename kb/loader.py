"""Find and load knowledge bases: sources in precedence order, per-id overrides, validation.

Sources, lowest to highest precedence: the bundled KB, `kb_paths` in the config file, `KB_PATH`
(os.pathsep-separated), then `--kb PATH` options. A later source overrides an entry with the same
id; the entry remembers which files it overrode. `discover` only looks at file names (cheap, so
the indexer can decide what changed without parsing); `load_group` parses and validates one entry;
`load_kb` loads everything and adds the checks that need all entries (links between entries).
One bad file never stops the others: it becomes `Problem`s and the rest loads.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kb import paths
from kb.model import CheckSpec, Entry, Problem, parse_check_ref, resolve_check_ref
from kb.words import Words

if TYPE_CHECKING:
    from kb.frontmatter import Split
    from kb.safeyaml import Located

FILE_RE = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]{1,80})(?:\.(?P<lang>[a-z]{2}))?\.md$")
KB_PATH_ENV = "KB_PATH"


@dataclass(frozen=True)
class EntryFile:
    id: str
    lang: str
    #: the file's path as discovered; a str, so that discovering 15 000 files builds no `Path`
    #: (an index update compares path strings and never needs one)
    file: str
    root: Path

    @cached_property
    def path(self) -> Path:
        return Path(self.file)


@dataclass
class EntryGroup:
    """The files that make up one entry after overrides: English file and translations."""

    id: str
    en: EntryFile | None = None
    translations: dict[str, EntryFile] = field(default_factory=dict)
    overridden: list[Path] = field(default_factory=list)

    @property
    def files(self) -> list[EntryFile]:
        return ([self.en] if self.en else []) + [
            self.translations[k] for k in sorted(self.translations)
        ]


@dataclass
class KnowledgeBase:
    entries: dict[str, Entry]
    problems: list[Problem]
    sources: list[Path]
    groups: dict[str, EntryGroup] = field(default_factory=dict)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def resolve_check(self, entry: Entry, ref: str | None) -> tuple[Entry, CheckSpec] | None:
        """The check a tree node of `entry` names: `check-id`, or `<entry-id>#<check-id>`."""
        return resolve_check_ref(self.entries, entry, ref)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def kb_sources(
    extra: Iterable[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    config: bool = True,
    env: bool = True,
) -> list[Path]:
    """KB folders in precedence order (lowest first), without duplicates."""
    found: list[Path] = []
    if bundled:
        found.append(paths.bundled_kb())
    if config:
        from kb.config import load_located

        data, _located, config_file = load_located()
        for p in data.get("kb_paths", []):
            # a relative folder is read from the config file's folder, not from wherever kb runs
            found.append(config_file.parent / Path(p).expanduser())
    if env:
        for p in os.environ.get(KB_PATH_ENV, "").split(os.pathsep):
            if p.strip():
                found.append(Path(p.strip()).expanduser())
    found.extend(Path(p).expanduser() for p in extra)
    out: list[Path] = []
    seen: set[Path] = set()
    for p in found:
        key = p.resolve() if p.exists() else p.absolute()
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _entry_files(root: Path, problems: list[Problem]) -> Iterable[EntryFile]:
    if root.is_file():
        m = FILE_RE.match(root.name)
        if m:
            yield EntryFile(m["id"], m["lang"] or "en", str(root), root.parent)
        else:
            problems.append(
                Problem(
                    str(root), 1, Words("not an entry file name; name it <id>.md or <id>.<lang>.md")
                )
            )
        return
    if not root.is_dir():
        problems.append(
            Problem(
                str(root),
                0,
                Words(
                    "KB folder does not exist; fix the path (--kb, KB_PATH or config kb_paths)"
                    if not root.exists()
                    else "not a folder or .md file; fix the path (--kb, KB_PATH or config kb_paths)"
                ),
            )
        )
        return
    real_root = root.resolve()
    # `root` is a normalised Path, so each entry.path is what str(Path(entry.path)) would be,
    # except for the "./" that scanning "." puts in front
    cut = 2 if str(root) == "." else 0
    for _dirpath, files in _scan(str(root), problems):
        for entry in files:
            m = FILE_RE.match(entry.name)
            if not m:
                if entry.name.endswith(".md") and _starts_front_matter(entry.path):
                    problems.append(
                        Problem(
                            entry.path[cut:],
                            1,
                            Words(
                                "looks like an entry, but its name is not an entry id: name it "
                                "<id>.md or <id>.<lang>.md (lower case, digits, hyphens); not loaded"
                            ),
                            "warning",
                        )
                    )
                continue
            if not entry.is_symlink():
                yield EntryFile(m["id"], m["lang"] or "en", entry.path[cut:], root)
                continue
            path = Path(entry.path)
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError) as exc:  # RuntimeError: loop (Python < 3.13)
                loop = isinstance(exc, RuntimeError) or getattr(exc, "errno", 0) == errno.ELOOP
                problems.append(
                    Problem(
                        str(path),
                        0,
                        Words(
                            "symlink loop; fix or remove the link"
                            if loop
                            else "symlink target does not exist; fix or remove the link"
                        ),
                    )
                )
                continue
            if not _inside(target, real_root):
                problems.append(
                    Problem(
                        str(path),
                        0,
                        Words("symlink leads out of the KB folder; not followed"),
                        "warning",
                    )
                )
                continue
            yield EntryFile(m["id"], m["lang"] or "en", entry.path[cut:], root)


def _starts_front_matter(path: str) -> bool:
    """The file begins with a front-matter fence (`---`): a regular file only, 3 bytes read."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as fh:
            return fh.read(3) == b"---"
    except OSError:
        return False


def _scan(
    dirpath: str, problems: list[Problem] | None = None
) -> Iterable[tuple[str, list[os.DirEntry[str]]]]:
    """os.walk(followlinks=False), top-down, sorted, skipping folders starting with '.' or '_'
    (a linked folder is a warning, not followed),
    but on DirEntry objects: their is_symlink() costs no system call, which makes discovery of
    15 000 files ~5x faster (every `kb search` after a file was added or renamed pays it). A
    folder that cannot be read is a problem (its entries would vanish without a word)."""
    try:
        with os.scandir(dirpath) as it:
            entries = list(it)
    except OSError as exc:
        if problems is not None:
            problems.append(
                Problem(
                    dirpath,
                    0,
                    Words(
                        "cannot read this folder ({why}); its entries are skipped",
                        why=Words(exc.strerror or str(exc)),
                    ),
                )
            )
        return
    files, dirs = [], []
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            files.append(e)
        elif e.name.startswith((".", "_")):
            continue
        elif not e.is_symlink():
            dirs.append(e.name)
        elif problems is not None:
            # a linked folder could loop or hold the same entries twice: not followed, but said
            problems.append(
                Problem(
                    e.path,
                    0,
                    Words(
                        "folder symlink not followed; its entries are not loaded (add the folder"
                        " with --kb or KB_PATH, or link the entry files themselves)"
                    ),
                    "warning",
                )
            )
    files.sort(key=lambda e: e.name)
    yield dirpath, files
    for name in sorted(dirs):
        yield from _scan(os.path.join(dirpath, name), problems)


def discover(sources: list[Path], problems: list[Problem] | None = None) -> dict[str, EntryGroup]:
    """Entry groups by id, after overrides. Looks at names only; never parses."""
    problems = problems if problems is not None else []
    groups: dict[str, EntryGroup] = {}
    for root in sources:
        seen_here: dict[tuple[str, str], str] = {}
        for ef in _entry_files(root, problems):
            key = (ef.id, ef.lang)
            if key in seen_here:
                problems.append(
                    Problem(
                        ef.file,
                        1,
                        Words(
                            "duplicate id {id!r}: also {other}; ids are unique within a KB folder",
                            id=ef.id,
                            other=seen_here[key],
                        ),
                    )
                )
                continue
            seen_here[key] = ef.file
            group = groups.get(ef.id)
            if group is None:
                group = groups[ef.id] = EntryGroup(ef.id)
            if ef.lang == "en":
                if group.en is not None:
                    group.overridden.append(group.en.path)
                    # translations of the overridden file describe the old text: drop them
                    for lang, tr in list(group.translations.items()):
                        if tr.root != root:
                            group.overridden.append(tr.path)
                            del group.translations[lang]
                group.en = ef
            else:
                if lang_prev := group.translations.get(ef.lang):
                    group.overridden.append(lang_prev.path)
                group.translations[ef.lang] = ef
    return dict(sorted(groups.items()))


def _not_regular(ef: EntryFile, problems: list[Problem]) -> None:
    problems.append(
        Problem(
            str(ef.path),
            0,
            Words(
                "not a regular file (a named pipe, device or folder); skipped without opening it"
            ),
            "warning",
        )
    )


def _read(ef: EntryFile, problems: list[Problem]) -> tuple[bytes, str, float] | None:
    """(bytes, text, mtime) of one entry file, or None with a problem recorded.

    The file is checked with stat before it is opened (a named pipe would block forever, a device
    or a sparse file of gigabytes would be read whole), opened non-blocking, checked again on the
    open descriptor (it may have been swapped in between) and read no further than the limit.
    """
    from kb.frontmatter import MAX_FILE_BYTES

    too_big = Words("file is larger than {kib} KiB; split it", kib=MAX_FILE_BYTES // 1024)
    try:
        st = os.stat(ef.path)
    except OSError as exc:
        why = Words("symlink loop" if exc.errno == errno.ELOOP else exc.strerror or str(exc))
        problems.append(
            Problem(str(ef.path), 0, Words("cannot read: {why}; fix or remove the file", why=why))
        )
        return None
    if not stat.S_ISREG(st.st_mode):
        _not_regular(ef, problems)
        return None
    if st.st_size > MAX_FILE_BYTES:
        problems.append(Problem(str(ef.path), 1, too_big))
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(ef.path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        problems.append(_unreadable(ef, exc))
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            _not_regular(ef, problems)
            return None
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            block = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not block:
                break
            chunks.append(block)
            size += len(block)
    except OSError as exc:
        problems.append(_unreadable(ef, exc))
        return None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:  # grew after stat
        problems.append(Problem(str(ef.path), 1, too_big))
        return None
    try:
        return data, data.decode("utf-8"), st.st_mtime
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(str(ef.path), line, Words("not valid UTF-8; save the file as UTF-8"))
        )
        return None


def _unreadable(ef: EntryFile, exc: OSError) -> Problem:
    return Problem(
        str(ef.path), 0, Words("cannot read: {why}", why=Words(exc.strerror or str(exc)))
    )


def _parse(ef: EntryFile, text: str, problems: list[Problem]) -> tuple[Split, Located] | None:
    from kb.frontmatter import FrontMatterError, split
    from kb.safeyaml import YamlError, parse

    try:
        parts = split(text)
    except FrontMatterError as exc:
        problems.append(Problem(str(ef.path), exc.line, exc.message))
        return None
    try:
        loc = parse(parts.yaml_text, line_base=parts.yaml_line - 1)
    except YamlError as exc:
        problems.append(Problem(str(ef.path), exc.line + parts.yaml_line - 1, exc.message))
        return None
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the other files
        problems.append(_internal(ef, exc, "read"))
        return None
    return parts, loc


def _internal(ef: EntryFile, exc: Exception, what: str = "validate") -> Problem:
    return Problem(
        str(ef.path),
        1,
        Words(
            "kbtui could not read this file ({error}); please report it"
            if what == "read"
            else "kbtui could not validate this file ({error}); please report it",
            error=type(exc).__name__,
        ),
    )


def load_group(group: EntryGroup) -> tuple[Entry | None, list[Problem]]:
    """Parse and validate one entry and its translations."""
    from kb.validate import build_entry, build_translation

    problems: list[Problem] = []
    digest = hashlib.sha256()
    mtime = 0.0
    entry: Entry | None = None
    if group.en is None:
        for orphan in group.translations.values():
            problems.append(
                Problem(
                    str(orphan.path),
                    1,
                    Words(
                        "translation without an English entry; add {id}.md beside it", id=group.id
                    ),
                )
            )
        return None, problems
    read = _read(group.en, problems)
    if read is not None:
        raw, text, mtime = read
        digest.update(raw)
        parsed = _parse(group.en, text, problems)
        if parsed is not None:
            parts, loc = parsed
            try:
                entry, probs = build_entry(
                    str(group.en.path), group.id, loc, parts.yaml_line, parts.body, parts.body_line
                )
            except Exception as exc:  # noqa: BLE001 - a validator bug must not stop other files
                entry, probs = None, [_internal(group.en, exc)]
            problems.extend(probs)
            if entry is not None and entry.id != group.id:
                entry = None  # reported above; loaded, it would shadow the entry of that id
    for lang in sorted(group.translations):
        ef = group.translations[lang]
        read = _read(ef, problems)
        if read is None:
            continue
        raw, text, tr_mtime = read
        digest.update(b"\0" + lang.encode() + b"\0" + raw)
        mtime = max(mtime, tr_mtime)
        parsed = _parse(ef, text, problems)
        if parsed is None:
            continue
        parts, loc = parsed
        try:
            translation, probs = build_translation(
                str(ef.path), group.id, lang, loc, parts.yaml_line, parts.body, entry
            )
        except Exception as exc:  # noqa: BLE001
            translation, probs = None, [_internal(ef, exc)]
        problems.extend(probs)
        if translation is not None and entry is not None:
            entry.translations[lang] = translation
    if entry is not None:
        entry.source_root = str(group.en.root)
        entry.overrides = tuple(str(p) for p in group.overridden)
        entry.mtime = mtime
        entry.digest = digest.hexdigest()
    return entry, problems


def _line_of(path: str | Path, needle: str, after: str = "") -> int:
    """The line of `path` where `needle` first appears (after the line starting with `after:`),
    for a problem found once every entry is loaded; 1 when it cannot be told."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read(MAX_LINE_SCAN).split("\n")
    except OSError:
        return 1
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{after}:")), 0)
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i + 1
    return 1


MAX_LINE_SCAN = 1 << 20  # entry files are capped at 1 MiB (kb.frontmatter.MAX_FILE_BYTES)


def cross_check(entries: dict[str, Entry]) -> list[Problem]:
    """Problems that need every entry: related ids, tree links to entries and other entries' checks."""
    problems: list[Problem] = []
    for entry in entries.values():
        for rid in entry.related:
            if rid == entry.id:
                problems.append(
                    Problem(
                        entry.path,
                        _line_of(entry.path, rid, after="related"),
                        Words("related id {id!r} is this entry itself; remove it", id=rid),
                    )
                )
            elif rid not in entries:
                problems.append(
                    Problem(
                        entry.path,
                        _line_of(entry.path, rid, after="related"),
                        Words("related id {id!r} does not exist; fix or remove it", id=rid),
                    )
                )
        if entry.tree is None:
            continue
        for node in entry.tree.nodes.values():
            if node.entry and node.entry not in entries:
                problems.append(
                    Problem(
                        entry.path,
                        node.line,
                        Words(
                            "tree node {node!r} links to entry {entry!r}, which does not exist",
                            node=node.id,
                            entry=node.entry,
                        ),
                    )
                )
            if node.check and parse_check_ref(node.check)[0] is not None:
                if resolve_check_ref(entries, entry, node.check) is None:
                    problems.append(
                        Problem(
                            entry.path,
                            node.line,
                            Words(
                                "tree node {node!r} names check {check!r}, which does not exist",
                                node=node.id,
                                check=node.check,
                            ),
                        )
                    )
    return problems


def load_kb(sources: list[Path] | None = None) -> KnowledgeBase:
    """Load every entry from `sources` (default: `kb_sources()`), validating as much as possible."""
    sources = kb_sources() if sources is None else sources
    problems: list[Problem] = []
    groups = discover(sources, problems)
    entries: dict[str, Entry] = {}
    for group in groups.values():
        entry, probs = load_group(group)
        problems.extend(probs)
        if entry is not None:
            entries[entry.id] = entry
    problems.extend(cross_check(entries))
    return KnowledgeBase(entries=entries, problems=problems, sources=sources, groups=groups)


def load_one(sources: list[Path], entry_id: str) -> tuple[Entry | None, list[Problem], list[str]]:
    """Parse only the entry `entry_id` (for `kb show`): (entry, its problems and those of the
    sources themselves — a KB folder that does not exist or cannot be read —, every known id)."""
    found: list[Problem] = []
    groups = discover(sources, found)
    roots = {str(s) for s in sources}
    about_sources = [p for p in found if p.path in roots]
    group = groups.get(entry_id)
    if group is None:
        return None, about_sources, list(groups)
    entry, problems = load_group(group)
    return entry, [*about_sources, *problems], list(groups)

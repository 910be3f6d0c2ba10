"""Hostile-input-safe YAML for front-matter: limits first, then safe parsing with line numbers.

Front-matter comes from user folders, so it is treated as untrusted:
- size, nesting depth and alias count are checked on the token stream *before* any node tree is
  built (the composer recurses, and an alias bomb expands exponentially);
- only safe tags are constructed (the SafeConstructor's), expansion of aliases is budgeted;
- duplicate keys, non-string keys and merge keys are errors (PyYAML silently keeps the last);
- every value keeps its line, and scalars that YAML 1.1 turned into something else (`no` -> False,
  `12:30` -> 750) keep their source text, so the validator can say "quote it" at the right line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from kb.words import Words

MAX_BYTES = 64 * 1024
MAX_DEPTH = 32
MAX_ALIASES = 32
MAX_NODES = 20_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()
_resolver = yaml.resolver.Resolver()

Path_ = tuple[Any, ...]
_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})


class YamlError(Exception):
    """A problem at a line (1-based, relative to the parsed text); the message is kb's words
    (kb.words.Words), said in the reader's language by `kb lint`."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Located:
    """Parsed data plus where each value came from."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    # source text of plain scalars that resolved to a non-string type (bool, int, float, null, date)
    raw: dict[Path_, str] = field(default_factory=dict)

    def line(self, path: Path_, default: int = 1) -> int:
        """Line of `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), default)


def _prescan(text: str) -> None:
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:  # unpaired surrogates cannot come from a UTF-8 file
        raise YamlError(
            text.count("\n", 0, exc.start) + 1,
            Words("text is not valid Unicode; save the file as UTF-8"),
        ) from None
    if size > MAX_BYTES:
        raise YamlError(
            1,
            Words(
                "front-matter is larger than {kib} KiB; move text to the body",
                kib=MAX_BYTES // 1024,
            ),
        )
    depth = 0
    aliases = 0
    opening = (
        yaml.BlockMappingStartToken,
        yaml.BlockSequenceStartToken,
        yaml.FlowMappingStartToken,
        yaml.FlowSequenceStartToken,
    )
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    try:
        for tok in yaml.scan(text, Loader=_Loader):
            if isinstance(tok, opening):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(tok.start_mark.line + 1)
            elif isinstance(tok, closing):
                depth -= 1
            elif isinstance(tok, yaml.AliasToken):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise YamlError(
                        tok.start_mark.line + 1,
                        Words(
                            "more than {n} YAML aliases; write the values out instead",
                            n=MAX_ALIASES,
                        ),
                    )
    except yaml.MarkedYAMLError as exc:
        raise _from_yaml_error(exc) from None
    except yaml.reader.ReaderError as exc:
        raise _from_reader_error(text, exc) from None
    except yaml.YAMLError as exc:
        raise _invalid(1, _one_line(str(exc))) from None


def _invalid(line: int, what: str) -> YamlError:
    """PyYAML's own words (`what`) stay as it wrote them."""
    return YamlError(line, Words("invalid YAML: {what}", what=what))


def _too_deep(line: int) -> YamlError:
    return YamlError(
        line, Words("YAML nested deeper than {n} levels; flatten the structure", n=MAX_DEPTH)
    )


def _tag_refused(line: int, tag: str) -> YamlError:
    return YamlError(line, Words("YAML tag {tag} is not allowed; remove it", tag=tag))


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _from_reader_error(text: str, exc: yaml.reader.ReaderError) -> YamlError:
    """A character YAML does not allow (control characters, unpaired surrogates)."""
    pos = exc.position if isinstance(exc.position, int) else 0
    if _Loader is not yaml.SafeLoader:  # libyaml reports a byte offset into UTF-8
        pos = len(text.encode("utf-8", "surrogatepass")[:pos].decode("utf-8", "ignore"))
    line = text.count("\n", 0, max(0, pos)) + 1
    ch = exc.character
    code = (
        f"U+{ord(ch):04X}"
        if isinstance(ch, str) and ch
        else f"0x{ch:02X}"
        if isinstance(ch, int)
        else "?"
    )
    return YamlError(
        line,
        Words(
            "YAML does not allow the control character {code}; remove it or quote it as an escape",
            code=code,
        ),
    )


def _from_yaml_error(exc: yaml.MarkedYAMLError) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    what = exc.problem or exc.context or "invalid YAML"
    if "nesting depth" in what:
        # PyYAML >= 6.0.3 has a depth limit of its own that may fire before ours: same message
        return _too_deep(line)
    return YamlError(
        line, Words("invalid YAML: {what}; check indentation and quoting", what=str(what))
    )


class _Converter:
    def __init__(self, line_base: int = 0) -> None:
        self.line_base = line_base
        self.nodes = 0
        self.out = Located(data=None)
        # the collection nodes being converted: an alias to one of them (`a: &x [*x]`) is a cycle
        # in the node graph `yaml.compose` returns, which would recurse until RecursionError
        self.open: set[int] = set()

    def convert(self, node: yaml.Node, path: Path_) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlError(
                node.start_mark.line + 1, Words("YAML expands to too many values (alias bomb?)")
            )
        self.out.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and node.tag not in _PLAIN_TAGS:
            raise _tag_refused(node.start_mark.line + 1, node.tag)
        if id(node) in self.open:
            raise YamlError(
                node.start_mark.line + 1,
                Words(
                    "recursive YAML alias (the anchored value contains itself); write the value out"
                ),
            )
        self.open.add(id(node))
        try:
            return self._collection(node, path)
        finally:
            self.open.discard(id(node))

    def _collection(self, node: yaml.Node, path: Path_) -> Any:
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YamlError(
                        line, Words("YAML merge keys (<<) are not supported; write the keys out")
                    )
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlError(line, Words("mapping keys must be plain strings"))
                key = key_node.value
                if key in result:
                    first = self.out.lines.get((*path, key), 0) + self.line_base
                    raise YamlError(
                        line,
                        Words(
                            "duplicate key {key!r} (first at line {first}); keep one",
                            key=key,
                            first=first,
                        ),
                    )
                self.out.lines[path + (key,)] = line
                result[key] = self.convert(value_node, (*path, key))
            return result
        raise YamlError(node.start_mark.line + 1, Words("unsupported YAML node"))

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:str":
            return node.value
        ctor = _constructor.yaml_constructors.get(tag)
        if ctor is None:
            raise _tag_refused(node.start_mark.line + 1, tag)
        if not node.style:  # plain scalar that resolved to a non-string (C loader: "", pure: None)
            self.out.raw[path] = node.value
        try:
            return ctor(_constructor, node)
        except Exception:  # noqa: BLE001 - PyYAML's constructors raise KeyError, IndexError, ...
            # on values like `!!bool maybe`, `!!int ""` or `!!timestamp x`: all mean the same thing
            kind = tag.rsplit(":", 1)[-1]
            shown = _one_line(str(node.value))[:60]
            # a plain scalar got its tag from how it looks (a 5 000-digit int): no tag to drop
            implicit = _resolver.resolve(yaml.ScalarNode, node.value, (True, False)) == tag
            fix = (
                Words("quote it to keep it as text")
                if implicit and not node.style
                else Words("fix it or drop the !!{kind} tag", kind=kind)
            )
            raise YamlError(
                node.start_mark.line + 1,
                Words(
                    "{value!r} is not a valid {kind} value; {fix}", value=shown, kind=kind, fix=fix
                ),
            ) from None


def parse(text: str, *, line_base: int = 0) -> Located:
    """Parse one YAML document under the limits. Raises YamlError with a 1-based line.

    Lines in the result and in errors are relative to `text`; `line_base` (the number of file lines
    before it) is only added where a message names another line.
    """
    _prescan(text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _from_yaml_error(exc) from None
    except yaml.reader.ReaderError as exc:
        raise _from_reader_error(text, exc) from None
    except yaml.YAMLError as exc:
        raise _invalid(1, _one_line(str(exc))) from None
    conv = _Converter(line_base)
    if node is None:
        conv.out.data = None
        return conv.out
    conv.out.data = conv.convert(node, ())
    return conv.out

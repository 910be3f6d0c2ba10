"""Entry signatures translated from RE2 to JavaScript regular expressions, exactly or not at all.

The static site recognises a pasted log in the browser, so it needs the signatures as JavaScript
`RegExp`s. The two dialects differ in small ways that matter for log lines; each construct is
rewritten so that the JavaScript pattern matches exactly the strings the RE2 one does (as
kb.signatures compiles it: multi-line, `^`/`$` at line boundaries):

| RE2                         | JavaScript (flag `u` always)                                  |
| --------------------------- | ------------------------------------------------------------- |
| `(?i)` at the start         | each letter its case-fold class (`k` → `[Kk\u212a]`)          |
| `(?s)` at the start         | `.` rewritten                                                  |
| `.`                         | `[^\\n]` (JS `.` also stops at `\\r`, U+2028, U+2029)          |
| `\\b` `\\w` under `(?i)`      | ASCII look-arounds; `\\w` plus `ſ` and the Kelvin sign          |
| `.` under `(?s)`            | `[^]`                                                          |
| `^` `$` (multi-line)        | `(?<![^\\n])` `(?![^\\n])` (JS also splits lines at `\\r`...)  |
| `\\A` `\\z`                 | `(?<![^])` `(?![^])`                                           |
| `\\s` `\\S`                 | `[\\t\\n\\f\\r ]` and its negation (JS `\\s` is Unicode-wide)  |
| `\\Q…\\E`                   | each character escaped                                        |
| `(?P<name>…)`               | `(?<name>…)`                                                   |
| `[[:alpha:]]` …             | the ASCII ranges                                              |
| `\\pL` `\\p{Greek}`         | `\\p{L}` `\\p{Script=Greek}`                                   |
| `\\x{263a}` `\\a` octal     | `\\u{263a}` `\\x07` `\\xNN`                                    |
| a `{` that is no repeat     | `\\{` (a syntax error under flag `u`)                          |

Constructs with no exact equivalent raise `Untranslatable` (kb lint reports it as a warning and
the export leaves that signature out): flags anywhere but the start (`a(?i)b`, `(?i:…)`), `(?U)`
and `(?-…)`, `\\C`, `\\p` and non-ASCII class ranges under `(?i)`, `\\S` inside a class, negated
POSIX classes; and patterns the browser's backtracking engine could spend minutes on one line
over (nested or competing unbounded repeats: `_Translator._quantified`). The JavaScript `i` flag
is never used: under it `\\b` treats `ſ` as a word character, which RE2 does not, so
case-insensitivity is spelled out letter by letter.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

from kb.words import Words

_POSIX: dict[str, str] = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-\\/:-@\\[-`\\{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_SPACE = "\\t\\n\\f\\r "  # RE2's \s: no \v, nothing outside ASCII
_SYNTAX = set("^$\\.*+?()[]{}|/")  # characters that may (and must) be escaped under flag u
_CLASS_SYNTAX = set("\\]^-[")
_SIMPLE_CODES = {"n": 10, "t": 9, "r": 13, "f": 12, "v": 11, "a": 7}
_SIMPLE_ESCAPES = {"n": "\\n", "t": "\\t", "r": "\\r", "f": "\\f", "v": "\\v", "a": "\\x07"}


_WORD = "0-9A-Za-z_"
_WORD_FOLDED = _WORD + "\\u017f\\u212a"  # RE2's (?i)\w: ſ folds to s, the Kelvin sign to k
_ASCII_WORD = f"[{_WORD}]"
_BOUNDARY = f"(?:(?<={_ASCII_WORD})(?!{_ASCII_WORD})|(?<!{_ASCII_WORD})(?={_ASCII_WORD}))"
_NOT_BOUNDARY = f"(?:(?<={_ASCII_WORD})(?={_ASCII_WORD})|(?<!{_ASCII_WORD})(?!{_ASCII_WORD}))"
_POSIX_NO_LETTERS = {"blank", "cntrl", "digit", "punct", "space"}


@lru_cache(maxsize=1)
def _fold_table() -> dict[str, frozenset[str]]:
    """Case-fold orbits ({k, K, U+212A}, {s, S, ſ}, …) of every cased character up to U+1FFFF."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for cp in range(0x20000):
        c = chr(cp)
        # simple case folding: lower() where it is one character, casefold() for ſ -> s
        for other in (c.lower(), c.casefold()):
            if len(other) == 1 and other != c:
                a, b = find(c), find(other)
                if a != b:
                    parent[a] = b
    groups: dict[str, set[str]] = {}
    for c in list(parent):
        groups.setdefault(find(c), set()).add(c)
    for root, members in groups.items():
        members.add(root)
    return {c: frozenset(m) for m in groups.values() for c in m}


def fold_orbit(c: str) -> frozenset[str]:
    """The characters RE2 (?i) treats as equal to `c` (`c` alone when it has no case)."""
    return _fold_table().get(c, frozenset((c,)))


_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")
_REPEAT_ONCE = re.compile(r"\{[01](,[01]?)?\}")  # {0}, {1}, {0,1}, {1,1}: at most once
# a character of each kind an atom of a signature tells apart
_SAMPLES = [chr(c) for c in range(0x20, 0x7F)] + ["\t", "\n", "\r", "\u00e9", "\u4e2d"]


@dataclass
class _Group:
    """What `_Translator._quantified` needs of a group: whether it holds a repeat (more than
    once), the atoms it repeats without bound (RE2 text, "" for a group), its first atom when
    that is one character (a literal, an escape or a class), its last when that is one such
    character not repeated, whether it has alternatives, and the first character of each
    alternative (None when that is not one fixed character: a group, an anchor, an optional
    atom, an empty alternative)."""

    repeat: bool = False
    unbounded: list[str] = field(default_factory=list)
    first: str | None = None
    last: str | None = None
    alternatives: bool = False
    starts: list[str | None] = field(default_factory=list)


@dataclass
class _Atom:
    text: str  # its RE2 text; "" for a group or an anchor
    group: _Group | None = None


def _unbounded(p: str, at: int) -> bool:
    """The repeat at `p[at]` has no upper bound: `*`, `+` or `{n,}`."""
    if p[at] in "*+":
        return True
    m = _REPEAT.match(p, at)
    return bool(m and m.group(2) and not m.group(3))


def _one_char(text: str) -> bool:
    """`text` is one literal character (`a`, `\\.`)."""
    return (
        len(text) == 1
        and text not in ".^$"
        or (len(text) == 2 and text[0] == "\\" and not text[1].isalnum())
    )


@lru_cache(maxsize=4096)
def _matches(text: str) -> frozenset[str] | None:
    """The sample characters an atom (RE2 text of a literal, escape, `.` or class) matches,
    as Python's `re` reads it; None when it cannot tell (RE2-only syntax, a group)."""
    if not text:
        return None
    try:
        with warnings.catch_warnings():
            # `[[]` is a class holding '[' for RE2 and for today's `re`, which only warns that a
            # future Python may read it as a nested set ("Possible nested set")
            warnings.simplefilter("ignore", FutureWarning)
            rx = re.compile(text)
    except (re.error, OverflowError):
        return None
    return frozenset(c for c in _SAMPLES if rx.fullmatch(c))


def _overlap(a: str, b: str, *, unknown: bool = False, fold: bool = False) -> bool:
    """Atoms `a` and `b` may match the same character; `unknown` when that cannot be told.
    `fold`: under (?i), where `A` also matches `a`."""
    ma, mb = _matches(a), _matches(b)
    if ma is None or mb is None:
        return unknown or (a == b and a != "")
    if fold:
        ma = ma | {c.swapcase() for c in ma}
        mb = mb | {c.swapcase() for c in mb}
    return bool(ma & mb) or a == b


def _single(text: str) -> bool:
    """`text` is one character of a known set: a literal, an escape (`\\d`) or a class."""
    return _one_char(text) or (text[:1] in ("[", "\\") and _matches(text) is not None)


class Untranslatable(ValueError):
    """The pattern has no exact JavaScript equivalent; the message says which part."""


@dataclass(frozen=True)
class JsRegex:
    source: str  # for `new RegExp(source, flags)`
    flags: str


def _char(c: str, in_class: bool = False) -> str:
    """One literal character, escaped when JavaScript (flag u) needs it."""
    special = _CLASS_SYNTAX if in_class else _SYNTAX
    if c in special:
        return "\\" + c
    code = ord(c)
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if c in "\u2028\u2029":
        return f"\\u{code:04x}"
    return c


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.ignore_case = False
        self.dotall = False
        # backtracking cost (see `_quantified`): the open groups, how many `.*`/`.+` there are
        self.groups: list[_Group] = [_Group()]
        self.dot_runs = 0

    # --- helpers ------------------------------------------------------------------------------

    def fail(self, what: str, /, **fields: object) -> Untranslatable:
        """`what` (kb's words; its fields the pattern's own text) has no JavaScript form."""
        return Untranslatable(
            Words(
                "{what} (at character {n}) has no exact JavaScript form",
                what=Words(what, **fields),
                n=self.i + 1,
            )
        )

    def peek(self, n: int = 0) -> str:
        j = self.i + n
        return self.p[j] if j < len(self.p) else ""

    # --- top level ----------------------------------------------------------------------------

    def run(self) -> JsRegex:
        self._leading_flags()
        out = self._sequence(top=True)
        return JsRegex(out, "mu")

    def lit(self, c: str, in_class: bool = False) -> str:
        """A literal character; under (?i) every character it folds to."""
        if not self.ignore_case:
            return _char(c, in_class)
        orbit = sorted(fold_orbit(c))
        if len(orbit) == 1:
            return _char(c, in_class)
        inner = "".join(_char(o, True) for o in orbit)
        return inner if in_class else f"[{inner}]"

    def _leading_flags(self) -> None:
        while self.p.startswith("(?", self.i):
            j = self.i + 2
            k = j
            while k < len(self.p) and self.p[k].isalpha():
                k += 1
            if k >= len(self.p) or self.p[k] != ")" or k == j:
                return
            for f in self.p[j:k]:
                if f == "i":
                    self.ignore_case = True
                elif f == "s":
                    self.dotall = True
                elif f == "m":
                    pass  # kb.signatures compiles every pattern multi-line already
                else:
                    raise self.fail("flag '{flag}'", flag=f)
            self.i = k + 1

    def _sequence(self, top: bool = False) -> str:
        out: list[str] = []
        group = self.groups[-1]
        last: _Atom | None = None  # the atom a repeat would apply to
        chain: tuple[str, int] = ("", 0)  # the unbounded repeat just before `last`, chain length
        after_repeat: tuple[str, int] = ("", 0)
        first = True
        first_atom: _Atom | None = None
        alt_atom: _Atom | None = None  # the first atom of the current alternative
        alt_open = True  # the current alternative has no atom yet
        while self.i < len(self.p):
            c = self.p[self.i]
            start = self.i
            if c == ")":
                if top:
                    raise self.fail("unbalanced ')'")
                # its last atom, when one character not repeated, ends every round
                fixed = last is not None and last.group is None and _single(last.text)
                group.last = last.text if fixed and last is not None else None
                if alt_open:
                    group.starts.append(None)
                return "".join(out)
            if c in "*+?" or (c == "{" and _REPEAT.match(self.p, self.i)):
                if c == "{":
                    out.append(self._brace())
                else:
                    self.i += 1
                    out.append(c)
                    if self.peek() == "?":
                        self.i += 1
                        out.append("?")
                after_repeat = ("", 0)
                if last is not None:
                    if last is first_atom:
                        group.first = None  # the group starts with a repeat: no fixed start
                    if last is alt_atom and (c in "*?" or self.p.startswith("{0", start)):
                        group.starts[-1] = None  # the alternative may start with what follows
                    after_repeat = self._quantified(start, last, chain)
                last = None
                continue
            chain, after_repeat = after_repeat, ("", 0)
            inner: _Group | None = None
            if c == "|":
                self.i += 1
                out.append("|")
                group.first = None
                group.alternatives = True
                chain = ("", 0)
                if alt_open:
                    group.starts.append(None)
                alt_open = True
            elif c == "(":
                inner = _Group()
                self.groups.append(inner)
                out.append(self._group())
                self.groups.pop()
                group.repeat |= inner.repeat
                group.unbounded.extend(inner.unbounded)
            elif c == "[":
                out.append(self._class())
            elif c == "\\":
                out.append(self._escape())
            elif c == ".":
                self.i += 1
                out.append("[^]" if self.dotall else "[^\\n]")
            elif c == "^":
                self.i += 1
                out.append("(?<![^\\n])")
            elif c == "$":
                self.i += 1
                out.append("(?![^\\n])")
            elif c == "{":
                out.append(self._brace())
            else:
                self.i += 1
                out.append(self.lit(c))
            text = "" if c in "(^$|" else self.p[start : self.i]
            last = None if c == "|" else _Atom(text, inner)
            if last is not None and alt_open:
                group.starts.append(text if _single(text) else None)
                alt_atom, alt_open = last, False
            if first and not top and last is not None and _single(text):
                group.first, first_atom = text, last
            first = False
        if not top:
            raise self.fail("unclosed '('")
        return "".join(out)

    def _quantified(self, at: int, atom: _Atom, chain: tuple[str, int]) -> tuple[str, int]:
        """Refuse a repeat the browser's backtracking engine can take minutes over on one line.
        RE2 is linear; V8 is not: `(a+)+$` on 30 characters takes 48 s, and each unbounded
        repeat that can take over the characters of another multiplies the cost by up to the
        line's length (`x+x+y` or `.*a.*b` on 2 000 characters: about 2 s; `x+x+x+y`: minutes).
        Refused: a repeated group holding an unbounded repeat (or an unbounded repeat of a group
        holding any repeat), unless each round starts or ends with a character none of its
        unbounded repeats matches (`(?:-w\\d* )+`, `(\\d+\\.){3}`; under (?i) letters match both
        cases; a group with alternatives never); a repeat (unbounded, or more than 15 times) of
        alternatives two of which can start with the same character (`(a|aa)+$`); three unbounded repeats in a row each matching
        characters of the next (`x+x+x+`, `.*\\d+\\w+`); more than two `.*`/`.+`.
        Returns the (text, chain length) an unbounded repeat leaves for the next atom."""
        group = self.groups[-1]
        many = not (self.p[at] == "?" or _REPEAT_ONCE.match(self.p, at))
        unbounded = _unbounded(self.p, at)
        why = ""
        inner = atom.group
        if inner is not None and ((unbounded and inner.repeat) or (many and inner.unbounded)):
            # each round is told apart from the next by a character none of its unbounded
            # repeats can take: at its start (`(?:-w\d* )+`) or at its end (`(\d+\.){3}`)
            fold = self.ignore_case

            def apart(edge: str | None) -> bool:
                return edge is not None and not any(
                    _overlap(t, edge, unknown=True, fold=fold) for t in inner.unbounded
                )

            if inner.alternatives or not (apart(inner.first) or apart(inner.last)):
                why = "a repeat of a group that itself repeats"
        if inner is not None and inner.alternatives and (unbounded or self._bound(at) >= 16):
            # `(a|aa)+$`: each round may take either alternative at the same place, and the
            # engine tries every way to split the line into rounds
            starts = inner.starts
            if any(
                a is None or b is None or _overlap(a, b, unknown=True, fold=self.ignore_case)
                for i, a in enumerate(starts)
                for b in starts[i + 1 :]
            ):
                why = why or "a repeat of alternatives that can start with the same character"
        length = 0
        if unbounded:
            text = atom.text
            length = chain[1] + 1 if chain[1] and _overlap(chain[0], text) else 1
            if length >= 3:
                why = why or "three unbounded repeats in a row that match the same characters"
            if text == ".":
                self.dot_runs += 1
                if self.dot_runs > 2:
                    why = why or "more than two '.*' or '.+'"
            group.unbounded.append(text)
        group.repeat |= many
        if why:
            raise Untranslatable(
                Words(
                    "{why} (at character {n}) can make the browser's regex engine backtrack "
                    "for minutes on one line",
                    why=Words(why),
                    n=at + 1,
                )
            )
        return (atom.text, length) if unbounded else ("", 0)

    def _bound(self, at: int) -> int:
        """The upper bound of the bounded repeat at `p[at]` (`?`: 1, `{n}`, `{n,m}`)."""
        m = _REPEAT.match(self.p, at)
        if m is None:
            return 1
        return int(m.group(3) or m.group(1)) if m.group(2) else int(m.group(1))

    def _brace(self) -> str:
        j = self.p.find("}", self.i)
        body = self.p[self.i + 1 : j] if j > 0 else ""
        lo, comma, hi = body.partition(",")
        if j > 0 and lo.isdigit() and (not comma or hi == "" or hi.isdigit()):
            self.i = j + 1
            lazy = ""
            if self.peek() == "?":
                self.i += 1
                lazy = "?"
            return "{" + body + "}" + lazy
        self.i += 1
        return "\\{"  # RE2 reads a brace that is not a repeat as a literal

    def _group(self) -> str:
        self.i += 1  # '('
        head = ""
        if self.peek() == "?":
            if self.p.startswith("?:", self.i):
                self.i += 2
                head = "?:"
            elif self.p.startswith("?P<", self.i) or self.p.startswith("?<", self.i):
                start = self.i + (3 if self.peek(1) == "P" else 2)
                end = self.p.find(">", start)
                name = self.p[start:end] if end > 0 else ""
                if not name or not (name[0].isalpha() or name[0] == "_"):
                    raise self.fail("group name")
                if not all(ch.isalnum() or ch == "_" for ch in name) or not name.isascii():
                    raise self.fail("group name")
                self.i = end + 1
                head = f"?<{name}>"
            else:
                raise self.fail("inline flags or group modifiers")
        inner = self._sequence()
        self.i += 1  # ')'
        return "(" + head + inner + ")"

    def _escape(self, in_class: bool = False) -> str:
        """An escape sequence at self.i; inside a class the result is class-member text."""
        c = self.peek(1)
        if not c:
            raise self.fail("trailing backslash")
        self.i += 2
        if c in "dD":
            return "\\" + c
        if c in "bB" and not in_class:
            if self.ignore_case:  # JavaScript would fold ſ and K into the word characters
                return _BOUNDARY if c == "b" else _NOT_BOUNDARY
            return "\\" + c
        if c in "wW":
            if not self.ignore_case:
                return "\\" + c
            if c == "w":
                return _WORD_FOLDED if in_class else f"[{_WORD_FOLDED}]"
            if in_class:
                raise self.fail("\\W under (?i) inside a class")
            return f"[^{_WORD_FOLDED}]"
        if c == "s":
            return _SPACE if in_class else f"[{_SPACE}]"
        if c == "S":
            if in_class:
                raise self.fail("\\S inside a class")
            return f"[^{_SPACE}]"
        if c in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[c]
        if c in "AzQ" and in_class:
            raise self.fail("\\{c} inside a class", c=c)
        if c == "A":
            return "(?<![^])"
        if c == "z":
            return "(?![^])"
        if c == "Q":
            end = self.p.find("\\E", self.i)
            lit = self.p[self.i :] if end < 0 else self.p[self.i : end]
            self.i = len(self.p) if end < 0 else end + 2
            return "".join(self.lit(ch) for ch in lit)
        if c == "x":
            return self._hex()
        if c in "01234567":
            digits = c
            while len(digits) < 3 and self.peek() in set("01234567") and self.peek():
                digits += self.peek()
                self.i += 1
            if c != "0" and len(digits) == 1:
                raise self.fail("backreference")
            return f"\\u{{{int(digits, 8):x}}}"
        if c in "pP":
            if self.ignore_case:
                raise self.fail("\\{c} under (?i)", c=c)
            return self._unicode_class(c)
        if c == "C":
            raise self.fail("\\C")
        if c.isalnum():
            raise self.fail("\\{c}", c=c)
        return self.lit(c, in_class)

    def _hex(self) -> str:
        if self.peek() == "{":
            end = self.p.find("}", self.i)
            digits = self.p[self.i + 1 : end] if end > 0 else ""
            self.i = end + 1
        else:
            digits = self.p[self.i : self.i + 2]
            self.i += 2
        try:
            code = int(digits, 16)
        except ValueError:
            raise self.fail("\\x escape") from None
        return f"\\u{{{code:x}}}"

    def _unicode_class(self, c: str) -> str:
        if self.peek() == "{":
            end = self.p.find("}", self.i)
            name = self.p[self.i + 1 : end]
            self.i = end + 1
        else:
            name = self.peek()
            self.i += 1
        negate = name.startswith("^")
        name = name.lstrip("^")
        if not name.isalpha():
            raise self.fail("\\{c}{{{name}}}", c=c, name=name)
        if name == "Any":
            inner = "\\p{Any}"
        elif len(name) <= 2 and name[0].isupper():
            inner = f"\\p{{{name}}}"
        else:
            inner = f"\\p{{Script={name}}}"
        if (c == "P") != negate:
            inner = "\\P" + inner[2:]
        return inner

    def _class(self) -> str:
        self.i += 1  # '['
        out = ["["]
        if self.peek() == "^":
            self.i += 1
            out.append("^")
        first = True
        members = 0
        while True:
            c = self.peek()
            if not c:
                raise self.fail("unclosed '['")
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if self.p.startswith("[:", self.i):
                end = self.p.find(":]", self.i)
                name = self.p[self.i + 2 : end] if end > 0 else ""
                if name.startswith("^") or name not in _POSIX:
                    raise self.fail("[:{name}:]", name=name)
                if self.ignore_case and name not in _POSIX_NO_LETTERS:
                    raise self.fail("[:{name}:] under (?i)", name=name)
                self.i = end + 2
                out.append(_POSIX[name])
                members += 1
                continue
            lo_text, lo_cp = self._class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                hi_text, hi_cp = self._class_atom()
                if lo_cp is None or hi_cp is None:
                    raise self.fail("class range bound")
                out.append(self._range(lo_cp, hi_cp))
            else:
                out.append(lo_text)
            members += 1
        out.append("]")
        return "".join(out)

    def _range(self, lo: int, hi: int) -> str:
        text = f"{_char(chr(lo), True)}-{_char(chr(hi), True)}"
        if not self.ignore_case:
            return text
        if hi > 0x7F:
            raise self.fail("non-ASCII range under (?i)")
        extra: set[str] = set()
        for cp in range(lo, hi + 1):
            extra |= fold_orbit(chr(cp))
        extra = {c for c in extra if not lo <= ord(c) <= hi}
        return text + "".join(_char(c, True) for c in sorted(extra))

    def _class_atom(self) -> tuple[str, int | None]:
        """One class member: (JavaScript text, its code point when it is a single character)."""
        c = self.peek()
        if c != "\\":
            self.i += 1
            return self.lit(c, in_class=True), ord(c)
        nxt = self.peek(1)
        cp: int | None = None
        start = self.i
        text = self._escape(in_class=True)
        if nxt in _SIMPLE_CODES:
            cp = _SIMPLE_CODES[nxt]
        elif nxt == "x" or nxt in "01234567":
            cp = int(text[3:-1], 16)  # \u{…} as written by _hex and the octal branch
        elif nxt and not nxt.isalnum():
            cp = ord(nxt)
        if cp is not None and self.ignore_case:
            text = self.lit(chr(cp), in_class=True)
        del start
        return text, cp


def to_js(pattern: str) -> JsRegex:
    """The exact JavaScript equivalent of an RE2 signature, or `Untranslatable`."""
    return _Translator(pattern).run()


def translate(pattern: str) -> tuple[JsRegex | None, str | None]:
    """(regex, None) or (None, why it cannot be translated exactly)."""
    try:
        return to_js(pattern), None
    except Untranslatable as exc:
        return None, exc.args[0]  # kb's words (kb.words.Words)

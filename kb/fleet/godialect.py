"""Signatures (RE2 syntax) rewritten for mtail: Go's regexp inside `/…/`, on plain or json-file lines.

Each rewrite below keeps what a pattern matches exactly, or the pattern is refused with a reason
(the caller reports it and leaves it out; nothing is silently changed):

- a bare `/` ends an mtail regex literal, so it is written `\\/`;
- capturing groups become non-capturing (`(…)`, `(?P<n>…)`, `(?<n>…)` → `(?:…)`): mtail declares
  every capture as a variable and refuses the same name twice in one scope, and the signatures
  only ever ask *whether* a line matches;
- `\\C` (any byte) has no Go equivalent and is refused.

For Docker's json-file logs the text inside `"log":"…"` is JSON-encoded. The mtail program
(kb/fleet/mtail.py, `_DECODE`) decodes every escape Docker writes except `\\"` and `\\\\` (mtail
string literals cannot hold a lone backslash), so the text a signature sees is the line with each
`"` written `\\"` and each backslash `\\\\`, and nothing else changed. The pattern is rewritten to
match that text: a literal `"` becomes `(?:\\\\")` and a literal backslash `(?:\\\\\\\\)`
(grouped, so a quantifier after it repeats both characters). That is exact unless an atom could
match a quote or backslash a bounded number of times (`.`, `[^…]`, `\\S` with no `*`/`+` after it),
or a positive character class names `"` or `\\` (one class cannot match a two-character escape):
such patterns are refused for the json-file branch only (they still count on plain log files). A
negated class stays exact under `*` and `+`: every decoded quote or backslash is still there,
escaped, in the encoded text, so `[^"]` stops where it stopped. The rest of the pattern is exact
because the two escapes end in a non-word character that never stands alone in the text (so `\\b`
and the letters of the pattern see what they saw in the line), and every other escape is decoded
(an undecoded `\\r` would let `r failed` match a line with a carriage return before ` failed`).
The limits of the decoding itself (an escaped newline, a `\\uXXXX` Docker never writes) are in
docs/fleet.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.words import Words

# escapes that stand for a class of characters (may match `"` or `\` where marked wide)
_WIDE_ESCAPES = frozenset("SWDP")  # \S \W \D \P{…} can match a quote or a backslash
_NARROW_ESCAPES = frozenset("sdwbBAzpfnrtv")
_POSIX_WIDE = frozenset(
    {"punct", "print", "graph", "ascii", "^alpha", "^alnum", "^digit", "^space"}
)
_UNBOUNDED = ("*", "+", "*?", "+?")


class Refused(ValueError):
    """The pattern cannot be written exactly in the target form; `str()` says why, and its
    argument is kb's words (kb.words.Words), said in the reader's language."""


@dataclass(frozen=True)
class _Piece:
    text: str  # the rewritten text of this piece
    json_text: str  # its json-file form
    wide: bool = False  # an atom that can match `"` or `\` (a bounded count of it is inexact)
    atom: bool = False  # can take a quantifier
    json_problem: str | None = None


def _hex_char(body: str) -> str | None:
    try:
        return chr(int(body, 16))
    except ValueError:
        return None


class _Scanner:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def take(self) -> str:
        c = self.p[self.i]
        self.i += 1
        return c

    def done(self) -> bool:
        return self.i >= len(self.p)


def _literal(ch: str) -> _Piece:
    """A single literal character, escaped for a `/…/` literal."""
    if ch == "/":
        return _Piece("\\/", "\\/", atom=True)
    # the json forms are two characters, grouped so that a quantifier repeats both
    if ch == '"':
        return _Piece('"', '(?:\\\\")', atom=True)
    if ch == "\\":
        return _Piece("\\\\", "(?:\\\\\\\\)", atom=True)
    if ch in ".^$|?*+()[]{}":
        return _Piece("\\" + ch, "\\" + ch, atom=True)
    if ch == "\t":
        return _Piece("\\t", "\\t", atom=True)
    if ord(ch) < 0x20 or ch in "\u2028\u2029":
        # Docker escapes these (\u0009, \u2028 …); the json branch decodes them back
        code = f"\\x{{{ord(ch):x}}}"
        return _Piece(code, code, atom=True)
    return _Piece(ch, ch, atom=True)


def _escape(sc: _Scanner) -> _Piece:
    """After a backslash."""
    if sc.done():
        raise Refused(Words("trailing backslash"))
    c = sc.take()
    if c == "C":
        raise Refused(Words("\\C (any byte) has no Go equivalent"))
    if c == "Q":  # \Q…\E literal text
        end = sc.p.find("\\E", sc.i)
        stop = len(sc.p) if end < 0 else end
        text = sc.p[sc.i : stop]
        sc.i = len(sc.p) if end < 0 else end + 2
        pieces = [_literal(ch) for ch in text]
        problems = [p.json_problem for p in pieces if p.json_problem]
        return _Piece(
            "(?:" + "".join(p.text for p in pieces) + ")",
            "(?:" + "".join(p.json_text for p in pieces) + ")",
            atom=True,
            json_problem=problems[0] if problems else None,
        )
    if c in "pP":
        body = c
        if sc.peek() == "{":
            end = sc.p.find("}", sc.i)
            if end < 0:
                raise Refused(Words("unterminated \\p{…}"))
            body += sc.p[sc.i : end + 1]
            sc.i = end + 1
        elif not sc.done():
            body += sc.take()
        return _Piece("\\" + body, "\\" + body, atom=True, wide=c == "P")
    if c == "x":
        if sc.peek() == "{":
            end = sc.p.find("}", sc.i)
            if end < 0:
                raise Refused(Words("unterminated \\x{…}"))
            hexpart = sc.p[sc.i + 1 : end]
            sc.i = end + 1
        else:
            hexpart = sc.p[sc.i : sc.i + 2]
            sc.i += 2
        ch = _hex_char(hexpart)
        if ch is None:
            raise Refused(Words("bad hex escape \\x{hex}", hex=hexpart))
        return _literal(ch)
    if c.isdigit():
        if c == "0":  # octal \0, \012
            digits = c
            while len(digits) < 3 and sc.peek() in "01234567" and sc.peek():
                digits += sc.take()
            return _literal(chr(int(digits, 8)))
        raise Refused(Words("backreference \\{c} is not RE2", c=c))
    if c in _WIDE_ESCAPES:
        return _Piece("\\" + c, "\\" + c, atom=True, wide=True)
    if c in _NARROW_ESCAPES:
        atom = c not in "bBAz"
        if c == "s":
            # \s matches whitespace, which the json branch decodes; it never matches " or \
            return _Piece("\\s", "\\s", atom=True)
        return _Piece("\\" + c, "\\" + c, atom=atom)
    if c.isalnum():
        raise Refused(Words("escape \\{c} is not RE2", c=c))
    return _literal(c)


def _char_class(sc: _Scanner) -> _Piece:
    """After `[`: copy the class, escaping `/`; note whether it can match `"` or `\\`."""
    out = ["["]
    negated = False
    if sc.peek() == "^":
        negated = True
        out.append(sc.take())
    names_special = False  # the class names `"` or `\` (or a range/class holding them)
    wide_parts = False  # a part such as \S or [:punct:] that holds both
    first = True
    prev_char: str | None = None
    while True:
        if sc.done():
            raise Refused(Words("unterminated character class"))
        c = sc.take()
        if c == "]" and not first:
            out.append("]")
            break
        first = False
        if c == "[" and sc.peek() == ":":
            end = sc.p.find(":]", sc.i)
            if end < 0:
                raise Refused(Words("unterminated [:class:]"))
            name = sc.p[sc.i + 1 : end]
            sc.i = end + 2
            out.append(f"[:{name}:]")
            if name in _POSIX_WIDE:
                wide_parts = True
            prev_char = None
            continue
        if c == "-" and prev_char is not None and sc.peek() not in ("]", ""):
            hi = sc.take()
            if hi == "\\":
                esc = sc.take()
                if esc == "x":
                    if sc.peek() == "{":
                        end = sc.p.find("}", sc.i)
                        hi = _hex_char(sc.p[sc.i + 1 : end]) or ""
                        sc.i = end + 1
                    else:
                        hi = _hex_char(sc.p[sc.i : sc.i + 2]) or ""
                        sc.i += 2
                else:
                    hi = esc
            if not hi:
                raise Refused(Words("bad range in character class"))
            out.append("-" + ("\\" + hi if hi in "\\]^-[/" else hi))
            if any(ord(prev_char) <= ord(s) <= ord(hi) for s in '"\\'):
                names_special = True
            prev_char = None
            continue
        if c == "\\":
            e = sc.take() if not sc.done() else ""
            if e in "SWDP":
                wide_parts = True
                if e == "P" and sc.peek() == "{":
                    end = sc.p.find("}", sc.i)
                    out.append("\\P" + sc.p[sc.i : end + 1])
                    sc.i = end + 1
                    prev_char = None
                    continue
                out.append("\\" + e)
                prev_char = None
                continue
            if e in "sdwpnrtfv":
                out.append("\\" + e)
                if e == "p":
                    if sc.peek() == "{":
                        end = sc.p.find("}", sc.i)
                        out.append(sc.p[sc.i : end + 1])
                        sc.i = end + 1
                    elif not sc.done():
                        out.append(sc.take())
                prev_char = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "v": "\v"}.get(e)
                continue
            if e == "x":
                if sc.peek() == "{":
                    end = sc.p.find("}", sc.i)
                    ch = _hex_char(sc.p[sc.i + 1 : end])
                    sc.i = end + 1
                else:
                    ch = _hex_char(sc.p[sc.i : sc.i + 2])
                    sc.i += 2
                if ch is None:
                    raise Refused(Words("bad hex escape in character class"))
                e = ch
            if e == "C":
                raise Refused(Words("\\C (any byte) has no Go equivalent"))
            if e in '"\\':
                names_special = True
            out.append("\\" + e if not e.isalnum() else e)
            prev_char = e
            continue
        if c in '"':
            names_special = True
        out.append("\\/" if c == "/" else c)
        prev_char = c
    text = "".join(out)
    json_problem = None
    wide = False
    if not negated and names_special:
        json_problem = Words('a character class that names " or \\')
    if not negated and wide_parts:
        wide = True
    if negated and not names_special:
        wide = True  # [^>] matches the backslash of an escape
    if negated and names_special:
        # [^"] still stops at every quote (each decoded quote is an encoded quote), but it now also
        # matches the escaping backslash: exact under * and +, not under a bounded count
        wide = True
    return _Piece(text, text, atom=True, wide=wide, json_problem=json_problem)


def _group_open(sc: _Scanner) -> _Piece:
    """After `(`: every group becomes non-capturing; flag groups are copied."""
    if sc.peek() != "?":
        return _Piece("(?:", "(?:")
    sc.take()
    if sc.peek() == "P" and sc.peek(1) == "<" or sc.peek() == "<":
        end = sc.p.find(">", sc.i)
        if end < 0:
            raise Refused(Words("unterminated group name"))
        sc.i = end + 1
        return _Piece("(?:", "(?:")
    j = sc.i
    while j < len(sc.p) and sc.p[j] not in ":)":
        j += 1
    flags = sc.p[sc.i : j]
    if any(f not in "imsU-" for f in flags):
        raise Refused(Words("group (?{flags}…) is not RE2", flags=flags))
    if j >= len(sc.p):
        raise Refused(Words("unterminated group"))
    sc.i = j + 1
    return _Piece(f"(?{flags}{sc.p[j]}", f"(?{flags}{sc.p[j]}")


def _quantifier(sc: _Scanner) -> str | None:
    c = sc.peek()
    if c in "*+?":
        q = sc.take()
    elif c == "{":
        end = sc.p.find("}", sc.i)
        body = sc.p[sc.i + 1 : end] if end > 0 else ""
        if end < 0 or not body or not all(ch.isdigit() or ch == "," for ch in body):
            return None  # a literal `{`
        q = sc.p[sc.i : end + 1]
        sc.i = end + 1
    else:
        return None
    if sc.peek() == "?":
        q += sc.take()
    return q


def _unbounded(q: str) -> bool:
    if q in _UNBOUNDED:
        return True
    body = q.rstrip("?").strip("{}")
    if body.endswith(","):
        return body[:-1] in ("0", "1")
    return False


@dataclass(frozen=True)
class GoPattern:
    """One signature in mtail's dialect: plain lines, and json-file lines (None when inexact)."""

    plain: str
    json: str | None
    json_refusal: str | None = None


def translate(pattern: str) -> GoPattern:
    """Rewrite one RE2 signature for mtail. Raises Refused when no exact form exists."""
    sc = _Scanner(pattern)
    plain: list[str] = []
    json: list[str] = []
    json_problem: str | None = None
    last: _Piece | None = None
    while not sc.done():
        c = sc.take()
        if c == "\\":
            piece = _escape(sc)
        elif c == "[":
            piece = _char_class(sc)
        elif c == "(":
            piece = _group_open(sc)
        elif c == ")":
            piece = _Piece(")", ")", atom=True)
        elif c == ".":
            piece = _Piece(".", ".", atom=True, wide=True)
        elif c in "^$|":
            piece = _Piece(c, c)
        elif c in "*+?{":
            sc.i -= 1
            q = _quantifier(sc)
            if q is None:  # a literal {
                sc.i += 1
                piece = _literal(c)
            else:
                if last is None or not last.atom:
                    raise Refused(Words("quantifier {q} with nothing to repeat", q=q))
                plain.append(q)
                json.append(q)
                if last.wide and not _unbounded(q) and json_problem is None:
                    json_problem = Words(
                        'a bounded repeat ({q}) of something that can match " or \\', q=q
                    )
                last = _Piece("", "", atom=False)
                continue
        else:
            piece = _literal(c)
        if last is not None and last.wide and last.atom and json_problem is None:
            json_problem = Words('a single "." or class that can match " or \\')
        if piece.json_problem and json_problem is None:
            json_problem = piece.json_problem
        plain.append(piece.text)
        json.append(piece.json_text)
        last = piece
    if last is not None and last.wide and last.atom and json_problem is None:
        json_problem = Words('a single "." or class that can match " or \\')
    if json_problem:
        return GoPattern("".join(plain), None, json_problem)
    return GoPattern("".join(plain), "".join(json))

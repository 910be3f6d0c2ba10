"""The one secret redactor: every output (check text, JSON, JUnit, doctor, diagnose, TUI, site)
passes through `redact`, after any other transformation and before any truncation.

Two layers. Values known to be secret (credentials read from *_env variables or a config file,
secret-named container env values, URL passwords, tokens registered by probes) are replaced
wherever they appear. And text shapes that carry secrets are masked even when the value was never
registered:
- `key=value`, `key: value`, `"key": "value"`, `--flag value`, `--flag=value` and `Header: value`
  where the name says password, passwd, pwd, pass, secret, token, api key, private key, credential, creds,
  cookie or auth (not "author"; "pass" only as a word part, so "bypass" is not a secret): the value is masked, the name kept;
  except where a credential or auth name's `name: ` goes on in prose (a Go error chain: `Error
  saving credentials: error storing credentials - err: …`, `unauthorized: incorrect username or
  password`): a lower-case word and another word after it are a sentence; never after a name that
  holds a value itself (password, secret, token, key, cookie: `password: guest and …` is masked);
- `Authorization: <scheme> <credentials>`: the credentials, whatever the scheme;
- `Cookie:` / `Set-Cookie:` headers: the whole value;
- `scheme://user:password@host` anywhere in a line: the password;
- the password argument of commands that take one bare (`mosquitto_passwd -b FILE USER PASS`,
  `rabbitmqctl add_user|change_password USER PASS`, `emqx ctl admins add|passwd
  USER PASS`, `docker login -p PASS`): how entrypoint scripts seed a broker's users;
- PEM private-key blocks: the whole block.
Every quantifier is bounded, so redaction stays linear on hostile input (one 4 MB line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb import cjk

MASK = "<redacted>"

# a secret-sounding word inside a name (env var, config key, flag, header)
_WORD = (
    r"(?:passw(?:or)?d|passphrase|(?<![a-z])pass(?![a-z])|pwd|secret|token|api[-_ .]?key|apikey"
    r"|private[-_ .]?key|credential|(?<![a-z])creds?(?![a-z])|cookie|auth(?!or(?!i[sz])))"
)
SECRET_NAME = re.compile(r"(?i)" + _WORD)
# a name's characters before the secret word: word characters other than CJK (kb.cjk; `\w` matches
# Chinese, and a run of it right before a secret-named key must not push the key's start out of
# reach: `…很长的句子password=x`), so `--clé_password` is one name, as it was
_NAME_CHAR = r"[^\W" + cjk.RANGES + r"]"
_NAME = r"(?:" + _NAME_CHAR + r"|[.\-]){0,64}?" + _WORD + r"[\w.\-]{0,64}"
_SCHEME = (
    r"(?:(?:Bearer|Basic|Digest|Token|Negotiate|NTLM|HOBA|Mutual|ApiKey|Key|OAuth|SharedKey"
    r"|AWS4-HMAC-SHA256|SSWS|GoogleLogin|Splunk)\s{1,8})?"
)
_VALUE = (
    r"(?:\\\"(?:[^\"\\\n]|\\[^\"\n]){0,4096}\\\""  # \"value\" (JSON inside a JSON string)
    r"|\"(?:[^\"\\\n]|\\.){0,4096}\""
    r"|'[^'\n]{0,4096}'"
    r"|[^\s,;\"'{}\[\]()&<>\\]{1,4096})"
)
# the name (maybe quoted, as in JSON, maybe escaped-quoted, as in JSON inside a JSON string), then
# `=` or `:`; or, for a quoted name, a comma (an argv list: "--password", "x"); or, for a --flag,
# whitespace
_ASSIGN = re.compile(
    r"(?i)(?<!" + _NAME_CHAR + r")(?<![.\-])(?P<key>(?P<q>\\?[\"']?)" + _NAME + r"(?P=q)"
    r"(?:\s{0,8}[=:]\s{0,8}|(?<=[\"'])\s{0,8},\s{0,8}|(?<=[\w.\-])\s{1,8}(?=[^\s\-=:])))"
    r"(?P<scheme>" + _SCHEME + r")(?P<value>" + _VALUE + r")"
)
# Commands that take a password as a bare argument (how entrypoint scripts seed a broker's users):
# the argument is masked, the command kept. Each pattern ends at the password (`value`).
_ARG = r"(?:\"(?:[^\"\\\n]|\\.){0,4096}\"|'[^'\n]{0,4096}'|[^\s;&|'\"]{1,4096})"
_POSITIONAL = tuple(
    (command, re.compile(pattern))
    for command, pattern in (
        # mosquitto_passwd [-c] [-H sha512] -b FILE USER PASSWORD
        (
            "mosquitto_passwd",
            r"(?P<pre>\bmosquitto_passwd(?:[ \t]{1,8}-(?:[HI][ \t]{1,8}\S{1,64}|[a-zA-Z]{1,8})){0,6}?"
            r"[ \t]{1,8}-[a-zA-Z]{0,7}b[a-zA-Z]{0,7}(?:[ \t]{1,8}-(?:[HI][ \t]{1,8}\S{1,64}|[a-zA-Z]{1,8})){0,6}"
            r"(?:[ \t]{1,8}" + _ARG + r"){2}[ \t]{1,8})(?P<value>" + _ARG + ")",
        ),
        # rabbitmqctl [options] add_user|change_password|authenticate_user USER PASSWORD
        (
            "rabbitmqctl",
            r"(?P<pre>\brabbitmqctl\b[^\n;&|]{0,200}?[ \t](?:add_user|change_password|authenticate_user)"
            r"[ \t]{1,8}" + _ARG + r"[ \t]{1,8})(?P<value>" + _ARG + ")",
        ),
        # emqx ctl / emqx_ctl admins|users add|passwd|update USER PASSWORD
        (
            "emqx",
            r"(?P<pre>\bemqx(?:_ctl|[ \t]{1,8}ctl)[ \t]{1,8}(?:admins|users)[ \t]{1,8}(?:add|passwd|update)"
            r"[ \t]{1,8}" + _ARG + r"[ \t]{1,8})(?P<value>" + _ARG + ")",
        ),
        # docker login -p PASSWORD (the short flag; --password is a secret-named flag already)
        (
            "login",
            r"(?P<pre>\bdocker[ \t]{1,8}login\b[^\n;&|]{0,200}?[ \t]-p[ \t]{1,8})(?P<value>"
            + _ARG
            + ")",
        ),
    )
)
_COOKIE_HDR = re.compile(r"(?im)(\b(?:set-)?cookie2?\s{0,8}:\s{0,8})([^\r\n]{1,8192})")
_URL_CRED = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]{0,31}://)([^/\s:@]{0,256}):([^/\s@]{1,1024})@")
_PEM = re.compile(
    r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----(?:.{0,100000}?-----END [A-Z0-9 ]{0,40}"
    r"PRIVATE KEY-----|.{0,100000})",
    re.S,
)


def is_secret_name(name: str) -> bool:
    """True for names that conventionally hold secrets (EMQX_NODE__COOKIE, DB_PASSWORD, ...)."""
    return bool(SECRET_NAME.search(name))


def _flag_ok(m: re.Match[str]) -> bool:
    """`name value` (space or comma between) is only a flag when the name starts with a dash."""
    key = m.group("key").rstrip()
    if key[-1:] in "=:":
        return True
    return key.lstrip("\\\"'").startswith("-")


def _assign(m: re.Match[str]) -> str:
    if m.group("value") == MASK or m.group("value").strip("\"'") == MASK:
        return m.group(0)
    if m.group("key").rstrip(" =:\"'").lower().endswith("_env"):
        return m.group(0)  # password_env=MQTT_PASSWORD names a variable; it holds no secret
    value = m.group("value")
    quote = ""
    if value.startswith('\\"'):
        quote = '\\"'
    elif value[:1] in "\"'" and len(value) > 1:
        quote = value[0]
    return f"{m.group('key')}{m.group('scheme')}{quote}{MASK}{quote}"


def _helper_name(m: re.Match[str]) -> bool:
    """A Docker credential helper's program name (`exec: "docker-credential-desktop":
    executable file not found`) reads as a secret-named key, but holds none: what follows it is
    judged on its own."""
    return m.group("key").lstrip("\\\"'").lower().startswith("docker-credential-")


# names that hold a secret value themselves: after them, even a lower-case word followed by more
# words is the secret (`password: guest and user admin`); only the names of an operation
# (credentials, creds, auth, unauthorized) start a Go error chain's next clause
_VALUE_NAME = re.compile(
    r"(?i)passw(?:or)?d|passphrase|(?<![a-z])pass(?![a-z])|pwd|secret|token|api[-_ .]?key|apikey"
    r"|private[-_ .]?key|cookie"
)

# what follows a one-word value when the value starts a sentence: a space and a word that is no
# key of its own (`user: bob password: guest host: x` names three keys)
_PROSE_NEXT = re.compile(r" [A-Za-z]{2,64}(?![\w:=])")
# ... and the words a wrapped error clause starts with (Go's and Docker's error strings:
# "error storing credentials", "incorrect username or password", "authentication required"): a
# lower-case one-word secret followed by a word (`credentials: hunter and …`) is no such clause
_CLAUSE_START = frozenset(
    """
    error errors incorrect invalid authentication authorization unauthorized unauthenticated
    failed failure unable cannot could not no missing bad unknown expired denied access
    permission forbidden required empty wrong malformed unexpected
    """.split()
)


def _prose(m: re.Match[str], text: str) -> bool:
    """The value after `name: ` begins an English sentence, not a secret: a Go error chain says
    `Error saving credentials: error storing credentials - err: …`, `unauthorized: incorrect
    username or password` (Go's error strings start in lower case and each wrapper adds `: `).
    Only for a bare `name: ` (no quotes, no `=`, no scheme, a space after the colon) whose value
    is a word an error clause starts with (`_CLAUSE_START`) followed by a space and another word:
    `credentials: hunter and …`, `password: hunter2`,
    `password: guest` at the end of a line or before the next key, `password=error storing`,
    `"password": "error storing"` and `--password error storing` stay masked."""
    key = m.group("key")
    if m.group("q") or m.group("scheme") or not key.endswith(": ") or key[-3:-2].isspace():
        return False  # `name: ` as a sentence writes it: one space after the colon, none before
    if _VALUE_NAME.search(key):
        return False  # `password: guest and …`: a name that holds a value is never prose
    value = m.group("value")
    return value in _CLAUSE_START and _PROSE_NEXT.match(text, m.end()) is not None


def _assignments(text: str) -> str:
    """`_ASSIGN.sub(_assign, text)`, except that a name followed by a space that is no --flag
    ("invalid credentials password=…") gives back what it took after the name: the value it
    would have taken may be an assignment itself (QA: that password was shown in clear)."""
    out: list[str] = []
    pos = 0
    while (m := _ASSIGN.search(text, pos)) is not None:
        if not _flag_ok(m) or _helper_name(m) or _prose(m, text):
            out.append(text[pos : m.start("scheme")])
            pos = m.start("scheme")  # past the name: always forward
            continue
        out.append(text[pos : m.start()])
        out.append(_assign(m))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _positional(m: re.Match[str]) -> str:
    value = m.group("value")
    quote = value[0] if value[:1] in "\"'" and len(value) > 1 else ""
    return f"{m.group('pre')}{quote}{MASK}{quote}"


class UserName(str):
    """A known secret that is a user name (read from a `username_env` variable): masked where it
    stands as a word, so `app` or `guest` does not cut up "application" or "guests" in every
    title and summary. A password is a plain `str`, masked wherever it appears."""


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with known secret values and secret-shaped substrings masked."""
    if not text:
        return text
    for s in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        if isinstance(s, UserName):
            # an ASCII letter or digit next to it makes it part of a longer word; Chinese
            # run straight into it does not (`用户app被拒绝` shows no user name)
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(s)}(?![A-Za-z0-9])", MASK, text)
        else:
            text = text.replace(s, MASK)
    if "-----BEGIN" in text:
        text = _PEM.sub(MASK, text)
    if "://" in text:
        text = _URL_CRED.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", text)
    text = _COOKIE_HDR.sub(lambda m: m.group(1) + MASK, text)
    for command, pattern in _POSITIONAL:
        if command in text:  # a substring test first: most text names none of these commands
            text = pattern.sub(_positional, text)
    return _assignments(text)


def redact_clip(text: str, limit: int, secrets: Iterable[str] = ()) -> str:
    """`text` redacted, then cut to `limit` characters (one line) with an ellipsis.

    Redaction runs first, so a cut can never leave the head of a secret behind; only a window of
    4 x `limit` is redacted, so a 4 MB log line costs no more than a short one.
    """
    window = text[: 4 * limit]
    out = redact(window, secrets).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    if len(out) > limit or len(text) > len(window):
        out = out[: limit - 1] + "…"
    return out


def secrets_in_env(env: Iterable[str]) -> set[str]:
    """Values of secret-named `NAME=value` items (a container's Config.Env)."""
    found = set()
    for item in env:
        key, _, value = str(item).partition("=")
        if is_secret_name(key) and value:
            found.add(value)
    return found

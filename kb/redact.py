"""Secret redaction for everything a check prints: summaries, evidence, JSON and JUnit.

Two layers: values known to be secret (credentials read from *_env variables, URL passwords,
tokens registered by probes) are replaced wherever they appear; and text shapes that carry secrets
(`NAME=value` with a secret-looking NAME, `user:pass@` in URLs, Authorization headers) are masked
even when the value was never registered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "<redacted>"
SECRET_NAME = re.compile(r"(?i)(PASS|SECRET|TOKEN|KEY|COOKIE|CREDENTIAL|AUTH)")
# ENV_NAME=value (env style, upper case) and config keys `password: x`, `api_key = x`; the key must
# start a word (not follow a hyphen), so a container named `kbtui-test-cookie: log` is left alone
_VALUE = r"(\"[^\"]*\"|'[^']*'|[^\s,;\"'}]+)"
_ASSIGN = re.compile(
    r"(?<![\w\-.])([A-Z0-9_]*(?:PASS|SECRET|TOKEN|KEY|COOKIE|CREDENTIAL)[A-Z0-9_]*)(\s*[=:]\s*)"
    + _VALUE
)
_CONF_ASSIGN = re.compile(
    r"(?i)(?<![\w\-.])([a-z0-9_.]*(?:password|passwd|secret|token|api_?key|cookie|credentials?))(\s*[=:]\s*)"
    + _VALUE
)
_URL_CRED = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/\s:@]*):([^/\s@]*)@")
_AUTH_HDR = re.compile(
    r"(?i)\b(authorization|proxy-authorization|x-api-key|x-auth-token|api-key)(\s*[:=]\s*)(\S+\s+)?(\S+)"
)


def is_secret_name(name: str) -> bool:
    """True for variable names that conventionally hold secrets (EMQX_NODE__COOKIE, DB_PASSWORD, ...)."""
    return bool(SECRET_NAME.search(name))


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with known secret values and secret-shaped substrings masked."""
    if not text:
        return text
    for s in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(s, MASK)
    text = _URL_CRED.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", text)
    text = _AUTH_HDR.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) or ''}{MASK}", text)
    for pattern in (_ASSIGN, _CONF_ASSIGN):
        text = pattern.sub(
            lambda m: m.group(0) if m.group(3) == MASK else f"{m.group(1)}{m.group(2)}{MASK}", text
        )
    return text

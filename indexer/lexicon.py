"""Word knowledge the ranking uses on the query side: synonyms, log boilerplate, key identifiers.

* **Synonyms** (`assets/search/synonyms.txt`): groups of words and phrases that mean the same to
  an on-call engineer (掉线 / disconnect / 断开, emfile / too many open files, exit 137 / OOM).
  A query holding one member gets the others added at a lower weight.
* **Boilerplate**: words every Erlang or runtime log line carries (CRASH REPORT, gen_server,
  terminated, supervisor, neighbours, pid, mfa ...). They say nothing about which problem it is,
  so they are weighed down; the reason atom next to them is what matters.
* **Key identifiers**: reason atoms (`eaddrinuse`, `{shutdown,tcp_closed}`), error codes and
  identifiers with underscores are weighed up; ports named in the query are compared with the
  ports an entry is about.
* **Chinese query rewriting** (`rewrite`): the confusion set (`assets/search/confusables.txt`:
  登陆 -> 登录, 单项认证 -> 单向认证, words an input method puts in place of the meant one) and the
  question phrases that say nothing about the problem (请问, 怎么回事, 求助 ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.tokens import STOP_WORDS, fold, has_cjk

SYNONYM_WEIGHT = 0.5  # weight of a term added by a synonym, against 1.0 for the user's own
BOILERPLATE_WEIGHT = 0.15
ATOM_WEIGHT = 1.6

# Stems (tokens.word_terms output) of words that runtime log lines carry whatever the problem.
BOILERPLATE = frozenset(
    """
    report crash_report error info warn warning debug notic critic log logger process proc
    proc_lib init_p_do_apply gen_server gen_statem gen_serv termin terminat supervisor supervis
    neighbour neighbor ancestor ancestors messag message_queue_len link links dictionari
    trap_exit status heap_siz stack_siz reduct registered_nam initial_cal pid node mfa msg line
    file modul function erl stacktrac lib src reason context offend child_typ restart_typ
    shutdown_typ significant child start_link mfarg mfargs call handle_cal handle_info
    handle_ev handle_msg last messag state server when erlang otp beam elixir
    """.split()
)
# POSIX error atoms (Erlang prints them bare): a pasted log line names its problem with one.
ERRNO = frozenset(
    """
    eacces eaddrinuse eaddrnotavail eafnosupport eagain ealready ebadf ebusy econnaborted
    econnrefused econnreset edquot eexist ehostdown ehostunreach einprogress einval eio eisconn
    emfile emsgsize enetdown enetunreach enfile enobufs enoent enomem enospc enotconn enotdir
    enotsup epipe eperm eproto erofs etimedout etxtbsy exdev nxdomain
    """.split()
)


# Chinese question and politeness phrases: how a question is asked, not what it is about (the
# Chinese counterpart of English stop words; the standard Chinese stop-word lists hold them). A
# word no entry holds counts double against an answer's coverage, so leaving 请问 in a query
# made every answer look unsure. Longest first: 是怎么回事 before 怎么回事.
ZH_FILLER = (
    "是怎么回事",
    "怎么回事",
    "什么情况",
    "什么原因",
    "是什么原因",
    "怎么解决",
    "如何解决",
    "怎么处理",
    "如何处理",
    "怎么办",
    "咋回事",
    "咋办",
    "请问",
    "请教",
    "求助",
    "求教",
    "求解",
    "大佬们",
    "大佬",
    "大神们",
    "大神",
    "各位",
    "谢谢",
    "有没有人",
    "有人知道",
    "为啥",
)


@lru_cache(maxsize=1)
def _WORD() -> re.Pattern[str]:
    return re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _PORT() -> re.Pattern[str]:
    # `host:1883`, `port 5432`, `port=8883`, `{port,8083}`; not a clock time (`12:30`)
    return re.compile(r"()(?::|\bport[ =]|\{port,)(\d{2,5})\b", re.IGNORECASE)


def is_identifier(term: str, word: str = "") -> bool:
    """A reason atom, error code or identifier (`tcp_closed`, `eaddrinuse`, `bcrypt_nif`);
    `word` is the word as typed (the term is its stem)."""
    if "_" in term and _GENERATED().search(term):
        return False  # a generated name (`docker_temp_880502663`), not a reason atom
    return ("_" in term and term not in BOILERPLATE) or (word or term) in ERRNO


@lru_cache(maxsize=1)
def _GENERATED() -> re.Pattern[str]:
    return re.compile(r"(?:^|_)\d{6,}(?:_|$)")


# Code locations in Erlang/Elixir log lines: `@vmq_mqtt_fsm:check_user:587`, `mfa:
# {emqx_connection,terminate,2}`, `{file,"emqx_frame.erl"},{line,438}`, and Go source files in
# Docker/runc errors (`container_linux.go:380`, `standard_init_linux.go:228`). They say where a
# message was printed, not what went wrong: weighed like boilerplate (and a `.go` file names
# neither Go nor Linux as the product asked about).
@lru_cache(maxsize=1)
def _LOCATION() -> re.Pattern[str]:
    return re.compile(
        r"@([a-z][a-z0-9_]*):([a-z][a-z0-9_]*):\d+"
        r"|\{([a-z][a-z0-9_]*),'?([a-z][a-z0-9_-]*)'?,(?:\d+|\[)"
        r"|([a-z][a-z0-9_]*)\.erl\b"
        r"|\bmfa: ?\{?([a-z][a-z0-9_]*)[,:]([a-z][a-z0-9_]*)"
        r"|\b([a-z][a-z0-9_]*)\.go:\d+"
    )


# Other names and components of a product, as query terms: a query naming one names the
# product (EMQX was `emqttd` up to 2.x and is "EMQ" in Chinese posts; `esockd`, `ekka`, `mria`
# and `minirest` are its own libraries, printed in its logs). Of the products here only
# RabbitMQ speaks AMQP, so a query about AMQP is about RabbitMQ (`closing AMQP connection`).
PRODUCT_ALIASES = {
    "emq": "emqx",
    "emqttd": "emqx",
    "emqtt": "emqx",
    "emqttx": "emqx",
    "esockd": "emqx",
    "ekka": "emqx",
    "mria": "emqx",
    "minirest": "emqx",
    "vmq": "vernemq",
    "rabbit": "rabbitmq",
    "amqp": "rabbitmq",
}


def locations(text: str) -> frozenset[str]:
    """Index terms of the code locations a log text names (modules and functions)."""
    from indexer.tokens import word_terms

    if not any(k in text for k in ("@", "{", ".erl", "mfa", ".go:")):
        return frozenset()
    out: set[str] = set()
    for m in _LOCATION().finditer(text):
        for name in m.groups():
            if name:
                # the identifier itself, not its parts (`emqx`, `connect` still count)
                out.update(word_terms(name.lower())[:1])
        if ".go:" in m.group(0):
            # a Go file's language and platform suffix (`container_linux.go`) are not what the
            # line is about
            out.add("go")
            name = m.group(0).split(".go:", 1)[0].lower()
            out.update(p for p in ("linux", "unix", "windows") if name.endswith("_" + p))
    return frozenset(out)


# Routine lines of a broker's own log, which every connection prints whatever the problem
# (Mosquitto: "New client connected from <ip> as <id> (p2, c1, k60).", "Sending CONNACK to
# <id> (0, 0)", "Opening ipv4 listen socket on port 1883."): their fixed words are weighed like
# boilerplate, so the client id or the message next to them decides.
@lru_cache(maxsize=1)
def _FRAME() -> re.Pattern[str]:
    return re.compile(
        r"\bNew connection from\b"
        r"|\bNew client connected from \S+ as\b"
        r"|\b(?:Sending|Received) (?:CONNACK|CONNECT|PINGREQ|PINGRESP|PUBLISH|PUBACK|SUBSCRIBE"
        r"|SUBACK|UNSUBSCRIBE|DISCONNECT)(?: (?:to|from))?\b"
        r"|\bOpening ipv[46] listen socket on port\b"
        r"|\bmosquitto version \S+ (?:starting|running)\b"
        r"|\bConfig loaded from\b"
    )


_FRAME_KEYS = ("New c", "Sending ", "Received ", "listen socket", "mosquitto version", "Config lo")


def frames(text: str) -> frozenset[str]:
    """Index terms of the routine log-line words a text holds (see `_FRAME`)."""
    from indexer.tokens import word_terms

    if not any(k in text for k in _FRAME_KEYS):
        return frozenset()  # most queries: no regex compiled, none run
    out: set[str] = set()
    for m in _FRAME().finditer(text):
        for w in _WORD().findall(m.group(0).lower()):
            if not any(c.isdigit() for c in w) and "." not in w:
                out.update(word_terms(w))
    return frozenset(out)


def term_weight(term: str, word: str = "") -> float:
    """Query weight of one Latin index term (a stem) of the user's own text."""
    if term in BOILERPLATE:
        return BOILERPLATE_WEIGHT
    if is_identifier(term, word):
        return ATOM_WEIGHT
    return 1.0


# The ports of the products the KB covers. Written bare in a sentence (`无法访问18083管理后台`,
# `telnet host 5672`) they are still ports; any other bare number is not read as one.
WELL_KNOWN_PORTS = (
    "1883 8883 8083 8084 18083 8081 4370 5370 9001 8888 "  # MQTT, EMQX, VerneMQ, Mosquitto ws
    "5671 5672 15672 15692 25672 4369 61613 15674 15675 "  # RabbitMQ and the Erlang port mapper
    "2375 2376"  # the Docker daemon
).split()


@lru_cache(maxsize=1)
def _BARE_PORT() -> re.Pattern[str]:
    # not part of a longer number, version, address or identifier; CJK text around it is fine
    known = "|".join(WELL_KNOWN_PORTS)
    return re.compile(rf"(?<![0-9A-Za-z._:/#-])({known})(?![0-9A-Za-z_]|\.\d)")


@lru_cache(maxsize=1)
def _CJK_PORT() -> re.Pattern[str]:
    # `端口 5432`, `端口号:8080`, `8080端口`
    return re.compile(r"端口号?\s*[:：=]?\s*(\d{2,5})(?!\d)|(?<!\d)(\d{2,5})\s*端口")


def ports(text: str) -> frozenset[str]:
    """Port numbers a text names (`:1883`, `port 5432`, `{port,8083}`, `8080端口`, and the
    products' own ports written bare: `访问18083`)."""
    out = set()
    for m in _PORT().finditer(text):
        port, start = m.group(2), m.start(2)
        if len(port) == 2 and start >= 2 and text[start - 2].isdigit():
            continue  # minutes or seconds of a clock time
        if 10 <= int(port) <= 65535:
            out.add(port)
    for m in _CJK_PORT().finditer(text):
        port = m.group(1) or m.group(2)
        if 10 <= int(port) <= 65535:
            out.add(port)
    out.update(m.group(1) for m in _BARE_PORT().finditer(text))
    return frozenset(out)


@lru_cache(maxsize=1)
def confusables() -> tuple[tuple[str, str], ...]:
    """The confusion set: (wrong, right) pairs, folded and lower-cased, longest wrong form first."""
    from kb.paths import assets_dir

    try:
        text = (assets_dir() / "search" / "confusables.txt").read_text("utf-8")
    except OSError:
        return ()
    return parse_confusables(text)


def parse_confusables(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) == 2 and parts[0] != parts[1]:
            pairs.append((fold(parts[0]).lower(), fold(parts[1]).lower()))
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


@lru_cache(maxsize=1)
def _REWRITE() -> tuple[re.Pattern[str], dict[str, str]]:
    # one alternation, longest first: a longer pair wins over a shorter one at the same place
    table = {w: r for w, r in confusables()}
    table.update({f: " " for f in ZH_FILLER})
    keys = sorted(table, key=lambda k: (-len(k), k))
    return re.compile("|".join(map(re.escape, keys)), re.IGNORECASE), table


@lru_cache(maxsize=1)
def _ASKS() -> re.Pattern[str]:
    # "how do I / is there a way / can I" and 如何 / 怎么 / 有没有 / 能否: how-to and can-it
    # questions. Asking how to fix or solve something is a failure being reported, and the
    # Chinese fix requests (怎么解决, 怎么办) are blanked by `rewrite` before this is asked.
    return re.compile(
        r"(?i)\bhow (?:do|can|could|should|would) (?:i|we|you|one)\b(?! (?:fix|solve|resolve))"
        r"|\bhow to\b(?! (?:fix|solve|resolve|debug|troubleshoot))"
        r"|\bis (?:there|it) (?:a|any)? ?(?:way|tool|command|option|setting|api|possible)\b"
        r"|\b(?:have|has) any way\b|\bany way to\b"
        r"|^\s*(?:can|could|does|do) (?:i|we|you|one|it|emqx|rabbitmq|mosquitto|vernemq|docker)\b"
        r"|怎么|怎样|如何|有没有|能否|能不能|是否(?:支持|可以|能)|可以[^，。？?]{0,20}吗|支持[^，。？?]{0,12}吗"
    )


def asks_how(text: str) -> bool:
    """Whether a query (as `rewrite` returns it) asks how to do something or whether something
    can be done, rather than reporting a failure: an FAQ is the likelier answer."""
    return _ASKS().search(text) is not None


def rewrite(text: str) -> str:
    """A query's Chinese, as meant: Traditional folded to Simplified, the confusion set's wrong
    forms replaced by the right ones, question phrases (请问, 怎么回事) blanked. Latin text is
    returned as it is."""
    if text.isascii():
        return text
    pattern, table = _REWRITE()
    return pattern.sub(lambda m: table[m.group(0).lower()], fold(text))


@dataclass(frozen=True)
class SynonymGroup:
    members: tuple[str, ...]
    # per member: its Latin terms (all must be in the query) or its folded CJK text
    keys: tuple[tuple[frozenset[str], str], ...]


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[SynonymGroup, ...]:
    from kb.paths import assets_dir

    try:
        text = (assets_dir() / "search" / "synonyms.txt").read_text("utf-8")
    except OSError:
        return ()
    return parse_synonyms(text)


def parse_synonyms(text: str) -> tuple[SynonymGroup, ...]:
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if "|" not in line:
            continue
        members = tuple(m.strip() for m in line.split("|") if m.strip())
        keys: list[tuple[frozenset[str], str]] = []
        for m in members:
            if has_cjk(m):
                keys.append((frozenset(), fold(m).replace(" ", "")))
            else:
                # the member's words as typed (no stemming: parsing stays cheap on every cold
                # start); a query matches them by its words or its stems
                words = frozenset(w for w in _WORD().findall(m.lower()) if w not in STOP_WORDS)
                keys.append((words, ""))
        groups.append(SynonymGroup(members, tuple(keys)))
    return tuple(groups)


def expansions(
    text: str, terms: frozenset[str], runs: frozenset[str] = frozenset()
) -> list[tuple[str, bool]]:
    """Members of every synonym group the query touches, except those it already holds, each
    with whether the group was touched by a whole phrase of the query (a Latin member, or a
    Chinese member that is one of the query's CJK `runs`) rather than by a piece of one.

    `terms`: the query's lower-cased words and their stems."""
    folded = fold(text).lower().replace(" ", "") if not text.isascii() else ""
    found = _cjk_members(folded) if folded else frozenset()
    out: list[tuple[str, bool]] = []
    for group in synonym_groups():
        hit = [
            (bool(latin) and latin <= terms) or (bool(cjk) and cjk in found)
            for latin, cjk in group.keys
        ]
        if any(hit):
            whole = any(
                h and (bool(latin) or cjk in runs)
                for h, (latin, cjk) in zip(hit, group.keys, strict=True)
            )
            out.extend((m, whole) for m, h in zip(group.members, hit, strict=True) if not h)
    out.extend((meaning, True) for meaning in connack_meanings(text))
    return out


# MQTT CONNACK return codes (MQTT 3.1.1, section 3.2.2.3) and the MQTT 5 reason codes for the same
# refusals (section 3.2.2.2): clients print the number ("rc 5", "rc=4", "return code 5"; paho-mqtt
# Python's README example prints "Connected with result code 5" from its on_connect), brokers
# the CONNACK they send (Mosquitto: "Sending CONNACK to 10.0.0.2 (0, 5)"); the entries name the
# meaning
CONNACK_CODES = {
    "1": "unacceptable protocol version",
    "2": "identifier rejected",
    "3": "server unavailable",
    "4": "bad username or password",
    "5": "not authorised",
    "132": "unsupported protocol version",
    "133": "client identifier not valid",
    "134": "bad username or password",
    "135": "not authorised",
    "136": "server unavailable",
    # the Arduino PubSubClient's own states (`state()`), printed by its examples as
    # "Attempting MQTT connection...failed, rc=-2": the TCP connection itself failed
    "-2": "cannot connect to the broker",
    "-4": "connection timeout",
}


@lru_cache(maxsize=1)
def _CONNACK() -> re.Pattern[str]:
    return re.compile(
        r"(?i)\b(?:rc(?:\s*[=:]\s*|\s+)|(?:return(?:ed)? ?code|result ?code|reason ?code|connack code)\s*[=:]?\s*)"
        r"(-?\d{1,3})\b"
        r"|\bconnack\b[^()\n]{0,60}\(\s*\d\s*,\s*(\d)\s*\)"
    )


def connack_meanings(text: str) -> list[str]:
    """What the MQTT connect return codes a query quotes mean, for a query about MQTT (it says
    mqtt, CONNACK, or `MQT:`, the prefix of Tasmota's MQTT log lines): "MQT: Connect failed to
    192.168.1.7:1883, rc 5" is a refused login."""
    low = text.lower()
    if "mqtt" not in low and "connack" not in low and "mqt:" not in low:
        return []
    out: list[str] = []
    for m in _CONNACK().finditer(text):
        meaning = CONNACK_CODES.get(m.group(1) or m.group(2))
        if meaning and meaning not in out:
            out.append(meaning)
    return out


def _cjk_members(folded: str) -> frozenset[str]:
    """The Chinese synonym members a query holds, longest match first: a member found only
    inside a longer member's occurrence does not count (单向认证 holds 认证, but means TLS
    one-way authentication, not the log-in `认证` group)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for group in synonym_groups():
        for _latin, cjk in group.keys:
            if cjk and cjk not in spans:
                at = folded.find(cjk)
                while at >= 0:
                    spans.setdefault(cjk, []).append((at, at + len(cjk)))
                    at = folded.find(cjk, at + 1)
    out = set()
    for key, places in spans.items():
        for a, b in places:
            inside = any(
                len(other) > len(key) and any(c <= a and b <= d for c, d in spans[other])
                for other in spans
            )
            if not inside:
                out.add(key)
                break
    return frozenset(out)

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
    return ("_" in term and term not in BOILERPLATE) or (word or term) in ERRNO


# Code locations in Erlang/Elixir log lines: `@vmq_mqtt_fsm:check_user:587`, `mfa:
# {emqx_connection,terminate,2}`, `{file,"emqx_frame.erl"},{line,438}`. They say where a message
# was printed, not what went wrong: weighed like boilerplate.
@lru_cache(maxsize=1)
def _LOCATION() -> re.Pattern[str]:
    return re.compile(
        r"@([a-z][a-z0-9_]*):([a-z][a-z0-9_]*):\d+"
        r"|\{([a-z][a-z0-9_]*),'?([a-z][a-z0-9_-]*)'?,(?:\d+|\[)"
        r"|([a-z][a-z0-9_]*)\.erl\b"
        r"|\bmfa: ?\{?([a-z][a-z0-9_]*)[,:]([a-z][a-z0-9_]*)"
    )


def locations(text: str) -> frozenset[str]:
    """Index terms of the code locations a log text names (modules and functions)."""
    from indexer.tokens import word_terms

    if "@" not in text and "{" not in text and ".erl" not in text and "mfa" not in text:
        return frozenset()
    out: set[str] = set()
    for m in _LOCATION().finditer(text):
        for name in m.groups():
            if name:
                # the identifier itself, not its parts (`emqx`, `connect` still count)
                out.update(word_terms(name.lower())[:1])
    return frozenset(out)


def term_weight(term: str, word: str = "") -> float:
    """Query weight of one Latin index term (a stem) of the user's own text."""
    if term in BOILERPLATE:
        return BOILERPLATE_WEIGHT
    if is_identifier(term, word):
        return ATOM_WEIGHT
    return 1.0


def ports(text: str) -> frozenset[str]:
    """Port numbers a text names (`:1883`, `port 5432`, `{port,8083}`)."""
    out = set()
    for m in _PORT().finditer(text):
        port, start = m.group(2), m.start(2)
        if len(port) == 2 and start >= 2 and text[start - 2].isdigit():
            continue  # minutes or seconds of a clock time
        if 10 <= int(port) <= 65535:
            out.add(port)
    return frozenset(out)


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
    out: list[tuple[str, bool]] = []
    for group in synonym_groups():
        hit = [
            (bool(latin) and latin <= terms) or (bool(cjk) and cjk in folded)
            for latin, cjk in group.keys
        ]
        if any(hit):
            whole = any(
                h and (bool(latin) or cjk in runs)
                for h, (latin, cjk) in zip(hit, group.keys, strict=True)
            )
            out.extend((m, whole) for m, h in zip(group.members, hit, strict=True) if not h)
    return out

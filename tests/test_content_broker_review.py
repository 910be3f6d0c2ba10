"""Corrections from a RabbitMQ/Mosquitto engineer's fact check of twelve entries, shown by a test
where a test can show them: config snippets Mosquitto accepts, check patterns that hold on old and
new releases, and signatures for the log forms the entries name.

Real lines come from the host's RabbitMQ 3.10.8 and Mosquitto 2.0.11, from the brokers' own source
at the tags named in each test, and from the log corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.loader import load_kb

ROOT = Path(__file__).resolve().parent.parent

# Mosquitto options whose value is read to the end of the line (conf__parse_string and the ACL
# parser) plus the common ones: a trailing `# note` becomes part of a path or topic, or is at best
# ignored by accident. mosquitto.conf(5): only a `#` as the very first character starts a comment.
MOSQUITTO_KEYS = (
    "topic pattern user acl_file password_file persistence_location persistence_file log_dest "
    "cafile capath certfile keyfile crlfile ciphers dhparamfile psk_file plugin auth_plugin "
    "include_dir http_dir pid_file mount_point listener allow_anonymous per_listener_settings "
    "max_connections max_queued_messages max_inflight_messages message_size_limit protocol "
    "socket_domain persistence autosave_interval log_type connection_messages retain_available "
    "require_certificate use_identity_as_username max_keepalive max_packet_size"
).split()
TRAILING_COMMENT = re.compile(rf"^\s*(?:{'|'.join(MOSQUITTO_KEYS)})\s+\S.*?\s#(?:\s|$)")


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _texts(entry) -> list[str]:
    """Body, fixes and conclusions in both languages, one config line per item."""
    out = [entry.body]
    for node in entry.tree.nodes.values() if entry.tree else ():
        for lang in ("en", *entry.translations):
            text = entry.node_text(node, lang)
            out += [text.get("fix") or "", text.get("conclusion") or ""]
    out += [tr.body for tr in entry.translations.values()]
    return [line for text in out for line in text.splitlines()]


def test_no_mosquitto_config_or_acl_line_carries_a_trailing_comment(kb):
    bad = [
        f"{e.id}: {line.strip()}"
        for e in kb.entries.values()
        if "mosquitto" in e.products
        for line in _texts(e)
        if TRAILING_COMMENT.match(line)
    ]
    assert bad == [], "put the comment on its own line starting with #:\n" + "\n".join(bad)

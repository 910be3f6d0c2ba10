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

from kb.checks.kinds._common import compile_pattern
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


# --- rabbitmq-data-lost-new-hostname ---------------------------------------------------------------

# The banner line of a container named after its id, as RabbitMQ prints it: `database dir` up to
# 3.11 (real, captured from 3.10.8 in tests/fixtures/real-logs), `data dir` from 3.12.0 (rabbit.erl
# v3.12.0 to v4.3.5: {"data dir", data_dir()}, padded like every banner key).
BANNER_3_10 = next(
    line
    for line in (ROOT / "tests/fixtures/real-logs/rabbitmq/disk-alarm.log").read_text().splitlines()
    if " database dir " in line
)
BANNER_3_12 = (
    "2024-01-14 06:17:07.849232+00:00 [info] <0.230.0>  data dir       : "
    "/var/lib/rabbitmq/mnesia/rabbit@9d35ed036e68"
)
BANNER_PINNED = "[info] <0.230.0>  data dir       : /var/lib/rabbitmq/mnesia/rabbit@rabbitmq-dev"


def test_id_hostname_check_sees_the_container_id_in_old_and_new_banners(kb):
    """The check used to look for `database dir` only: from 3.12 it passed on every node named
    after its container id, and the tree concluded "stable"."""
    pat = compile_pattern(
        kb.get("rabbitmq-data-lost-new-hostname").check("id-hostname").params["pattern"]
    )
    assert pat.search(BANNER_3_10), BANNER_3_10
    assert pat.search(BANNER_3_12)
    assert not pat.search(BANNER_PINNED)


# --- rabbitmqctl list_queues columns --------------------------------------------------------------

# @info_keys of list_queues in rabbitmq-server v3.10.8 (deps/rabbitmq_cli/.../list_queues_command.ex):
# the release this KB reproduces on. effective_policy_definition arrived in 3.10.13/3.11.5/3.12.0, so
# 3.10.8 answers "Info key(s) effective_policy_definition are not supported".
LIST_QUEUES_KEYS_3_10_8 = set(
    """name durable auto_delete arguments policy pid owner_pid exclusive exclusive_consumer_pid
    exclusive_consumer_tag messages_ready messages_unacknowledged messages messages_ready_ram
    messages_unacknowledged_ram messages_ram messages_persistent message_bytes message_bytes_ready
    message_bytes_unacknowledged message_bytes_ram message_bytes_persistent head_message_timestamp
    disk_reads disk_writes consumers consumer_utilisation consumer_capacity memory slave_pids
    synchronised_slave_pids state type leader members online""".split()
)
LIST_QUEUES = re.compile(r"rabbitmqctl list_queues((?: +(?:-p +\S+|--?[a-z-]+|[a-z_]+))*)")


def test_list_queues_commands_run_on_rabbitmq_3_10_8(kb):
    bad = []
    for e in kb.entries.values():
        if "rabbitmq" not in e.products:
            continue
        for line in _texts(e):
            for m in LIST_QUEUES.finditer(line):
                cols = [c for c in re.sub(r"-p +\S+", "", m.group(1)).split() if c[0] != "-"]
                unknown = [c for c in cols if c not in LIST_QUEUES_KEYS_3_10_8]
                if unknown:
                    bad.append(f"{e.id}: {m.group(0)}  (3.10.8 lacks {unknown})")
    assert bad == [], "\n".join(bad)

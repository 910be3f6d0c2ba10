"""The RabbitMQ and Docker Engine entries added for issue 11 meet the content bar of
docs/content-guide.md: both languages, precise versions, public sources, signatures (where the
problem logs something), checks answering the tree, and a fix that says what it costs."""

from __future__ import annotations

import re

import pytest

from kb.loader import load_kb

RABBITMQ = """
rabbitmq-memory-alarm-publishers-blocked rabbitmq-disk-alarm-free-disk-insufficient
rabbitmq-listener-eaddrinuse-boot-failed rabbitmq-login-refused-invalid-credentials
rabbitmq-guest-remote-localhost-only rabbitmq-network-partition rabbitmq-data-lost-new-hostname
rabbitmq-consumer-ack-timeout rabbitmq-missed-heartbeats rabbitmq-inequivalent-arg-precondition-failed
rabbitmq-erlang-cookie-cli-auth-failed rabbitmq-erlang-cookie-file-permissions
rabbitmq-waiting-for-mnesia-tables rabbitmq-out-of-file-descriptors rabbitmq-unknown-delivery-tag
rabbitmq-feature-flags-upgrade-boot-failed rabbitmq-message-redelivered-requeue-loop
rabbitmq-message-size-exceeds-max rabbitmq-management-ui-not-reachable
rabbitmq-quorum-queue-unavailable rabbitmq-consumer-stalls-unacked-at-prefetch
""".split()
DOCKER = """
docker-port-already-allocated docker-daemon-not-running docker-socket-permission-denied
docker-daemon-json-invalid docker-no-space-left-on-device docker-json-file-logs-fill-disk
docker-oci-executable-not-found docker-exec-format-error docker-address-pools-exhausted
docker-pull-rate-limit docker-pull-tls-handshake-timeout docker-dns-resolution-fails
docker-bind-mount-not-a-directory docker-container-name-conflict
docker-compose-depends-on-unhealthy-dependency docker-iptables-rules-lost-after-firewall-restart
docker-registry-x509-unknown-authority docker-pull-registry-dns-lookup-fails
""".split()
# problems that print no line of their own: the cause is observed by checks only
NO_LOG_LINE = {
    "docker-json-file-logs-fill-disk": "a growing log file prints nothing about itself",
    "rabbitmq-data-lost-new-hostname": "the banner naming rabbit@<id> is printed on every healthy boot",
    "rabbitmq-message-redelivered-requeue-loop": "requeues and redeliveries are normal protocol operations",
    "rabbitmq-management-ui-not-reachable": "a plugin that is not enabled or a port not published prints nothing",
    "rabbitmq-consumer-stalls-unacked-at-prefetch": (
        "holding unacknowledged deliveries is normal protocol state; the broker logs nothing"
    ),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def test_counts_per_product(kb):
    assert len(RABBITMQ) >= 11 and len(DOCKER) >= 11
    assert {e for e in kb.entries if e.startswith("rabbitmq-")} >= set(RABBITMQ)
    assert {e for e in kb.entries if e.startswith("docker-")} >= set(DOCKER)


@pytest.mark.parametrize("eid", RABBITMQ + DOCKER)
def test_entry_has_versions_public_sources_and_chinese(kb, eid):
    e = kb.get(eid)
    assert e.kind == "incident"
    product = eid.split("-", 1)[0]
    assert product in e.products and e.versions.get(product), f"{eid}: versions of {product}"
    if product == "rabbitmq":  # 3.x vs 4.x must be explicit
        assert re.search(r"\b[34]\.(x|\d+)", e.versions["rabbitmq"]), e.versions["rabbitmq"]
    urls = [s.url for s in e.sources if s.url]
    assert urls and all(u.startswith("https://") for u in urls), f"{eid}: public sources"
    zh = e.translations["zh"]
    assert CJK.search(zh.title) and zh.symptoms and any(CJK.search(s) for s in zh.symptoms)
    assert str(e.updated) == "2026-12-02" or str(e.updated) > "2026-12-02"


@pytest.mark.parametrize("eid", RABBITMQ + DOCKER)
def test_incident_is_observable_and_actionable(kb, eid):
    e = kb.get(eid)
    assert bool(e.signatures) != (eid in NO_LOG_LINE), f"{eid}: signatures"
    assert e.checks and e.tree is not None
    assert any(n.check for n in e.tree.nodes.values()), f"{eid}: no question answered by a check"
    for section in ("## Symptoms", "## Cause", "## How to confirm", "## Fix", "## Verify the fix"):
        assert section in e.body, f"{eid}: missing {section}"
    fix = e.body.split("## Fix", 1)[1].split("\n## ", 1)[0].lower()
    assert re.search(r"\b(cost|risk)\b", fix), f"{eid}: the fix does not state its cost or risk"
    zh_fix = e.translations["zh"].body.split("## 解决", 1)[1].split("\n## ", 1)[0]
    assert re.search("代价|风险", zh_fix), f"{eid}: the Chinese fix does not state its cost or risk"

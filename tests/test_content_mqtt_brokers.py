"""The Mosquitto, EMQX and VerneMQ entries added for issue 11 meet the content bar of
docs/content-guide.md: both languages, versions, public sources, observable checks answering the
tree, and a fix that says what it costs."""

from __future__ import annotations

import re

import pytest

from kb.loader import load_kb

INCIDENTS = """
mosquitto-address-already-in-use mosquitto-unknown-configuration-variable mosquitto-local-only-mode
mosquitto-not-authorised mosquitto-max-connections-exceeded mosquitto-persistence-unable-to-save
mosquitto-corrupt-persistence-database mosquitto-unable-to-open-pwfile mosquitto-unable-to-open-log-file
mosquitto-client-already-connected mosquitto-keepalive-exceeded-timeout mosquitto-tls-wrong-version-number
mosquitto-tls-certificate-errors mosquitto-acl-denied-publish
emqx-cluster-invalid-challenge-reply emqx-authentication-failure-not-authorized
emqx-docker-bind-mount-permission-denied emqx-cluster-network-partition emqx-cluster-merge-schema-failed
emqx-frame-too-large-max-packet-size
vernemq-eula-not-accepted vernemq-authentication-plugin-chain-exhausted vernemq-subscriber-dropped-messages
""".split()
FAQS = """
emqx-dashboard-default-login emqx-4-to-5-config-keys vernemq-docker-config-env-vars
vernemq-docker-stop-leaves-cluster
mosquitto-clear-retained-messages
""".split()
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def test_counts_per_product():
    ids = INCIDENTS + FAQS
    assert len([i for i in ids if i.startswith("mosquitto-")]) >= 11
    assert len([i for i in ids if i.startswith(("emqx-", "vernemq-"))]) >= 10


@pytest.mark.parametrize("eid", INCIDENTS + FAQS)
def test_entry_has_versions_public_sources_and_chinese(kb, eid):
    e = kb.get(eid)
    assert e.kind == ("incident" if eid in INCIDENTS else "faq")
    product = eid.split("-", 1)[0]
    assert product in e.products and e.versions.get(product), f"{eid}: versions of {product}"
    urls = [s.url for s in e.sources if s.url]
    assert urls and all(u.startswith("https://") for u in urls), f"{eid}: public sources"
    zh = e.translations["zh"]
    assert CJK.search(zh.title) and zh.symptoms and any(CJK.search(s) for s in zh.symptoms)


@pytest.mark.parametrize("eid", INCIDENTS)
def test_incident_is_observable_and_actionable(kb, eid):
    e = kb.get(eid)
    assert e.signatures and e.checks and e.tree is not None
    assert any(n.check for n in e.tree.nodes.values()), f"{eid}: no question answered by a check"
    body = e.body
    for section in ("## Cause", "## How to confirm", "## Fix", "## Verify the fix"):
        assert section in body, f"{eid}: missing {section}"
    fix = body.split("## Fix", 1)[1].split("\n## ", 1)[0].lower()
    assert re.search(r"\b(cost|risk)\b", fix), f"{eid}: the fix does not state its cost or risk"

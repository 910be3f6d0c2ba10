"""MQTT, AMQP and RabbitMQ kinds against the real brokers (Mosquitto 1883/1884, RabbitMQ 5672/15672)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from conftest import ROOT, make_entry, spec

from kb.checks.runner import run_check

pytestmark = pytest.mark.live
AUTH = {"username_env": "KBTUI_TEST_MQTT_USER", "password_env": "KBTUI_TEST_MQTT_PASS"}


def check(kind: str, params: dict):
    s = spec(kind, params)
    return run_check(make_entry(s), s)


def kb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kb.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_censys_entry_warns_on_anonymous_and_passes_with_password(brokers):
    proc = kb("check", "emqx-unknown-clients-censys#anonymous-refused", "--json")
    res = json.loads(proc.stdout)["results"][0]
    assert proc.returncode == 1 and res["status"] == "warn" and "anonymous" in res["summary"]
    proc = kb(
        "check", "emqx-unknown-clients-censys#anonymous-refused", "--set", "port=1884", "--json"
    )
    res = json.loads(proc.stdout)["results"][0]
    assert proc.returncode == 0 and res["status"] == "pass" and "refuses" in res["summary"]


@pytest.mark.parametrize("protocol", ["3.1.1", 5])
def test_connect_with_and_without_credentials(brokers, protocol):
    assert check("mqtt.connect", {"port": 1884, "protocol": protocol, **AUTH}).status == "pass"
    r = check("mqtt.connect", {"port": 1884, "protocol": protocol})  # no credentials
    assert r.status == "fail" and "refused" in r.summary
    r = check(
        "mqtt.connect",
        {
            "port": 1884,
            "protocol": protocol,
            "username_env": "KBTUI_TEST_MQTT_USER",
            "password_env": "KBTUI_TEST_NO_SUCH_VAR",
        },
    )
    # a variable that is not set is told, not sent as no password (QA: the broker on 1883,
    # which lets anyone in, "accepted the credentials" of two variables that did not exist);
    # an entry's own variable names left unset: skip (nothing tried), the user's: error
    assert r.status == "skip" and "password_env names KBTUI_TEST_NO_SUCH_VAR" in r.summary
    unset = {"username_env": "KBTUI_TEST_NO_SUCH_USER", "password_env": "KBTUI_TEST_NO_SUCH_VAR"}
    s = spec("mqtt.connect", {"port": 1883, "protocol": protocol})
    r = run_check(make_entry(s), s, None, unset)
    assert r.status == "error" and "not set in kb's environment" in r.summary


def test_roundtrip_passes_and_errors_against_stopped_broker(brokers):
    proc = kb("check", "emqx-shared-subscription-message-loss#roundtrip", "--json")
    res = json.loads(proc.stdout)["results"][0]
    assert proc.returncode == 0 and res["status"] == "pass" and res["active"] is True
    assert any(e.startswith("topic: kbtui/probe/") for e in res["evidence"])
    r = check("mqtt.roundtrip", {"port": 1884, "protocol": 5, "qos": 2, **AUTH})
    assert r.status == "pass" and r.active
    proc = kb("check", "emqx-shared-subscription-message-loss#roundtrip", "--set", "port=1")
    assert (
        proc.returncode == 3
        and "connection refused" in proc.stdout
        and "Traceback" not in proc.stderr
    )


def test_sys_topic(brokers):
    r = check("mqtt.sys", {})
    assert r.status == "pass" and "mosquitto" in r.summary.lower()


def test_amqp_and_management_api(brokers):
    r = check("amqp.connect", {})
    assert r.status == "pass" and "RabbitMQ" in r.evidence[0]
    assert check("rabbitmq.api", {}).status == "pass"
    r = check(
        "rabbitmq.api", {"path": "/api/overview", "json": "product_name", "equals": "RabbitMQ"}
    )
    assert r.status == "pass"
    assert check("amqp.connect", {"port": 1}).status == "error"


def test_amqp_refused_login_is_a_finding(brokers, monkeypatch):
    """The broker answered: a refused login or a denied vhost is `fail` (what the check looks
    for), not `error` (a check that could not run), like mqtt.connect's refused CONNACK."""
    monkeypatch.setenv("KBTUI_TEST_BAD_USER", "kbtui-nobody")
    monkeypatch.setenv("KBTUI_TEST_BAD_PASS", "kbtui-wrong")
    bad = {"username_env": "KBTUI_TEST_BAD_USER", "password_env": "KBTUI_TEST_BAD_PASS"}
    r = check("amqp.connect", bad)
    assert r.status == "fail" and "refused the credentials" in r.summary, r
    assert "kbtui-wrong" not in repr(r)
    r = check("amqp.connect", {"vhost": "/kbtui-no-such-vhost"})
    assert r.status == "fail" and "denied access to vhost '/kbtui-no-such-vhost'" in r.summary, r
    # an endpoint this release does not have (the deprecated-features API came with 3.13; the
    # host runs 3.10.8) is no finding: skipped, with the broker's answer (406 Not Acceptable to a
    # JSON request for an unknown path) as evidence
    r = check("rabbitmq.api", {"path": "/api/deprecated-features/used", "equals": "[]"})
    assert r.status == "skip" and "406" in r.summary, (r.summary, r.evidence)


def test_management_api_uses_the_credentials_written_in_its_url(brokers):
    """QA 25: rabbitmq.api and rabbitmq.consumers logged in as guest/guest whatever the URL said,
    so --set url=http://nobody:wrong@… passed; the URL's own user and password are used now,
    refused as the broker refuses them, and never shown."""
    r = check("rabbitmq.api", {"url": "http://nobody:wr0ngPassw0rd@127.0.0.1:15672"})
    assert r.status == "error" and "401" in " ".join([r.summary, *r.evidence]), r
    assert "wr0ngPassw0rd" not in str(r.to_dict())
    assert check("rabbitmq.api", {"url": "http://guest:guest@127.0.0.1:15672"}).status == "pass"


def _poll(kind: str, params: dict, until, timeout: float = 20.0):
    """The check's result once `until(result)` holds (the management API's channel figures lag
    by its statistics interval, 5 s by default), or the last result after `timeout`."""
    end = time.monotonic() + timeout
    while True:
        r = check(kind, params)
        if until(r) or time.monotonic() > end:
            return r
        time.sleep(0.5)


def test_consumer_prefetch_against_the_host_rabbitmq(brokers, bundled_kb, monkeypatch):
    """A worker that acks by hand without basic.qos is sent the whole backlog while a worker with
    prefetch 1 beside it gets nothing: reproduced on the host's RabbitMQ with pika."""
    import uuid

    import pika

    queue = f"kbtui-prefetch-{uuid.uuid4().hex[:8]}"
    params = {"queue": queue}
    creds = pika.PlainCredentials("guest", "guest")
    greedy = pika.BlockingConnection(
        pika.ConnectionParameters("127.0.0.1", 5672, credentials=creds)
    )
    polite = pika.BlockingConnection(
        pika.ConnectionParameters("127.0.0.1", 5672, credentials=creds)
    )
    try:
        ch = greedy.channel()
        ch.queue_declare(queue, auto_delete=True)
        for i in range(40):
            ch.basic_publish("", queue, f"job {i}".encode())
        ch.basic_consume(queue, lambda *a: None, auto_ack=False)  # never acks, no basic.qos
        ch2 = polite.channel()
        ch2.basic_qos(prefetch_count=1)
        ch2.basic_consume(queue, lambda *a: None, auto_ack=False)
        r = _poll("rabbitmq.consumers", params, lambda r: "holds 40" in r.summary)
        assert r.status == "fail" and "1 of 2 consumer(s)" in r.summary, (r.summary, r.evidence)
        assert "holds 40 unacknowledged" in r.summary
        assert r.evidence[0].endswith("no prefetch limit, 40 unacknowledged"), r.evidence
        assert r.evidence[1].endswith("prefetch 1, 0 unacknowledged"), r.evidence
        # the entry's tree, walked with its own check, ends at the missing limit
        from tree_walk import walk

        tree = "rabbitmq-consumer-prefetch-unfair-dispatch"
        assert walk(bundled_kb, tree, params, {}).end.id == "no-limit"
        # a quorum queue turns "no limit" into 2000: the evidence says so (still no limit set)
        qq = greedy.channel()  # a channel of its own: unacknowledged counts are per channel
        qq.queue_declare(queue + "-qq", durable=True, arguments={"x-queue-type": "quorum"})
        for _ in range(2100):
            qq.basic_publish("", queue + "-qq", b"q")
        qq.basic_consume(queue + "-qq", lambda *a: None, auto_ack=False)
        r = _poll("rabbitmq.consumers", {"queue": queue + "-qq"}, lambda r: "2000 unack" in str(r))
        assert r.status == "fail", (r.summary, r.evidence)
        # the broker really stops at 2000 of the 2100 (what the evidence claims): RabbitMQ 3.10.8
        assert r.evidence[0].endswith(
            "no prefetch limit (a quorum queue caps it at 2000), 2000 unacknowledged"
        ), r.evidence
        # automatic acknowledgement: no limit applies at all, so a doubt, never a pass
        auto = greedy.channel()
        auto.queue_declare(queue + "-auto", auto_delete=True)
        auto.basic_consume(queue + "-auto", lambda *a: None, auto_ack=True)
        r = _poll(
            "rabbitmq.consumers",
            {"queue": queue + "-auto"},
            lambda r: "automatic acknowledgement" in r.summary,
        )
        assert r.status == "warn" and "automatic acknowledgement" in r.summary, r
        greedy.close()  # its 40 go back to the queue; the polite worker takes one
        r = _poll("rabbitmq.consumers", params, lambda r: "at their limit" in r.summary)
        assert (
            r.status == "pass" and "1 consumer(s)" in r.summary and "1 at their limit" in r.summary
        )
        assert r.evidence[0].endswith("prefetch 1, 1 unacknowledged (at its limit)"), r.evidence
        nodes = bundled_kb.get(tree).tree.nodes
        quick = {  # every consumer active, jobs quick: the limit is not the problem
            "design": nodes["design"].options[1].label,
            "size": nodes["size"].options[1].label,
        }
        assert walk(bundled_kb, tree, params, quick).end.id == "stuck"
        polite.close()
        r = _poll("rabbitmq.consumers", params, lambda r: r.status == "skip")
        assert r.status == "skip" and queue in r.summary
    finally:
        for conn in (greedy, polite):
            if conn.is_open:
                conn.close()
        with pika.BlockingConnection(
            pika.ConnectionParameters("127.0.0.1", 5672, credentials=creds)
        ) as tidy:
            tidy.channel().queue_delete(queue + "-qq")  # durable: it would outlive the test
    monkeypatch.setenv("KBTUI_TEST_WRONG_USER", "nobody")
    monkeypatch.setenv("KBTUI_TEST_WRONG_PASSWORD", "wrong")
    wrong = {"username_env": "KBTUI_TEST_WRONG_USER", "password_env": "KBTUI_TEST_WRONG_PASSWORD"}
    r = check("rabbitmq.consumers", wrong)
    assert r.status == "error" and "refused the credentials" in r.summary, r.summary


def test_net_kinds(brokers):
    assert check("net.tcp", {"port": 1883}).status == "pass"
    r = check("net.port_free", {"port": 1883, "bind": "127.0.0.1"})
    assert r.status == "fail" and "mosquitto" in r.summary
    assert (
        check("net.port_free", {"port": 1883, "bind": "127.0.0.1", "expect": "bound"}).status
        == "pass"
    )


def test_host_kinds():
    r = check("host.clock", {})
    assert r.status in ("pass", "fail") and any(e.startswith("clock source:") for e in r.evidence)
    r = check("host.oom", {"since": "1d"})
    assert any("oom_score" in e for e in r.evidence), r
    # warn only when the kernel's ring buffer has overwritten part of the day (a busy test host)
    assert r.status in ("pass", "fail") or "could not be seen in full" in r.summary, r


# -- tree-amqp-client-cannot-connect walked with its own checks against the host's RabbitMQ --------

AMQP_TREE = "tree-amqp-client-cannot-connect"
AMQP_AUTH = {"username_env": "KBTUI_TEST_AMQP_USER", "password_env": "KBTUI_TEST_AMQP_PASS"}


def _amqp_walk(bundled_kb, params: dict, answers: dict):
    from tree_walk import walk

    node = bundled_kb.get(AMQP_TREE).tree.nodes
    labels = {nid: [o.label for o in node[nid].options] for nid in answers}
    # answers name an option by its position, so a reworded label does not break the walk
    chosen = {nid: labels[nid][i] for nid, i in answers.items()}
    return walk(bundled_kb, AMQP_TREE, params, chosen)


def test_amqp_tree_walked_against_the_host_broker(brokers, bundled_kb, monkeypatch):
    monkeypatch.setenv("KBTUI_TEST_AMQP_USER", "guest")  # over loopback guest may log in
    monkeypatch.setenv("KBTUI_TEST_AMQP_PASS", "guest")
    unsure, refused, not_allowed = 8, 0, 4  # options of the first question
    # a healthy broker: port, login and alarms pass, the walk ends at "compare the settings"
    got = _amqp_walk(bundled_kb, AMQP_AUTH, {"what": unsure})
    assert got.end.id == "sweep-ok", got.trail()
    # a vhost that does not exist: the AMQP check says access is denied
    got = _amqp_walk(
        bundled_kb,
        {**AMQP_AUTH, "vhost": "/kbtui-no-such-vhost"},
        {"what": not_allowed, "vhost-which": 0},
    )
    assert got.end.id == "vhost-missing" and "rabbitmqctl add_vhost" in got.end.fix, got.trail()
    assert "denied access to vhost" in dict(got.steps)["vhost"], got.trail()
    # a wrong password: the login is refused and the walk ends at the credentials entry
    monkeypatch.setenv("KBTUI_TEST_AMQP_PASS", "kbtui-wrong-password")
    got = _amqp_walk(bundled_kb, AMQP_AUTH, {"what": unsure, "login-why": 1})
    assert (got.end.id, got.end.entry) == (
        "bad-credentials",
        "rabbitmq-login-refused-invalid-credentials",
    ), got.trail()
    assert "refused the credentials" in dict(got.steps)["sweep-login"], got.trail()
    # nothing listens, no container by that name, no management API: ask the service directly
    got = _amqp_walk(
        bundled_kb,
        {"port": 1, "container": "kbtui-no-such-rabbitmq", "url": "http://127.0.0.1:1"},
        {"what": refused, "refused-where": 1},
    )
    assert (got.end.id, got.end.entry) == ("no-api", "tree-broker-wont-start"), got.trail()

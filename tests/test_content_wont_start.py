"""The broker-won't-start tree's log questions against real log lines (no Docker needed).

Each `docker.logs` question of `tree-broker-wont-start` looks for the line one start-up failure
prints. Its pattern must match real lines (the corpus and the complete logs captured from real
brokers, tests/fixtures/), a question whose "yes" ends at an incident must match a line labelled
with that incident which the incident's own signatures also match (the tree and the entry agree on
the line), and healthy logs must match nothing. The live walk over real containers is
tests/live/test_real_incidents.py::test_wont_start_tree_walked_live_lands_on_the_incident.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kb.checks.kinds._common import compile_pattern
from kb.loader import load_kb
from kb.signatures import SignatureSet

TREE = "tree-broker-wont-start"
FIXTURES = Path(__file__).parent / "fixtures"
REAL = FIXTURES / "real-logs"
# captured logs of real start-up failures -> the incident they are
REAL_INCIDENT = {
    "rabbitmq/port-clash-boot-failed.log": "rabbitmq-listener-eaddrinuse-boot-failed",
    "rabbitmq/epmd-nxdomain-boot-failed.log": "rabbitmq-epmd-error-host-nxdomain",
    "mosquitto/address-in-use.log": "mosquitto-address-already-in-use",
    "mosquitto/unknown-config-variable.log": "mosquitto-unknown-configuration-variable",
    "mosquitto/corrupt-database.log": "mosquitto-corrupt-persistence-database",
    "mosquitto/unwritable-persistence.log": "mosquitto-persistence-unable-to-save",
}
# what each captured log must answer "yes" to (the tree's log checks that match it); every other
# captured log, healthy or with a problem that is not a start-up failure, matches none
REAL_YES = {
    "rabbitmq/port-clash-boot-failed.log": {"rmq-boot-failed", "rmq-port"},
    "rabbitmq/epmd-nxdomain-boot-failed.log": {"rmq-boot-failed", "rmq-epmd"},
    "mosquitto/address-in-use.log": {"mosq-port"},
    "mosquitto/unknown-config-variable.log": {"mosq-config"},
    "mosquitto/corrupt-database.log": {"mosq-db"},
    "mosquitto/unwritable-persistence.log": {"mosq-save"},
}
PREFIX_PRODUCT = {"rmq": "rabbitmq", "mosq": "mosquitto", "emqx": "emqx", "vmq": "vernemq"}


@pytest.fixture(scope="module")
def kb() -> Any:
    return load_kb()


def _log_checks(kb: Any) -> dict[str, Any]:
    entry = kb.get(TREE)
    return {c.id: c for c in entry.checks if c.kind == "docker.logs"}


def _real_lines() -> list[tuple[str, str, str]]:
    """(product, label, line): corpus lines with their `expect`, captured logs with their incident."""
    rows = []
    for path in sorted((FIXTURES / "log-corpus").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            rows.append((item["product"], str(item["expect"]), item["line"]))
    index = json.loads((REAL / "index.json").read_text())
    for rel, meta in index.items():
        label = REAL_INCIDENT.get(rel, "none")
        rows += [(meta["product"], label, ln) for ln in (REAL / rel).read_text().splitlines()]
    return rows


def _yes_target(kb: Any, check_id: str) -> Any:
    """The node the tree goes to when `check_id` fails (its pattern was found)."""
    tree = kb.get(TREE).tree
    targets = {
        tree.nodes[o.goto].id
        for n in tree.nodes.values()
        if n.check == check_id
        for o in n.options
        if "fail" in o.when
    }
    assert len(targets) == 1, (check_id, targets)
    return tree.nodes[targets.pop()]


def test_every_log_question_matches_real_lines_and_agrees_with_its_incident(kb: Any) -> None:
    checks = _log_checks(kb)
    assert len(checks) >= 20, sorted(checks)
    rows = _real_lines()
    for cid, spec in checks.items():
        product = PREFIX_PRODUCT[cid.split("-", 1)[0]]
        rx = compile_pattern(spec.params["pattern"])
        hits = [(p, label, ln) for p, label, ln in rows if rx.search(ln)]
        if product in ("emqx", "vernemq") or cid.endswith("exec-format"):
            # no real EMQX/VerneMQ container here: public lines; exec format errors are Docker's
            assert hits, f"{cid}: its pattern matches no real line"
        else:
            assert any(p == product for p, _, _ in hits), f"{cid}: no real {product} line"
        target = _yes_target(kb, cid)
        incident = kb.get(target.entry) if target.is_conclusion and target.entry else None
        if incident is None or incident.kind != "incident":
            continue
        # a line labelled with the incident, or "own" (any entry of its product) for that product
        labelled = [
            ln
            for p, label, ln in hits
            if label == incident.id or (label == "own" and p in incident.products)
        ]
        assert labelled, f"{cid}: no real line labelled {incident.id} matches it"
        own = SignatureSet.from_entries([incident])
        assert any(own.match_text(ln) for ln in labelled), (
            f"{cid}: {incident.id}'s own signatures match none of {labelled[:3]}"
        )


@pytest.mark.parametrize("rel", sorted(json.loads((REAL / "index.json").read_text())))
def test_captured_logs_answer_only_their_own_questions(kb: Any, rel: str) -> None:
    product = json.loads((REAL / "index.json").read_text())[rel]["product"]
    lines = (REAL / rel).read_text().splitlines()
    yes = set()
    for cid, spec in _log_checks(kb).items():
        if PREFIX_PRODUCT[cid.split("-", 1)[0]] != product:
            continue  # another broker's question is asked of another container
        rx = compile_pattern(spec.params["pattern"])
        if any(rx.search(ln) for ln in lines):
            yes.add(cid)
    assert yes == REAL_YES.get(rel, set()), rel


def test_healthy_lines_answer_no_log_question(kb: Any) -> None:
    quiet = [ln for _, label, ln in _real_lines() if label == "none"]
    assert len(quiet) >= 500, len(quiet)
    for cid, spec in _log_checks(kb).items():
        rx = compile_pattern(spec.params["pattern"])
        loud = [ln for ln in quiet if rx.search(ln)]
        assert not loud, f"{cid} matches lines labelled healthy/uninformative: {loud[:3]}"

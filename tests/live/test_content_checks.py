"""The bundled entries' own checks, run for real against the incident containers and the brokers.

Issue 3: each incident's checks must confirm its cause on a reproduction of the incident, stay quiet
on a healthy container, and every check of every bundled entry must come back with a result (never
a crash), within its deadline.
"""

from __future__ import annotations

import time

import pytest
from live_incidents import PREFIX

from kb.checks.base import MAX_TIMEOUT
from kb.checks.runner import run_checks
from kb.model import STATUSES

pytestmark = pytest.mark.live

# entry -> (incident container, {check kind: statuses that confirm the cause})
CONFIRMS = {
    "emqx-monotonic-time-stepped-backwards": (
        "monotonic",
        {"docker.logs": {"fail"}, "docker.container": {"fail"}},
    ),
    "docker-container-oom-triage": ("oom", {"docker.container": {"fail"}}),
    "container-exits-code-1-startup-script-timeout": ("apollo", {"docker.container": {"fail"}}),
    "emqx-default-erlang-cookie-warning": ("cookie", {"docker.env": {"fail", "warn"}}),
    "emqx-docker-data-lost-on-restart": ("nomount", {"docker.mount": {"fail", "warn"}}),
}


def _by_kind(results):
    out: dict[str, set[str]] = {}
    for r in results:
        out.setdefault(r.kind, set()).add(r.status)
    return out


@pytest.mark.parametrize("entry_id", sorted(CONFIRMS))
def test_incident_checks_confirm_the_cause_on_its_reproduction(
    entry_id, incident_containers, bundled_kb
):
    container, expected = CONFIRMS[entry_id]
    entry = bundled_kb.get(entry_id)
    results = run_checks(entry, params={"container": PREFIX + container})
    seen = _by_kind(results)
    for kind, statuses in expected.items():
        assert seen.get(kind, set()) & statuses, (
            entry_id,
            kind,
            [(r.check, r.status, r.summary) for r in results],
        )


@pytest.mark.parametrize("entry_id", sorted(CONFIRMS))
def test_incident_checks_stay_quiet_on_a_healthy_container(
    entry_id, incident_containers, bundled_kb
):
    _, expected = CONFIRMS[entry_id]
    entry = bundled_kb.get(entry_id)
    results = run_checks(entry, params={"container": PREFIX + "healthy-emqx"})
    for r in results:
        if r.kind in expected and r.kind != "docker.mount":
            assert r.status in ("pass", "skip"), (entry_id, r.check, r.status, r.summary)


def _timed_checks(entry):
    start = time.monotonic()
    results = run_checks(entry, params={"container": PREFIX + "healthy-emqx"})
    return results, time.monotonic() - start


def test_every_check_of_every_bundled_entry_returns_a_result(
    incident_containers, brokers, bundled_kb
):
    from concurrent.futures import ThreadPoolExecutor

    from kb.checks.runner import timeout_for

    entries = [entry for entry in bundled_kb.entries.values() if entry.checks]
    # entries run side by side: most of the time is checks waiting out their deadline (a $SYS
    # topic Mosquitto never publishes: 10 s), and each entry's own time is still measured
    with ThreadPoolExecutor(4) as pool:
        timed = list(pool.map(_timed_checks, entries))
    ran = 0
    for entry, (results, elapsed) in zip(entries, timed, strict=True):
        assert len(results) == len(entry.checks)
        budget = max(timeout_for(c, c.params) for c in entry.checks)
        assert elapsed < min(budget, MAX_TIMEOUT) * len(entry.checks) + 2, (entry.id, elapsed)
        for r in results:
            ran += 1
            assert r.status in STATUSES, (entry.id, r.check, r.status)
            assert r.summary and "\n" not in r.summary, (entry.id, r.check, r.summary)
            assert "Traceback" not in r.summary and "internal error" not in r.summary.lower(), (
                entry.id,
                r.summary,
            )
            assert (
                r.entry == entry.id
                and r.duration
                <= timeout_for(entry.check(r.check), entry.check(r.check).params) + 0.5 + 1.0
            )
    assert ran >= 100, f"only {ran} checks ran"


def test_censys_entry_warns_on_anonymous_broker_and_passes_on_protected_one(brokers, bundled_kb):
    entry = bundled_kb.get("emqx-unknown-clients-censys")
    anon = [
        r
        for r in run_checks(entry, params={"host": "127.0.0.1", "port": 1883})
        if r.kind == "mqtt.connect"
    ]
    assert anon and all(r.status == "warn" for r in anon), [
        (r.check, r.status, r.summary) for r in anon
    ]
    locked = [
        r
        for r in run_checks(entry, params={"host": "127.0.0.1", "port": 1884})
        if r.kind == "mqtt.connect"
    ]
    assert locked and all(r.status == "pass" for r in locked), [
        (r.check, r.status, r.summary) for r in locked
    ]

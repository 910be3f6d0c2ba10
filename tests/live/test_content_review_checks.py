"""Tree questions answered by checks, tried on a real RabbitMQ 3.10.8 container in the state the
question is about.

rabbitmq-inconsistent-cluster-rejoin asked "is the node running despite the error?" with
`check_running` and sent a pass to "the Erlang node is up with the app stopped". check_running only
passes when the rabbit app is fully booted, so a node whose start_app failed came back as a failure
and was sent to "move the data directory aside". Here the app is stopped for real and the tree must
not pick that branch for the check's answer.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
from real_brokers import RABBITMQ_IMAGE

from kb.checks.runner import run_checks
from kb.loader import load_kb

pytestmark = pytest.mark.live


def _docker(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=check, timeout=120
    )


@pytest.fixture(scope="module")
def rabbit() -> Iterator[str]:
    name = f"kbtui-review-booted-{uuid.uuid4().hex[:8]}"
    _docker("run", "-d", "--name", name, RABBITMQ_IMAGE)
    try:
        end = time.monotonic() + 120
        while "Server startup complete" not in _docker("logs", name, check=False).stdout:
            assert time.monotonic() < end, _docker("logs", "--tail", "30", name, check=False).stdout
            time.sleep(1)
        yield name
    finally:
        _docker("rm", "-f", "-v", name, check=False)


def _answer(entry, node_id: str, status: str) -> str | None:
    """The node the tree pre-selects for a check status (None: the user chooses)."""
    for opt in entry.tree.nodes[node_id].options:
        if status in (opt.when or ()):
            return opt.goto
    return None


def test_booted_question_on_a_running_node_and_on_one_with_the_app_stopped(rabbit):
    entry = load_kb().get("rabbitmq-inconsistent-cluster-rejoin")
    spec = [entry.check("check-running")]

    (running,) = run_checks(entry, spec, params={"container": rabbit})
    assert running.status == "pass", running.summary
    assert _answer(entry, "booted", running.status) == "running-now"

    _docker("exec", rabbit, "rabbitmqctl", "stop_app")
    (stopped,) = run_checks(entry, spec, params={"container": rabbit})
    assert stopped.status == "fail", stopped.summary
    # the Erlang node still answers: this is the "app stopped" case the question must not hide
    assert (
        _docker("exec", rabbit, "rabbitmq-diagnostics", "-q", "ping", check=False).returncode == 0
    )
    assert _answer(entry, "booted", stopped.status) != "reset-offline"
    labels = {o.goto: o.label for o in entry.tree.nodes["booted"].options}
    assert "ping" in labels["reset-online"] and "ping" in labels["reset-offline"]

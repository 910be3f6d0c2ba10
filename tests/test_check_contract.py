"""The typed check contract: every kind words itself, results say what next as data, and the
container verdict is one rule shared by doctor and the docker.container kind."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kb.checks import registry
from kb.checks.base import CheckResult, Description, Next
from kb.checks.container import ContainerState, Expectation, judge
from kb.checks.explain import explain
from kb.checks.kinds import docker_container
from kb.cli.check import next_steps as cli_next_steps
from kb.model import CheckSpec, Entry
from tests.helpers import REPO
from tui.screens.checks import next_keys

CONTAINER_KINDS = {
    "docker.container",
    "docker.logs",
    "docker.env",
    "docker.mount",
    "docker.network_mtu",
    "docker.shared_mount",
    "docker.inspect",
    "docker.top",
    "docker.exec",
}


@pytest.mark.parametrize("name", sorted(registry.kinds()))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_built_in_kind_describes_itself(name: str, lang: str) -> None:
    kind = registry.kinds()[name]
    assert kind.describe is not None, f"{name} has no describe()"
    params = {"container": "emqx", "port": 1883, "name": "X", "field": "State.Status"}
    words = kind.describe(params, lang)
    assert isinstance(words, Description)
    assert words.looks_at and words.healthy and f"`{name}`" not in words.looks_at
    text = explain(CheckSpec("c", name, "t", params), lang)
    if name in CONTAINER_KINDS:
        assert "container" in text.skip or "容器" in text.skip
    else:
        assert "container" not in text.skip and "容器" not in text.skip, (name, text.skip)


def test_wording_defects_are_gone() -> None:
    logs = explain(CheckSpec("l", "docker.logs", "t", {"signatures": True, "container": "e"}))
    assert logs.healthy == "none of this entry's log signatures appear"
    present = explain(CheckSpec("l", "docker.logs", "t", {"signatures": True, "expect": "present"}))
    assert present.healthy == "this entry's log signatures appear"
    pattern = explain(CheckSpec("l", "docker.logs", "t", {"pattern": "x+", "container": "e"}))
    assert pattern.healthy == "the pattern `x+` does not appear"
    clock = explain(CheckSpec("c", "host.clock", "t"))
    assert clock.skip == "not applicable here (the result says why)"


def test_unknown_kind_gets_a_generic_description() -> None:
    text = explain(CheckSpec("c", "thirdparty.thing", "t", {"a": 1}))
    assert text.looks_at == "a `thirdparty.thing` check (a=1)"


def test_core_writes_no_cli_or_tui_wording() -> None:
    """`kb show …` and `--set …` are the CLI's words, keys the TUI's: no verdict the core builds
    carries them (it says what next as data, `Next`)."""
    offenders = []
    for path in sorted((REPO / "kb" / "checks").rglob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            if name not in ("Verdict", "Next", "CheckResult"):
                continue
            for node in ast.walk(call):
                text = node.value if isinstance(node, ast.Constant) else None
                if isinstance(text, str) and any(w in text for w in ("kb show", "--set", "press ")):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []
    # and the check really looks: the old wording would have been caught
    old = ast.parse('Verdict("skip", "x", next="pass --set container=NAME")')
    assert any(isinstance(n, ast.Constant) and "--set" in str(n.value) for n in ast.walk(old))


def _result(status: str, nxt: Next | None) -> CheckResult:
    return CheckResult("c", "docker.logs", "t", status, "s", next=nxt, entry="e1")


def test_next_is_worded_per_medium() -> None:
    nxt = Next(entry="e1", params=("container",), advice="check the logs")
    assert cli_next_steps(_result("fail", nxt)) == [
        "check the logs",
        "look elsewhere: --set container=…",
        "read: kb show e1",
    ]
    # the TUI words the same data as keys: no command line, no pointer to the entry it shows
    here = Entry(id="e1", kind="faq", title="t", summary="", body="", path="")
    keys, opens = next_keys(_result("fail", nxt), here, "en")
    assert "kb show" not in keys and "--set" not in keys and opens is None
    assert keys.startswith("check the logs · p: ") and "(container)" in keys
    assert "Esc" in keys
    other = Entry(id="other", kind="faq", title="t", summary="", body="", path="")
    keys, opens = next_keys(_result("fail", nxt), other, "en")
    assert opens == "e1" and keys.endswith("e1")
    assert next_keys(_result("fail", None), here, "en") == ("", None)
    assert cli_next_steps(_result("fail", None)) == []


def _inspect(**state: object) -> dict[str, object]:
    base = {
        "Status": "exited",
        "Running": False,
        "Restarting": False,
        "ExitCode": 0,
        "OOMKilled": False,
    }
    return {"Name": "/c1", "State": {**base, **state}, "RestartCount": 0}


@pytest.mark.parametrize(
    ("state", "doctor_whats"),
    [
        (_inspect(ExitCode=1), ["exit"]),
        (_inspect(ExitCode=143), []),
        (_inspect(ExitCode=137, OOMKilled=True), ["oom"]),
        (_inspect(Status="running", Running=True, Health={"Status": "unhealthy"}), ["unhealthy"]),
        ({**_inspect(Status="running", Running=True), "RestartCount": 9}, ["restart-loop"]),
    ],
)
def test_one_container_verdict_for_doctor_and_the_kind(
    state: dict[str, object], doctor_whats: list[str]
) -> None:
    cs = ContainerState.from_inspect(state)
    doctor = judge(cs, Expectation(running=None))
    assert [p.what for p in doctor] == doctor_whats
    # the kind, told to accept a stop with the doctor's codes, agrees with doctor
    params = {"container": "c1", "running": cs.running, "exit_codes": [0, 130, 143]}
    verdict = docker_container.evaluate(params, cs.to_dict())
    assert verdict.status == ("fail" if doctor_whats else "pass")
    for problem in doctor:
        assert problem.text in verdict.summary


def test_doctor_uses_the_shared_verdict_and_presenter() -> None:
    source = (REPO / "kb" / "checks" / "doctor.py").read_text(encoding="utf-8")
    assert "_reason" not in source and 'get("OOMKilled")' not in source
    assert "judge(" in source and "present.evidence(" in source


def test_probe_context_protocol_is_what_the_runner_provides() -> None:
    from kb.checks.base import ProbeContext
    from kb.checks.context import RunContext

    ctx: ProbeContext = RunContext(1.0)  # mypy checks this assignment
    assert ctx.remaining() <= 1.0
    assert Path(registry.__file__).exists()


def test_the_import_cycles_are_gone() -> None:
    import grimp

    graph = grimp.build_graph("kb", "tui", "indexer")
    for a, b in (
        ("kb.checks.dockerclient", "kb.checks.context"),
        ("tui.screens.help", "tui.app"),
    ):
        forward = graph.find_shortest_chain(importer=a, imported=b)
        back = graph.find_shortest_chain(importer=b, imported=a)
        assert forward is None or back is None, (a, b, forward, back)


def test_presenter_keeps_the_subject_name_and_redacts_the_rest() -> None:
    from kb.checks import present

    text = "kbtui-test-cookie: EMQX_NODE__COOKIE is not set"
    assert present.line(text, subject="kbtui-test-cookie") == text
    assert present.line("c1: password=hunter2 x", subject="c1") == "c1: password=<redacted> x"
    assert "hunter2" not in present.line("c1: --token hunter2", {"hunter2"}, subject="c1")
    assert present.worst(["pass", "warn", "error", "skip"]) == "error"
    assert present.worst([]) == "pass"
    long = present.evidence([f"l{i}" for i in range(50)])
    assert len(long) == 20 and long[-1] == "… 31 more"


def test_the_verdict_sees_what_the_flag_and_the_exit_code_hide() -> None:
    """An `oom` event of this run with OOMKilled false, and BOOT FAILED with exit code 0."""
    from kb.checks.container import iso_ts

    finished = "2026-12-02T07:10:32.359793992Z"
    end = iso_ts(finished)
    assert end == pytest.approx(1796195432.359794)
    base = _inspect(ExitCode=137, StartedAt="2026-12-02T07:00:00Z", FinishedAt=finished)
    cs = ContainerState.from_inspect(base).with_observations(oom_at=[end + 2, 1.0])
    assert cs.oom_at == (end + 2,)  # an event from an earlier run is not this run's
    [problem] = judge(cs, Expectation())
    assert problem.what == "oom" and "after the exit was recorded" in problem.evidence[-1]

    booted = ContainerState.from_inspect(_inspect(ExitCode=0)).with_observations(
        boot_failure="BOOT FAILED\n"
    )
    [problem] = judge(booted, Expectation())
    assert problem.what == "exit" and problem.evidence == ("log: BOOT FAILED",)

    running = ContainerState.from_inspect(
        _inspect(Status="running", Running=True, StartedAt="2026-12-02T07:00:00Z")
    ).with_observations(oom_at=[end])
    [problem] = judge(running, Expectation())
    assert problem.what == "oom" and problem.status == "warn"


def test_exit_137_without_an_oom_record_is_a_kill_that_the_oom_entry_sorts_out() -> None:
    """The daemon keeps only its last 256 events: once the oom event is gone and OOMKilled was
    false (RabbitMQ's beam.smp killed under its wrapper shell), exit 137 still names the entry
    that tells an OOM kill from docker kill or a stop timeout, never a plain "exited"."""
    from kb.checks.doctor import GENERIC_ENTRIES

    plain = ContainerState.from_inspect(_inspect(ExitCode=137))
    [problem] = judge(plain, Expectation())
    assert problem.what == "killed" and "no OOM record" in problem.text
    assert GENERIC_ENTRIES["killed"][0] == ("docker-container-oom-triage",)
    # a code the entry's checks expect is not a problem; other codes stay plain exits
    assert judge(plain, Expectation(exit_codes=frozenset({0, 137}))) == []
    [other] = judge(ContainerState.from_inspect(_inspect(ExitCode=1)), Expectation())
    assert other.what == "exit"


def test_doctor_shows_a_repeated_log_line_once_with_its_count() -> None:
    from kb.checks.doctor import _distinct_lines

    matched = [
        (1, "Error: Address already in use"),
        (2, "other"),
        (3, "Error: Address already in use"),
    ]
    assert _distinct_lines("log", matched) == [
        "log line 1: Error: Address already in use (x2)",
        "log line 2: other",
    ]


def test_doctor_host_names_are_checked_before_scanning(tmp_path, monkeypatch) -> None:
    """--host takes a URL, host:port, a Docker context, a configured name or "local" (what the
    report calls the default daemon); anything else is a usage error naming the choices, and a
    host named twice is scanned once."""
    import pytest as _pytest

    from kb.checks.doctor import run_doctor
    from kb.errors import UserError
    from kb.loader import load_kb

    monkeypatch.setenv("KBTUI_HOME", str(tmp_path))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))  # no contexts
    (tmp_path / "kb").mkdir()
    empty = load_kb([tmp_path / "kb"])
    with _pytest.raises(UserError, match="neither a Docker endpoint"):
        run_doctor(empty, hosts=["bogus"])
    report = run_doctor(
        empty, hosts=[f"unix://{tmp_path}/none.sock", f"unix://{tmp_path}/none.sock"], timeout=5
    )
    assert len(report.hosts) == 1 and not report.hosts[0].ok


@pytest.mark.parametrize(
    ("interrupted", "ok", "said"),
    [
        (False, True, "No known problem found in 3 container(s) on 1 host(s)."),
        (
            True,
            True,
            "No known problem found so far: 3 container(s) scanned on 1 host(s) (not all scanned).",
        ),
        (
            False,
            False,
            "No known problem found so far: 3 container(s) scanned on 1 host(s) (not all scanned).",
        ),
    ],
)
def test_a_partial_doctor_scan_with_no_finding_is_no_all_clear(
    monkeypatch, capsys, interrupted, ok, said
):
    import kb.checks.doctor as doctor_mod
    from kb.checks.doctor import DoctorReport, HostReport
    from kb.cli.main import main

    report = DoctorReport(hosts=[HostReport("local", "unix:///x", ok, 3)], interrupted=interrupted)
    monkeypatch.setattr(doctor_mod, "run_doctor", lambda *a, **k: report)
    main(["doctor"])
    assert said in capsys.readouterr().out

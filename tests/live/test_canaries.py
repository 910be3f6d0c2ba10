"""Canary secrets planted in a real container's environment, command line and log, and in entry
text (check titles and parameters), never appear in any output: `kb check` text, JSON and JUnit,
`kb doctor` text and JSON, `kb diagnose` text and JSON, the TUI's check results and the site."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import live_incidents as inc
import pytest

from tests.helpers import run_kb

ROOT = Path(__file__).resolve().parents[2]
NAME = "kbtui-hostile-canary"
pytestmark = pytest.mark.live

TAG = uuid.uuid4().hex[:6]


def c(n: int) -> str:
    return f"CNRY{n:02d}x{TAG}"


ENV = {
    "DB_PASSWORD": c(1),
    "API_TOKEN": c(2),
    "AWS_SECRET_ACCESS_KEY": c(3),
    "EMQX_NODE__COOKIE": c(4),
    "APP_PRIVATE_KEY": c(5),
    "SERVICE_CREDENTIALS": c(6),
    "X_AUTH": c(7),
}
ARGS = [
    "app",
    "--password",
    c(8),
    "--token",
    c(9),
    f"--api-key={c(10)}",
    f"postgres://app:{c(11)}@db/x",
]
LOG = [
    f'{{"password": "{c(12)}"}}',
    f"aws_secret_access_key = {c(13)}",
    f"secret_key={c(14)}",
    f"private_key: {c(15)}",
    f"pwd={c(16)}",
    f"Authorization: Bearer {c(17)} trailing",
    f"X-Api-Key: {c(18)} next",
    f"connecting to postgres://app:{c(19)}@db:5432/app",
    f"Set-Cookie: sid={c(20)}; Path=/",
    f"Cookie: a=1; session={c(21)}",
    f'client_secret: "{c(22)}"',
    f"GET /cb?access_token={c(23)}&x=1",
    f"--passwd {c(24)}",
    f"Proxy-Authorization: Basic {c(25)}",
    f"Authorization: {c(26)} next",
    "connected with password $DB_PASSWORD and cookie $EMQX_NODE__COOKIE",  # known env values
]
ENTRY_SECRETS = [c(27), c(28), c(29)]
ALL = [*ENV.values(), *(c(n) for n in range(8, 27)), *ENTRY_SECRETS]


@pytest.fixture(scope="module")
def canary_container(docker_engine):
    inc.docker("rm", "-f", NAME, check=False)
    # half the lines match signature A, half B (doctor keeps 20 lines per entry)
    lines = [("KBCANARY-A " if i % 2 else "KBCANARY-B ") + line for i, line in enumerate(LOG)]
    # the last line is double-quoted so that the shell puts the env values in it
    script = "; ".join(
        f'echo "{line}"' if "$" in line else f"echo {shlex.quote(line)}" for line in lines
    )
    script += (
        "; sleep 3600 & wait"  # no exec: the shell, with the arguments, stays the main process
    )
    env = [a for k, v in ENV.items() for a in ("-e", f"{k}={v}")]
    inc.docker(
        "run",
        "-d",
        "--name",
        NAME,
        "--network",
        "none",
        "--label",
        "kbtui-hostile=1",
        *env,
        inc.BASE_IMAGE,
        "sh",
        "-c",
        script,
        *ARGS,
    )
    for _ in range(100):
        if "KBCANARY" in inc.docker("logs", NAME, check=False):
            break
        time.sleep(0.1)
    yield NAME
    inc.docker("rm", "-f", NAME, check=False)


def _kb(tmp_path: Path) -> Path:
    kbdir = tmp_path / "kb"
    kbdir.mkdir(exist_ok=True)
    (kbdir / "kbtui-canary-entry.md").write_text(
        textwrap.dedent(f"""\
        ---
        id: kbtui-canary-entry
        kind: incident
        title: Canary entry for the redaction test
        summary: Its checks would print secrets if redaction failed.
        products: [docker]
        updated: 2026-12-01
        symptoms: [secrets in output]
        signatures: ['KBCANARY-A']
        checks:
          - id: logs
            kind: docker.logs
            title: The log has no canary lines
            params: {{container: {NAME}, pattern: "KBCANARY", expect: absent}}
          - id: env
            kind: docker.inspect
            title: The whole environment
            params: {{container: {NAME}, field: Config.Env, equals: nope}}
          - id: cmd
            kind: docker.inspect
            title: The command line
            params: {{container: {NAME}, field: Config.Cmd, equals: nope}}
          - id: args
            kind: docker.inspect
            title: The arguments
            params: {{container: {NAME}, field: Args, equals: nope}}
          - id: top
            kind: docker.top
            title: The processes
            params: {{container: {NAME}}}
          - id: api
            kind: http.get
            title: "The API with password={c(28)}"
            params: {{url: "http://kbtui:{c(27)}@127.0.0.1:1/api?token={c(29)}"}}
        ---
        ## Symptoms
        Canaries.
        """),
        encoding="utf-8",
    )
    (kbdir / "kbtui-canary-other.md").write_text(
        textwrap.dedent("""\
        ---
        id: kbtui-canary-other
        kind: incident
        title: Second canary signature
        summary: Holds the other half of the canary lines.
        products: [docker]
        updated: 2026-12-01
        symptoms: [secrets in output]
        signatures: ['KBCANARY-B']
        ---
        ## Symptoms
        Canaries.
        """),
        encoding="utf-8",
    )
    return kbdir


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    p = run_kb(*args, env=env, input=stdin, timeout=180)
    assert "Traceback" not in p.stderr, p.stderr
    return p.stdout + p.stderr


def test_no_canary_in_any_output(canary_container, tmp_path):
    kbdir = _kb(tmp_path)
    env = {**os.environ, "KBTUI_HOME": str(tmp_path / "home")}
    junit = tmp_path / "junit.xml"
    logs = subprocess.run(["docker", "logs", NAME], capture_output=True, text=True).stdout
    assert logs.count("KBCANARY") == len(LOG) and c(12) in logs and c(1) in logs  # planted
    # `kb diagnose` reads a pasted log with no container to tell it which values are secrets: it
    # gets every line whose secret has a shape; the line with bare env values is for the commands
    # that know the container's environment (check, doctor, TUI)
    shaped = "\n".join(line for line in logs.splitlines() if c(1) not in line)
    outputs = {
        "check text": _run(["check", "kbtui-canary-entry", "--kb", str(kbdir)], env),
        "check json": _run(
            ["check", "kbtui-canary-entry", "--kb", str(kbdir), "--json", "--junit", str(junit)],
            env,
        ),
        "doctor text": _run(["doctor", "--kb", str(kbdir)], env),
        "doctor json": _run(["doctor", "--kb", str(kbdir), "--json"], env),
        "diagnose text": _run(["diagnose", "-", "--kb", str(kbdir)], env, stdin=shaped),
        "diagnose json": _run(["diagnose", "-", "--kb", str(kbdir), "--json"], env, stdin=shaped),
        "show": _run(["show", "kbtui-canary-entry", "--kb", str(kbdir)], env),
    }
    outputs["junit"] = junit.read_text(encoding="utf-8")
    site = tmp_path / "site"
    outputs["site export"] = _run(
        ["export", "site", str(site), "--no-search"], {**env, "KB_PATH": str(kbdir)}
    )
    outputs["site"] = "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file()
    )
    outputs["tui"] = _tui_results(kbdir, tmp_path)

    # the checks really saw the secrets: evidence is there, masked
    data = json.loads(outputs["check json"][outputs["check json"].index("{") :])
    by_id = {r["check"]: r for r in data["results"]}
    assert by_id["logs"]["status"] == "fail" and len(by_id["logs"]["evidence"]) >= 10
    assert all("<redacted>" in json.dumps(by_id[k]) for k in ("logs", "env", "cmd", "args", "top"))
    doctor = json.loads(outputs["doctor json"][outputs["doctor json"].index("{") :])
    mine = [f for f in doctor["findings"] if f["container"] == NAME]
    assert {f["entry"] for f in mine} == {"kbtui-canary-entry", "kbtui-canary-other"}
    assert sum(len(f["evidence"]) for f in mine) == len(LOG)
    assert (
        "kbtui-canary-entry" in outputs["diagnose text"]
        and "<redacted>" in outputs["diagnose json"]
    )
    assert "kbtui-canary-entry" in outputs["site"], outputs["site export"]
    leaks = [(where, s) for where, text in outputs.items() for s in ALL if s in text]
    assert not leaks, leaks


def _tui_results(kbdir: Path, tmp_path: Path) -> str:
    """The CheckResults the TUI's check screen shows, from the TUI's own service layer."""
    code = textwrap.dedent(f"""
        import json, os
        os.environ["KBTUI_HOME"] = {str(tmp_path / "home-tui")!r}
        from tui.services import Services
        s = Services(kb_paths=[{str(kbdir)!r}])
        s.load()
        e = s.get("kbtui-canary-entry")
        out = [s.run_check(e, spec).to_dict() for spec in e.checks]
        print(json.dumps(out))
    """)
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=180
    )
    assert p.returncode == 0, p.stderr
    return p.stdout

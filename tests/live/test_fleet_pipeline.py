"""The fleet path for real: container json-file log → mtail → Prometheus → Alertmanager → webhook.

Debian's mtail, Prometheus and Alertmanager (installed by scripts/provision) run on free loopback
ports with the files `kb export mtail` and `kb export alerts` wrote from the bundled KB. A busybox
container prints one real log line per entry with signatures; each must arrive at the webhook as
exactly its alert, with a runbook_url that exists in a site exported with the same --base-url.
The same lines in a plain log file count through the program's plain branch, and near-miss lines
(healthy output of every product, and lines one key word away from a signature) raise nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import live_incidents as incidents
import pytest

from kb.loader import load_kb
from kb.signatures import SignatureSet
from tests.fleet_lines import NEAR_MISS_LINES, real_lines
from tests.helpers import free_ports, run_kb

pytestmark = [pytest.mark.live, pytest.mark.slow]

BASE_URL = "https://kb.example.test/runbooks/"
PREFIX = "kbtui-fleet-"


def _wait_http(url: str, deadline: float = 20.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {deadline}s")


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


class _Webhook:
    """Alertmanager's webhook receiver: collects every alert it is sent."""

    def __init__(self) -> None:
        self.alerts: list[dict] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    outer.alerts.extend(json.loads(body).get("alerts", []))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def firing(self) -> list[dict]:
        with self.lock:
            return [a for a in self.alerts if a.get("status") == "firing"]

    def close(self) -> None:
        self.server.shutdown()


class _Procs:
    def __init__(self, logdir: Path) -> None:
        self.logdir = logdir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *argv: str) -> None:
        log = open(self.logdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT))

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def _container(name: str) -> str:
    incidents.docker("rm", "-f", PREFIX + name, check=False)
    incidents.docker(
        "run", "-d", "--name", PREFIX + name, "--network", "none", "--label", "kbtui-test=1",
        incidents.BASE_IMAGE, "sleep", "3600",
    )  # fmt: skip
    return incidents.docker("inspect", "-f", "{{.LogPath}}", PREFIX + name)


def _print_in(name: str, lines: list[str]) -> None:
    """Write lines to the container's own stdout: Docker's json-file driver records them."""
    proc = subprocess.run(
        ["docker", "exec", "-i", PREFIX + name, "sh", "-c", "cat > /proc/1/fd/1"],
        input="".join(line + "\n" for line in lines),
        text=True,
        capture_output=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, docker_engine: str) -> Iterator[dict]:
    for tool in ("mtail", "prometheus", "prometheus-alertmanager", "promtool"):
        assert shutil.which(tool), f"{tool} missing: scripts/provision installs it"
    work = tmp_path_factory.mktemp("fleet")
    r = run_kb("export", "mtail", str(work / "progs"), "--json")
    assert r.returncode == 0, r.stderr
    r = run_kb(
        "export", "alerts", str(work / "rules.yml"), "--base-url", BASE_URL, "--window", "2m"
    )
    assert r.returncode == 0, r.stderr

    real_log = _container("real")
    near_log = _container("near")
    plain_real = work / "plain-real.log"
    plain_near = work / "plain-near.log"
    for f in (plain_real, plain_near):
        f.touch()

    hook = _Webhook()
    procs = _Procs(work)
    names = ("json", "plain", "near", "prom", "am", "kbserve")
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    for job, logs in (
        ("json", [real_log]),
        ("plain", [str(plain_real)]),
        ("near", [near_log, str(plain_near)]),
    ):
        argv = ["mtail", "--progs", str(work / "progs"), "--address", "127.0.0.1"]
        argv += ["--port", str(ports[job]), "--logtostderr", "--poll_interval", "250ms"]
        for log in logs:
            argv += ["--logs", log]
        procs.start(f"mtail-{job}", *argv)
    (work / "am.yml").write_text(
        "route:\n  receiver: hook\n  group_by: [alertname, entry, job]\n"
        "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n"
        f"receivers:\n- name: hook\n  webhook_configs:\n  - url: http://127.0.0.1:{hook.port}/\n"
        "    send_resolved: false\n"
    )
    procs.start(
        "alertmanager", "prometheus-alertmanager", f"--config.file={work / 'am.yml'}",
        f"--storage.path={work / 'am-data'}", f"--web.listen-address=127.0.0.1:{ports['am']}",
        "--cluster.listen-address=",
    )  # fmt: skip
    # kbserve: `kb serve metrics`, started by its own test (down until then)
    scrape = "\n".join(
        f"- job_name: {job}\n  static_configs:\n  - targets: ['127.0.0.1:{ports[job]}']"
        for job in ("json", "plain", "near", "kbserve")
    )
    (work / "prom.yml").write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        f"rule_files: [{work / 'rules.yml'}]\n"
        f"alerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['127.0.0.1:{ports['am']}']\n"
        f"scrape_configs:\n{scrape}\n"
    )
    procs.start(
        "prometheus", "prometheus", f"--config.file={work / 'prom.yml'}",
        f"--storage.tsdb.path={work / 'prom-data'}", f"--web.listen-address=127.0.0.1:{ports['prom']}",
    )  # fmt: skip
    try:
        for job in ("json", "plain", "near"):
            _wait_http(f"http://127.0.0.1:{ports[job]}/metrics")
        _wait_http(f"http://127.0.0.1:{ports['prom']}/-/ready")
        _wait_http(f"http://127.0.0.1:{ports['am']}/-/ready")
        yield {
            "work": work,
            "hook": hook,
            "ports": ports,
            "plain_real": plain_real,
            "plain_near": plain_near,
        }
    finally:
        procs.stop()
        hook.close()
        incidents.docker("rm", "-f", PREFIX + "real", PREFIX + "near", check=False)


def test_exported_files_pass_the_tools_own_checks(stack: dict) -> None:
    work = stack["work"]
    compiled = subprocess.run(
        ["mtail", "--compile_only", "--port", "0", "--progs", str(work / "progs")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stderr
    assert "compile failed" not in compiled.stderr
    checked = subprocess.run(
        ["promtool", "check", "rules", str(work / "rules.yml")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_promtool_unit_tests_of_every_rule(stack: dict) -> None:
    """promtool test rules: a first match fires (series born at 0, or born at 1), silence never."""
    work = stack["work"]
    kbase = load_kb()
    ids = sorted(e.id for e in kbase.entries.values() if e.signatures)
    series = []
    alerts = []
    for n, eid in enumerate(ids):
        # alternate the two ways a counter starts: created at 0 by the program, or born matching
        values = "0 0 0 1 1 1" if n % 2 else "_ _ _ 1 1 1"
        series.append(
            {"series": f'kb_signature_matches_total{{entry="{eid}",job="x"}}', "values": values}
        )
        alerts.append({"eval_time": "2m", "alertname": "KbKnownProblem", "exp_alerts": []})
    quiet = {"series": 'kb_signature_matches_total{entry="quiet",job="x"}', "values": "0 0 0 0 0 0"}
    import yaml

    rules = yaml.safe_load((work / "rules.yml").read_text())
    expected = []
    for rule in rules["groups"][0]["rules"]:
        expected.append(
            {
                "exp_labels": {**rule["labels"], "job": "x"},
                "exp_annotations": rule["annotations"],
            }
        )
    test_file = work / "rules_test.yml"
    test_file.write_text(
        yaml.safe_dump(
            {
                "rule_files": [str(work / "rules.yml")],
                "evaluation_interval": "1m",
                "tests": [
                    {
                        "interval": "1m",
                        "input_series": [*series, quiet],
                        "alert_rule_test": [
                            {"eval_time": "2m", "alertname": "KbKnownProblem", "exp_alerts": []},
                            {
                                "eval_time": "4m",
                                "alertname": "KbKnownProblem",
                                "exp_alerts": expected,
                            },
                        ],
                    }
                ],
            },
            allow_unicode=True,
        )
    )
    proc = subprocess.run(
        ["promtool", "test", "rules", str(test_file)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_real_lines_raise_exactly_their_alerts_and_near_misses_none(stack: dict) -> None:
    kbase = load_kb()
    with_sigs = sorted(e.id for e in kbase.entries.values() if e.signatures)
    # every real line the suite knows, with the entries `kb diagnose` names for it (a line's own
    # entry among them, where a source labels it with one)
    sigs = SignatureSet.from_entries(kbase.entries.values())
    named: list[tuple[str, list[str]]] = []
    for eid, line in real_lines(kbase):
        matched = sigs.match_text(line)
        assert eid is None or eid in matched, f"{eid}: its own signatures do not match {line!r}"
        if matched:
            named.append((line, matched))
    covered = {m for _, matched in named for m in matched}
    missing = sorted(set(with_sigs) - covered)
    assert missing == [], (
        f"entries with signatures but no real log line (tests/fleet_lines.py): {missing}"
    )
    # one line per entry, one claimed by that entry alone where there is one; the alerts expected
    # are exactly the entries `kb diagnose` names for the lines printed
    chosen: dict[str, tuple[str, list[str]]] = {}
    for line, matched in named:
        for m in matched:
            if m not in chosen or (matched == [m] and chosen[m][1] != [m]):
                chosen[m] = (line, matched)
    expected = {m for _, matched in chosen.values() for m in matched}
    printed = sorted({line for line, _ in chosen.values()})
    for line in NEAR_MISS_LINES:
        assert sigs.match_text(line) == [], f"near-miss line matches in kb diagnose: {line!r}"

    started = time.monotonic()
    _print_in("near", NEAR_MISS_LINES)
    with stack["plain_near"].open("a") as fh:
        fh.write("".join(line + "\n" for line in NEAR_MISS_LINES))
    _print_in("real", printed)
    with stack["plain_real"].open("a") as fh:
        fh.write("".join(line + "\n" for line in printed))

    want = {(eid, job) for eid in expected for job in ("json", "plain")}
    hook = stack["hook"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        got = {(a["labels"]["entry"], a["labels"]["job"]) for a in hook.firing()}
        if want <= got:
            break
        time.sleep(0.25)
    latency = time.monotonic() - started
    firing = hook.firing()
    got = {(a["labels"]["entry"], a["labels"]["job"]) for a in firing}
    assert sorted(want - got) == [], (
        f"{len(want - got)} of {len(want)} alerts never arrived (after {latency:.1f}s)\n"
        + _where_it_stopped(stack)
    )
    # a few more evaluation rounds: nothing else may arrive, near misses included
    time.sleep(4)
    got = {(a["labels"]["entry"], a["labels"]["job"]) for a in hook.firing()}
    assert sorted(got - want) == []

    # the near-miss mtail counted nothing at all
    with urllib.request.urlopen(
        f"http://127.0.0.1:{stack['ports']['near']}/metrics", timeout=5
    ) as r:
        near = [
            line
            for line in r.read().decode().splitlines()
            if line.startswith("kb_signature_matches_total{")
        ]
    assert near and all(line.endswith(" 0") for line in near), near

    # every runbook link is a page of the site exported with the same base URL
    site = stack["work"] / "site"
    r = run_kb("export", "site", str(site), "--base-url", BASE_URL, "--no-search", timeout=300)
    assert r.returncode == 0, r.stderr
    for alert in firing:
        url = alert["annotations"]["runbook_url"]
        assert url.startswith(BASE_URL)
        assert (site / url[len(BASE_URL) :]).is_file(), url
        assert alert["labels"]["product"] == kbase.get(alert["labels"]["entry"]).products[0]
    print(f"fleet pipeline: {len(with_sigs)} entries, all alerts at the webhook in {latency:.1f}s")


def _prom_query(port: int, query: str) -> list[dict]:
    from urllib.parse import quote

    data = _get_json(f"http://127.0.0.1:{port}/api/v1/query?query={quote(query)}")
    return list(data["data"]["result"])


def _where_it_stopped(stack: dict) -> str:
    """Each stage of the pipeline, in order, for a failure message: the first one empty is where
    the lines stopped (mtail counted nothing, Prometheus scraped nothing, no rule fired, ...)."""
    ports = stack["ports"]
    out: list[str] = []

    def stage(name: str, probe: Callable[[], object]) -> None:
        try:
            out.append(f"{name}: {probe()}")
        except Exception as exc:  # noqa: BLE001 - a diagnosis reports every failure and goes on
            out.append(f"{name}: {type(exc).__name__}: {exc}")

    def counted(job: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{ports[job]}/metrics", timeout=5) as r:
            rows = [x for x in r.read().decode().splitlines() if x.startswith("kb_signature")]
        return f"{sum(not x.endswith(' 0') for x in rows)} of {len(rows)} counters above 0"

    def targets() -> list[tuple[str, str, str]]:
        data = _get_json(f"http://127.0.0.1:{ports['prom']}/api/v1/targets")
        return [
            (t["labels"]["job"], t["health"], t.get("lastError", ""))
            for t in data["data"]["activeTargets"]
        ]

    def rules() -> dict[str, int]:
        data = _get_json(f"http://127.0.0.1:{ports['prom']}/api/v1/rules")
        states: dict[str, int] = {}
        for group in data["data"]["groups"]:
            for rule in group["rules"]:
                key = f"{rule.get('health')}/{rule.get('state')} {rule.get('lastError', '')}"
                states[key] = states.get(key, 0) + 1
        return states

    for job in ("json", "plain"):
        stage(f"mtail {job}", lambda job=job: counted(job))
    stage("prometheus targets", targets)
    stage(
        "prometheus series above 0",
        lambda: len(_prom_query(ports["prom"], "kb_signature_matches_total > 0")),
    )
    stage("prometheus rules", rules)
    stage(
        "prometheus alertmanagers",
        lambda: _get_json(f"http://127.0.0.1:{ports['prom']}/api/v1/alertmanagers")["data"],
    )
    stage(
        "alertmanager alerts",
        lambda: len(_get_json(f"http://127.0.0.1:{ports['am']}/api/v2/alerts")),
    )
    stage("webhook", lambda: f"{len(stack['hook'].alerts)} alerts received")
    for log in sorted(stack["work"].glob("*.log")):
        if log.name.startswith(("mtail", "prometheus", "alertmanager")):
            tail = log.read_text(errors="replace").splitlines()[-8:]
            out.append(f"--- {log.name} (last lines)\n" + "\n".join(tail))
    return "\n".join(out)


def test_kb_serve_metrics_is_scraped_by_prometheus(stack: dict, incident_containers: dict) -> None:
    """Live check results and doctor findings reach a real Prometheus; SIGTERM stops the server."""
    import signal
    import sys

    port = stack["ports"]["kbserve"]
    argv = [sys.executable, "-m", "kb.cli.main", "serve", "metrics"]
    argv += ["--listen", f"127.0.0.1:{port}", "--interval", "10", "--timeout", "10"]
    argv += ["--check", "emqx-unknown-clients-censys#anonymous-refused"]
    argv += ["--check", "rabbitmq-enotconn-lb-tcp-health-check#amqp"]
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_http(f"http://127.0.0.1:{port}/metrics")
        deadline = time.monotonic() + 45
        checks: list[dict] = []
        findings: list[dict] = []
        while time.monotonic() < deadline:
            checks = _prom_query(stack["ports"]["prom"], 'kb_check_status{job="kbserve"}')
            findings = _prom_query(stack["ports"]["prom"], 'kb_doctor_finding{job="kbserve"}')
            if len(checks) == 2 and findings:
                break
            time.sleep(0.5)
        status = {r["metric"]["check"]: r["value"][1] for r in checks}
        # Mosquitto on 1883 takes anonymous clients (warn); RabbitMQ on 5672 accepts guest (pass)
        assert status == {"anonymous-refused": "1", "amqp": "0"}, checks
        by_container: dict[str, set[str]] = {}
        for r in findings:
            by_container.setdefault(r["metric"]["container"], set()).add(r["metric"]["entry"])
        for name, entry in incident_containers.items():
            if entry is not None:
                assert entry in by_container.get(incidents.PREFIX + name, set()), by_container
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            body = r.read()
        lint = subprocess.run(
            ["promtool", "check", "metrics"], input=body, capture_output=True, timeout=30
        )
        assert lint.returncode == 0, lint.stdout + lint.stderr
        assert b"kb_refresh_complete 1" in body
        # liveness probes ask with HEAD (QA: 501 with an HTML body): GET's headers, no body
        head = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", method="HEAD")
        with urllib.request.urlopen(head, timeout=5) as r:
            assert r.status == 200 and r.headers["Content-Type"].startswith("text/plain")
            assert int(r.headers["Content-Length"]) > 0 and r.read() == b""
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            raise AssertionError("kb serve metrics did not stop within 5 s of SIGTERM") from None
    assert code == 0, server.stderr.read() if server.stderr else ""


def test_template_text_in_an_entry_is_shown_literally_by_prometheus(tmp_path: Path) -> None:
    """QA: a team entry whose summary holds `docker inspect -f '{{.State.OOMKilled}}'` gave an
    "error expanding template" annotation, and a `{{ end }}` made promtool (and so Prometheus)
    refuse the whole rule file, while the export said nothing. Annotations are Go templates."""
    import yaml

    from tests.helpers import entry_text

    title = "Exits: docker inspect -f '{{.State.ExitCode}}' shows 137 {{ end }}"
    summary = "Run docker inspect -f '{{.State.OOMKilled}}' NAME."
    text = entry_text(
        "qa-template-entry", title=f'"{title}"', extra="signatures: ['qa template line']\n"
    )
    text = text.replace("summary: One line about it.", f'summary: "{summary}"')
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "qa-template-entry.md").write_text(text)
    rules = tmp_path / "rules.yml"
    r = run_kb(
        "--kb", str(tmp_path / "kb"), "export", "alerts", str(rules), "--base-url", BASE_URL,
        "--window", "2m",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    checked = subprocess.run(
        ["promtool", "check", "rules", str(rules)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (rule,) = [
        r
        for r in yaml.safe_load(rules.read_text())["groups"][0]["rules"]
        if r["labels"]["entry"] == "qa-template-entry"
    ]
    test_file = tmp_path / "rules_test.yml"
    expected = {**rule["annotations"], "summary": title, "description": summary}
    test_file.write_text(
        yaml.safe_dump(
            {
                "rule_files": [str(rules)],
                "evaluation_interval": "1m",
                "tests": [
                    {
                        "interval": "1m",
                        "input_series": [
                            {
                                "series": 'kb_signature_matches_total{entry="qa-template-entry",job="x"}',
                                "values": "0 0 0 1 1 1",
                            }
                        ],
                        "alert_rule_test": [
                            {
                                "eval_time": "4m",
                                "alertname": "KbKnownProblem",
                                "exp_alerts": [
                                    {
                                        "exp_labels": {**rule["labels"], "job": "x"},
                                        "exp_annotations": expected,
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        )
    )
    proc = subprocess.run(
        ["promtool", "test", "rules", str(test_file)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

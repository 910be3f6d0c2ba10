"""Read-only audit and canary secrets.

Every check of every bundled entry, plus `kb doctor`, runs with its Docker, HTTP and MQTT traffic
going through recording proxies; the only write found must be the marked MQTT round trip (and the
allow-listed exec POSTs). Canary secrets planted in container env, the config and URLs must never
appear in any output: text, --json or JUnit.
"""

from __future__ import annotations

import json
import os
import re
import textwrap

import live_incidents as inc
import pytest
from live_proxies import TcpProxy, UnixHttpProxy, http_request_lines, mqtt_packets

from tests.helpers import run_kb

pytestmark = pytest.mark.live

EXEC_CREATE = re.compile(r"^POST /v[\d.]+/containers/[^/]+/exec$")
EXEC_START = re.compile(r"^POST /v[\d.]+/exec/[0-9a-f]+/start$")


def test_whole_suite_makes_no_write_but_the_round_trip(
    incident_containers, brokers, tmp_path, bundled_kb
):
    from kb.checks import registry
    from kb.checks.doctor import run_doctor
    from kb.checks.runner import run_check

    docker_calls: list[str] = []
    http_calls: list[str] = []
    mqtt_sent: list[str] = []
    dproxy = UnixHttpProxy(str(tmp_path / "docker.sock"), "/var/run/docker.sock", docker_calls)
    mproxy = TcpProxy(1883, mqtt_packets(mqtt_sent))
    hproxy = TcpProxy(15672, http_request_lines(http_calls))
    docker_url = f"unix://{tmp_path}/docker.sock"
    roundtrips = 0
    ran: dict[str, int] = {}
    try:
        for entry in bundled_kb.entries.values():
            for spec in entry.checks:
                declared = {p.name for p in registry.get(spec.kind).params}
                over: dict = {"timeout": 3}
                if spec.kind.startswith("docker."):
                    over["host"] = docker_url
                    if "container" in declared:
                        over["container"] = "kbtui-test-cookie"
                elif spec.kind.startswith("mqtt."):
                    over["port"] = mproxy.port
                elif spec.kind in ("http.get", "rabbitmq.api", "rabbitmq.consumers"):
                    if spec.kind == "http.get":
                        path = (
                            "/api/" + spec.params.get("url", "/").split("/api/", 1)[-1]
                            if "/api/" in spec.params.get("url", "")
                            else "/api/overview"
                        )
                        over["url"] = f"http://guest:guest@127.0.0.1:{hproxy.port}{path}"
                    else:
                        over["url"] = f"http://127.0.0.1:{hproxy.port}"
                r = run_check(entry, spec, params=over)
                ran[spec.kind] = ran.get(spec.kind, 0) + 1
                if spec.kind == "mqtt.roundtrip" and r.status == "pass":
                    roundtrips += 1
                assert r.active == (spec.kind == "mqtt.roundtrip")
        # the newest kinds' reads went through the recording proxies too
        assert {
            "rabbitmq.consumers",
            "docker.network_mtu",
            "docker.shared_mount",
            "mqtt.idle",
        } <= set(ran), ran
        report = run_doctor(bundled_kb, hosts=[docker_url])
        assert report.findings and all(h.ok for h in report.hosts)
    finally:
        for p in (dproxy, mproxy, hproxy):
            p.close()

    assert docker_calls, "no Docker call went through the recording proxy"
    for call in docker_calls:
        method = call.split(" ", 1)[0]
        assert method in ("GET", "HEAD") or EXEC_CREATE.match(call) or EXEC_START.match(call), call
    assert http_calls and all(c.startswith("GET ") for c in http_calls), http_calls
    publishes = [p for p in mqtt_sent if p.startswith("PUBLISH")]
    assert roundtrips >= 1 and len(publishes) == roundtrips, (roundtrips, mqtt_sent)
    assert all("retain=0 topic=kbtui/probe/" in p for p in publishes)
    assert set(mqtt_sent) - set(publishes) <= {
        "CONNECT",
        "SUBSCRIBE",
        "DISCONNECT",
        "PUBACK",
        "PUBREL",
        "PINGREQ",
        "TLS handshake",
    }


CANARY_URL_PASS = "canary-url-pw-Q7v2"
CANARY_CONFIG_PASS = "canary-conf-pw-M3k8"


def test_canary_secrets_never_printed(incident_containers, brokers, tmp_path):
    """Secrets from container env, config-named env vars and URLs stay out of text, JSON and JUnit."""
    kbdir = tmp_path / "kb"
    kbdir.mkdir()
    (kbdir / "kbtui-canary-probe.md").write_text(
        textwrap.dedent(f"""\
        ---
        id: kbtui-canary-probe
        kind: faq
        title: Canary probe for the secret-redaction test
        summary: Checks whose evidence would carry secrets if redaction failed.
        products: [docker]
        updated: 2026-11-21
        checks:
          - id: log-line
            kind: docker.logs
            title: The healthy container prints its start line
            params: {{container: kbtui-test-healthy, pattern: "service up", expect: absent}}
          - id: env-value
            kind: docker.env
            title: The canary variable is set
            params: {{container: kbtui-test-healthy, name: KBTUI_CANARY_PASSWORD, equals: nope}}
          - id: env-all
            kind: docker.inspect
            title: The whole env list
            params: {{container: kbtui-test-healthy, field: Config.Env, equals: nope}}
          - id: url-password
            kind: http.get
            title: An API URL carrying a password
            params: {{url: "http://kbtui:{CANARY_URL_PASS}@127.0.0.1:1/api/overview"}}
          - id: conf-password
            kind: mqtt.connect
            title: Credentials from the config-named variables
            params: {{port: 1884}}
        ---
        Body.
        """)
    )
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    conf = home / "config" / "config.yaml"
    conf.write_text(
        "brokers:\n  - name: canary\n    kind: mosquitto\n    host: 127.0.0.1\n    ports: {mqtt: 1884}\n"
        "    username_env: KBTUI_CANARY_USER\n    password_env: KBTUI_CANARY_PASS\n"
    )
    conf.chmod(0o600)
    env = {
        **os.environ,
        "KBTUI_HOME": str(home),
        "KBTUI_CANARY_USER": "kbtui-test",
        "KBTUI_CANARY_PASS": CANARY_CONFIG_PASS,
    }
    junit = tmp_path / "junit.xml"
    outputs = []
    for args in (
        ["check", "kbtui-canary-probe", "--kb", str(kbdir)],
        ["check", "kbtui-canary-probe", "--kb", str(kbdir), "--json", "--junit", str(junit)],
        ["check", "kbtui-canary-probe", "--kb", str(kbdir), "--target", "canary", "--json"],
        ["doctor"],
        ["doctor", "--json"],
    ):
        proc = run_kb(*args, env=env, timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        outputs.append(proc.stdout + proc.stderr)
    outputs.append(junit.read_text())
    text = "\n".join(outputs)
    # the checks really saw the secrets: the evidence is there, masked
    data = json.loads(outputs[1][outputs[1].index("{") :])
    by_id = {r["check"]: r for r in data["results"]}
    assert (
        by_id["log-line"]["status"] == "fail" and "<redacted>" in by_id["log-line"]["evidence"][0]
    )
    assert "KBTUI_CANARY_PASSWORD=<redacted>" in by_id["env-value"]["evidence"]
    assert any("<redacted>" in e for e in by_id["env-all"]["evidence"])
    target = json.loads(outputs[2][outputs[2].index("{") :])
    conf_result = next(r for r in target["results"] if r["check"] == "conf-password")
    # the config's credentials were sent (and refused: the canary is not the broker's password)
    assert conf_result["target"] == "canary" and conf_result["status"] == "fail"
    for secret in (
        inc.CANARY_SECRET,
        CANARY_URL_PASS,
        CANARY_CONFIG_PASS,
        "kbtui-test-cookie-value",
    ):
        assert secret not in text, f"secret {secret!r} leaked"

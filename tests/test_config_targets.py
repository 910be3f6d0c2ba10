"""config.yaml's docker_hosts and brokers never do something else than what they say (QA 23 H1,
M2, M3): an item with a problem is not used, the problem is reported as `config.yaml:LINE: …`,
and naming that item (`--target`, `--host`, `--set host=`) says why instead of running the checks
on the local daemon or 127.0.0.1. Real config files under the per-test KBTUI_HOME (conftest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_kb, write_config

from kb.checks import targets
from kb.redact import redact


def only_problem(conf: targets.Targets) -> str:
    assert len(conf.problems) == 1, [str(p) for p in conf.problems]
    return str(conf.problems[0])


# --- H1: a url that is not a Docker endpoint ------------------------------------------------------


@pytest.mark.parametrize(
    "item, shown",
    [
        ('{name: prod, url: "10.0.0.9:2376"}', "url '10.0.0.9:2376' is not a Docker endpoint"),
        ('{name: prod, url: "ssh//ops@prod-1"}', "url 'ssh//ops@prod-1' is not a Docker endpoint"),
        ('{name: prod, url: "htp:/x y"}', "url 'htp:/x y' is not a Docker endpoint"),
        ('{name: prod, url: "tcp://"}', "url 'tcp://' is not a Docker endpoint"),
        ('{name: prod, urll: "ssh://ops@prod-1"}', "unknown key 'urll'; known: name, url,"),
    ],
)
def test_a_docker_host_that_names_no_endpoint_is_not_used(item: str, shown: str) -> None:
    """QA H1: such an item made `--target prod` run on the LOCAL daemon and report it as prod."""
    path = write_config(f"kb_paths: []\ndocker_hosts:\n  - {item}\n")
    conf = targets.load()
    assert conf.find("prod") is None and conf.docker_urls() == {}
    assert f"{path}:3: error: docker_hosts[0] (prod): {shown}" in str(conf.problems[0])
    assert conf.missing("prod").startswith(
        f"target 'prod' is in the config but unusable: {path}:3: docker_hosts[0] (prod): "
    )


def test_a_bare_host_port_url_is_told_to_say_tcp() -> None:
    write_config('docker_hosts:\n  - {name: prod, url: "10.0.0.9:2376"}\n')
    assert only_problem(targets.load()).endswith(
        "(tcp://HOST:PORT, ssh://USER@HOST, unix://PATH); write tcp://10.0.0.9:2376"
    )


def test_docker_endpoints_and_contexts_are_used_as_written() -> None:
    write_config(
        "docker_hosts:\n"
        "  - {name: a, url: unix:///var/run/docker.sock}\n"
        "  - {name: b, url: 'tcp://10.0.0.9:2376'}\n"
        "  - {name: c, url: 'ssh://ops@prod-1:2222'}\n"
        "  - {name: d, context: default}\n"
        "brokers:\n"
        "  - {name: mq, kind: mosquitto, host: 10.0.0.5, ports: {mqtt: 1883}, docker_host: c}\n"
    )
    conf = targets.load()
    assert conf.problems == [] and conf.unusable == []
    urls = conf.docker_urls()
    assert urls["a"] == "unix:///var/run/docker.sock" and urls["b"] == "tcp://10.0.0.9:2376"
    assert urls["c"] == "ssh://ops@prod-1:2222" and "://" in urls["d"]
    assert targets.params_for("docker.container", {"host"}, conf.find("b")) == {
        "host": "tcp://10.0.0.9:2376"
    }


def test_kb_check_target_with_a_malformed_url_is_refused_in_one_line() -> None:
    """QA H1 repro: before, PASS/SKIP from the local daemon with rc 0 and "target": "prod"."""
    path = write_config('docker_hosts:\n  - {name: prod, url: "10.0.0.9:2376"}\n')
    r = run_kb(
        "check",
        "tree-container-stopped-unexpectedly#running",
        "--target",
        "prod",
        "--set",
        "container=qa23-local",
    )
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr == (
        f"kb: check: target 'prod' is in the config but unusable: {path}:2: docker_hosts[0] "
        "(prod): url '10.0.0.9:2376' is not a Docker endpoint (tcp://HOST:PORT, "
        "ssh://USER@HOST, unix://PATH); write tcp://10.0.0.9:2376\n"
    )


def test_set_host_naming_an_unusable_docker_host_is_refused() -> None:
    """`--set host=prod` took the name for a broker address and left docker.* on the default."""
    from kb.checks.runner import ParamError, validate_overrides
    from kb.model import CheckSpec

    write_config('docker_hosts:\n  - {name: prod, url: "ssh//ops@prod-1"}\n')
    spec = CheckSpec("running", "docker.container", "t", {"container": "x"})
    with pytest.raises(ParamError, match="--set host: target 'prod' is in the config but unusable"):
        validate_overrides([spec], {"host": "prod"})
    validate_overrides([spec], {"host": "ssh://ops@prod-1"})  # a URL is fine


# --- QA misc25 #8: URLs docker-py refuses when the check runs --------------------------------------


@pytest.mark.parametrize(
    "url, shown",
    [
        (
            "tcp://10.0.0.9",
            "url 'tcp://10.0.0.9' has no port: Docker needs one (tcp://HOST:PORT; 2375, or 2376 "
            "with TLS); write tcp://10.0.0.9:2375",
        ),
        (
            "tcp://ops:hunter2@h:2376",
            "url 'tcp://ops:<redacted>@h:2376' holds a user and password, but a tcp:// Docker "
            "endpoint takes none in the URL (TLS certificates authenticate it: ca/cert/key)",
        ),
        ("tcp://ops@h:2376", "url 'tcp://ops@h:2376' holds a user name"),
        ("https://h", "write https://h:2376"),
        ("ssh://ops:hunter2@h", "url 'ssh://ops:<redacted>@h' holds a password"),
        ("tcp://h:2375?tls=1", "url 'tcp://h:2375?tls=1' takes no query or fragment"),
    ],
)
def test_a_docker_url_docker_would_refuse_is_refused_in_the_config(url: str, shown: str) -> None:
    """Before: saved without complaint, then every check and `kb doctor --host` failed with
    docker-py's `Invalid bind address format: port is required` (or with the URL's credentials)."""
    path = write_config(f'docker_hosts:\n  - {{name: prod, url: "{url}"}}\n')
    conf = targets.load()
    assert conf.find("prod") is None
    problem = only_problem(conf)
    assert problem.startswith(f"{path}:2: error: docker_hosts[0] (prod): url '"), problem
    assert shown in problem
    # every output redacts again: the words must survive it ("holds credentials: a …" lost "a")
    assert redact(problem) == problem
    from tui.screens.targets import validate_host

    assert validate_host({"name": "lab", "url": url}, set())[1] == [
        "URL: " + problem.split("url ", 1)[1]
    ]
    assert "hunter2" not in problem and "\n" not in problem


def test_a_broker_docker_host_url_without_a_port_says_so() -> None:
    path = write_config("brokers:\n  - {name: mq, kind: mosquitto, docker_host: 'tcp://h'}\n")
    assert only_problem(targets.load()) == (
        f"{path}:2: error: brokers[0] (mq): docker_host 'tcp://h' has no port: Docker needs one "
        "(tcp://HOST:PORT; 2375, or 2376 with TLS); write tcp://h:2375"
    )


def test_the_tui_form_refuses_the_same_urls() -> None:
    """The F8 form calls the same rule (kb.checks.targets.docker_url_problem)."""
    from tui.screens.targets import validate_host

    for url in ("tcp://10.0.0.9", "tcp://ops:hunter2@h:2376"):
        item, problems = validate_host({"name": "lab", "url": url}, set())
        assert item is None and len(problems) == 1 and problems[0].startswith("URL: "), problems
    assert validate_host({"name": "lab", "url": "tcp://10.0.0.9:2376"}, set())[1] == []


# --- M2: problems are reported, and the named target says why --------------------------------------


def test_dropped_items_say_why_with_their_line(tmp_path: Path) -> None:
    """QA M2: "no target named 'edge' … known: none configured" for a host in the file."""
    path = write_config(
        "docker_hosts:\n"
        '  - {name: edge, url: "tcp://10.0.0.9:2376", ca: /nonexistent/ca.pem,'
        " cert: /nonexistent/c.pem, key: /nonexistent/k.pem}\n"
        "  - {name: stg, context: kbtui-no-such-context}\n"
        "brokers:\n"
        "  - {name: mq, kind: mosquito, host: 10.9.9.9}\n"
    )
    conf = targets.load()
    assert conf.names() == []
    assert [str(p) for p in conf.problems] == [
        f"{path}:2: error: docker_hosts[0] (edge): no such file (ca: /nonexistent/ca.pem, "
        "cert: /nonexistent/c.pem, key: /nonexistent/k.pem)",
        f"{path}:3: error: docker_hosts[1] (stg): no Docker context named "
        "'kbtui-no-such-context' (docker context ls)",
        f"{path}:5: error: brokers[0] (mq): kind must be one of emqx, vernemq, mosquitto, rabbitmq",
    ]
    assert "in the config but unusable" in conf.missing("edge")
    assert "no such file (ca: /nonexistent/ca.pem" in conf.missing("edge")
    assert conf.missing("nope") == "no target named 'nope' in the config; known: none configured"


def test_kb_check_and_doctor_name_the_unusable_target() -> None:
    write_config("brokers:\n  - {name: mq, kind: mosquito, host: 10.9.9.9}\n")
    r = run_kb("check", "mosquitto-not-authorised", "--target", "mq")
    assert r.returncode == 2 and "kind must be one of" in r.stderr, r.stderr
    assert "target 'mq' is in the config but unusable" in r.stderr
    write_config("docker_hosts:\n  - {name: edge, context: kbtui-no-such-context}\n")
    r = run_kb("doctor", "--host", "edge")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "doctor: --host 'edge': target 'edge' is in the config but unusable" in r.stderr
    assert "no Docker context named 'kbtui-no-such-context'" in r.stderr


def test_doctor_never_scans_the_local_daemon_in_place_of_unusable_configured_hosts() -> None:
    from kb.checks.doctor import run_doctor
    from kb.loader import KnowledgeBase

    write_config('docker_hosts:\n  - {name: prod, url: "10.0.0.9:2376"}\n')
    report = run_doctor(KnowledgeBase(entries={}, problems=[], sources=[]), timeout=5)
    assert [(h.host, h.ok) for h in report.hosts] == [("prod", False)]
    assert "not scanned:" in (report.hosts[0].error or "")
    assert "is not a Docker endpoint" in (report.hosts[0].error or "")


def test_kb_paths_lists_the_problems() -> None:
    path = write_config(
        "docker_host:\n  - {name: prod, url: unix:///x}\n"
        "brokers:\n  - {name: mq, kind: mosquitto, hostname: 10.9.9.9}\n"
    )
    r = run_kb("paths")
    assert r.returncode == 0, r.stderr
    assert "config problems (these targets are not used until fixed):" in r.stdout
    assert f"  {path}:1: warning: unknown key 'docker_host'; known: kb_paths," in r.stdout
    assert f"  {path}:4: error: brokers[0] (mq): unknown key 'hostname'" in r.stdout
    data = json.loads(run_kb("paths", "--json").stdout)
    assert len(data["config_problems"]) == 2
    write_config("brokers:\n  - {name: mq, kind: mosquitto, host: 10.9.9.9}\n")
    assert "config problems" not in run_kb("paths").stdout


def test_warnings_about_other_items_when_a_command_uses_the_config() -> None:
    """A good target runs; the file's other problems are on stderr, once each."""
    path = write_config(
        "docker_hosts:\n  - {name: bad, url: 'ssh//x'}\n"
        "brokers:\n  - {name: mq, kind: mosquitto, host: 127.0.0.1, ports: {mqtt: 1}}\n"
    )
    r = run_kb("check", "mosquitto-not-authorised", "--target", "mq")
    assert r.returncode != 2, r.stderr
    assert r.stderr.count(f"kb: {path}:2: error: docker_hosts[0] (bad): url") == 1


# --- M3: unknown keys ------------------------------------------------------------------------------


def test_a_typo_d_broker_key_is_not_checked_on_127_0_0_1() -> None:
    """QA M3: `hostname:` for `host:` checked 127.0.0.1:1883 and PASSed for target mq."""
    path = write_config(
        "brokers:\n  - {name: mq, kind: mosquitto, hostname: 10.9.9.9, ports: {mqtt: 1883}}\n"
    )
    conf = targets.load()
    assert conf.find("mq") is None
    assert only_problem(conf) == (
        f"{path}:2: error: brokers[0] (mq): unknown key 'hostname'; known: name, kind, host, "
        "ports, api_url, username_env, password_env, docker_host, container"
    )
    r = run_kb("check", "mosquitto-not-authorised", "--target", "mq")
    assert r.returncode == 2 and "unknown key 'hostname'" in r.stderr and "PASS" not in r.stdout


def test_a_literal_password_is_refused_without_showing_it() -> None:
    write_config(
        "brokers:\n  - name: a\n    kind: emqx\n    host: 127.0.0.1\n"
        "    username: bob\n    password: hunter2\n"
    )
    conf = targets.load()
    text = "\n".join(str(p) for p in conf.problems)
    assert conf.find("a") is None and "hunter2" not in text and "bob" not in text
    assert (
        ":5: error: brokers[0] (a): 'username' is not read: store the NAME of an environment"
        in text
    )
    assert "in username_env" in text
    assert ":6: error: brokers[0] (a): 'password' is not read and must not hold a secret" in text
    assert "in password_env (password_env: EMQX_PASS)" in text


def test_unknown_top_level_key_and_broker_fields() -> None:
    path = write_config(
        "docker_host:\n  - {name: prod, url: 'unix:///x'}\n"
        "brokers:\n"
        "  - {name: a, kind: emqx, ports: {mqqt: 1883}}\n"
        "  - {name: b, kind: emqx, docker_host: prod}\n"
        "  - {name: c, kind: emqx, password_env: 'hunter 2'}\n"
        "  - {name: d, kind: emqx, ports: {mqtt: 70000}}\n"
    )
    conf = targets.load()
    text = [str(p) for p in conf.problems]
    assert text[0] == (
        f"{path}:1: warning: unknown key 'docker_host'; known: kb_paths, docker_hosts, brokers"
    )
    assert "brokers[0] (a): unknown port 'mqqt'; known: mqtt, amqp, http" in text[1]
    assert "brokers[1] (b): docker_host 'prod' is neither a configured Docker host" in text[2]
    assert "brokers[2] (c): password_env takes the NAME of an environment variable" in text[3]
    assert "hunter" not in text[3]
    assert "brokers[3] (d): ports.mqtt must be a port number from 1 to 65535" in text[4]
    assert conf.names() == []


def test_a_broker_on_an_unusable_docker_host_is_not_used() -> None:
    """Its docker.* checks would run on the local daemon (the host name resolves to nothing)."""
    write_config(
        "docker_hosts:\n  - {name: prod, url: '10.0.0.9:2376'}\n"
        "brokers:\n  - {name: mq, kind: emqx, host: 10.0.0.5, docker_host: prod}\n"
    )
    conf = targets.load()
    assert conf.find("mq") is None
    assert "docker_host 'prod' is unusable (line 2)" in conf.missing("mq")


@pytest.mark.parametrize(
    "item",
    [
        "{name: local}",  # the environment's own endpoint, as it always was
        '{name: local, url: "unix:///var/run/docker.sock", context: default}',  # url wins
        '{name: local, url: "ssh://ops@prod-1", tls_verify: false}',  # tls_verify ignored
    ],
)
def test_configs_that_worked_before_still_work(item: str) -> None:
    """Review: these were refused after the validation came in, though they had worked."""
    write_config(f"docker_hosts:\n  - {item}\n")
    conf = targets.load()
    assert conf.problems == [] and conf.find("local") is not None


def test_tls_and_websocket_ports_of_a_broker_are_accepted() -> None:
    write_config(
        "brokers:\n  - {name: mq, kind: emqx, ports: {mqtt: 1883, mqtts: 8883, wss: 8084}}\n"
    )
    conf = targets.load()
    assert conf.problems == [] and conf.find("mq") is not None

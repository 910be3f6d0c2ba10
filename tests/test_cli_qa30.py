"""QA pass 30 over the CLI contract and the live checks: each test reproduces a defect found by
running `kb` the way an on-call engineer or a script does (pipes, closed streams, odd logs, brokers
that misbehave). Every server here is a local socket the test starts itself; nothing is live."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import REPO, entry_text, free_ports, loopback_server, run_kb

KB = [sys.executable, "-m", "kb.cli.main"]


@contextmanager
def _silent(seen: threading.Event | None = None) -> Iterator[int]:
    """A loopback port that accepts connections, holds them and never sends a byte; `seen` is
    set once something connected."""
    held: list[socket.socket] = []

    def hold(conn: socket.socket) -> None:
        held.append(conn)
        if seen is not None:
            seen.set()

    try:
        with loopback_server(hold) as port:
            yield port
    finally:
        for conn in held:
            conn.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never sends a byte."""
    with _silent() as port:
        yield port


def _kb_with_checks(tmp_path: Path, checks: str) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    (root / "qa30-probe.md").write_text(entry_text("qa30-probe", extra=f"checks:\n{checks}"))
    return root


def test_check_piped_into_head_keeps_the_checks_exit_code_and_writes_junit(
    tmp_path: Path, silent_port: int
) -> None:
    """`kb check X | head -1` exited 0 although a check failed: the reader went away before the
    second result was printed, the BrokenPipeError ended the run as a success, the remaining
    checks never ran and --junit was never written."""
    (closed,) = free_ports(1)
    root = _kb_with_checks(
        tmp_path,
        f"  - {{id: refused, kind: net.tcp, title: Port open, params: {{port: {closed}}}}}\n"
        "  - id: silent\n    kind: mqtt.connect\n    title: Broker answers\n"
        f"    params: {{port: {silent_port}, timeout: 1.5}}\n",
    )
    junit = tmp_path / "checks.xml"
    proc = subprocess.Popen(
        [*KB, "--kb", str(root), "check", "qa30-probe", "--junit", str(junit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"qa30-probe"
    proc.stdout.close()  # `| head -1`: the reader is gone while the second check runs
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 3, err  # a fail and an error: 3, never 0
    assert b"Traceback" not in err and b"internal error" not in err, err
    xml = junit.read_text()
    assert 'tests="2"' in xml and 'failures="1"' in xml and 'errors="1"' in xml


def test_check_json_cut_short_by_its_reader_keeps_the_exit_code(tmp_path: Path) -> None:
    """The JSON of many results is printed at the end; a reader that stops early (`| head`) made
    the run exit 0 whatever the results were."""
    (closed,) = free_ports(1)
    root = tmp_path / "kb"
    root.mkdir()
    ids = [f"qa30-probe-{n}" for n in range(3)]
    for entry_id in ids:  # 120 results, far more JSON than a pipe holds
        many = "".join(
            f"  - {{id: c{i}, kind: net.tcp, title: Port {i} open {'x' * 500},"
            f" params: {{port: {closed}}}}}\n"
            for i in range(40)
        )
        (root / f"{entry_id}.md").write_text(entry_text(entry_id, extra=f"checks:\n{many}"))
    proc = subprocess.Popen(
        [*KB, "--kb", str(root), "check", *ids, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"{"
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 1, err
    assert b"internal error" not in err


def test_lint_piped_into_head_still_fails_on_errors(tmp_path: Path) -> None:
    """`kb lint | head` on a KB with errors exited 0: the problems are printed after the whole KB
    is checked, and a reader that went away turned "errors found" into success."""
    root = tmp_path / "kb"
    root.mkdir()
    for n in range(700):  # one error each: more problem lines than a pipe holds
        (root / f"broken-entry-number-{n:04d}.md").write_text(f"no front-matter here {n}\n")
    proc = subprocess.Popen(
        [*KB, "--kb", str(root), "lint", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert b"error" in proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 1, err
    assert b"internal error" not in err


def test_doctor_cut_short_by_its_reader_keeps_the_exit_code(monkeypatch, capsys) -> None:
    """`kb doctor | head -3` on a host with many findings exited 0 (findings: 1)."""
    import kb.checks.doctor
    from kb.checks.doctor import DoctorReport, Finding, HostReport
    from kb.cli import main as cli_main

    report = DoctorReport(
        findings=[
            Finding(None, "warn", f"app-{n}", "local", ["evidence"], f"app-{n}: restarted")
            for n in range(5)
        ],
        hosts=[HostReport("local", "unix:///var/run/docker.sock", True, 5)],
    )
    monkeypatch.setattr(kb.checks.doctor, "run_doctor", lambda *a, **k: report)

    class GoneReader:
        """stdout whose reader went away after the first line."""

        def __init__(self) -> None:
            self.lines = 0
            self.fd = os.open(os.devnull, os.O_WRONLY)

        def write(self, text: str) -> int:
            self.lines += text.count("\n")
            if self.lines > 1:
                raise BrokenPipeError(32, "Broken pipe")
            return len(text)

        def flush(self) -> None:
            pass

        def isatty(self) -> bool:
            return False

        def fileno(self) -> int:
            return self.fd

    out = GoneReader()
    monkeypatch.setattr(sys, "stdout", out)
    try:
        assert cli_main.main(["doctor"]) == 1
        assert cli_main.main(["doctor", "--json"]) == 1
    finally:
        os.close(out.fd)


@pytest.fixture
def closing_port() -> Iterator[int]:
    """A loopback port that accepts a connection and closes it at once, saying nothing."""
    with loopback_server(lambda conn: conn.close()) as port:
        yield port


def _run(kind: str, params: dict) -> object:
    from kb.checks.runner import run_check
    from kb.model import CheckSpec, Entry

    entry = Entry(id="qa30", kind="incident", title="T", summary="", body="", path="x")
    return run_check(entry, CheckSpec("c", kind, "t", params))


def test_amqp_connect_says_refused_or_silent_instead_of_pikas_class_name(
    silent_port: int, closing_port: int
) -> None:
    """`kb check rabbitmq-guest-remote-localhost-only#app-login --set port=CLOSED` said
    "cannot open an AMQP connection to 127.0.0.1:39002: AMQPConnectorSocketConnectError": pika
    wraps the socket's error in an exception whose text is empty."""
    (closed,) = free_ports(1)
    r = _run("amqp.connect", {"port": closed})
    assert r.status == "error"
    assert r.summary == f"cannot open an AMQP connection to 127.0.0.1:{closed}: connection refused"
    assert r.summary_zh == f"无法打开到 127.0.0.1:{closed} 的 AMQP 连接：连接被拒绝"
    r = _run("amqp.connect", {"port": silent_port, "timeout": 1})
    assert r.status == "error" and "no answer within the deadline" in r.summary, r.summary
    r = _run("amqp.connect", {"port": closing_port})
    assert r.status == "error"
    assert "StreamLostError" not in r.summary and "Transport indicated EOF" not in r.summary
    assert "closed the connection before the AMQP handshake" in r.summary, r.summary


@pytest.mark.parametrize("kind", ["http.get", "rabbitmq.api"])
def test_http_checks_say_what_a_silent_or_closing_server_did(
    kind: str, silent_port: int, closing_port: int
) -> None:
    """A port that accepts and never answers gave "TimeoutError: timed out"; one that closes at
    once gave "RemoteDisconnected: Remote end closed connection without response"."""
    r = _run(kind, {"url": f"http://127.0.0.1:{silent_port}/", "timeout": 1})
    assert r.status == "error"
    assert r.summary == f"127.0.0.1:{silent_port} sent no HTTP answer within the deadline", r
    assert r.summary_zh == f"127.0.0.1:{silent_port} 在时限内没有发回 HTTP answer"
    r = _run(kind, {"url": f"http://127.0.0.1:{closing_port}/"})
    assert r.status == "error"
    assert r.summary == (
        f"127.0.0.1:{closing_port} closed the connection before an HTTP answer (not an HTTP port?)"
    ), r


LOGIN_REFUSED = (
    "2026-12-05 08:57:23.983376+00:00 [error] <0.1008.0> PLAIN login refused: user 'app'"
    " - invalid credentials\n"
)


@pytest.mark.parametrize(
    "data",
    [
        # logrotate's copytruncate while the writer keeps its offset: the new file starts with a
        # hole as long as the old file (reads as NUL bytes)
        b"\0" * 20000 + LOGIN_REFUSED.encode(),
        # a crash left a block of NULs after the first lines (a VM's disk cache lost on reset)
        LOGIN_REFUSED.encode() + b"\0" * 3000 + LOGIN_REFUSED.encode(),
    ],
    ids=["hole-first", "hole-after-a-line"],
)
def test_a_log_with_a_run_of_nul_bytes_is_still_a_log(tmp_path: Path, data: bytes) -> None:
    """`kb diagnose app.log` after logrotate's copytruncate said "not text (binary data)" and
    read nothing: a run of NUL bytes in the first 4 KiB counted as binary (and 512 of them made
    it guess UTF-16)."""
    log = tmp_path / "app.log"
    log.write_bytes(data)
    r = subprocess.run([*KB, "diagnose", str(log)], capture_output=True, cwd=REPO, timeout=60)
    assert r.returncode == 0, r.stderr
    assert b"rabbitmq-login-refused-invalid-credentials" in r.stdout
    assert b"\0" not in r.stdout
    r = subprocess.run(
        [*KB, "search", "-", "--json"], input=data, capture_output=True, cwd=REPO, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert b"rabbitmq-login-refused-invalid-credentials" in r.stdout


def test_nul_bytes_alone_are_still_not_a_log(tmp_path: Path) -> None:
    """/dev/zero, and a file of nothing but NULs past the hole limit, stay refused (they would
    otherwise be read for ever)."""
    r = subprocess.run([*KB, "diagnose", "/dev/zero"], capture_output=True, cwd=REPO, timeout=60)
    assert r.returncode == 2 and b"not text (binary data)" in r.stderr, r
    from kb.checks.diagnose import binary_head, log_encoding

    assert binary_head(b"\0" * 4096)
    assert log_encoding("ok\n".encode("utf-16-le") * 100) == "utf-16-le"
    assert log_encoding("ok\n".encode("utf-16-be") * 100) == "utf-16-be"
    assert log_encoding(b"line\n" + b"\0" * 600) == "utf-8"


def _kb_closing_stdout(*args: str) -> subprocess.CompletedProcess[bytes]:
    """`kb ARGS >&-`: file descriptor 1 closed."""
    return subprocess.run(
        [*KB, *args],
        stderr=subprocess.PIPE,
        cwd=REPO,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("list", "--json"), 0),
        (("lint", "--json"), 0),
        (("completion", "bash"), 0),
        (("search", "zzqqxx-nothing", "--json"), 1),
        (("export", "alerts", "-", "--base-url", "https://kb.example.com/"), 0),
    ],
)
def test_a_closed_stdout_is_no_internal_error(args: tuple[str, ...], code: int) -> None:
    """`kb list --json >&-` (a cron job or a supervisor that closes stdout) ended in "internal
    error: AttributeError: 'NoneType' object has no attribute 'write'", exit 70."""
    r = _kb_closing_stdout(*args)
    assert b"internal error" not in r.stderr, r.stderr
    assert r.returncode == code, r.stderr


def test_a_closed_stderr_keeps_the_exit_code() -> None:
    """`kb check nosuch 2>&-` exited 1 instead of 2: writing the error to the closed stderr raised
    inside the error handler."""
    r = subprocess.run(
        [*KB, "check", "nosuch-entry"],
        stdout=subprocess.PIPE,
        cwd=REPO,
        timeout=60,
        preexec_fn=lambda: os.close(2),
    )
    assert r.returncode == 2


def test_search_from_a_closed_stdin_is_a_usage_error() -> None:
    """`kb search - <&-` ended in "internal error: AttributeError: 'NoneType' object has no
    attribute 'buffer'" (kb diagnose - says "no input", exit 2)."""
    r = subprocess.run(
        [*KB, "search", "-"],
        capture_output=True,
        cwd=REPO,
        timeout=60,
        preexec_fn=lambda: os.close(0),
    )
    assert r.returncode == 2, r.stderr
    assert b"internal error" not in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("check", "mosquitto-not-authorised", "--set", "\x1b]0;pwned\x07\x1b[31mx=1"),
        ("diagnose", "/nonexistent/\x1b]0;pwned\x07\x1b[31mred.log"),
        ("show", "--kb", "/nonexistent/\x1b[2J", "x"),
    ],
)
def test_errors_never_pass_terminal_escapes_through(args: tuple[str, ...]) -> None:
    """An argument with escape sequences (a file name from a glob, a pasted --set) came back raw
    in the one-line error: `\\e]0;…\\a` retitles the terminal, `\\e[2J` clears it."""
    r = subprocess.run([*KB, *args], capture_output=True, cwd=REPO, timeout=60)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(b"kb: ") and r.stderr.count(b"\n") == 1, r.stderr
    assert b"\x1b" not in r.stderr and b"\x07" not in r.stderr, r.stderr


def test_export_names_the_file_it_wrote_without_its_escapes(tmp_path: Path) -> None:
    """`kb: wrote /tmp/\\e[2J.yml: 145 alerts` cleared the terminal."""
    out = tmp_path / "\x1b[2Jrules.yml"
    args = ("export", "alerts", str(out), "--base-url", "https://kb.example/")
    r = subprocess.run([*KB, *args], capture_output=True, cwd=REPO, timeout=120)
    assert r.returncode == 0, r.stderr
    assert out.is_file() and b"rules.yml" in r.stderr
    assert b"\x1b" not in r.stderr, r.stderr
    r = subprocess.run(
        [*KB, "export", "mtail", str(tmp_path / "\x1b]0;t\x07mtail")],
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert b"\x1b" not in r.stderr and b"\x07" not in r.stderr, r.stderr


def _connect_verdict(params: dict, accepted: bool, code: int, v5: bool = False) -> object:
    from kb.checks import registry

    kind = registry.get("mqtt.connect")
    assert kind is not None
    reason = "Success" if accepted else "Not authorized"
    data = {"accepted": accepted, "reason": reason, "code": code, "where": "h:1883", "v5": v5}
    return kind.evaluate(params, data)


def test_mqtt_connect_without_credentials_says_so() -> None:
    """`kb check mosquitto-not-authorised#with-credentials` with no username_env set logged in
    anonymously and said "127.0.0.1:1883 accepted the connection" under the title "A client with
    the configured credentials is accepted": nothing said no credentials were sent. Refused, it
    advised "check the user name and password the variables hold" — there were none."""
    v = _connect_verdict({}, True, 0)
    assert v.status == "pass"
    assert "without credentials" in v.summary and "anonymous" in v.summary, v.summary
    assert "未提供凭据" in v.summary_zh
    v = _connect_verdict({}, False, 135)
    assert v.status == "fail" and "no credentials were sent" in v.summary, v.summary
    assert "username_env" in v.advice and "variables hold" not in v.advice
    v = _connect_verdict({"username_env": "U", "password_env": "P"}, False, 135)
    assert v.summary == "h:1883 refused the connection: Not authorized"
    assert v.advice == "check the user name and password the variables hold"


def test_mqtt_connect_shows_the_return_code_of_the_protocol_spoken() -> None:
    """Under MQTT 3.1.1 the evidence said "CONNACK: Not authorized (code 135)": 135 is MQTT 5's
    reason code; the broker sent return code 5 (what Mosquitto's log and the entry say)."""
    v = _connect_verdict({"username_env": "U"}, False, 135)
    assert v.evidence[0] == "CONNACK: Not authorized (return code 5)", v.evidence
    v = _connect_verdict({"username_env": "U"}, False, 135, v5=True)
    assert v.evidence[0] == "CONNACK: Not authorized (reason code 135)", v.evidence


HELP_PAGES = [
    ("check",),
    ("doctor",),
    ("diagnose",),
    ("export", "site"),
    ("export", "mtail"),
    ("export", "alerts"),
    ("serve", "metrics"),
    (),
]


@pytest.mark.parametrize("command", HELP_PAGES, ids=lambda c: " ".join(c) or "kb")
def test_help_prose_fits_80_columns(command: tuple[str, ...]) -> None:
    """`kb check --help` (and doctor, diagnose, export *, serve metrics) printed its description
    as one line of 150-600 characters in an 80-column terminal. Examples (indented command lines)
    are kept as written, so they can be copied."""
    r = run_kb(*command, "--help", env={"COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    prose = [line for line in r.stdout.splitlines() if len(line) > 80 and not line.startswith("  ")]
    assert prose == []
    if command == ("doctor",):  # the examples keep their lines
        assert "\n  kb doctor --json\n" in r.stdout


def test_check_echoes_set_values_as_they_were_typed(tmp_path: Path) -> None:
    """`--set tls=true` was echoed as `[--set tls=True]` (Python's spelling), `--set
    exit_codes=[0,1]` as `[0, 1]` is fine, but a bool must read as typed: true/false."""
    (closed,) = free_ports(1)
    root = _kb_with_checks(
        tmp_path,
        f"  - {{id: c, kind: mqtt.connect, title: Broker, params: {{port: {closed}}}}}\n",
    )
    r = run_kb("--kb", str(root), "check", "qa30-probe", "--set", "tls=true")
    assert r.returncode == 3, r.stderr
    assert "[--set tls=true]" in r.stdout, r.stdout


def test_a_user_name_from_username_env_masks_words_not_parts_of_words(monkeypatch) -> None:
    """With username_env naming a variable that holds `app`, `kb check … --json` titled the check
    "The <redacted>lication's own (non-guest) user can log in": the user name was masked inside
    every word that contains it. A user name is masked where it stands as a word; a password
    stays masked wherever it appears."""
    from kb.checks import present
    from kb.checks.context import RunContext

    (closed,) = free_ports(1)
    monkeypatch.setenv("QA30_USER", "app")
    monkeypatch.setenv("QA30_PASS", "hunter2x")
    spec_params = {"port": closed, "username_env": "QA30_USER", "password_env": "QA30_PASS"}
    from kb.checks.runner import run_check
    from kb.model import CheckSpec, Entry

    entry = Entry(id="qa30", kind="incident", title="T", summary="", body="", path="x")
    title = "The application's own user can log in (app)"
    r = run_check(entry, CheckSpec("c", "amqp.connect", title, spec_params))
    assert r.status == "error" and r.title == "The application's own user can log in (<redacted>)"

    ctx = RunContext(1.0)
    assert ctx.credential("QA30_USER", user=True) == "app"
    assert ctx.credential("QA30_PASS") == "hunter2x"
    text = "user app of the application, password hunter2x, xhunter2xx, 用户app被拒绝"
    assert present.line(text, ctx.secrets) == (
        "user <redacted> of the application, password <redacted>, x<redacted>x,"
        " 用户<redacted>被拒绝"
    )
    # a password equal to the user name is a password: masked wherever it appears
    monkeypatch.setenv("QA30_PASS", "app")
    ctx = RunContext(1.0)
    ctx.credential("QA30_USER", user=True)
    ctx.credential("QA30_PASS")
    assert present.line("the application", ctx.secrets) == "the <redacted>lication"


@pytest.mark.parametrize("kind", ["mqtt.connect", "amqp.connect", "net.tcp"])
@pytest.mark.parametrize("host", ["[::1]", "::1"])
def test_an_ipv6_broker_address_is_used_and_shown_in_brackets(kind: str, host: str) -> None:
    """`--set host=[::1]` passed validation (an IP literal in brackets, as in a URL) and then
    failed with "cannot reach [::1]:1883: Name or service not known"; `--set host=::1` was shown
    as "::1:1883", which reads as host ::1:1883 with no port."""
    with socket.socket(socket.AF_INET6) as held:
        held.bind(("::1", 0))  # bound, not listening: refused
        port = held.getsockname()[1]
        r = _run(kind, {"host": host, "port": port, "timeout": 2})
    assert "Name or service not known" not in r.summary, r.summary
    assert f"[::1]:{port}" in r.summary and "refused" in r.summary.lower(), r.summary


def test_every_doctor_finding_kind_is_documented() -> None:
    """`kb doctor --json` reports `kind: paused` for a paused container, but docs/checks.md's list
    of finding kinds (the JSON contract scripts read) did not name it."""
    import re

    from kb.checks.doctor import SPECIFICITY

    text = (REPO / "docs" / "checks.md").read_text()
    start = text.index("`kind` says what made a finding:")
    listed = set(re.findall(r"`([a-z-]+)`", text[start : start + 600]))
    assert set(SPECIFICITY) - listed == set()


@pytest.mark.parametrize(
    "value",
    ["9" * 5000, "[" * 5000 + "]" * 5000],
    ids=["5000-digit-number", "nested-5000-deep"],
)
def test_an_unreadable_set_value_is_a_usage_error(value: str) -> None:
    """`--set port=<5000 digits>` ended in "internal error: ValueError: Exceeds the limit (4300
    digits) for integer string conversion", `--set exit_codes=[[[…]]]` in "internal error:
    RecursionError" (exit 70, "a bug in kb"): what the user typed is the problem, exit 2."""
    r = run_kb("check", "docker-container-oom-triage", "--set", f"exit_codes={value}")
    assert r.returncode == 2, r.stderr
    assert "internal error" not in r.stderr and r.stderr.startswith("kb: check: --set exit_codes")
    assert len(r.stderr) < 400, r.stderr


@pytest.fixture
def self_signed_tls_port(tmp_path: Path) -> Iterator[int]:
    """A loopback TLS listener whose certificate (CN=localhost) no public CA signed."""
    import ssl

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def handshake(conn: socket.socket) -> None:
        conn.settimeout(2)  # a client that never speaks must not keep the thread past the test
        try:
            context.wrap_socket(conn, server_side=True).close()
        except OSError:
            conn.close()

    with loopback_server(handshake) as port:
        yield port


@pytest.mark.parametrize("kind", ["mqtt.connect", "http.get"])
def test_a_private_ca_is_met_with_the_way_to_trust_it(kind: str, self_signed_tls_port: int) -> None:
    """A broker with a certificate from a private CA (most MQTT TLS set-ups) ended in
    "[SSL: CERTIFICATE_VERIFY_FAILED] … self-signed certificate" and nothing more: no check takes
    a CA file, and nothing said that kb trusts the one SSL_CERT_FILE names."""
    port = self_signed_tls_port
    params = (
        {"host": "localhost", "port": port, "tls": True}
        if kind == "mqtt.connect"
        else {"url": f"https://localhost:{port}/"}
    )
    r = _run(kind, params)
    assert r.status == "error" and "CERTIFICATE_VERIFY_FAILED" in r.summary, r.summary
    assert "SSL_CERT_FILE=" in r.summary, r.summary


OCI_ENTRY = "docker-oci-executable-not-found"


@pytest.mark.parametrize(
    ("line", "points_at_oci"),
    [
        # what the entry is about: a container (or an exec in one) whose program is missing
        (
            "docker: Error response from daemon: failed to create shim task: OCI runtime create"
            ' failed: runc create failed: unable to start container process: exec: "nosuchcmd":'
            " executable file not found in $PATH: unknown.",
            True,
        ),
        (
            "docker: Error response from daemon: OCI runtime create failed: container_linux.go:348:"
            ' starting container process caused "exec: \\"foo\\": executable file not found in'
            ' $PATH": unknown.',
            True,
        ),
        (
            'level=error msg="Error running exec 1f96 in container: OCI runtime exec failed: exec'
            ' failed: unable to start container process: exec: \\"vmq-admin\\": executable file'
            ' not found in $PATH: unknown"',
            True,
        ),
        # dockerd's own start-up on every host without aufs (seen in this host's dockerd log)
        (
            'time="2026-12-05T08:55:44.223791967Z" level=info msg="skip loading plugin'
            ' \\"io.containerd.snapshotter.v1.aufs\\"..." error="aufs is not supported (modprobe'
            ' aufs failed: exec: \\"modprobe\\": executable file not found in $PATH \\"\\"): skip'
            ' plugin" type=io.containerd.snapshotter.v1',
            False,
        ),
        # docker login/pull with a credential helper that is not installed: its own entry
        (
            'error getting credentials - err: exec: "docker-credential-desktop": executable file'
            " not found in $PATH, out: ``",
            False,
        ),
    ],
    ids=["docker-run", "docker-18-run", "dockerd-exec", "containerd-aufs-skip", "cred-helper"],
)
def test_the_oci_entry_claims_container_starts_only(kb_bundled, line: str, points_at_oci: bool):
    """`kb diagnose /var/log/dockerd.log` named "Container will not start: OCI runtime create
    failed …" for containerd's harmless start-up line about modprobe, and a missing
    docker-credential-desktop got it beside its own entry: the signature matched Go's
    `exec: "X": executable file not found` wherever any program printed it."""
    from kb.signatures import SignatureSet

    hits = SignatureSet.from_entries(kb_bundled.entries.values()).scan_text(line + "\n")
    assert (OCI_ENTRY in hits) is points_at_oci, sorted(hits)


@pytest.fixture(scope="module")
def kb_bundled():
    from kb.loader import load_kb
    from kb.paths import bundled_kb

    return load_kb([bundled_kb()])


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "Infinity"])
def test_a_set_value_that_is_no_finite_number_gets_no_quotes_advice(value: str) -> None:
    """`kb check ID --set timeout=nan` said "got str 'nan'; write it without quotes": nothing was
    quoted, and unquoted it is still no timeout (Python's float() reads it, YAML does not)."""
    from kb.checks import registry

    problems = registry.validate_params("mqtt.connect", {"timeout": value})
    assert len(problems) == 1 and "'timeout' must be a number" in problems[0], problems
    assert "without quotes" not in problems[0], problems


def test_kb_lang_zh_doctor_says_an_unscanned_host_in_chinese(tmp_path: Path) -> None:
    """`kb --lang zh doctor --host unix:///nowhere` said "错误  -  cannot scan unix:///nowhere: no
    Docker daemon at …" — the one finding that says the scan is no all-clear stayed English while
    the rest of the report was Chinese. The host and the daemon's own words stay verbatim."""
    from kb.checks.doctor import run_doctor
    from kb.loader import load_kb

    kbase = load_kb([])
    sock = tmp_path / "nowhere.sock"
    report = run_doctor(kbase, hosts=[f"unix://{sock}"], timeout=5, lang="zh")
    (finding,) = report.findings
    assert finding.kind == "host" and finding.status == "error"
    assert finding.summary == (
        f"无法扫描 unix://{sock}：unix://{sock} 上没有 Docker 守护进程：套接字不存在（dockerd 在运行吗？）"
    ), finding.summary
    report = run_doctor(kbase, hosts=[f"unix://{sock}"], timeout=5)
    assert report.findings[0].summary.startswith(f"cannot scan unix://{sock}: no Docker daemon")


@pytest.fixture
def json_http_port() -> Iterator[int]:
    """An HTTP server that is no Docker daemon: every GET gets 404 with RabbitMQ's JSON error body
    (what `--set host=tcp://127.0.0.1:15672` meets), /v1.41/info a 500 with another JSON body."""
    import http.server
    import json as jsonlib

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            status = 500 if self.path.endswith("/info") else 404
            body = jsonlib.dumps({"error": "Object Not Found", "reason": "Not Found"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("docker.container", {"container": "x"}),
        ("docker.info", {"field": "Driver", "present": True}),
    ],
)
def test_a_json_http_server_is_no_docker_daemon(json_http_port: int, kind: str, params: dict):
    """`kb check docker-container-oom-triage --set host=tcp://127.0.0.1:15672` (RabbitMQ's
    management port: JSON errors without Docker's `message`) said "KeyError: 'message'" for every
    check: docker-py's error translation crashed before kb could say what the endpoint is."""
    r = _run(kind, {**params, "host": f"tcp://127.0.0.1:{json_http_port}", "timeout": 3})
    assert r.status == "error"
    assert "KeyError" not in r.summary, r.summary
    assert f"tcp://127.0.0.1:{json_http_port} is not a Docker daemon" in r.summary, r.summary


def test_a_port_that_hangs_up_is_no_docker_daemon(closing_port: int) -> None:
    """`--set host=tcp://127.0.0.1:1883` (Mosquitto) said "cannot reach the Docker daemon at …:
    ('Connection aborted.', RemoteDisconnected('Remote end closed connection without
    response'))": Python's tuple, and a daemon that is not there."""
    r = _run("docker.container", {"container": "x", "host": f"tcp://127.0.0.1:{closing_port}"})
    assert r.status == "error"
    assert "Connection aborted" not in r.summary and "RemoteDisconnected" not in r.summary
    assert r.summary.startswith(
        f"tcp://127.0.0.1:{closing_port} closed the connection without an HTTP answer"
    ), r.summary


def test_a_docker_credential_helpers_name_is_no_secret_holder() -> None:
    """`kb diagnose` showed the credential-helper entry's own key line as `exec:
    "docker-credential-desktop": <redacted> file not found`: the helper's program name reads as a
    secret-named key, so the word after it was masked. A value after such a name is still masked
    where the name is a real key (`credential: …`)."""
    from kb.redact import redact

    line = (
        'error getting credentials - err: exec: "docker-credential-desktop": executable file not'
        " found in $PATH, out: ``"
    )
    assert redact(line) == line
    assert redact("docker-credential-osxkeychain: executable file not found") == (
        "docker-credential-osxkeychain: executable file not found"
    )
    assert redact("credential: hunter2x") == "credential: <redacted>"
    assert redact("docker-credential-x: password=hunter2x") == (
        "docker-credential-x: password=<redacted>"
    )
    assert redact('"my-credential": "hunter2x"') == '"my-credential": "<redacted>"'


@pytest.fixture
def refusing_broker() -> Iterator[int]:
    """A loopback "broker" that answers every CONNECT with CONNACK return code 5 (not
    authorised), as Mosquitto with `allow_anonymous false` does."""

    def refuse(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            try:
                conn.recv(1024)  # the CONNECT
                conn.sendall(b"\x20\x02\x00\x05")
                conn.recv(1024)  # until the client hangs up
            except OSError:
                pass

    with loopback_server(refuse) as port:
        yield port


@pytest.mark.parametrize("kind", ["mqtt.sys", "mqtt.roundtrip", "mqtt.idle"])
def test_a_refused_mqtt_login_says_which_parameters_to_set(kind: str, refusing_broker: int):
    """`kb check emqx-shared-subscription-message-loss --set port=1884` (a broker that needs a
    login) said "127.0.0.1:1884 refused the connection: Not authorized" and nothing more, where
    mqtt.connect says to set username_env/password_env."""
    r = _run(kind, {"port": refusing_broker, "timeout": 3})
    assert r.status == "error", r
    assert r.summary == f"127.0.0.1:{refusing_broker} refused the connection: Not authorized"
    assert r.next is not None and r.next.params == ("username_env", "password_env"), r.next
    assert r.next.advice and "username_env" in r.next.advice
    assert r.next.advice_zh and "username_env" in r.next.advice_zh


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("tcp://ops:hunter2x@127.0.0.1:2375", "holds a user and password"),
        ("ssh://ops:hunter2x@127.0.0.1", "holds a password"),
        ("tcp://127.0.0.1", "has no port"),
    ],
)
def test_doctor_host_urls_obey_the_rule_check_set_host_obeys(url: str, why: str) -> None:
    """`kb check … --set host=tcp://ops:pw@h:2375` is refused (exit 2, "holds a user and
    password"), but `kb doctor --host` (and `kb serve metrics --host`) took the same URL, scanned,
    and reported "cannot use Docker endpoint …: Invalid bind address format", exit 3: one rule,
    kb.checks.targets.docker_url_problem, for both."""
    r = run_kb("doctor", "--host", url)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert why in r.stderr and "hunter2x" not in r.stderr, r.stderr
    assert r.stdout == ""


def test_lint_refuses_a_file_that_is_no_entry_file(tmp_path: Path) -> None:
    """`kb lint my-entry.md.bak` (or a .yaml, or /etc/passwd) said "0 entries checked: 0 errors,
    0 warnings" and exited 0: a CI job linting a mistyped file passed on nothing. `--kb` refuses
    such a path; lint does too now (exit 2)."""
    bad = tmp_path / "my-entry.md.bak"
    bad.write_text(entry_text("my-entry"))
    r = run_kb("lint", str(bad))
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "not a folder or .md file" in r.stderr and r.stdout == ""
    good = tmp_path / "my-entry.md"
    good.write_text(entry_text("my-entry"))
    r = run_kb("lint", str(good))
    assert r.returncode == 0 and "1 entry checked" in r.stdout, (r.stdout, r.stderr)


def test_export_mtail_dash_prints_the_program_as_export_alerts_dash_does(tmp_path: Path) -> None:
    """`kb export alerts - …` prints the rules; `kb export mtail -` made a folder named "-" in
    the current directory and wrote "kb: wrote -/kbtui.mtail"."""
    r = run_kb("export", "mtail", "-", cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "-").exists()
    assert "kb_signature_matches_total" in r.stdout and "wrote" not in r.stderr
    r = run_kb("export", "site", "-", "--no-search", cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and not (tmp_path / "-").exists(), r.stderr


@pytest.fixture
def watched_silent_port() -> Iterator[tuple[int, threading.Event]]:
    """A port that accepts and never answers, and an event set once something connected."""
    seen = threading.Event()
    with _silent(seen) as port:
        yield port, seen


@pytest.mark.parametrize("json_out", [True, False], ids=["json", "text"])
def test_ctrl_c_in_kb_check_keeps_what_already_ran(
    tmp_path: Path, watched_silent_port: tuple[int, threading.Event], json_out: bool
) -> None:
    """Ctrl-C during `kb check --all --json --junit x.xml` printed nothing on stdout and wrote no
    JUnit file: every check that had already run was lost (kb doctor prints what it found so
    far, with `interrupted: true`). Now the same: what ran, `interrupted`, exit 130."""
    import signal
    import time

    port, seen = watched_silent_port
    (closed,) = free_ports(1)
    root = _kb_with_checks(
        tmp_path,
        f"  - {{id: refused, kind: net.tcp, title: Port open, params: {{port: {closed}}}}}\n"
        "  - id: hung\n    kind: mqtt.connect\n    title: Broker answers\n"
        f"    params: {{port: {port}, timeout: 25}}\n",
    )
    junit = tmp_path / "checks.xml"
    args = [*KB, "--kb", str(root), "check", "qa30-probe", "--junit", str(junit)]
    proc = subprocess.Popen(
        [*args, "--json"] if json_out else args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert seen.wait(60), "the second check never started"
    time.sleep(0.3)
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - start < 5
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    xml = junit.read_text()
    assert 'tests="1"' in xml and 'failures="1"' in xml, xml
    if json_out:
        import json

        data = json.loads(out)
        assert data["interrupted"] is True and data["status"] == "fail"
        assert [r["check"] for r in data["results"]] == ["refused"]
    else:
        assert b"Port open" in out and b"interrupted" in err


def test_mqtt_tls_to_a_plain_port_says_so(closing_port: int) -> None:
    """`--set tls=true` against Mosquitto's plain 1883 said "cannot reach 127.0.0.1:1883:
    Connection reset by peer": the broker is there, it just does not speak TLS on that port."""
    r = _run("mqtt.connect", {"port": closing_port, "tls": True, "timeout": 3})
    assert r.status == "error"
    assert "not a TLS port" in r.summary, r.summary


def test_a_runaway_host_is_refused_in_one_short_line() -> None:
    """QA: a 20 000-character --host (a paste gone wrong) was echoed in full, five times for
    `kb doctor` (100 KB on stderr) and twice for `kb check --set host=`; a host name longer than a
    DNS name can be is refused, and the error quotes the URL clipped."""
    url = "tcp://" + "a" * 20000 + ":2375"
    for argv in (
        ["doctor", "--host", url],
        ["check", "docker-daemon-not-running", "--set", f"host={url}"],
    ):
        r = run_kb(*argv)
        assert r.returncode == 2, r.stderr[:300]
        assert "20000 characters (at most 253)" in r.stderr, r.stderr[:300]
        assert len(r.stderr) < 400 and r.stderr.count("\n") == 1, r.stderr[:300]

"""Remote Docker endpoints without a daemon: TLS settings, ssh:// parsing, `--set host` vs Docker."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.checks import dockerclient
from kb.checks.context import RunContext
from kb.checks.sshtunnel import SSHError, SSHTunnel


def test_tls_from_the_standard_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    tls = dockerclient.tls_for("tcp://10.9.9.9:2376")
    assert tls == dockerclient.TLSFiles(
        str(tmp_path / "ca.pem"), str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"), True
    )
    assert dockerclient.tls_for("unix:///var/run/docker.sock") is None
    assert dockerclient.tls_for("ssh://ops@h") is None
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "")  # empty means off, as for the Docker CLI
    assert dockerclient.tls_for("tcp://10.9.9.9:2376").verify is False  # type: ignore[union-attr]
    monkeypatch.delenv("DOCKER_TLS_VERIFY")
    monkeypatch.delenv("DOCKER_CERT_PATH")
    assert dockerclient.tls_for("tcp://10.9.9.9:2376") is None


def test_registered_tls_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    mine = dockerclient.TLSFiles("/c/ca.pem", "/c/cert.pem", "/c/key.pem")
    dockerclient.register_tls("tcp://10.8.8.8:2376", mine)
    assert dockerclient.tls_for("tcp://10.8.8.8:2376") is mine


def test_ssh_url_forms() -> None:
    t = SSHTunnel("ssh://ops@prod-1:2222")
    assert (t.user, t.host, t.port, t.remote_socket) == (
        "ops",
        "prod-1",
        2222,
        "/var/run/docker.sock",
    )
    argv = t._argv("/tmp/x.sock", 5)
    assert (
        argv[-2:] == ["--", "prod-1"]
        and "-L" in argv
        and "/tmp/x.sock:/var/run/docker.sock" in argv
    )
    assert ["-p", "2222"] == argv[argv.index("-p") : argv.index("-p") + 2]
    assert (
        SSHTunnel("ssh://h/run/user/1000/docker.sock").remote_socket == "/run/user/1000/docker.sock"
    )
    with pytest.raises(SSHError):
        SSHTunnel("tcp://h:2375")


def test_missing_ssh_client_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SSHError, match="OpenSSH client"):
        SSHTunnel("ssh://ops@prod-1").open(1)


def test_set_host_to_a_broker_address_leaves_the_docker_endpoint_alone() -> None:
    ctx = RunContext(1.0, default_docker_host="unix:///tmp/kbtui-none.sock")
    assert ctx.docker("10.0.0.5").endpoint == "unix:///tmp/kbtui-none.sock"
    assert ctx.docker("tcp://10.0.0.5:2376").endpoint == "tcp://10.0.0.5:2376"
    named = RunContext(1.0, docker_hosts={"prod": "ssh://ops@prod-1"})
    assert named.docker("prod").endpoint == "ssh://ops@prod-1"


class _Answer:
    def __init__(self, message: str) -> None:
        self.message = message

    def json(self) -> dict[str, str]:
        return {"message": self.message}


def test_the_client_follows_the_api_bound_a_daemon_names() -> None:
    """moby's version middleware refuses an API outside its range with a 400 that names the
    bound (docker-v29.0.0 daemon/server/middleware/version.go); the pinned 1.41 moves to it."""
    demanded = dockerclient._version_demanded
    old = "client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"
    new = "client version 1.41 is too new. Maximum supported API version is 1.40"
    assert demanded(_Answer(old), "1.41") == "1.44"
    assert demanded(_Answer(new), "1.41") == "1.40"
    # a bound docker-py cannot speak, a bound on the wrong side, another 400: left as they are
    assert demanded(_Answer(new.replace("1.40", "1.12")), "1.41") is None
    assert demanded(_Answer(old.replace("1.44", "1.30")), "1.41") is None
    assert demanded(_Answer("invalid reference format"), "1.41") is None


def test_an_unverified_tls_daemon_says_the_cert_folder_lacks_ca_pem(tmp_path, monkeypatch):
    """QA: with DOCKER_CERT_PATH set to a folder without ca.pem the advice was "set
    DOCKER_CERT_PATH (ca.pem)", though it was set."""
    import ssl

    from kb.checks.dockerclient import ReadOnlyDocker

    client = ReadOnlyDocker.__new__(ReadOnlyDocker)
    client.endpoint = "tcp://10.0.0.9:2376"
    client._tunnel = None
    exc = ssl.SSLCertVerificationError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    assert f"DOCKER_CERT_PATH={tmp_path} holds no ca.pem" in client._explain(exc)
    (tmp_path / "ca.pem").write_text("x")
    assert "set DOCKER_CERT_PATH (ca.pem)" in client._explain(exc)

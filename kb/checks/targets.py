"""The Docker-hosts and brokers part of the user config, and how a target fills check parameters.

```yaml
docker_hosts:                 # default: DOCKER_HOST, then the current context, then the local socket
  - name: prod
    url: ssh://ops@prod-1     # unix://, tcp://, ssh:// (one ssh connection per host per scan)
  - name: staging
    context: staging          # a Docker context name (its TLS material is used)
  - name: edge
    url: tcp://10.0.0.9:2376  # TLS: ca/cert/key here, else DOCKER_TLS_VERIFY/DOCKER_CERT_PATH
    ca: /etc/kbtui/edge/ca.pem
    cert: /etc/kbtui/edge/cert.pem
    key: /etc/kbtui/edge/key.pem
brokers:
  - name: emqx-prod
    kind: emqx                # emqx | vernemq | mosquitto | rabbitmq
    host: 10.0.0.5
    ports: {mqtt: 1883, amqp: 5672, http: 18083}
    api_url: http://10.0.0.5:18083
    username_env: EMQX_USER   # names of environment variables; values are never stored here
    password_env: EMQX_PASS
    docker_host: prod         # where its container runs (for docker.* checks)
    container: emqx
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

BROKER_KINDS = ("emqx", "vernemq", "mosquitto", "rabbitmq")


@dataclass(frozen=True)
class DockerHost:
    name: str
    url: str | None = None  # None: resolve DOCKER_HOST / context / socket at use


@dataclass(frozen=True)
class Broker:
    name: str
    kind: str
    host: str = "127.0.0.1"
    ports: dict[str, int] = field(default_factory=dict)
    api_url: str | None = None
    username_env: str | None = None
    password_env: str | None = None
    docker_host: str | None = None
    container: str | None = None


# what a check can be pointed at: `kb check --target NAME`, the TUI's target picker
Target = DockerHost | Broker


@dataclass
class Targets:
    docker_hosts: list[DockerHost] = field(default_factory=list)
    brokers: list[Broker] = field(default_factory=list)

    def broker(self, name: str) -> Broker | None:
        return next((b for b in self.brokers if b.name == name), None)

    def docker_host(self, name: str) -> DockerHost | None:
        return next((h for h in self.docker_hosts if h.name == name), None)

    def docker_urls(self) -> dict[str, str]:
        return {h.name: h.url for h in self.docker_hosts if h.url}

    def names(self) -> list[str]:
        return [b.name for b in self.brokers] + [h.name for h in self.docker_hosts]

    def find(self, name: str) -> Target | None:
        """The broker or Docker host called `name` (brokers first, as `kb check --target`)."""
        return self.broker(name) or self.docker_host(name)


def _context_host(name: str) -> str | None:
    """A Docker context's endpoint (its TLS material registered for the Docker client)."""
    from kb.checks.dockerclient import context_endpoint

    return context_endpoint(name)


def parse(config: dict[str, Any]) -> tuple[Targets, list[str]]:
    """Targets from a loaded config dict, plus problems (one line each) with what to fix."""
    problems: list[str] = []
    out = Targets()
    for i, raw in enumerate(config.get("docker_hosts") or []):
        if not isinstance(raw, dict) or not raw.get("name"):
            problems.append(f"docker_hosts[{i}]: needs a `name`")
            continue
        url = raw.get("url")
        if raw.get("context"):
            url = _context_host(str(raw["context"]))
            if url is None:
                problems.append(f"docker_hosts[{i}]: no Docker context named {raw['context']!r}")
                continue
        tls_keys = [k for k in ("ca", "cert", "key", "tls_verify") if k in raw]
        if tls_keys and url:
            from kb.checks.dockerclient import TLSFiles, register_tls

            paths = {k: str(raw[k]) for k in ("ca", "cert", "key") if raw.get(k)}
            missing = [f"{k}: {v}" for k, v in paths.items() if not os.path.isfile(v)]
            if missing:
                problems.append(f"docker_hosts[{i}]: no such file ({', '.join(missing)})")
                continue
            if ("cert" in paths) != ("key" in paths):
                problems.append(f"docker_hosts[{i}]: `cert` and `key` go together")
                continue
            register_tls(
                str(url),
                TLSFiles(
                    ca=paths.get("ca"),
                    cert=paths.get("cert"),
                    key=paths.get("key"),
                    verify=bool(raw.get("tls_verify", True)),
                ),
            )
        out.docker_hosts.append(DockerHost(str(raw["name"]), str(url) if url else None))
    for i, raw in enumerate(config.get("brokers") or []):
        if not isinstance(raw, dict) or not raw.get("name"):
            problems.append(f"brokers[{i}]: needs a `name`")
            continue
        kind = str(raw.get("kind", "")).lower()
        if kind not in BROKER_KINDS:
            problems.append(
                f"brokers[{i}] ({raw['name']}): kind must be one of {', '.join(BROKER_KINDS)}"
            )
            continue
        ports = raw.get("ports") or {}
        if not isinstance(ports, dict) or not all(isinstance(v, int) for v in ports.values()):
            problems.append(
                f"brokers[{i}] ({raw['name']}): ports must map mqtt/amqp/http to numbers"
            )
            ports = {}
        out.brokers.append(
            Broker(
                name=str(raw["name"]),
                kind=kind,
                host=str(raw.get("host", "127.0.0.1")),
                ports=dict(ports),
                api_url=raw.get("api_url"),
                username_env=raw.get("username_env"),
                password_env=raw.get("password_env"),
                docker_host=raw.get("docker_host"),
                container=raw.get("container"),
            )
        )
    return out, problems


def load() -> Targets:
    """Targets from the user config (kb.config.load_config refuses a config readable by others)."""
    try:
        from kb.config import load_config
    except ImportError:  # pragma: no cover - the lead's config module is part of the package
        return Targets()
    targets, _ = parse(load_config() or {})
    return targets


def params_for(kind_name: str, declared: set[str], target: Broker | DockerHost) -> dict[str, Any]:
    """The parameters `target` supplies to a check of `kind_name` (only ones the kind declares)."""
    out: dict[str, Any] = {}
    if isinstance(target, DockerHost):
        if kind_name.startswith("docker.") and "host" in declared:
            out["host"] = target.url or target.name
        return out
    if kind_name.startswith("docker."):
        if target.docker_host and "host" in declared:
            out["host"] = target.docker_host
        if target.container and "container" in declared:
            out["container"] = target.container
        return out
    if "host" in declared:
        out["host"] = target.host
    port_key = {"mqtt": "mqtt", "amqp": "amqp", "net": None}.get(kind_name.split(".")[0])
    if port_key and port_key in target.ports and "port" in declared:
        out["port"] = target.ports[port_key]
    if "url" in declared and target.api_url:
        out["url"] = target.api_url
    for key in ("username_env", "password_env"):
        value = getattr(target, key)
        if value and key in declared:
            out[key] = value
    return out

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

An item with a problem (an unknown key, a `url` that is not a Docker endpoint, a missing TLS file,
an unknown context or kind) is not used: `parse` reports it as `config.yaml:LINE: …` and keeps its
name in `Targets.unusable`, so `--target NAME` says why instead of running on the defaults (the
local daemon, 127.0.0.1).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# BROKER_KINDS, the kinds a broker target may name, are the products the broker probes speak
from kb.checks.brokers import BROKER_PRODUCTS as BROKER_KINDS
from kb.model import Problem
from kb.words import Words

# the keys each item may have: anything else is reported, and the item is not used (a typo such
# as `hostname:` for `host:` or `urll:` for `url:` would otherwise check the defaults: 127.0.0.1,
# the local Docker daemon)
HOST_KEYS = ("name", "url", "context", "ca", "cert", "key", "tls_verify")
BROKER_KEYS = (
    "name",
    "kind",
    "host",
    "ports",
    "api_url",
    "username_env",
    "password_env",
    "docker_host",
    "container",
)
# mqtt, amqp and http are used by the checks; the TLS and WebSocket ports may be listed too
PORT_KEYS = ("mqtt", "amqp", "http", "mqtts", "amqps", "https", "ws", "wss")
DOCKER_SCHEMES = ("unix", "tcp", "ssh", "npipe", "http", "https")
DOCKER_URL_FORMS = "tcp://HOST:PORT, ssh://USER@HOST, unix://PATH"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_USER_KEYS = ("username", "user", "login")


@dataclass(frozen=True)
class DockerHost:
    name: str
    url: str | None = None  # from the config always set (its url, or its context's endpoint)


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


@dataclass(frozen=True)
class Unusable:
    """A named item of the config that is not used, and why (so `--target NAME` can say so)."""

    name: str
    section: str  # docker_hosts | brokers
    problems: tuple[Problem, ...]

    def why(self) -> str:
        """`path:line: label: problem; problem; line N: problem` (one line), as kb's words."""
        first, *rest = self.problems
        said: str = where(first)
        for p in rest:  # each message starts with the item's label, said once above
            msg = _unlabelled(p.message)
            if p.line != first.line:
                msg = Words("line {line}: {problem}", line=p.line, problem=msg)
            said = Words("{a}; {b}", a=said, b=msg)
        return said


def _unlabelled(message: str) -> str:
    """An item's problem without its `label: ` (the `{label}: {problem}` of `_drop`)."""
    if isinstance(message, Words) and message.template == "{label}: {problem}":
        problem = message.fields["problem"]
        return problem if isinstance(problem, str) else str(problem)
    return message.split(": ", 1)[-1]


def where(problem: Problem) -> str:
    """`path:line: message` (no severity word): a problem quoted inside another message."""
    from kb.sanitize import one_line, path_text

    message = problem.message
    return Words(
        "{path}:{line}: {message}",
        path=path_text(problem.path),
        line=problem.line,
        message=message if isinstance(message, Words) else one_line(message),
    )


@dataclass
class Targets:
    docker_hosts: list[DockerHost] = field(default_factory=list)
    brokers: list[Broker] = field(default_factory=list)
    # every problem of the file (items with one are in `unusable`, not in the lists above)
    problems: list[Problem] = field(default_factory=list)
    unusable: list[Unusable] = field(default_factory=list)

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

    def unusable_named(self, name: str, section: str | None = None) -> Unusable | None:
        return next(
            (
                u
                for u in self.unusable
                if u.name == name and (section is None or u.section == section)
            ),
            None,
        )

    def unusable_named_in(self, section: str) -> list[Unusable]:
        return [u for u in self.unusable if u.section == section]

    def missing(self, name: str) -> Words:
        """Why `name` is no usable target: in the config but unusable (and why), or unknown."""
        bad = self.unusable_named(name)
        if bad is not None:
            return Words(
                "target {name!r} is in the config but unusable: {why}", name=name, why=bad.why()
            )
        known = ", ".join(self.names()) or Words("none configured")
        return Words(
            "no target named {name!r} in the config; known: {known}", name=name, known=known
        )


def _context_host(name: str) -> str | None:
    """A Docker context's endpoint (its TLS material registered for the Docker client)."""
    from kb.checks.dockerclient import context_endpoint

    return context_endpoint(name)


MAX_HOSTNAME = 253  # a DNS name's longest (RFC 1035): a longer "host" is a paste gone wrong
SHOWN_URL = 120  # an error quotes at most this much of a refused URL


def docker_url_problem(url: object) -> str | None:
    """Why `url` is not a Docker endpoint URL (unix://, tcp://, ssh:// …), or None when it is one.
    docker-py would take `10.0.0.9:2376` as tcp:// and kb as a context name or a broker address,
    so a config says which it means. A URL docker-py would refuse when the check runs (a tcp://
    endpoint without a port, credentials in the URL, a query) is refused here, with the fix."""
    text = str(url) if isinstance(url, str) else ""
    scheme, sep, rest = text.partition("://")
    scheme = scheme.lower()
    ok = bool(sep) and scheme in DOCKER_SCHEMES and rest and not re.search(r"\s", text)
    why: str = (
        Words("takes no query or fragment (?…, #…)") if ok and re.search(r"[?#]", rest) else ""
    )
    if ok and not why and scheme not in ("unix", "npipe"):
        try:
            parts = urlsplit(text)
            port = parts.port
            ok = bool(parts.hostname) and (port is None or 0 < port < 65536)
        except ValueError:  # a port that is no number, a bad IPv6 literal
            ok = False
        if ok and len(parts.hostname or "") > MAX_HOSTNAME:
            why = Words(
                "names a host of {n} characters (at most {max})",
                n=len(parts.hostname or ""),
                max=MAX_HOSTNAME,
            )
        elif ok:
            why = _docker_url_why(parts, scheme, port)
    if ok and not why:
        return None
    from kb.redact import redact_clip

    shown = redact_clip(str(url), SHOWN_URL)
    if why:
        return Words("{url!r} {why}", url=shown, why=why)
    hint: str = ""
    if re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", text):
        hint = Words("; write tcp://{url}", url=shown)
    return Words(
        "{url!r} is not a Docker endpoint ({forms}){hint}",
        url=shown,
        forms=DOCKER_URL_FORMS,
        hint=hint,
    )


def _docker_url_why(parts: Any, scheme: str, port: int | None) -> str:
    """What docker-py refuses in a URL that has a scheme and a host ("" when nothing)."""
    if parts.password is not None:
        # docker-py: "Invalid bind address format"; the value is never shown
        if scheme == "ssh":
            return Words(
                # (worded so that no "password: …" shape reaches the redactor, which would mask
                # the next word)
                "holds a password, but an ssh:// endpoint takes a user only "
                "(ssh://USER@HOST; kb logs in with your ssh keys, never a password)"
            )
        return Words(
            "holds a user and password, but a {scheme}:// Docker endpoint takes none in the URL "
            "(TLS certificates authenticate it: ca/cert/key)",
            scheme=scheme,
        )
    if parts.username is not None and scheme != "ssh":
        return Words(
            "holds a user name: a {scheme}:// Docker endpoint takes none in the URL "
            "(TLS certificates authenticate it: ca/cert/key)",
            scheme=scheme,
        )
    if scheme != "ssh" and port is None:
        host = parts.netloc.rsplit("@", 1)[-1]
        default = 2376 if scheme == "https" else 2375
        return Words(
            "has no port: Docker needs one ({scheme}://HOST:PORT; 2375, or 2376 with TLS); "
            "write {scheme}://{host}:{port}",
            scheme=scheme,
            host=host,
            port=default,
        )
    return ""


class _Reader:
    """Collects problems with the line each comes from."""

    def __init__(self, located: Any, path: str) -> None:
        self.located = located
        self.path = path
        self.problems: list[Problem] = []

    def line(self, keys: tuple[Any, ...]) -> int:
        return int(self.located.line(keys)) if self.located is not None else 1

    def problem(self, keys: tuple[Any, ...], message: str, severity: str = "error") -> Problem:
        p = Problem(self.path, self.line(keys), message, severity)  # type: ignore[arg-type]
        self.problems.append(p)
        return p


def _unknown_key(section: str, key: object, known: tuple[str, ...]) -> str:
    name = str(key)
    if name.lower() in _USER_KEYS:
        return Words(
            "{name!r} is not read: store the NAME of an environment variable that holds the "
            "user name in username_env (username_env: EMQX_USER)",
            name=name,
        )
    from kb.redact import is_secret_name

    if is_secret_name(name):
        return Words(
            "{name!r} is not read and must not hold a secret: store the NAME of an environment "
            "variable that holds it in password_env (password_env: EMQX_PASS)",
            name=name,
        )
    return Words("unknown key {name!r}; known: {known}", name=name, known=", ".join(known))


def _items(config: dict[str, Any], section: str, rd: _Reader) -> list[Any]:
    items = config.get(section)
    if items is None:
        return []
    if not isinstance(items, list):
        rd.problem(
            (section,), Words("{section} must be a list of items (- name: …)", section=section)
        )
        return []
    return items


def _host_problems(raw: dict[str, Any]) -> tuple[list[tuple[str, str]], str | None]:
    """(key, problem) pairs of one docker_hosts item, and its Docker URL when it has none."""
    out: list[tuple[str, str]] = []
    for key in raw:
        if key not in HOST_KEYS:
            out.append((key, _unknown_key("docker_hosts", key, HOST_KEYS)))
    url, context = raw.get("url"), raw.get("context")
    if context and not url:  # both: the url is used (as before)
        url = _context_host(str(context)) if isinstance(context, str) else None
        if url is None:
            out.append(
                (
                    "context",
                    Words(
                        "no Docker context named {name!r} (docker context ls)", name=str(context)
                    ),
                )
            )
    elif url:
        why = docker_url_problem(url)
        if why:
            out.append(("url", Words("url {why}", why=why)))
    # neither: the environment's own endpoint (DOCKER_HOST, the current context, the socket)
    if out:
        return out, None
    tls_keys = [k for k in ("ca", "cert", "key", "tls_verify") if k in raw]
    if [k for k in tls_keys if k != "tls_verify"] and not str(url).startswith(
        ("tcp://", "https://")
    ):
        out.append(
            (tls_keys[0], Words("{keys} apply to tcp:// endpoints only", keys="/".join(tls_keys)))
        )
    if "tls_verify" in raw and not isinstance(raw["tls_verify"], bool):
        out.append(("tls_verify", Words("tls_verify must be true or false")))
    paths = {k: str(raw[k]) for k in ("ca", "cert", "key") if raw.get(k)}
    missing = [f"{k}: {v}" for k, v in paths.items() if not os.path.isfile(v)]
    if missing:
        out.append((next(iter(paths)), Words("no such file ({files})", files=", ".join(missing))))
    if ("cert" in paths) != ("key" in paths):
        out.append(("cert" if "cert" in paths else "key", Words("`cert` and `key` go together")))
    if not out and tls_keys:
        from kb.checks.dockerclient import TLSFiles, register_tls

        register_tls(
            str(url),
            TLSFiles(
                ca=paths.get("ca"),
                cert=paths.get("cert"),
                key=paths.get("key"),
                verify=bool(raw.get("tls_verify", True)),
            ),
        )
    return out, str(url) if url else None


def _broker_problems(raw: dict[str, Any], hosts: Targets) -> list[tuple[str, str]]:
    """(key, problem) pairs of one brokers item; `hosts` holds the docker_hosts read before."""
    out: list[tuple[str, str]] = []
    for key in raw:
        if key not in BROKER_KEYS:
            out.append((key, _unknown_key("brokers", key, BROKER_KEYS)))
    if str(raw.get("kind", "")).lower() not in BROKER_KINDS:
        out.append(("kind", Words("kind must be one of {kinds}", kinds=", ".join(BROKER_KINDS))))
    host = raw.get("host", "127.0.0.1")
    if not isinstance(host, str) or not host or re.search(r"\s|/", host):
        out.append(("host", Words("host must be a host name or address (api_url takes a URL)")))
    ports = raw.get("ports") or {}
    if not isinstance(ports, dict):
        out.append(("ports", Words("ports must map mqtt/amqp/http to numbers")))
        ports = {}
    for key, value in ports.items():
        if key not in PORT_KEYS:
            out.append(
                (
                    "ports",
                    Words(
                        "unknown port {port!r}; known: {known}",
                        port=str(key),
                        known=", ".join(PORT_KEYS),
                    ),
                )
            )
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
            out.append(
                ("ports", Words("ports.{key} must be a port number from 1 to 65535", key=key))
            )
    api_url = raw.get("api_url")
    if api_url is not None and not re.match(r"^https?://\S+$", str(api_url)):
        out.append(("api_url", Words("api_url must start with http:// or https://")))
    for key in ("username_env", "password_env"):
        value = raw.get(key)
        if value is not None and not (isinstance(value, str) and _ENV_NAME.match(value)):
            # the value is not shown: it may be the secret itself
            out.append(
                (key, Words("{key} takes the NAME of an environment variable (EMQX_PASS)", key=key))
            )
    docker_host = raw.get("docker_host")
    if docker_host is not None:
        name = str(docker_host)
        bad = hosts.unusable_named(name, "docker_hosts")
        if hosts.docker_host(name) is not None:
            pass
        elif bad is not None:
            line = bad.problems[0].line
            out.append(
                (
                    "docker_host",
                    Words("docker_host {name!r} is unusable (line {line})", name=name, line=line),
                )
            )
        elif "://" in name and (why := docker_url_problem(name)) is not None:
            out.append(("docker_host", Words("docker_host {why}", why=why)))
        elif docker_url_problem(name) is not None and _context_host(name) is None:
            known = ", ".join(h.name for h in hosts.docker_hosts) or Words("none configured")
            out.append(
                (
                    "docker_host",
                    Words(
                        "docker_host {name!r} is neither a configured Docker host (known: "
                        "{known}), a Docker URL nor a Docker context",
                        name=name,
                        known=known,
                    ),
                )
            )
    container = raw.get("container")
    if container is not None and not isinstance(container, str):
        out.append(("container", Words("container must be a container name")))
    return out


def parse(
    config: dict[str, Any], located: Any = None, path: str = "config.yaml"
) -> tuple[Targets, list[Problem]]:
    """Targets from a loaded config dict, plus problems (one line each, with the line of the
    file when `located` (a `kb.safeyaml.Located`) says it) with what to fix.

    The one rule for what a config item must be: an item with a problem is left out (and listed
    in `Targets.unusable` under its name), never used with its defaults in place of what it says.
    """
    from kb.config import KEYS

    rd = _Reader(located, path)
    out = Targets()
    for key in config:
        if key not in KEYS:
            rd.problem(
                (key,),
                Words("unknown key {name!r}; known: {known}", name=str(key), known=", ".join(KEYS)),
                "warning",
            )
    seen: dict[str, int] = {}
    for i, raw in enumerate(_items(config, "docker_hosts", rd)):
        name = _name(raw, "docker_hosts", i, rd)
        if name is None:
            continue
        label = f"docker_hosts[{i}] ({name})"
        found, url = _host_problems(raw)
        found += _duplicate(name, seen, ("docker_hosts", i), rd)
        if found:
            _drop(out, rd, "docker_hosts", i, name, label, found)
            continue
        out.docker_hosts.append(DockerHost(name, url))
    seen = {}
    for i, raw in enumerate(_items(config, "brokers", rd)):
        name = _name(raw, "brokers", i, rd)
        if name is None:
            continue
        label = f"brokers[{i}] ({name})"
        found = _broker_problems(raw, out) + _duplicate(name, seen, ("brokers", i), rd)
        if found:
            _drop(out, rd, "brokers", i, name, label, found)
            continue
        docker_host = raw.get("docker_host")
        out.brokers.append(
            Broker(
                name=name,
                kind=str(raw["kind"]).lower(),
                host=str(raw.get("host", "127.0.0.1")),
                ports=dict(raw.get("ports") or {}),
                api_url=raw.get("api_url"),
                username_env=raw.get("username_env"),
                password_env=raw.get("password_env"),
                docker_host=str(docker_host) if docker_host is not None else None,
                container=raw.get("container"),
            )
        )
    out.problems = sorted(rd.problems, key=lambda p: p.line)
    return out, out.problems


def _name(raw: Any, section: str, i: int, rd: _Reader) -> str | None:
    if not isinstance(raw, dict):
        rd.problem(
            (section, i),
            Words("{section}[{i}]: must be a mapping (- name: …)", section=section, i=i),
        )
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        rd.problem((section, i), Words("{section}[{i}]: needs a `name`", section=section, i=i))
        return None
    return name


def _duplicate(
    name: str, seen: dict[str, int], keys: tuple[Any, ...], rd: _Reader
) -> list[tuple[str, str]]:
    if name in seen:
        return [
            (
                "name",
                Words(
                    "name {name!r} is used twice (first at line {line}); rename one",
                    name=name,
                    line=seen[name],
                ),
            )
        ]
    seen[name] = rd.line(keys)
    return []


def _drop(
    out: Targets,
    rd: _Reader,
    section: str,
    i: int,
    name: str,
    label: str,
    found: list[tuple[str, str]],
) -> None:
    problems = tuple(
        rd.problem((section, i, key), Words("{label}: {problem}", label=label, problem=msg))
        for key, msg in found
    )
    out.unusable.append(Unusable(name, section, problems))


def load() -> Targets:
    """Targets from the user config (kb.config.load_config refuses a config readable by others);
    `problems` and `unusable` say what in the file is not used and why, with its line."""
    from kb.config import load_located

    data, located, path = load_located()
    targets, _ = parse(data, located, str(path))
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

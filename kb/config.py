"""The user's settings file (`config.yaml` in the config dir): KB folders, Docker hosts, brokers.

The file may name credentials (environment-variable names, never values), so a file that group or
others can read is refused. It is parsed with the same hostile-input-safe YAML as entries.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from kb import paths
from kb.errors import UserError
from kb.words import Words

#: the settings a config.yaml may hold; anything else is reported (kb.checks.targets.parse)
KEYS = ("kb_paths", "docker_hosts", "brokers")


def check_private(path: Path) -> None:
    """Refuse a settings file that others can read or write (it may point at secrets)."""
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UserError(
            "{path}: readable by others (mode {mode:o}); run: chmod 600 {path}",
            path=str(path),
            mode=stat.S_IMODE(mode),
        )


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The parsed settings, or {} when there is no file."""
    return load_located(path)[0]


def load_located(path: Path | None = None) -> tuple[dict[str, Any], Any, Path]:
    """The parsed settings, where each value came from (a `kb.safeyaml.Located`, None when there
    is no file) and the file's path: problems in the file are reported as `path:line: …`."""
    path = path or paths.config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, None, path  # the common case: no YAML parser imported at all
    except OSError as exc:
        raise UserError(
            "{path}: cannot read ({why}); check its permissions",
            path=str(path),
            why=Words(exc.strerror or str(exc)),
        ) from None
    check_private(path)
    from kb.safeyaml import YamlError, parse

    try:
        located = parse(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError("{path}:1: not UTF-8 text; save it as UTF-8", path=str(path)) from None
    except YamlError as exc:
        # the parser's own words stay English (kb.safeyaml); the place is said as everywhere
        raise UserError(
            "{path}:{line}: {message}", path=str(path), line=exc.line, message=exc.message
        ) from None
    data = located.data
    if data is None:
        return {}, located, path
    if not isinstance(data, dict):
        raise UserError(
            "{path}:1: settings must be a YAML mapping (kb_paths: [...], ...)", path=str(path)
        )
    kb_paths = data.get("kb_paths", [])
    if not isinstance(kb_paths, list) or not all(isinstance(p, str) for p in kb_paths):
        line = located.line(("kb_paths",)) if "kb_paths" in data else 1
        raise UserError(
            "{path}:{line}: kb_paths must be a list of folder paths", path=str(path), line=line
        )
    for i, folder in enumerate(kb_paths):
        if not folder.strip():  # Path("") is the current folder: `kb list` from / read everything
            raise UserError(
                "{path}:{line}: kb_paths item {n} is empty; give a folder path (a relative one is"
                " read from this file's folder)",
                path=str(path),
                line=located.line(("kb_paths", i)),
                n=i + 1,
            )
    return data, located, path


def save_config(data: dict[str, Any], path: Path | None = None) -> Path:
    """Write settings atomically with mode 0600."""
    import yaml

    path = path or paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        yaml.safe_dump(data, fh, allow_unicode=True, sort_keys=False)
    os.replace(tmp, path)
    return path

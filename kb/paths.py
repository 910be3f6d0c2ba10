"""The one module that knows where files live.

Config, cache and data directories come from platformdirs, with one override: `KBTUI_HOME`, which
puts all three under one folder (tests and portable installs set it). Nothing else in kbtui builds
these paths by hand.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "kbtui"
HOME_ENV = "KBTUI_HOME"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "config"
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP))


def cache_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP))


def cache_override_hint() -> str:
    """The environment variable(s) that move the cache, for a message saying what to do when it
    cannot be written: KBTUI_HOME, and XDG_CACHE_HOME where platformdirs reads it (not macOS or
    Windows) and KBTUI_HOME does not override it."""
    import sys

    if _home() is not None or sys.platform in ("darwin", "win32"):
        return HOME_ENV
    return f"{HOME_ENV} or XDG_CACHE_HOME"


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP))


def config_file() -> Path:
    """The user's settings (`config.yaml`): KB folders, Docker hosts, brokers. Must be 0600."""
    return config_dir() / "config.yaml"


def index_root() -> Path:
    """Where search indexes live, one sub-folder per set of KB sources."""
    return cache_dir() / "index"


def bundled_kb() -> Path:
    """The knowledge base shipped inside the package."""
    return Path(__file__).resolve().parent / "entries"


def assets_dir() -> Path:
    """Schema, site templates and CSS (the top-level `assets/`, installed as `kbtui_assets`)."""
    import kbtui_assets

    return Path(kbtui_assets.__file__).resolve().parent


def user_templates_dir() -> Path:
    """Site templates here override the packaged ones, file by file."""
    return config_dir() / "templates"

"""Errors meant for users: one line, with file:line where there is one, saying what to do."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix. The CLI prints `kb: <message>` and exits 2 (no traceback)."""

    exit_code = 2

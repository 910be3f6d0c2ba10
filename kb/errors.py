"""Errors meant for users, and the exit codes of `kb` (one place: README and `kb --help` say the same).

A user error is one line, with file:line where there is one, saying what to do.
"""

from __future__ import annotations

from kb.words import Words

EXIT_OK = 0
"""Found / shown / every check passed (or was skipped)."""
EXIT_PROBLEM = 1
"""Nothing found, or a check failed or warned, or `kb lint` found errors, or doctor found problems."""
EXIT_USAGE = 2
"""Bad command line or bad input data (a config, an entry file): the message says what to fix."""
EXIT_COULD_NOT_RUN = 3
"""A check or a scan could not run: the Docker host, broker or endpoint did not answer."""
EXIT_INTERNAL = 70
"""A bug in kb itself (sysexits' EX_SOFTWARE): one line, `--debug` shows the traceback."""
EXIT_INTERRUPTED = 130
"""Ctrl-C."""

EXIT_CODES_HELP = (
    "Exit codes: 0 found / all checks pass; 1 nothing found / a check failed or warned / lint "
    "errors; 2 usage or data error; 3 a check could not run; 70 internal error (a bug: please "
    "report it with the --debug traceback); 130 interrupted."
)


class UserError(Exception):
    """A problem the user can fix. The CLI prints `kb: <message>` and exits 2 (no traceback).

    With `fields`, `message` is an English template (`"{path}: no such file or folder"`, the
    fields filled in by `str.format`): the CLI says it in the user's language from kb.i18n's
    table, with the user's values (the fields) as typed. A `kb.words.Words` message brings its
    own template and fields.
    """

    exit_code = EXIT_USAGE

    def __init__(self, message: str = "", /, **fields: object) -> None:
        if isinstance(message, Words) and not fields:  # a message kb handed back as Words
            fields = message.fields
            message = message.template
        super().__init__(message.format(**fields) if fields else message)
        self.template = message
        self.fields = fields

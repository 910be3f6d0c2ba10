"""A progress bar that appears only when work takes more than a moment, and only on a terminal.

Used as a `progress(done, total)` callback by the indexer, the site exporter and the doctor. Rich is
imported only once the bar is actually shown, so fast runs pay nothing.
"""

from __future__ import annotations

import sys
import time
from typing import Any


class LazyProgress:
    def __init__(self, description: str, *, delay: float = 0.4, force: bool | None = None) -> None:
        self.description = description
        self.delay = delay
        self.start = time.monotonic()
        self.enabled = sys.stderr.isatty() if force is None else force
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self.start < self.delay:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=total)
        self._progress.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

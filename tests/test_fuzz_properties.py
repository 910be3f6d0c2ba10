"""Property test over the loader: whatever bytes an entry file holds, the splitter and the safe YAML
layer raise only the project's own errors, the validator and `load_kb` never raise, within a time
and memory bound. (The longer, coverage-guided run is `scripts/fuzz SECONDS`.)"""

from __future__ import annotations

import resource
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests.fuzz_targets import check_bytes, entries

PEAK_RSS_MB = 1024


@settings(
    max_examples=250,
    deadline=timedelta(seconds=3),  # per input, load_kb on disk included
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=entries())
def test_any_entry_file_gives_problems_not_exceptions(data: bytes, tmp_path: Path) -> None:
    check_bytes(data, tmp_path / "kb")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < PEAK_RSS_MB * 1024


def test_known_crashers_are_in_the_strategy_fragments() -> None:
    # the four crash sites the first fuzzing found stay in what every run tries
    from tests.fuzz_targets import FRAGMENTS

    for frag in ("!!bool maybe", "!!timestamp x", '!!int ""', '!!float ""', "\x01", "\r"):
        assert frag in FRAGMENTS
        check_bytes(f"---\nid: fuzz-entry\nx: {frag}\n---\n".encode())

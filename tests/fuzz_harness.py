"""`scripts/fuzz SECONDS [--hypothesis]`: fuzz the loader, sanitiser and redactor for a while.

With atheris (coverage-guided, libFuzzer) when it is installed, else hypothesis in rounds. Every
unexpected exception is recorded (the run goes on): its input is saved under .fuzz/crashes/ and
.fuzz/report.txt lists each distinct failure (type and the innermost project frame) with a count.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".fuzz"
failures: dict[str, int] = {}
runs = [0]
#: when the atheris run ends (monotonic seconds): libFuzzer's own -max_total_time exits from C,
#: where Python's atexit handlers never run, so the report was left unwritten
deadline = [float("inf")]


def _where(exc: BaseException) -> str:
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if "/kb/" in f.filename or "/tests/" in f.filename
    ]
    f = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__} at {Path(f.filename).name}:{f.lineno} ({f.name})"


def _record(data: bytes, exc: BaseException) -> None:
    key = _where(exc)
    first = key not in failures
    failures[key] = failures.get(key, 0) + 1
    if first:
        (OUT / "crashes").mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(data).hexdigest()[:16]
        (OUT / "crashes" / name).write_bytes(data)
        print(f"fuzz: NEW {key}: {exc!r:.200} (input .fuzz/crashes/{name})", flush=True)
    _report()


def _report(done: bool = False) -> None:
    OUT.mkdir(exist_ok=True)
    lines = [f"runs: {runs[0]}", f"distinct unexpected exceptions: {len(failures)}"]
    lines += [f"{n:>8}  {k}" for k, n in sorted(failures.items(), key=lambda kv: -kv[1])]
    (OUT / "report.txt").write_text("\n".join(lines) + "\n")
    if done:
        print("\n".join(lines))


def one(data: bytes, folder: Path) -> None:
    from tests.fuzz_targets import check_bytes

    runs[0] += 1
    try:
        # in memory every time; through a real folder and load_kb every 8th input (disk is slow)
        check_bytes(data, folder if runs[0] % 8 == 0 else None)
    except Exception as exc:  # noqa: BLE001 - anything here is a finding
        _record(data, exc)
    if runs[0] % 5000 == 0:
        _report()
    if time.monotonic() >= deadline[0]:
        # libFuzzer would go on, and its exit skips Python's clean-up anyway: finish here
        _report(True)
        sys.stdout.flush()
        shutil.rmtree(folder.parent, ignore_errors=True)
        os._exit(1 if failures else 0)


def with_atheris(seconds: int, folder: Path) -> None:
    import atheris

    with atheris.instrument_imports():
        import kb.frontmatter  # noqa: F401
        import kb.loader  # noqa: F401
        import kb.redact  # noqa: F401
        import kb.safeyaml  # noqa: F401
        import kb.sanitize  # noqa: F401
        import kb.validate  # noqa: F401
    from tests.fuzz_targets import FRAGMENTS, bundled_seeds

    corpus = OUT / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for data in bundled_seeds():
        (corpus / hashlib.sha256(data).hexdigest()[:16]).write_bytes(data)
    dict_file = OUT / "yaml.dict"
    dict_file.write_text(
        "".join(
            '"' + "".join(f"\\x{b:02x}" for b in frag.encode("utf-8", "surrogatepass")) + '"\n'
            for frag in FRAGMENTS
        )
    )
    atheris.Setup(
        [
            sys.argv[0],
            str(corpus),
            "-max_len=100000",
            "-timeout=10",
            "-rss_limit_mb=2048",
            f"-dict={dict_file}",
            "-print_final_stats=1",
        ],
        lambda data: one(data, folder),
    )
    deadline[0] = time.monotonic() + seconds
    atheris.Fuzz()


def with_hypothesis(seconds: int, folder: Path) -> None:
    from hypothesis import HealthCheck, Phase, given, settings

    from tests.fuzz_targets import entries

    @settings(
        max_examples=2000,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(entries())
    def round_(data: bytes) -> None:
        one(data, folder)

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        round_()
    _report(True)


def main() -> int:
    if len(sys.argv) < 2 or not sys.argv[1].isdigit():
        print(__doc__)
        return 2
    seconds = int(sys.argv[1])
    use_hypothesis = "--hypothesis" in sys.argv[2:]
    OUT.mkdir(exist_ok=True)
    (OUT / "report.txt").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kbtui-fuzz-") as tmp:
        folder = Path(tmp) / "kb"
        if not use_hypothesis:
            try:
                import atheris  # noqa: F401
            except ImportError:
                use_hypothesis = True
        print(f"fuzz: {seconds} s with {'hypothesis' if use_hypothesis else 'atheris'}", flush=True)
        if use_hypothesis:
            with_hypothesis(seconds, folder)
        else:
            with_atheris(seconds, folder)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

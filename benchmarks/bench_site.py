"""Benchmark `kb export site` on a synthetic knowledge base (10 000 entries; aims: ≤ 60 s, ≤ 600 MB).

    python benchmarks/bench_site.py [--n 10000] [--out .bench/site] [--keep]

Generates the KB with benchmarks/synthetic.py (cached under .bench/), loads it, exports it with the
Pagefind index, and prints the time of each phase, the number of pages, the size of the output and
the peak memory (resident set) of this process and of the Pagefind binary it runs.
A measurement, not a test: nothing here fails on slowness.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--out", type=Path, default=HERE.parent / ".bench" / "site")
    ap.add_argument("--keep", action="store_true", help="keep the exported site")
    args = ap.parse_args(argv)

    from synthetic import generate

    from kb.loader import load_kb
    from kb.site.export import export_site

    kb_dir = HERE.parent / ".bench" / f"site-kb-{args.n}"
    if not kb_dir.is_dir():
        t = time.perf_counter()
        generate(kb_dir, args.n)
        print(f"generated {args.n} entries in {time.perf_counter() - t:.1f}s", file=sys.stderr)

    t0 = time.perf_counter()
    kbase = load_kb([kb_dir])
    t_load = time.perf_counter() - t0
    errors = [p for p in kbase.problems if p.severity == "error"]

    marks: dict[str, float] = {}

    def progress(done: int, total: int, what: str) -> None:
        marks.setdefault(what, time.perf_counter())
        marks[what + ":end"] = time.perf_counter()

    if args.out.exists():
        shutil.rmtree(args.out)
    t1 = time.perf_counter()
    report = export_site(kbase, args.out, progress=progress)
    t_export = time.perf_counter() - t1
    pages_end = marks.get("pages:end", t1)
    search_end = marks.get("search:end", t1)
    files = [f for f in args.out.rglob("*") if f.is_file()]
    size = sum(f.stat().st_size for f in files)
    bundle = sum(
        f.stat().st_size for d in args.out.glob("pagefind*") for f in d.rglob("*") if f.is_file()
    )
    print(f"entries loaded      {len(kbase.entries):>8}  ({len(errors)} load errors)")
    print(f"load                {t_load:>8.1f} s")
    # pages and the Pagefind index are built at the same time; each figure is from the start
    print(f"pages rendered at   {pages_end - t1:>8.1f} s  ({report.pages} pages)")
    print(f"index built at      {search_end - t1:>8.1f} s  ({report.search_records} records)")
    print(f"export total        {t_export:>8.1f} s  (target < 60 s)")
    print(
        f"output              {len(files):>8} files, {size / 1e6:.1f} MB (Pagefind {bundle / 1e6:.1f} MB)"
    )
    largest = max(files, key=lambda f: f.stat().st_size if f.suffix == ".html" else 0)
    print(
        f"largest page        {largest.stat().st_size / 1e3:>8.0f} KB  ({largest.relative_to(args.out)})"
    )
    # ru_maxrss is in KiB on Linux; children = the Pagefind binary
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory         {own:>8.0f} MB  (this process, KB load included; target <= 600 MB)")
    print(f"peak memory pagefind{child:>8.0f} MB  (the pagefind binary)")
    if not args.keep:
        shutil.rmtree(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

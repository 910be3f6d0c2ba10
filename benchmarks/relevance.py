"""Relevance on real users' queries: hit@1, hit@3, MRR per kind and the confidence figures.

    python benchmarks/relevance.py                 # dev and held-out sets, bundled KB
    python benchmarks/relevance.py --set heldout --misses
    python benchmarks/relevance.py --json
    python benchmarks/relevance.py --file new-batch.yaml   # a fresh batch, before it joins a set

The sets live in tests/relevance/ (real.yaml: development; real-heldout.yaml: held out, never
tuned on). Each query has a kind (log, en, zh) and the entry a senior engineer would want first,
or null when no entry answers it. Figures:

* hit@1 / hit@3 / MRR over answerable queries, per kind and overall;
* confident@1: share of right first answers that are marked confident;
* none-confident: share of unanswerable queries whose first result is marked confident
  (lower is better);
* precision of confident: share of confident first answers that are right.

Rows marked `expect: pending` (their entry is being written) are counted but left out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "dev": ROOT / "tests" / "relevance" / "real.yaml",
    "heldout": ROOT / "tests" / "relevance" / "real-heldout.yaml",
}
KINDS = ("log", "en", "zh")


@dataclass
class Row:
    q: str
    kind: str
    expect: str | None
    url: str


@dataclass
class Outcome:
    row: Row
    ranked: list[str]
    confident: bool

    @property
    def rank(self) -> int | None:
        if self.row.expect is None or self.row.expect not in self.ranked:
            return None
        return self.ranked.index(self.row.expect) + 1


@dataclass
class Figures:
    n: int = 0
    hit1: int = 0
    hit3: int = 0
    rr: float = 0.0
    right_confident: int = 0
    none_n: int = 0
    none_confident: int = 0
    confident_first: int = 0
    confident_right: int = 0
    pending: int = 0
    misses: list[Outcome] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def pct(a: int, b: int) -> float | None:
            return round(100.0 * a / b, 1) if b else None

        return {
            "answerable": self.n,
            "hit@1": pct(self.hit1, self.n),
            "hit@3": pct(self.hit3, self.n),
            "mrr": round(self.rr / self.n, 3) if self.n else None,
            "right_first_confident": pct(self.right_confident, self.hit1),
            "unanswerable": self.none_n,
            "unanswerable_confident": pct(self.none_confident, self.none_n),
            "confident_precision": pct(self.confident_right, self.confident_first),
            "pending": self.pending,
        }


def load(path: Path) -> tuple[list[Row], int]:
    import yaml

    rows: list[Row] = []
    pending = 0
    for r in yaml.safe_load(path.read_text(encoding="utf-8")):
        if r.get("expect") == "pending":
            pending += 1
            continue
        rows.append(Row(r["q"], r["kind"], r.get("expect"), r["url"]))
    return rows, pending


def run(idx: Any, rows: Sequence[Row]) -> list[Outcome]:
    out = []
    for row in rows:
        hits = idx.search(row.q, limit=10)
        out.append(
            Outcome(
                row, [h.id for h in hits], bool(hits) and bool(getattr(hits[0], "confident", False))
            )
        )
    return out


def figures(outcomes: Sequence[Outcome], kind: str | None = None) -> Figures:
    f = Figures()
    for o in outcomes:
        if kind is not None and o.row.kind != kind:
            continue
        first_right = o.rank == 1
        if o.confident:
            f.confident_first += 1
            f.confident_right += first_right
        if o.row.expect is None:
            f.none_n += 1
            f.none_confident += o.confident
            if o.confident:
                f.misses.append(o)
            continue
        f.n += 1
        r = o.rank
        f.hit1 += r == 1
        f.hit3 += r is not None and r <= 3
        f.rr += 1.0 / r if r else 0.0
        f.right_confident += first_right and o.confident
        if r != 1 or not o.confident:
            f.misses.append(o)
    return f


def evaluate(idx: Any, which: Sequence[str | Path]) -> dict[str, dict[str, Any]]:
    """Figures per set: a name of `SETS` or the path of another file in their format."""
    report: dict[str, dict[str, Any]] = {}
    for which_one in which:
        path = SETS[which_one] if isinstance(which_one, str) else which_one
        name = which_one if isinstance(which_one, str) else path.stem
        rows, pending = load(path)
        outcomes = run(idx, rows)
        per: dict[str, Any] = {}
        for kind in (*KINDS, None):
            f = figures(outcomes, kind)
            f.pending = pending if kind is None else 0
            per[kind or "all"] = f
        report[name] = per
    return report


def open_bundled() -> Any:
    from indexer import open_index
    from kb.paths import bundled_kb

    return open_index([bundled_kb()])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--set", choices=(*SETS, "both"), default="both")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--misses", action="store_true", help="list wrong or unconfident answers")
    ap.add_argument(
        "--file",
        type=Path,
        action="append",
        help="measure this file (same format) instead of the sets: a fresh batch on arrival",
    )
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    which: list[str | Path] = list(SETS) if args.set == "both" else [args.set]
    if args.file:
        which = list(args.file)
    with tempfile.TemporaryDirectory() as home:
        # always a fresh index: one updated in place keeps deleted documents in its term
        # statistics until segments merge, which moves scores (docs/search.md, "Store")
        os.environ["KBTUI_HOME"] = home
        idx = open_bundled()
        try:
            report = evaluate(idx, which)
        finally:
            idx.close()
    if args.json:
        print(
            json.dumps(
                {s: {k: f.as_dict() for k, f in per.items()} for s, per in report.items()}, indent=2
            )
        )
        return 0
    cols = (
        "answerable",
        "hit@1",
        "hit@3",
        "mrr",
        "right_first_confident",
        "unanswerable",
        "unanswerable_confident",
        "confident_precision",
    )
    print("| set | kind | " + " | ".join(cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    for s, per in report.items():
        for k, f in per.items():
            d = f.as_dict()
            print(
                f"| {s} | {k} | "
                + " | ".join("–" if d[c] is None else str(d[c]) for c in cols)
                + " |"
            )
        if per["all"].pending:
            print(f"({s}: {per['all'].pending} pending rows left out)")
    if args.misses:
        for s, per in report.items():
            print(f"\n## {s} misses")
            for o in per["all"].misses:
                print(
                    f"- [{o.row.kind}] want {o.row.expect} got {o.ranked[:3]} conf={o.confident}: {o.row.q[:110]}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

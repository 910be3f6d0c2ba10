"""Refit the refinement of the first hits (`indexer.rank.refine`) on the development set.

    python benchmarks/fit_refine.py            # fit, cross-validate, print weights and figures
    python benchmarks/fit_refine.py --json

The engine runs with the refinement switched off. For every answerable query of
tests/relevance/real.yaml whose right entry is among the first `REFINE_TOP` hits and whose first
hit is no signature match, each wrong hit among them (not a signature match either) makes a pair
with the right one. The features, read off the engine, are ln(the hit's score / the first hit's),
its symptom-match factor less 1, its focus coverage and whether it is a triage tree. A pairwise
logistic regression (`fit_confidence.fit`, on both orders of each pair) gives the weights; they
are printed relative to the score's, as `refine` uses them. Five-fold cross-validation reports
the right first hits a refinement fitted without the query's fold would give.

docs/search.md ("Refinement") records the fit that produced the weights in use. The held-out set
is never read here.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FOLDS = 5
Row = tuple[Any, list[tuple[str, tuple[float, ...], bool]]]


def collect(path: Path) -> list[Row]:
    """Each answerable query's expected id and its first hits: (id, features, signature match)."""
    import yaml

    from indexer import open_index, rank
    from kb.paths import bundled_kb

    seen: list[tuple[list[Any], Any]] = []
    refine, weights = rank.refine, (rank.REFINE_SAID, rank.REFINE_FOCUS, rank.REFINE_TREE)

    def watch(ranked: list[Any], built: Any) -> list[Any]:
        out = refine(ranked, built)
        seen.append((out[: rank.REFINE_TOP], built))
        return out

    rank.refine = watch
    rank.REFINE_SAID = rank.REFINE_FOCUS = rank.REFINE_TREE = 0.0
    rows: list[Row] = []
    try:
        with open_index([bundled_kb()]) as idx:
            for row in yaml.safe_load(path.read_text(encoding="utf-8")):
                if row.get("expect") in (None, "pending"):
                    continue
                seen.clear()
                hits = idx.search(row["q"], limit=10)
                if not seen or not seen[0][0]:
                    rows.append((row["expect"], []))
                    continue
                firsts, _built = seen[0]
                sig = {h.id for h in hits if h.signature_match}
                top = firsts[0].score
                rows.append(
                    (
                        row["expect"],
                        [(c.id, features(c, top), c.id in sig) for c in firsts],
                    )
                )
    finally:
        rank.refine = refine
        rank.REFINE_SAID, rank.REFINE_FOCUS, rank.REFINE_TREE = weights
    return rows


def features(c: Any, top: float) -> tuple[float, ...]:
    tree = 1.0 if c.data.get("kind") == "tree" else 0.0
    return (math.log(max(c.score, 1e-9) / top), c.said - 1.0, c.focus_coverage, tree)


def pairs(rows: Sequence[Row]) -> tuple[list[tuple[float, ...]], list[bool]]:
    xs: list[tuple[float, ...]] = []
    ys: list[bool] = []
    for want, firsts in rows:
        if not firsts or firsts[0][2]:
            continue
        right = [f for i, f, _ in firsts if i == want]
        if not right:
            continue
        for i, f, sig in firsts:
            if i == want or sig:
                continue
            d = tuple(a - b for a, b in zip(right[0], f, strict=True))
            xs += [d, tuple(-v for v in d)]
            ys += [True, False]
    return xs, ys


def first_right(rows: Sequence[Row], w: Sequence[float] | None) -> int:
    right = 0
    for want, firsts in rows:
        if not firsts:
            continue
        if w is None or firsts[0][2]:
            first = firsts[0][0]
        else:
            first = max(
                firsts, key=lambda t: (t[2], sum(a * b for a, b in zip(w, t[1], strict=True)))
            )[0]
        right += first == want
    return right


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from fit_confidence import fit, print_report

    from indexer import rank

    with tempfile.TemporaryDirectory() as home:
        os.environ["KBTUI_HOME"] = home
        rows = collect(ROOT / "tests" / "relevance" / "real.yaml")
    w = fit(*pairs(rows))[1:]
    order = list(range(len(rows)))
    random.Random(7).shuffle(order)
    cv = 0
    for k in range(FOLDS):
        test = set(order[k::FOLDS])
        wk = fit(*pairs([rows[i] for i in order if i not in test]))[1:]
        cv += first_right([rows[i] for i in test], wk)
    in_use = (1.0, rank.REFINE_SAID, rank.REFINE_FOCUS, rank.REFINE_TREE)
    report = {
        "answerable": len(rows),
        "first_right_unrefined": first_right(rows, None),
        "first_right_in_use": first_right(rows, in_use),
        "fitted": {
            "weights (said, focus, tree)": [round(v / w[0], 2) for v in w[1:]],
            "first_right": first_right(rows, w),
        },
        "cross_validated_first_right": cv,
        "in_use": list(in_use[1:]),
    }
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

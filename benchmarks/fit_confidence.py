"""Refit the confidence score (`indexer.rank.confidence_score`) on the development set.

    python benchmarks/fit_confidence.py            # fit, cross-validate, print weights and figures
    python benchmarks/fit_confidence.py --json

The training data are the first hits of tests/relevance/real.yaml that reach the score: no
signature match, and every gate of `rank.decide` open (no mismatch, no identifier no entry knows,
not a pasted log line its signatures miss). A right first hit is 1, a wrong or unanswerable one 0.
The features are `rank.confidence_features`, read off the engine, never off the set's labels.
The fit is a logistic regression (gradient descent, L2 0.01); its cut-off is set where as many
wrong or unanswerable first hits reach the score as under the weights in `indexer/rank.py`, so
the printed weights are comparable with them. Five-fold cross-validation reports how many right
first hits a score fitted without them would have marked confident at that count.

docs/search.md ("Confidence") records the fit that produced the weights in use. The held-out set
is never read here.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "relevance" / "real.yaml"
L2 = 0.01
STEPS = 1500
RATE = 0.3
FOLDS = 5


def first_hits(path: Path) -> list[tuple[tuple[float, ...], bool]]:
    """(features, right) of every first hit that reaches the score."""
    import yaml

    from indexer import open_index, rank
    from kb.paths import bundled_kb

    seen: list[tuple[Any, Any]] = []
    decide = rank.decide

    def watch(ranked: Sequence[Any], built: Any, facts: Any = None) -> None:
        decide(ranked, built, facts)
        seen.append((list(ranked), built))

    rank.decide = watch
    out = []
    try:
        with open_index([bundled_kb()]) as idx:
            for row in yaml.safe_load(path.read_text(encoding="utf-8")):
                if row.get("expect") == "pending":
                    continue
                seen.clear()
                idx.search(row["q"], limit=10)
                if not seen or not seen[0][0] or seen[0][0][0].conf_score is None:
                    continue
                ranked = seen[0][0]
                first, second = ranked[0], ranked[1] if len(ranked) > 1 else None
                out.append((rank.confidence_features(first, second), first.id == row.get("expect")))
    finally:
        rank.decide = decide
    return out


def fit(xs: Sequence[tuple[float, ...]], ys: Sequence[bool]) -> list[float]:
    """Logistic regression: [intercept, *weights]."""
    rows = [(1.0, *x) for x in xs]
    w = [0.0] * len(rows[0])
    for _ in range(STEPS):
        grad = [0.0] * len(w)
        for x, y in zip(rows, ys, strict=True):
            p = 1.0 / (1.0 + math.exp(-sum(a * b for a, b in zip(w, x, strict=True))))
            for i, v in enumerate(x):
                grad[i] += (p - y) * v
        w = [wi - RATE * (g / len(rows) + L2 * wi) for wi, g in zip(w, grad, strict=True)]
    return w


def score(w: Sequence[float], x: Sequence[float]) -> float:
    return w[0] + sum(a * b for a, b in zip(w[1:], x, strict=True))


def cut_at(scored: Sequence[tuple[float, bool]], budget: int) -> tuple[float, int]:
    """The cut-off letting `budget` wrong hits through, and the right hits above it."""
    wrong = right = 0
    for s, y in sorted(scored, reverse=True):
        if not y and wrong == budget:
            return s, right
        wrong += not y
        right += y
    return -math.inf, right


def print_report(report: dict[str, Any], as_json: bool) -> None:
    """The fit scripts' report: JSON, or one `key: value` line each."""
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        for k, v in report.items():
            print(f"{k}: {v}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from indexer import rank

    with tempfile.TemporaryDirectory() as home:
        os.environ["KBTUI_HOME"] = home
        data = first_hits(DEV)
    xs = [x for x, _ in data]
    ys = [y for _, y in data]
    now = [score((-rank.CONF_BIAS, *rank.CONF_WEIGHTS), x) > 0 for x in xs]
    budget = sum(1 for c, y in zip(now, ys, strict=True) if c and not y)
    w = fit(xs, ys)
    cut, right = cut_at([(score(w, x), y) for x, y in zip(xs, ys, strict=True)], budget)
    order = list(range(len(xs)))
    random.Random(7).shuffle(order)
    held: list[tuple[float, bool]] = []
    for k in range(FOLDS):
        test = set(order[k::FOLDS])
        wk = fit([xs[i] for i in order if i not in test], [ys[i] for i in order if i not in test])
        held += [(score(wk, xs[i]), ys[i]) for i in test]
    cv_cut, cv_right = cut_at(held, budget)
    report = {
        "first_hits": len(xs),
        "right": sum(ys),
        "wrong_confident_budget": budget,
        "right_confident_now": sum(1 for c, y in zip(now, ys, strict=True) if c and y),
        "fitted": {
            "weights": [round(v, 3) for v in w[1:]],
            "bias": round(-(w[0] - cut), 3),
            "right_confident": right,
        },
        "cross_validated_right_confident": cv_right,
        "in_use": {"weights": list(rank.CONF_WEIGHTS), "bias": rank.CONF_BIAS},
    }
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

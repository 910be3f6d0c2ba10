"""Search quality and behaviour on a small, hand-written KB: CJK phrases without spaces (recall and
precision), English stemming, pasted log lines, typos, filters, snippets and the Hit shape."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import Hit, open_index
from indexer import search as one_shot


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def entry(
    id: str,
    title: str,
    summary: str,
    body: str,
    *,
    kind: str = "incident",
    products: tuple[str, ...] = ("emqx",),
    tags: tuple[str, ...] = (),
    symptoms: tuple[str, ...] = ("something breaks",),
    signatures: tuple[str, ...] = (),
) -> str:
    lines = [
        "---",
        f"id: {id}",
        f"kind: {kind}",
        f"title: {_q(title)}",
        f"summary: {_q(summary)}",
        f"products: [{', '.join(products)}]",
        f"tags: [{', '.join(tags)}]",
        "updated: 2025-01-01",
    ]
    if kind == "incident":
        lines.append("symptoms:")
        lines += [f"  - {_q(s)}" for s in symptoms]
    if signatures:
        lines.append("signatures:")
        lines += [f"  - {_q(s)}" for s in signatures]
    return "\n".join([*lines, "---", body, ""])


def zh(id: str, title: str, summary: str, body: str, symptoms: tuple[str, ...] = ()) -> str:
    lines = ["---", f"id: {id}", "lang: zh", f"title: {_q(title)}", f"summary: {_q(summary)}"]
    if symptoms:
        lines.append("symptoms:")
        lines += [f"  - {_q(s)}" for s in symptoms]
    return "\n".join([*lines, "---", body, ""])


FILES = {
    "emqx/emqx-clock.md": entry(
        "emqx-clock",
        'EMQX container stops: "OS monotonic time stepped backwards"',
        "On a VirtualBox guest the Erlang VM aborts when the clock jumps; add +c false to ERL_FLAGS.",
        "## Symptoms\nThe container exits ten minutes after start.\n\n```\nOS monotonic time stepped "
        "backwards! Maybe add '+c false' in vm.args\n```\n\n## Fix\nSet `ERL_FLAGS=\"+c false\"` "
        "and fix time keeping on the host.\n",
        products=("emqx", "erlang", "docker"),
        tags=("clock",),
        symptoms=("emqx container stops after ten minutes", "monotonic time stepped backwards"),
        signatures=(r"(?i)OS monotonic time stepped backwards",),
    ),
    "emqx/emqx-clock.zh.md": zh(
        "emqx-clock",
        "EMQX 容器启动十分钟后因时钟回拨退出",
        "VirtualBox 虚拟机中的时钟回拨导致 Erlang 虚拟机退出。",
        "## 现象\n容器启动约十分钟后退出，日志提示时钟回拨。\n\n## 解决\n在 ERL_FLAGS 中加入 +c false。\n",
        symptoms=("EMQX 时钟回拨",),
    ),
    "vernemq/vernemq-netsplit.md": entry(
        "vernemq-netsplit",
        "VerneMQ refuses clients during a netsplit",
        "When cluster nodes lose sight of each other VerneMQ stops accepting writes.",
        "## Cause\nA netsplit between cluster nodes; `allow_register_during_netsplit` is off.\n",
        products=("vernemq",),
        tags=("netsplit", "cluster"),
        symptoms=("vernemq clients rejected", "netsplit detected"),
        signatures=(r"(?i)netsplit detected",),
    ),
    "vernemq/vernemq-netsplit.zh.md": zh(
        "vernemq-netsplit",
        "VerneMQ 在网络分区期间拒绝客户端连接",
        "集群节点之间出现网络分区时，VerneMQ 拒绝新的连接。",
        "## 原因\n节点之间网络分区，默认配置下拒绝注册。\n",
    ),
    "rabbitmq/rabbitmq-enotconn.md": entry(
        "rabbitmq-enotconn",
        "RabbitMQ logs enotconn for load balancer TCP health checks",
        "A TCP health check from the load balancer opens and closes a socket; RabbitMQ logs an error.",
        "## Symptoms\nThe log fills with connection errors every few seconds.\n\n```\nError on AMQP "
        "connection <0.19464.506>: enotconn (socket is not connected)\n```\n",
        products=("rabbitmq",),
        tags=("healthcheck",),
        symptoms=("rabbitmq enotconn in the log",),
        signatures=(r"(?i)Error on AMQP connection <[0-9.]+>: enotconn",),
    ),
    "rabbitmq/rabbitmq-enotconn.zh.md": zh(
        "rabbitmq-enotconn",
        "负载均衡器的 TCP 健康检查导致 RabbitMQ 报 enotconn",
        "负载均衡器做健康检查时建立并立即关闭连接。",
        "## 现象\n日志中每隔几秒出现一次连接错误。\n",
    ),
    # Decoys: the same words, but not the thing asked for. They must not outrank the right entry.
    "rabbitmq/rabbitmq-connection-errors.md": entry(
        "rabbitmq-connection-errors",
        "RabbitMQ AMQP connection errors: socket closed, connection refused",
        "AMQP connection error, socket closed, connection refused: general AMQP connection troubleshooting.",
        "## Symptoms\nAMQP connection error. The socket is not open. Connection errors on every "
        "AMQP connection. Error error error: socket, connection, AMQP.\n",
        products=("rabbitmq",),
        tags=("network",),
        symptoms=("amqp connection error", "socket is not connected", "connection error on amqp"),
    ),
    "docker/docker-disk-partition.md": entry(
        "docker-disk-partition",
        "Docker data root on a small disk partition",
        "The network and the disk partition are both fine, yet the clock shows the wrong time.",
        "## Notes\nCheck the partition size before pulling images.\n",
        kind="faq",
        products=("docker",),
        tags=("disk",),
    ),
    "docker/docker-disk-partition.zh.md": zh(
        "docker-disk-partition",
        "Docker 数据目录所在的磁盘分区太小",
        "网络配置正常，磁盘分区过小；系统时钟同步也正常。",
        "## 说明\n检查容器是否健康，再检查网络和时钟。回退版本不能解决。\n",
    ),
    "docker/docker-stop-timeout.md": entry(
        "docker-stop-timeout",
        "Stopping a container times out in the SDK",
        "docker stop waits for the stop timeout, but the SDK client timeout is shorter.",
        "## Cause\nThe client's read timeout expires while the daemon is still stopping the "
        "container.\n",
        products=("docker", "go"),
        tags=("timeout",),
        symptoms=("docker sdk stop times out",),
    ),
}


@pytest.fixture
def idx(make_kb):
    root = make_kb(FILES)
    index = open_index([root])
    yield index
    index.close()


def ids(hits: list[Hit]) -> list[str]:
    return [h.id for h in hits]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("时钟回拨", {"emqx-clock"}),
        ("网络分区", {"vernemq-netsplit"}),
        ("健康检查", {"rabbitmq-enotconn"}),
    ],
)
def test_cjk_phrase_without_spaces_has_recall_and_precision(idx, query, expected):
    # the decoy holds every character (时钟, 回退, 网络, 分区, 健康, 检查) but never the phrase
    assert set(ids(idx.search(query))) == expected


def test_cjk_hit_snippet_is_chinese_and_highlights_the_phrase(idx):
    hit = idx.search("时钟回拨")[0]
    assert hit.title_zh == "EMQX 容器启动十分钟后因时钟回拨退出"
    spans = [hit.snippet[s:e] for s, e in hit.highlights]
    assert "时钟回拨" in spans


def test_mixed_cjk_and_latin_query(idx):
    assert ids(idx.search("EMQX 时钟回拨"))[0] == "emqx-clock"
    assert ids(idx.search("网络分区 拒绝 连接"))[0] == "vernemq-netsplit"


def test_english_stemming(idx):
    # "stopped", "containers", "timed" meet "stopping", "container", "timeout"/"times"
    assert ids(idx.search("stopped containers timing out sdk"))[0] == "docker-stop-timeout"
    assert ids(idx.search("netsplits"))[0] == "vernemq-netsplit"


@pytest.mark.parametrize(
    "query,expected",
    [
        (
            "Error on AMQP connection <0.19464.506>: enotconn (socket is not connected)",
            "rabbitmq-enotconn",
        ),
        (
            "2024-09-18T15:15:23.499373563Z OS monotonic time stepped backwards! Maybe add '+c false' in "
            "vm.args",
            "emqx-clock",
        ),
        (
            "2025-01-02 10:11:12.123 [error] <0.512.0> netsplit detected {node,'vernemq@10.0.0.2'} "
            "0x7f3a9c2b1e0d",
            "vernemq-netsplit",
        ),
    ],
)
def test_pasted_log_lines_rank_the_right_entry_first(idx, query, expected):
    hits = idx.search(query)
    assert hits[0].id == expected
    assert hits[0].signature_match


def test_signature_beats_word_overlap(idx):
    # the decoy repeats "AMQP connection error socket" everywhere; only the signature tells them apart
    hits = idx.search("Error on AMQP connection <0.1.2>: enotconn")
    assert ids(hits)[:2] == ["rabbitmq-enotconn", "rabbitmq-connection-errors"]


def test_a_pasted_log_with_many_lines_still_finds_the_entry(idx):
    noise = "\n".join(
        f"2025-01-02T10:11:{i % 60:02d}Z [info] <0.{i}.0> supervisor started child {i:x}"
        for i in range(3000)
    )
    hits = idx.search(
        noise + "\nError on AMQP connection <0.19464.506>: enotconn (socket is not connected)\n"
    )
    assert hits and hits[0].id == "rabbitmq-enotconn"


def test_a_signature_past_the_tokenised_part_of_a_long_log_is_still_found(idx):
    """`docker logs … | kb search -`: the error is at the bottom, past the part of the text that
    is tokenised (MAX_QUERY_CHARS); words of the noise find other entries, the signature of the
    last line still makes its entry the confident first answer, within the filters."""
    from indexer.index import MAX_QUERY_CHARS

    noise = "\n".join(
        f"2024-05-01T10:{i // 60:02d}:{i % 60:02d}Z [info] AMQP connection socket error {i}"
        for i in range(600)
    )
    assert len(noise) > MAX_QUERY_CHARS
    log = noise + "\nOS monotonic time stepped backwards! Maybe add '+c false' in vm.args\n"
    hits = idx.search(log)
    assert hits and hits[0].id == "emqx-clock" and hits[0].confident, ids(hits)
    assert "emqx-clock" not in ids(idx.search(log, product="rabbitmq"))
    assert "emqx-clock" not in ids(idx.search(noise))


def test_a_signature_among_the_words_a_long_line_drops_is_still_found(make_kb):
    """A pasted line with more distinct words than are searched (MAX_GROUPS: the rarest, the
    first of equals) can lose the very words of its entry's signature; every signature still sees
    the whole text. Shorter than MAX_QUERY_CHARS, so only the dropped words are at stake."""
    from indexer.index import MAX_QUERY_CHARS
    from indexer.query import MAX_GROUPS

    noise = [f"qwx{i}z" for i in range(2 * MAX_GROUPS)]  # each in one entry, as rare as the line
    root = make_kb(
        {
            "a/gizmo-jammed.md": entry(
                "gizmo-jammed",
                "Gizmo jammed",
                "The gizmo jams.",
                "Body.",
                signatures=("Gizmo flange jammed at stage [0-9]+",),
            ),
            "a/noise.md": entry("noise", "Noise", "Other words.", " ".join(noise)),
        }
    )
    line = " ".join(noise) + " Gizmo flange jammed at stage 3"
    assert len(line) < MAX_QUERY_CHARS
    with open_index([root]) as index:
        hits = index.search(line)
        assert hits and hits[0].id == "gizmo-jammed" and hits[0].signature_match, ids(hits)
        assert "gizmo-jammed" not in ids(index.search(line, product="rabbitmq"))


@pytest.mark.parametrize("query", ["monotnic", "monotonik time", "netspilt"])
def test_one_typo_still_finds_it(idx, query):
    hits = idx.search(query)
    assert hits, query
    assert hits[0].id in {"emqx-clock", "vernemq-netsplit"}


def test_typo_neighbours_from_the_prefix_scan_are_exactly_the_lookups(idx):
    # the query side checks one-edit strings against the terms sharing the word's first two
    # letters (one scan of the term list); a plain reader looks each one up: same terms
    from indexer.query import neighbours
    from indexer.tokens import word_terms

    raw = idx._get_searcher().reader()
    fast = idx._reader()
    assert hasattr(fast, "terms_with_prefix") and not hasattr(raw, "terms_with_prefix")
    seen = 0
    for word in (
        "monotnic",
        "monotonik",
        "netspilt",
        "conection",
        "contaner",
        "partiton",
        "rabitmq",
        "mnotonic",
        "xmonotonic",
        "clockk",
        "eaddrinus",
        "partition",
    ):
        term = word_terms(word)[0]
        got = neighbours(term, word, fast)
        assert got == neighbours(term, word, raw), word
        seen += bool(got)
    assert seen >= 6  # most of them do have neighbours in this KB


def test_typo_hits_are_highlighted_on_the_real_word(idx):
    hit = idx.search("monotnic")[0]
    assert hit.id == "emqx-clock"
    assert any("monotonic" in hit.snippet[s:e].lower() for s, e in hit.highlights)


def test_filters(idx):
    assert set(ids(idx.search("connection", product="rabbitmq"))) == {
        "rabbitmq-enotconn",
        "rabbitmq-connection-errors",
    }
    assert ids(idx.search("connection", product="docker")) == []
    assert ids(idx.search("partition", kind="faq")) == ["docker-disk-partition"]
    assert ids(idx.search("partition", kind="incident")) == []
    assert ids(idx.search("container", tag="clock")) == ["emqx-clock"]
    assert ids(idx.search("container", product=["go", "erlang"])) and set(
        ids(idx.search("container", product=["go", "erlang"]))
    ) <= {"emqx-clock", "docker-stop-timeout"}


def test_empty_query_lists_entries_passing_the_filters(idx):
    assert ids(idx.search("", product="rabbitmq")) == [
        "rabbitmq-connection-errors",
        "rabbitmq-enotconn",
    ]
    assert len(idx.search("")) == 6
    assert idx.search("the of and") == []  # only stop words: nothing to find
    assert idx.search("zzzzqqqq xxyyzz") == []


def test_hit_shape_and_snippet_spans(idx):
    hit = idx.search("stepped backwards")[0]
    assert dataclasses.is_dataclass(hit)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.score = 0  # type: ignore[misc]
    assert hit.kind == "incident" and hit.path.endswith("emqx-clock.md")
    assert hit.products == ("emqx", "erlang", "docker") and hit.tags == ("clock",)
    assert isinstance(hit.score, float) and hit.score > 0
    assert "`" not in hit.snippet and "#" not in hit.snippet  # plain text, not Markdown
    assert hit.highlights
    for s, e in hit.highlights:
        assert 0 <= s < e <= len(hit.snippet)
    words = {hit.snippet[s:e].lower() for s, e in hit.highlights}
    assert words & {"stepped", "backwards"}
    assert json.loads(json.dumps(hit.to_dict()))["id"] == "emqx-clock"


def test_english_query_prefers_english_snippet(idx):
    hit = idx.search("ten minutes")[0]
    assert hit.id == "emqx-clock"
    assert "minutes" in hit.snippet


def test_one_shot_search_helper(make_kb):
    root = make_kb(FILES)
    assert ids(one_shot([root], "enotconn"))[0] == "rabbitmq-enotconn"
    assert ids(one_shot([root], "enotconn", product="vernemq")) == []


def test_limit(idx):
    assert len(idx.search("", limit=2)) == 2
    assert len(idx.search("container", limit=1)) == 1


def test_import_indexer_is_cheap():
    """`import indexer` must not pull in Whoosh, the loader, Textual, Docker or Markdown."""
    code = (
        "import sys, indexer; bad = [m for m in ('whoosh', 'textual', 'docker', 'markdown_it', "
        "'yaml', 'kb.loader') if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.stdout.strip() == ""


def test_searching_never_imports_ui_or_docker(make_kb, tmp_path):
    root = make_kb(FILES)
    code = (
        f"import sys; from indexer import search; assert search([{str(root)!r}], 'enotconn'); "
        "print(','.join(m for m in ('textual', 'docker', 'markdown_it', 'whoosh.qparser') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_an_identifier_longer_than_any_word_is_still_found(make_kb):
    """An Erlang reason atom can be longer than the longest word indexed (MAX_WORD): EMQX 5 logs
    retain_failed_for_payload_size_exceeded_limit (45 characters). Pasted alone it must find the
    entry that quotes it, and so must its words; a run of the same length without underscores (a
    hash, a blob) is still no term at all."""
    from indexer.tokens import MAX_WORD, word_terms

    atom = "retain_failed_for_payload_size_exceeded_limit"
    assert len(atom) > MAX_WORD
    assert atom in word_terms(atom) and "payload" in word_terms(atom)
    assert word_terms("3f4a9c2b1e0d3f4a9c2b1e0d3f4a9c2b1e0d3f4a9c2b1e0d") == ()
    assert word_terms("x" * (MAX_WORD + 1)) == ()
    # within an identifier, a part longer than any word is a blob: the identifier stays, not it
    blob = "k" * (MAX_WORD + 1)
    assert word_terms(f"token_{blob}") == (f"token_{blob}", "token")
    root = make_kb(
        {
            "emqx/retainer-limit.md": entry(
                "retainer-limit",
                "Retained message not stored",
                "The retainer refuses a message over max_payload_size.",
                f"EMQX logs `{atom}` and drops the retained copy.",
            ),
            "emqx/other.md": entry(
                "other", "Payload too large", "A frame over the limit.", "Some payload limit."
            ),
        }
    )
    index = open_index([root])
    try:
        hits = index.search(atom)
        assert hits and hits[0].id == "retainer-limit", ids(hits)
        assert ids(index.search(f"msg: {atom}, config: retainer.max_payload_size"))[0] == (
            "retainer-limit"
        )
    finally:
        index.close()

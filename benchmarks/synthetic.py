"""Generate a synthetic knowledge base of N entries in English and Chinese, for benchmarks.

Every entry is valid per docs/entry-format.md (incidents with symptoms and RE2 signatures, FAQs),
spread over product folders like the bundled KB (`OUT/<product>/<id>.md`), and a share of them
carry a `<id>.zh.md` companion. Output is deterministic for a given seed, so figures from two runs
compare.

    python benchmarks/synthetic.py OUT --n 10000 [--zh-ratio 0.5] [--seed 1]

Other benchmarks import `generate(out, n, ...)`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

PRODUCTS = ["emqx", "vernemq", "mosquitto", "rabbitmq", "docker", "erlang", "go", "linux"]
TAGS = [
    "clock",
    "netsplit",
    "oom",
    "tls",
    "auth",
    "cluster",
    "disk",
    "network",
    "dns",
    "upgrade",
    "config",
    "listener",
    "queue",
    "memory",
    "cpu",
    "logging",
    "retained",
    "session",
    "bridge",
    "healthcheck",
    "compose",
    "volume",
    "permissions",
    "timeout",
    "restart",
]
COMPONENTS = [
    "listener",
    "cluster",
    "session",
    "queue",
    "bridge",
    "plugin",
    "dashboard",
    "retainer",
    "authenticator",
    "authorizer",
    "container",
    "volume",
    "network",
    "scheduler",
    "connection",
    "subscription",
    "exchange",
    "channel",
    "consumer",
    "publisher",
    "node",
    "partition",
    "mnesia",
    "certificate",
    "socket",
    "healthcheck",
    "entrypoint",
    "daemon",
    "registry",
    "image",
]
PROBLEMS = [
    "stops after restart",
    "refuses connections",
    "drops messages",
    "leaks memory",
    "times out",
    "crashes on start",
    "loses sessions",
    "rejects clients",
    "logs warnings",
    "hangs during shutdown",
    "fails health checks",
    "reports high latency",
    "fills the disk",
    "loses retained messages",
    "splits into partitions",
    "rejects TLS handshakes",
]
EVENTS = [
    "an upgrade",
    "a host reboot",
    "a network outage",
    "a config reload",
    "a clock change",
    "a node join",
    "a certificate rotation",
    "a volume resize",
    "heavy load",
    "a DNS change",
]
WORDS = (
    "broker client server message topic payload retain qos session cluster node replica "
    "leader follower election quorum heartbeat keepalive timeout latency throughput backlog "
    "memory heap garbage collector scheduler process mailbox queue overflow limit quota "
    "socket port listener handshake certificate cipher protocol version upgrade downgrade "
    "container image volume mount network bridge overlay iptables firewall route gateway "
    "daemon engine runtime restart policy healthcheck probe readiness liveness exit signal "
    "kernel cgroup namespace filesystem inode descriptor ulimit swap disk partition journal "
    "configuration environment variable flag option default override template secret token "
    "password username authentication authorization permission role tenant vhost exchange "
    "binding routing consumer producer acknowledgement prefetch redelivery durable transient "
    "erlang beam otp mnesia ets distribution cookie epmd vm args monotonic clock drift ntp "
    "chrony timestamp offset skew leap stepped backwards warning error fatal crash dump"
).split()
ZH_WORDS = (
    "消息 主题 客户端 服务器 集群 节点 会话 订阅 发布 保留消息 共享订阅 心跳 超时 延迟 吞吐量 "
    "内存 磁盘 网络 网络分区 时钟回拨 健康检查 容器 镜像 数据卷 端口 监听器 证书 握手 协议 版本 升级 "
    "配置 环境变量 参数 默认值 认证 授权 权限 用户名 密码 队列 交换机 绑定 路由 消费者 生产者 确认 "
    "重启 退出 信号 内核 文件描述符 限制 日志 警告 错误 崩溃 故障 排查 恢复 重连 断开 拒绝 连接"
).split()
ZH_PROBLEMS = [
    "重启后停止",
    "拒绝连接",
    "丢失消息",
    "内存泄漏",
    "请求超时",
    "启动时崩溃",
    "会话丢失",
    "健康检查失败",
    "延迟升高",
    "磁盘写满",
    "保留消息丢失",
    "出现网络分区",
    "TLS 握手失败",
]


def _rare_vocab() -> tuple[list[str], list[str]]:
    """A long tail of words, as real text has: 20 000 pseudo-words and 3 000 Chinese two-character
    words. Without it every word would sit in a third of the entries, which no real KB does."""
    r = random.Random(12345)
    onsets = [
        "b",
        "c",
        "d",
        "f",
        "g",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "z",
        "br",
        "cr",
        "gl",
        "pl",
        "st",
        "tr",
        "sk",
    ]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
    codas = ["", "n", "r", "s", "x", "l", "nd", "rk", "st", "m"]
    en: set[str] = set()
    while len(en) < 20000:
        en.add(
            "".join(r.choice(onsets) + r.choice(vowels) for _ in range(r.randint(2, 3)))
            + r.choice(codas)
        )
    chars = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    zh: set[str] = set()
    while len(zh) < 3000:
        zh.add(r.choice(chars) + r.choice(chars))
    return sorted(en), sorted(zh)


RARE_EN, RARE_ZH = _rare_vocab()


def _rare(rng: random.Random, vocab: list[str]) -> str:
    # log-uniform rank: a Zipf-like tail (a few rare words often, most of them seldom)
    return vocab[int(len(vocab) ** rng.random()) - 1]


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.7 else _rare(rng, RARE_EN) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _zh_sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(ZH_WORDS) if rng.random() < 0.5 else _rare(rng, RARE_ZH) for _ in range(n)]
    return "".join(words) + "。"


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(6, 14)) for _ in range(sentences))


def _entry(
    rng: random.Random, i: int, ids: list[str], zh_ratio: float
) -> tuple[str, str, str, str | None]:
    product = PRODUCTS[i % len(PRODUCTS)]
    comp = rng.choice(COMPONENTS)
    problem = rng.choice(PROBLEMS)
    event = rng.choice(EVENTS)
    kind = "faq" if i % 5 == 4 else "incident"
    slug_words = [w for w in f"{comp} {problem}".lower().split() if w.isalpha()][:4]
    eid = f"syn-{product}-{i:05d}-" + "-".join(slug_words)
    title = f"{product.capitalize()} {comp} {problem} after {event}"
    if kind == "faq":
        title = f"How do I stop the {product} {comp} when it {problem}?"
    summary = _paragraph(rng, 2)[:380]
    tags = sorted(set(rng.sample(TAGS, rng.randint(1, 3))))
    products = [product] + (["docker"] if product != "docker" and rng.random() < 0.4 else [])
    day = dt.date(2024, 1, 1) + dt.timedelta(days=i % 700)
    lines = [
        "---",
        f"id: {eid}",
        f"kind: {kind}",
        f"title: {_q(title)}",
        f"summary: {_q(summary)}",
        f"products: [{', '.join(products)}]",
        f"tags: [{', '.join(tags)}]",
        f"versions: {{{product}: {_q('>= ' + str(rng.randint(1, 5)) + '.0')}}}",
        f"updated: {day.isoformat()}",
        "sources:",
        f"  - {{title: {_q('Synthetic source ' + str(i))}, ref: {_q('synthetic/' + str(i))}}}",
    ]
    if ids and rng.random() < 0.3:
        lines.append(f"related: [{rng.choice(ids)}]")
    if kind == "incident":
        w = rng.sample(WORDS, 3)
        sig1 = "(?i)" + w[0] + " " + w[1] + r"\s+" + w[2]
        sig2 = comp + r" error: \{[a-z_]+,\s*" + rng.choice(WORDS) + r"\}"
        lines += [
            "symptoms:",
            f"  - {_q(f'{product} {comp} {problem}')}",
            f"  - {_q(' '.join(rng.sample(WORDS, 4)))}",
            "signatures:",
            f"  - {_q(sig1)}",
            f"  - {_q(sig2)}",
        ]
    lines.append("---")
    if kind == "incident":
        body = [
            "## Symptoms",
            _paragraph(rng, 3),
            "",
            "```",
            f"{comp} error: {{badarg, {rng.choice(WORDS)}}} <0.{i}.0>",
            "```",
            "",
            "## Cause",
            _paragraph(rng, 4),
            "",
            "## Fix",
            _paragraph(rng, 3),
            "",
            "```sh",
            f"docker restart {product}",
            "```",
            "",
        ]
    else:
        body = [
            "## Answer",
            _paragraph(rng, 5),
            "",
            "## Commands / configuration",
            "```sh",
            f"docker exec {product} {comp} status",
            "```",
            "",
        ]
    en = "\n".join(lines) + "\n" + "\n".join(body)
    zh = None
    if rng.random() < zh_ratio:
        zh_title = f"{product.upper()} {rng.choice(ZH_WORDS)}{rng.choice(ZH_PROBLEMS)}"
        zh_lines = [
            "---",
            f"id: {eid}",
            "lang: zh",
            f"title: {_q(zh_title)}",
            f"summary: {_q(_zh_sentence(rng, 8))}",
        ]
        if kind == "incident":
            zh_lines += ["symptoms:", f"  - {_q(product + ' ' + rng.choice(ZH_PROBLEMS))}"]
        zh_lines.append("---")
        zh_body = [
            "## 现象",
            _zh_sentence(rng, 20),
            "",
            "## 原因",
            _zh_sentence(rng, 30),
            "",
            "## 解决",
            _zh_sentence(rng, 20),
            "",
        ]
        zh = "\n".join(zh_lines) + "\n" + "\n".join(zh_body)
    return eid, product, en, zh


def generate(out: Path, n: int, *, zh_ratio: float = 0.5, seed: int = 1) -> list[Path]:
    """Write `n` entries under `out` and return the paths written (English and Chinese)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    ids: list[str] = []
    for i in range(n):
        eid, product, en, zh = _entry(rng, i, ids, zh_ratio)
        folder = out / product
        folder.mkdir(exist_ok=True)
        p = folder / f"{eid}.md"
        p.write_text(en, encoding="utf-8")
        written.append(p)
        if zh is not None:
            pz = folder / f"{eid}.zh.md"
            pz.write_text(zh, encoding="utf-8")
            written.append(pz)
        ids.append(eid)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder to write the KB into (created)")
    ap.add_argument("--n", type=int, default=10000, help="number of entries (default 10000)")
    ap.add_argument("--zh-ratio", type=float, default=0.5, help="share with a .zh.md companion")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    files = generate(args.out, args.n, zh_ratio=args.zh_ratio, seed=args.seed)
    print(f"wrote {args.n} entries ({len(files)} files) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

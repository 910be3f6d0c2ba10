"""Loading and validation: every error has file:line and says what to do; bad entries never stop
the others; hostile YAML is rejected fast."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kb.loader import discover, kb_sources, load_kb
from tests.helpers import entry_text


def problems_of(kb_dir: Path) -> list[str]:
    return [str(p) for p in load_kb([kb_dir]).problems]


def one_problem(kb_dir: Path, needle: str) -> str:
    found = [p for p in problems_of(kb_dir) if needle in p]
    assert found, f"no problem mentioning {needle!r} in {problems_of(kb_dir)}"
    return found[0]


def test_valid_entry_loads_with_all_fields(make_kb):
    root = make_kb(
        {
            "emqx/sample-entry.md": entry_text(
                extra="tags: [clock]\nsignatures: ['(?i)stepped backwards']\n"
            )
        }
    )
    kb = load_kb([root])
    assert kb.problems == []
    e = kb.get("sample-entry")
    assert e.kind == "incident" and e.products == ("emqx",) and e.tags == ("clock",)
    assert e.updated.isoformat() == "2026-11-21"
    assert e.body.startswith("## Symptoms") and e.body_line == 12
    assert len(e.digest) == 64 and e.source_root == str(root)


def test_duplicate_key_reports_both_lines(make_kb):
    root = make_kb({"a/sample-entry.md": entry_text(extra="title: again\n")})
    msg = one_problem(root, "duplicate key")
    assert msg.startswith(
        f"{root}/a/sample-entry.md:9: error: duplicate key 'title' (first at line 4)"
    )


@pytest.mark.parametrize(
    "raw,read_as",
    [("no", "a boolean"), ("12:30", "a number"), ("0x1F", "a number"), ("null", "null")],
)
def test_yaml_type_surprises_say_quote_it(make_kb, raw, read_as):
    root = make_kb({"a/sample-entry.md": entry_text(title=raw)})
    msg = one_problem(root, "'title' must be a string")
    assert (
        f"sample-entry.md:4: error: 'title' must be a string, but YAML read {raw} as {read_as}; quote it"
        in msg
    )


def test_unknown_field_lists_allowed(make_kb):
    root = make_kb({"a/sample-entry.md": entry_text(extra="priority: high\n")})
    assert ":9: error: unknown field 'priority'; allowed: id, kind" in one_problem(
        root, "unknown field"
    )


def test_wrong_types_and_missing_fields(make_kb):
    text = "---\nid: sample-entry\nkind: incident\ntitle: T\nproducts: emqx\nupdated: someday\nsymptoms: [x]\n---\nbody\n"
    root = make_kb({"a/sample-entry.md": text})
    probs = problems_of(root)
    assert any("missing required field 'summary'" in p for p in probs)
    assert any(":5: error: 'products' must be a list; write it as [emqx]" in p for p in probs)
    assert any(":6: error: 'updated' must be a date YYYY-MM-DD" in p for p in probs)


@pytest.mark.parametrize(
    "old,new,expected",
    [
        (
            "products: [emqx]",
            "products: emqx",
            ":6: error: 'products' must be a list; write it as [emqx]",
        ),
        (
            "products: [emqx]",
            "products: [EMQX]",
            ":6: error: products item 'EMQX' is not a valid product",
        ),
        (
            "products: [emqx]",
            "products: {emqx: 5}",
            ":6: error: 'products' must be a list, not dict",
        ),
        ("products: [emqx]", "products: []", ":6: error: products is empty; name at least one"),
        ("products: [emqx]", "products: [emqx, emqx]", ":6: warning: products names 'emqx' twice"),
        ("symptoms: [it breaks]", "symptoms: it breaks", ":8: error: 'symptoms' must be a list"),
        ("symptoms: [it breaks]", "symptoms: []", ":8: error: an incident needs symptoms"),
        (
            "title: A sample entry",
            "title:",
            ":4: error: 'title' has no value; write it after the colon",
        ),
        ("id: sample-entry", "id: Sample", ":2: error: id 'Sample' must be a slug"),
    ],
)
def test_one_mistake_gives_one_message(make_kb, old, new, expected):
    """A wrong field is told once: no follow-on 'is empty' or 'does not match' for the same slip."""
    text = entry_text()
    assert old in text
    root = make_kb({"a/sample-entry.md": text.replace(old, new)})
    probs = problems_of(root)
    assert len(probs) == 1 and expected in probs[0], probs


def test_unknown_check_kind_and_param(make_kb):
    checks = (
        "checks:\n  - {id: a, kind: docker.teleport, title: T}\n"
        "  - {id: b, kind: net.tcp, title: T, params: {port: 1883, colour: red}}\n"
        "  - {id: c, kind: net.tcp, title: T, params: {port: '1883'}}\n"
        "  - {id: d, kind: net.tcp, title: T}\n"
    )
    root = make_kb({"a/sample-entry.md": entry_text(extra=checks)})
    probs = problems_of(root)
    assert any(":10: error: unknown check kind 'docker.teleport'; use one of:" in p for p in probs)
    assert any(":11: error: net.tcp: unknown parameter 'colour'" in p for p in probs)
    assert any(
        ":12: error: net.tcp: parameter 'port' must be an integer, got str '1883'; write it without quotes"
        in p
        for p in probs
    )
    assert any("missing required parameter 'port'" in p for p in probs)


def test_bad_check_pattern_is_a_lint_error(make_kb):
    checks = "checks:\n  - {id: a, kind: docker.logs, title: T, params: {container: x, pattern: '(a)\\1'}}\n"
    root = make_kb({"a/sample-entry.md": entry_text(extra=checks)})
    assert ":10: error: pattern does not compile under RE2" in one_problem(
        root, "pattern does not compile"
    )


def test_dangling_related_and_duplicate_ids(make_kb):
    root = make_kb(
        {
            "a/sample-entry.md": entry_text(extra="related: [no-such-entry]\n"),
            "b/sample-entry.md": entry_text(),
        }
    )
    probs = problems_of(root)
    assert any("related id 'no-such-entry' does not exist" in p for p in probs)
    assert any("duplicate id 'sample-entry'" in p and "b/sample-entry.md" in p for p in probs)
    # the problem names the line of the related list, and an entry relating to itself is told
    text = (root / "a/sample-entry.md").read_text()
    line = next(i for i, t in enumerate(text.split("\n"), 1) if "no-such-entry" in t)
    assert any(f"sample-entry.md:{line}: error: related id 'no-such-entry'" in p for p in probs)
    root2 = make_kb({"c/self-entry.md": entry_text("self-entry", extra="related: [self-entry]\n")})
    assert any("related id 'self-entry' is this entry itself" in p for p in problems_of(root2))


def test_bad_signature_regex_is_a_lint_error(make_kb):
    root = make_kb({"a/sample-entry.md": entry_text(extra="signatures: ['(?<=x)y', 'ok line']\n")})
    msg = one_problem(root, "signature does not compile")
    assert "sample-entry.md:9:" in msg and "RE2" in msg
    assert load_kb([root]).get("sample-entry").signatures == ("ok line",)


TREE = """tree:
  start: q
  nodes:
    q:
      question: Up?
      check: missing-check
      options:
        - {label: a, goto: nowhere, when: [pass]}
        - {label: b, goto: loop, when: [pass, bogus]}
    loop:
      question: Again?
      options:
        - {label: a, goto: loop}
        - {label: b, goto: loop2}
    loop2:
      question: And again?
      options:
        - {label: a, goto: loop}
        - {label: b, goto: loop2}
    orphan:
      conclusion: Never reached.
"""


def test_tree_validation(make_kb):
    root = make_kb({"a/sample-entry.md": entry_text(extra=TREE)})
    probs = problems_of(root)
    expect = [
        "names check 'missing-check', which this entry does not declare",
        "option goes to 'nowhere', which is not a node of this tree",
        "status 'pass' already selects option 1",
        "'when' status 'bogus' is not one of",
        "node 'orphan' cannot be reached from start 'q'",
        "from node 'loop' no path ends in a conclusion",
    ]
    for needle in expect:
        assert any(needle in p for p in probs), (needle, probs)
    assert all(":" in p.split(" error: ")[0] for p in probs)


def test_yes_no_labels_give_their_own_error_and_no_false_ones(make_kb):
    """Unquoted yes/no labels are booleans to YAML: that is the error, not "needs at least two
    options" or "cannot be reached" (the options still count for the structure), and a real
    structural error beside it is still found."""
    tree = (
        "tree:\n  start: a\n  nodes:\n    a:\n      question: Is it?\n      options:\n"
        "        - {label: yes, goto: b}\n        - {label: no, goto: missing}\n"
        "    b:\n      conclusion: done\n"
    )
    probs = problems_of(make_kb({"a/sample-entry.md": entry_text(extra=tree)}))
    assert sum("quote it" in p for p in probs) == 2, probs
    assert any("option goes to 'missing', which is not a node" in p for p in probs), probs
    assert not any("at least two options" in p or "cannot be reached" in p for p in probs), probs


def test_one_bad_entry_never_stops_the_others(make_kb):
    root = make_kb(
        {
            "a/good-one.md": entry_text("good-one"),
            "a/broken.md": "---\nid: broken\ntitle: [unclosed\n---\n",
            "a/no-frontmatter.md": "just text\n",
            "a/latin1.md": "",
        }
    )
    (root / "a/latin1.md").write_bytes(b"---\nid: latin1\ntitle: caf\xe9\n---\n")
    kb = load_kb([root])
    assert list(kb.entries) == ["good-one"]
    paths = {Path(p.path).name for p in kb.errors}
    assert {"broken.md", "no-frontmatter.md", "latin1.md"} <= paths
    assert any("not valid UTF-8" in str(p) and ":3:" in str(p) for p in kb.errors)


def test_later_source_overrides_and_show_says_which_file_won(make_kb):
    from tests.helpers import run_kb

    base = make_kb(
        {
            "x/sample-entry.md": entry_text(title="Base"),
            "x/sample-entry.zh.md": "---\nid: sample-entry\nlang: zh\ntitle: 基础\nsummary: 一行。\n---\n正文\n",
        },
        name="base",
    )
    mine = make_kb({"sample-entry.md": entry_text(title="Mine")}, name="mine")
    kb = load_kb([base, mine])
    e = kb.get("sample-entry")
    assert e.title == "Mine" and e.path == str(mine / "sample-entry.md")
    # the translation described the overridden text, so it goes too
    assert "zh" not in e.translations and str(base / "x/sample-entry.md") in e.overrides
    out = run_kb("--kb", str(base), "--kb", str(mine), "show", "sample-entry")
    assert out.returncode == 0, out.stderr
    assert f"overrides {base / 'x/sample-entry.md'}" in out.stdout


def test_sources_order_env_and_config(make_kb, monkeypatch, _isolated_home):
    a, b, c = make_kb({}, "a"), make_kb({}, "b"), make_kb({}, "c")
    from kb import paths

    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f"kb_paths: [{a}]\n")
    os.chmod(cfg, 0o600)
    monkeypatch.setenv("KB_PATH", f"{b}{os.pathsep}")
    assert kb_sources([c]) == [paths.bundled_kb(), a, b, c]


def _config(text: str) -> Path:
    from kb import paths

    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(text)
    os.chmod(cfg, 0o600)
    return cfg


def test_a_relative_kb_path_is_read_from_the_config_folder(make_kb, monkeypatch, _isolated_home):
    """QA: a relative kb_paths entry meant the folder kb happened to run in."""
    from kb import paths

    cfg = _config("kb_paths: [mine]\n")
    mine = cfg.parent / "mine"
    mine.mkdir()
    monkeypatch.chdir(make_kb({}, "elsewhere"))
    assert kb_sources() == [paths.bundled_kb(), mine.resolve()]


def test_an_empty_kb_path_is_refused_not_the_current_folder(tmp_path, _isolated_home):
    """QA: `kb list --kb "" --ids` from / walked the whole file system; so did kb_paths: [""]."""
    from tests.helpers import run_kb

    r = run_kb("list", "--kb", "", "--ids")
    assert r.returncode == 2 and r.stdout == "", r
    assert r.stderr == "kb: --kb '': empty path; give a folder of entries (or an entry file)\n"
    cfg = _config("kb_paths:\n  - /tmp\n  - ''\n")
    r = run_kb("list", "--ids")
    assert r.returncode == 2 and r.stdout == "", r
    assert r.stderr == (
        f"kb: {cfg}:3: kb_paths item 2 is empty; give a folder path (a relative one is read "
        "from this file's folder)\n"
    )


def test_config_readable_by_others_is_refused(_isolated_home):
    from kb import paths
    from kb.config import load_config
    from kb.errors import UserError

    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True)
    cfg.write_text("kb_paths: []\n")
    os.chmod(cfg, 0o644)
    with pytest.raises(UserError, match="chmod 600"):
        load_config()


def test_symlink_out_of_kb_is_not_followed(make_kb, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(entry_text("outside"))
    root = make_kb({"a/inside.md": entry_text("inside")})
    (root / "a/outside.md").symlink_to(outside)
    (root / "linkdir").symlink_to(tmp_path, target_is_directory=True)
    probs = []
    groups = discover([root], probs)
    assert list(groups) == ["inside"]
    assert any("symlink leads out of the KB folder" in str(p) for p in probs)


def test_translation_rules(make_kb):
    zh = "---\nid: sample-entry\nlang: zh\ntitle: 标题\nsummary: 摘要。\ntree:\n  q:\n    options: [一]\n  ghost:\n    question: 鬼\n---\n正文\n"
    orphan = "---\nid: lonely\nlang: zh\ntitle: 孤\nsummary: 无。\n---\n"
    tree = "tree:\n  start: q\n  nodes:\n    q:\n      question: Q?\n      options:\n        - {label: a, goto: e}\n        - {label: b, goto: e}\n    e: {conclusion: Done.}\n"
    root = make_kb(
        {
            "a/sample-entry.md": entry_text(extra=tree),
            "a/sample-entry.zh.md": zh,
            "a/lonely.zh.md": orphan,
        }
    )
    probs = problems_of(root)
    assert any("1 option labels for 2 options" in p and "sample-entry.zh.md:8:" in p for p in probs)
    assert any("tree node 'ghost' does not exist in the English entry" in p for p in probs)
    assert any("lonely.zh.md:1: error: translation without an English entry" in p for p in probs)
    tr = load_kb([root]).get("sample-entry").translations["zh"]
    assert tr.path == str(root / "a/sample-entry.zh.md")


def test_translation_keeps_its_file_path(make_kb):
    zh = "---\nid: sample-entry\nlang: zh\ntitle: 标题\nsummary: 摘要。\ntree:\n  q: {question: 问？, options: [甲, 乙]}\n  e: {conclusion: 完。}\n---\n正文\n"
    tree = "tree:\n  start: q\n  nodes:\n    q:\n      question: Q?\n      options:\n        - {label: a, goto: e}\n        - {label: b, goto: e}\n    e: {conclusion: Done.}\n"
    root = make_kb({"a/sample-entry.md": entry_text(extra=tree), "a/sample-entry.zh.md": zh})
    kb = load_kb([root])
    assert kb.problems == []
    assert kb.get("sample-entry").translations["zh"].path == str(root / "a/sample-entry.zh.md")


def test_a_translation_that_leaves_text_in_english_is_warned_and_shown_in_its_parts(make_kb):
    """Version notes, check titles and tree text a translation leaves out are shown in English
    beside the translated text: lint names them, one warning per field; `kb show` uses each
    translated version note and falls back per note."""
    from tests.helpers import run_kb

    extra = (
        "versions:\n  emqx: '5.8.0 image'\n  docker: any release\n"
        "checks:\n  - {id: up, kind: docker.container, title: It runs, params: {container: emqx}}\n"
        "  - {id: port, kind: net.tcp, title: Port open, params: {port: 1883}}\n"
        "tree:\n  start: q\n  nodes:\n    q:\n      question: Q?\n      options:\n"
        "        - {label: a, goto: e}\n        - {label: b, goto: e}\n    e: {conclusion: Done.}\n"
    )
    zh = (
        "---\nid: sample-entry\nlang: zh\ntitle: 标题\nsummary: 摘要。\n"
        "versions:\n  emqx: 5.8.0 镜像\nchecks:\n  up: 容器在运行\n"
        "tree:\n  q: {question: 问？}\n---\n正文\n"
    )
    root = make_kb({"a/sample-entry.md": entry_text(extra=extra), "a/sample-entry.zh.md": zh})
    kb = load_kb([root])
    warned = sorted(p.message for p in kb.problems)
    assert warned == [
        "checks not translated to 'zh' (shown in English): port",
        "tree not translated to 'zh' (shown in English): q, e",
        "versions not translated to 'zh' (shown in English): docker",
    ], kb.problems
    assert all(
        p.severity == "warning" and "sample-entry.zh.md:" in p.path + ":" for p in kb.problems
    )
    e = kb.get("sample-entry")
    assert e.version_notes("zh") == [("emqx", "5.8.0 镜像", "zh"), ("docker", "any release", "en")]
    assert e.version_notes("en") == [("emqx", "5.8.0 image", "en"), ("docker", "any release", "en")]
    out = run_kb("--kb", str(root), "--lang", "zh", "show", "sample-entry")
    assert out.returncode == 0, out.stderr
    assert "适用版本: emqx 5.8.0 镜像；docker any release" in out.stdout


# -- hostile YAML ------------------------------------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)


@pytest.mark.parametrize(
    "name,fm,needle",
    [
        ("alias bomb", BOMB, "aliases"),
        ("deep flow nesting", "x: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper"),
        (
            "deep block nesting",
            "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n",
            "nested deeper",
        ),
        ("100000-deep nesting", "x: " + "[" * 100_000 + "\n", "larger than 64 KiB"),
        (
            "python tag",
            "id: !!python/object/apply:os.system ['touch /tmp/kbtui-pwned']\n",
            "not allowed",
        ),
        ("huge front-matter", "summary: " + "x" * 70_000 + "\n", "larger than 64 KiB"),
        ("merge key", "base: &b {a: 1}\nother:\n  <<: *b\n", "merge keys"),
    ],
)
def test_hostile_yaml_is_rejected_fast(make_kb, name, fm, needle):
    root = make_kb(
        {"a/sample-entry.md": f"---\n{fm}---\nbody\n", "a/good-one.md": entry_text("good-one")}
    )
    start = time.perf_counter()
    kb = load_kb([root])
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{name} took {elapsed:.2f}s"
    assert "good-one" in kb.entries
    msgs = [str(p) for p in kb.errors if "sample-entry" in p.path]
    assert any(needle in m for m in msgs), msgs
    assert not Path("/tmp/kbtui-pwned").exists()


def test_lint_cli_lists_every_problem_and_exits_1(make_kb):
    from tests.helpers import run_kb

    root = make_kb(
        {
            "a/sample-entry.md": entry_text(title="no", extra="bogus: 1\n"),
            "a/good-one.md": entry_text("good-one"),
        }
    )
    out = run_kb("lint", str(root))
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert any(line.startswith(f"{root}/a/sample-entry.md:4: error:") for line in lines)
    assert any(
        line.startswith(f"{root}/a/sample-entry.md:9: error: unknown field 'bogus'")
        for line in lines
    )
    assert lines[-1] == "2 entries checked: 2 errors, 0 warnings"
    assert "Traceback" not in out.stderr
    clean = make_kb({"good-one.md": entry_text("good-one")}, name="clean")
    assert run_kb("lint", str(clean)).returncode == 0


def test_kb_search_still_answers_with_a_bad_entry(make_kb):
    from tests.helpers import run_kb

    root = make_kb(
        {
            "a/sample-entry.md": entry_text(extra="symptoms: [dup]\n"),
            "a/clock-entry.md": entry_text("clock-entry", title="Clock stepped backwards"),
        }
    )
    out = run_kb("--kb", str(root), "search", "clock stepped backwards")
    assert out.returncode == 0, out.stderr
    assert "clock-entry" in out.stdout
    assert "sample-entry.md:" in out.stderr and "duplicate key 'symptoms'" in out.stderr


def test_an_entry_with_a_name_that_is_no_id_and_an_unreadable_folder_are_told(
    tmp_path, monkeypatch
):
    """A Markdown file that starts like an entry but whose name is not an id is a warning (it
    used to vanish, lint clean); a plain README is not. A folder that cannot be read is an error
    naming it; the other entries still load."""
    import kb.loader as loader

    good = tmp_path / "emqx" / "entry-one.md"
    good.parent.mkdir()
    good.write_text(entry_text("entry-one"), "utf-8")
    (tmp_path / "My-Entry.md").write_text(entry_text("my-entry"), "utf-8")
    (tmp_path / "README.md").write_text("# notes\n", "utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.scandir

    def scandir(path):  # the tests run as root, whom permission bits do not stop
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(loader.os, "scandir", scandir)
    problems: list = []
    groups = discover([tmp_path], problems)
    assert list(groups) == ["entry-one"]
    told = {(Path(p.path).name, p.severity): p.message for p in problems}
    assert "not an entry id" in told[("My-Entry.md", "warning")]
    assert told[("locked", "error")].startswith("cannot read this folder (Permission denied)")
    assert not any(Path(p.path).name == "README.md" for p in problems)


def test_lint_of_a_folder_keeps_the_warning_about_a_link_out_of_it(tmp_path):
    """`kb lint DIR` reports what `kb lint` reports for DIR: a link that leads out of the KB is
    a problem of the folder it lies in, not of the file it points at."""
    from tests.helpers import run_kb

    (tmp_path / "sample-entry.md").write_text(entry_text(), "utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.md"
    outside.write_text(entry_text("outside-entry"), "utf-8")
    (tmp_path / "outside-entry.md").symlink_to(outside)
    r = run_kb("--kb", str(tmp_path), "lint", str(tmp_path))
    assert "outside-entry.md:0: warning: symlink leads out of the KB folder" in r.stdout, r
    r = run_kb("--kb", str(tmp_path), "lint", str(tmp_path / "sample-entry.md"))
    assert "symlink" not in r.stdout, r


def test_signature_warnings_name_their_own_line_after_an_invalid_one(make_kb):
    """QA: the JavaScript/mtail warnings counted the valid signatures, so each invalid one above
    shifted them up a line."""
    from kb.fleet.lint import site_signature_warnings

    sigs = "signatures:\n  - 'bad(?=lookahead)'\n  - 'ok one'\n  - 'x*'\n  - '(?U)lazy+'\n"
    root = make_kb({"a/sample-entry.md": entry_text(extra=sigs)})
    kb = load_kb([root])
    e = kb.get("sample-entry")
    assert e.signatures == ("ok one", "(?U)lazy+") and e.signature_lines == (11, 13)
    (warning,) = site_signature_warnings([e])
    assert warning.line == 13 and "(?U)lazy+" in warning.message


@pytest.mark.parametrize(
    "sigs,message",
    [
        ("[{primary: true}]", "missing required field 'signatures[0].pattern'; add it"),
        ("[{}]", "missing required field 'signatures[0].pattern'; add it"),
        ("\n  - 'ok \\d+'\n  -\n", "'signatures[1]' has no value; write it after the colon"),
    ],
)
def test_a_signature_without_a_pattern_is_an_error_at_its_line(make_kb, sigs, message):
    """QA: `signatures: [{primary: true}]` was dropped without a word and lint passed."""
    root = make_kb({"a/sample-entry.md": entry_text(extra=f"signatures: {sigs}\n")})
    probs = [str(p) for p in load_kb([root]).problems]
    line = 11 if sigs.startswith("\n") else 9
    assert probs == [f"{root}/a/sample-entry.md:{line}: error: {message}"], probs


def test_a_device_or_fifo_as_kb_is_refused_like_a_missing_path(tmp_path, monkeypatch):
    """QA: `--kb /dev/null` warned "KB folder does not exist" and exited 0."""
    from tests.helpers import run_kb

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    env = {"KBTUI_HOME": str(tmp_path / "home")}
    for path in ("/dev/null", str(fifo)):
        r = run_kb("--kb", path, "list", "--ids", env=env)
        assert r.returncode == 2 and r.stdout == "", r
        assert r.stderr == (
            f"kb: --kb {path}: not a folder or .md file (a device or named pipe?); give a folder"
            " of entries (or an entry file)\n"
        )
    monkeypatch.setenv("KBTUI_HOME", str(tmp_path / "home"))
    probs = []
    discover([fifo], probs)
    assert [str(p) for p in probs] == [
        f"{fifo}:0: error: not a folder or .md file; fix the path (--kb, KB_PATH or config "
        "kb_paths)"
    ]


def test_a_linked_folder_is_said_not_skipped_without_a_word(tmp_path):
    """A folder symlink inside a KB was dropped silently (file symlinks out of the KB warn)."""
    from kb.loader import load_kb

    kb = tmp_path / "kb"
    (kb / "real").mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    (other / "lost-entry.md").write_text(
        "---\nid: lost-entry\nkind: faq\ntitle: t\nsummary: s\nproducts: [docker]\n"
        "updated: 2026-12-05\n---\nbody\n"
    )
    (kb / "linked").symlink_to(other, target_is_directory=True)
    (kb / "_private").symlink_to(other, target_is_directory=True)  # skipped by name: no word
    loaded = load_kb([kb])
    said = [p for p in loaded.problems if "folder symlink not followed" in p.message]
    assert len(said) == 1 and said[0].path.endswith("linked") and said[0].severity == "warning"

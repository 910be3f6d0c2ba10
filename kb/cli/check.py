"""`kb check ID`: run an entry's live checks (read-only; only mqtt.roundtrip sends a message)."""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING, Any

from kb.cli.helpformat import HelpFormatter
from kb.redact import redact

if TYPE_CHECKING:
    from kb.checks.base import CheckResult


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="run an entry's live checks",
        description="Run the live checks of an entry (or one check: ID#CHECK) against the Docker host and "
        "brokers. Exit 0 when all pass, 1 when one fails or warns, 3 when one could not run.",
        epilog="Examples:\n  kb check emqx-monotonic-time-stepped-backwards\n"
        "  kb check emqx-unknown-clients-censys --set port=1884\n"
        "  kb check emqx-default-erlang-cookie-warning --set container=emqx-1 --json\n"
        "  kb check --all --junit checks.xml",
        formatter_class=HelpFormatter,
    )
    p.add_argument("id", nargs="*", metavar="ID", help="entry id, or ID#CHECK for one check")
    p.add_argument("--all", action="store_true", help="run the checks of every entry")
    p.add_argument("--target", metavar="NAME", help="a broker or Docker host from the config")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="overrides",
        help="override a check parameter (value read as YAML: 3, true, [0, 1]); repeatable",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    p.set_defaults(func=run)


def _select(kbase: Any, args: argparse.Namespace) -> list[tuple[Any, list[Any]]]:
    from kb.errors import UserError
    from kb.model import checks_named, parse_check_ref

    if args.all:
        return [
            (e, list(e.checks))
            for e in sorted(kbase.entries.values(), key=lambda e: e.id)
            if e.checks
        ]
    if not args.id:
        raise UserError("check: name an entry (kb check ID) or use --all")
    out = []
    for ref in args.id:
        entry, specs, problem = checks_named(kbase.entries, ref)
        if entry is None:
            import difflib

            owner = parse_check_ref(ref)[0]
            entry_id = owner or ref
            close = ", ".join(
                difflib.get_close_matches(entry_id, list(kbase.entries), n=3, cutoff=0.5)
            )
            if owner == "":  # `#check`: names no entry
                if close:
                    raise UserError(
                        "check: {problem}; did you mean {close}?", problem=problem, close=close
                    )
                raise UserError("check: {problem}; see kb list", problem=problem)
            if close:
                raise UserError(
                    "check: no entry {id!r}; did you mean {close}?", id=entry_id, close=close
                )
            raise UserError("check: no entry {id!r}; see kb list", id=entry_id)
        if problem:
            raise UserError("check: {problem}", problem=problem)
        out.append((entry, specs))
    # an entry or check named twice (kb check A A, A A/x) runs once, in the order first named
    merged: dict[str, tuple[Any, list[Any]]] = {}
    for entry, specs in out:
        kept = merged.setdefault(entry.id, (entry, []))[1]
        kept.extend(s for s in specs if all(s.id != k.id for k in kept))
    return list(merged.values())


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` redacted, without terminal escapes and without what XML 1.0 cannot carry (controls,
    U+FFFE/U+FFFF, lone surrogates): JUnit output stays well-formed whatever a container printed."""
    from kb.redact import redact
    from kb.sanitize import clean

    return _NOT_XML.sub("\ufffd", clean(redact(text), tabs="\t"))


def _writable_file(path: str) -> None:
    """Raise a UserError unless `path` can be written as a file (its folder exists and is
    writable, and it is not a folder itself)."""
    import os

    from kb.errors import UserError

    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise UserError(
            "--junit {path}: is a folder; give a file name, e.g. {path}/checks.xml", path=path
        )
    if not os.path.isdir(folder):
        if os.path.exists(folder):
            raise UserError(
                "--junit {path}: the folder {folder} is a file, not a folder",
                path=path,
                folder=folder,
            )
        raise UserError(
            "--junit {path}: the folder {folder} does not exist", path=path, folder=folder
        )
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UserError("--junit {path}: cannot write there (permission denied)", path=path)


def write_junit(path: str, results: list[Any], duration: float) -> None:
    """JUnit XML: one testcase per check (classname = entry id), evidence in system-out."""
    import xml.etree.ElementTree as ET

    def x(text: object) -> str:
        return xml_text(str(text))

    failures = sum(r.status in ("fail", "warn") for r in results)
    errors = sum(r.status == "error" for r in results)
    skipped = sum(r.status == "skip" for r in results)
    suite = ET.Element(
        "testsuite",
        name="kb check",
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        skipped=str(skipped),
        time=f"{duration:.3f}",
    )
    for r in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=x(r.entry or "kb"),
            name=x(r.check),
            time=f"{r.duration:.3f}",
        )
        if r.status in ("fail", "warn"):
            ET.SubElement(case, "failure", message=x(r.summary), type=r.status).text = x(
                "\n".join(r.evidence)
            )
        elif r.status == "error":
            ET.SubElement(case, "error", message=x(r.summary), type="error").text = x(
                "\n".join(r.evidence)
            )
        elif r.status == "skip":
            ET.SubElement(case, "skipped", message=x(r.summary))
        out = [r.title, r.summary, *r.evidence] + [f"next: {s}" for s in next_steps(r)]
        ET.SubElement(case, "system-out").text = x("\n".join(out))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _typed(value: Any) -> str:
    """A --set value as it was typed (values are read as YAML): true, not Python's True."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_typed(v) for v in value) + "]"
    return str(value)


def next_steps(result: CheckResult, lang: str = "en") -> list[str]:
    """What to do next, worded for the command line (the result carries it as data)."""
    from kb.i18n import say

    nxt = result.next
    if nxt is None:
        return []
    advice = result.advice_in(lang)
    steps = [advice] if advice else []
    if nxt.params:
        flags = " ".join(f"--set {p}=…" for p in nxt.params)
        steps.append(say("look elsewhere: {flags}", lang, flags=flags))
    if nxt.entry:
        steps.append(say("read: kb show {id}", lang, id=nxt.entry))
    return steps


def run(args: argparse.Namespace) -> int:
    import time

    from kb.checks import registry
    from kb.checks.runner import (
        ParamError,
        exit_code,
        overall,
        parse_overrides,
        run_checks,
        validate_overrides,
    )
    from kb.cli.common import (
        Style,
        lang_for,
        load_kb_for,
        print_json,
        reader_gone,
        sanitize,
        target_for,
        use_color,
        will_exit,
    )
    from kb.errors import UserError
    from kb.i18n import say, status_label

    kbase = load_kb_for(args)
    selected = _select(kbase, args)
    try:
        overrides = parse_overrides(args.overrides)
    except ParamError as exc:
        raise UserError("check: {problem}", problem=exc.words) from exc
    target, docker_hosts = target_for(args.target, "check", lang_for(args))
    if args.junit:
        _writable_file(args.junit)  # before the checks run, not after a minute of them
    try:
        validate_overrides((s for _, specs in selected for s in specs), overrides, target)
    except ParamError as exc:
        raise UserError("check: {problem}", problem=exc.words) from None

    st = Style(use_color() and not args.json)
    colour = {"pass": "1;32", "fail": "1;31", "error": "1;35", "warn": "1;33", "skip": "2"}
    current: list[str] = []
    lang = lang_for(args)

    def title_of(r: Any) -> str:
        """The check's title in the --lang language, where its entry has that translation."""
        entry = kbase.get(r.entry)
        return redact(entry.text(lang).check_titles.get(r.check, r.title)) if entry else r.title

    def show(r: Any) -> None:
        if args.json:
            return
        try:
            _show(r)
        except BrokenPipeError:
            # the reader went away (`| head -1`): the remaining checks still run, so the exit
            # code and --junit say what they found, not "success"
            reader_gone()

    def _show(r: Any) -> None:
        if current[-1:] != [r.entry]:
            current.append(r.entry)
            print(st.bold(r.entry))
        active = st.dim(say(" [active: sends one message]", lang)) if r.active else ""
        kind = registry.get(r.kind)
        used = [
            f"{k}={_typed(v)}" for k, v in overrides.items() if kind is not None and kind.param(k)
        ]
        # the title is the entry's words (port 1883); say which --set values this run used
        # (through the one redactor: `--set url=http://user:password@…` is a secret too)
        setting = st.dim(f" [--set {redact(' '.join(used))}]") if used else ""
        print(
            f"  {st(status_label(r.status, lang), colour[r.status])} {sanitize(title_of(r))}"
            f"{sanitize(setting)}{active}"
        )
        print(f"        {sanitize(r.summary_in(lang))} {st.dim(f'({r.duration:.2f} s)')}")
        for line in r.evidence:
            print(f"        {st.dim(sanitize(line))}")
        if r.status != "pass":
            for step in next_steps(r, lang):
                print(f"        → {sanitize(step)}")
        sys.stdout.flush()

    start = time.monotonic()
    results: list[CheckResult] = []

    def ran(r: Any) -> None:
        results.append(r)
        show(r)

    interrupted = False
    try:
        for entry, specs in selected:
            run_checks(entry, specs, target, overrides, on_result=ran, docker_hosts=docker_hosts)
    except KeyboardInterrupt:
        # Ctrl-C: what already ran is kept (JSON, --junit), as kb doctor keeps its findings
        interrupted = True
    duration = time.monotonic() - start
    if args.junit:
        write_junit(args.junit, results, duration)
    from kb.errors import EXIT_INTERRUPTED

    # a reader that stops early does not change the exit code
    code = will_exit(EXIT_INTERRUPTED if interrupted else exit_code(results))
    if args.json:
        print_json(
            {
                "status": overall(results),
                "results": [r.to_dict() for r in results],
                "interrupted": interrupted,
            }
        )
    else:
        counts: dict[str, int] = {}
        for r in results:
            counts[r.status] = counts.get(r.status, 0) + 1
        sep = "、" if lang == "zh" else ", "
        summary = sep.join(f"{n} {say(s, lang)}" for s, n in sorted(counts.items()))
        line = "{n} check(s): {summary} in {seconds} s"
        print(st.dim(say(line, lang, n=len(results), summary=summary, seconds=f"{duration:.2f}")))
    if interrupted:
        sys.stderr.write(say("kb: interrupted", lang) + "\n")
    return code

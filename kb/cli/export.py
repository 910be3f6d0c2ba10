"""`kb export site|mtail|alerts`: the knowledge base as a static website (docs/site.md), or as an
mtail program and Prometheus alert rules for a fleet's monitoring (docs/fleet.md)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kb.cli.helpformat import HelpFormatter


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export the knowledge base (static site, mtail program, Prometheus alerts)",
        description="Export the knowledge base in another form.",
    )
    kinds = parser.add_subparsers(dest="export_kind", metavar="FORMAT")
    site = kinds.add_parser(
        "site",
        help="a self-contained static website with client-side search",
        description=(
            "Write the knowledge base as a static website into OUT: one page per entry and "
            "language, product and tag pages, triage trees that work without JavaScript, and a "
            "Pagefind search index. OUT is replaced atomically; a non-empty folder that was not "
            "written by this command is refused."
        ),
        epilog="Example:\n  kb export site ./site --base-url https://kb.example.com/\n"
        "  python3 -m http.server -d ./site",
        formatter_class=HelpFormatter,
    )
    site.add_argument("out", metavar="OUT", type=Path, help="output folder")
    site.add_argument(
        "--base-url",
        metavar="URL",
        help="public URL of the site: sitemap.xml (written only with it), canonical links",
    )
    site.add_argument(
        "--templates",
        metavar="DIR",
        type=Path,
        help="folder whose templates and static/ files override the packaged ones "
        "(default: the user templates folder, see `kb paths`)",
    )
    site.add_argument(
        "--lang",
        dest="site_langs",
        action="append",
        choices=("en", "zh"),
        help="language to export (repeatable; default: en and zh)",
    )
    site.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    site.add_argument("--json", action="store_true", help="print a summary as JSON")
    from kb.cli.main import _global_options

    _global_options(site, argparse.SUPPRESS, lang=False)  # --kb and --debug after the command too
    site.set_defaults(func=run)
    _add_fleet_parsers(kinds)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def run(args: argparse.Namespace) -> int:
    import time

    from kb.cli.common import lang_for, load_kb_for, print_json
    from kb.cli.progress import LazyProgress
    from kb.errors import UserError
    from kb.i18n import say
    from kb.sanitize import path_text
    from kb.site.export import export_site

    if str(args.out) == "-":  # a site is a folder: '-' would make one named "-" right here
        raise UserError("export site: OUT is a folder, not '-'; give a folder, e.g. ./public")
    if args.base_url:
        args.base_url = check_base_url(args.base_url)
    if args.templates is not None and not args.templates.is_dir():
        raise UserError("--templates {path}: no such folder", path=path_text(args.templates))
    from kb.site.atomic import check_target
    from kb.site.export import MARKER

    check_target(args.out, MARKER)  # refuse a foreign folder before the (slower) KB load
    kbase = load_kb_for(args)
    started = time.monotonic()
    with LazyProgress("Exporting site") as bar:
        report = export_site(
            kbase,
            args.out,
            base_url=args.base_url,
            templates=args.templates,
            langs=tuple(args.site_langs or ("en", "zh")),
            progress=lambda done, total, _what: bar(done, total),
            search=not args.no_search,
        )
    elapsed = time.monotonic() - started
    if args.json:
        print_json(
            {
                "out": str(report.out),
                "entries": report.entries,
                "pages": report.pages,
                "search_records": report.search_records,
                "signatures": report.signatures,
                "signatures_left_out": report.signatures_left_out,
                "sitemap": report.sitemap,
                "seconds": round(elapsed, 2),
            }
        )
    else:
        lang = lang_for(args)
        sys.stderr.write(
            say(
                "kb: wrote {pages} pages for {entries} entries to {path} in {seconds:.1f}s",
                lang,
                pages=report.pages,
                entries=report.entries,
                path=path_text(report.out),
                seconds=elapsed,
            )
            + "\n"
        )
        if not report.sitemap:
            line = "kb: no sitemap.xml: it needs absolute URLs; pass --base-url URL"
            sys.stderr.write(say(line, lang) + "\n")
        if report.signatures_left_out:
            sys.stderr.write(
                say(
                    "kb: {n} signature(s) have no exact JavaScript form and are not matched on the"
                    " site; `kb lint` lists them",
                    lang,
                    n=report.signatures_left_out,
                )
                + "\n"
            )
    return 0


def check_base_url(url: str) -> str:
    """Refuse a --base-url that page paths cannot be appended to. Runbook URLs, canonical links and
    sitemap.xml are the base followed by `entries/ID.html`, so a `?query` or `#fragment` in the
    base swallowed the path (`https://kb.example.com/?x=1/entries/…`), and a `user:password@`
    would be published in every alert and page. One line, exit 2 (UserError).

    Returns the URL normalised: the scheme and host in lower case (both are case-insensitive,
    RFC 3986 §3.1, §3.2.2: `HTTPS://KB.Example.COM/` is `https://kb.example.com/`)."""
    from urllib.parse import urlsplit, urlunsplit

    from kb.errors import UserError
    from kb.redact import redact
    from kb.sanitize import one_line
    from kb.words import Words

    shown = one_line(redact(url))
    if not url.lower().startswith(("http://", "https://")):
        raise UserError("--base-url {url}: must start with http:// or https://", url=shown)
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
    if cut >= 0:
        raise UserError(
            "--base-url {url}: a site URL has no ?query or #fragment (page paths are appended to"
            " it); use {fixed}",
            url=shown,
            fixed=one_line(redact(url[:cut])),
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise UserError("--base-url {url}: not a valid URL", url=shown) from None
    if not parts.hostname:
        raise UserError("--base-url {url}: names no host; e.g. https://kb.example.com/", url=shown)
    if "@" in parts.netloc:
        raise UserError(
            "--base-url {url}: the URL is published in every page and alert; leave out the user"
            " name and password",
            url=shown,
        )
    if not _valid_host(parts.hostname):
        raise UserError(
            "--base-url {url}: {host!r} is not a host name or IP address",
            url=shown,
            host=one_line(parts.hostname),
        )
    bad = sorted({c for c in parts.path if c in _NOT_IN_URL or not c.isprintable()})
    if bad or re.search(r"%(?![0-9A-Fa-f]{2})", parts.path):
        what = " ".join(repr(c) for c in bad) if bad else Words("a % that starts no %XX escape")
        raise UserError(
            "--base-url {url}: a URL path cannot hold {what}; percent-encode it (a space is %20,"
            " a % is %25)",
            url=shown,
            what=what if isinstance(what, Words) else one_line(what),
        )
    host = parts.hostname  # lower case
    netloc = (f"[{host}]" if ":" in host else host) + (
        f":{parts.port}" if parts.port is not None else ""
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, "", ""))


# Characters RFC 3986 never allows in a URL (spaces, quotes, angle brackets…). A non-ASCII path
# (/知识库/) is fine: sitemap.xml and the links get it percent-encoded (kb.site.urls.ascii_url).
_NOT_IN_URL = frozenset(' "<>\\^`{|}')
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def _valid_host(host: str) -> bool:
    """A DNS name (Unicode labels allowed: they are published in IDNA form), or an IP address."""
    import ipaddress

    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def _add_fleet_parsers(kinds: argparse._SubParsersAction) -> None:

    from kb.cli.main import _global_options

    mtail = kinds.add_parser(
        "mtail",
        help="an mtail program counting each entry's signature matches in log files",
        description=(
            "Write DIR/kbtui.mtail: an mtail program that counts, per entry, the log lines "
            "matching its signatures (kb_signature_matches_total{entry=...}), for Docker "
            "json-file logs and plain log files alike. A signature that cannot be written exactly "
            "in mtail's dialect is reported (file:line) and left out, never changed."
        ),
        epilog="Example:\n  kb export mtail /etc/mtail\n"
        "  mtail --progs /etc/mtail --logs '/var/lib/docker/containers/*/*-json.log'",
        formatter_class=HelpFormatter,
    )
    mtail.add_argument(
        "out", metavar="DIR", type=Path, help="folder for kbtui.mtail (created; '-': stdout)"
    )
    mtail.add_argument(
        "--strict", action="store_true", help="exit 1 when any signature had to be left out"
    )
    mtail.add_argument("--json", action="store_true", help="print a summary as JSON")
    _global_options(mtail, argparse.SUPPRESS)
    mtail.set_defaults(func=run_mtail)

    alerts = kinds.add_parser(
        "alerts",
        help="Prometheus alert rules, one per entry with signatures",
        description=(
            "Write a Prometheus rule file: one alert (KbKnownProblem) per entry with signatures, "
            "firing while the entry's mtail counter goes up, labelled entry/product/severity, "
            "with the entry's title and summary and a runbook_url to its page on the site "
            "exported with the same --base-url."
        ),
        epilog="Example:\n  kb export alerts /etc/prometheus/rules/kbtui.yml "
        "--base-url https://kb.example.com/\n  promtool check rules /etc/prometheus/rules/kbtui.yml",
        formatter_class=HelpFormatter,
    )
    alerts.add_argument("out", metavar="FILE", type=Path, help="rule file to write ('-': stdout)")
    alerts.add_argument(
        "--base-url",
        metavar="URL",
        required=True,
        help="public URL of the exported site (runbook links point to its entry pages)",
    )
    alerts.add_argument(
        "--window",
        default="10m",
        metavar="RANGE",
        help="how long an alert keeps firing after the last matching line (default: 10m)",
    )
    alerts.add_argument("--json", action="store_true", help="print a summary as JSON")
    # --lang here picks the language of summaries, descriptions and runbook pages (default: en)
    _global_options(alerts, argparse.SUPPRESS)
    alerts.set_defaults(func=run_alerts)


def run_mtail(args: argparse.Namespace) -> int:
    from kb.cli.common import lang_for, load_kb_for, print_json, sanitize
    from kb.fleet.mtail import PROGRAM_NAME, build_program
    from kb.i18n import Words, say
    from kb.sanitize import path_text
    from kb.site.atomic import write_text_atomic

    kbase = load_kb_for(args)
    prog = build_program(kbase.entries.values())
    lang = lang_for(args)
    if str(args.out) == "-":  # as `kb export alerts -`: the program on stdout
        for omission in prog.omitted:
            sys.stderr.write(sanitize(say(omission.words(), lang)) + "\n")
        sys.stdout.write(prog.text)
        return 1 if args.strict and prog.omitted else 0
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / PROGRAM_NAME
    write_text_atomic(target, prog.text)
    for omission in prog.omitted:
        sys.stderr.write(sanitize(say(omission.words(), lang)) + "\n")
    if args.json:
        print_json(
            {
                "out": str(target),
                "entries": len(prog.entries),
                "signatures": prog.signatures,
                "omitted": [
                    {
                        "entry": o.entry_id,
                        "path": o.path,
                        "line": o.line,
                        "pattern": o.pattern,
                        "branch": o.branch,
                        "reason": str(o.reason),
                    }
                    for o in prog.omitted
                ],
            }
        )
    else:
        left_out = Words(", {n} left out (above)", n=len(prog.omitted)) if prog.omitted else ""
        sys.stderr.write(
            say(
                "kb: wrote {path}: {entries} entries, {signatures} signatures{left_out}",
                lang,
                path=path_text(target),
                entries=len(prog.entries),
                signatures=prog.signatures,
                left_out=left_out,
            )
            + "\n"
        )
    return 1 if args.strict and prog.omitted else 0


def run_alerts(args: argparse.Namespace) -> int:
    from kb.cli.common import lang_for, load_kb_for, print_json
    from kb.errors import UserError
    from kb.fleet.alerts import build_rules, render, valid_window
    from kb.i18n import say
    from kb.sanitize import path_text
    from kb.site.atomic import write_text_atomic

    args.base_url = check_base_url(args.base_url)
    if not valid_window(args.window):
        raise UserError(
            "--window {window}: use a Prometheus range such as 5m, 90s or 1h", window=args.window
        )
    kbase = load_kb_for(args)
    rules = build_rules(
        kbase.entries.values(), base_url=args.base_url, lang=args.lang or "en", window=args.window
    )
    text = render(rules)
    if str(args.out) == "-":
        sys.stdout.write(text)
    else:
        write_text_atomic(args.out, text)
    if args.json and str(args.out) != "-":
        print_json({"out": str(args.out), "alerts": len(rules.entries), "entries": rules.entries})
    elif str(args.out) != "-":
        line = say(
            "kb: wrote {path}: {n} alerts",
            lang_for(args),
            path=path_text(args.out),
            n=len(rules.entries),
        )
        sys.stderr.write(line + "\n")
    return 0

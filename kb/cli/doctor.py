"""`kb doctor`: scan the Docker hosts' containers and name the entries that explain their problems."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from kb.cli.helpformat import HelpFormatter


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor",
        help="scan Docker hosts for known problems",
        description="Scan every container of each Docker host (concurrently): unexpected exits, OOM kills, "
        "restart loops, unhealthy containers, recent logs against every entry's signatures, and the "
        "container checks of recognised broker containers. Read-only. The whole scan ends by --timeout "
        "and each container's part (its log stream included) by --container-timeout; Ctrl-C stops it "
        "within a second and prints what was found so far. A host that could not be scanned fully is "
        "reported as not ok. Exit 0 when nothing was found, 1 when something was, 3 when a host could "
        "not be scanned (or only partly), 130 when interrupted.",
        epilog="Examples:\n  kb doctor\n  kb doctor --host ssh://ops@prod-1 --host unix:///var/run/docker.sock\n"
        "  kb doctor --host ssh://ops@prod-1 --host ssh://ops@prod-2 --host-timeout 20\n"
        "  DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=DIR kb doctor --host tcp://10.0.0.9:2376\n"
        "  kb doctor --json",
        formatter_class=HelpFormatter,
    )
    p.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="URL",
        help="Docker host URL or configured name (repeatable; default: configured hosts, "
        "else DOCKER_HOST / the current context / the local socket)",
    )
    p.add_argument(
        "--timeout",
        type=_seconds(1, 3600),
        default=None,
        metavar="SECONDS",
        help="deadline for the whole scan (default 60)",
    )
    p.add_argument(
        "--container-timeout",
        type=_seconds(0.5, 600),
        default=None,
        metavar="SECONDS",
        help="deadline for each container, its log stream included (default 10)",
    )
    p.add_argument(
        "--host-timeout",
        type=_seconds(1, 3600),
        default=None,
        metavar="SECONDS",
        help="deadline for each host (hosts are scanned concurrently; default: --timeout)",
    )
    p.add_argument(
        "--json", action="store_true", help="print {findings, hosts, duration, interrupted}"
    )
    p.set_defaults(func=run)


def _seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        from kb.cli.parser_words import spoken
        from kb.i18n import say

        try:
            value = float(text)
        except ValueError:
            why = say("{text!r} is not a number of seconds", spoken(), text=text)
            raise argparse.ArgumentTypeError(why) from None
        if not low <= value <= high:  # also rejects nan
            why = say("must be between {low:g} and {high:g} seconds", spoken(), low=low, high=high)
            raise argparse.ArgumentTypeError(why)
        return value

    return parse


def _config_warnings(hosts: list[str], lang: str) -> None:
    """config.yaml's problems on stderr when the scan uses it (its hosts, or a --host NAME); an
    unreadable config is left to the scan (an explicit --host URL works without one)."""
    from kb.cli.common import config_targets
    from kb.errors import UserError

    try:
        config_targets(lang, skip=hosts)
    except UserError:
        if not hosts:
            raise


def run(args: argparse.Namespace) -> int:
    from kb.checks.doctor import run_doctor
    from kb.cli.common import (
        Style,
        lang_for,
        load_kb_for,
        print_json,
        sanitize,
        use_color,
        will_exit,
    )
    from kb.i18n import evidence_in, say, status_label
    from kb.redact import redact

    kbase = load_kb_for(args)
    from kb.checks.doctor import PER_CONTAINER_TIMEOUT, SCAN_TIMEOUT

    if not args.host or any("://" not in h for h in args.host):
        _config_warnings(args.host or [], lang_for(args))
    from kb.errors import EXIT_COULD_NOT_RUN, EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEM

    lang = lang_for(args)
    report = run_doctor(
        kbase,
        hosts=args.host or None,
        timeout=args.timeout or SCAN_TIMEOUT,
        container_timeout=args.container_timeout or PER_CONTAINER_TIMEOUT,
        host_timeout=args.host_timeout,
        lang=lang,
    )
    code = (
        EXIT_INTERRUPTED
        if report.interrupted
        else EXIT_COULD_NOT_RUN
        if any(not h.ok for h in report.hosts)
        else (EXIT_PROBLEM if report.findings else EXIT_OK)
    )
    will_exit(code)  # `kb doctor | head`: a reader that stops early does not change it
    if args.json:
        print_json(report.to_dict())
        return code
    st = Style(use_color())
    colour = {"fail": "1;31", "error": "1;35", "warn": "1;33"}
    for f in report.findings:
        where = f.container if len(report.hosts) < 2 else f"{f.container} @ {f.host}"
        print(
            f"{st(status_label(f.status, lang), colour.get(f.status, '0'))} {st.bold(sanitize(where))}  {sanitize(f.summary.removeprefix(f.container + ': '))}"
        )
        for line in f.evidence:
            print(f"      {st.dim(sanitize(evidence_in(line, lang)))}")
        if f.entry:
            print(f"      → kb show {f.entry}")
    scanned = sum(h.containers for h in report.hosts)
    partial = (
        ""
        if all(h.ok for h in report.hosts) and not report.interrupted
        else say(" (not all scanned)", lang)
    )
    for h in report.hosts:
        if not h.ok:
            why = h.error or ""
            if lang == "zh":
                from kb.checks.doctor import unscanned_why_zh

                why = unscanned_why_zh(why)
            sys.stderr.write(
                sanitize(
                    f"kb: doctor: {h.host}{f' ({redact(h.endpoint)})' if h.endpoint else ''}: "
                    f"{redact(why)}"
                )
                + "\n"
            )
    if report.interrupted:
        stop = "kb: doctor: interrupted; the findings above are what was found so far"
        sys.stderr.write(say(stop, lang) + "\n")
    if not report.findings and partial:
        # not an all-clear: part of the scan did not happen
        line = (
            "No known problem found so far: {containers} container(s) scanned on {hosts} host(s)"
            "{partial}."
        )
        print(say(line, lang, containers=scanned, hosts=len(report.hosts), partial=partial))
    elif not report.findings:
        line = "No known problem found in {containers} container(s) on {hosts} host(s){partial}."
        print(say(line, lang, containers=scanned, hosts=len(report.hosts), partial=partial))
    else:
        line = (
            "{n} finding(s) in {containers} container(s) on {hosts} host(s){partial}, {seconds} s"
        )
        counts = {"containers": scanned, "hosts": len(report.hosts), "partial": partial}
        seconds = f"{report.duration:.2f}"
        print(st.dim(say(line, lang, n=len(report.findings), seconds=seconds, **counts)))
    return code

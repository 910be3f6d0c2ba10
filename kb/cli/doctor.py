"""`kb doctor`: scan the Docker hosts' containers and name the entries that explain their problems."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor",
        help="scan Docker hosts for known problems",
        description="Scan every container of each Docker host (concurrently): unexpected exits, OOM kills, "
        "restart loops, unhealthy containers, recent logs against every entry's signatures, and the "
        "container checks of recognised broker containers. Read-only. Exit 0 when nothing was found, "
        "1 when something was, 3 when a host could not be scanned.",
        epilog="Examples:\n  kb doctor\n  kb doctor --host ssh://ops@prod-1 --host unix:///var/run/docker.sock\n"
        "  kb doctor --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="URL",
        help="Docker host URL or configured name (repeatable; default: configured hosts, "
        "else DOCKER_HOST / the current context / the local socket)",
    )
    p.add_argument("--json", action="store_true", help="print {findings: [...], hosts: [...]}")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kb.checks.doctor import run_doctor
    from kb.cli.common import Style, load_kb_for, print_json, sanitize, use_color

    kbase = load_kb_for(args)
    report = run_doctor(kbase, hosts=args.host or None)
    from kb.errors import EXIT_COULD_NOT_RUN, EXIT_OK, EXIT_PROBLEM

    code = (
        EXIT_COULD_NOT_RUN
        if any(not h.ok for h in report.hosts)
        else (EXIT_PROBLEM if report.findings else EXIT_OK)
    )
    if args.json:
        print_json(report.to_dict())
        return code
    st = Style(use_color())
    colour = {"fail": "1;31", "error": "1;35", "warn": "1;33"}
    for f in report.findings:
        where = f.container if len(report.hosts) < 2 else f"{f.container} @ {f.host}"
        print(
            f"{st(f.status.upper().ljust(5), colour.get(f.status, '0'))} {st.bold(sanitize(where))}  {sanitize(f.summary.removeprefix(f.container + ': '))}"
        )
        for line in f.evidence:
            print(f"      {st.dim(sanitize(line))}")
        if f.entry:
            print(f"      → kb show {f.entry}")
    scanned = sum(h.containers for h in report.hosts if h.ok)
    for h in report.hosts:
        if not h.ok:
            sys.stderr.write(f"kb: doctor: {h.host} ({h.endpoint}): {h.error}\n")
    if not report.findings:
        print(f"No known problem found in {scanned} container(s) on {len(report.hosts)} host(s).")
    else:
        n = len(report.findings)
        print(
            st.dim(
                f"{n} finding(s) in {scanned} container(s) on {len(report.hosts)} host(s), {report.duration:.2f} s"
            )
        )
    return code

"""`kb serve metrics`: live checks and doctor results for Prometheus (see docs/fleet.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kb.cli.helpformat import HelpFormatter


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve check and doctor results as Prometheus metrics",
        description="Long-running services. `kb serve metrics` runs chosen entries' checks and "
        "kb doctor on an interval, each round under a deadline, and serves the last results at "
        "/metrics in Prometheus' text format (read-only, like every check).",
    )
    kinds = p.add_subparsers(dest="serve_kind", metavar="SERVICE")
    m = kinds.add_parser(
        "metrics",
        help="kb_check_status / kb_doctor_finding for Prometheus to scrape",
        description=(
            "Every --interval seconds, run the checks named by --check (ENTRY for all of its "
            "checks, ENTRY#CHECK for one) and a kb doctor scan of --host (default: the local "
            "Docker host), all within --timeout, and serve the results at http://LISTEN/metrics: "
            "kb_check_status{entry,check,kind,host} (0 pass, 1 warn, 2 fail, 3 error, 4 skip), "
            "kb_doctor_finding{entry,container,host,kind,status}, kb_doctor_host_ok{host} and "
            "kb_refresh_complete. Checks that send messages are left out unless --allow-active. "
            "With --once, print one round to stdout and exit (for node_exporter's textfile "
            "collector)."
        ),
        epilog="Examples:\n"
        "  kb serve metrics --check rabbitmq-memory-alarm-publishers-blocked --listen 0.0.0.0:9817\n"
        "  kb serve metrics --no-doctor --check emqx-unknown-clients-censys --set host=10.0.0.5\n"
        "  kb serve metrics --once > /var/lib/node_exporter/textfile/kbtui.prom",
        formatter_class=HelpFormatter,
    )
    m.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="REF",
        help="ENTRY or ENTRY#CHECK; repeatable",
    )
    m.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="overrides",
        help="override a check parameter for every --check (as in kb check); repeatable",
    )
    m.add_argument("--target", metavar="NAME", help="a broker or Docker host from the config")
    m.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="URL",
        help="Docker host for doctor and docker.* checks; repeatable: each is scanned and each "
        "docker.* check runs on each, one series per host (default: the local one)",
    )
    m.add_argument("--no-doctor", action="store_true", help="do not run kb doctor each round")
    m.add_argument("--allow-active", action="store_true", help="also run checks that send messages")
    m.add_argument(
        "--listen", default="127.0.0.1:9817", metavar="ADDR:PORT", help="default 127.0.0.1:9817"
    )
    m.add_argument("--interval", type=float, default=60.0, metavar="SECONDS", help="default 60")
    m.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="deadline of one round (default 30)",
    )
    m.add_argument("--once", action="store_true", help="print one round and exit")
    from kb.cli.main import _global_options

    _global_options(m, argparse.SUPPRESS)
    m.set_defaults(func=run_metrics)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _listen(value: str) -> tuple[str, int]:
    from kb.errors import UserError

    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserError("--listen {value}: use ADDR:PORT, e.g. 127.0.0.1:9817", value=value)
    return host.strip("[]") or "127.0.0.1", int(port)


def run_metrics(args: argparse.Namespace) -> int:
    import threading

    from kb.checks.runner import (
        ParamError,
        parse_overrides,
        resolve_params,
        run_check,
        validate_overrides,
    )
    from kb.cli.common import config_targets, lang_for, load_kb_for, sanitize, target_for
    from kb.errors import UserError
    from kb.fleet.metrics import Round, Selected, Server, collect, host_label, render, select_checks
    from kb.i18n import say

    if not 0 < args.timeout <= 600:
        raise UserError("--timeout: give 0 < SECONDS <= 600")
    if args.interval < args.timeout and not args.once:
        raise UserError("--interval must be at least --timeout (a round must end before the next)")
    addr = _listen(args.listen)
    kbase = load_kb_for(args)
    chosen, problems = select_checks(kbase, args.check, allow_active=args.allow_active)
    lang = lang_for(args)
    for problem in problems:
        sys.stderr.write(say("kb: {message}", lang, message=sanitize(say(problem, lang))) + "\n")
    if problems and not chosen and args.check:
        raise UserError("serve metrics: none of the --check references can run (above)")
    try:
        overrides = parse_overrides(args.overrides)
    except ParamError as exc:
        raise UserError("serve metrics: {problem}", problem=exc.words) from None
    # config.yaml's problems on stderr; a --target or --host NAME it cannot use is refused
    conf = config_targets(lang, skip=[args.target or "", *(args.host or [])])
    from kb.checks.doctor import resolve_docker_hosts

    # the doctor's rule: a name that is no endpoint, context or configured host is refused
    hosts = resolve_docker_hosts(args.host or [], "serve metrics")
    target, docker_hosts = target_for(args.target, "--target", lang)
    try:
        # refused at start-up, as kb check does: a typo would quietly monitor the defaults and a
        # bad value would serve an `error` series for as long as the service runs
        validate_overrides((spec for _, spec in chosen), overrides, target)
    except ParamError as exc:
        raise UserError("serve metrics: {problem}", problem=exc.words) from None
    named = conf.docker_urls()
    # docker.* (and host.*) checks run once per --host, as kb doctor scans each: one series per
    # host, labelled as kb doctor labels it (the --host as given; `local` without one)
    defaults: list[tuple[str | None, str | None]] = [*hosts] or [(None, None)]
    selected: list[Selected] = []
    seen: set[tuple[str, str, str]] = set()
    for entry, spec in chosen:
        params, _ = resolve_params(spec, overrides, target)
        per_host = spec.kind.startswith(("docker.", "host."))
        for label, url in defaults if per_host else defaults[:1]:
            sel = Selected(entry, spec, host_label(spec, params, label, named), url)
            # a check whose own parameters name its Docker host runs there once, whatever --host
            if (entry.id, spec.id, sel.host) not in seen:
                seen.add((entry.id, spec.id, sel.host))
                selected.append(sel)

    def run_one(sel: Selected, cancel: threading.Event) -> Any:
        return run_check(
            sel.entry,
            sel.spec,
            target,
            overrides,
            cancel,
            docker_hosts=docker_hosts,
            default_docker_host=sel.docker_host,
        )

    def doctor(cancel: threading.Event, deadline: float) -> Any:
        from kb.checks.doctor import run_doctor

        return run_doctor(kbase, hosts=args.host or None, cancel=cancel, timeout=deadline)

    def refresh(stop: threading.Event | None = None) -> Round:
        return collect(
            selected,
            run_one=run_one,
            doctor=None if args.no_doctor else doctor,
            deadline=args.timeout,
            stop=stop,
        )

    if args.once:
        rnd = refresh()
        sys.stdout.write(render(rnd))
        return 0 if rnd.complete else 3
    return _serve(Server(refresh, args.interval), addr, lang)


def _serve(server: Any, addr: tuple[str, int], lang: str) -> int:
    """Serve until SIGTERM (exit 0, a service stopped) or SIGINT (exit 130, interrupted, as every
    kb command): either cancels the running round, so the process ends within a second."""
    import signal
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from kb.errors import EXIT_INTERRUPTED, EXIT_OK, UserError
    from kb.i18n import Words, say

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            # liveness probes (`curl -I`, load balancers) ask with HEAD: the GET headers, no body
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, body: bool) -> None:
            if self.path.split("?", 1)[0] == "/metrics":
                content = server.text().encode()
                ctype = "text/plain; version=0.0.4; charset=utf-8"
            elif self.path == "/":
                content = b"kb serve metrics: see /metrics\n"
                ctype = "text/plain; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if body:
                self.wfile.write(content)

        def log_message(self, *args: object) -> None:
            pass

    try:
        httpd = ThreadingHTTPServer(addr, Handler)
    except OSError as exc:
        raise UserError(
            "--listen {host}:{port}: {why}",
            host=addr[0],
            port=addr[1],
            why=Words(exc.strerror or str(exc)),
        ) from None
    httpd.daemon_threads = True
    worker = threading.Thread(target=server.loop, name="kb-metrics-refresh", daemon=True)
    worker.start()

    stopped_by: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopped_by.append(signum)
        server.stop.set()  # ends the loop and cancels the round it is in (collect's `stop`)
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stderr.write(
        say(
            "kb: serving metrics at {url}",
            lang,
            url=f"http://{addr[0]}:{httpd.server_address[1]}/metrics",
        )
        + "\n"
    )
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        server.stop.set()
        httpd.server_close()
        # the cancelled round's checks end within ~50 ms (docs/checks.md); wait that long for them
        worker.join(timeout=2.0)
    if signal.SIGINT in stopped_by:
        sys.stderr.write(say("kb: interrupted", lang) + "\n")
    return EXIT_INTERRUPTED if signal.SIGINT in stopped_by else EXIT_OK

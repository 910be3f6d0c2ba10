"""`kb paths`: where kbtui keeps its settings, cache and index, and which KB folders it reads."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "paths",
        help="show config, cache and KB folders",
        description="Show where kbtui reads "
        "and writes files. KBTUI_HOME moves config, cache and data under one folder.",
    )
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kb import paths
    from kb.checks import targets
    from kb.cli.common import lang_for, print_json, sources_for
    from kb.i18n import problem_line, say

    sources = sources_for(args)
    # what of config.yaml's docker_hosts/brokers the checks will not use, and why (path:line: …)
    found = targets.load().problems
    problems = [str(p) for p in found]  # --json: English, machine-readable
    data = {
        "config_file": str(paths.config_file()),
        "cache_dir": str(paths.cache_dir()),
        "index_root": str(paths.index_root()),
        "data_dir": str(paths.data_dir()),
        "templates_dir": str(paths.user_templates_dir()),
        "bundled_kb": str(paths.bundled_kb()),
        "kb_sources": [str(s) for s in sources],
    }
    if args.json:
        print_json({**data, "config_problems": problems})
        return 0
    lang = lang_for(args)
    for key, value in data.items():  # the keys are the --json keys, in either language
        if key == "kb_sources":
            print(say("kb_sources (lowest precedence first):", lang))
            for s in sources:
                print(f"  {s}{'' if s.exists() else say('  (missing)', lang)}")
        else:
            print(f"{key + ':':<15} {value}")
    if found:
        print(say("config problems (these targets are not used until fixed):", lang))
        for problem in found:
            print(f"  {problem_line(problem, lang)}")
    return 0

"""`kb completion bash|zsh|fish`: shell completion, including entry ids.

The shell scripts are thin: on TAB they call `kb completion --complete CWORD WORDS...`, and this
module answers from the real argparse parser (so completion never drifts from the commands) and
from the KB file names (entry ids, found without parsing any entry).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.loader import KnowledgeBase
    from kb.model import Entry

ID_COMMANDS = {"show", "check"}
FILE_OPTIONS = {"--kb", "--junit", "--templates"}

BASH = r"""# kb completion for bash: eval "$(kb completion bash)"
_kb_complete() {
    local IFS=$'\n'
    local out
    out=$(kb completion --complete "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null)
    if [ "$out" = "__files__" ]; then
        COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}"))
    else
        COMPREPLY=($(compgen -W "$out" -- "${COMP_WORDS[COMP_CWORD]}"))
    fi
}
complete -o default -F _kb_complete kb
"""

ZSH = r"""#compdef kb
# kb completion for zsh: eval "$(kb completion zsh)"
_kb() {
    local -a out
    out=("${(@f)$(kb completion --complete $((CURRENT - 1)) "${words[@]}" 2>/dev/null)}")
    if [[ "$out" == "__files__" ]]; then _files; else compadd -- "${out[@]}"; fi
}
compdef _kb kb
"""

FISH = r"""# kb completion for fish: kb completion fish | source
function __kb_complete
    set -l words (commandline -opc) (commandline -ct)
    kb completion --complete (math (count $words) - 1) $words 2>/dev/null
end
complete -c kb -f -a '(__kb_complete)'
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "completion",
        help="print a shell completion script",
        description='Print a completion script. bash: eval "$(kb completion bash)"; '
        'zsh: eval "$(kb completion zsh)"; fish: kb completion fish | source',
    )
    p.add_argument("shell", nargs="?", choices=("bash", "zsh", "fish"))
    p.add_argument("--complete", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def entry_ids(extra: list[str] | None = None) -> list[str]:
    """Ids of the KB the command line names: the usual folders and its `--kb DIR`s."""
    from kb.loader import discover, kb_sources

    try:
        return list(discover(kb_sources(extra or [])))
    except Exception:
        return []


def _kb_options(words: list[str]) -> list[str]:
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w == "--kb"] + [
        w.split("=", 1)[1] for w in words if w.startswith("--kb=")
    ]


def candidates(cword: int, words: list[str]) -> list[str]:
    """What may come at position `cword` of `words` (words[0] is 'kb')."""
    from kb.cli.main import build_parser

    parser = build_parser()
    sub_action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    current = words[cword] if cword < len(words) else ""
    previous = words[cword - 1] if cword >= 1 and cword - 1 < len(words) else ""
    command = next((w for w in words[1:cword] if w in sub_action.choices), None)
    active = sub_action.choices[command] if command else parser
    nested = next((a for a in active._actions if isinstance(a, argparse._SubParsersAction)), None)
    if command and nested is not None:
        # a command with its own commands (kb export site|mtail|alerts)
        chosen = next((w for w in words[1:cword] if w in nested.choices), None)
        if chosen is None and not current.startswith("-"):
            return sorted(nested.choices)
        if chosen is not None:
            active = nested.choices[chosen]
    for action in active._actions:
        if previous in action.option_strings and action.nargs != 0:
            if previous in FILE_OPTIONS:
                return ["__files__"]
            if action.choices:
                return [str(c) for c in action.choices]
            return _values(action.dest, command, words[:cword])
    if current.startswith("-"):
        return sorted(
            o for a in active._actions for o in a.option_strings if a.help != argparse.SUPPRESS
        )
    if command is None:
        return sorted(sub_action.choices)
    if command == "check" and "#" in current:
        # ENTRY#CHECK: the entry's own check ids
        entry = _entry(current.split("#", 1)[0], words[:cword])
        return [f"{entry.id}#{c.id}" for c in entry.checks] if entry is not None else []
    if command in ID_COMMANDS:
        return entry_ids(_kb_options(words[:cword]))
    if command == "completion":
        return ["bash", "zsh", "fish"]
    return []


def _values(dest: str, command: str | None, words: list[str]) -> list[str]:
    """Values of an option that takes one: products and tags of the KB, configured targets,
    the parameters the chosen entries' checks declare (`--set NAME=`)."""
    try:
        if dest == "target":
            from kb.checks import targets

            return targets.load().names()
        if dest in ("product", "tag"):
            field = "products" if dest == "product" else "tags"
            entries = _load(words).entries.values()
            return sorted({v for e in entries for v in getattr(e, field)})
        if dest == "overrides" and command == "check":
            from kb.checks import registry

            kbase = _load(words)  # once, whatever the number of ids on the line
            names: set[str] = set()
            for word in words[2:]:
                entry = kbase.get(word.split("#", 1)[0]) if not word.startswith("-") else None
                for spec in entry.checks if entry is not None else ():
                    kind = registry.get(spec.kind)
                    if kind is not None:
                        names.update(p.name for p in kind.params)
            return sorted(f"{n}=" for n in names)
    except Exception:  # noqa: BLE001 - completion never fails the shell
        return []
    return []


def _load(words: list[str]) -> KnowledgeBase:
    """The KB the command line names (the usual folders and its `--kb DIR`s)."""
    from kb.loader import kb_sources, load_kb

    return load_kb(kb_sources(_kb_options(words)))


def _entry(eid: str, words: list[str]) -> Entry | None:
    """The entry called `eid` in the KB the command line names, or None."""
    if not eid or eid.startswith("-"):
        return None
    try:
        return _load(words).get(eid)
    except Exception:  # noqa: BLE001 - completion never fails the shell
        return None


def run(args: argparse.Namespace) -> int:
    from kb.errors import UserError

    if args.complete is not None:
        try:
            cword = int(args.complete[0])
        except (IndexError, ValueError):
            return 2
        print("\n".join(candidates(cword, args.complete[1:])))
        return 0
    if not args.shell:
        raise UserError("name a shell: kb completion bash|zsh|fish")
    sys.stdout.write({"bash": BASH, "zsh": ZSH, "fish": FISH}[args.shell])
    return 0

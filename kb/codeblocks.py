"""Which code blocks of an entry are fixes to copy: the one rule for "fix commands".

Entries fence log excerpts and command output as ```text (or ```log), commands as ```sh,
```bash, ```console or without a label, and configuration as ```hocon, ```properties, ```yaml …
Commands and configuration snippets are offered where a reader picks one to copy (the TUI's `f`);
log excerpts never are (a log line pasted into a shell runs its first word). A console
transcript (`$ command` lines followed by output) yields its commands without the prompt.
"""

from __future__ import annotations

# the fence labels of what a program printed (log excerpts, command output): never a fix. Every
# other block is something to paste: a command (sh, console, unlabelled) or a configuration
# snippet (hocon, properties, yaml, ini, conf …) that the fix says to put in a file
OUTPUT_LANGS: frozenset[str] = frozenset(
    {"text", "txt", "log", "logs", "output", "plaintext", "plain", "none", "stdout", "stderr"}
)
PROMPT = "$ "


def fence_lang(info: str) -> str:
    """The language of a fence's info string (```` ```Bash title=x ```` -> "bash")."""
    words = (info or "").split(maxsplit=1)
    return words[0].lower() if words else ""


def fix_commands(markdown: str) -> list[str]:
    """The command and configuration blocks of `markdown`, in order, as the text to paste (not
    yet sanitised); log excerpts and output are left out."""
    from markdown_it import MarkdownIt

    out: list[str] = []
    for token in MarkdownIt("commonmark", {"html": False}).parse(markdown or ""):
        if token.type == "fence" and fence_lang(token.info) in OUTPUT_LANGS:
            continue
        if token.type not in ("fence", "code_block"):
            continue
        text = _commands_of(token.content).strip("\n")
        if text.strip():
            out.append(text)
    return out


def _commands_of(code: str) -> str:
    """`code` as typed: a console transcript's `$ ` lines without the prompt, else all of it."""
    lines = code.split("\n")
    if not any(line.startswith(PROMPT) for line in lines):
        return code
    out: list[str] = []
    continued = False  # the previous command line ended with a backslash
    for line in lines:
        if line.startswith(PROMPT) or continued:
            out.append(line.removeprefix(PROMPT) if not continued else line)
            continued = line.endswith("\\")
    return "\n".join(out)

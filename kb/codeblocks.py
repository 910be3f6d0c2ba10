"""Which code blocks of an entry are commands to run: the one rule for "fix commands".

Entries fence log excerpts and command output as ```text (or ```log) and commands as ```sh,
```bash, ```console or without a label. Only the commands are offered where a reader picks one to
copy (the TUI's `f`); a log line pasted into a shell runs its first word. A console transcript
(`$ command` lines followed by output) yields its commands without the prompt.
"""

from __future__ import annotations

# the fence labels of commands; "" is an unlabelled fence or an indented block
COMMAND_LANGS: frozenset[str] = frozenset(
    {
        "",
        "sh",
        "bash",
        "zsh",
        "shell",
        "console",
        "shell-session",
        "sh-session",
        "bat",
        "cmd",
        "powershell",
        "ps1",
        "pwsh",
    }
)
PROMPT = "$ "


def fence_lang(info: str) -> str:
    """The language of a fence's info string (```` ```Bash title=x ```` -> "bash")."""
    words = (info or "").split(maxsplit=1)
    return words[0].lower() if words else ""


def fix_commands(markdown: str) -> list[str]:
    """The command blocks of `markdown`, in order, as the text to paste (not yet sanitised)."""
    from markdown_it import MarkdownIt

    out: list[str] = []
    for token in MarkdownIt("commonmark", {"html": False}).parse(markdown or ""):
        if token.type == "fence" and fence_lang(token.info) not in COMMAND_LANGS:
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

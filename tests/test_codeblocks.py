"""kb.codeblocks: which code blocks are fix commands (the TUI's `f` list), and which are logs."""

from __future__ import annotations

import re

from kb.codeblocks import fix_commands
from kb.loader import kb_sources, load_kb
from tui.markdown import fix_commands as tui_fix_commands

BODY = """## Symptoms

```text
2019-09-22T02:08:03.000000000Z container die 4f1c (exitCode=1, image=apollo)
```

```log
Waiting for server startup........ Server failed to start in 240 seconds!
```

## Fix

```sh
docker logs --tail 200 apollo
```

```
docker restart apollo
```

    docker ps -a --filter name=apollo

```Bash title="several words"
docker inspect -f '{{.State.ExitCode}}' apollo
```

```yaml
restart: unless-stopped
```

```console
$ docker update --restart unless-stopped \\
    apollo
apollo
$ docker ps
CONTAINER ID   IMAGE
```
"""


def test_commands_and_config_snippets_are_fixes_logs_are_not():
    assert fix_commands(BODY) == [
        "docker logs --tail 200 apollo",
        "docker restart apollo",
        "docker ps -a --filter name=apollo",
        "docker inspect -f '{{.State.ExitCode}}' apollo",
        "restart: unless-stopped",  # a configuration snippet is a fix to copy too
        # a console transcript: the commands as typed, without prompt or output
        "docker update --restart unless-stopped \\\n    apollo\ndocker ps",
    ]


def test_the_tui_list_uses_the_same_rule_and_cleans_the_text():
    body = "```text\nlog line\n```\n\n```sh\necho \x1b[31mred\x1b[0m\n```\n"
    assert tui_fix_commands(body) == ["echo red"]


# the start of a log or output line: a timestamp, a [level] tag, a WARNING: line
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d|\[\w+\]|WARNING:|ERROR:|Waiting for server|!!!!)")


def test_no_bundled_entry_offers_a_log_line_as_a_fix_command():
    kbase = load_kb(kb_sources([]))
    offenders = []
    for entry in kbase.entries.values():
        for lang in entry.languages:
            for cmd in fix_commands(entry.text(lang).body):
                if LOG_LINE.match(cmd):
                    offenders.append(f"{entry.id} ({lang}): {cmd.splitlines()[0][:60]}")
    assert offenders == []
    # the entry QA found it on: its log excerpts are not offered, its commands are
    entry = kbase.get("container-exits-code-1-startup-script-timeout")
    assert entry is not None
    cmds = fix_commands(entry.body)
    logs = re.findall(r"```text\n(.*?)\n```", entry.body, re.S)
    assert logs and cmds and not set(logs) & set(cmds)
    assert "docker ps -a --filter name=apollo" in cmds[1]

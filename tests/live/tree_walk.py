"""Walk a triage tree the way an on-call engineer does in kbtui, with live checks.

A question that names a check is answered by running that check for real and taking the option its
status selects (`Node.option_for`, the rule the TUI uses to suggest an option); a question without
a check is answered from `answers` (node id -> option label), as the engineer would. The walk ends
at a conclusion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.checks.runner import run_check
from kb.model import Node


@dataclass
class Walk:
    end: Node
    # (node id, how it was answered: the check's status and summary, or "asked"), in order
    steps: list[tuple[str, str]] = field(default_factory=list)

    def trail(self) -> str:
        return " -> ".join(f"{node} [{how}]" for node, how in self.steps) + f" => {self.end.id}"


def walk(kbase: Any, tree_id: str, params: Mapping[str, Any], answers: Mapping[str, str]) -> Walk:
    entry = kbase.get(tree_id)
    assert entry is not None and entry.tree is not None, f"no tree {tree_id}"
    nodes = entry.tree.nodes
    node = nodes[entry.tree.start]
    steps: list[tuple[str, str]] = []
    while not node.is_conclusion:
        assert node.id not in {n for n, _ in steps}, f"cycle at {node.id}"
        if node.check:
            resolved = kbase.resolve_check(entry, node.check)
            assert resolved is not None, f"{node.id}: check {node.check} does not resolve"
            owner, spec = resolved
            result = run_check(owner, spec, params=params)
            index = node.option_for(result.status)
            how = f"{result.status}: {result.summary}"
            assert index is not None, f"{node.id}: no option takes {how}"
        else:
            labels = [o.label for o in node.options]
            assert node.id in answers, f"{node.id} has no check and no answer: {labels}"
            index = labels.index(answers[node.id])
            how = "asked"
        steps.append((node.id, how))
        node = nodes[node.options[index].goto]
    return Walk(node, steps)

"""The signature warnings `kb lint` adds to the loader's problems: the one place they are worded.

A signature the loader accepts (Python's `re` / RE2) may still have no exact form where the KB is
exported: the static site's JavaScript search (`kb.signatures_js`) or the fleet's mtail program
(`kb export mtail`, Go's RE2). Both leave such a signature out; these warnings say so. `kb lint`
and the TUI's Problems screen (F6) call `signature_warnings`, so they list the same problems.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.model import Entry, Problem
from kb.words import Words


def signature_warnings(entries: Iterable[Entry]) -> list[Problem]:
    """Every site and fleet signature warning of `entries` (the site's first, as `kb lint`)."""
    entries = list(entries)
    return [*site_signature_warnings(entries), *fleet_signature_warnings(entries)]


def site_signature_warnings(entries: Iterable[Entry]) -> list[Problem]:
    """A signature with no exact JavaScript form is left out of the static site: say so."""
    from kb.fleet.mtail import signature_line
    from kb.signatures_js import translate

    out: list[Problem] = []
    for entry in entries:
        for i, pattern in enumerate(entry.signatures):
            why = translate(pattern)[1]
            if why:
                out.append(
                    Problem(
                        entry.path,
                        signature_line(entry, i),
                        Words(
                            "signature {pattern!r}: {why}; the static site leaves it out "
                            "(kb search still uses it)",
                            pattern=pattern,
                            why=why,
                        ),
                        "warning",
                    )
                )
    return out


def fleet_signature_warnings(entries: Iterable[Entry]) -> list[Problem]:
    """A signature the fleet's mtail program leaves out (`kb export mtail`): say so."""
    from kb.fleet.mtail import build_program

    return [
        Problem(
            o.path,
            o.line,
            Words(
                "signature {pattern!r}: {why}; the fleet's mtail program leaves it out of the "
                "Docker json-file branch (kb search still uses it)"
                if o.branch == "json-file"
                else "signature {pattern!r}: {why}; the fleet's mtail program leaves it out "
                "(kb search still uses it)",
                pattern=o.pattern,
                why=o.reason,
            ),
            "warning",
        )
        for o in build_program(entries).omitted
    ]

"""The CJK code points, one definition for every rule that needs to know them.

Hangul Jamo, CJK radicals to Yi, Hangul syllables, compatibility ideographs, vertical, small and
fullwidth/halfwidth forms, and the supplementary ideograph planes (Extension B and later: `𠮷`).
`kb.cli.linebreak` and `kb.cli.helpformat` use `CHAR` to tell whether a line needs CJK line
breaking at all; `kb.redact` to keep a run of Chinese out of a secret-looking name (`\\w`
matches Chinese).
"""

from __future__ import annotations

import re

#: the ranges, for use inside a regular expression's character class
RANGES = (
    "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe1f"
    "\ufe30-\ufe6f\uff00-\uffef\U00020000-\U0003fffd"
)

#: one CJK character: a quick test whether a text needs CJK handling at all
CHAR = re.compile(f"[{RANGES}]")

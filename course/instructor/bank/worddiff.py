"""A side-by-side word diff of two versions' readable text, for the history page.

Lines are aligned first (difflib on lines); a changed pair of lines is then compared word by
word, so a one-word edit in a long stem marks that word, not the whole line. Each side is a
list of segments: ("same" | "del" | "ins", text). Only reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import zip_longest

Segment = tuple[str, str]
WORDS = re.compile(r"(\s+)")  # split on whitespace, keeping it, so the text rejoins exactly


@dataclass(frozen=True)
class DiffRow:
    """One aligned line: the older text on the left, the newer on the right (None: no line)."""

    left: list[Segment] | None
    right: list[Segment] | None

    @property
    def changed(self) -> bool:
        """Tell whether anything on this row was removed or added."""
        sides = (self.left or []) + (self.right or [])
        return self.left is None or self.right is None or any(k != "same" for k, _ in sides)


def _merge(segments: list[Segment]) -> list[Segment]:
    """Join neighbouring segments of one kind; a space between two changes joins them too."""
    segments = list(segments)
    for i in range(1, len(segments) - 1):
        before, (kind, text), after = segments[i - 1], segments[i], segments[i + 1]
        if kind == "same" and not text.strip() and before[0] == after[0] != "same":
            segments[i] = (before[0], text)
    out: list[Segment] = []
    for kind, text in segments:
        if not text:
            continue
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def word_diff(older: str, newer: str) -> tuple[list[Segment], list[Segment]]:
    """Compare two lines word by word; return (older segments, newer segments)."""
    a, b = WORDS.split(older), WORDS.split(newer)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(("same", "".join(a[i1:i2])))
            right.append(("same", "".join(b[j1:j2])))
            continue
        left.append(("del", "".join(a[i1:i2])))
        right.append(("ins", "".join(b[j1:j2])))
    return _merge(left), _merge(right)


def side_by_side(older: list[str], newer: list[str]) -> list[DiffRow]:
    """Align two texts (lists of lines) into rows, word-diffing each changed pair of lines."""
    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, older, newer, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [DiffRow([("same", line)], [("same", line)]) for line in older[i1:i2]]
            continue
        for old, new in zip_longest(older[i1:i2], newer[j1:j2]):
            if old is None:
                rows.append(DiffRow(None, [("ins", new)]))
            elif new is None:
                rows.append(DiffRow([("del", old)], None))
            else:
                rows.append(DiffRow(*word_diff(old, new)))
    return rows

"""Drop page furniture (bylines, credits, newsletters, promotions) from an imported article.

FURNITURE_RULES, matched per line with curly quotes and dashes folded. Scope "line" drops the
line, "block" its paragraph, "rest" everything after it (an author box or related-links list ends
the article). Two structural rules complete them: a paragraph with two or more byline, date or
image lines and no more other lines than those is a masthead, so its other lines (the standfirst)
go too; a single short line (<= 8 words) directly above a newsletter block (no dropped furniture
in between) is its teaser and goes too, unless it is the Markdown ``#`` title (a real section
heading placed right above a sign-up box would still be lost the same way). Closing promotions
("check out our ... course") are dropped as furniture: they sell, they do not teach.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FurnitureRule:
    """A page-furniture pattern; scope is "line", "block" or "rest"; max_len 0 means any."""

    name: str
    pattern: re.Pattern[str]
    scope: str = "line"
    max_len: int = 0


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_MACROS = {
    "{date}": rf"(?:{_MONTH} \d\d?(?:st|nd|rd|th)?,? \d{{4}}|\d\d? {_MONTH} \d{{4}}"
    r"|\d{4}-\d\d-\d\d)",
    "{tail}": r"(?: ?(?:\(.*\)|[|·•-].*))?",
    "{offer}": r"\b(?:course|training|program(?:me)?|webinar|certification|e-?book|workshop|"
    r"membership|retreat|store|shop)s?\b",
}
# One pattern per row: name, scope, max line length (0: any), case-insensitive regex. A line is
# matched after curly quotes and dashes are folded to ASCII, runs of whitespace are collapsed and
# Markdown markers (# > * _) are stripped from its ends. {date}: "February 7, 2022", "7 Feb 2022"
# or "2022-02-07"; {tail}: "(Updated: ...)" or "| 5 min read"; {offer}: course, webinar, e-book...
_FURNITURE_TABLE = r"""
image credit   line   120  ^(?:featured image|image|photo|picture|illustration)s? ?:
image credit   line   120  ^(?:(?:image|photo) )?credits? ?:
image credit   line   120  ^(?:photo|image|illustration) (?:by|courtesy of|via)\b
image credit   line   120  (?:^|[-|:/] ?|\b(?:via|on) )(?:pexels|unsplash|pixabay|freepik)$
image credit   line   120  (?:^|[-|:/] ?|\b(?:via|on) )(?:shutterstock|getty images|istock)$
byline         line    80  ^(?:author|written by|posted by|edited by) ?:? \S
byline         line    80  ^(?:medically )?(?:reviewed|fact[- ]checked) by ?:? \S
byline         line    80  ^(?-i:By [A-Z][\w.'-]*(?: [A-Z][\w.'-]*| and| &)*(?:, [\w.,' ]*)?)$
date line      line    80  ^(?:(?:published|(?:last )?updated|posted)(?: on)? ?:? ?)?{date}{tail}$
newsletter     block  300  ^(?:sign(?:ing)? up|subscribe|join)\b.*\b(?:newsletter|inbox|e-?mails?)\b
newsletter     block  300  ^(?:sign(?:ing)? up|subscribe)\b.*\b(?:updates|offers)\b
newsletter     block  300  \bdelivered (?:straight )?to your inbox\b
disclaimer     block    0  ^disclaimer\b
disclaimer     block    0  ^(?:the )?(?:content|information)\b.{0,50}(?:educ|inform)ational purpose
disclaimer     block    0  ^this (?:article|post|page|site)\b.{0,40}(?:educ|inform)ational purpose
author box     rest    40  ^(?:published by|about the author|written by|meet the author) ?:?$
related links  rest    60  ^you (?:may|might) also (?:like|enjoy|be interested in) ?:?$
related links  rest    60  ^(?:related (?:posts|articles|stories|reading)|read (?:more|next)) ?:?$
related links  rest    60  ^(?:more (?:from|articles|posts)\b.{0,30}|recommended(?: reading)?) ?:?$
share/tags     line   120  ^(?:share(?: this)?(?: article| post)?|tweet|pin it|print) ?:?$
share/tags     line   120  ^(?:tags|categories|filed under) ?:
promotion      block    0  \b(?:check out|sign up for|enrol+ in|register for) our\b[^.]{,80}?{offer}
promotion      block    0  \b(?:explore|join|buy|book|try|take) (?:one of )?our\b[^.]{,80}?{offer}
promotion      block    0  \b(?:use|with) (?:the )?(?:promo |discount )?(?:code|coupon)\b
"""


def _load_rules(table: str) -> tuple[FurnitureRule, ...]:
    rules = []
    for row in filter(None, map(str.strip, table.splitlines())):
        name, scope, max_len, pattern = re.split(r"\s{2,}", row, maxsplit=3)
        for macro, regex in _MACROS.items():
            pattern = pattern.replace(macro, regex)
        rules.append(FurnitureRule(name, re.compile(pattern, re.IGNORECASE), scope, int(max_len)))
    return tuple(rules)


FURNITURE_RULES = _load_rules(_FURNITURE_TABLE)
_MASTHEAD = frozenset({"image credit", "byline", "date line"})
_FOLD = str.maketrans("‘’‚“”„–—‐‑−", "'''\"\"\"-----")

Lines = list[tuple[int, str]]


@dataclass
class _Block:
    lines: Lines
    level: int = 0


@dataclass
class _Notes:
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def skip(self, lines: Iterable[tuple[int, str]], reason: str) -> None:
        self.skipped += [(no, f"{reason}: {text.strip()[:60]}") for no, text in lines]

    def warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))


def _furniture(line: str) -> FurnitureRule | None:
    text = " ".join(line.translate(_FOLD).split()).strip("#>*_ ")
    for rule in FURNITURE_RULES:
        if (not rule.max_len or len(text) <= rule.max_len) and rule.pattern.search(text):
            return rule
    return None


def _is_teaser(block: _Block) -> bool:
    text = block.lines[0][1].strip()
    return len(block.lines) == 1 and len(text.split()) <= 8 and text[-1] not in ".,;:"


def _filter_block(
    block: _Block, code: set[int], kept: list[_Block], notes: _Notes, adjacent: bool
) -> tuple[Lines, bool]:
    """Drop furniture lines from one block; return the kept lines and whether to stop there."""
    keep: Lines = []
    hits = 0
    for i, (no, text) in enumerate(block.lines):
        rule = None if no in code else _furniture(text)
        if rule is None:
            keep.append((no, text))
        elif rule.scope == "line":
            notes.skip([(no, text)], rule.name)
            hits += rule.name in _MASTHEAD
        elif rule.scope == "block":
            if rule.name == "newsletter" and adjacent and _is_teaser(kept[-1]):
                notes.skip(kept.pop().lines, "newsletter teaser")
            notes.skip([*keep, *block.lines[i:]], rule.name)
            return [], False
        else:
            notes.skip(block.lines[i:], rule.name)
            return keep, True
    if hits >= 2 and len(keep) <= hits:
        notes.skip(keep, "masthead standfirst")
        return [], False
    return keep, False


def _drop_furniture(blocks: list[_Block], code: set[int], notes: _Notes) -> list[_Block]:
    """Apply FURNITURE_RULES to every block, plus the masthead and teaser rules."""
    kept: list[_Block] = []
    previous: _Block | None = None
    for k, block in enumerate(blocks):
        # The teaser candidate is the block just above (nothing dropped between), not the '#' title.
        adjacent = bool(kept) and kept[-1] is previous and previous.level != 1
        keep, stop = _filter_block(block, code, kept, notes, adjacent)
        previous = None
        if keep:
            previous = _Block(keep, block.level)
            kept.append(previous)
        if stop:
            for rest in blocks[k + 1 :]:
                notes.skip(rest.lines, "after author box or related links")
            break
    return kept

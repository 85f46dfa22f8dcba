"""Parse an imported article's reference list, with each entry's DOI, PMID and URL.

The first line reading "References" (or Bibliography, Works Cited, Sources; any heading level,
optional colon) starts the list. Items are "1." / "1)" / "[1]" at any indentation ("-" bullets
are numbered in order). A non-item line continues the current item if it is indented deeper than
the item, or follows it directly and is neither furniture nor a heading. Anything else ends the
list; unheaded text after it is dropped (listed in ``skipped``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from course.content.article_furniture import _furniture, _Notes


@dataclass
class Reference:
    """One numbered entry of the article's reference list."""

    number: int
    citation: str
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_REF_HEAD = re.compile(
    r"^ {0,3}(?:#{1,6}[ \t]+)?[*_]{0,2}(?:references|bibliography|works cited|"
    r"sources)[*_]{0,2}[ \t]*:?[ \t]*[*_]{0,2}$",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^([ \t]*)(?:\[(\d{1,4})\]|(\d{1,4})[.)]|[-*•])[ \t]+(\S.*)$")
_DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S{1,300})", re.IGNORECASE)
_DOI = re.compile(r"\bdoi:?\s*(10\.\d{4,9}/\S{1,300})", re.IGNORECASE)
_PMID = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_URL = re.compile(r"https?://\S{1,2000}", re.IGNORECASE)
_CLOSERS = {")": "(", "]": "[", ">": "<"}


@dataclass
class _Item:
    line: int
    number: str | None
    indent: int
    parts: list[str]


def _trim(value: str) -> str:
    """Strip trailing punctuation and unbalanced closing brackets from a DOI or URL."""
    value = value.rstrip(".,;:'\"")
    while value and value[-1] in _CLOSERS:
        closer = value[-1]
        if value.count(_CLOSERS[closer]) >= value.count(closer):
            break
        value = value[:-1].rstrip(".,;:'\"")
    return value


def _reference(number: int, text: str) -> Reference:
    text = " ".join(text.split())
    found = _DOI_URL.search(text) or _DOI.search(text)
    doi = _trim(found[1]) if found else None
    pmid = found[1] if (found := _PMID.search(text)) else None
    link = _URL.search(text)
    url = f"https://doi.org/{doi}" if doi else (_trim(link[0]) if link else None)
    citation = " ".join(_URL.sub(" ", text).split()).rstrip(" ,;") or text
    return Reference(number, citation, doi, pmid, url)


def _continues(line: str, indent: int, after_blank: bool) -> bool:
    if len(line) - len(line.lstrip()) > indent:
        return True
    return not (after_blank or _furniture(line) or _ATX.match(line) or _REF_HEAD.match(line))


def _ref_items(lines: list[str], start: int, code: set[int]) -> tuple[list[_Item], int]:
    items: list[_Item] = []
    blank, j = False, start
    while j < len(lines) and j + 1 not in code:
        line, match = lines[j], _ITEM.match(lines[j])
        if not line.strip():
            blank = True
        elif match:
            items.append(_Item(j + 1, match[2] or match[3], len(match[1]), [match[4]]))
            blank = False
        elif items and _continues(line, items[-1].indent, blank):
            items[-1].parts.append(line.strip())
            blank = False
        else:
            break
        j += 1
    return items, j


def _references(
    lines: list[str], code: set[int], consumed: set[int], notes: _Notes
) -> tuple[list[Reference], int]:
    """Parse the list after a References heading; return it and its last line (0: no list)."""
    taken = code | consumed
    head = next((i for i, s in enumerate(lines) if i + 1 not in taken and _REF_HEAD.match(s)), None)
    if head is None:
        return [], 0
    items, end = _ref_items(lines, head + 1, code)
    consumed.update(range(head + 1, end + 1))
    if not items:
        notes.warn(head + 1, "references heading has no numbered items after it")
    lazy = len(items) > 1 and all(i.number is not None and int(i.number) == 1 for i in items)
    if lazy:
        notes.warn(items[0].line, "every reference is numbered 1; renumbered them in order")
    refs: list[Reference] = []
    seen: set[int] = set()
    for item in items:
        auto = item.number is None or lazy
        number = (refs[-1].number + 1 if refs else 1) if auto else int(item.number or 0)
        if number in seen:
            notes.warn(item.line, f"duplicate reference number {number}; kept the first")
            continue
        seen.add(number)
        refs.append(_reference(number, " ".join(item.parts)))
    return refs, end

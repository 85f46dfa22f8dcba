"""Import an article (plain text or Markdown) as draft lesson modules plus its reference list.

Headings. Markdown: the first ``#`` heading is the title; later ``#`` and every ``##`` start a
section, deeper headings stay in the body, fenced code is left alone. Plain text: the first
non-blank line is the title; a line starts a section when it is short (<= 80 chars, <= 12 words),
does not end in . , ; or :, is not a list item or URL, starts with a capital and is Title Case
(minor words such as "for", "with" may be lower case) or ends in "?", and either stands alone
between blank lines with more text after it, or is directly followed by a paragraph line. Text
before the first heading becomes the "Introduction" section.

References are parsed by course.content.article_refs, page furniture is dropped by
course.content.article_furniture, and drafts are written by course.content.article_drafts; their
public names are re-exported here.

An input needs a section heading or a reference list, else ArticleError; text with references but
no headings becomes one "Introduction" section. ArticleError.line is 1-based; 0 means no line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from course.content import article_drafts as _drafts
from course.content.article_drafts import (
    MIN_MINUTES,
    WORDS_PER_MINUTE,
    ArticleDraft,
    ArticleError,
    Section,
    _module_text,
)
from course.content.article_furniture import (
    _FOLD,
    FURNITURE_RULES,
    FurnitureRule,
    Lines,
    _Block,
    _drop_furniture,
    _Notes,
)
from course.content.article_refs import _ATX, Reference, _references
from course.slugs import unique_slug

__all__ = [
    "FURNITURE_RULES",
    "MIN_MINUTES",
    "WORDS_PER_MINUTE",
    "ArticleDraft",
    "ArticleError",
    "FurnitureRule",
    "Reference",
    "Section",
    "parse_article",
    "write_drafts",
]


_SPACES = {
    ord(c): " "
    for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u202f\u205f\u3000\u2028\u2029\x85\x0b\x0c"
}
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LISTY = re.compile(r"^(?:[-*+•]|\d{1,4}[.)])\s")
_WORD = re.compile(r"[^\W\d_][\w'.-]*")
_MINOR = frozenset(
    "a an and as at but by for from in into nor of off on onto or over per so than "
    "the to up via vs with yet".split()
)
_CITE = re.compile(r"\[\s*(\d{1,4}(?:\s*[-–—,;]\s*\d{1,4})*)\s*\]")


@dataclass
class _Part:
    title: str
    line: int
    headed: bool
    blocks: list[Lines] = field(default_factory=list)


def _normalise(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(
        c
        for c in text.translate(_SPACES)
        if c in "\n\t" or unicodedata.category(c) not in _DROP_CATEGORIES
    )
    return [line.expandtabs(4).rstrip() for line in text.split("\n")]


def _heading_like(line: str) -> bool:
    text = line.translate(_FOLD).strip()
    words = _WORD.findall(text)
    if not words or len(text) > 80 or len(text.split()) > 12 or text[-1] in ".,;:":
        return False
    if _LISTY.match(text) or "://" in text or "www." in text.lower():
        return False
    if not words[0][0].isupper():
        return False
    return text.endswith("?") or all(w[0].isupper() or w.lower() in _MINOR for w in words[1:])


def _clean_heading(text: str) -> str:
    return text.strip().strip("*_").strip()


def _code_lines(lines: list[str]) -> set[int]:
    code: set[int] = set()
    fence = ""
    for no, raw in enumerate(lines, 1):
        if fence:
            code.add(no)
            fence = "" if raw.lstrip().startswith(fence) else fence
        elif match := _FENCE.match(raw):
            code.add(no)
            fence = match[1][:3]
    return code


def _blocks(lines: list[str], markdown: bool, consumed: set[int], code: set[int]) -> list[_Block]:
    """Group lines into blank-separated blocks; a Markdown heading is a block of its own."""
    blocks: list[_Block] = []
    current: Lines = []
    for no, raw in enumerate(lines, 1):
        text = raw if markdown else raw.strip()
        if no in code:
            current.append((no, text))
            continue
        heading = _ATX.match(text) if markdown else None
        is_heading = bool(heading and _clean_heading(heading[2]))
        if text and no not in consumed and not is_heading:
            current.append((no, text))
            continue
        if current:
            blocks.append(_Block(current))
            current = []
        if heading and is_heading and no not in consumed:
            blocks.append(_Block([(no, text)], len(heading[1])))
    return [*blocks, _Block(current)] if current else blocks


def _split_heading(block: _Block, has_next: bool, markdown: bool) -> tuple[str | None, Lines]:
    first = block.lines[0][1]
    if markdown:
        heading = _ATX.match(first) if 0 < block.level <= 2 else None
        return (_clean_heading(heading[2]), []) if heading else (None, block.lines)
    rest = block.lines[1:]
    ok = _heading_like(first) and (not _heading_like(rest[0][1]) if rest else has_next)
    return (first.strip(), rest) if ok else (None, block.lines)


def _outline(
    blocks: list[_Block], markdown: bool, refs_end: int, notes: _Notes
) -> tuple[str | None, list[_Part]]:
    """Cut blocks into parts at headings; return the Markdown '#' title (if any) and the parts."""
    title: str | None = None
    parts: list[_Part] = []
    for k, block in enumerate(blocks):
        heading, body = _split_heading(block, k + 1 < len(blocks), markdown)
        first = block.lines[0][0]
        if heading and block.level == 1 and title is None and not (parts and parts[-1].headed):
            title = heading
            continue
        if heading:
            parts.append(_Part(heading, first, True))
        elif refs_end and first > refs_end and (not parts or parts[-1].line < refs_end):
            notes.skip(block.lines, "unheaded text after references")
            continue
        if body and not parts:
            parts.append(_Part("Introduction", first, False))
        if body:
            parts[-1].blocks.append(body)
    return title, parts


def _cited(block: Lines, notes: _Notes) -> set[int]:
    text, numbers = "\n".join(t for _, t in block), set()
    line, pos = block[0][0], 0
    for match in _CITE.finditer(text):
        line, pos = line + text.count("\n", pos, match.start()), match.start()
        for part in re.split(r"\s*[,;]\s*", match[1]):
            ends = [int(n) for n in re.split(r"\s*[-–—]\s*", part)]
            if len(ends) == 1 or (len(ends) == 2 and 0 <= ends[1] - ends[0] <= 100):
                numbers.update(range(ends[0], ends[-1] + 1))
            else:
                notes.warn(line, f"unreadable citation range [{part}]")
    return numbers


def _slugify(title: str, used: dict[str, int]) -> str:
    """Return a section's slug, unique among those in used."""
    return unique_slug(title, used, limit=60, fallback="section")


def _sections(parts: list[_Part], refs: list[Reference], notes: _Notes) -> list[Section]:
    known, used, out = {r.number for r in refs}, dict[str, int](), []
    for order, part in enumerate(parts, 1):
        cites: set[int] = set()
        for block in part.blocks:
            found = _cited(block, notes)
            for n in sorted(found - known):
                notes.warn(block[0][0], f"citation [{n}] has no reference {n}")
            cites |= found
        body = "\n\n".join("\n".join(t for _, t in b) for b in part.blocks)
        if not body.strip():
            notes.warn(part.line, f"section {part.title!r} has no body text")
        out.append(
            Section(part.title, _slugify(part.title, used), order, body, part.line, sorted(cites))
        )
    return out


def parse_article(text: str, *, fmt: str | None = None) -> ArticleDraft:
    """Parse an article into draft sections and references; raise ArticleError on bad input."""
    if fmt not in (None, "markdown", "text"):
        raise ArticleError(0, f"unknown format {fmt!r}: use 'markdown', 'text' or None")
    lines = _normalise(text)
    first = next((i for i, s in enumerate(lines) if s.strip()), None)
    if first is None:
        raise ArticleError(1, "empty input: there is no text to import")
    markdown = fmt == "markdown" or (fmt is None and any(_ATX.match(s) for s in lines))
    notes = _Notes()
    code = _code_lines(lines) if markdown else set()
    consumed = set() if markdown else {first + 1}
    refs, refs_end = _references(lines, code, consumed, notes)
    blocks = _drop_furniture(_blocks(lines, markdown, consumed, code), code, notes)
    md_title, parts = _outline(blocks, markdown, refs_end, notes)
    if not refs and not any(p.headed for p in parts):
        raise ArticleError(first + 1, "no section headings and no reference list found")
    if not parts:
        raise ArticleError(first + 1, "no sections found: everything left was furniture")
    title = lines[first].strip() if not markdown else md_title
    if title is None:
        title = next((p.title for p in parts if p.headed), parts[0].title)
        notes.warn(
            first + 1, f"no '#' title line; titled the course after the first heading {title!r}"
        )
    sections = _sections(parts, refs, notes)
    return ArticleDraft(title, sections, refs, sorted(notes.skipped), sorted(notes.warnings))


def write_drafts(draft: ArticleDraft, out_dir: Path, *, overwrite: bool = False) -> list[Path]:
    """Write each section as NN-slug.md plus references.yaml into out_dir, all or nothing."""
    return _drafts.write_drafts(draft, out_dir, overwrite=overwrite, render=_module_text)

"""Import an article (plain text or Markdown) as draft lesson modules plus its reference list.

Headings. Markdown: the first ``#`` heading is the title; later ``#`` and every ``##`` start a
section, deeper headings stay in the body, fenced code is left alone. Plain text: the first
non-blank line is the title; a line starts a section when it is short (<= 80 chars, <= 12 words),
does not end in . , ; or :, is not a list item or URL, starts with a capital and is Title Case
(minor words such as "for", "with" may be lower case) or ends in "?", and either stands alone
between blank lines with more text after it, or is directly followed by a paragraph line. Text
before the first heading becomes the "Introduction" section.

References. The first line reading "References" (or Bibliography, Works Cited, Sources; any
heading level, optional colon) starts the list. Items are "1." / "1)" / "[1]" at any indentation
("-" bullets are numbered in order). A non-item line continues the current item if it is indented
deeper than the item, or follows it directly and is neither furniture nor a heading. Anything
else ends the list; unheaded text after it is dropped (listed in ``skipped``).

Furniture. FURNITURE_RULES, matched per line with curly quotes and dashes folded. Scope "line"
drops the line, "block" its paragraph, "rest" everything after it (an author box or related-links
list ends the article). Two structural rules complete them: a paragraph with two or more byline,
date or image lines and no more other lines than those is a masthead, so its other lines (the
standfirst) go too; a single short line (<= 8 words) just above a newsletter block is its teaser
and goes too (a real heading placed right above a sign-up box would be lost the same way). Closing
promotions ("check out our ... course") are dropped as furniture: they sell, they do not teach.

An input needs a section heading or a reference list, else ArticleError; text with references but
no headings becomes one "Introduction" section. ArticleError.line is 1-based; 0 means no line.

Drafts. Each file opens with "> Draft imported from <title>. Rewrite ..." (no extra full stop when
the title already ends in . ? or !). Writing happens in a temp folder beside out_dir that is renamed
into place; an OSError is re-raised after the temp folder is removed and any old out_dir restored.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

WORDS_PER_MINUTE = 200
MIN_MINUTES = 5


class ArticleError(ValueError):
    """Reject an article or an output folder, naming the line (0 when no line applies)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class Reference:
    """One numbered entry of the article's reference list."""

    number: int
    citation: str
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None


@dataclass
class Section:
    """One draft lesson module cut from the article."""

    title: str
    slug: str
    order: int
    body: str
    line: int
    citations: list[int] = field(default_factory=list)


@dataclass
class ArticleDraft:
    """A parsed article: sections, references, and what was dropped or looked doubtful."""

    title: str
    sections: list[Section]
    references: list[Reference]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


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

_SPACES = {
    ord(c): " "
    for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u202f\u205f\u3000\u2028\u2029\x85\x0b\x0c"
}
_FOLD = str.maketrans("‘’‚“”„–—‐‑−", "'''\"\"\"-----")
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_REF_HEAD = re.compile(
    r"^ {0,3}(?:#{1,6}[ \t]+)?[*_]{0,2}(?:references|bibliography|works cited|"
    r"sources)[*_]{0,2}[ \t]*:?[ \t]*[*_]{0,2}$",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^([ \t]*)(?:\[(\d{1,4})\]|(\d{1,4})[.)]|[-*•])[ \t]+(\S.*)$")
_LISTY = re.compile(r"^(?:[-*+•]|\d{1,4}[.)])\s")
_WORD = re.compile(r"[^\W\d_][\w'.-]*")
_MINOR = frozenset(
    "a an and as at but by for from in into nor of off on onto or over per so than "
    "the to up via vs with yet".split()
)
_CITE = re.compile(r"\[\s*(\d{1,4}(?:\s*[-–—,;]\s*\d{1,4})*)\s*\]")
_DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S{1,300})", re.IGNORECASE)
_DOI = re.compile(r"\bdoi:?\s*(10\.\d{4,9}/\S{1,300})", re.IGNORECASE)
_PMID = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_URL = re.compile(r"https?://\S{1,2000}", re.IGNORECASE)
_CLOSERS = {")": "(", "]": "[", ">": "<"}

Lines = list[tuple[int, str]]


@dataclass
class _Block:
    lines: Lines
    level: int = 0


@dataclass
class _Part:
    title: str
    line: int
    headed: bool
    blocks: list[Lines] = field(default_factory=list)


@dataclass
class _Item:
    line: int
    number: str | None
    indent: int
    parts: list[str]


@dataclass
class _Notes:
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def skip(self, lines: Iterable[tuple[int, str]], reason: str) -> None:
        self.skipped += [(no, f"{reason}: {text.strip()[:60]}") for no, text in lines]

    def warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))


def _normalise(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(
        c
        for c in text.translate(_SPACES)
        if c in "\n\t" or unicodedata.category(c) not in _DROP_CATEGORIES
    )
    return [line.expandtabs(4).rstrip() for line in text.split("\n")]


def _furniture(line: str) -> FurnitureRule | None:
    text = " ".join(line.translate(_FOLD).split()).strip("#>*_ ")
    for rule in FURNITURE_RULES:
        if (not rule.max_len or len(text) <= rule.max_len) and rule.pattern.search(text):
            return rule
    return None


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


def _is_teaser(block: _Block) -> bool:
    text = block.lines[0][1].strip()
    return len(block.lines) == 1 and len(text.split()) <= 8 and text[-1] not in ".,;:"


def _filter_block(
    block: _Block, code: set[int], kept: list[_Block], notes: _Notes
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
            if rule.name == "newsletter" and kept and _is_teaser(kept[-1]):
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
    for k, block in enumerate(blocks):
        keep, stop = _filter_block(block, code, kept, notes)
        if keep:
            kept.append(_Block(keep, block.level))
        if stop:
            for rest in blocks[k + 1 :]:
                notes.skip(rest.lines, "after author box or related links")
            break
    return kept


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
    """Return an ASCII slug for title, suffixed -2, -3 ... past those in used (slug -> count)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower().replace("'", ""))[:60].strip("-")
    base = base or "section"
    slug = base
    while slug in used:
        used[base] += 1
        slug = f"{base}-{used[base]}"
    used[slug] = 1
    return slug


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
        notes.warn(first + 1, "no '#' title; used the first section title")
        title = parts[0].title
    sections = _sections(parts, refs, notes)
    return ArticleDraft(title, sections, refs, sorted(notes.skipped), sorted(notes.warnings))


def _module_text(article_title: str, section: Section) -> str:
    minutes = max(MIN_MINUTES, math.ceil(len(section.body.split()) / WORDS_PER_MINUTE))
    meta = {
        "slug": section.slug,
        "title": section.title,
        "order": section.order,
        "minutes": minutes,
        "objectives": [],
        "references": section.citations,
        "status": "draft",
    }
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=None)
    stop = "" if article_title.endswith((".", "?", "!")) else "."
    note = (
        f"> Draft imported from {article_title}{stop} Rewrite in your own words before publishing."
    )
    return f"---\n{head}---\n\n" + "\n\n".join(filter(None, [note, section.body])) + "\n"


def _swap_in(tmp: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        tmp.rename(out_dir)
        return
    holder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
    out_dir.rename(holder / "previous")
    try:
        tmp.rename(out_dir)
    except OSError:
        (holder / "previous").rename(out_dir)
        shutil.rmtree(holder, ignore_errors=True)
        raise
    shutil.rmtree(holder, ignore_errors=True)


def write_drafts(draft: ArticleDraft, out_dir: Path, *, overwrite: bool = False) -> list[Path]:
    """Write each section as NN-slug.md plus references.yaml into out_dir, all or nothing."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ArticleError(0, f"{out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not overwrite:
        raise ArticleError(0, f"{out_dir} is not empty; pass overwrite=True to replace it")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new.", dir=out_dir.parent))
    tmp.chmod(0o755)
    try:
        names = []
        for section in draft.sections:
            names.append(f"{section.order:02d}-{section.slug}.md")
            (tmp / names[-1]).write_text(_module_text(draft.title, section), encoding="utf-8")
        refs = {"references": [asdict(r) for r in draft.references]}
        dump = yaml.safe_dump(refs, sort_keys=False, allow_unicode=True, width=1000)
        (tmp / "references.yaml").write_text(dump, encoding="utf-8")
        names.append("references.yaml")
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out_dir / name for name in names]

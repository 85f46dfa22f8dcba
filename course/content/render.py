"""Markdown -> safe HTML: markdown-it with raw HTML off, citation links, then nh3 anyway."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.container import container_plugin

CITATION_RE = re.compile(r"\[(\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*)\](?!\()")
SAFE_SCHEMES = {"http", "https", "mailto"}

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "div", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "aria-label"}, "th": {"style"}, "td": {"style"}}
ALLOWED_CLASSES = {"div": {"pearls", "callout"}, "sup": {"cite"}, "a": {"cite-link"}}


def expand_citation(text: str) -> list[int]:
    """Turn '1, 3-5' into [1, 3, 4, 5]; ranges are capped to keep nonsense input harmless."""
    numbers: list[int] = []
    for part in re.split(r"\s*,\s*", text.strip()):
        bounds = re.split(r"\s*[\u2013-]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            lo, hi = int(bounds[0]), int(bounds[1])
            if lo <= hi and hi - lo < 50:
                numbers.extend(range(lo, hi + 1))
                continue
        numbers.extend(int(b) for b in bounds if b.isdigit())
    return numbers


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    match = CITATION_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"numbers": expand_citation(match.group(1))}
    state.pos = match.end()
    return True


def _render_citation(self, tokens, idx, options, env) -> str:
    links = ", ".join(
        f'<a class="cite-link" href="#ref-{n}" aria-label="reference {n}">{n}</a>'
        for n in tokens[idx].meta["numbers"]
    )
    return f'<sup class="cite">[{links}]</sup>'


@cache
def markdown() -> MarkdownIt:
    """Return the shared renderer: CommonMark, raw HTML off, tables, ::: pearls boxes, [n] cites."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.use(container_plugin, name="pearls")
    md.use(container_plugin, name="callout")
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.validateLink = lambda url: url.split(":", 1)[0].lower() in SAFE_SCHEMES or ":" not in url
    return md


def sanitize(html: str) -> str:
    """Allow-list sanitize HTML with nh3."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=SAFE_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Render Markdown to sanitized HTML."""
    return sanitize(markdown().render(text))


def render_inline(text: str) -> str:
    """Render a single line of Markdown (question stems, options) without a wrapping <p>."""
    return sanitize(markdown().renderInline(text))


@dataclass(frozen=True)
class HtmlFinding:
    """A piece of raw HTML or an unsafe link found in Markdown source."""

    line: int
    message: str


@cache
def _html_detector() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True})


def find_unsafe_markup(text: str) -> list[HtmlFinding]:
    """Report raw HTML and unsafe link schemes with 1-based line numbers (for lint)."""
    findings: list[HtmlFinding] = []
    for token in _html_detector().parse(text):
        line = (token.map[0] + 1) if token.map else 1
        if token.type == "html_block":
            findings.append(
                HtmlFinding(line, f"raw HTML is not allowed: {token.content.strip()[:40]}")
            )
        for child in token.children or []:
            if child.type == "html_inline":
                findings.append(HtmlFinding(line, f"raw HTML is not allowed: {child.content[:40]}"))
            href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
            scheme = href.split(":", 1)[0].lower() if ":" in href else ""
            if scheme and scheme not in SAFE_SCHEMES:
                findings.append(HtmlFinding(line, f"unsafe link scheme {scheme!r}"))
    for number, line_text in enumerate(text.splitlines(), start=1):
        if re.search(r"\]\(\s*(javascript|data|vbscript):", line_text, re.I):
            findings.append(HtmlFinding(number, "unsafe link scheme in Markdown link"))
    return findings


def body_citations(body: str) -> list[tuple[int, int]]:
    """Return (line offset within body, reference number) for every [n] citation in a body."""
    found = []
    in_code = False
    for offset, line in enumerate(body.splitlines()):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        for match in CITATION_RE.finditer(line):
            found.extend((offset, n) for n in expand_citation(match.group(1)))
    return found


def unsafe_markup(body: str) -> list[tuple[int, str]]:
    """Return (line offset within body, message) for raw HTML or unsafe links."""
    return [(f.line - 1, f.message) for f in find_unsafe_markup(body)]

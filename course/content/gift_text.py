"""Low-level GIFT text helpers: escapes, the structural mask, and [format] markers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from course.content.interchange import PHP_WHITESPACE, TEXT_FORMATS

WS = PHP_WHITESPACE
_UNESCAPE = {":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n", "\\": "\\"}
_HIDDEN = "\x01"  # stands in for both characters of an escape sequence in the structural mask
_ESCAPE_SEQUENCE = re.compile(r"\\([:#={}~n\\])")
_ESCAPES = {"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}", ":": "\\:"}


def _mask(raw: str) -> str:
    """Hide escape sequences so only live GIFT syntax stays visible, keeping offsets."""
    return _ESCAPE_SEQUENCE.sub(_HIDDEN * 2, raw)


def _unescape(raw: str) -> str:
    """Resolve GIFT escapes; a backslash before any other character stays literal."""
    return _ESCAPE_SEQUENCE.sub(lambda found: _UNESCAPE[found.group(1)], raw)


def _escape(text: str) -> str:
    """Escape GIFT control characters and newlines so the text stays on one line."""
    return "".join(_ESCAPES.get(ch, ch) for ch in text).replace("\n", "\\n")


def _text(text: str, text_format: str, default: str, guard: bool = False) -> str:
    """Write a text field with a [format] marker when needed to read it back unchanged."""
    marker = text_format != default or text.startswith("[") or (guard and text.startswith("//"))
    return (f"[{text_format}]" if marker else "") + _escape(text)


@dataclass(frozen=True)
class _Span:
    """A slice of a block: raw text, its mask, and where it starts in the block."""

    raw: str
    mask: str
    start: int

    def cut(self, begin: int, end: int | None = None) -> _Span:
        """Slice by offsets relative to this span."""
        return _Span(self.raw[begin:end], self.mask[begin:end], self.start + begin)

    def strip(self) -> _Span:
        """Trim PHP whitespace (escapes are never whitespace in the mask)."""
        left = len(self.mask) - len(self.mask.lstrip(WS))
        return self.cut(left, max(left, len(self.mask.rstrip(WS))))


def _field(span: _Span, default_format: str) -> tuple[str, str]:
    """Return (text, format) of a text field, dropping a leading [format] marker."""
    span = span.strip()
    text_format = default_format
    if span.mask.startswith("["):
        end = span.mask.find("]")
        if end > 0 and span.mask[1:end] in TEXT_FORMATS:
            text_format = span.mask[1:end]
            span = span.cut(end + 1)
    return _unescape(span.raw).strip(WS), text_format

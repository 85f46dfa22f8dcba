"""Render a certificate snapshot to a deterministic landscape PDF (CE claims: a second page).

Drawn with reportlab and embedded DejaVu TrueType fonts (core PDF fonts cover Latin-1 only),
with a vector QR code (segno, level M) of exactly the public verification URL. The same
snapshot and URL give the same bytes: invariant mode, creation date from ``issued_at``.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import segno
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from course.ce.pdf import draw_credit_page
from course.dates import human_date

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
SERIF = "DejaVuSerif"
SERIF_BOLD = "DejaVuSerif-Bold"
_FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
}
PAGE_W, PAGE_H = landscape(letter)
MARGIN = 72.0
TEXT_W = PAGE_W - 2 * MARGIN
INK = Color(0.10, 0.14, 0.20)
MUTED = Color(0.33, 0.37, 0.43)
ACCENT = Color(0.05, 0.33, 0.45)
ALERT = Color(0.72, 0.09, 0.09)
QR_SIZE = 96.0

_fonts_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Register the DejaVu fonts with reportlab once per process."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _fonts_lock:
        if _fonts_ready:
            return
        for name, filename in _FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        _fonts_ready = True


def _pdf_date(issued_at: str) -> str:
    """Return the PDF date string (UTC) for an ISO datetime."""
    moment = datetime.fromisoformat(issued_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _truncate(line: str, font: str, size: float, width: float) -> str:
    """Shorten a line with an ellipsis until it fits the width."""
    while line and pdfmetrics.stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _break_long_words(lines: list[str], font: str, size: float, width: float) -> list[str]:
    """Split any line that is still too wide (a single unbroken word) by characters."""
    out: list[str] = []
    for line in lines:
        while pdfmetrics.stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def fit_lines(
    text: str, font: str, sizes: tuple[float, float], width: float, height: float
) -> tuple[list[str], float]:
    """Wrap text at the largest size whose lines fit the box; truncate at the smallest size."""
    largest, smallest = sizes
    size = largest
    while True:
        lines = _break_long_words(simpleSplit(text, font, size, width), font, size, width)
        if len(lines) * size * 1.2 <= height or size <= smallest:
            break
        size = max(smallest, size - 1)
    max_lines = max(1, int(height // (size * 1.2)))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _truncate(lines[-1], font, size, width)
    return lines, size


def _block(
    c: Canvas,
    text: str,
    font: str,
    sizes: tuple[float, float],
    top: float,
    height: float,
    width: float = TEXT_W,
) -> float:
    """Draw wrapped, centred text below ``top`` and return the y just under it."""
    lines, size = fit_lines(text, font, sizes, width, height)
    c.setFont(font, size)
    y = top - size
    for line in lines:
        c.drawCentredString(PAGE_W / 2, y, line)
        y -= size * 1.2
    return y + size * 1.2 - size * 0.35


def _line(c: Canvas, text: str, font: str, size: float, y: float, color: Color = INK) -> None:
    """Draw one centred line, shrinking it if needed to fit the text width."""
    while size > 5 and pdfmetrics.stringWidth(text, font, size) > TEXT_W:
        size -= 0.5
    c.setFillColor(color)
    c.setFont(font, size)
    c.drawCentredString(PAGE_W / 2, y, _fit(text, font, size, TEXT_W))
    c.setFillColor(INK)


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code for ``data`` as filled vector rectangles, quiet zone included."""
    qr = segno.make(data, error="m", micro=False, boost_error=False)
    matrix = [list(row) for row in qr.matrix]
    border = 4
    modules = len(matrix) + 2 * border
    unit = size / modules
    c.setFillColor(Color(1, 1, 1))
    c.rect(x, y, size, size, stroke=0, fill=1)
    path = c.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (r + border) * unit
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            path.rect(x + (start + border) * unit, top - unit, (col - start) * unit, unit)
    c.setFillColor(Color(0, 0, 0))
    c.drawPath(path, stroke=0, fill=1)
    c.setFillColor(INK)


def _frame(c: Canvas) -> None:
    """Draw the double border."""
    c.setStrokeColor(ACCENT)
    c.setLineWidth(2.5)
    c.rect(24, 24, PAGE_W - 48, PAGE_H - 48, stroke=1, fill=0)
    c.setLineWidth(0.6)
    c.rect(31, 31, PAGE_W - 62, PAGE_H - 62, stroke=1, fill=0)


def _recipient(c: Canvas, snap: Mapping[str, Any], top: float) -> float:
    """Draw the recipient's name, credential and licence; return the y under them."""
    name = str(snap["full_name"]).strip()
    credential = snap.get("credential")
    if credential:
        name = f"{name}, {credential}"
    c.setFillColor(INK)
    y = _block(c, name, SERIF_BOLD, (34, 14), top, 64)
    licence = snap.get("licence_number")
    if licence:
        state = snap.get("licence_state")
        text = f"Licence no. {licence}" + (f" ({state})" if state else "")
        _line(c, text, SANS, 9.5, y - 12, MUTED)
        y -= 14
    return y


def _course(c: Canvas, snap: Mapping[str, Any], top: float) -> float:
    """Draw the course title, date, credit line and credit statement; return the y under them."""
    _line(c, "has completed", SANS, 13, top - 15, MUTED)
    c.setFillColor(ACCENT)
    y = _block(c, str(snap["course_title"]), SERIF_BOLD, (22, 11), top - 28, 56)
    details = [f"on {human_date(snap['completion_date'])}"]
    if snap.get("final_score") is not None:
        details.append(f"final score {round(float(snap['final_score']) * 100)}%")
    _line(c, " · ".join(details), SANS, 11, y - 18, MUTED)
    credit = snap.get("credit_line") or f"{float(snap['hours']):.2f} hours of participation"
    _line(c, str(credit), SANS_BOLD, 14, y - 44)
    statement = snap.get("credit_statement")
    if statement:
        c.setFillColor(MUTED)
        y = _block(c, str(statement), SANS, (9, 6.5), y - 60, 38, TEXT_W - 80)
    return y


def _footer(c: Canvas, snap: Mapping[str, Any], verify_url: str, tz: str | None) -> None:
    """Draw signature, code, issuer, QR code and the verification URL."""
    c.setFillColor(INK)
    c.setStrokeColor(INK)
    c.setLineWidth(0.8)
    c.line(MARGIN, 112, MARGIN + 210, 112)
    c.setFont(SANS_BOLD, 10.5)
    c.drawString(MARGIN, 98, _fit(str(snap.get("signatory_name") or ""), SANS_BOLD, 10.5, 230))
    c.setFont(SANS, 9)
    lines = [str(snap.get(key) or "") for key in ("signatory_title", "issuer_name")]
    lines = [line for line in dict.fromkeys(lines) if line and line != snap.get("signatory_name")]
    for y, line in zip((86, 74), lines, strict=False):
        c.drawString(MARGIN, y, _fit(line, SANS, 9, 230))

    cx = PAGE_W / 2 + 20
    c.setFont(SANS, 8.5)
    c.setFillColor(MUTED)
    c.drawCentredString(cx, 112, "Certificate code")
    c.setFillColor(INK)
    c.setFont(SANS_BOLD, 12)
    c.drawCentredString(cx, 97, str(snap["code"]))
    c.setFont(SANS, 8.5)
    issued = f"Issued {human_date(str(snap['issued_at']), tz)}"  # the holder's calendar day
    c.drawCentredString(cx, 84, _fit(issued, SANS, 8.5, 220))

    draw_qr(c, verify_url, PAGE_W - MARGIN - QR_SIZE + 8, 62, QR_SIZE)
    _line(c, f"Verify at {verify_url}", SANS, 7.5, 44, MUTED)


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Return text unchanged if it fits the width, else truncated with an ellipsis."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    return _truncate(text, font, size, width)


def _status(c: Canvas, note: str) -> None:
    """Stamp a status note (e.g. REVOKED) across the page and in a banner."""
    c.saveState()
    c.setFillColor(ALERT)
    c.setFillAlpha(0.18)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(24)
    size = 96.0
    while size > 24 and pdfmetrics.stringWidth(note, SANS_BOLD, size) > PAGE_W * 0.8:
        size -= 4
    c.setFont(SANS_BOLD, size)
    c.drawCentredString(0, -size / 3, note)
    c.restoreState()
    _line(c, note, SANS_BOLD, 13, PAGE_H - 52, ALERT)


def render_certificate_pdf(
    snapshot: Mapping[str, Any],
    verify_url: str,
    *,
    status_note: str | None = None,
    tz: str | None = None,
) -> bytes:
    """Render a snapshot and its verification URL to PDF bytes; issue date in the holder's tz."""
    register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1, initialFontName=SANS)
    created = _pdf_date(str(snapshot["issued_at"]))
    c.setDateFormatter(lambda *_parts: created)
    title = str(snapshot.get("certificate_title") or "Certificate of Completion")
    c.setTitle(f"{title}: {snapshot['full_name']}")
    c.setAuthor(str(snapshot.get("issuer_name") or ""))
    c.setSubject(str(snapshot["course_title"]))
    c.setKeywords(str(snapshot["code"]))
    c.setCreator("Practicum")

    _frame(c)
    _line(c, str(snapshot.get("issuer_name") or "").upper(), SANS, 10, PAGE_H - 76, MUTED)
    c.setFillColor(ACCENT)
    y = _block(c, title, SERIF_BOLD, (30, 16), PAGE_H - 92, 40)
    _line(c, "This certifies that", SANS, 13, y - 26, MUTED)
    y = _recipient(c, snapshot, y - 40)
    _course(c, snapshot, y - 10)
    _footer(c, snapshot, verify_url, tz)
    if status_note:
        _status(c, status_note)
    c.showPage()
    draw_credit_page(c, snapshot, (PAGE_W, PAGE_H))  # CE claims on page two, when any
    c.save()
    return buf.getvalue()

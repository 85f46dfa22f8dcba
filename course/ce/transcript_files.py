"""The transcript as files: a Unicode PDF (embedded DejaVu fonts, like the certificate) and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from course.ce.transcript import Row, Transcript
from course.certificates.eligibility import format_hours
from course.certificates.pdf import SANS, SANS_BOLD, register_fonts

PAGE_W, PAGE_H = letter
MARGIN = 54.0
COLUMNS = (("Completed", 0), ("Title", 70), ("Credit", 300), ("Status", 450))
CSV_HEADER = (
    "completion_date",
    "title",
    "provider",
    "credit_type",
    "amount",
    "status",
    "certificate_code",
    "verify_url",
)


def _clip(text: str, font: str, size: float, width: float) -> str:
    while text and pdfmetrics.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def _credit_text(row: Row) -> str:
    return "; ".join(f"{c.label}: {format_hours(c.amount)}" for c in row.credits)


def _period(t: Transcript) -> str:
    start = t.start.isoformat() if t.start else "the beginning"
    end = t.end.isoformat() if t.end else "today"
    return f"From {start} to {end}"


class _Writer:
    """Top-to-bottom text on letter pages, starting a new page when one fills."""

    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas
        self.y = PAGE_H - MARGIN

    def line(self, text: str, size: float = 10, bold: bool = False, x: float = 0) -> None:
        if self.y < MARGIN:
            self.c.showPage()
            self.y = PAGE_H - MARGIN
        font = SANS_BOLD if bold else SANS
        self.c.setFont(font, size)
        self.c.drawString(MARGIN + x, self.y, _clip(text, font, size, PAGE_W - 2 * MARGIN - x))
        self.y -= size * 1.5

    def row(self, cells: tuple[str, ...], bold: bool = False) -> None:
        if self.y < MARGIN:
            self.c.showPage()
            self.y = PAGE_H - MARGIN
        font = SANS_BOLD if bold else SANS
        self.c.setFont(font, 8.5)
        edges = [x for _, x in COLUMNS] + [PAGE_W - 2 * MARGIN]
        for i, text in enumerate(cells):
            width = edges[i + 1] - edges[i] - 6
            self.c.drawString(MARGIN + edges[i], self.y, _clip(text, font, 8.5, width))
        self.y -= 13


def _totals(w: _Writer, heading: str, totals: dict[str, float]) -> None:
    w.line(heading, 11, bold=True)
    for label, amount in totals.items() or [("None", 0.0)]:
        w.line(f"{label}: {format_hours(amount)}" if amount else label, x=12)


def transcript_pdf(t: Transcript) -> bytes:
    """Render a transcript (rows and both sets of totals) as a PDF."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=1)
    canvas.setTitle(f"Transcript: {t.user.full_name}")
    w = _Writer(canvas)
    w.line(f"Transcript: {t.user.full_name}", 16, bold=True)
    w.line(f"{t.user.profession} · {_period(t)}", 10)
    _totals(w, "Credit earned here (valid certificates)", t.totals)
    _totals(w, "Self-reported credit (earned elsewhere, not verified)", t.self_totals)
    w.y -= 6
    w.row(tuple(name for name, _ in COLUMNS), bold=True)
    for r in t.rows:
        status = r.status if r.code is None else f"{r.status} · {r.code}"
        w.row((r.completed.isoformat(), r.title, _credit_text(r), status))
    canvas.save()
    return buffer.getvalue()


def _safe(text: str) -> str:
    """Neutralise spreadsheet formulas in learner-typed cells (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def transcript_csv(t: Transcript, verify_url: Callable[[str], str]) -> Iterator[str]:
    """Yield the transcript as CSV lines, one per credit type on each row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for r in t.rows:
        for c in r.credits:
            link = verify_url(r.code) if r.code else ""
            writer.writerow(
                (
                    r.completed.isoformat(),
                    _safe(r.title),
                    _safe(r.provider),
                    c.label,
                    format_hours(c.amount),
                    r.status,
                    r.code or "",
                    link,
                )
            )
    yield buffer.getvalue()

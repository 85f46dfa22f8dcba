"""The certificate's second page: what each accreditor requires printed, from the snapshot.

For each claim: the credit type, the amount claimed (not the maximum), the statement verbatim
and the provider number; then the learner's credential and licence, the activity format, the
completion, release and expiry dates. Drawn with the fonts certificates.pdf registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from course.dates import human_date

SANS, SANS_BOLD, SERIF_BOLD = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSerif-Bold"
INK = Color(0.10, 0.14, 0.20)
MUTED = Color(0.33, 0.37, 0.43)
MARGIN = 60.0
BOTTOM = 50.0


class _Writer:
    """Left-aligned wrapped text flowing down the page, onto a further page when it is full."""

    def __init__(self, c: Canvas, width: float, height: float) -> None:
        self.c, self.width, self.top = c, width - 2 * MARGIN, height - MARGIN
        self.y = self.top

    def text(self, text: str, font: str = SANS, size: float = 10, color: Color = INK) -> None:
        for line in simpleSplit(text, font, size, self.width) or [""]:
            if self.y < BOTTOM:
                self.c.showPage()
                self.y = self.top
            self.c.setFillColor(color)
            self.c.setFont(font, size)
            self.c.drawString(MARGIN, self.y, line)
            self.y -= size * 1.3

    def gap(self, points: float = 6) -> None:
        self.y -= points


def _dates(snap: Mapping[str, Any], ce: Mapping[str, Any]) -> str:
    parts = [f"Completed {human_date(snap['completion_date'])}"]
    if ce.get("release_date"):
        parts.append(f"released {human_date(ce['release_date'])}")
    if ce.get("expiry_date"):
        parts.append(f"expires {human_date(ce['expiry_date'])}")
    return " · ".join(parts)


def _learner(snap: Mapping[str, Any]) -> str:
    text = f"{snap['full_name']}, {snap.get('credential') or 'no credential given'}"
    if snap.get("licence_number"):
        state = f" ({snap['licence_state']})" if snap.get("licence_state") else ""
        text += f" · licence no. {snap['licence_number']}{state}"
    return text


def draw_credit_page(c: Canvas, snap: Mapping[str, Any], size: tuple[float, float]) -> None:
    """Draw the continuing-education page when the snapshot carries `ce` (else nothing)."""
    ce = snap.get("ce")
    if not ce:
        return
    w = _Writer(c, *size)
    w.text("Continuing education credit", SERIF_BOLD, 18)
    w.gap()
    w.text(str(snap["course_title"]), SANS_BOLD, 11)
    w.text(
        f"Format: {ce.get('format')}"
        + (f" · provider {ce['provider']}" if ce.get("provider") else "")
    )
    w.text(_dates(snap, ce))
    w.text(f"Participant: {_learner(snap)}")
    w.text(f"Certificate code {snap['code']}", size=9, color=MUTED)
    w.gap(10)
    if ce.get("accreditation_statement"):
        w.text(str(ce["accreditation_statement"]), size=9)
        w.gap()
    for claim in ce.get("claims") or []:
        amount = f"{float(claim['amount']):g}"
        w.text(f"{claim['label']}: {amount} claimed", SANS_BOLD, 11)
        w.text(str(claim["statement"]), size=9)
        if claim.get("provider_number"):
            w.text(f"Provider or approval number: {claim['provider_number']}", size=9)
        w.gap(8)
    c.showPage()

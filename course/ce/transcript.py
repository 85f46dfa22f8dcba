"""The learner's transcript: every certificate across courses plus self-reported credits.

Read-only plain functions. Certificates are read from their frozen snapshots; self-reported
credits are kept apart, in their own rows and their own totals, and never reach a verify page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from course.ce.registry import CREDIT_TYPES
from course.extensions import db
from course.models import Certificate, CertificateStatus, ExternalCredit, User

OTHER = "other"
SELF_REPORTED = "self-reported"


def type_label(key: str) -> str:
    """The printed name of a credit type key (free text from older snapshots passes through)."""
    if key == OTHER:
        return "Other credit"
    return CREDIT_TYPES[key].label if key in CREDIT_TYPES else key


@dataclass(frozen=True)
class Credit:
    """One credit type and amount on a transcript row."""

    label: str
    amount: float


@dataclass(frozen=True)
class Row:
    """One transcript line: a certificate, or a self-reported credit."""

    title: str
    completed: date
    credits: tuple[Credit, ...]
    status: str  # valid, revoked, superseded, expired, or self-reported
    code: str | None = None  # certificates: the verify code
    provider: str = ""
    external_id: int | None = None
    has_file: bool = False

    @property
    def self_reported(self) -> bool:
        """True for credits the learner added themselves."""
        return self.status == SELF_REPORTED


@dataclass(frozen=True)
class Transcript:
    """A learner's rows for a date range, with totals kept apart for self-reported credit."""

    user: User
    start: date | None
    end: date | None
    rows: list[Row] = field(default_factory=list)

    def _totals(self, self_reported: bool) -> dict[str, float]:
        sums: dict[str, float] = defaultdict(float)
        for row in self.rows:
            counted = row.self_reported if self_reported else row.status == "valid"
            for credit in row.credits if counted else ():
                sums[credit.label] += credit.amount
        return dict(sorted(sums.items()))

    @property
    def totals(self) -> dict[str, float]:
        """Credit per type from valid certificates earned here."""
        return self._totals(self_reported=False)

    @property
    def self_totals(self) -> dict[str, float]:
        """Credit per type the learner reported from elsewhere."""
        return self._totals(self_reported=True)


def _credits(snapshot: dict[str, Any]) -> tuple[Credit, ...]:
    claims = (snapshot.get("ce") or {}).get("claims") or []
    if claims:
        return tuple(Credit(str(c["label"]), float(c["amount"])) for c in claims)
    amount = snapshot.get("credit_amount") or snapshot.get("hours") or 0
    return (Credit(type_label(str(snapshot.get("credit_type") or "participation")), amount),)


def _status(certificate: Certificate, on: date) -> str:
    until = certificate.snapshot.get("valid_until")
    if certificate.status == CertificateStatus.VALID and until and date.fromisoformat(until) < on:
        return "expired"
    return certificate.status.value


def certificate_row(certificate: Certificate, on: date) -> Row:
    """A certificate's transcript line, from its snapshot only."""
    snap = certificate.snapshot
    return Row(
        title=str(snap.get("course_title") or ""),
        completed=date.fromisoformat(str(snap["completion_date"])[:10]),
        credits=_credits(snap),
        status=_status(certificate, on),
        code=certificate.code,
        provider=str(snap.get("issuer_name") or ""),
    )


def external_row(credit: ExternalCredit) -> Row:
    """A self-reported credit's transcript line."""
    return Row(
        title=credit.title,
        completed=credit.completed_on,
        credits=(Credit(type_label(credit.credit_type), float(credit.amount)),),
        status=SELF_REPORTED,
        provider=credit.provider,
        external_id=credit.id,
        has_file=credit.file_name is not None,
    )


def _within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def transcript_for(user: User, on: date, start: date | None, end: date | None) -> Transcript:
    """Build a learner's transcript for [start, end] (either open), in two queries."""
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
    ).all()
    externals = db.session.scalars(
        select(ExternalCredit).where(ExternalCredit.user_id == user.id)
    ).all()
    rows = [certificate_row(c, on) for c in certificates] + [external_row(e) for e in externals]
    kept = [r for r in rows if _within(r.completed, start, end)]
    kept.sort(key=lambda r: (r.completed, r.title), reverse=True)
    return Transcript(user, start, end, kept)

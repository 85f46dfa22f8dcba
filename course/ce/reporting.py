"""Board reporting rows (ACCME PARS, CE Broker) and their pre-validation.

One row per learner per credit claim on a valid certificate, read in ONE streamed query
(certificate joined to its learner, `yield_per`), so the query count stays constant however
many learners there are. Identifiers come from the learner's profile now (fixing a profile
fixes the next export); the claims and completion date come from the frozen snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, select

from course.ce.identifiers import export_licence, npi_valid, state_code
from course.extensions import db
from course.models import Certificate, CertificateStatus, Course, User

BATCH = 500
KINDS = {"pars": "ACCME PARS learner completion", "cebroker": "CE Broker roster"}
ONE_ROW_PER_CERTIFICATE = frozenset({"cebroker"})


@dataclass(frozen=True)
class ClaimRow:
    """One learner's credit claim on one valid certificate, with their reporting identifiers."""

    user_id: int
    full_name: str
    profession: str
    birth_month: int | None
    birth_day: int | None
    board_id: str | None
    licence_number: str | None
    licence_state: str | None
    npi: str | None
    consent_at: datetime | None
    code: str
    completed: date
    credit_type: str
    label: str
    amount: float
    maximum: float | None

    @property
    def first_name(self) -> str:
        """Given names: everything before the last word of the full name."""
        parts = self.full_name.rsplit(" ", 1)
        return parts[0] if len(parts) == 2 else ""

    @property
    def last_name(self) -> str:
        """Family name: the last word of the full name."""
        return self.full_name.rsplit(" ", 1)[-1]

    @property
    def state(self) -> str | None:
        """The licence state as a US code (None: missing or not a US state)."""
        return state_code(self.licence_state)

    @property
    def licence(self) -> str:
        """The licence number normalised for export (stored as typed)."""
        return export_licence(self.licence_number)


def _over_max(row: ClaimRow) -> list[str]:
    if row.maximum is not None and row.amount > row.maximum:
        return [f"Claimed {row.amount:g} credits, over the maximum of {row.maximum:g}."]
    return []


def _common(row: ClaimRow) -> list[str]:
    problems = []
    if row.licence_number and row.state is None:
        problems.append(f"Licence state “{row.licence_state or ''}” is not a US state code.")
    if row.consent_at is None:
        problems.append("No consent to share completion data with boards.")
    return problems + _over_max(row)


def pars_problems(row: ClaimRow) -> list[str]:
    """Why ACCME PARS would reject this row (empty: it would be accepted)."""
    problems = []
    has_licence = bool(row.licence_number and row.licence_state)
    has_npi = bool(row.npi and npi_valid(row.npi))
    if not (row.board_id or has_licence or has_npi):
        problems.append("Missing licence or board ID (no board ID, licence with state, or NPI).")
    if row.birth_month is None or row.birth_day is None:
        problems.append("Missing date-of-birth parts (month and day).")
    return problems + _common(row)


def cebroker_problems(row: ClaimRow) -> list[str]:
    """Why CE Broker would reject this row (empty: it would be accepted)."""
    problems = [] if row.licence_number else ["Missing licence number."]
    if not row.licence_state:
        problems.append("Missing licence state.")
    return problems + _common(row)


PROBLEMS = {"pars": pars_problems, "cebroker": cebroker_problems}


def _rows_stmt(course: Course):
    return (
        select(
            Certificate.code,
            Certificate.snapshot,
            User.id,
            User.full_name,
            User.profession,
            User.birth_month,
            User.birth_day,
            User.board_id,
            User.licence_number,
            User.licence_state,
            User.npi,
            User.share_consent_at,
        )
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.course_id == course.id, Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.id)
        .execution_options(yield_per=BATCH)
    )


def _claims(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    claims = (snapshot.get("ce") or {}).get("claims") or []
    if claims:
        return claims
    amount = snapshot.get("credit_amount") or snapshot.get("hours") or 0
    kind = str(snapshot.get("credit_type") or "participation")
    return [{"credit_type": kind, "label": kind, "amount": amount, "max": None}]


def _expand(r: Row[Any]) -> Iterator[ClaimRow]:
    snap = r.snapshot
    completed = date.fromisoformat(str(snap["completion_date"])[:10])
    for c in _claims(snap):
        yield ClaimRow(
            *(r.id, r.full_name, r.profession, r.birth_month, r.birth_day, r.board_id),
            *(r.licence_number, r.licence_state, r.npi, r.share_consent_at, r.code, completed),
            str(c["credit_type"]),
            str(c.get("label") or c["credit_type"]),
            float(c["amount"]),
            None if c.get("max") is None else float(c["max"]),
        )


def claim_rows(
    course: Course, start: date | None, end: date | None, first_only: bool = False
) -> Iterator[ClaimRow]:
    """Every claim on the course's valid certificates completed in [start, end] (one query).

    With `first_only`, one row per certificate: its first claim (CE Broker takes one line per
    licensee and course, and the first claim is the one the certificate's credential carries).
    """
    for r in db.session.execute(_rows_stmt(course)):
        for n, row in enumerate(_expand(r)):
            if first_only and n:
                break
            if (start is None or row.completed >= start) and (end is None or row.completed <= end):
                yield row


def checked(kind: str, rows: Iterator[ClaimRow]) -> Iterator[tuple[ClaimRow, list[str]]]:
    """Pair each row with what the given report would reject about it."""
    check = PROBLEMS[kind]
    for row in rows:
        yield row, check(row)

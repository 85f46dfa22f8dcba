"""PARS activity summary: one row per CE activity for a date range, with pre-validation.

Counts come from ONE grouped query over valid certificates issued in the range; each
activity's information is read once per course (a handful of CE courses, not learners).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from course.ce.activity import load_activity
from course.certificates.eligibility import format_hours
from course.extensions import db
from course.models import CeActivity, Certificate, CertificateStatus, Course, User

PHYSICIANS = ("MD", "DO")
ACTIVITY_TYPE = "Enduring Material"
COLUMNS = (
    "Provider Activity ID",
    "Activity Type",
    "Activity Title",
    "Activity Start Date",
    "Activity End Date",
    "Hours of Instruction",
    "AMA PRA Category 1 Credits Designated",
    "Number of Physician Learners",
    "Number of Other Learners",
    "Commercial Support Received",
    "Outcomes Measured",
)


@dataclass(frozen=True)
class ActivityRow:
    """One activity's PARS summary line and what PARS would reject about it."""

    cells: tuple[str, ...]
    problems: tuple[str, ...]
    title: str


def _counts(start: date | None, end: date | None) -> dict[tuple[int, bool], int]:
    physician = User.profession.in_(PHYSICIANS)
    stmt = (
        select(Certificate.course_id, physician, func.count(func.distinct(User.id)))
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.status == CertificateStatus.VALID)
        .group_by(Certificate.course_id, physician)
    )
    if start:
        stmt = stmt.where(Certificate.issued_at >= datetime.combine(start, time.min, UTC))
    if end:
        later = datetime.combine(end + timedelta(days=1), time.min, UTC)
        stmt = stmt.where(Certificate.issued_at < later)
    return {(cid, bool(phys)): n for cid, phys, n in db.session.execute(stmt)}


def outcomes_measured(course: Course) -> str:
    """The outcome levels the course measures: competence (final), knowledge, performance."""
    activity = load_activity(course)
    info = activity.info if activity else None
    measured = ["Competence (final exam)"]
    if info and info.outcomes.pre_test_questions:
        measured.append("Knowledge (pre-test against the final)")
    if info:
        measured.append(f"Performance (follow-up survey at {info.outcomes.follow_up_days} days)")
    return "; ".join(measured)


def _row(course: Course, counts: dict[tuple[int, bool], int]) -> ActivityRow:
    activity = load_activity(course)
    info = activity.info if activity else None
    ama = next((d for d in activity.designations if d.credit_type == "ama_pra_1"), None)
    problems = [] if info else ["No activity information (release and end dates) recorded."]
    support = str((course.accreditation or {}).get("commercial_support") or "No")
    cells = (
        course.slug,
        ACTIVITY_TYPE,
        course.title,
        info.release_date.strftime("%m/%d/%Y") if info else "",
        info.expiry_date.strftime("%m/%d/%Y") if info else "",
        format_hours(course.contact_hours),
        format_hours(ama.max_credits) if ama else "0",
        str(counts.get((course.id, True), 0)),
        str(counts.get((course.id, False), 0)),
        support,
        outcomes_measured(course),
    )
    return ActivityRow(cells, tuple(problems), course.title)


def activity_rows(start: date | None, end: date | None) -> list[ActivityRow]:
    """Every CE activity's summary row for the range (constant queries per activity)."""
    courses = db.session.scalars(
        select(Course).join(CeActivity, CeActivity.course_id == Course.id).order_by(Course.slug)
    ).all()
    counts = _counts(start, end)
    return [_row(c, counts) for c in courses]


def activity_csv(rows: list[ActivityRow]) -> Iterator[str]:
    """Yield the summary as CSV (valid rows only)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        if not row.problems:
            writer.writerow(row.cells)
    yield buffer.getvalue()
